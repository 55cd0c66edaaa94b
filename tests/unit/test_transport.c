/* test_transport.c - unit tests for core/transport (the transport plan of a
 * site-visit slot: vehicles for groups, departure times, escort lists and
 * problems).
 *
 * Every plan made here also passes check_plan(), which rederives the
 * invariants from the input (seats, at most TP_MAX_STOPS groups a route,
 * nobody twice, escort lists in order, every stop's time from the travel
 * minutes), and the plans of small random instances are compared with two
 * brute forces that share no code with the planner: one over every
 * assignment of whole vehicles to groups (no shared routes possible), one
 * over every load of every vehicle with routes timed anew.  Random
 * instances come from a fixed seed, so a failure repeats. */
#include "transport.h"

#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"

#define HALL 1
#define START 1446715800LL  /* 2015-11-05 09:30 UTC */
#define END (START + 150 * 60)
#define MIN 60LL

/* An instance owns its people so that tests can build it piece by piece. */
struct inst {
    struct tp_slot slot;
    struct tp_group g[TP_MAX_GROUPS];
    int ng;
    struct tp_vehicle v[TP_MAX_VEHICLES];
    int nv;
    long long next_person;
    long long *people[TP_MAX_GROUPS];
    int tt[TP_MAX_GROUPS][TP_MAX_GROUPS];  /* travel_to, once link() is called */
};

static void inst_init(struct inst *in)
{
    memset(in, 0, sizeof *in);
    in->slot.starts_at = START;
    in->slot.ends_at = END;
    in->slot.prev_venue_id = HALL;
    in->slot.prev_ends_at = START - 30 * MIN;
    in->slot.next_venue_id = HALL;
    in->slot.next_starts_at = END + 30 * MIN;
    in->slot.prev_name = in->slot.next_name = "City hall";
    in->next_person = 1000;
}

static void inst_free(struct inst *in)
{
    for (int i = 0; i < in->ng; i++)
        free(in->people[i]);
    in->ng = 0;
}

/* Adds option 100+i at venue 10+i with n people, ids counting up. */
static int group(struct inst *in, int n, int out, int back)
{
    int i = in->ng++;
    struct tp_group *g = &in->g[i];

    in->people[i] = malloc((size_t)(n > 0 ? n : 1) * sizeof(long long));
    ck_assert_ptr_nonnull(in->people[i]);
    for (int k = 0; k < n; k++)
        in->people[i][k] = in->next_person++;
    g->option_id = 100 + i;
    g->venue_id = 10 + i;
    g->travel_out = out;
    g->travel_back = back;
    g->npeople = n;
    g->people = in->people[i];
    return i;
}

/* Minutes from group a's venue to group b's, and back the same. */
static void travel(struct inst *in, int a, int b, int minutes)
{
    in->tt[a][b] = in->tt[b][a] = minutes;
    in->g[a].travel_to = in->tt[a];
    in->g[b].travel_to = in->tt[b];
}

static void vehicle(struct inst *in, int seats)
{
    in->v[in->nv].id = in->nv + 1;
    in->v[in->nv].seats = seats;
    in->nv++;
}

static const struct tp_use *use_of(const struct tp_plan *p, long long vehicle_id)
{
    for (int j = 0; j < p->nuse; j++)
        if (p->use[j].vehicle_id == vehicle_id)
            return &p->use[j];
    ck_abort_msg("no vehicle %lld in the plan", vehicle_id);
    return NULL;
}

static int count_code(const struct tp_plan *p, const char *code)
{
    int n = 0;

    for (int k = 0; k < p->nproblems; k++)
        n += strcmp(p->problems[k].code, code) == 0;
    return n;
}

static const struct tp_problem *find_problem(const struct tp_plan *p, const char *code, int group)
{
    for (int k = 0; k < p->nproblems; k++)
        if (strcmp(p->problems[k].code, code) == 0 && p->problems[k].group == group)
            return &p->problems[k];
    return NULL;
}

static long long seats_used(const struct tp_plan *p)
{
    long long n = 0;

    for (int j = 0; j < p->nuse; j++)
        if (p->use[j].group >= 0)
            n += p->use[j].seats;
    return n;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return (x > y) - (x < y);
}

static int rides_out(const struct inst *in, int i)
{
    return in->slot.prev_venue_id != 0 && in->slot.prev_venue_id != in->g[i].venue_id &&
           in->g[i].travel_out != 0;
}

static int rides_back(const struct inst *in, int i)
{
    return in->slot.next_venue_id != 0 && in->slot.next_venue_id != in->g[i].venue_id &&
           in->g[i].travel_back != 0;
}

/* Minutes between the venues of groups a and b, as the test knows them. */
static int tmin(const struct inst *in, int a, int b)
{
    if (in->g[a].venue_id == in->g[b].venue_id)
        return 0;
    return in->g[a].travel_to == NULL ? -1 : in->g[a].travel_to[b];
}

/* A leg's stops, timed from the travel minutes. */
static void check_leg(const struct inst *in, const struct tp_plan *p, const struct tp_leg *l)
{
    const struct tp_slot *s = &in->slot;
    const struct tp_use *u = use_of(p, l->vehicle_id);
    int n = l->nstops, total = 0, riding = 0, on = 0;

    ck_assert_int_ge(n, 1);
    for (int t = 0; t < u->nstops; t++)
        riding += l->dir == TP_OUT ? rides_out(in, u->stops[t].group)
                                   : rides_back(in, u->stops[t].group);
    ck_assert_int_eq(n, riding);
    ck_assert_int_eq(l->npeople, l->dir == TP_OUT ? u->out : u->back);
    for (int t = 0; t < n; t++)  /* the leg's people: its stops', in order */
        for (int k = 0; k < l->stops[t].npeople; k++)
            ck_assert_int_eq(l->people[on++], l->stops[t].people[k]);
    ck_assert_int_eq(on, l->npeople);
    ck_assert_int_eq(l->group, l->stops[0].group);
    ck_assert_int_eq(l->option_id, in->g[l->group].option_id);
    for (int t = 0; t < n; t++) {
        const struct tp_stop *st = &l->stops[t];
        int found = 0;

        ck_assert_int_eq(st->option_id, in->g[st->group].option_id);
        ck_assert_int_eq(st->venue_id, in->g[st->group].venue_id);
        ck_assert_int_ge(st->npeople, 1);
        for (int k = 0; k < u->nstops; k++)
            if (u->stops[k].group == st->group) {
                ck_assert_int_eq(u->stops[k].npeople, st->npeople);
                ck_assert(u->stops[k].people == st->people);
                found++;
            }
        ck_assert_int_eq(found, 1);
        total += t > 0 ? tmin(in, l->stops[t - 1].group, st->group) : 0;
    }
    if (l->dir == TP_OUT) {
        int first = in->g[l->stops[0].group].travel_out;

        total += first;
        ck_assert_int_eq(l->from_venue_id, s->prev_venue_id);
        ck_assert_int_eq(l->to_venue_id, l->stops[n - 1].venue_id);
        ck_assert_int_eq(l->stops[0].at, l->depart + first * MIN);
        for (int t = 1; t < n; t++)
            ck_assert_int_eq(l->stops[t].at, l->stops[t - 1].at +
                             tmin(in, l->stops[t - 1].group, l->stops[t].group) * MIN);
        ck_assert_int_eq(l->arrive, l->stops[n - 1].at);
        ck_assert_int_eq(l->arrive - l->depart, total * MIN);
        /* arrives by the start unless the item before holds it back */
        ck_assert_int_ge(l->depart, s->prev_ends_at);
        ck_assert(l->depart == s->starts_at - total * MIN || l->depart == s->prev_ends_at);
        ck_assert(l->arrive <= s->starts_at || l->depart == s->prev_ends_at);
    } else {
        int last = in->g[l->stops[n - 1].group].travel_back;

        ck_assert_int_eq(l->from_venue_id, l->stops[0].venue_id);
        ck_assert_int_eq(l->to_venue_id, s->next_venue_id);
        ck_assert_int_eq(l->depart, l->stops[0].at);
        ck_assert_int_ge(l->depart, s->ends_at);
        if (u->nstops == 1)
            ck_assert_int_eq(l->depart, s->ends_at);
        for (int t = 1; t < n; t++)
            ck_assert_int_eq(l->stops[t].at, l->stops[t - 1].at +
                             tmin(in, l->stops[t - 1].group, l->stops[t].group) * MIN);
        ck_assert_int_eq(l->arrive, l->stops[n - 1].at + last * MIN);
    }
}

