/* visit.h - parallel site visits: slots and their options, participants'
 * ranked preferences, organizers' pins, and vehicles (rules, rows, JSON).
 *
 * A slot is an agenda item of kind site_visit; its options are the places a
 * participant can go at that time (a school, its host, a topic, seats).
 * Who goes where is decided by visit_allocation.h.  Every function runs in
 * the caller's transaction. */
#ifndef SAIETS_VISIT_H
#define SAIETS_VISIT_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

#define VISIT_OPTIONS_MAX 30 /* options in one slot */
#define VISIT_TOPIC_MAX 300
#define VISIT_HOST_MAX 200

/* Creates a slot from {"agenda_item_id", "options": [...]} (an existing
 * site_visit item of the meeting) or {"starts_at", "ends_at", "title",
 * "description"?, "options"} (a new agenda item is made); an option is
 * {"venue_id", "topic", "host", "capacity", "min_size"?}. */
int visit_slot_create(struct db *db, long long meeting_id, json_t *in, long long now,
                      const char *actor, long long *id, struct err *e);

/* Changes a slot's options: {"options": [{"id", fields to change...},
 * {a new option...}]}.  A capacity below the people placed in an option is
 * refused (in_use); new seats (more capacity, a new option) go to the
 * slot's waiting list at once when it is allocated. */
int visit_slot_patch(struct db *db, long long meeting_id, long long slot_id, json_t *in,
                     long long now, const char *actor, struct err *e);

/* 0 when the meeting has that slot; -1 with not_found (or a storage
 * error) otherwise. */
int visit_slot_check(struct db *db, long long meeting_id, long long slot_id, struct err *e);

/* {"id", "agenda_item_id", "title", "starts_at", "ends_at", "allocated",
 *  "waiting", "options": [{"id", "venue_id", "venue_name", "topic", "host",
 *  "capacity", "min_size", "assigned", "free"}]} */
json_t *visit_slot_json(struct db *db, long long meeting_id, long long slot_id,
                        struct err *e);

/* {"meeting", "slots": [...]} by start time. */
json_t *visit_slots_json(struct db *db, long long meeting_id, struct err *e);

/* Replaces a registration's preferences for the slots named in `prefs`
 * ({"SLOT_ID": [OPTION_ID, ...]}, most wanted first; [] clears) after
 * checking every id belongs to the registration's meeting: invalid_field
 * "visit_preferences" otherwise. */
int visit_prefs_set(struct db *db, long long registration_id, long long meeting_id,
                    json_t *prefs, struct err *e);

/* {"SLOT_ID": [OPTION_ID, ...]} of a registration (slots with none left out). */
json_t *visit_prefs_json(struct db *db, long long registration_id);

/* Pins a confirmed registration of the meeting to an option of the slot
 * (option_id 0 removes the pin).  The pin counts at the next allocation;
 * when the slot is allocated already the person is moved there now (in_use
 * when the option is full). */
int visit_pin(struct db *db, long long meeting_id, long long slot_id,
              long long registration_id, long long option_id, long long now,
              const char *actor, struct err *e);
/* The same from a request body {"registration_id", "option_id" (null
 * removes the pin)}. */
int visit_pin_apply(struct db *db, long long meeting_id, long long slot_id, json_t *in,
                    long long now, const char *actor, struct err *e);

/* Vehicles of a meeting: {"name", "seats"}. */
int vehicle_create(struct db *db, long long meeting_id, json_t *in, long long now,
                   const char *actor, long long *id, struct err *e);
json_t *vehicles_json(struct db *db, long long meeting_id, struct err *e);
/* One vehicle: {"id", "name", "seats"}, or NULL with *e set (not_found). */
json_t *vehicle_json(struct db *db, long long meeting_id, long long id, struct err *e);
/* Changes name and/or seats (duplicate_name when another vehicle of the
 * meeting has the name); the transport plan follows at the next read. */
int vehicle_patch(struct db *db, long long meeting_id, long long id, json_t *in, long long now,
                  const char *actor, struct err *e);
int vehicle_delete(struct db *db, long long meeting_id, long long id, long long now,
                   const char *actor, struct err *e);

#endif
