/* registration_view.h - a registration as its participant (and the API)
 * sees it: the row's JSON with the site-visit preferences and the places,
 * each with its vehicle and departure. */
#ifndef SAIETS_REGISTRATION_VIEW_H
#define SAIETS_REGISTRATION_VIEW_H

#include <jansson.h>

#include "db.h"
#include "errors.h"
#include "registration.h"

/* reg_to_json(r) plus "visit_preferences" and "site_visits"; in a meeting
 * without site visits these are {} and [] without a query.  NULL when out
 * of memory. */
json_t *reg_view_json(struct db *db, const struct registration *r);

/* The same for registration id: NULL with *e set (not_found...). */
json_t *reg_view_json_by_id(struct db *db, long long id, struct err *e);

#endif