/* The invariants of every plan, rederived from the input. */
static void check_plan(const struct inst *in, const struct tp_plan *p)
{
    const struct tp_slot *s = &in->slot;
    int riders = 0, seated = 0, used = 0, multi = 0;

    ck_assert_int_eq(p->ngroups, in->ng);
    ck_assert_int_eq(p->nuse, in->nv);
    for (int j = 0; j < in->nv; j++) {
        const struct tp_use *u = &p->use[j];
        int load = 0;

        ck_assert_int_eq(u->vehicle_id, in->v[j].id);
        ck_assert_int_eq(u->seats, in->v[j].seats);
        ck_assert_int_le(u->load, u->seats);  /* capacity is never exceeded */
        ck_assert_int_le(u->nstops, TP_MAX_STOPS);
        ck_assert_int_eq(u->group >= 0, u->load > 0);
        ck_assert_int_eq(u->nstops > 0, u->load > 0);
        if (u->group < 0) {
            ck_assert(u->out == 0 && u->back == 0 && u->option_id == 0);
            continue;
        }
        ck_assert_int_eq(u->group, u->stops[0].group);
        ck_assert_int_eq(u->option_id, in->g[u->group].option_id);
        {
            int out = 0, back = 0, back_only = 0;

            for (int t = 0; t < u->nstops; t++) {
                const struct tp_stop *st = &u->stops[t];

                ck_assert_int_ge(st->npeople, 1);
                ck_assert(st->people == u->people + load);
                ck_assert_int_eq(st->option_id, in->g[st->group].option_id);
                ck_assert(rides_out(in, st->group) || rides_back(in, st->group));
                /* the stops out first, then those riding back only */
                if (!rides_out(in, st->group))
                    back_only = 1;
                else
                    ck_assert(!back_only);
                for (int k = 0; k < t; k++)
                    ck_assert_int_ne(u->stops[k].group, st->group);
                load += st->npeople;
                out += rides_out(in, st->group) ? st->npeople : 0;
                back += rides_back(in, st->group) ? st->npeople : 0;
            }
            ck_assert_int_eq(load, u->load);
            ck_assert_int_eq(u->out, out);
            ck_assert_int_eq(u->back, back);
        }
        used++;
        multi += u->nstops > 1;
    }
    for (int i = 0; i < in->ng; i++) {
        const struct tp_group *g = &in->g[i];
        const struct tp_group_plan *gp = &p->groups[i];
        int ride_out = rides_out(in, i), ride_back = rides_back(in, i);
        int next = 0, nveh = 0, prev_seats = TP_MAX_SEATS + 1, prev_j = -1, shared = 0;

        ck_assert_int_eq(gp->option_id, g->option_id);
        ck_assert_int_eq(gp->riders, (ride_out || ride_back) ? g->npeople : 0);
        if (gp->riders > 0) {
            ck_assert_int_eq(gp->ride_out, ride_out);
            ck_assert_int_eq(gp->ride_back, ride_back);
        }
        ck_assert_int_eq(gp->seated + gp->unseated, gp->riders);
        /* The group's slices, largest vehicle first (list order on ties),
           hold people[0..seated-1] in order: find each next slice. */
        while (next < gp->seated) {
            const struct tp_stop *st = NULL;
            int at = -1;

            for (int j = 0; j < in->nv; j++)
                for (int t = 0; t < p->use[j].nstops; t++)
                    if (p->use[j].stops[t].group == i &&
                        p->use[j].stops[t].people[0] == g->people[next])
                        st = &p->use[j].stops[t], at = j;
            ck_assert_msg(st != NULL, "group %d: person %d is on no vehicle", i, next);
            ck_assert(in->v[at].seats < prev_seats ||
                      (in->v[at].seats == prev_seats && at > prev_j));
            prev_seats = in->v[at].seats;
            prev_j = at;
            for (int k = 0; k < st->npeople; k++)
                ck_assert_int_eq(st->people[k], g->people[next + k]);
            next += st->npeople;
            shared |= p->use[at].nstops > 1;
            nveh++;
        }
        ck_assert_int_eq(next, gp->seated);
        ck_assert_int_eq(nveh, gp->nvehicles);
        /* Times (rule 3): one group per vehicle, the direct ride. */
        if (!shared && gp->riders > 0 && ride_out && g->travel_out > 0) {
            long long dep = s->starts_at - g->travel_out * MIN;

            if (dep < s->prev_ends_at)
                dep = s->prev_ends_at;
            ck_assert_int_eq(gp->out_depart, dep);
            ck_assert_int_eq(gp->out_arrive, dep + g->travel_out * MIN);
        } else if (!shared) {
            ck_assert(gp->out_depart == 0 && gp->out_arrive == 0);
        }
        if (!shared && gp->riders > 0 && ride_back && g->travel_back > 0) {
            ck_assert_int_eq(gp->back_depart, s->ends_at);
            ck_assert_int_eq(gp->back_arrive, s->ends_at + g->travel_back * MIN);
        } else if (!shared) {
            ck_assert(gp->back_depart == 0 && gp->back_arrive == 0);
        }
        riders += gp->riders;
        seated += gp->seated;
    }
    ck_assert_int_eq(p->riders, riders);
    ck_assert_int_eq(p->seated, seated);
    ck_assert_int_eq(p->unseated, riders - seated);
    ck_assert_int_eq(p->vehicles_used, used);
    ck_assert_int_eq(p->multi_stop, multi);
    /* Nobody twice. */
    if (seated > 0) {
        long long *all = malloc((size_t)seated * sizeof *all);
        int n = 0;

        ck_assert_ptr_nonnull(all);
        for (int j = 0; j < in->nv; j++)
            for (int k = 0; k < p->use[j].load; k++)
                all[n++] = p->use[j].people[k];
        ck_assert_int_eq(n, seated);
        qsort(all, (size_t)n, sizeof *all, cmp_ll);
        for (int k = 1; k < n; k++)
            ck_assert(all[k - 1] != all[k]);
        free(all);
    }
    /* Legs: one per loaded vehicle and way with known times, out first;
       a group's times span its vehicles'. */
    {
        int want = 0, back_seen = 0;

        for (int j = 0; j < in->nv; j++) {
            const struct tp_use *u = &p->use[j];
            int known_out = 1, known_back = 1, nout = 0, nback = 0;

            if (u->group < 0)
                continue;
            for (int t = 0; t < u->nstops; t++) {
                const struct tp_group *g = &in->g[u->stops[t].group];

                if (rides_out(in, u->stops[t].group))
                    nout++, known_out &= g->travel_out > 0;
                if (rides_back(in, u->stops[t].group))
                    nback++, known_back &= g->travel_back > 0;
            }
            want += (nout > 0 && known_out) + (nback > 0 && known_back);
        }
        ck_assert_int_eq(p->nlegs, want);
        for (int k = 0; k < p->nlegs; k++) {
            const struct tp_leg *l = &p->legs[k];

            check_leg(in, p, l);
            if (l->dir == TP_OUT)
                ck_assert_msg(!back_seen, "an out leg after a back leg");
            else
                back_seen = 1;
            for (int t = 0; t < l->nstops; t++) {
                const struct tp_group_plan *gp = &p->groups[l->stops[t].group];

                if (l->dir == TP_OUT) {
                    ck_assert_int_ge(l->depart, gp->out_depart);
                    ck_assert_int_le(l->stops[t].at, gp->out_arrive);
                } else {
                    ck_assert_int_ge(l->stops[t].at, gp->back_depart);
                    ck_assert_int_le(l->arrive, gp->back_arrive);
                }
            }
        }
    }
    for (int k = 0; k < p->nproblems; k++) {
        ck_assert_int_ge(p->problems[k].group, 0);
        ck_assert_int_lt(p->problems[k].group, in->ng);
        ck_assert_int_eq(p->problems[k].option_id, in->g[p->problems[k].group].option_id);
        ck_assert_int_gt(strlen(p->problems[k].message), 20);
        if (k > 0)
            ck_assert_int_le(p->problems[k - 1].group, p->problems[k].group);
    }
}

static struct tp_plan *plan(const struct inst *in)
{
    struct tp_plan *p = NULL;
    char err[200] = "";

    ck_assert_msg(tp_plan_slot(&in->slot, in->g, in->ng, in->v, in->nv, &p, err, sizeof err) == 0,
                  "tp_plan_slot: %s", err);
    ck_assert_ptr_nonnull(p);
    check_plan(in, p);
    return p;
}

/* Expects a refusal whose message contains `what`. */
static void refused(const struct inst *in, const char *what)
{
    struct tp_plan *p = (struct tp_plan *)1;
    char err[200] = "";

    ck_assert_int_eq(tp_plan_slot(&in->slot, in->g, in->ng, in->v, in->nv, &p, err, sizeof err),
                     -1);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err, what) != NULL, "error \"%s\" does not say \"%s\"", err, what);
}

