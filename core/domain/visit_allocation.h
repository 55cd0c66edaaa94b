/* visit_allocation.h - who goes to which option of a site-visit slot: the
 * organizer's allocation run (the engine is seat_alloc.h), its stored
 * result, and the small changes later events make to it.
 *
 * After an allocation, nobody who has a seat is moved except by an
 * organizer (a pin, or allocating again):
 *   - a freed seat (a cancellation, a pin moving someone away) goes to the
 *     waiting person who ranked that option best, earliest on the waiting
 *     list first (visit_on_cancelled, visit_place_pinned; visit_fill_seats
 *     does the same for seats an organizer adds);
 *   - a registration confirmed later gets the best-ranked option with a free
 *     seat, else any free seat, else the end of the waiting list
 *     (visit_on_confirmed);
 *   - a change of preferences counts from then on: for a waiting person at
 *     the next freed seat, for a seated person at the next allocation.
 * Every function runs in the caller's transaction (the writer's). */
#ifndef SAIETS_VISIT_ALLOCATION_H
#define SAIETS_VISIT_ALLOCATION_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

/* Allocates every confirmed registration of the meeting to an option of the
 * slot (or its waiting list), replacing the slot's previous allocation.
 * *out gets the result as visit_allocation_json gives it, plus "summary";
 * with dry_run nothing stays changed (the caller's transaction is used and
 * rolled back to where it was). */
int visit_allocate(struct db *db, long long meeting_id, long long slot_id, int dry_run,
                   long long now, const char *actor, json_t **out, struct err *e);

/* The slot's stored allocation: {"slot", "allocated_at", "options": [{"id",
 * "venue_name", "topic", "host", "capacity", "assigned", "people": [{
 * "registration_id", "first_name", "last_name", "organisation", "rank",
 * "why", "explanation"}]}], "waiting": [... "position" ...], "summary"}. */
json_t *visit_allocation_json(struct db *db, long long meeting_id, long long slot_id,
                              struct err *e);

/* A registration became confirmed (new, or promoted from the meeting's
 * waiting list): place it in every allocated slot of its meeting. */
int visit_on_confirmed(struct db *db, long long registration_id, long long now,
                       struct err *e);

/* A registration was cancelled: its seats go to the waiting lists, its
 * preferences, pins and places are removed. */
int visit_on_cancelled(struct db *db, long long registration_id, long long now,
                       struct err *e);

/* Gives the free seats of option_id to the slot's waiting list, best-ranked
 * first; 0, or -1 on a storage error. */
int visit_fill_seats(struct db *db, long long slot_id, long long option_id, long long now);

/* Moves a pinned registration to option_id now if the slot is allocated
 * (in_use when the option is full); nothing when it is not allocated yet. */
int visit_place_pinned(struct db *db, long long slot_id, long long registration_id,
                       long long option_id, long long now, struct err *e);

/* What the hosts need: {"slot", "options": [{"id", "venue_name",
 * "venue_address", "topic", "host", "capacity", "title", "starts_at",
 * "ends_at", "people": [{"registration_id", "first_name", "last_name",
 * "organisation", "position", "phone", "email", "answers"}]}]}, for one
 * option (option_id) or all (0); people unsorted. */
json_t *visit_host_lists_json(struct db *db, long long meeting_id, long long slot_id,
                              long long option_id, struct err *e);

/* The registration's places: [{"slot_id", "agenda_item_id", "title",
 * "starts_at", "ends_at", "option_id", "venue_id", "venue_name", "topic",
 * "host", "waiting_position", "explanation"}]; NULL on a storage error. */
json_t *visit_places_json(struct db *db, long long registration_id);

#endif
