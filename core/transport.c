/* transport.c - the transport planner of one site-visit slot; see
 * transport.h for the rules.  Depends on libc only.
 *
 * Assigning vehicles to groups is a small bin-covering problem: each group
 * needs vehicles whose seats cover its riders, a vehicle goes to one group.
 * Greedy rules get it wrong (groups of 500 and 800 with vehicles of 600,
 * 400, 399 and 1 seats: the 800 takes 600 + 399, the 500 is left with 401),
 * so rule 4 is an exact search while it is small enough.
 *
 * The exact search is dynamic programming over the groups that need a ride,
 * in the order given.  Vehicles with the same seats are interchangeable, so
 * the state is how many vehicles of each seat count are still free, a
 * mixed-radix number M (30 identical buses make 31 states, not 2^30):
 *   best[i][M] = min over S <= M of key(i, S) + best[i+1][M - S],
 * S being the vehicles group i takes.  A key packs the three goals of rule 4
 * (people without a seat, vehicles, seats) into one integer so that adding
 * keys adds each goal and comparing keys compares the goals in order: no
 * field can carry into the next (the static asserts below).  The plan is
 * read back from best[0][all free], group by group, taking the first best S
 * in decreasing lexicographic order with the first seat count most
 * significant: that is rule 7's tie-break.  The mixed-radix index is linear
 * in the counts, so index(M - S) = index(M) - index(S).
 *
 * Must never: put a person on two vehicles, a vehicle with two groups, more
 * people in a vehicle than its seats; or depend on anything but the input. */
#include "transport.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEAT_BITS 21
#define VEH_BITS 8
#define KEY(unseated, nveh, seats) \
    ((long long)(unseated) << (SEAT_BITS + VEH_BITS) | (long long)(nveh) << SEAT_BITS | (seats))

_Static_assert((long long)TP_MAX_VEHICLES * TP_MAX_SEATS < 1LL << SEAT_BITS,
               "a plan's seats fit their key field");
_Static_assert(TP_MAX_VEHICLES < 1 << VEH_BITS, "a plan's vehicles fit their key field");
_Static_assert((long long)TP_MAX_PEOPLE << (SEAT_BITS + VEH_BITS) < LLONG_MAX / 2,
               "a plan's key does not overflow");
_Static_assert(TP_MAX_TIME + TP_MAX_TRAVEL * 60LL < LLONG_MAX, "times do not overflow");

static void seterr(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errsz == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

/* ---- input ------------------------------------------------------------ */

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return (x > y) - (x < y);
}

static int bad_time(long long t) { return t < 0 || t > TP_MAX_TIME; }

static int bad_travel(int m) { return m < -1 || m > TP_MAX_TRAVEL; }