START_TEST(test_invalid)
{
    struct inst in;
    struct tp_plan *p = NULL;
    long long twice[2] = {5, 5};

    inst_init(&in);
    group(&in, 3, 10, 10);
    vehicle(&in, 10);
    ck_assert_int_eq(tp_plan_slot(&in.slot, in.g, in.ng, in.v, in.nv, NULL, NULL, 0), -1);
    ck_assert_int_eq(tp_plan_slot(NULL, in.g, 1, in.v, 1, &p, NULL, 0), -1);
    ck_assert_int_eq(tp_plan_slot(&in.slot, in.g, 0, in.v, 1, &p, NULL, 0), -1);
    ck_assert_int_eq(tp_plan_slot(&in.slot, in.g, TP_MAX_GROUPS + 1, in.v, 1, &p, NULL, 0), -1);
    ck_assert_int_eq(tp_plan_slot(&in.slot, in.g, 1, in.v, -1, &p, NULL, 0), -1);
    ck_assert_int_eq(tp_plan_slot(&in.slot, in.g, 1, NULL, 1, &p, NULL, 0), -1);
    ck_assert_int_eq(tp_plan_slot(&in.slot, in.g, 1, in.v, TP_MAX_VEHICLES + 1, &p, NULL, 0), -1);

    in.v[0].seats = -3;
    refused(&in, "seats");
    in.v[0].seats = 0;
    refused(&in, "seats");
    in.v[0].seats = TP_MAX_SEATS + 1;
    refused(&in, "seats");
    in.v[0].seats = 10;
    in.v[0].id = 0;
    refused(&in, "id");
    in.v[0].id = 1;
    vehicle(&in, 20);
    in.v[1].id = 1;
    refused(&in, "twice");
    in.nv = 1;

    in.slot.ends_at = START - 1;
    refused(&in, "ends before it starts");
    in.slot.ends_at = END;
    in.slot.prev_ends_at = -1;
    refused(&in, "out of range");
    in.slot.prev_ends_at = START;
    in.slot.next_starts_at = TP_MAX_TIME + 1;
    refused(&in, "out of range");
    in.slot.next_starts_at = END;
    in.slot.next_venue_id = -2;
    refused(&in, "negative");
    in.slot.next_venue_id = HALL;

    in.g[0].travel_out = -2;
    refused(&in, "travel time");
    in.g[0].travel_out = TP_MAX_TRAVEL + 1;
    refused(&in, "travel time");
    in.g[0].travel_out = 10;
    in.g[0].venue_id = 0;
    refused(&in, "positive");
    in.g[0].venue_id = 10;
    in.g[0].npeople = -1;
    refused(&in, "people");
    in.g[0].npeople = 3;
    in.g[0].people = NULL;
    refused(&in, "people");
    in.g[0].people = in.people[0];
    in.g[0].npeople = TP_MAX_PEOPLE + 1;
    refused(&in, "people");
    in.g[0].npeople = 3;
    in.people[0][1] = 0;
    refused(&in, "registration ids");
    in.people[0][1] = 1001;

    group(&in, 0, 5, 5);
    in.g[1].option_id = in.g[0].option_id;
    refused(&in, "twice");
    in.g[1].option_id = 101;
    in.g[1].people = twice;
    in.g[1].npeople = 2;
    refused(&in, "registration 5 is listed twice");
    twice[1] = in.people[0][2];  /* in two groups */
    refused(&in, "twice");
    twice[1] = 6;

    /* and then it is fine; err may be NULL */
    ck_assert_int_eq(tp_plan_slot(&in.slot, in.g, in.ng, in.v, in.nv, &p, NULL, 0), 0);
    tp_plan_free(p);
    tp_plan_free(NULL);
    inst_free(&in);
}
END_TEST

/* The demo: 53 participants in groups of 18, 18 and 17 at schools 10, 15
 * and 20 minutes from the city hall; between the schools 12 (A-B), 8 (A-C)
 * and 6 (B-C) minutes, unless `linked` is 0. */
static void demo(struct inst *in, int buses, int linked)
{
    inst_init(in);
    in->g[group(in, 18, 10, 10)].name = "Saules skola";
    in->g[group(in, 18, 15, 16)].name = "Centra vidusskola";
    in->g[group(in, 17, 20, 20)].name = "Poļu ģimnāzija";
    if (linked) {
        travel(in, 0, 1, 12);
        travel(in, 0, 2, 8);
        travel(in, 1, 2, 6);
    }
    for (int b = 0; b < buses; b++)
        vehicle(in, 30);
}

