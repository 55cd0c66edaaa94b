/* visit_transport.c - the meeting's transport plan: for every site-visit
 * slot, the groups as allocated, the venues before and after it and the
 * travel times between them, handed to the planner (transport.h); its plan
 * and problems as JSON.  See visit_transport.h. */
#include "visit_transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meeting.h"
#include "timeutil.h"
#include "transport.h"
#include "venue.h"
#include "visit.h"

/* One slot's input, loaded from the database; owns its arrays. */
struct slot_input {
    long long slot_id, item_id;
    char title[800];
    char day[11];               /* the slot's local date */
    struct tp_slot s;
    char prev_name[800], next_name[800];
    int ngroups;
    struct tp_group g[TP_MAX_GROUPS];
    int travel_to[TP_MAX_GROUPS][TP_MAX_GROUPS]; /* minutes between the groups' venues */
    char gname[TP_MAX_GROUPS][800];
    long long *people;          /* all groups' people, one block */
    json_t *names;              /* registration id -> "First Last" */
};

static void slot_input_free(struct slot_input *in)
{
    free(in->people);
    json_decref(in->names);
}

/* The plenary item with a venue nearest before (prev) or after the slot on
 * its day: where people come from and go to. */
static void neighbour(struct db *db, long long meeting, const struct slot_input *in,
                      const char *day, int before, long long *venue, long long *when,
                      char *name, size_t namesz)
{
    sqlite3_stmt *st = before
        ? db_stmt(db, "SELECT i.venue_id, i.ends_at, v.name FROM agenda_items i"
                      " JOIN venues v ON v.id = i.venue_id WHERE i.meeting_id = ?1"
                      " AND (i.track IS NULL OR i.track = '') AND i.ends_at <= ?2"
                      " AND substr(i.starts_local, 1, 10) = ?3"
                      " ORDER BY i.ends_at DESC, i.id DESC LIMIT 1")
        : db_stmt(db, "SELECT i.venue_id, i.starts_at, v.name FROM agenda_items i"
                      " JOIN venues v ON v.id = i.venue_id WHERE i.meeting_id = ?1"
                      " AND (i.track IS NULL OR i.track = '') AND i.starts_at >= ?2"
                      " AND substr(i.starts_local, 1, 10) = ?3"
                      " ORDER BY i.starts_at, i.id LIMIT 1");

    *venue = *when = 0;
    name[0] = '\0';
    if (st == NULL)
        return;
    sqlite3_bind_int64(st, 1, meeting);
    sqlite3_bind_int64(st, 2, before ? in->s.starts_at : in->s.ends_at);
    sqlite3_bind_text(st, 3, day, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *venue = sqlite3_column_int64(st, 0);
        *when = sqlite3_column_int64(st, 1);
        snprintf(name, namesz, "%s", db_text(st, 2));
    }
    sqlite3_reset(st);
}

static int travel(struct db *db, long long from, long long to)
{
    if (from == 0 || to == 0)
        return 0;
    return from == to ? 0 : venue_travel_minutes(db, from, to);
}

