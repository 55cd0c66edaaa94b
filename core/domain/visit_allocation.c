/* visit_allocation.c - allocation runs and their stored results (with the
 * hosts' lists and a registration's places); see visit_allocation.h.  The
 * optimisation itself is seat_alloc.c; what later events change is
 * visit_changes.c.  This file loads the engine's input from the database,
 * stores its output, and keeps assigned_count in step with the rows. */
#include "visit_allocation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "events.h"
#include "timeutil.h"
#include "visit.h"
#include "seat_alloc.h"

/* ---- the allocation run ----------------------------------------------------- */

/* What sa_allocate needs, loaded from the database.  Owns every array. */
struct run_input {
    int nopts;
    long long option_id[SA_MAX_OPTIONS];
    int capacity[SA_MAX_OPTIONS];
    char *name[SA_MAX_OPTIONS];   /* the option's venue name, for explanations */
    int n;
    struct sa_person *people;     /* by registration id */
    int *prefs;                   /* nopts per person */
};

static void input_free(struct run_input *in)
{
    for (int i = 0; i < in->nopts; i++)
        free(in->name[i]);
    free(in->people);
    free(in->prefs);
}

static int option_index(const struct run_input *in, long long option_id)
{
    for (int i = 0; i < in->nopts; i++)
        if (in->option_id[i] == option_id)
            return i;
    return -1;
}

/* The person with registration id, by binary search (people are by id). */
static int person_index(const struct run_input *in, long long id)
{
    int lo = 0, hi = in->n - 1;

    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (in->people[mid].id == id)
            return mid;
        if (in->people[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int load_options(struct db *db, long long slot_id, struct run_input *in)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT o.id, o.capacity, v.name FROM visit_options o"
                                   " JOIN venues v ON v.id = o.venue_id"
                                   " WHERE o.slot_id = ? ORDER BY o.position");

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, slot_id);
    while (in->nopts < SA_MAX_OPTIONS && sqlite3_step(st) == SQLITE_ROW) {
        in->option_id[in->nopts] = sqlite3_column_int64(st, 0);
        in->capacity[in->nopts] = sqlite3_column_int(st, 1);
        in->name[in->nopts] = strdup(db_text(st, 2));
        if (in->name[in->nopts++] == NULL)
            break;
    }
    sqlite3_reset(st);
    return in->nopts > 0 && in->name[in->nopts - 1] ? 0 : -1;
}

/* Confirmed registrations by id; municipality is the registration's known
 * organisation, numbered in order of first appearance. */
static int load_people(struct db *db, long long meeting_id, struct run_input *in)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, organisation_id FROM registrations"
                                   " WHERE meeting_id = ? AND status = 'confirmed'"
                                   " ORDER BY id");
    json_t *orgs = json_object();
    int cap = 0, rc;

    if (st == NULL || orgs == NULL) {
        json_decref(orgs);
        return -1;
    }
    sqlite3_bind_int64(st, 1, meeting_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sa_person *p;
        char key[24];

        if (in->n == cap) {
            struct sa_person *g = realloc(in->people, (size_t)(cap = cap ? 2 * cap : 64) *
                                                          sizeof *g);
            if (g == NULL)
                break;
            in->people = g;
        }
        p = &in->people[in->n++];
        memset(p, 0, sizeof *p);
        p->id = sqlite3_column_int64(st, 0);
        p->pinned = -1;
        p->municipality = -1;
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            json_t *k;

            snprintf(key, sizeof key, "%lld", sqlite3_column_int64(st, 1));
            if ((k = json_object_get(orgs, key)) == NULL) {
                k = json_integer((json_int_t)json_object_size(orgs));
                json_object_set_new(orgs, key, k);
            }
            p->municipality = (int)json_integer_value(k);
        }
    }
    sqlite3_reset(st);
    json_decref(orgs);
    if (rc != SQLITE_DONE)
        return -1;
    in->prefs = calloc((size_t)(in->n ? in->n : 1) * (size_t)in->nopts, sizeof *in->prefs);
    return in->prefs ? 0 : -1;
}