START_TEST(test_demo_two_buses)
{
    struct inst in;
    struct tp_plan *p, *q;
    const struct tp_problem *pr;
    const struct tp_use *u1, *u2;
    const struct tp_leg *l;

    /* Two buses, three groups at once: bus 1 takes Saules skola and part of
       Poļu ģimnāzija (10 + 8 minutes), bus 2 Centra vidusskola and the rest
       (15 + 6), the shortest pair of routes that seats all 53. */
    demo(&in, 2, 1);
    p = plan(&in);
    ck_assert_int_eq(p->exact, 1);
    ck_assert_int_eq(p->riders, 53);
    ck_assert_int_eq(p->seated, 53);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->nproblems, 0);
    ck_assert_int_eq(p->vehicles_used, 2);
    ck_assert_int_eq(p->multi_stop, 2);
    u1 = use_of(p, 1);
    u2 = use_of(p, 2);
    ck_assert_int_eq(u1->nstops, 2);
    ck_assert_int_eq(u1->stops[0].group, 0);
    ck_assert_int_eq(u1->stops[0].npeople, 18);
    ck_assert_int_eq(u1->stops[1].group, 2);
    ck_assert_int_eq(u2->nstops, 2);
    ck_assert_int_eq(u2->stops[0].group, 1);
    ck_assert_int_eq(u2->stops[0].npeople, 18);
    ck_assert_int_eq(u2->stops[1].group, 2);
    ck_assert_int_eq(u1->stops[1].npeople + u2->stops[1].npeople, 17);
    ck_assert_int_le(u1->load, 30);
    ck_assert_int_le(u2->load, 30);
    ck_assert_int_eq(u1->out, u1->load);
    ck_assert_int_eq(p->groups[2].nvehicles, 2);
    /* bus 1 (the larger on ties: list order) has the first of group C */
    ck_assert_int_eq(u1->stops[1].people[0], in.people[2][0]);
    ck_assert_int_eq(u2->stops[1].people[0], in.people[2][u1->stops[1].npeople]);
    /* consistent with the travel times */
    ck_assert_int_eq(p->nlegs, 4);
    l = &p->legs[0];
    ck_assert_int_eq(l->dir, TP_OUT);
    ck_assert_int_eq(l->vehicle_id, 1);
    ck_assert_int_eq(l->from_venue_id, HALL);
    ck_assert_int_eq(l->to_venue_id, 12);
    ck_assert_int_eq(l->depart, START - 18 * MIN);
    ck_assert_int_eq(l->stops[0].at, START - 8 * MIN);
    ck_assert_int_eq(l->stops[1].at, START);
    ck_assert_int_eq(l->arrive, START);
    ck_assert_int_eq(l->npeople, u1->load);
    l = &p->legs[1];
    ck_assert_int_eq(l->vehicle_id, 2);
    ck_assert_int_eq(l->depart, START - 21 * MIN);
    ck_assert_int_eq(l->stops[0].venue_id, 11);
    ck_assert_int_eq(l->stops[0].at, START - 6 * MIN);
    ck_assert_int_eq(l->arrive, START);
    l = &p->legs[2];  /* back in reverse: C at the end, then A, then the hall */
    ck_assert_int_eq(l->dir, TP_BACK);
    ck_assert_int_eq(l->vehicle_id, 1);
    ck_assert_int_eq(l->group, 2);
    ck_assert_int_eq(l->from_venue_id, 12);
    ck_assert_int_eq(l->to_venue_id, HALL);
    ck_assert_int_eq(l->stops[0].group, 2);
    ck_assert_int_eq(l->stops[0].at, END);
    ck_assert_int_eq(l->stops[1].group, 0);
    ck_assert_int_eq(l->stops[1].at, END + 8 * MIN);
    ck_assert_int_eq(l->depart, END);
    ck_assert_int_eq(l->arrive, END + 18 * MIN);
    l = &p->legs[3];
    ck_assert_int_eq(l->vehicle_id, 2);
    ck_assert_int_eq(l->stops[1].at, END + 6 * MIN);
    ck_assert_int_eq(l->arrive, END + 22 * MIN);
    /* the group's times span its vehicles */
    ck_assert_int_eq(p->groups[2].out_depart, START - 21 * MIN);
    ck_assert_int_eq(p->groups[2].out_arrive, START);
    ck_assert_int_eq(p->groups[2].back_depart, END);
    ck_assert_int_eq(p->groups[2].back_arrive, END + 22 * MIN);
    ck_assert_int_eq(p->groups[0].out_arrive, START - 8 * MIN);
    /* and the same again */
    q = plan(&in);
    for (int k = 0; k < p->nlegs; k++)
        for (int t = 0; t < p->legs[k].nstops; t++) {
            ck_assert_int_eq(p->legs[k].stops[t].at, q->legs[k].stops[t].at);
            ck_assert_int_eq(p->legs[k].stops[t].npeople, q->legs[k].stops[t].npeople);
        }
    tp_plan_free(q);
    tp_plan_free(p);
    inst_free(&in);

    /* Without travel times between the schools no bus can serve two: the
       third group has no seat. */
    demo(&in, 2, 0);
    p = plan(&in);
    ck_assert_int_eq(p->exact, 1);
    ck_assert_int_eq(p->seated, 36);
    ck_assert_int_eq(p->unseated, 17);
    ck_assert_int_eq(p->multi_stop, 0);
    ck_assert_int_eq(use_of(p, 1)->group, 0);
    ck_assert_int_eq(use_of(p, 2)->group, 1);
    ck_assert_int_eq(p->nproblems, 1);
    pr = find_problem(p, "transport_vehicles_short", 2);
    ck_assert_ptr_nonnull(pr);
    ck_assert_int_eq(pr->count, 17);
    ck_assert_str_eq(pr->message, "17 of the 17 people going to Poļu ģimnāzija have no seat: "
                                  "the 60 seats would do, but the sizes do not fit the 3 "
                                  "groups: a vehicle serves at most 3 groups, and only groups "
                                  "whose venues have known travel times between them");
    ck_assert_int_eq(p->legs[3].arrive, END + 16 * MIN);
    ck_assert_int_eq(p->legs[3].people[0], 1018);  /* the escort list, in order */
    ck_assert_int_eq(p->legs[3].people[17], 1035);
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_demo_three_buses)
{
    struct inst in;
    struct tp_plan *p;

    demo(&in, 3, 1);  /* one group per bus: no shared route needed */
    p = plan(&in);
    ck_assert_int_eq(p->exact, 1);
    ck_assert_int_eq(p->seated, 53);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->nproblems, 0);
    ck_assert_int_eq(p->vehicles_used, 3);
    ck_assert_int_eq(p->nlegs, 6);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(use_of(p, i + 1)->group, i);
        ck_assert_int_eq(p->legs[i].depart, START - in.g[i].travel_out * MIN);
        ck_assert_int_eq(p->legs[i].arrive, START);
        ck_assert_int_eq(p->legs[3 + i].arrive, END + in.g[i].travel_back * MIN);
    }
    ck_assert_int_eq(use_of(p, 3)->load, 17);
    ck_assert_int_eq(p->multi_stop, 0);
    for (int j = 1; j <= 3; j++)
        ck_assert_int_eq(use_of(p, j)->nstops, 1);
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_demo_next_at_school)
{
    struct inst in;
    struct tp_plan *p;
    const struct tp_leg *l;

    /* The demo as the agenda has it: the item after the visit is at the
       third school, so its group rides out only, and the others ride back
       to it (8 and 6 minutes).  Bus 1: the hall, A (start - 8), C (start);
       back from A at the end to C (end + 8).  Bus 2: the hall, B (start -
       6), C; back from B to C (end + 6). */
    demo(&in, 2, 1);
    in.slot.next_venue_id = in.g[2].venue_id;
    in.g[0].travel_back = 8;
    in.g[1].travel_back = 6;
    in.g[2].travel_back = 0;
    p = plan(&in);
    ck_assert_int_eq(p->exact, 1);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->nproblems, 0);
    ck_assert_int_eq(p->multi_stop, 2);
    ck_assert_int_eq(p->groups[2].ride_back, 0);
    ck_assert_int_eq(use_of(p, 1)->out, use_of(p, 1)->load);
    ck_assert_int_eq(use_of(p, 1)->back, 18);
    ck_assert_int_eq(p->nlegs, 4);
    l = &p->legs[0];
    ck_assert_int_eq(l->vehicle_id, 1);
    ck_assert_int_eq(l->nstops, 2);
    ck_assert_int_eq(l->depart, START - 18 * MIN);
    ck_assert_int_eq(l->stops[0].at, START - 8 * MIN);
    ck_assert_int_eq(l->stops[1].group, 2);
    ck_assert_int_eq(l->arrive, START);
    l = &p->legs[1];
    ck_assert_int_eq(l->depart, START - 21 * MIN);
    ck_assert_int_eq(l->stops[0].at, START - 6 * MIN);
    ck_assert_int_eq(l->arrive, START);
    l = &p->legs[2];
    ck_assert_int_eq(l->dir, TP_BACK);
    ck_assert_int_eq(l->nstops, 1);
    ck_assert_int_eq(l->stops[0].group, 0);
    ck_assert_int_eq(l->npeople, 18);
    ck_assert_int_eq(l->people[0], in.people[0][0]);
    ck_assert_int_eq(l->depart, END);
    ck_assert_int_eq(l->to_venue_id, in.g[2].venue_id);
    ck_assert_int_eq(l->arrive, END + 8 * MIN);
    l = &p->legs[3];
    ck_assert_int_eq(l->stops[0].group, 1);
    ck_assert_int_eq(l->arrive, END + 6 * MIN);
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_route_three_stops)
{
    struct inst in;
    struct tp_plan *p;
    const struct tp_leg *l;

    /* One 30-seat bus, three groups of 5 at 10, 20 and 25 minutes; A-B 7,
       B-C 4, A-C 12.  The shortest order is A, B, C (10 + 7 + 4 = 21): it
       leaves at start - 21 and reaches A at start - 11, B at start - 4, C
       at start.  Back in reverse: C at the end, B 4 and A 11 minutes later,
       the hall 10 after that. */
    inst_init(&in);
    group(&in, 5, 10, 10);
    group(&in, 5, 20, 20);
    group(&in, 5, 25, 25);
    travel(&in, 0, 1, 7);
    travel(&in, 1, 2, 4);
    travel(&in, 0, 2, 12);
    vehicle(&in, 30);
    p = plan(&in);
    ck_assert_int_eq(p->exact, 1);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->nproblems, 0);
    ck_assert_int_eq(p->multi_stop, 1);
    ck_assert_int_eq(use_of(p, 1)->nstops, 3);
    ck_assert_int_eq(use_of(p, 1)->load, 15);
    ck_assert_int_eq(p->nlegs, 2);
    l = &p->legs[0];
    ck_assert_int_eq(l->depart, START - (10 + 7 + 4) * MIN);
    ck_assert_int_eq(l->stops[0].group, 0);
    ck_assert_int_eq(l->stops[0].at, START - 11 * MIN);
    ck_assert_int_eq(l->stops[1].group, 1);
    ck_assert_int_eq(l->stops[1].at, START - 4 * MIN);
    ck_assert_int_eq(l->stops[2].group, 2);
    ck_assert_int_eq(l->stops[2].at, START);
    ck_assert_int_eq(l->stops[2].people[0], in.people[2][0]);
    l = &p->legs[1];
    ck_assert_int_eq(l->stops[0].group, 2);
    ck_assert_int_eq(l->stops[0].at, END);
    ck_assert_int_eq(l->stops[1].at, END + 4 * MIN);
    ck_assert_int_eq(l->stops[2].at, END + 11 * MIN);
    ck_assert_int_eq(l->arrive, END + 21 * MIN);
    tp_plan_free(p);

    /* Only 15 minutes before the visit: the route leaves when the item
       before ends and is 6 minutes late at C, 2 minutes late at B; seating
       everyone comes first, and the problems say so. */
    in.slot.prev_ends_at = START - 15 * MIN;
    p = plan(&in);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->legs[0].depart, START - 15 * MIN);
    ck_assert_int_eq(p->groups[2].out_arrive, START + 6 * MIN);
    ck_assert_int_eq(find_problem(p, "transport_too_late", 1)->count, 2);
    ck_assert_int_eq(find_problem(p, "transport_too_late", 2)->count, 6);
    ck_assert_ptr_null(find_problem(p, "transport_too_late", 0));
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_route_lateness)
{
    struct inst in;
    struct tp_plan *p;

    /* Groups of 18, 18, 17 at 10, 10 and 18 minutes, 20 minutes between
       the items.  Sharing A and C takes 10 + 15 = 25 minutes: C's people on
       that bus would be late.  A with B (10 + 9) and B with C (10 + 5)
       seat everyone on time, so that is the plan. */
    inst_init(&in);
    in.slot.prev_ends_at = START - 20 * MIN;
    group(&in, 18, 10, 10);
    group(&in, 18, 10, 10);
    group(&in, 17, 18, 18);
    travel(&in, 0, 1, 9);
    travel(&in, 0, 2, 15);
    travel(&in, 1, 2, 5);
    vehicle(&in, 30);
    vehicle(&in, 30);
    p = plan(&in);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->nproblems, 0);
    ck_assert_int_eq(use_of(p, 1)->nstops, 2);
    ck_assert_int_eq(use_of(p, 1)->stops[0].group, 0);
    ck_assert_int_eq(use_of(p, 1)->stops[1].group, 1);
    ck_assert_int_eq(use_of(p, 2)->stops[0].group, 1);
    ck_assert_int_eq(use_of(p, 2)->stops[1].group, 2);
    ck_assert_int_eq(use_of(p, 2)->stops[1].npeople, 17);
    for (int k = 0; k < p->nlegs; k++)
        if (p->legs[k].dir == TP_OUT)
            ck_assert_int_le(p->legs[k].arrive, START);
    tp_plan_free(p);
    inst_free(&in);

    /* Sharing only to save a vehicle is not done: two groups of 5, a
       10-seat and two 5-seat vehicles take one group each (rule 4: one
       group per vehicle while it seats as many). */
    inst_init(&in);
    group(&in, 5, 10, 10);
    group(&in, 5, 12, 12);
    travel(&in, 0, 1, 2);
    vehicle(&in, 10);
    vehicle(&in, 5);
    vehicle(&in, 5);
    p = plan(&in);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->multi_stop, 0);
    ck_assert_int_eq(p->vehicles_used, 2);
    tp_plan_free(p);

    /* An unknown time between the venues: no sharing. */
    in.nv = 1;
    travel(&in, 0, 1, -1);
    p = plan(&in);
    ck_assert_int_eq(p->multi_stop, 0);
    ck_assert_int_eq(count_code(p, "transport_vehicles_short"), 1);
    tp_plan_free(p);
    travel(&in, 0, 1, 2);
    p = plan(&in);
    ck_assert_int_eq(p->multi_stop, 1);
    ck_assert_int_eq(p->unseated, 0);
    tp_plan_free(p);
    /* a bad time between venues is refused */
    travel(&in, 0, 1, -2);
    refused(&in, "travel time to option");
    inst_free(&in);
}
END_TEST