static int load_slot(struct db *db, long long meeting, struct slot_input *in)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT o.id, o.venue_id, v.name,"
                                   " (SELECT count(*) FROM visit_assignments a"
                                   "  WHERE a.option_id = o.id)"
                                   " FROM visit_options o JOIN venues v ON v.id = o.venue_id"
                                   " WHERE o.slot_id = ? ORDER BY o.position");
    size_t total = 0, used = 0;

    if (st == NULL)
        return -1;
    neighbour(db, meeting, in, in->day, 1, &in->s.prev_venue_id, &in->s.prev_ends_at,
              in->prev_name, sizeof in->prev_name);
    neighbour(db, meeting, in, in->day, 0, &in->s.next_venue_id, &in->s.next_starts_at,
              in->next_name, sizeof in->next_name);
    in->s.prev_name = in->prev_name;
    in->s.next_name = in->next_name;
    sqlite3_bind_int64(st, 1, in->slot_id);
    while (in->ngroups < TP_MAX_GROUPS && sqlite3_step(st) == SQLITE_ROW) {
        struct tp_group *g = &in->g[in->ngroups];

        g->option_id = sqlite3_column_int64(st, 0);
        g->venue_id = sqlite3_column_int64(st, 1);
        snprintf(in->gname[in->ngroups], sizeof in->gname[0], "%s", db_text(st, 2));
        g->name = in->gname[in->ngroups];
        g->npeople = sqlite3_column_int(st, 3);
        total += (size_t)g->npeople;
        in->ngroups++;
    }
    sqlite3_reset(st);
    in->people = calloc(total ? total : 1, sizeof *in->people);
    in->names = json_object();
    if (in->people == NULL || in->names == NULL)
        return -1;
    st = db_stmt(db, "SELECT r.id, r.first_name, r.last_name FROM visit_assignments a"
                     " JOIN registrations r ON r.id = a.registration_id"
                     " WHERE a.option_id = ? ORDER BY r.last_name, r.first_name, r.id");
    if (st == NULL)
        return -1;
    for (int i = 0; i < in->ngroups; i++) {
        struct tp_group *g = &in->g[i];
        int n = 0;

        g->travel_out = travel(db, in->s.prev_venue_id, g->venue_id);
        g->travel_back = travel(db, g->venue_id, in->s.next_venue_id);
        g->people = in->people + used;
        sqlite3_bind_int64(st, 1, g->option_id);
        while (n < g->npeople && sqlite3_step(st) == SQLITE_ROW) {
            char key[24], name[820];

            in->people[used + (size_t)n++] = sqlite3_column_int64(st, 0);
            snprintf(key, sizeof key, "%lld", sqlite3_column_int64(st, 0));
            snprintf(name, sizeof name, "%s %s", db_text(st, 1), db_text(st, 2));
            json_object_set_new(in->names, key, json_string(name));
        }
        sqlite3_reset(st);
        g->npeople = n;
        used += (size_t)n;
    }
    /* Between the venues, for routes with several stops (transport.h rule 3). */
    for (int i = 0; i < in->ngroups; i++) {
        for (int k = 0; k < in->ngroups; k++)
            in->travel_to[i][k] = i == k ? 0 : travel(db, in->g[i].venue_id, in->g[k].venue_id);
        in->g[i].travel_to = in->travel_to[i];
    }
    return 0;
}

static json_t *local_time(const char *zone, long long t)
{
    char out[17];

    return t > 0 && tu_utc_to_local(zone, t, out) == 0 ? json_string(out) : json_null();
}

static json_t *people_json(const struct slot_input *in, const long long *people, int n)
{
    json_t *list = json_array();
    char key[24];

    for (int i = 0; list && i < n; i++) {
        snprintf(key, sizeof key, "%lld", people[i]);
        json_array_append_new(list, json_pack("{s:I, s:O}", "registration_id",
                                               (json_int_t)people[i], "name",
                                               json_object_get(in->names, key)));
    }
    return list;
}

static const char *vehicle_name(json_t *vehicles, long long id)
{
    size_t i;
    json_t *v;

    json_array_foreach(vehicles, i, v)
        if (json_integer_value(json_object_get(v, "id")) == id)
            return json_string_value(json_object_get(v, "name"));
    return "";
}

static json_t *venue_ref(long long id, const char *name, const char *zone, long long t,
                         const char *when_key)
{
    if (id == 0)
        return json_null();
    return json_pack("{s:I, s:s, s:o}", "venue_id", (json_int_t)id, "venue_name", name,
                     when_key, local_time(zone, t));
}

/* A leg's stops: who gets off (out) or on (back) where, and when. */
static json_t *stops_json(const struct slot_input *in, const struct tp_leg *l, const char *zone)
{
    json_t *list = json_array();

    for (int t = 0; list && t < l->nstops; t++) {
        const struct tp_stop *st = &l->stops[t];

        json_array_append_new(
            list, json_pack("{s:I, s:I, s:s, s:o, s:i, s:o}", "option_id",
                            (json_int_t)st->option_id, "venue_id", (json_int_t)st->venue_id,
                            "group", in->gname[st->group],
                            l->dir == TP_OUT ? "arrive" : "depart", local_time(zone, st->at),
                            "passengers", st->npeople,
                            "people", people_json(in, st->people, st->npeople)));
    }
    return list;
}