/* Rule 1.  *total gets the number of people. */
static int check_input(const struct tp_slot *s, const struct tp_group *g, int ng,
                       const struct tp_vehicle *v, int nv, int *total, char *err, size_t errsz)
{
    long long *ids = NULL;
    int n = 0, rc = -1;

    if (s == NULL || g == NULL) {
        seterr(err, errsz, "no slot or no groups given");
        goto out;
    }
    if (ng < 1 || ng > TP_MAX_GROUPS) {
        seterr(err, errsz, "%d groups: a slot has 1 to %d", ng, TP_MAX_GROUPS);
        goto out;
    }
    if (nv < 0 || nv > TP_MAX_VEHICLES || (nv > 0 && v == NULL)) {
        seterr(err, errsz, "%d vehicles: a plan takes 0 to %d", nv, TP_MAX_VEHICLES);
        goto out;
    }
    if (bad_time(s->starts_at) || bad_time(s->ends_at) || bad_time(s->prev_ends_at) ||
        bad_time(s->next_starts_at)) {
        seterr(err, errsz, "a time is out of range (0 to %lld seconds)", TP_MAX_TIME);
        goto out;
    }
    if (s->ends_at < s->starts_at) {
        seterr(err, errsz, "the visit ends before it starts");
        goto out;
    }
    if (s->prev_venue_id < 0 || s->next_venue_id < 0) {
        seterr(err, errsz, "a venue id is negative");
        goto out;
    }
    for (int j = 0; j < nv; j++) {
        if (v[j].id <= 0) {
            seterr(err, errsz, "vehicle %d: the id must be positive", j + 1);
            goto out;
        }
        if (v[j].seats < 1 || v[j].seats > TP_MAX_SEATS) {
            seterr(err, errsz, "vehicle %lld: %d seats (1 to %d)", v[j].id, v[j].seats,
                   TP_MAX_SEATS);
            goto out;
        }
        for (int k = 0; k < j; k++)
            if (v[k].id == v[j].id) {
                seterr(err, errsz, "vehicle %lld is listed twice", v[j].id);
                goto out;
            }
    }
    for (int i = 0; i < ng; i++) {
        if (g[i].option_id <= 0 || g[i].venue_id <= 0) {
            seterr(err, errsz, "group %d: option and venue ids must be positive", i + 1);
            goto out;
        }
        for (int k = 0; k < i; k++)
            if (g[k].option_id == g[i].option_id) {
                seterr(err, errsz, "option %lld is listed twice", g[i].option_id);
                goto out;
            }
        if (bad_travel(g[i].travel_out) || bad_travel(g[i].travel_back)) {
            seterr(err, errsz, "option %lld: a travel time must be -1 (unknown) or 0 to %d "
                   "minutes", g[i].option_id, TP_MAX_TRAVEL);
            goto out;
        }
        if (g[i].npeople < 0 || g[i].npeople > TP_MAX_PEOPLE - n ||
            (g[i].npeople > 0 && g[i].people == NULL)) {
            seterr(err, errsz, "option %lld: bad list of people (at most %d in a slot)",
                   g[i].option_id, TP_MAX_PEOPLE);
            goto out;
        }
        n += g[i].npeople;
    }
    /* Nobody in two groups: a person is on one vehicle each way. */
    if (n > 0 && (ids = malloc((size_t)n * sizeof *ids)) == NULL) {
        seterr(err, errsz, "out of memory");
        goto out;
    }
    for (int i = 0, k = 0; i < ng; i++)
        for (int p = 0; p < g[i].npeople; p++)
            ids[k++] = g[i].people[p];
    if (n > 0)
        qsort(ids, (size_t)n, sizeof *ids, cmp_ll);
    for (int k = 0; k < n; k++) {
        if (ids[k] <= 0) {
            seterr(err, errsz, "registration ids must be positive");
            goto out;
        }
        if (k > 0 && ids[k] == ids[k - 1]) {
            seterr(err, errsz, "registration %lld is listed twice", ids[k]);
            goto out;
        }
    }
    *total = n;
    rc = 0;
out:
    free(ids);
    return rc;
}

/* ---- rule 4: who takes which vehicle ------------------------------------ */

/* Steps the counts s (index *idx) to the next smaller vector <= m in
 * lexicographic order, the first seat count most significant; 0 after the
 * zero vector. */
static int prev_vector(int *s, const int *m, const long long *w, int nt, long long *idx)
{
    for (int t = nt - 1; t >= 0; t--) {
        if (s[t] > 0) {
            s[t]--;
            *idx -= w[t];
            return 1;
        }
        s[t] = m[t];
        *idx += m[t] * w[t];
    }
    return 0;
}

static long long group_key(int riders, int seats, long long vkey)
{
    return KEY(riders > seats ? riders - seats : 0, 0, 0) + vkey;
}

/* The exact search (see the top of the file).  owner[j] gets the group of
 * vehicle j or -1.  Returns 1 when done, 0 when the search would be too
 * large (rule 4), -1 when memory runs out. */