static int load_prefs_and_pins(struct db *db, long long slot_id, struct run_input *in)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT registration_id, option_id FROM visit_preferences"
                                   " WHERE slot_id = ? ORDER BY registration_id, rank");

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, slot_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int i = person_index(in, sqlite3_column_int64(st, 0));
        int o = option_index(in, sqlite3_column_int64(st, 1));

        /* Preferences of someone not confirmed (waitlisted for the meeting)
         * wait until they are. */
        if (i >= 0 && o >= 0 && in->people[i].nprefs < in->nopts)
            in->prefs[(size_t)i * (size_t)in->nopts + (size_t)in->people[i].nprefs++] = o;
    }
    sqlite3_reset(st);
    for (int i = 0; i < in->n; i++)
        in->people[i].prefs = &in->prefs[(size_t)i * (size_t)in->nopts];
    st = db_stmt(db, "SELECT registration_id, option_id FROM visit_pins WHERE slot_id = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, slot_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int i = person_index(in, sqlite3_column_int64(st, 0));
        if (i >= 0)
            in->people[i].pinned = option_index(in, sqlite3_column_int64(st, 1));
    }
    sqlite3_reset(st);
    return 0;
}

static int store(struct db *db, long long slot_id, const struct run_input *in,
                 const struct sa_result *res, long long now)
{
    sqlite3_stmt *ins, *st;
    const char *names[SA_MAX_OPTIONS];
    char line[300];
    int waiting = 0;

    for (int o = 0; o < in->nopts; o++)
        names[o] = in->name[o];
    st = db_stmt(db, "DELETE FROM visit_assignments WHERE slot_id = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, slot_id);
    if (db_step_done(st) < 0)
        return -1;
    ins = db_stmt(db, "INSERT INTO visit_assignments(registration_id, slot_id, option_id,"
                      " waitlist_seq, rank, why, explanation, updated_at)"
                      " VALUES (?,?,?,?,?,?,?,?)");
    if (ins == NULL)
        return -1;
    for (int i = 0; i < in->n; i++) {
        const struct sa_result *r = &res[i];

        sa_explain(r, names, line, sizeof line);
        sqlite3_bind_int64(ins, 1, in->people[i].id);
        sqlite3_bind_int64(ins, 2, slot_id);
        if (r->option >= 0)
            sqlite3_bind_int64(ins, 3, in->option_id[r->option]);
        else
            sqlite3_bind_null(ins, 3);
        if (r->option < 0) {
            sqlite3_bind_int64(ins, 4, r->waiting_pos);
            waiting = r->waiting_pos > waiting ? r->waiting_pos : waiting;
        } else {
            sqlite3_bind_null(ins, 4);
        }
        if (r->rank > 0)
            sqlite3_bind_int(ins, 5, r->rank);
        else
            sqlite3_bind_null(ins, 5);
        sqlite3_bind_text(ins, 6, sa_why_name(r->why), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 7, line, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 8, now);
        if (db_step_done(ins) < 0)
            return -1;
    }
    st = db_stmt(db, "UPDATE visit_options SET assigned_count = (SELECT count(*) FROM"
                     " visit_assignments a WHERE a.option_id = visit_options.id)"
                     " WHERE slot_id = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, slot_id);
    if (db_step_done(st) < 0)
        return -1;
    st = db_stmt(db, "UPDATE visit_slots SET allocated_at = ?, waitlist_next = ?,"
                     " updated_at = ?1 WHERE id = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, waiting + 1);
    sqlite3_bind_int64(st, 3, slot_id);
    return db_step_done(st);
}

int visit_allocate(struct db *db, long long meeting_id, long long slot_id, int dry_run,
                   long long now, const char *actor, json_t **out, struct err *e)
{
    struct run_input in;
    struct sa_result *res = NULL;
    char msg[200];
    int rc = -1;

    *out = NULL;
    memset(&in, 0, sizeof in);
    if (visit_slot_check(db, meeting_id, slot_id, e) < 0)
        return -1;
    if (load_options(db, slot_id, &in) < 0 || load_people(db, meeting_id, &in) < 0 ||
        load_prefs_and_pins(db, slot_id, &in) < 0 ||
        (res = calloc((size_t)(in.n ? in.n : 1), sizeof *res)) == NULL) {
        db_fail(db, e);
        goto out;
    }
    if (sa_allocate(in.capacity, in.nopts, in.people, in.n, res, NULL, msg, sizeof msg) < 0) {
        /* Only pins can make valid stored data unallocatable. */
        err_set(e, ERR_IN_USE, NULL, "cannot allocate: %s", msg);
        goto out;
    }
    /* A dry run stores the result, reads it back as JSON and undoes it, so
     * that both answers come from the same code. */
    if (db_savepoint(db, "allocation") < 0) {
        db_fail(db, e);
        goto out;
    }
    if (store(db, slot_id, &in, res, now) < 0 ||
        (*out = visit_allocation_json(db, meeting_id, slot_id, e)) == NULL) {
        if (e->code == ERR_NONE)
            db_fail(db, e);
        db_savepoint_end(db, "allocation", 0);
        goto out;
    }
    if (db_savepoint_end(db, "allocation", !dry_run) < 0) {
        json_decref(*out);
        *out = NULL;
        db_fail(db, e);
        goto out;
    }
    json_object_set_new(*out, "dry_run", json_boolean(dry_run));
    if (!dry_run && actor) {
        json_t *detail = json_pack("{s:I}", "people", (json_int_t)in.n);
        int logged = audit_record(db, now, actor, "visit.allocate", "visit_slot", slot_id,
                                  detail, e);

        json_decref(detail);
        if (logged < 0)
            goto out;
    }
    if (!dry_run) {
        struct event ev = {.type = EVENT_ALLOCATION_DONE, .now = now, .actor = actor,
                           .meeting_id = meeting_id, .slot_id = slot_id};

        if (events_emit(db, &ev, e) < 0)
            goto out;
    }
    rc = 0;
out:
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    free(res);
    input_free(&in);
    return rc;
}

/* ---- the stored allocation as JSON ---------------------------------------- */

/* What visit_allocation_json puts together: the slot's options (also by id),
 * its waiting list, and the counts of the summary. */
struct allocation_view {
    json_t *options, *by_id, *waiting, *by_rank;
    int nopts;                 /* options in the slot */
    long long allocated;       /* allocated_at; 0: never allocated */
    long long rank_sum;        /* an unranked seat counts as rank nopts + 1 */
    long long pairs;           /* two people of one municipality in one group */
    int unranked, no_prefs, pinned, seated, below;
};

static void view_free(struct allocation_view *v)
{
    json_decref(v->options);
    json_decref(v->by_id);
    json_decref(v->waiting);
    json_decref(v->by_rank);
}

/* {"ID": option} for a list of options (borrowed from it); NULL when out of
 * memory. */
static json_t *index_by_id(json_t *options)
{
    json_t *map = json_object(), *o;
    char key[24];
    size_t i;

    json_array_foreach(options, i, o) {
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(o, "id")));
        if (map == NULL || json_object_set(map, key, o) < 0) {
            json_decref(map);
            return NULL;
        }
    }
    return map;
}

/* An option as the allocation shows it, with no people yet and the
 * municipality counts they fill in; notes the slot's option count and
 * allocation time (arg: the view). */
static json_t *view_option_json(sqlite3_stmt *st, void *arg)
{
    struct allocation_view *v = arg;

    v->nopts = sqlite3_column_int(st, 7);
    v->allocated = sqlite3_column_type(st, 8) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 8);
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:o, s:[], s:{}}",
                     "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "venue_name", db_text(st, 1), "topic", db_text(st, 2),
                     "host", db_text(st, 3), "capacity", (json_int_t)sqlite3_column_int64(st, 4),
                     "assigned", (json_int_t)sqlite3_column_int64(st, 5),
                     "min_size", db_json_column(st, 6), "people", "municipalities_count");
}

