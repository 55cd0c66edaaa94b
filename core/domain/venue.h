/* venue.h - venues (halls, schools, museums, ...) and the travel time
 * between them: rules, rows and JSON.  Venues are shared by all meetings. */
#ifndef SAIETS_VENUE_H
#define SAIETS_VENUE_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

#define VENUE_NAME_MAX 200

int venue_create(struct db *db, json_t *in, long long now, const char *actor,
                 long long *id, struct err *e);
int venue_patch(struct db *db, long long id, json_t *in, long long now,
                const char *actor, struct err *e);
/* Refused with in_use while agenda items use the venue. */
int venue_delete(struct db *db, long long id, long long now, const char *actor,
                 struct err *e);

/* Minutes from a to b; the other direction gets the same minutes unless it
 * was set explicitly itself. */
int venue_set_travel(struct db *db, long long a, long long b, long long minutes,
                     long long now, const char *actor, struct err *e);

/* PUT .../travel/{b}: the body {"minutes": 0..1440} applied with
 * venue_set_travel; returns {"from", "to", "minutes"}, or NULL with *e set. */
json_t *venue_travel_put(struct db *db, long long a, long long b, json_t *in, long long now,
                         const char *actor, struct err *e);

/* Travel minutes from a to b: >= 0, or -1 when unknown. */
int venue_travel_minutes(struct db *db, long long a, long long b);

/* Venue id by name (case-insensitive): 1 found, 0 not, -1 error. */
int venue_find(struct db *db, const char *name, long long *id);

int venue_exists(struct db *db, long long id);

json_t *venue_json(struct db *db, long long id, struct err *e);
json_t *venue_list_json(struct db *db);

#endif