START_TEST(test_split)
{
    struct inst in;
    struct tp_plan *p;

    /* 45 people, no vehicle holds them: 30 + 20 (not 30 + 8 + ...); the
       group of 5 takes the 8. */
    inst_init(&in);
    group(&in, 45, 25, 25);
    group(&in, 5, 10, 10);
    vehicle(&in, 20);
    vehicle(&in, 8);
    vehicle(&in, 30);
    p = plan(&in);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->groups[0].nvehicles, 2);
    ck_assert_int_eq(use_of(p, 3)->group, 0);
    ck_assert_int_eq(use_of(p, 3)->load, 30);  /* the largest is filled first */
    ck_assert_int_eq(use_of(p, 3)->people[0], 1000);
    ck_assert_int_eq(use_of(p, 1)->group, 0);
    ck_assert_int_eq(use_of(p, 1)->load, 15);
    ck_assert_int_eq(use_of(p, 1)->people[0], 1030);
    ck_assert_int_eq(use_of(p, 2)->group, 1);
    /* both halves leave together, at starts_at - 25 min */
    ck_assert_int_eq(p->legs[0].vehicle_id, 3);
    ck_assert_int_eq(p->legs[1].vehicle_id, 1);
    ck_assert_int_eq(p->legs[0].depart, START - 25 * MIN);
    ck_assert_int_eq(p->legs[1].depart, START - 25 * MIN);
    ck_assert_int_eq(p->nproblems, 0);
    tp_plan_free(p);
    inst_free(&in);

    /* Fewest vehicles, then fewest seats: 25 people take 20 + 6 over
       20 + 10, and a single 40 over both. */
    inst_init(&in);
    group(&in, 25, 15, 15);
    vehicle(&in, 20);
    vehicle(&in, 10);
    vehicle(&in, 6);
    p = plan(&in);
    ck_assert_int_eq(seats_used(p), 26);
    ck_assert_int_eq(use_of(p, 2)->group, -1);
    tp_plan_free(p);
    vehicle(&in, 40);
    p = plan(&in);
    ck_assert_int_eq(p->vehicles_used, 1);
    ck_assert_int_eq(use_of(p, 4)->load, 25);
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_seats_short)
{
    struct inst in;
    struct tp_plan *p;
    const struct tp_problem *pr;

    /* 40 riders, 35 seats: 15 + 5 for one group, 15 for the other. */
    inst_init(&in);
    group(&in, 20, 10, 10);
    group(&in, 20, 12, 12);
    vehicle(&in, 15);
    vehicle(&in, 15);
    vehicle(&in, 5);
    p = plan(&in);
    ck_assert_int_eq(p->seated, 35);
    ck_assert_int_eq(p->unseated, 5);
    ck_assert_int_eq(p->groups[0].seated, 20);  /* ties: the first group is served */
    ck_assert_int_eq(p->groups[1].seated, 15);
    ck_assert_int_eq(count_code(p, "transport_seats_short"), 1);
    pr = find_problem(p, "transport_seats_short", 1);
    ck_assert_ptr_nonnull(pr);
    ck_assert_int_eq(pr->count, 5);
    ck_assert_str_eq(pr->message, "5 of the 20 people going to option 101 have no seat: the "
                                  "3 vehicle(s) have 35 seats for the 40 people who need a ride");
    /* the people without a seat are the last of the list */
    for (int j = 0; j < p->nuse; j++)
        for (int k = 0; k < p->use[j].load; k++)
            ck_assert_int_lt(p->use[j].people[k], in.people[1][15]);
    tp_plan_free(p);

    /* no vehicles at all */
    in.nv = 0;
    p = plan(&in);
    ck_assert_int_eq(p->unseated, 40);
    ck_assert_int_eq(p->nlegs, 0);
    ck_assert_int_eq(count_code(p, "transport_seats_short"), 2);
    ck_assert_ptr_nonnull(strstr(p->problems[0].message, "no vehicles"));
    tp_plan_free(p);
    inst_free(&in);

    /* enough seats, sizes that do not fit: 10 + 10 people, 19 + 1 seats */
    inst_init(&in);
    group(&in, 10, 10, 10);
    group(&in, 10, 10, 10);
    vehicle(&in, 19);
    vehicle(&in, 1);
    p = plan(&in);
    ck_assert_int_eq(p->unseated, 9);
    pr = find_problem(p, "transport_vehicles_short", 1);
    ck_assert_ptr_nonnull(pr);
    ck_assert_int_eq(pr->count, 9);
    ck_assert_ptr_nonnull(strstr(pr->message, "sizes do not fit"));
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_late)
{
    struct inst in;
    struct tp_plan *p;
    const struct tp_problem *pr;

    /* 10 minutes between the items, 25 to travel: leaves at prev_ends_at,
       arrives 15 minutes late; back: 20 minutes, the next item 5 after. */
    inst_init(&in);
    in.slot.prev_ends_at = START - 10 * MIN;
    in.slot.next_starts_at = END + 5 * MIN;
    group(&in, 8, 25, 20);
    group(&in, 8, 5, 5);
    vehicle(&in, 10);
    vehicle(&in, 10);
    p = plan(&in);
    ck_assert_int_eq(p->groups[0].out_depart, START - 10 * MIN);
    ck_assert_int_eq(p->groups[0].out_arrive, START + 15 * MIN);
    ck_assert_int_eq(p->groups[1].out_depart, START - 5 * MIN);
    ck_assert_int_eq(p->nproblems, 2);
    pr = &p->problems[0];
    ck_assert_str_eq(pr->code, "transport_too_late");
    ck_assert_int_eq(pr->group, 0);
    ck_assert_int_eq(pr->count, 15);
    ck_assert_str_eq(pr->message, "the 8 people going to option 100 arrive 15 minute(s) late: "
                                  "the ride takes 25 minute(s), but only 10 separate the item "
                                  "before from the visit");
    pr = &p->problems[1];
    ck_assert_str_eq(pr->code, "transport_back_late");
    ck_assert_int_eq(pr->count, 15);
    ck_assert_ptr_nonnull(strstr(pr->message, "arrive 15 minute(s) after the next item starts"));
    tp_plan_free(p);

    /* an item before that ends long after the visit: a capped count */
    in.slot.prev_ends_at = TP_MAX_TIME;
    p = plan(&in);
    ck_assert_int_eq(find_problem(p, "transport_too_late", 0)->count, INT_MAX);
    ck_assert_int_eq(p->groups[0].out_depart, TP_MAX_TIME);
    tp_plan_free(p);

    /* a late second is a late minute */
    in.slot.prev_ends_at = START - 25 * MIN + 1;
    in.slot.next_starts_at = END + 20 * MIN;
    p = plan(&in);
    ck_assert_int_eq(p->nproblems, 1);
    ck_assert_int_eq(find_problem(p, "transport_too_late", 0)->count, 1);
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_travel_unknown)
{
    struct inst in;
    struct tp_plan *p;
    const struct tp_problem *pr;

    inst_init(&in);
    group(&in, 12, -1, 10);
    in.g[0].name = "Saules skola";
    group(&in, 12, 10, -1);
    vehicle(&in, 12);
    vehicle(&in, 12);
    p = plan(&in);
    /* both keep their vehicle; only the known legs are planned */
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->nlegs, 2);
    ck_assert_int_eq(p->legs[0].dir, TP_OUT);
    ck_assert_int_eq(p->legs[0].group, 1);
    ck_assert_int_eq(p->legs[1].dir, TP_BACK);
    ck_assert_int_eq(p->legs[1].group, 0);
    ck_assert_int_eq(use_of(p, 1)->out, 12);  /* the ride is needed, only not timed */
    ck_assert_int_eq(count_code(p, "transport_travel_unknown"), 2);
    pr = find_problem(p, "transport_travel_unknown", 0);
    ck_assert_int_eq(pr->count, 0);
    ck_assert_str_eq(pr->message, "the travel time from City hall to Saules skola is not known: "
                                  "no ride is planned for the 12 people going there");
    pr = find_problem(p, "transport_travel_unknown", 1);
    ck_assert_str_eq(pr->message, "the travel time from option 101 to City hall is not known: "
                                  "no ride back is planned for the 12 people there");
    tp_plan_free(p);

    /* no names: venues by id */
    in.slot.prev_name = NULL;
    p = plan(&in);
    ck_assert_ptr_nonnull(strstr(find_problem(p, "transport_travel_unknown", 0)->message,
                                 "from venue 1 to"));
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_same_venue)
{
    struct inst in;
    struct tp_plan *p;

    /* One bus.  Group 0 visits the hall itself, group 1 is 0 minutes away
       both ways: neither needs it, so group 2 has it. */
    inst_init(&in);
    group(&in, 10, 15, 15);
    in.g[0].venue_id = HALL;
    group(&in, 10, 0, 0);
    group(&in, 10, 15, 15);
    vehicle(&in, 10);
    p = plan(&in);
    ck_assert_int_eq(p->riders, 10);
    ck_assert_int_eq(p->groups[0].riders, 0);
    ck_assert_int_eq(p->groups[1].riders, 0);
    ck_assert_int_eq(use_of(p, 1)->group, 2);
    ck_assert_int_eq(p->nproblems, 0);
    ck_assert_int_eq(p->nlegs, 2);
    tp_plan_free(p);

    /* The next item is at group 2's venue: group 2 rides out only, group 0
       (at the hall) back only, to group 2's venue. */
    in.slot.next_venue_id = in.g[2].venue_id;
    vehicle(&in, 10);
    p = plan(&in);
    ck_assert_int_eq(p->riders, 20);
    ck_assert_int_eq(p->nlegs, 2);
    ck_assert_int_eq(p->legs[0].dir, TP_OUT);
    ck_assert_int_eq(p->legs[0].group, 2);
    ck_assert_int_eq(p->legs[1].dir, TP_BACK);
    ck_assert_int_eq(p->legs[1].group, 0);
    ck_assert_int_eq(p->legs[1].from_venue_id, HALL);
    ck_assert_int_eq(p->legs[1].to_venue_id, in.g[2].venue_id);
    ck_assert_int_eq(use_of(p, 1)->group, 0);
    ck_assert_int_eq(use_of(p, 1)->out, 0);
    ck_assert_int_eq(use_of(p, 1)->back, 10);
    ck_assert_int_eq(use_of(p, 2)->out, 10);
    ck_assert_int_eq(use_of(p, 2)->back, 0);
    tp_plan_free(p);
    in.nv = 1;

    /* No item before, none after: nobody rides. */
    in.slot.prev_venue_id = 0;
    in.slot.next_venue_id = 0;
    p = plan(&in);
    ck_assert_int_eq(p->riders, 0);
    ck_assert_int_eq(p->nlegs, 0);
    ck_assert_int_eq(p->vehicles_used, 0);
    tp_plan_free(p);

    /* A ride back only (people start at their option). */
    in.slot.next_venue_id = HALL;
    p = plan(&in);
    ck_assert_int_eq(p->nlegs, 1);
    ck_assert_int_eq(p->legs[0].dir, TP_BACK);
    ck_assert_int_eq(p->legs[0].group, 2);
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_departures)
{
    struct inst in;
    struct tp_plan *p;

    /* Departure = starts_at - travel for every travel time up to the gap. */
    inst_init(&in);
    in.slot.prev_ends_at = START - 60 * MIN;
    in.slot.next_starts_at = END + 60 * MIN;
    for (int i = 0; i < 12; i++) {
        group(&in, 3 + i, 5 * i + 1, 60 - 5 * i);
        vehicle(&in, 14 - i);
    }
    p = plan(&in);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(p->nproblems, 0);
    for (int k = 0; k < p->nlegs; k++) {
        const struct tp_leg *l = &p->legs[k];

        if (l->dir == TP_OUT) {
            ck_assert_int_eq(l->depart, START - in.g[l->group].travel_out * MIN);
            ck_assert_int_eq(l->arrive, START);
        } else {
            ck_assert_int_eq(l->depart, END);
            ck_assert_int_eq(l->arrive, END + in.g[l->group].travel_back * MIN);
        }
    }
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

static void same_plan(const struct tp_plan *a, const struct tp_plan *b)
{
    ck_assert_int_eq(a->nlegs, b->nlegs);
    ck_assert_int_eq(a->nproblems, b->nproblems);
    ck_assert_int_eq(a->exact, b->exact);
    for (int j = 0; j < a->nuse; j++) {
        ck_assert_int_eq(a->use[j].group, b->use[j].group);
        ck_assert_int_eq(a->use[j].load, b->use[j].load);
        for (int k = 0; k < a->use[j].load; k++)
            ck_assert_int_eq(a->use[j].people[k], b->use[j].people[k]);
    }
    for (int k = 0; k < a->nlegs; k++) {
        ck_assert_int_eq(a->legs[k].vehicle_id, b->legs[k].vehicle_id);
        ck_assert_int_eq(a->legs[k].depart, b->legs[k].depart);
        ck_assert_int_eq(a->legs[k].dir, b->legs[k].dir);
    }
    for (int k = 0; k < a->nproblems; k++) {
        ck_assert_str_eq(a->problems[k].code, b->problems[k].code);
        ck_assert_str_eq(a->problems[k].message, b->problems[k].message);
    }
}

START_TEST(test_determinism)
{
    struct inst in;
    struct tp_plan *a, *b;

    /* Identical vehicles: the first group takes the first ones. */
    inst_init(&in);
    group(&in, 25, 10, 10);
    group(&in, 25, 10, 10);
    group(&in, 15, 10, 10);
    for (int k = 0; k < 5; k++)
        vehicle(&in, 20);
    a = plan(&in);
    b = plan(&in);
    same_plan(a, b);
    ck_assert_int_eq(a->unseated, 0);
    ck_assert_int_eq(use_of(a, 1)->group, 0);
    ck_assert_int_eq(use_of(a, 2)->group, 0);
    ck_assert_int_eq(use_of(a, 3)->group, 1);
    ck_assert_int_eq(use_of(a, 4)->group, 1);
    ck_assert_int_eq(use_of(a, 5)->group, 2);
    tp_plan_free(a);
    tp_plan_free(b);
    inst_free(&in);

    /* Two sizes tie (12 + 14 either way): the first group takes the size
       listed first. */
    inst_init(&in);
    group(&in, 10, 10, 10);
    group(&in, 10, 10, 10);
    vehicle(&in, 14);
    vehicle(&in, 12);
    a = plan(&in);
    ck_assert_int_eq(use_of(a, 1)->group, 0);
    ck_assert_int_eq(use_of(a, 2)->group, 1);
    tp_plan_free(a);
    in.v[0].seats = 12;
    in.v[1].seats = 14;
    a = plan(&in);
    ck_assert_int_eq(use_of(a, 1)->group, 0);
    tp_plan_free(a);
    inst_free(&in);
}
END_TEST

START_TEST(test_exact_beats_greedy)
{
    struct inst in;
    struct tp_plan *p;

    /* Groups of 500 and 800; vehicles of 600, 400, 399 and 1 seats.  The
       greedy rule seats the 800 first in 600 + 399 (no single vehicle holds
       it: the largest, then the smallest that covers the rest) and leaves
       the 500 with 400 + 1.  The exact search finds 600 for the 500 and
       400 + 399 + 1 for the 800. */
    inst_init(&in);
    group(&in, 500, 30, 30);
    group(&in, 800, 30, 30);
    vehicle(&in, 600);
    vehicle(&in, 400);
    vehicle(&in, 399);
    vehicle(&in, 1);
    p = plan(&in);
    ck_assert_int_eq(p->exact, 1);
    ck_assert_int_eq(p->unseated, 0);
    ck_assert_int_eq(use_of(p, 1)->group, 0);
    ck_assert_int_eq(p->groups[1].nvehicles, 3);
    tp_plan_free(p);

    /* Twelve more small vehicles of distinct sizes put the search over
       TP_EXACT_STEPS (2 x 3^16); the greedy rule then decides, and comes
       out 9 short as described above (400 + 1 + 2 + ... + 13 = 491). */
    for (int k = 2; k <= 13; k++)
        vehicle(&in, k);
    p = plan(&in);
    ck_assert_int_eq(p->exact, 0);
    ck_assert_int_eq(p->unseated, 9);
    ck_assert_int_eq(use_of(p, 1)->group, 1);
    ck_assert_int_eq(use_of(p, 3)->group, 1);
    ck_assert_int_eq(count_code(p, "transport_vehicles_short"), 1);
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

/* ---- a brute force over every assignment ----------------------------- */

static uint64_t rng_state;

static int rnd(int below)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)((rng_state >> 33) % (uint64_t)below);
}

