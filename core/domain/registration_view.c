/* registration_view.c - a registration with its site visits; see
 * registration_view.h. */
#include "registration_view.h"

#include "visit.h"
#include "visit_allocation.h"
#include "visit_transport.h"

json_t *reg_view_json(struct db *db, const struct registration *r)
{
    json_t *o = reg_to_json(r), *places;

    if (o == NULL)
        return NULL;
    if (!r->has_visits) {
        json_object_set_new(o, "visit_preferences", json_object());
        json_object_set_new(o, "site_visits", json_array());
        return o;
    }
    json_object_set_new(o, "visit_preferences", visit_prefs_json(db, r->id));
    places = visit_places_json(db, r->id);
    visit_transport_annotate(db, r->meeting_id, r->id, places);
    json_object_set_new(o, "site_visits", places);
    return o;
}

json_t *reg_view_json_by_id(struct db *db, long long id, struct err *e)
{
    struct registration r;
    json_t *o;

    if (reg_load(db, id, &r, e) < 0)
        return NULL;
    o = reg_view_json(db, &r);
    reg_clear(&r);
    if (o == NULL)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
    return o;
}
