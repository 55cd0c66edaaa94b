/* calendar.c - iCalendar feeds of the programme: the meeting's, and a
 * participant's own (their site-visit places in it).  The text is made by
 * libical (ical.c) from agenda_json(); see calendar.h. */
#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "ical.h"
#include "meeting.h"
#include "registration.h"
#include "timeutil.h"
#include "venue.h"
#include "visit_allocation.h"

/* Every item of an agenda_json() answer, in order. */
#define FOREACH_ITEM(agenda, di, day, ii, item)                                  \
    json_array_foreach(json_object_get(agenda, "days"), di, day)                 \
        json_array_foreach(json_object_get(day, "items"), ii, item)

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* LOCATION: the item's venue, "name, address"; NULL without one. */
static char *venue_location(struct db *db, json_t *item)
{
    json_t *vid = json_object_get(item, "venue_id"), *v;
    struct err e;
    char *out = NULL;

    if (!json_is_integer(vid))
        return NULL;
    err_clear(&e);
    v = venue_json(db, json_integer_value(vid), &e);
    if (v) {
        const char *name = str(v, "name"), *addr = str(v, "address");
        size_t n = strlen(name ? name : "") + (addr ? strlen(addr) : 0) + 3;

        out = malloc(n);
        if (out)
            snprintf(out, n, "%s%s%s", name ? name : "", addr ? ", " : "", addr ? addr : "");
        json_decref(v);
    }
    return out;
}

/* The .ics text of an agenda, or NULL with e set. */
static char *agenda_ics(struct db *db, json_t *agenda, long long stamp, struct err *e)
{
    size_t n = 0, di, ii, k = 0;
    json_t *day, *item;
    struct ical_event *ev;
    char **uids, **locs, msg[200];
    char *text = NULL;

    FOREACH_ITEM(agenda, di, day, ii, item) n++;
    ev = calloc(n ? n : 1, sizeof *ev);
    uids = calloc(n ? n : 1, sizeof *uids);
    locs = calloc(n ? n : 1, sizeof *locs);
    if (ev == NULL || uids == NULL || locs == NULL)
        goto out;
    FOREACH_ITEM(agenda, di, day, ii, item) {
        uids[k] = malloc(48);
        if (uids[k] == NULL)
            goto out;
        snprintf(uids[k], 48, "agenda-%lld@saiets",
                 (long long)json_integer_value(json_object_get(item, "id")));
        locs[k] = venue_location(db, item);
        ev[k].uid = uids[k];
        ev[k].start_local = str(item, "starts_at");
        ev[k].end_local = str(item, "ends_at");
        ev[k].summary = str(item, "title");
        ev[k].description = str(item, "description");
        ev[k].location = locs[k];
        ev[k].categories = str(item, "kind");
        if (tu_parse_rfc3339(str(item, "updated_at"), &ev[k].last_modified) < 0)
            ev[k].last_modified = 0;
        ev[k].sequence = (int)json_integer_value(json_object_get(item, "sequence"));
        k++;
    }
    text = ical_calendar(str(agenda, "title"), str(agenda, "timezone"), ev, n, stamp,
                         msg, sizeof msg);
    if (text == NULL)
        err_set(e, ERR_INTERNAL, NULL, "calendar: %s", msg);
out:
    for (size_t i = 0; i < k; i++) {
        free(uids[i]);
        free(locs[i]);
    }
    if (text == NULL && e->code == ERR_NONE)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
    free(locs);
    free(uids);
    free(ev);
    return text;
}

/* The participant's site visits in their calendar: the slot's item becomes
 * the place they are assigned to (venue, topic, host), or says they wait. */
static void personalise(json_t *agenda, json_t *places)
{
    size_t di, ii, pi;
    json_t *day, *item, *pl;
    char text[600];

    FOREACH_ITEM(agenda, di, day, ii, item) {
        json_array_foreach(places, pi, pl) {
            if (json_integer_value(json_object_get(pl, "agenda_item_id")) !=
                json_integer_value(json_object_get(item, "id")))
                continue;
            if (json_is_integer(json_object_get(pl, "option_id"))) {
                snprintf(text, sizeof text, "%s: %s", str(item, "title"), str(pl, "venue_name"));
                json_object_set_new(item, "title", json_string(text));
                snprintf(text, sizeof text, "%s\nHost: %s", str(pl, "topic"), str(pl, "host"));
                json_object_set_new(item, "description", json_string(text));
                json_object_set(item, "venue_id", json_object_get(pl, "venue_id"));
            } else {
                snprintf(text, sizeof text, "%s (waiting list, position %lld)",
                         str(item, "title"),
                         (long long)json_integer_value(json_object_get(pl, "waiting_position")));
                json_object_set_new(item, "title", json_string(text));
            }
        }
    }
}

char *calendar_meeting_ics(struct db *db, long long meeting_id, long long now, struct err *e)
{
    json_t *agenda = agenda_json(db, meeting_id, 0, e);
    char *text = agenda ? agenda_ics(db, agenda, now, e) : NULL;

    json_decref(agenda);
    return text;
}

/* Adds extra items (not in the agenda already) to the first day's list:
 * the calendar's order is the events' own. */
static void add_extra(json_t *agenda, const json_t *extra)
{
    json_t *days = json_object_get(agenda, "days"), *first, *x, *day, *item;
    size_t i, di, ii;

    if (json_array_size(extra) > 0 && json_array_size(days) == 0 && json_is_array(days))
        json_array_append_new(days, json_pack("{s:[]}", "items")); /* no plenary item */
    first = json_object_get(json_array_get(days, 0), "items");
    json_array_foreach(extra, i, x) {
        int seen = 0;

        FOREACH_ITEM(agenda, di, day, ii, item)
            seen |= json_equal(json_object_get(item, "id"), json_object_get(x, "id"));
        if (!seen && json_is_array(first))
            json_array_append(first, x);
    }
}

char *calendar_registration_ics(struct db *db, long long registration_id, long long now,
                                const json_t *extra, struct err *e)
{
    struct registration r;
    json_t *agenda, *places;
    char *text = NULL;

    if (reg_load(db, registration_id, &r, e) < 0)
        return NULL;
    agenda = agenda_json(db, r.meeting_id, 1, e);
    if (agenda) {
        places = visit_places_json(db, r.id);
        personalise(agenda, places);
        json_decref(places);
        add_extra(agenda, extra);
        text = agenda_ics(db, agenda, now, e);
        json_decref(agenda);
    }
    reg_clear(&r);
    return text;
}