static int view_options(struct db *db, long long slot_id, struct allocation_view *v)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT o.id, v.name, o.topic, o.host, o.capacity,"
                                   " o.assigned_count, o.min_size, (SELECT count(*)"
                                   "  FROM visit_options x WHERE x.slot_id = o.slot_id),"
                                   " s.allocated_at"
                                   " FROM visit_options o JOIN venues v ON v.id = o.venue_id"
                                   " JOIN visit_slots s ON s.id = o.slot_id"
                                   " WHERE o.slot_id = ? ORDER BY o.position");

    if (st)
        sqlite3_bind_int64(st, 1, slot_id);
    v->options = db_rows_json(st, view_option_json, v);
    v->by_id = v->options ? index_by_id(v->options) : NULL;
    return v->by_id ? 0 : -1;
}

/* A row of view_people's SELECT as a person of the allocation. */
static json_t *person_json(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s}", "registration_id",
                     (json_int_t)sqlite3_column_int64(st, 0), "first_name", db_text(st, 1),
                     "last_name", db_text(st, 2), "organisation", db_text(st, 3),
                     "rank", db_json_column(st, 4), "why", db_text(st, 5),
                     "explanation", db_text(st, 6));
}

/* Adds one to counts[key] (an object of counts by decimal key) and returns
 * the count before. */
