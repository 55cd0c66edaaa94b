/* review.c - a meeting's problems in one list, and agenda scripts tried in
 * a savepoint; see review.h. */
#include "review.h"

#include "agenda.h"
#include "visit_transport.h"

json_t *review_problems(struct db *db, long long meeting_id, struct err *e)
{
    json_t *list = agenda_problems(db, meeting_id, e);

    if (list && visit_transport_problems(db, meeting_id, list, e) < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

int review_script_try(struct db *db, long long meeting_id, const char *name,
                      json_t *declared, int apply, long long now, const char *actor,
                      json_t **diff, struct err *e)
{
    json_t *problems = NULL;

    *diff = NULL;
    if (db_savepoint(db, "script") < 0)
        return db_fail(db, e);
    if (agenda_script_sync(db, meeting_id, name, declared, now, apply ? actor : NULL,
                           diff, e) < 0 ||
        (problems = review_problems(db, meeting_id, e)) == NULL) {
        if (e->code == ERR_NONE)
            db_fail(db, e);
        json_decref(*diff);
        *diff = NULL;
        db_savepoint_end(db, "script", 0);
        return -1;
    }
    if (db_savepoint_end(db, "script", apply) < 0) {
        json_decref(*diff);
        json_decref(problems);
        *diff = NULL;
        return db_fail(db, e);
    }
    json_object_set_new(*diff, "problems", problems);
    json_object_set_new(*diff, "applied", json_boolean(apply));
    return 0;
}
