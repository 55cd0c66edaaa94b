/* visit_transport.h - the meeting's transport plan for its site visits.
 *
 * For every site-visit slot: the groups as allocated (people in alphabetical
 * order, the escort lists), where they come from (the plenary item with a
 * venue that ends last before the slot, on its day) and go to afterwards
 * (the first one after it), the venues' travel times and the meeting's
 * vehicles, planned by transport.h: one vehicle serves one group for the
 * whole slot, departures arrive on time, a group larger than any vehicle is
 * split.  Times in the JSON are the meeting's local wall times. */
#ifndef SAIETS_VISIT_TRANSPORT_H
#define SAIETS_VISIT_TRANSPORT_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

/* {"meeting", "slots": [{"slot", "agenda_item_id", "title", "starts_at",
 *  "ends_at", "from", "to", "exact", "riders", "seated", "unseated",
 *  "legs": [...], "vehicles": [...], "problems": [...]}]}. */
json_t *visit_transport_plan_json(struct db *db, long long meeting_id, struct err *e);

/* Appends every slot's transport problems ({"code", "message", "items":
 * [the slot's agenda item], "option_id"}) to list. */
int visit_transport_problems(struct db *db, long long meeting_id, json_t *list, struct err *e);

/* Adds "vehicle" (its name) and "departs" (local time of the ride out) to
 * each of the registration's places (visit_places_json) that has a seat in
 * a vehicle; places without one are left as they are. */
void visit_transport_annotate(struct db *db, long long meeting_id, long long registration_id,
                              json_t *places);

#endif
