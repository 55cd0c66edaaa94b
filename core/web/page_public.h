/* page_public.h - the pages everyone may see: the meetings open for
 * registration, one meeting (its programme by day, the site-visit options
 * with free seats, the cultural programme's activities with theirs, and the
 * registration form), and the participant's own
 * page (/manage#TOKEN: the page is a shell; its script reads the token from
 * the fragment, which never reaches a server log or a Referer).
 *
 * Each takes the domain's JSON answers and the page language and returns
 * malloc'd HTML, or NULL with *e set. */
#ifndef SAIETS_PAGE_PUBLIC_H
#define SAIETS_PAGE_PUBLIC_H

#include <jansson.h>

#include "errors.h"

/* meetings: meeting_list_json()'s list; now: unix seconds (what is open). */
char *page_home_html(const char *lang, json_t *meetings, long long now, struct err *e);

/* meeting: meeting_to_json(); agenda: agenda_json(); slots: visit_slots_json()'s
 * list; orgs: dir_org_list(); activities: the cultural-programme plugin's
 * list of activities (plugins/cultural-programme/README.md), NULL or empty
 * when the meeting has none: shown read-only, with their free seats. */
char *page_meeting_html(const char *lang, json_t *meeting, json_t *agenda, json_t *slots,
                        json_t *orgs, json_t *activities, long long now, struct err *e);

char *page_manage_html(const char *lang, struct err *e);

/* The organizers' and the admins' pages: shells whose scripts sign in with a
 * token kept in sessionStorage (never in a URL) and work through the API.
 * which: "organizer" or "admin". */
char *page_staff_html(const char *lang, const char *which, struct err *e);

#endif