static long long count_up(json_t *counts, long long key)
{
    char k[24];
    json_t *c;
    long long before;

    snprintf(k, sizeof k, "%lld", key);
    c = json_object_get(counts, k);
    before = c ? json_integer_value(c) : 0;
    json_object_set_new(counts, k, json_integer(before + 1));
    return before;
}

/* Why a seated person sits where they do, for the summary: a pin, no
 * preferences at all, an option they did not rank, or the rank they gave
 * it. */
static void count_choice(struct allocation_view *v, sqlite3_stmt *st)
{
    if (strcmp(db_text(st, 5), "pinned") == 0) {
        v->pinned++;
    } else if (!sqlite3_column_int(st, 10)) {
        v->no_prefs++;
    } else if (sqlite3_column_type(st, 4) == SQLITE_NULL) {
        v->unranked++;
        v->rank_sum += v->nopts + 1;
    } else {
        v->rank_sum += sqlite3_column_int64(st, 4);
        count_up(v->by_rank, sqlite3_column_int64(st, 4));
    }
}

/* Counts a seated person's municipality (their known organisation) in the
 * option: each one of it seated there before makes a pair with them. */
static void count_municipality(struct allocation_view *v, json_t *option, sqlite3_stmt *st)
{
    if (sqlite3_column_type(st, 9) != SQLITE_NULL)
        v->pairs += count_up(json_object_get(option, "municipalities_count"),
                             sqlite3_column_int64(st, 9));
}

/* Everyone in the slot's stored allocation: the seated into their option's
 * "people" (counted for the summary), the others onto the waiting list in
 * its order. */
static int view_people(struct db *db, long long slot_id, struct allocation_view *v)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT r.id, r.first_name, r.last_name,"
                                   " r.organisation_name, a.rank, a.why, a.explanation,"
                                   " a.option_id, a.waitlist_seq, r.organisation_id,"
                                   " EXISTS (SELECT 1 FROM visit_preferences p"
                                   "  WHERE p.registration_id = r.id AND p.slot_id = a.slot_id)"
                                   " FROM visit_assignments a"
                                   " JOIN registrations r ON r.id = a.registration_id"
                                   " WHERE a.slot_id = ? ORDER BY a.option_id IS NULL,"
                                   " a.waitlist_seq, r.last_name, r.first_name, r.id");
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, slot_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *p = person_json(st), *o;
        char key[24];

        if (p == NULL)
            break;
        if (sqlite3_column_type(st, 7) == SQLITE_NULL) {
            json_object_set_new(p, "position",
                                json_integer((json_int_t)json_array_size(v->waiting) + 1));
            json_array_append_new(v->waiting, p);
            continue;
        }
        snprintf(key, sizeof key, "%lld", sqlite3_column_int64(st, 7));
        o = json_object_get(v->by_id, key);
        json_array_append_new(json_object_get(o, "people"), p);
        v->seated++;
        count_choice(v, st);
        count_municipality(v, o, st);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Per option, once its people are in: how many municipalities it mixes
 * (the counts were only scaffolding), and whether it is smaller than its
 * host wants (only after an allocation). */