static json_t *plan_json(const struct slot_input *in, const struct tp_plan *p,
                         json_t *vehicles, const char *zone)
{
    json_t *legs = json_array(), *use = json_array(), *problems = json_array();
    int i;

    for (i = 0; i < p->nlegs; i++) {
        const struct tp_leg *l = &p->legs[i];

        json_array_append_new(
            legs, json_pack("{s:s, s:I, s:s, s:I, s:s, s:I, s:I, s:o, s:o, s:i, s:o, s:o}",
                            "direction", l->dir == TP_OUT ? "out" : "back", "option_id",
                            (json_int_t)l->option_id, "group", in->gname[l->group],
                            "vehicle_id", (json_int_t)l->vehicle_id, "vehicle",
                            vehicle_name(vehicles, l->vehicle_id), "from_venue_id",
                            (json_int_t)l->from_venue_id, "to_venue_id",
                            (json_int_t)l->to_venue_id, "depart", local_time(zone, l->depart),
                            "arrive", local_time(zone, l->arrive), "passengers", l->npeople,
                            "people", people_json(in, l->people, l->npeople), "stops",
                            stops_json(in, l, zone)));
    }
    for (i = 0; i < p->nuse; i++) {
        const struct tp_use *u = &p->use[i];
        json_t *options = json_array();

        for (int t = 0; options && t < u->nstops; t++)
            json_array_append_new(options, json_integer(u->stops[t].option_id));

        json_array_append_new(
            use, json_pack("{s:I, s:s, s:i, s:o, s:o, s:i, s:i, s:i, s:o}", "vehicle_id",
                           (json_int_t)u->vehicle_id, "vehicle",
                           vehicle_name(vehicles, u->vehicle_id), "seats", u->seats, "option_id",
                           u->group >= 0 ? json_integer(u->option_id) : json_null(),
                           "option_ids", options, "load",
                           u->load, "seats_used_out", u->out, "seats_used_back", u->back,
                           "escort_list", people_json(in, u->people, u->people ? u->load : 0)));
    }
    for (i = 0; i < p->nproblems; i++)
        json_array_append_new(problems, json_pack("{s:s, s:s, s:[I], s:I}", "code",
                                                  p->problems[i].code, "message",
                                                  p->problems[i].message, "items",
                                                  (json_int_t)in->item_id, "option_id",
                                                  (json_int_t)p->problems[i].option_id));
    return json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:b, s:i, s:i, s:i, s:i, s:o, s:o, s:o}",
                     "slot", (json_int_t)in->slot_id, "agenda_item_id",
                     (json_int_t)in->item_id, "title", in->title, "starts_at",
                     local_time(zone, in->s.starts_at), "ends_at", local_time(zone, in->s.ends_at),
                     "from", venue_ref(in->s.prev_venue_id, in->prev_name, zone,
                                       in->s.prev_ends_at, "ends_at"),
                     "to", venue_ref(in->s.next_venue_id, in->next_name, zone,
                                     in->s.next_starts_at, "starts_at"),
                     "exact", p->exact, "riders", p->riders, "seated", p->seated,
                     "unseated", p->unseated, "multi_stop_routes", p->multi_stop, "legs", legs,
                     "vehicles", use,
                     "problems", problems);
}