static int assign_exact(const int *riders, int ng, const struct tp_vehicle *v, int nv,
                        int *owner)
{
    int size[TP_MAX_VEHICLES], cnt[TP_MAX_VEHICLES], type[TP_MAX_VEHICLES];
    int s[TP_MAX_VEHICLES], m[TP_MAX_VEHICLES], next[TP_MAX_VEHICLES];
    int rg[TP_MAX_GROUPS];
    long long w[TP_MAX_VEHICLES + 1], steps, nstates, mi;
    long long *best = NULL, *vkey = NULL;
    int *seats = NULL;
    int nt = 0, nr = 0, rc = -1;

    for (int i = 0; i < ng; i++)
        if (riders[i] > 0)
            rg[nr++] = i;
    for (int j = 0; j < nv; j++) {
        int t = 0;

        while (t < nt && size[t] != v[j].seats)
            t++;
        if (t == nt)
            size[nt] = v[j].seats, cnt[nt++] = 0;
        cnt[t]++;
        type[j] = t;
    }
    for (int j = 0; j < nv; j++)
        owner[j] = -1;
    if (nr == 0)
        return 1;
    steps = nr;
    w[0] = 1;
    for (int t = 0; t < nt; t++) {
        steps *= (long long)(cnt[t] + 1) * (cnt[t] + 2) / 2;
        if (steps > TP_EXACT_STEPS)
            return 0;
        w[t + 1] = w[t] * (cnt[t] + 1);  /* <= steps, as nr >= 1: no overflow */
    }
    nstates = w[nt];
    best = malloc((size_t)(nr + 1) * (size_t)nstates * sizeof *best);
    vkey = malloc((size_t)nstates * sizeof *vkey);
    seats = malloc((size_t)nstates * sizeof *seats);
    if (best == NULL || vkey == NULL || seats == NULL)
        goto out;

    /* Seats and vehicle key of every vector, counting up. */
    {
        int sum = 0, veh = 0;

        memset(s, 0, sizeof s);
        for (long long idx = 0; idx < nstates; idx++) {
            seats[idx] = sum;
            vkey[idx] = KEY(0, veh, sum);
            for (int t = 0; t < nt; t++) {
                if (s[t] < cnt[t]) {
                    s[t]++, veh++, sum += size[t];
                    break;
                }
                veh -= s[t], sum -= s[t] * size[t];
                s[t] = 0;
            }
        }
    }

    memset(best + (size_t)nr * (size_t)nstates, 0, (size_t)nstates * sizeof *best);
    for (int i = nr - 1; i >= 0; i--) {
        long long *cur = best + (size_t)i * (size_t)nstates;
        const long long *after = cur + nstates;
        int r = riders[rg[i]];

        memset(m, 0, sizeof m);
        for (mi = 0; mi < nstates; mi++) {
            long long b = LLONG_MAX, si = mi;

            memcpy(s, m, (size_t)nt * sizeof *s);
            do {
                long long k = group_key(r, seats[si], vkey[si]) + after[mi - si];

                if (k < b)
                    b = k;
            } while (prev_vector(s, m, w, nt, &si));
            cur[mi] = b;
            for (int t = 0; t < nt; t++) {  /* m = the vector of mi + 1 */
                if (m[t] < cnt[t]) {
                    m[t]++;
                    break;
                }
                m[t] = 0;
            }
        }
    }

    /* Read the plan back; of a seat count, vehicles go in list order. */
    for (int t = 0; t < nt; t++)
        next[t] = 0;
    memcpy(m, cnt, (size_t)nt * sizeof *m);
    mi = nstates - 1;
    for (int i = 0; i < nr; i++) {
        const long long *cur = best + (size_t)i * (size_t)nstates;
        long long si = mi;
        int r = riders[rg[i]];

        memcpy(s, m, (size_t)nt * sizeof *s);
        while (group_key(r, seats[si], vkey[si]) + cur[nstates + mi - si] != cur[mi])
            if (!prev_vector(s, m, w, nt, &si))
                goto out;  /* cannot happen: cur[mi] is one of these sums */
        for (int t = 0; t < nt; t++)
            for (int j = next[t]; s[t] > 0; j++)
                if (type[j] == t && owner[j] < 0) {
                    owner[j] = rg[i];
                    next[t] = j + 1;
                    s[t]--, m[t]--;
                }
        mi -= si;
    }
    rc = 1;
out:
    free(seats);
    free(vkey);
    free(best);
    return rc;
}