static void finish_options(struct allocation_view *v)
{
    size_t i;
    json_t *o;

    json_array_foreach(v->options, i, o) {
        json_t *min = json_object_get(o, "min_size");
        int small = v->allocated && json_is_integer(min) &&
                    (json_int_t)json_array_size(json_object_get(o, "people")) <
                        json_integer_value(min);

        json_object_set_new(o, "municipalities",
                            json_integer((json_int_t)json_object_size(
                                json_object_get(o, "municipalities_count"))));
        json_object_del(o, "municipalities_count");
        json_object_set_new(o, "below_min_size", json_boolean(small));
        v->below += small;
    }
}

static json_t *view_json(long long slot_id, const struct allocation_view *v)
{
    char when[32] = "";

    if (v->allocated)
        tu_format_utc(v->allocated, when);
    return json_pack("{s:I, s:o, s:O, s:O, s:{s:I, s:O, s:i, s:i, s:i, s:i, s:I, s:I, s:i}}",
                     "slot", (json_int_t)slot_id,
                     "allocated_at", when[0] ? json_string(when) : json_null(),
                     "options", v->options, "waiting", v->waiting, "summary",
                     "rank_sum", (json_int_t)v->rank_sum, "by_rank", v->by_rank,
                     "unranked", v->unranked, "no_preferences", v->no_prefs,
                     "pinned", v->pinned, "seated", v->seated,
                     "waiting", (json_int_t)json_array_size(v->waiting),
                     "same_municipality_pairs", (json_int_t)v->pairs,
                     "groups_below_min_size", v->below);
}

json_t *visit_allocation_json(struct db *db, long long meeting_id, long long slot_id,
                              struct err *e)
{
    struct allocation_view v;
    json_t *out = NULL;

    memset(&v, 0, sizeof v);
    if (visit_slot_check(db, meeting_id, slot_id, e) < 0)
        return NULL;
    v.waiting = json_array();
    v.by_rank = json_object();
    if (v.waiting && v.by_rank && view_options(db, slot_id, &v) == 0 &&
        view_people(db, slot_id, &v) == 0) {
        finish_options(&v);
        out = view_json(slot_id, &v);
    }
    if (out == NULL)
        db_fail(db, e);
    view_free(&v);
    return out;
}

static json_t *place_row_json(sqlite3_stmt *st, void *arg)
{
    int seated = sqlite3_column_type(st, 5) != SQLITE_NULL;

    (void)arg;
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s}",
                     "slot_id", (json_int_t)sqlite3_column_int64(st, 0),
                     "agenda_item_id", (json_int_t)sqlite3_column_int64(st, 1),
                     "title", db_text(st, 2), "starts_at", db_text(st, 3),
                     "ends_at", db_text(st, 4), "option_id", db_json_column(st, 5),
                     "venue_id", seated ? db_json_column(st, 6) : json_null(),
                     "venue_name", seated ? json_string(db_text(st, 7)) : json_null(),
                     "topic", seated ? json_string(db_text(st, 8)) : json_null(),
                     "host", seated ? json_string(db_text(st, 9)) : json_null(),
                     "waiting_position", seated ? json_null() : db_json_column(st, 11),
                     "explanation", db_text(st, 10));
}

