/* calendar.h - the programme as iCalendar (RFC 5545) text: the meeting's
 * feed, and one participant's own calendar, where each site-visit slot says
 * where they go (venue, topic, host) or that they wait, with their
 * position.  DTSTAMP is `now`. */
#ifndef SAIETS_CALENDAR_H
#define SAIETS_CALENDAR_H

#include "db.h"
#include "errors.h"

/* malloc'd text, or NULL with *e set (not_found for an unknown meeting). */
char *calendar_meeting_ics(struct db *db, long long meeting_id, long long now, struct err *e);

/* The plenary programme, the registration's site visits and the agenda
 * items in extra (an array of items as agenda_item_json gives them, may be
 * NULL: what plugins add for this person); malloc'd text, or NULL with *e
 * set. */
char *calendar_registration_ics(struct db *db, long long registration_id, long long now,
                                const json_t *extra, struct err *e);

#endif