/* The greedy rule of rule 4, for fleets too varied for the exact search. */
static void assign_greedy(const int *riders, int ng, const struct tp_vehicle *v, int nv,
                          int *owner)
{
    int order[TP_MAX_GROUPS];

    for (int j = 0; j < nv; j++)
        owner[j] = -1;
    for (int i = 0; i < ng; i++) {  /* most riders first, stable */
        int k = i;

        while (k > 0 && riders[order[k - 1]] < riders[i]) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    for (int o = 0; o < ng; o++) {
        int i = order[o], rest = riders[i];

        while (rest > 0) {
            int fit = -1, big = -1;

            for (int j = 0; j < nv; j++) {
                if (owner[j] >= 0)
                    continue;
                if (v[j].seats >= rest && (fit < 0 || v[j].seats < v[fit].seats))
                    fit = j;
                if (big < 0 || v[j].seats > v[big].seats)
                    big = j;
            }
            if (fit >= 0) {
                owner[fit] = i;
                break;
            }
            if (big < 0)
                break;
            owner[big] = i;
            rest -= v[big].seats;
        }
    }
}

/* ---- the plan ----------------------------------------------------------- */

static size_t align_up(size_t n)
{
    size_t a = _Alignof(max_align_t);

    return (n + a - 1) / a * a;
}

static const char *group_name(const struct tp_group *g, char *buf, size_t n)
{
    if (g->name != NULL && g->name[0] != '\0')
        return g->name;
    snprintf(buf, n, "option %lld", g->option_id);
    return buf;
}

static const char *venue_name(const char *name, long long id, char *buf, size_t n)
{
    if (name != NULL && name[0] != '\0')
        return name;
    snprintf(buf, n, "venue %lld", id);
    return buf;
}

/* Drops the last character of s if truncation cut it: names are UTF-8, and
 * the messages go into JSON, which wants whole characters. */
static void utf8_trim(char *s)
{
    size_t len = strlen(s), i = len;
    unsigned char c;

    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0 || (c = (unsigned char)s[i - 1]) < 0xC0)
        return;  /* ends in ASCII (or in stray continuation bytes: not ours to mend) */
    if (len - (i - 1) < (c >= 0xF0 ? 4u : c >= 0xE0 ? 3u : 2u))
        s[i - 1] = '\0';
}