/* The best (unseated, vehicles, seats) over every owner vector. */
static void brute(const struct inst *in, const struct tp_plan *p, long long best[3])
{
    int owner[8] = {0};
    long long combos = 1;

    for (int j = 0; j < in->nv; j++)
        combos *= in->ng + 1;
    best[0] = best[1] = best[2] = LLONG_MAX;
    for (long long c = 0; c < combos; c++) {
        long long x = c, key[3] = {0, 0, 0};
        long long seats[TP_MAX_GROUPS] = {0};

        for (int j = 0; j < in->nv; j++) {
            owner[j] = (int)(x % (in->ng + 1)) - 1;
            x /= in->ng + 1;
            if (owner[j] >= 0) {
                seats[owner[j]] += in->v[j].seats;
                key[1]++;
                key[2] += in->v[j].seats;
            }
        }
        for (int i = 0; i < in->ng; i++)
            if (p->groups[i].riders > seats[i])
                key[0] += p->groups[i].riders - seats[i];
        if (key[0] < best[0] || (key[0] == best[0] && (key[1] < best[1] ||
                                 (key[1] == best[1] && key[2] < best[2]))))
            memcpy(best, key, sizeof key);
    }
}

START_TEST(test_brute_force)
{
    struct inst in;

    rng_state = 42;
    for (int round = 0; round < 3000; round++) {
        struct tp_plan *p;
        long long best[3];
        int ng = 1 + rnd(4), nv = rnd(7);

        inst_init(&in);
        in.slot.prev_venue_id = rnd(5) == 0 ? 0 : HALL;
        in.slot.next_venue_id = rnd(5) == 0 ? 0 : HALL;
        in.slot.prev_ends_at = START - rnd(40) * MIN;
        in.slot.next_starts_at = END + rnd(40) * MIN;
        for (int i = 0; i < ng; i++) {
            group(&in, rnd(30), rnd(8) == 0 ? -1 : rnd(35), rnd(8) == 0 ? -1 : rnd(35));
            if (rnd(8) == 0)
                in.g[i].venue_id = HALL;
        }
        for (int j = 0; j < nv; j++)
            vehicle(&in, 1 + rnd(rnd(2) ? 20 : 8));
        p = plan(&in);
        brute(&in, p, best);
        ck_assert_int_eq(p->exact, 1);
        ck_assert_int_eq(p->unseated, best[0]);
        ck_assert_int_eq(p->vehicles_used, best[1]);
        ck_assert_int_eq(seats_used(p), best[2]);
        /* the short groups and only they have a seat problem */
        for (int i = 0; i < ng; i++)
            ck_assert_int_eq(find_problem(p, "transport_seats_short", i) != NULL ||
                             find_problem(p, "transport_vehicles_short", i) != NULL,
                             p->groups[i].unseated > 0);
        tp_plan_free(p);
        inst_free(&in);
    }
}
END_TEST

