/* agenda.h - a meeting's programme: agenda items (rules, rows, JSON), the
 * conflicts between them, and bringing a script's declared items into the
 * database (agenda scripts are run by agenda_script.h; this module only
 * sees their JSON output, validated exactly like API input).
 *
 * Times: items are written as wall times "YYYY-MM-DDTHH:MM" in the
 * meeting's zone; the UTC instants are computed once, on write. */
#ifndef SAIETS_AGENDA_H
#define SAIETS_AGENDA_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

/* Creates an item from API input (venue_id, not a venue name); source is
 * "organizer", "script:NAME" or "plugin:NAME", key a script's stable key or
 * NULL. */
int agenda_item_create(struct db *db, long long meeting_id, json_t *in,
                       const char *source, const char *key, long long now,
                       const char *actor, long long *id, struct err *e);
int agenda_item_patch(struct db *db, long long meeting_id, long long id, json_t *in,
                      long long now, const char *actor, struct err *e);
int agenda_item_delete(struct db *db, long long meeting_id, long long id,
                       long long now, const char *actor, struct err *e);

json_t *agenda_item_json(struct db *db, long long meeting_id, long long id,
                         struct err *e);

/* Plugins' items, known by their key within the source ("plugin:NAME"):
 * put creates the item or replaces it whole (checked like API input) and
 * sets *id; remove deletes it if it exists; remove_source deletes every
 * item of the source in the meeting. */
int agenda_item_put_keyed(struct db *db, long long meeting_id, json_t *in, const char *source,
                          const char *key, long long now, const char *actor, long long *id,
                          struct err *e);
int agenda_item_remove_keyed(struct db *db, long long meeting_id, const char *source,
                             const char *key, long long now, const char *actor, struct err *e);
json_t *agenda_item_keyed_json(struct db *db, long long meeting_id, const char *source,
                               const char *key, struct err *e);
int agenda_remove_source(struct db *db, long long meeting_id, const char *source, long long now,
                         const char *actor, struct err *e);

/* After a change of meeting m (already written, in the caller's
 * transaction): refuses (invalid_field on starts_on or ends_on) when an item
 * falls outside the new days, and when the zone changed recomputes every
 * item's UTC instants from its wall time, which stays as written. */
struct meeting;
int agenda_follow_meeting(struct db *db, const struct meeting *m, int zone_changed,
                          struct err *e);

/* {"meeting", "timezone", "days": [{"date", "items": [...]}]}, by time then
 * track.  plenary_only keeps items without a track (a participant's own
 * calendar before site visits are assigned). */
json_t *agenda_json(struct db *db, long long meeting_id, int plenary_only,
                    struct err *e);

/* ---- conflicts ---------------------------------------------------------- */

/* What the checks need to know of an item. */
struct agenda_slot {
    long long id;
    long long starts_at, ends_at; /* unix seconds */
    long long venue_id;           /* 0: no venue */
    const char *track;            /* NULL or "": plenary, part of every track */
    json_t *speakers;             /* borrowed: [{"name",...}] */
    long long expected;           /* expected attendance, -1 unknown */
    const char *title;
};

struct agenda_places {
    /* Travel minutes from a to b, -1 when unknown (then not checked). */
    int (*travel)(void *ctx, long long a, long long b);
    /* Seats at a venue, 0 when unknown. */
    long long (*capacity)(void *ctx, long long venue);
    void *ctx;
};

/* Problems listed at most; then one {"code": "more_problems"} ends the list. */
#define AGENDA_PROBLEMS_MAX 500

/* Every conflict among items sorted by starts_at: two items in one venue at
 * once (venue_double_booked), one speaker in two items at once
 * (speaker_double_booked), consecutive items of a track at different venues
 * closer than the travel time (travel_too_short), expected attendance above
 * the venue's capacity (over_capacity).  Plenary items expect
 * plenary_expected people unless they say otherwise.  Returns a new list of
 * {"code", "message", "items": [ids]}, or NULL when out of memory. */
json_t *agenda_find_problems(const struct agenda_slot *items, size_t n,
                             const struct agenda_places *places,
                             long long plenary_expected);

/* The problems of a meeting's stored agenda alone (review_problems adds
 * the site-visit transport's). */
json_t *agenda_problems(struct db *db, long long meeting_id, struct err *e);

/* ---- scripts ------------------------------------------------------------ */

/* Makes the meeting's items from script NAME what `declared` says
 * ({"venues", "travel", "items"} as agenda_script.h produces): creates the
 * venues it declares that do not exist, adds, changes and removes the
 * items with source "script:NAME" (matched by key) and leaves every other
 * item alone.  Writes in the caller's transaction; a dry run is this
 * with actor NULL followed by a rollback: only an actor's sync is audited
 * and announced (agenda.changed).  *diff gets {"script", "added", "changed",
 * "removed", "unchanged", "venues_added", "other_scripts"}: the last lists
 * the meeting's other scripts that have items with keys this one adds
 * ([{"script", "same_keys"}]), the sign of an edited copy run under a new
 * name. */
int agenda_script_sync(struct db *db, long long meeting_id, const char *name,
                       json_t *declared, long long now, const char *actor,
                       json_t **diff, struct err *e);

/* 1 for a script name: [a-z0-9][a-z0-9_.-]{0,63}. */
int agenda_script_name_ok(const char *name);

#endif