static void problem(struct tp_plan *p, const char *code, const struct tp_group *g, int group,
                    int count, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void problem(struct tp_plan *p, const char *code, const struct tp_group *g, int group,
                    int count, const char *fmt, ...)
{
    struct tp_problem *pr = &p->problems[p->nproblems++];
    va_list ap;
    int n;

    pr->code = code;
    pr->group = group;
    pr->option_id = g->option_id;
    pr->count = count;
    va_start(ap, fmt);
    n = vsnprintf(pr->message, sizeof pr->message, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof pr->message)
        utf8_trim(pr->message);
}

/* Minutes from due to at, rounded up (a second late is a minute late), and
 * capped: an agenda may put the item before a century after the visit. */
static int late_minutes(long long due, long long at)
{
    long long m = (at - due + 59) / 60;

    return m > INT_MAX ? INT_MAX : (int)m;
}

static void add_leg(struct tp_plan *p, enum tp_dir dir, int group, const struct tp_group_plan *gp,
                    const struct tp_use *u, long long from, long long to)
{
    struct tp_leg *l = &p->legs[p->nlegs++];

    l->dir = dir;
    l->group = group;
    l->option_id = gp->option_id;
    l->vehicle_id = u->vehicle_id;
    l->from_venue_id = from;
    l->to_venue_id = to;
    l->depart = dir == TP_OUT ? gp->out_depart : gp->back_depart;
    l->arrive = dir == TP_OUT ? gp->out_arrive : gp->back_arrive;
    l->npeople = u->load;
    l->people = u->people;
}

/* The problems of group i (rule 6), in their order. */
static void group_problems(struct tp_plan *p, const struct tp_slot *s, const struct tp_group *g,
                           int i, long long fleet_seats, int nv, int groups_riding)
{
    const struct tp_group_plan *gp = &p->groups[i];
    char gb[48], vb[48];
    const char *name = group_name(g, gb, sizeof gb);

    if (gp->ride_out && g->travel_out < 0)
        problem(p, "transport_travel_unknown", g, i, 0,
                "the travel time from %s to %s is not known: no ride is planned for the %d "
                "people going there", venue_name(s->prev_name, s->prev_venue_id, vb, sizeof vb),
                name, g->npeople);
    else if (gp->ride_out && gp->out_arrive > s->starts_at)
        problem(p, "transport_too_late", g, i, late_minutes(s->starts_at, gp->out_arrive),
                "the %d people going to %s arrive %d minute(s) late: the ride takes %d "
                "minute(s), but only %lld separate the item before from the visit",
                g->npeople, name, late_minutes(s->starts_at, gp->out_arrive), g->travel_out,
                s->starts_at > s->prev_ends_at ? (s->starts_at - s->prev_ends_at) / 60 : 0);
    if (gp->unseated > 0 && nv == 0)
        problem(p, "transport_seats_short", g, i, gp->unseated,
                "the %d people going to %s have no seat: no vehicles are listed for the %d "
                "people who need a ride", gp->riders, name, p->riders);
    else if (gp->unseated > 0 && fleet_seats < p->riders)
        problem(p, "transport_seats_short", g, i, gp->unseated,
                "%d of the %d people going to %s have no seat: the %d vehicle(s) have %lld "
                "seats for the %d people who need a ride", gp->unseated, gp->riders, name, nv,
                fleet_seats, p->riders);
    else if (gp->unseated > 0 && groups_riding > nv)
        problem(p, "transport_vehicles_short", g, i, gp->unseated,
                "%d of the %d people going to %s have no seat: %d groups travel at the same "
                "time and there are only %d vehicle(s), each of which carries one group",
                gp->unseated, gp->riders, name, groups_riding, nv);
    else if (gp->unseated > 0)
        problem(p, "transport_vehicles_short", g, i, gp->unseated,
                "%d of the %d people going to %s have no seat: the %lld seats would do, but "
                "a vehicle carries one group and the vehicles' sizes do not fit the groups",
                gp->unseated, gp->riders, name, fleet_seats);
    if (gp->ride_back && g->travel_back < 0)
        problem(p, "transport_travel_unknown", g, i, 0,
                "the travel time from %s to %s is not known: no ride back is planned for "
                "the %d people there", name,
                venue_name(s->next_name, s->next_venue_id, vb, sizeof vb), g->npeople);
    else if (gp->ride_back && gp->back_arrive > s->next_starts_at)
        problem(p, "transport_back_late", g, i, late_minutes(s->next_starts_at, gp->back_arrive),
                "the %d people coming back from %s arrive %d minute(s) after the next item "
                "starts: the ride takes %d minute(s)", g->npeople, name,
                late_minutes(s->next_starts_at, gp->back_arrive), g->travel_back);
}

/* Rule 2. */
static int ride_out(const struct tp_slot *s, const struct tp_group *g)
{
    return s->prev_venue_id != 0 && s->prev_venue_id != g->venue_id && g->travel_out != 0;
}

static int ride_back(const struct tp_slot *s, const struct tp_group *g)
{
    return s->next_venue_id != 0 && s->next_venue_id != g->venue_id && g->travel_back != 0;
}

int tp_plan_slot(const struct tp_slot *slot, const struct tp_group *g, int ng,
                 const struct tp_vehicle *v, int nv, struct tp_plan **out, char *err,
                 size_t errsz)
{
    int owner[TP_MAX_VEHICLES], riders[TP_MAX_GROUPS];
    int order[TP_MAX_VEHICLES], loaded[TP_MAX_VEHICLES];
    struct tp_plan *p = NULL;
    long long fleet_seats = 0, *people;
    size_t off_legs, off_use, off_groups, off_problems, off_people, size;
    int total = 0, exact, groups_riding = 0, nloaded = 0;

    if (out == NULL) {
        seterr(err, errsz, "no place for the plan");
        return -1;
    }
    *out = NULL;
    if (check_input(slot, g, ng, v, nv, &total, err, errsz) < 0)
        return -1;

    for (int i = 0; i < ng; i++) {
        riders[i] = ride_out(slot, &g[i]) || ride_back(slot, &g[i]) ? g[i].npeople : 0;
        groups_riding += riders[i] > 0;
    }
    for (int j = 0; j < nv; j++)
        fleet_seats += v[j].seats;
    if ((exact = assign_exact(riders, ng, v, nv, owner)) < 0) {
        seterr(err, errsz, "out of memory");
        return -1;
    }
    if (exact == 0)
        assign_greedy(riders, ng, v, nv, owner);

    off_legs = align_up(sizeof *p);
    off_use = off_legs + align_up((size_t)(2 * nv) * sizeof *p->legs);
    off_groups = off_use + align_up((size_t)nv * sizeof *p->use);
    off_problems = off_groups + align_up((size_t)ng * sizeof *p->groups);
    /* at most three problems a group: rule 6 */
    off_people = off_problems + align_up((size_t)(3 * ng) * sizeof *p->problems);
    size = off_people + (size_t)total * sizeof *people;
    if ((p = calloc(1, size)) == NULL) {
        seterr(err, errsz, "out of memory");
        return -1;
    }
    p->legs = (struct tp_leg *)((char *)p + off_legs);
    p->use = (struct tp_use *)((char *)p + off_use);
    p->groups = (struct tp_group_plan *)((char *)p + off_groups);
    p->problems = (struct tp_problem *)((char *)p + off_problems);
    people = (long long *)((char *)p + off_people);
    p->exact = exact;
    p->nuse = nv;
    p->ngroups = ng;

    for (int j = 0; j < nv; j++) {
        p->use[j].vehicle_id = v[j].id;
        p->use[j].seats = v[j].seats;
        p->use[j].group = -1;
    }
    for (int i = 0; i < ng; i++) {
        struct tp_group_plan *gp = &p->groups[i];
        int nveh = 0, placed = 0;

        gp->option_id = g[i].option_id;
        gp->riders = riders[i];
        if (riders[i] == 0)
            continue;
        gp->ride_out = ride_out(slot, &g[i]);
        gp->ride_back = ride_back(slot, &g[i]);
        if (gp->ride_out && g[i].travel_out > 0) {
            gp->out_depart = slot->starts_at - g[i].travel_out * 60LL;
            if (gp->out_depart < slot->prev_ends_at)
                gp->out_depart = slot->prev_ends_at;
            gp->out_arrive = gp->out_depart + g[i].travel_out * 60LL;
        }
        if (gp->ride_back && g[i].travel_back > 0) {
            gp->back_depart = slot->ends_at;
            gp->back_arrive = slot->ends_at + g[i].travel_back * 60LL;
        }
        /* Rule 5: the group's vehicles, largest first, list order on ties. */
        for (int j = 0; j < nv; j++) {
            int k = nveh;

            if (owner[j] != i)
                continue;
            while (k > 0 && v[order[k - 1]].seats < v[j].seats) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = j;
            nveh++;
        }
        for (int k = 0; k < nveh && placed < riders[i]; k++) {
            struct tp_use *u = &p->use[order[k]];

            u->group = i;
            u->option_id = g[i].option_id;
            u->load = riders[i] - placed < u->seats ? riders[i] - placed : u->seats;
            u->out = gp->ride_out ? u->load : 0;
            u->back = gp->ride_back ? u->load : 0;
            u->people = people;
            memcpy(people, g[i].people + placed, (size_t)u->load * sizeof *people);
            people += u->load;
            placed += u->load;
            gp->nvehicles++;
            loaded[nloaded++] = order[k];
        }
        gp->seated = placed;
        gp->unseated = riders[i] - placed;
        p->riders += riders[i];
        p->seated += placed;
        p->unseated += gp->unseated;
        p->vehicles_used += gp->nvehicles;
    }

    /* Legs: out, then back; each way in loading order, which is by group. */
    for (int dir = TP_OUT; dir <= TP_BACK; dir++)
        for (int k = 0; k < nloaded; k++) {
            const struct tp_use *u = &p->use[loaded[k]];
            const struct tp_group_plan *gp = &p->groups[u->group];

            if (dir == TP_OUT && gp->out_arrive != 0)
                add_leg(p, TP_OUT, u->group, gp, u, slot->prev_venue_id, g[u->group].venue_id);
            else if (dir == TP_BACK && gp->back_arrive != 0)
                add_leg(p, TP_BACK, u->group, gp, u, g[u->group].venue_id, slot->next_venue_id);
        }
    for (int i = 0; i < ng; i++)
        if (riders[i] > 0)
            group_problems(p, slot, &g[i], i, fleet_seats, nv, groups_riding);
    *out = p;
    return 0;
}

void tp_plan_free(struct tp_plan *plan)
{
    free(plan);
}