/* ---- a brute force over every load of every vehicle, routes included -- */

struct broute {
    int ok, n;
    int out[3], back[3];      /* groups, in the order driven */
    long long extra[3];       /* by group index */
    int minutes;
};

/* Rule 3 for the groups in mask, written anew: every group rides both
 * ways, from and to the hall. */
static void brute_route(const struct inst *in, int mask, struct broute *r)
{
    const struct tp_slot *s = &in->slot;
    int gs[3], n = 0, best_t = INT_MAX, order[3] = {0};
    long long arr[3], best_arr = LLONG_MAX, dep;

    memset(r, 0, sizeof *r);
    for (int i = 0; i < in->ng; i++)
        if (mask & 1 << i)
            gs[n++] = i;
    r->n = n;
    if (n == 1) {
        r->ok = 1;
        r->out[0] = r->back[0] = gs[0];
        r->minutes = in->g[gs[0]].travel_out + in->g[gs[0]].travel_back;
        return;
    }
    /* out: the shortest order, the first in lexicographic order on ties */
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            for (int c = 0; c < (n == 3 ? n : 1); c++) {
                int q[3] = {a, b, c}, t, ok = 1;

                if (a == b || (n == 3 && (c == a || c == b)))
                    continue;
                t = in->g[gs[q[0]]].travel_out;
                for (int k = 1; k < n; k++) {
                    ok &= tmin(in, gs[q[k - 1]], gs[q[k]]) >= 0;
                    t += tmin(in, gs[q[k - 1]], gs[q[k]]);
                }
                if (ok && t < best_t) {
                    best_t = t;
                    memcpy(order, q, sizeof order);
                }
            }
    if (best_t == INT_MAX)
        return;
    for (int k = 0; k < n; k++)
        r->out[k] = gs[order[k]];
    dep = s->starts_at - best_t * MIN;
    if (dep < s->prev_ends_at)
        dep = s->prev_ends_at;
    arr[0] = dep + in->g[r->out[0]].travel_out * MIN;
    for (int k = 1; k < n; k++)
        arr[k] = arr[k - 1] + tmin(in, r->out[k - 1], r->out[k]) * MIN;
    r->minutes = best_t;
    /* back: the soonest, then the shortest; the reverse first, then the
       orders of the positions out, lexicographic */
    best_t = INT_MAX;
    for (int cand = -1; cand < 27; cand++) {
        int q[3], t, ok = 1;
        long long first = s->ends_at, at;

        if (cand < 0) {
            for (int k = 0; k < n; k++)
                q[k] = n - 1 - k;
        } else {
            q[0] = cand / 9, q[1] = cand / 3 % 3, q[2] = cand % 3;
            if (q[0] >= n || q[1] >= n || q[0] == q[1] ||
                (n == 3 ? q[2] == q[0] || q[2] == q[1] : q[2] != 0))
                continue;
        }
        if (tmin(in, r->out[n - 1], r->out[q[0]]) < 0)
            continue;
        at = arr[n - 1] + tmin(in, r->out[n - 1], r->out[q[0]]) * MIN;
        if (at > first)
            first = at;
        t = in->g[r->out[q[n - 1]]].travel_back;
        for (int k = 1; k < n; k++) {
            ok &= tmin(in, r->out[q[k - 1]], r->out[q[k]]) >= 0;
            t += tmin(in, r->out[q[k - 1]], r->out[q[k]]);
        }
        if (!ok)
            continue;
        if (first + t * MIN < best_arr || (first + t * MIN == best_arr && t < best_t)) {
            best_arr = first + t * MIN;
            best_t = t;
            for (int k = 0; k < n; k++)
                r->back[k] = r->out[q[k]];
        }
    }
    if (best_t == INT_MAX)
        return;
    r->minutes += best_t;
    r->ok = 1;
    for (int k = 0; k < n; k++) {
        const struct tp_group *g = &in->g[r->out[k]];
        long long due = s->starts_at, direct = s->starts_at - g->travel_out * MIN;

        if (direct < s->prev_ends_at)
            direct = s->prev_ends_at;
        direct += g->travel_out * MIN;
        if (direct > due)
            due = direct;
        if (arr[k] > due)
            r->extra[r->out[k]] += (arr[k] - due) / MIN;
        due = s->next_starts_at;
        if (s->ends_at + g->travel_back * MIN > due)
            due = s->ends_at + g->travel_back * MIN;
        if (best_arr > due)
            r->extra[r->out[k]] += (best_arr - due) / MIN;
    }
}

struct bkey {
    long long k[6];  /* unseated, late, multi, vehicles, seats, minutes shared */
};

static int bkey_less(const struct bkey *a, const struct bkey *b)
{
    for (int t = 0; t < 6; t++)
        if (a->k[t] != b->k[t])
            return a->k[t] < b->k[t];
    return 0;
}

struct bsearch {
    const struct inst *in;
    struct broute routes[8];
    int left[3];
    struct bkey cur, best;
};