json_t *visit_places_json(struct db *db, long long registration_id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT a.slot_id, s.agenda_item_id, i.title,"
                                   " i.starts_local, i.ends_local, a.option_id, o.venue_id,"
                                   " v.name, o.topic, o.host, a.explanation,"
                                   " (SELECT count(*) FROM visit_assignments w"
                                   "  WHERE w.slot_id = a.slot_id AND w.option_id IS NULL"
                                   "  AND w.waitlist_seq <= a.waitlist_seq)"
                                   " FROM visit_assignments a JOIN visit_slots s ON s.id = a.slot_id"
                                   " JOIN agenda_items i ON i.id = s.agenda_item_id"
                                   " LEFT JOIN visit_options o ON o.id = a.option_id"
                                   " LEFT JOIN venues v ON v.id = o.venue_id"
                                   " WHERE a.registration_id = ? ORDER BY i.starts_at");

    if (st)
        sqlite3_bind_int64(st, 1, registration_id);
    return db_rows_json(st, place_row_json, NULL);
}

static json_t *host_option_json(sqlite3_stmt *st, void *arg)
{
    (void)arg;
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:[]}",
                     "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "venue_name", db_text(st, 1), "venue_address", db_text(st, 2),
                     "topic", db_text(st, 3), "host", db_text(st, 4),
                     "capacity", (json_int_t)sqlite3_column_int64(st, 5),
                     "title", db_text(st, 6), "starts_at", db_text(st, 7),
                     "ends_at", db_text(st, 8), "people");
}

static json_t *host_person_json(sqlite3_stmt *st)
{
    json_t *answers = json_loads(db_text(st, 8), 0, NULL);

    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
                     "registration_id", (json_int_t)sqlite3_column_int64(st, 1),
                     "first_name", db_text(st, 2), "last_name", db_text(st, 3),
                     "organisation", db_text(st, 4), "position", db_text(st, 5),
                     "phone", db_text(st, 6), "email", db_text(st, 7),
                     "answers", answers ? answers : json_object());
}

/* Puts the people seated in the slot (in option_id, or any when 0) into
 * their option's "people" (by_id: the options by id). */
static int host_people(struct db *db, long long slot_id, long long option_id, json_t *by_id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT a.option_id, r.id, r.first_name, r.last_name,"
                                   " r.organisation_name, r.position, r.phone, r.email,"
                                   " r.answers_json FROM visit_assignments a"
                                   " JOIN registrations r ON r.id = a.registration_id"
                                   " WHERE a.slot_id = ?1 AND a.option_id IS NOT NULL"
                                   " AND (?2 = 0 OR a.option_id = ?2)");
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, slot_id);
    sqlite3_bind_int64(st, 2, option_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char key[24];

        snprintf(key, sizeof key, "%lld", sqlite3_column_int64(st, 0));
        if (json_array_append_new(json_object_get(json_object_get(by_id, key), "people"),
                                  host_person_json(st)) < 0)
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

json_t *visit_host_lists_json(struct db *db, long long meeting_id, long long slot_id,
                              long long option_id, struct err *e)
{
    sqlite3_stmt *st;
    json_t *options, *by_id = NULL, *out = NULL;

    if (visit_slot_check(db, meeting_id, slot_id, e) < 0)
        return NULL;
    st = db_stmt(db, "SELECT o.id, v.name, v.address, o.topic, o.host, o.capacity,"
                     " i.title, i.starts_local, i.ends_local"
                     " FROM visit_options o JOIN venues v ON v.id = o.venue_id"
                     " JOIN visit_slots s ON s.id = o.slot_id"
                     " JOIN agenda_items i ON i.id = s.agenda_item_id"
                     " WHERE o.slot_id = ?1 AND (?2 = 0 OR o.id = ?2) ORDER BY o.position");
    if (st) {
        sqlite3_bind_int64(st, 1, slot_id);
        sqlite3_bind_int64(st, 2, option_id);
    }
    options = db_rows_json(st, host_option_json, NULL);
    if (options && option_id && json_array_size(options) == 0)
        err_set(e, ERR_NOT_FOUND, NULL, "slot %lld has no option %lld", slot_id, option_id);
    else if (options == NULL || (by_id = index_by_id(options)) == NULL ||
             host_people(db, slot_id, option_id, by_id) < 0 ||
             (out = json_pack("{s:I, s:O}", "slot", (json_int_t)slot_id, "options",
                              options)) == NULL)
        db_fail(db, e);
    json_decref(options);
    json_decref(by_id);
    return out;
}