/* Plans every slot of the meeting; each slot's JSON is appended to out. */
static int plan_all(struct db *db, long long meeting_id, json_t *out, struct err *e)
{
    struct tp_vehicle veh[TP_MAX_VEHICLES];
    sqlite3_stmt *st;
    struct meeting m;
    json_t *vehicles = NULL;
    long long *slots = NULL;
    int nveh = 0, nslots = 0, cap = 0, rc = -1;

    if (meeting_load(db, meeting_id, &m, e) < 0)
        return -1;
    vehicles = vehicles_json(db, meeting_id, e);
    st = db_stmt(db, "SELECT s.id FROM visit_slots s JOIN agenda_items i"
                     " ON i.id = s.agenda_item_id WHERE s.meeting_id = ?"
                     " ORDER BY i.starts_at, s.id");
    if (vehicles == NULL || st == NULL) {
        db_fail(db, e);
        goto out;
    }
    for (size_t i = 0; i < json_array_size(json_object_get(vehicles, "vehicles")) &&
                       nveh < TP_MAX_VEHICLES; i++) {
        json_t *v = json_array_get(json_object_get(vehicles, "vehicles"), i);
        veh[nveh].id = json_integer_value(json_object_get(v, "id"));
        veh[nveh++].seats = (int)json_integer_value(json_object_get(v, "seats"));
    }
    sqlite3_bind_int64(st, 1, meeting_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (nslots == cap) {
            long long *g = realloc(slots, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *g);
            if (g == NULL)
                break;
            slots = g;
        }
        slots[nslots++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    for (int k = 0; k < nslots; k++) {
        struct slot_input *in = calloc(1, sizeof *in);
        struct tp_plan *plan = NULL;
        char msg[200] = "";

        if (in == NULL) {
            err_set(e, ERR_INTERNAL, NULL, "out of memory");
            goto out;
        }
        in->slot_id = slots[k];
        st = db_stmt(db, "SELECT i.id, i.title, i.starts_at, i.ends_at,"
                         " substr(i.starts_local, 1, 10)"
                         " FROM visit_slots s JOIN agenda_items i ON i.id = s.agenda_item_id"
                         " WHERE s.id = ?");
        if (st == NULL) {
            free(in);
            db_fail(db, e);
            goto out;
        }
        sqlite3_bind_int64(st, 1, in->slot_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            in->item_id = sqlite3_column_int64(st, 0);
            snprintf(in->title, sizeof in->title, "%s", db_text(st, 1));
            snprintf(in->day, sizeof in->day, "%s", db_text(st, 4));
            in->s.starts_at = sqlite3_column_int64(st, 2);
            in->s.ends_at = sqlite3_column_int64(st, 3);
        }
        sqlite3_reset(st);
        if (load_slot(db, meeting_id, in) < 0 ||
            tp_plan_slot(&in->s, in->g, in->ngroups, veh, nveh, &plan, msg, sizeof msg) < 0) {
            if (plan == NULL && msg[0] == '\0')
                snprintf(msg, sizeof msg, "out of memory");
            err_set(e, ERR_INTERNAL, NULL, "transport plan of slot %lld: %s", in->slot_id, msg);
            slot_input_free(in);
            free(in);
            goto out;
        }
        json_array_append_new(out, plan_json(in, plan, json_object_get(vehicles, "vehicles"),
                                             m.timezone));
        tp_plan_free(plan);
        slot_input_free(in);
        free(in);
    }
    rc = 0;
out:
    free(slots);
    json_decref(vehicles);
    meeting_clear(&m);
    return rc;
}

json_t *visit_transport_plan_json(struct db *db, long long meeting_id, struct err *e)
{
    json_t *slots = json_array();

    if (slots == NULL || plan_all(db, meeting_id, slots, e) < 0) {
        json_decref(slots);
        return NULL;
    }
    return json_pack("{s:I, s:o}", "meeting", (json_int_t)meeting_id, "slots", slots);
}

int visit_transport_problems(struct db *db, long long meeting_id, json_t *list, struct err *e)
{
    json_t *slots = json_array(), *s, *p;
    size_t i, j;

    if (slots == NULL || plan_all(db, meeting_id, slots, e) < 0) {
        json_decref(slots);
        return -1;
    }
    json_array_foreach(slots, i, s)
        json_array_foreach(json_object_get(s, "problems"), j, p)
            json_array_append(list, p);
    json_decref(slots);
    return 0;
}

void visit_transport_annotate(struct db *db, long long meeting_id, long long registration_id,
                              json_t *places)
{
    struct err e;
    json_t *plan, *slot, *place, *v, *p, *leg;
    size_t i, j, k, l;

    /* No place, nothing to annotate: the meeting's whole plan is not
     * worked out for it. */
    if (json_array_size(places) == 0)
        return;
    err_clear(&e);
    plan = visit_transport_plan_json(db, meeting_id, &e);
    json_array_foreach(json_object_get(plan, "slots"), i, slot) {
        json_array_foreach(places, j, place) {
            if (json_integer_value(json_object_get(place, "slot_id")) !=
                json_integer_value(json_object_get(slot, "slot")))
                continue;
            json_array_foreach(json_object_get(slot, "vehicles"), k, v) {
                json_array_foreach(json_object_get(v, "escort_list"), l, p) {
                    if (json_integer_value(json_object_get(p, "registration_id")) !=
                        registration_id)
                        continue;
                    json_object_set(place, "vehicle", json_object_get(v, "vehicle"));
                    json_array_foreach(json_object_get(slot, "legs"), l, leg)
                        if (json_integer_value(json_object_get(leg, "vehicle_id")) ==
                                json_integer_value(json_object_get(v, "vehicle_id")) &&
                            strcmp(json_string_value(json_object_get(leg, "direction")),
                                   "out") == 0)
                            json_object_set(place, "departs", json_object_get(leg, "depart"));
                    break;
                }
            }
        }
    }
    json_decref(plan);
}