static void brute_loads(struct bsearch *B, int j)
{
    const struct inst *in = B->in;
    int x[3];

    if (j == in->nv) {
        struct bkey k = B->cur;

        for (int i = 0; i < in->ng; i++)
            k.k[0] += B->left[i];
        if (bkey_less(&k, &B->best))
            B->best = k;
        return;
    }
    for (x[0] = 0; x[0] <= (in->ng > 0 ? B->left[0] : 0); x[0]++)
        for (x[1] = 0; x[1] <= (in->ng > 1 ? B->left[1] : 0); x[1]++)
            for (x[2] = 0; x[2] <= (in->ng > 2 ? B->left[2] : 0); x[2]++) {
                struct bkey save = B->cur;
                const struct broute *r;
                int mask = 0, sum = 0;

                for (int i = 0; i < in->ng; i++)
                    if (x[i] > 0)
                        mask |= 1 << i, sum += x[i];
                if (sum > in->v[j].seats)
                    continue;
                r = &B->routes[mask];
                if (mask != 0) {
                    if (!r->ok)
                        continue;
                    for (int i = 0; i < in->ng; i++)
                        B->cur.k[1] += x[i] * r->extra[i];
                    B->cur.k[2] += r->n > 1;
                    B->cur.k[3]++;
                    B->cur.k[4] += in->v[j].seats;
                    B->cur.k[5] += r->n > 1 ? r->minutes : 0;
                }
                for (int i = 0; i < in->ng; i++)
                    B->left[i] -= x[i];
                brute_loads(B, j + 1);
                for (int i = 0; i < in->ng; i++)
                    B->left[i] += x[i];
                B->cur = save;
            }
}

START_TEST(test_brute_force_routes)
{
    struct inst in;
    int shared = 0;

    rng_state = 4242;
    for (int round = 0; round < 1000; round++) {
        struct bsearch B;
        struct bkey got = {{0}};
        struct tp_plan *p;
        int ng = 2 + rnd(2), nv = 1 + rnd(3);

        inst_init(&in);
        in.slot.prev_ends_at = START - rnd(30) * MIN;
        in.slot.next_starts_at = END + rnd(30) * MIN;
        for (int i = 0; i < ng; i++)
            group(&in, rnd(5), 1 + rnd(20), 1 + rnd(20));
        for (int a = 0; a < ng; a++)
            for (int b = 0; b < ng; b++)
                if (a != b) {
                    in.tt[a][b] = rnd(6) == 0 ? -1 : rnd(16);
                    in.g[a].travel_to = in.tt[a];
                }
        for (int j = 0; j < nv; j++)
            vehicle(&in, 1 + rnd(5));
        p = plan(&in);
        ck_assert_int_eq(p->exact, 1);

        memset(&B, 0, sizeof B);
        B.in = &in;
        for (int m = 1; m < 1 << ng; m++)
            brute_route(&in, m, &B.routes[m]);
        for (int i = 0; i < ng; i++)
            B.left[i] = in.g[i].npeople;
        B.best.k[0] = LLONG_MAX;
        brute_loads(&B, 0);

        /* the plan's key, its routes timed by brute_route */
        got.k[0] = p->unseated;
        for (int j = 0; j < nv; j++) {
            const struct tp_use *u = &p->use[j];
            int mask = 0;

            if (u->nstops == 0)
                continue;
            for (int t = 0; t < u->nstops; t++)
                mask |= 1 << u->stops[t].group;
            ck_assert(B.routes[mask].ok);
            for (int t = 0; t < u->nstops; t++)
                got.k[1] += u->stops[t].npeople * B.routes[mask].extra[u->stops[t].group];
            got.k[2] += u->nstops > 1;
            got.k[3]++;
            got.k[4] += u->seats;
            got.k[5] += u->nstops > 1 ? B.routes[mask].minutes : 0;
            shared += u->nstops > 1;
            for (int k = 0; k < p->nlegs; k++)
                if (p->legs[k].vehicle_id == u->vehicle_id)
                    for (int t = 0; t < u->nstops; t++)
                        ck_assert_int_eq(p->legs[k].stops[t].group,
                                         p->legs[k].dir == TP_OUT ? B.routes[mask].out[t]
                                                                  : B.routes[mask].back[t]);
        }
        for (int t = 0; t < 6; t++)
            ck_assert_msg(got.k[t] == B.best.k[t], "round %d: goal %d is %lld, best %lld",
                          round, t + 1, got.k[t], B.best.k[t]);
        tp_plan_free(p);
        inst_free(&in);
    }
    ck_assert_int_gt(shared, 80);  /* the rounds did exercise shared routes */
}
END_TEST

START_TEST(test_large)
{
    struct inst in;
    struct tp_plan *p;
    struct timespec t0, t1;
    double ms;

    /* The bounds: 64 groups, 200 vehicles of many sizes, 100,000 people
       (the greedy rule). */
    rng_state = 7;
    inst_init(&in);
    for (int i = 0; i < TP_MAX_GROUPS; i++)
        group(&in, i < TP_MAX_GROUPS - 1 ? TP_MAX_PEOPLE / TP_MAX_GROUPS : TP_MAX_PEOPLE -
                   (TP_MAX_GROUPS - 1) * (TP_MAX_PEOPLE / TP_MAX_GROUPS), 5 + rnd(40), 5 + rnd(40));
    for (int j = 0; j < TP_MAX_VEHICLES; j++)
        vehicle(&in, 1 + rnd(TP_MAX_SEATS));
    p = plan(&in);
    ck_assert_int_eq(p->exact, 0);
    ck_assert_int_eq(p->riders, TP_MAX_PEOPLE);
    tp_plan_free(p);
    /* and nobody rides: nothing to search */
    in.slot.prev_venue_id = in.slot.next_venue_id = 0;
    p = plan(&in);
    ck_assert_int_eq(p->exact, 1);
    ck_assert_int_eq(p->vehicles_used, 0);
    tp_plan_free(p);
    inst_free(&in);

    /* 200 buses of one size: exact. */
    inst_init(&in);
    for (int i = 0; i < TP_MAX_GROUPS; i++)
        group(&in, 20 + rnd(100), 10, 10);
    for (int j = 0; j < TP_MAX_VEHICLES; j++)
        vehicle(&in, 50);
    p = plan(&in);
    ck_assert_int_eq(p->exact, 1);
    tp_plan_free(p);
    inst_free(&in);

    /* The largest exact search: 64 groups, 12 vehicles of distinct sizes
       (64 x 3^12 steps) stays well under a second even under ASan. */
    inst_init(&in);
    for (int i = 0; i < TP_MAX_GROUPS; i++)
        group(&in, 1 + rnd(60), 10, 10);
    for (int j = 0; j < 12; j++)
        vehicle(&in, 10 + 7 * j);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    p = plan(&in);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    ck_assert_int_eq(p->exact, 1);
    ck_assert_int_eq(p->vehicles_used, 12);
    ck_assert_msg(ms < 5000, "the exact search took %.0f ms", ms);
    fprintf(stderr, "test_transport: largest exact search %.1f ms\n", ms);
    tp_plan_free(p);
    inst_free(&in);
}
END_TEST

START_TEST(test_message_utf8)
{
    struct inst in;
    struct tp_plan *p;
    char name[1200];
    const char *msg;
    size_t len;

    /* A name longer than a message is cut at a whole character. */
    for (size_t k = 0; k + 2 < sizeof name; k += 2)
        memcpy(name + k, "ā", 2);
    name[sizeof name - 2] = '\0';
    for (int shift = 0; shift < 2; shift++) {
        inst_init(&in);
        group(&in, 5, -1, 10);
        in.slot.prev_name = shift ? "x" : "xy";
        in.g[0].name = name;
        p = plan(&in);
        msg = p->problems[0].message;
        len = strlen(msg);
        ck_assert_int_ge(len, TP_MESSAGE_MAX - 4);
        ck_assert_int_lt(len, TP_MESSAGE_MAX);
        ck_assert_int_eq((unsigned char)msg[len - 2], 0xC4);  /* ends in a whole "ā" */
        ck_assert_int_eq((unsigned char)msg[len - 1], 0x81);
        tp_plan_free(p);
        inst_free(&in);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("transport");
    TCase *tc = tcase_create("plan");

    tcase_add_test(tc, test_invalid);
    tcase_add_test(tc, test_demo_two_buses);
    tcase_add_test(tc, test_demo_three_buses);
    tcase_add_test(tc, test_demo_next_at_school);
    tcase_add_test(tc, test_route_three_stops);
    tcase_add_test(tc, test_route_lateness);
    tcase_add_test(tc, test_split);
    tcase_add_test(tc, test_seats_short);
    tcase_add_test(tc, test_late);
    tcase_add_test(tc, test_travel_unknown);
    tcase_add_test(tc, test_same_venue);
    tcase_add_test(tc, test_departures);
    tcase_add_test(tc, test_determinism);
    tcase_add_test(tc, test_exact_beats_greedy);
    tcase_add_test(tc, test_brute_force);
    tcase_add_test(tc, test_brute_force_routes);
    tcase_add_test(tc, test_large);
    tcase_add_test(tc, test_message_utf8);
    suite_add_tcase(s, tc);
    return s;
}
