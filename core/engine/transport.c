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
 * Only when that leaves people without a seat do groups share vehicles
 * (rule 4 ranks one group per vehicle first among plans that seat as many).
 * Then the search is over routes: every set of up to TP_MAX_STOPS riding
 * groups that can share a route is timed once (rule 3), every combination
 * of routes over the vehicles is tried (again counting vehicles of the same
 * seats as one kind: a multiset of routes per kind), and the seats go to
 * the groups by a min-cost max-flow (vehicles -> groups of their route,
 * the cost of a seat being the minutes the route makes that person late).
 * A route stops only where someone gets off, so every stop first gets one
 * person (a lower bound of 1, taken off the capacities before the flow).
 *
 * Must never: put a person on two vehicles, more people in a vehicle than
 * its seats, more than TP_MAX_STOPS groups on a route; or depend on
 * anything but the input. */
#include "transport.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_msg.h"

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

    if (s == NULL || g == NULL)
        return eng_msgf(err, errsz, "no slot or no groups given");
    if (ng < 1 || ng > TP_MAX_GROUPS)
        return eng_msgf(err, errsz, "%d groups: a slot has 1 to %d", ng, TP_MAX_GROUPS);
    if (nv < 0 || nv > TP_MAX_VEHICLES || (nv > 0 && v == NULL))
        return eng_msgf(err, errsz, "%d vehicles: a plan takes 0 to %d", nv, TP_MAX_VEHICLES);
    if (bad_time(s->starts_at) || bad_time(s->ends_at) || bad_time(s->prev_ends_at) ||
        bad_time(s->next_starts_at))
        return eng_msgf(err, errsz, "a time is out of range (0 to %lld seconds)", TP_MAX_TIME);
    if (s->ends_at < s->starts_at)
        return eng_msgf(err, errsz, "the visit ends before it starts");
    if (s->prev_venue_id < 0 || s->next_venue_id < 0)
        return eng_msgf(err, errsz, "a venue id is negative");
    for (int j = 0; j < nv; j++) {
        if (v[j].id <= 0)
            return eng_msgf(err, errsz, "vehicle %d: the id must be positive", j + 1);
        if (v[j].seats < 1 || v[j].seats > TP_MAX_SEATS)
            return eng_msgf(err, errsz, "vehicle %lld: %d seats (1 to %d)", v[j].id, v[j].seats,
                            TP_MAX_SEATS);
        for (int k = 0; k < j; k++)
            if (v[k].id == v[j].id)
                return eng_msgf(err, errsz, "vehicle %lld is listed twice", v[j].id);
    }
    for (int i = 0; i < ng; i++) {
        if (g[i].option_id <= 0 || g[i].venue_id <= 0)
            return eng_msgf(err, errsz, "group %d: option and venue ids must be positive", i + 1);
        for (int k = 0; k < i; k++)
            if (g[k].option_id == g[i].option_id)
                return eng_msgf(err, errsz, "option %lld is listed twice", g[i].option_id);
        for (int k = 0; g[i].travel_to != NULL && k < ng; k++)
            if (k != i && bad_travel(g[i].travel_to[k]))
                return eng_msgf(err, errsz, "option %lld: the travel time to option %lld must "
                                "be -1 (unknown) or 0 to %d minutes", g[i].option_id,
                                g[k].option_id, TP_MAX_TRAVEL);
        if (bad_travel(g[i].travel_out) || bad_travel(g[i].travel_back))
            return eng_msgf(err, errsz, "option %lld: a travel time must be -1 (unknown) or 0 "
                            "to %d minutes", g[i].option_id, TP_MAX_TRAVEL);
        if (g[i].npeople < 0 || g[i].npeople > TP_MAX_PEOPLE - n ||
            (g[i].npeople > 0 && g[i].people == NULL))
            return eng_msgf(err, errsz, "option %lld: bad list of people (at most %d in a slot)",
                            g[i].option_id, TP_MAX_PEOPLE);
        n += g[i].npeople;
    }
    /* Nobody in two groups: a person is on one vehicle each way. */
    if (n > 0 && (ids = malloc((size_t)n * sizeof *ids)) == NULL)
        return eng_msgf(err, errsz, "out of memory");
    for (int i = 0, k = 0; i < ng; i++)
        for (int p = 0; p < g[i].npeople; p++)
            ids[k++] = g[i].people[p];
    if (n > 0)
        qsort(ids, (size_t)n, sizeof *ids, cmp_ll);
    for (int k = 0; k < n; k++) {
        if (ids[k] <= 0) {
            eng_msgf(err, errsz, "registration ids must be positive");
            goto out;
        }
        if (k > 0 && ids[k] == ids[k - 1]) {
            eng_msgf(err, errsz, "registration %lld is listed twice", ids[k]);
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

/* The seats and the vehicle part of the key (rule 4) of every vector of
 * counts up to cnt[] (nt seat counts of size[] seats), by mixed-radix index:
 * what each group's step of the exact search adds. */
static void vector_keys(const int *size, const int *cnt, int nt, long long nstates, int *seats,
                        long long *vkey)
{
    int s[TP_MAX_VEHICLES] = {0}, sum = 0, veh = 0;

    for (long long idx = 0; idx < nstates; idx++) {
        seats[idx] = sum;
        vkey[idx] = KEY(0, veh, sum);
        for (int t = 0; t < nt; t++) {  /* s = the vector of idx + 1 */
            if (s[t] < cnt[t]) {
                s[t]++, veh++, sum += size[t];
                break;
            }
            veh -= s[t], sum -= s[t] * size[t];
            s[t] = 0;
        }
    }
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

    vector_keys(size, cnt, nt, nstates, seats, vkey);
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

/* ---- rule 3: routes ------------------------------------------------------ */

struct ctx {                  /* what every route needs to know */
    const struct tp_slot *s;
    const struct tp_group *g;
    int ng;
    int out[TP_MAX_GROUPS], back[TP_MAX_GROUPS];  /* rule 2 */
    int riders[TP_MAX_GROUPS];
};

struct route {
    int n;                                /* stops; 0: the vehicle is unused */
    int grp[TP_MAX_STOPS];                /* groups: the stops out in their order,
                                             then those that ride back only */
    int nout, nback;                      /* stops each way */
    int bk[TP_MAX_STOPS];                 /* the stops back in order, as indices
                                             into grp */
    long long depart, arrive[TP_MAX_STOPS];      /* out, by stop; 0: not timed */
    long long pickup[TP_MAX_STOPS], back_arrive; /* back, by stop; 0: not timed */
    long long extra[TP_MAX_STOPS];        /* rule 4 (2): minutes a person of the stop
                                             arrives later than by a direct ride */
    int minutes;                          /* driven, both ways */
};

struct vroute {               /* a vehicle's route and people per stop */
    struct route r;
    int cnt[TP_MAX_STOPS];
};

static const int PERMS[6][TP_MAX_STOPS] = {
    {0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}
};

/* Minutes between the venues of groups a and b; -1 unknown. */
static int between(const struct tp_group *g, int a, int b)
{
    if (g[a].venue_id == g[b].venue_id)
        return 0;
    return g[a].travel_to == NULL ? -1 : g[a].travel_to[b];
}

static long long later(long long a, long long b) { return a > b ? a : b; }

/* Minutes from due to at, rounded up (a second late is a minute late), and
 * capped: an agenda may put the item before a century after the visit. */
static int late_minutes(long long due, long long at)
{
    long long m = (at - due + 59) / 60;

    return m > INT_MAX ? INT_MAX : (int)m;
}

/* The route of group i alone: rule 3's direct ride. */
static void route_single(const struct ctx *c, int i, struct route *r)
{
    const struct tp_slot *s = c->s;
    const struct tp_group *g = &c->g[i];

    memset(r, 0, sizeof *r);
    r->n = 1;
    r->grp[0] = i;
    r->nout = c->out[i];
    r->nback = c->back[i];
    if (c->out[i] && g->travel_out > 0) {
        r->depart = later(s->starts_at - g->travel_out * 60LL, s->prev_ends_at);
        r->arrive[0] = r->depart + g->travel_out * 60LL;
        r->minutes += g->travel_out;
    }
    if (c->back[i] && g->travel_back > 0) {
        r->pickup[0] = s->ends_at;
        r->back_arrive = s->ends_at + g->travel_back * 60LL;
        r->minutes += g->travel_back;
    }
}

/* The orders of n <= TP_MAX_STOPS items, lexicographic, into perms;
 * returns how many. */
static int orders(int n, int perms[6][TP_MAX_STOPS])
{
    int np = 0;

    for (int p = 0; p < 6; p++)
        if ((n == 3 || PERMS[p][2] == 2) && (n >= 2 || PERMS[p][1] == 1))
            memcpy(perms[np++], PERMS[p], sizeof perms[0]);
    return np;
}

/* Rule 3, the way out of a shared route: the order of the stops o[0..no-1]
 * that takes the fewest minutes, the first on ties, into order[].  Returns
 * those minutes, or -1 when no order has known travel all the way. */
static int route_order_out(const struct ctx *c, const int *o, int no, int *order)
{
    const struct tp_group *g = c->g;
    int perms[6][TP_MAX_STOPS], np = orders(no, perms), best = -1, best_min = INT_MAX;

    for (int p = 0; p < np; p++) {
        const int *q = perms[p];
        int t = g[o[q[0]]].travel_out, ok = t > 0;

        for (int k = 1; ok && k < no; k++) {
            int b = between(g, o[q[k - 1]], o[q[k]]);

            ok = b >= 0;
            t += b;
        }
        if (ok && t < best_min)
            best = p, best_min = t;
    }
    if (best < 0)
        return -1;
    for (int k = 0; k < no; k++)
        order[k] = o[perms[best][k]];
    return best_min;
}

/* Rule 3, the way out timed: it leaves so that its last stop is reached by
 * starts_at (minutes before), never before prev_ends_at; the earlier stops
 * on the way. */
static void route_time_out(const struct ctx *c, struct route *r, int minutes)
{
    const struct tp_slot *s = c->s;
    const struct tp_group *g = c->g;
    long long at = r->depart = later(s->starts_at - minutes * 60LL, s->prev_ends_at);

    r->arrive[0] = at += g[r->grp[0]].travel_out * 60LL;
    for (int k = 1; k < r->nout; k++)
        r->arrive[k] = at += between(g, r->grp[k - 1], r->grp[k]) * 60LL;
    r->minutes += minutes;
}

/* Rule 3, the way back of a shared route: of the orders of the pick-ups
 * (the reverse of the way out first, then every order), the one that
 * reaches the next venue soonest, then the shortest; its first pick-up is
 * at ends_at, or when the vehicle can be there from its last stop out.
 * Returns 0 when no order has known travel all the way. */
static int route_back(const struct ctx *c, struct route *r)
{
    const struct tp_slot *s = c->s;
    const struct tp_group *g = c->g;
    int perms[6][TP_MAX_STOPS], np, no = r->nout, best_min = INT_MAX;
    int bpos[TP_MAX_STOPS], nb = 0, cand[7][TP_MAX_STOPS] = {{0}}, nc = 1, found = -1;
    long long first_at = 0, best_arr = LLONG_MAX;

    for (int k = 0; k < r->n; k++)
        if (c->back[r->grp[k]])
            bpos[nb++] = k;
    if (nb == 0)
        return 1;
    for (int k = 0; k < nb; k++)
        cand[0][k] = bpos[nb - 1 - k];
    np = orders(nb, perms);
    for (int p = 0; p < np; p++, nc++)
        for (int k = 0; k < nb; k++)
            cand[nc][k] = bpos[perms[p][k]];
    for (int k = 0; k < nc; k++) {
        const int *q = cand[k];
        int t = g[r->grp[q[nb - 1]]].travel_back, ok = t > 0;
        long long first = s->ends_at, arr;

        for (int m = 1; ok && m < nb; m++) {
            int b = between(g, r->grp[q[m - 1]], r->grp[q[m]]);

            ok = b >= 0;
            t += b;
        }
        if (ok && no > 0) {  /* from its last stop out to its first pick-up */
            int b = between(g, r->grp[no - 1], r->grp[q[0]]);

            ok = b >= 0;
            if (ok)
                first = later(first, r->arrive[no - 1] + b * 60LL);
        }
        if (!ok)
            continue;
        arr = first + t * 60LL;
        if (arr < best_arr || (arr == best_arr && t < best_min))
            found = k, best_arr = arr, best_min = t, first_at = first;
    }
    if (found < 0)
        return 0;
    r->nback = nb;
    memcpy(r->bk, cand[found], sizeof r->bk);
    r->pickup[r->bk[0]] = first_at;
    for (int m = 1; m < nb; m++)
        r->pickup[r->bk[m]] = r->pickup[r->bk[m - 1]] +
                              between(g, r->grp[r->bk[m - 1]], r->grp[r->bk[m]]) * 60LL;
    r->back_arrive = best_arr;
    r->minutes += best_min;
    return 1;
}

/* Rule 4 (2): the minutes each stop's people arrive later, out and back,
 * than their own group's direct ride would bring them (or than due, if
 * that is later still). */
static void route_lateness(const struct ctx *c, struct route *r)
{
    const struct tp_slot *s = c->s;

    for (int k = 0; k < r->n; k++) {
        struct route d;
        long long x = 0;

        route_single(c, r->grp[k], &d);
        if (k < r->nout && r->arrive[k] > later(d.arrive[0], s->starts_at))
            x += late_minutes(later(d.arrive[0], s->starts_at), r->arrive[k]);
        if (c->back[r->grp[k]] && r->back_arrive > later(d.back_arrive, s->next_starts_at))
            x += late_minutes(later(d.back_arrive, s->next_starts_at), r->back_arrive);
        r->extra[k] = x;
    }
}

/* Times the route of the n >= 2 groups set[] (ascending) per rule 3: out
 * to those that ride out, back from those that ride back.  Returns 0 when
 * they cannot share a route. */
static int route_multi(const struct ctx *c, const int *set, int n, struct route *r)
{
    int o[TP_MAX_STOPS], no = 0, minutes = 0;

    memset(r, 0, sizeof *r);
    r->n = n;
    for (int k = 0; k < n; k++)
        if (c->out[set[k]])
            o[no++] = set[k];
    /* grp: the stops out in their order, then the groups that ride back only */
    if (no > 0 && (minutes = route_order_out(c, o, no, r->grp)) < 0)
        return 0;
    r->nout = no;
    for (int k = 0, m = no; k < n; k++)
        if (!c->out[set[k]])
            r->grp[m++] = set[k];
    if (no > 0)
        route_time_out(c, r, minutes);
    if (!route_back(c, r))
        return 0;
    route_lateness(c, r);
    return 1;
}

/* ---- rule 4: routes when one group per vehicle leaves people out --------- */

struct key {                  /* rule 4's goals, in order */
    long long unseated, late, multi, vehicles, seats, minutes;
};

static int key_less(const struct key *a, const struct key *b)
{
    const long long x[6] = {a->unseated, a->late, a->multi, a->vehicles, a->seats, a->minutes};
    const long long y[6] = {b->unseated, b->late, b->multi, b->vehicles, b->seats, b->minutes};

    for (int k = 0; k < 6; k++)
        if (x[k] != y[k])
            return x[k] < y[k];
    return 0;
}

#define FLOW_NODES (TP_MAX_VEHICLES + TP_MAX_GROUPS + 2)
#define FLOW_EDGES (2 * (TP_MAX_VEHICLES * (TP_MAX_STOPS + 1) + TP_MAX_GROUPS))

struct search {
    const struct ctx *c;
    const struct tp_vehicle *v;
    int nv;
    struct route *routes;     /* the possible routes; index nr: none */
    int nr;
    int perm[TP_MAX_VEHICLES];   /* vehicles by seat count met first, then list order */
    int choice[TP_MAX_VEHICLES], best[TP_MAX_VEHICLES];
    struct key best_key;
    int found;
    /* the flow: an edge e and its reverse e ^ 1 */
    int ne, head[FLOW_NODES], nxt[FLOW_EDGES], to[FLOW_EDGES];
    long long cap[FLOW_EDGES], cost[FLOW_EDGES];
    long long dist[FLOW_NODES];
    int pe[FLOW_NODES], queue[FLOW_NODES], inq[FLOW_NODES];
    int edge_of[TP_MAX_VEHICLES][TP_MAX_STOPS];
};

static int add_edge(struct search *S, int a, int b, long long cap, long long cost)
{
    int e = S->ne;

    S->to[e] = b, S->cap[e] = cap, S->cost[e] = cost, S->nxt[e] = S->head[a], S->head[a] = e;
    S->to[e + 1] = a, S->cap[e + 1] = 0, S->cost[e + 1] = -cost;
    S->nxt[e + 1] = S->head[b], S->head[b] = e + 1;
    S->ne += 2;
    return e;
}

/* Min-cost max-flow from 0 to sink by shortest augmenting paths (the costs
 * are small and the graph has no negative cycle). */
static long long min_cost_flow(struct search *S, int nn, int sink, long long *total)
{
    long long flow = 0;

    *total = 0;
    for (;;) {
        int qh = 0, qn = 0;
        long long f = LLONG_MAX;

        for (int x = 0; x < nn; x++)
            S->dist[x] = LLONG_MAX, S->pe[x] = -1, S->inq[x] = 0;
        S->dist[0] = 0;
        S->queue[qn++] = 0;
        S->inq[0] = 1;
        while (qn > 0) {  /* a ring of nn: a node is queued at most once */
            int x = S->queue[qh];

            qh = (qh + 1) % nn, qn--;
            S->inq[x] = 0;
            for (int e = S->head[x]; e >= 0; e = S->nxt[e]) {
                int y = S->to[e];

                if (S->cap[e] > 0 && S->dist[x] + S->cost[e] < S->dist[y]) {
                    S->dist[y] = S->dist[x] + S->cost[e];
                    S->pe[y] = e;
                    if (!S->inq[y]) {
                        S->queue[(qh + qn++) % nn] = y;
                        S->inq[y] = 1;
                    }
                }
            }
        }
        if (S->dist[sink] == LLONG_MAX)
            return flow;
        for (int y = sink; y != 0; y = S->to[S->pe[y] ^ 1])
            if (S->cap[S->pe[y]] < f)
                f = S->cap[S->pe[y]];
        for (int y = sink; y != 0; y = S->to[S->pe[y] ^ 1]) {
            S->cap[S->pe[y]] -= f;
            S->cap[S->pe[y] ^ 1] += f;
        }
        flow += f;
        *total += f * S->dist[sink];
    }
}

/* The key of the routes S->choice (by S->perm); 0 when a stop cannot get a
 * person.  vr, when not NULL, gets the routes and people per stop. */
static int eval_combo(struct search *S, const int *choice, struct key *k, struct vroute *vr)
{
    const struct ctx *c = S->c;
    int dem[TP_MAX_GROUPS], nn = S->nv + c->ng + 2, sink = nn - 1;
    long long pre = 0, total = 0, flow, cost;

    memset(k, 0, sizeof *k);
    memcpy(dem, c->riders, (size_t)c->ng * sizeof *dem);
    for (int i = 0; i < c->ng; i++)
        total += c->riders[i];
    S->ne = 0;
    for (int x = 0; x < nn; x++)
        S->head[x] = -1;
    for (int p = 0; p < S->nv; p++) {
        const struct route *r;
        int j = S->perm[p];

        if (choice[p] == S->nr)
            continue;
        r = &S->routes[choice[p]];
        if (S->v[j].seats < r->n)
            return 0;
        for (int t = 0; t < r->n; t++) {  /* the lower bound: one person a stop */
            if (--dem[r->grp[t]] < 0)
                return 0;
            k->late += r->extra[t];
            pre++;
        }
        k->vehicles++;
        k->multi += r->n > 1;
        k->seats += S->v[j].seats;
        k->minutes += r->n > 1 ? r->minutes : 0;
        add_edge(S, 0, 1 + p, S->v[j].seats - r->n, 0);
        for (int t = 0; t < r->n; t++)
            S->edge_of[p][t] = add_edge(S, 1 + p, 1 + S->nv + r->grp[t], LLONG_MAX / 4,
                                        r->extra[t]);
    }
    for (int i = 0; i < c->ng; i++)
        if (dem[i] > 0)
            add_edge(S, 1 + S->nv + i, sink, dem[i], 0);
    flow = min_cost_flow(S, nn, sink, &cost);
    k->unseated = total - pre - flow;
    k->late += cost;
    for (int p = 0; vr != NULL && p < S->nv; p++) {
        struct vroute *w = &vr[S->perm[p]];

        memset(w, 0, sizeof *w);
        if (choice[p] == S->nr)
            continue;
        w->r = S->routes[choice[p]];
        for (int t = 0; t < w->r.n; t++)
            w->cnt[t] = 1 + (int)S->cap[S->edge_of[p][t] ^ 1];
    }
    return 1;
}

/* Every multiset of routes per seat count; vehicles of one seat count take
 * routes in nondecreasing index, so each multiset is met once. */
static void enumerate(struct search *S, int p)
{
    struct key k;

    if (p == S->nv) {
        if (eval_combo(S, S->choice, &k, NULL) && (!S->found || key_less(&k, &S->best_key))) {
            S->best_key = k;
            S->found = 1;
            memcpy(S->best, S->choice, (size_t)S->nv * sizeof *S->best);
        }
        return;
    }
    for (int ch = p > 0 && S->v[S->perm[p]].seats == S->v[S->perm[p - 1]].seats
                      ? S->choice[p - 1] : 0;
         ch <= S->nr; ch++) {
        S->choice[p] = ch;
        enumerate(S, p + 1);
    }
}

/* The routes of up to TP_MAX_STOPS riding groups: singles, then pairs,
 * then triples, each in the groups' order.  *multi gets how many have
 * several stops. */
static int list_routes(const struct ctx *c, struct route *out, int *multi)
{
    int rg[TP_MAX_GROUPS], n = 0, nr = 0;

    *multi = 0;
    for (int i = 0; i < c->ng; i++)
        if (c->riders[i] > 0)
            rg[n++] = i;
    for (int a = 0; a < n; a++)
        route_single(c, rg[a], &out[nr++]);
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++)
            if (route_multi(c, (const int[]){rg[a], rg[b]}, 2, &out[nr]))
                nr++, ++*multi;
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++)
            for (int d = b + 1; d < n; d++)
                if (route_multi(c, (const int[]){rg[a], rg[b], rg[d]}, 3, &out[nr]))
                    nr++, ++*multi;
    return nr;
}

/* Whether any riding groups can share a route. */
static int any_multi(const struct ctx *c)
{
    struct route r;

    for (int a = 0; a < c->ng; a++)
        for (int b = a + 1; c->riders[a] > 0 && b < c->ng; b++) {
            if (c->riders[b] == 0)
                continue;
            if (route_multi(c, (const int[]){a, b}, 2, &r))
                return 1;
            for (int d = b + 1; d < c->ng; d++)
                if (c->riders[d] > 0 && route_multi(c, (const int[]){a, b, d}, 3, &r))
                    return 1;
        }
    return 0;
}

/* Combinations the search would try; capped a little over the budget. */
static long long combos(const struct tp_vehicle *v, int nv, int nr)
{
    int seen[TP_MAX_VEHICLES] = {0};
    double n = 1;

    for (int j = 0; j < nv; j++) {
        int cnt = 0;

        if (seen[j])
            continue;
        for (int k = j; k < nv; k++)
            if (v[k].seats == v[j].seats)
                seen[k] = 1, cnt++;
        for (int t = 1; t <= cnt && n <= TP_ROUTE_COMBOS; t++)
            n = n * (nr + t) / t;  /* C(nr + cnt, cnt): nr routes and none */
    }
    return n > TP_ROUTE_COMBOS ? TP_ROUTE_COMBOS + 1 : (long long)(n + 0.5);
}

/* The exact search over routes.  Returns 1 and fills vr when it ran, 0 when
 * it is too large, -1 when memory runs out. */
static int routes_exact(const struct ctx *c, const struct tp_vehicle *v, int nv,
                        struct vroute *vr)
{
    struct search *S = NULL;
    struct route *routes = NULL;
    int nriding = 0, multi, rc = -1, np = 0;

    for (int i = 0; i < c->ng; i++)
        nriding += c->riders[i] > 0;
    if (nriding > TP_ROUTE_GROUPS)
        return 0;
    /* at most n + C(n,2) + C(n,3) routes */
    routes = malloc((size_t)(nriding + nriding * nriding * nriding) * sizeof *routes + 1);
    S = calloc(1, sizeof *S);
    if (routes == NULL || S == NULL)
        goto out;
    S->c = c;
    S->v = v;
    S->nv = nv;
    S->routes = routes;
    S->nr = list_routes(c, routes, &multi);
    rc = 0;
    if (combos(v, nv, S->nr) > TP_ROUTE_COMBOS)
        goto out;
    for (int j = 0; j < nv; j++) {  /* seat counts in the order met */
        int first = 1;

        for (int k = 0; k < j; k++)
            first &= v[k].seats != v[j].seats;
        for (int k = j; first && k < nv; k++)
            if (v[k].seats == v[j].seats)
                S->perm[np++] = k;
    }
    enumerate(S, 0);
    if (S->found) {
        struct key k;

        eval_combo(S, S->best, &k, vr);
        rc = 1;
    }
out:
    free(S);
    free(routes);
    return rc;
}

/* The greedy rule for routes: each group short of seats, in the order
 * given, becomes a further stop of the vehicle with free seats that makes
 * people least late, then has the most free seats, then comes first. */
static void routes_greedy(const struct ctx *c, const struct tp_vehicle *v, int nv,
                          struct vroute *vr, int *seated)
{
    for (int i = 0; i < c->ng; i++)
        while (seated[i] < c->riders[i]) {
            struct vroute cand, best;
            long long best_late = 0;
            int best_j = -1, best_free = 0;

            for (int j = 0; j < nv; j++) {
                const struct vroute *w = &vr[j];
                int set[TP_MAX_STOPS], n = 0, load = 0, on = 0, add;
                long long late_before = 0, late_after = 0;

                for (int t = 0; t < w->r.n; t++) {
                    load += w->cnt[t];
                    late_before += w->r.extra[t] * w->cnt[t];
                    on |= w->r.grp[t] == i;
                }
                if (w->r.n == 0 || w->r.n == TP_MAX_STOPS || on || load >= v[j].seats)
                    continue;
                add = v[j].seats - load < c->riders[i] - seated[i]
                      ? v[j].seats - load : c->riders[i] - seated[i];
                for (int t = 0; t < w->r.n; t++)  /* its groups and i, ascending */
                    set[n++] = w->r.grp[t];
                set[n++] = i;
                for (int a = n - 1; a > 0 && set[a - 1] > set[a]; a--) {
                    int x = set[a];

                    set[a] = set[a - 1];
                    set[a - 1] = x;
                }
                if (!route_multi(c, set, n, &cand.r))
                    continue;
                for (int t = 0; t < n; t++) {
                    cand.cnt[t] = add;
                    for (int u = 0; u < w->r.n; u++)
                        if (w->r.grp[u] == cand.r.grp[t])
                            cand.cnt[t] = w->cnt[u];
                    late_after += cand.r.extra[t] * cand.cnt[t];
                }
                if (best_j < 0 || late_after - late_before < best_late ||
                    (late_after - late_before == best_late && v[j].seats - load > best_free)) {
                    best = cand;
                    best_j = j;
                    best_late = late_after - late_before;
                    best_free = v[j].seats - load;
                }
            }
            if (best_j < 0)
                break;
            for (int t = 0; t < best.r.n; t++)
                if (best.r.grp[t] == i)
                    seated[i] += best.cnt[t];
            vr[best_j] = best;
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

/* The problems of group i (rule 6), in their order.  ride_out and ride_back
 * are the longest rides of its people, in minutes; late_out how many of
 * them arrive late (a shared route may bring only some late). */
static void group_problems(struct tp_plan *p, const struct tp_slot *s, const struct tp_group *g,
                           int i, long long fleet_seats, int nv, int groups_riding,
                           int ride_out, int ride_back, int late_out)
{
    const struct tp_group_plan *gp = &p->groups[i];
    char gb[48], vb[48];
    const char *name = group_name(g, gb, sizeof gb);

    if (gp->ride_out && g->travel_out < 0)
        problem(p, "transport_travel_unknown", g, i, 0,
                "the travel time from %s to %s is not known: no ride is planned for the %d "
                "people going there", venue_name(s->prev_name, s->prev_venue_id, vb, sizeof vb),
                name, g->npeople);
    else if (gp->ride_out && gp->out_arrive > s->starts_at && late_out > 0 &&
             late_out < g->npeople)
        problem(p, "transport_too_late", g, i, late_minutes(s->starts_at, gp->out_arrive),
                "%d of the %d people going to %s arrive up to %d minute(s) late: their "
                "vehicle's route takes %d minute(s), but only %lld separate the item before "
                "from the visit", late_out, g->npeople, name,
                late_minutes(s->starts_at, gp->out_arrive), ride_out,
                s->starts_at > s->prev_ends_at ? (s->starts_at - s->prev_ends_at) / 60 : 0);
    else if (gp->ride_out && gp->out_arrive > s->starts_at)
        problem(p, "transport_too_late", g, i, late_minutes(s->starts_at, gp->out_arrive),
                "the %d people going to %s arrive %d minute(s) late: the ride takes %d "
                "minute(s), but only %lld separate the item before from the visit",
                g->npeople, name, late_minutes(s->starts_at, gp->out_arrive), ride_out,
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
    else if (gp->unseated > 0)
        problem(p, "transport_vehicles_short", g, i, gp->unseated,
                "%d of the %d people going to %s have no seat: the %lld seats would do, but "
                "the sizes do not fit the %d groups: a vehicle serves at most %d groups, "
                "and only groups whose venues have known travel times between them",
                gp->unseated, gp->riders, name, fleet_seats, groups_riding, TP_MAX_STOPS);
    if (gp->ride_back && g->travel_back < 0)
        problem(p, "transport_travel_unknown", g, i, 0,
                "the travel time from %s to %s is not known: no ride back is planned for "
                "the %d people there", name,
                venue_name(s->next_name, s->next_venue_id, vb, sizeof vb), g->npeople);
    else if (gp->ride_back && gp->back_arrive > s->next_starts_at)
        problem(p, "transport_back_late", g, i, late_minutes(s->next_starts_at, gp->back_arrive),
                "the %d people coming back from %s arrive %d minute(s) after the next item "
                "starts: the ride takes %d minute(s)", g->npeople, name,
                late_minutes(s->next_starts_at, gp->back_arrive), ride_back);
}

/* ---- tp_plan_slot, step by step ------------------------------------------ */

/* Rule 2: a group rides out unless it starts at its own venue (or travel_out is 0). */
static int ride_out(const struct tp_slot *s, const struct tp_group *g)
{
    return s->prev_venue_id != 0 && s->prev_venue_id != g->venue_id && g->travel_out != 0;
}

/* Rule 2: a group rides back unless the next item is at its venue (or travel_back is 0). */
static int ride_back(const struct tp_slot *s, const struct tp_group *g)
{
    return s->next_venue_id != 0 && s->next_venue_id != g->venue_id && g->travel_back != 0;
}

/* Rule 2 for every group: who rides which way, into c; returns how many groups ride. */
static int plan_rides(struct ctx *c, const struct tp_slot *slot, const struct tp_group *g, int ng)
{
    int riding = 0;

    memset(c, 0, sizeof *c);
    c->s = slot;
    c->g = g;
    c->ng = ng;
    for (int i = 0; i < ng; i++) {
        c->out[i] = ride_out(slot, &g[i]);
        c->back[i] = ride_back(slot, &g[i]);
        c->riders[i] = c->out[i] || c->back[i] ? g[i].npeople : 0;
        riding += c->riders[i] > 0;
    }
    return riding;
}

/* Puts vehicle j into order[0..n-1] largest first, after those of as many
 * seats (rule 5: list order on ties); returns n + 1. */
static int insert_largest_first(const struct tp_vehicle *v, int *order, int n, int j)
{
    int k = n;

    while (k > 0 && v[order[k - 1]].seats < v[j].seats) {
        order[k] = order[k - 1];
        k--;
    }
    order[k] = j;
    return n + 1;
}

/* One group per vehicle (rule 4) as routes: each group's vehicles filled
 * largest first. */
static void single_routes(const struct ctx *c, const struct tp_vehicle *v, int nv,
                          const int *owner, struct vroute *vr, int *seated)
{
    memset(vr, 0, (size_t)nv * sizeof *vr);
    for (int i = 0; i < c->ng; i++) {
        int order[TP_MAX_VEHICLES], nveh = 0;

        seated[i] = 0;
        for (int j = 0; j < nv; j++)
            if (owner[j] == i)
                nveh = insert_largest_first(v, order, nveh, j);
        for (int k = 0; k < nveh && seated[i] < c->riders[i]; k++) {
            struct vroute *w = &vr[order[k]];

            route_single(c, i, &w->r);
            w->cnt[0] = c->riders[i] - seated[i] < v[order[k]].seats
                        ? c->riders[i] - seated[i] : v[order[k]].seats;
            seated[i] += w->cnt[0];
        }
    }
}

/* Rule 4 first tries one group per vehicle: the exact search, or the greedy
 * rule when the fleet is too varied for it.  Returns 1 (exact), 0 (greedy)
 * or -1 when memory runs out. */
static int assign_single(const struct ctx *c, const struct tp_vehicle *v, int nv,
                         struct vroute *vr, int *seated)
{
    int owner[TP_MAX_VEHICLES];
    int exact = assign_exact(c->riders, c->ng, v, nv, owner);

    if (exact < 0)
        return -1;
    if (exact == 0)
        assign_greedy(c->riders, c->ng, v, nv, owner);
    single_routes(c, v, nv, owner, vr, seated);
    return exact;
}

/* The people the routes vr seat, in all. */
static int seats_taken(const struct vroute *vr, int nv)
{
    int n = 0;

    for (int j = 0; j < nv; j++)
        for (int t = 0; t < vr[j].r.n; t++)
            n += vr[j].cnt[t];
    return n;
}

/* Rule 4 when one group per vehicle leaves people out: routes shared by
 * several groups replace it only if they seat more (the exact search), or
 * take the people left by the greedy rule when the search is too large,
 * and then the plan is not exact.  Returns exact so updated, -1 when memory
 * runs out. */
static int share_routes(const struct ctx *c, const struct tp_vehicle *v, int nv,
                        struct vroute *vr, int *seated, int exact)
{
    struct vroute *alt = calloc((size_t)nv, sizeof *alt);
    int r = alt == NULL ? -1 : routes_exact(c, v, nv, alt), single_seated = 0;

    for (int i = 0; i < c->ng; i++)
        single_seated += seated[i];
    if (r == 1 && seats_taken(alt, nv) > single_seated) {
        memcpy(vr, alt, (size_t)nv * sizeof *vr);
        memset(seated, 0, TP_MAX_GROUPS * sizeof *seated);
        for (int j = 0; j < nv; j++)
            for (int t = 0; t < vr[j].r.n; t++)
                seated[vr[j].r.grp[t]] += vr[j].cnt[t];
    } else if (r == 0) {
        routes_greedy(c, v, nv, vr, seated);
        exact = 0;
    }
    free(alt);
    return r < 0 ? -1 : exact;
}

/* Rule 4: the routes of the vehicles and the people they seat, by group;
 * groups share vehicles only when that seats more.  Returns plan->exact,
 * -1 when memory runs out. */
static int plan_vehicles(const struct ctx *c, const struct tp_vehicle *v, int nv,
                         struct vroute *vr, int *seated)
{
    int exact = assign_single(c, v, nv, vr, seated), short_single = 0;

    if (exact < 0)
        return -1;
    for (int i = 0; i < c->ng; i++)
        short_single += c->riders[i] - seated[i];
    if (short_single > 0 && nv > 0 && any_multi(c))
        exact = share_routes(c, v, nv, vr, seated, exact);
    return exact;
}

/* The plan in one block that the caller frees at once (transport.h): the
 * legs (at most two a vehicle), uses, groups, problems (at most three a
 * group: rule 6), then *people: the people by vehicle, then the back legs'
 * by pick-up.  NULL when memory runs out. */
static struct tp_plan *plan_alloc(int ng, int nv, int total, long long **people)
{
    struct tp_plan *p = NULL;
    size_t off_legs = align_up(sizeof *p);
    size_t off_use = off_legs + align_up((size_t)(2 * nv) * sizeof *p->legs);
    size_t off_groups = off_use + align_up((size_t)nv * sizeof *p->use);
    size_t off_problems = off_groups + align_up((size_t)ng * sizeof *p->groups);
    size_t off_people = off_problems + align_up((size_t)(3 * ng) * sizeof *p->problems);

    if ((p = calloc(1, off_people + (size_t)(2 * total) * sizeof **people)) == NULL)
        return NULL;
    p->legs = (struct tp_leg *)((char *)p + off_legs);
    p->use = (struct tp_use *)((char *)p + off_use);
    p->groups = (struct tp_group_plan *)((char *)p + off_groups);
    p->problems = (struct tp_problem *)((char *)p + off_problems);
    *people = (long long *)((char *)p + off_people);
    p->nuse = nv;
    p->ngroups = ng;
    return p;
}

static void set_stop(struct tp_stop *st, const struct tp_group *g, int group, long long at,
                     int npeople, const long long *people)
{
    st->group = group;
    st->option_id = g[group].option_id;
    st->venue_id = g[group].venue_id;
    st->at = at;
    st->npeople = npeople;
    st->people = people;
}

/* Rule 5 for group i: its people fill its places in its vehicles largest
 * first (first[j][t]: where stop t of vehicle j starts in the group's list);
 * the vehicles whose route starts with i join loaded[], the order of the
 * legs (rule 7).  Returns how many vehicles carry the group. */
static int place_group(const struct tp_vehicle *v, int nv, const struct vroute *vr, int i,
                       int first[][TP_MAX_STOPS], int *loaded, int *nloaded)
{
    int order[TP_MAX_VEHICLES], nveh = 0, placed = 0;

    for (int j = 0; j < nv; j++) {
        int on = 0;

        for (int t = 0; t < vr[j].r.n; t++)
            on |= vr[j].r.grp[t] == i && vr[j].cnt[t] > 0;
        if (on)
            nveh = insert_largest_first(v, order, nveh, j);
    }
    for (int k = 0; k < nveh; k++)
        for (int t = 0; t < vr[order[k]].r.n; t++)
            if (vr[order[k]].r.grp[t] == i) {
                first[order[k]][t] = placed;
                placed += vr[order[k]].cnt[t];
            }
    for (int k = 0; k < nveh; k++)
        if (vr[order[k]].r.grp[0] == i)
            loaded[(*nloaded)++] = order[k];
    return nveh;
}

/* Rule 5 for vehicle j: its use, with its stops' people in the order of its
 * stops out (copied to *people, which moves past them); first: first[j] of
 * place_group(). */
static void fill_use(struct tp_plan *p, const struct ctx *c, const struct tp_vehicle *v, int j,
                     const struct vroute *w, const int *first, long long **people)
{
    struct tp_use *u = &p->use[j];
    const struct route *r = &w->r;

    u->vehicle_id = v[j].id;
    u->seats = v[j].seats;
    u->group = -1;
    if (r->n == 0)
        return;
    u->group = r->grp[0];
    u->option_id = c->g[r->grp[0]].option_id;
    u->people = *people;
    u->nstops = r->n;
    for (int t = 0; t < r->n; t++) {
        set_stop(&u->stops[t], c->g, r->grp[t], 0, w->cnt[t], *people);
        memcpy(*people, c->g[r->grp[t]].people + first[t], (size_t)w->cnt[t] * sizeof **people);
        *people += w->cnt[t];
        u->load += w->cnt[t];
    }
    for (int t = 0; t < r->n; t++) {
        u->out += c->out[r->grp[t]] ? w->cnt[t] : 0;
        u->back += c->back[r->grp[t]] ? w->cnt[t] : 0;
    }
    p->vehicles_used++;
    p->multi_stop += r->n > 1;
}

/* Rule 5: every vehicle's people; loaded[] gets the vehicles with a route in
 * the order of the legs.  Returns how many that is. */
static int load_vehicles(struct tp_plan *p, const struct ctx *c, const struct tp_vehicle *v,
                         int nv, const struct vroute *vr, long long **people, int *loaded)
{
    int first[TP_MAX_VEHICLES][TP_MAX_STOPS], nloaded = 0;

    for (int i = 0; i < c->ng; i++)
        p->groups[i].nvehicles = place_group(v, nv, vr, i, first, loaded, &nloaded);
    for (int j = 0; j < nv; j++)
        fill_use(p, c, v, j, &vr[j], first[j], people);
    return nloaded;
}

/* Rule 3 for group i: it leaves with its first vehicle and arrives with its
 * last, each way; *ride_o and *ride_b get the longest ride of its people,
 * *late_o how many arrive late (a shared route may bring only some late). */
static void vehicle_times(struct tp_group_plan *gp, const struct ctx *c,
                          const struct vroute *vr, int nv, int i, int *ride_o, int *ride_b,
                          int *late_o)
{
    for (int j = 0; j < nv; j++)
        for (int t = 0; t < vr[j].r.n; t++) {
            const struct route *r = &vr[j].r;
            int mo, mb;

            if (r->grp[t] != i)
                continue;
            if (r->arrive[t] != 0) {
                if (gp->out_depart == 0 || r->depart < gp->out_depart)
                    gp->out_depart = r->depart;
                gp->out_arrive = later(gp->out_arrive, r->arrive[t]);
                mo = (int)((r->arrive[t] - r->depart) / 60);
                *late_o += r->arrive[t] > c->s->starts_at ? vr[j].cnt[t] : 0;
                *ride_o = mo > *ride_o ? mo : *ride_o;
            }
            if (r->back_arrive != 0 && c->back[i]) {
                if (gp->back_depart == 0 || r->pickup[t] < gp->back_depart)
                    gp->back_depart = r->pickup[t];
                gp->back_arrive = later(gp->back_arrive, r->back_arrive);
                mb = (int)((r->back_arrive - r->pickup[t]) / 60);
                *ride_b = mb > *ride_b ? mb : *ride_b;
            }
        }
}

/* Rule 3 for group i where no vehicle (or no timed one) carries it a way:
 * the direct ride's times, so that rule 6 can still say how late it is. */
static void direct_times(struct tp_group_plan *gp, const struct ctx *c, int i, int *ride_o,
                         int *ride_b)
{
    struct route d;

    route_single(c, i, &d);
    if (gp->out_arrive == 0) {
        gp->out_depart = d.depart;
        gp->out_arrive = d.arrive[0];
        *ride_o = c->g[i].travel_out;
    }
    if (gp->back_arrive == 0) {
        gp->back_depart = d.pickup[0];
        gp->back_arrive = d.back_arrive;
        *ride_b = c->g[i].travel_back;
    }
}

/* Group i's plan (rules 2 and 3) and its part of the plan's counts; the
 * ride numbers are vehicle_times()'. */
static void plan_group(struct tp_plan *p, const struct ctx *c, const struct vroute *vr, int nv,
                       const int *seated, int i, int *ride_o, int *ride_b, int *late_o)
{
    struct tp_group_plan *gp = &p->groups[i];

    gp->option_id = c->g[i].option_id;
    gp->riders = c->riders[i];
    if (c->riders[i] == 0)
        return;
    gp->ride_out = c->out[i];
    gp->ride_back = c->back[i];
    gp->seated = seated[i];
    gp->unseated = c->riders[i] - seated[i];
    p->riders += c->riders[i];
    p->seated += seated[i];
    p->unseated += gp->unseated;
    vehicle_times(gp, c, vr, nv, i, ride_o, ride_b, late_o);
    direct_times(gp, c, i, ride_o, ride_b);
}

/* The leg of vehicle u (route r) in direction dir, unless it does not drive
 * or is not timed that way: out, its people up to its last stop out; back, a
 * copy of them in the order of the pick-ups at *people (rule 7). */
static void add_leg(struct tp_plan *p, const struct ctx *c, const struct tp_use *u,
                    const struct route *r, enum tp_dir dir, long long **people)
{
    struct tp_leg *l;

    if (dir == TP_OUT ? r->nout == 0 || r->arrive[0] == 0 : r->nback == 0 || r->back_arrive == 0)
        return;
    l = &p->legs[p->nlegs++];
    l->dir = dir;
    l->vehicle_id = u->vehicle_id;
    l->people = dir == TP_OUT ? u->people : *people;
    l->nstops = dir == TP_OUT ? r->nout : r->nback;
    for (int t = 0; t < l->nstops; t++) {
        int s = dir == TP_OUT ? t : r->bk[t];

        set_stop(&l->stops[t], c->g, r->grp[s], dir == TP_OUT ? r->arrive[s] : r->pickup[s],
                 u->stops[s].npeople, u->stops[s].people);
        if (dir == TP_BACK) {
            memcpy(*people, u->stops[s].people, (size_t)u->stops[s].npeople * sizeof **people);
            *people += u->stops[s].npeople;
        }
        l->npeople += u->stops[s].npeople;
    }
    l->group = l->stops[0].group;
    l->option_id = l->stops[0].option_id;
    if (dir == TP_OUT) {
        l->from_venue_id = c->s->prev_venue_id;
        l->to_venue_id = l->stops[r->nout - 1].venue_id;
        l->depart = r->depart;
        l->arrive = r->arrive[r->nout - 1];
    } else {
        l->from_venue_id = l->stops[0].venue_id;
        l->to_venue_id = c->s->next_venue_id;
        l->depart = l->stops[0].at;
        l->arrive = r->back_arrive;
    }
}

int tp_plan_slot(const struct tp_slot *slot, const struct tp_group *g, int ng,
                 const struct tp_vehicle *v, int nv, struct tp_plan **out, char *err,
                 size_t errsz)
{
    struct ctx c;
    int seated[TP_MAX_GROUPS], loaded[TP_MAX_VEHICLES];
    int ride_o[TP_MAX_GROUPS] = {0}, ride_b[TP_MAX_GROUPS] = {0};
    int late_o[TP_MAX_GROUPS] = {0};
    struct vroute *vr = NULL;
    struct tp_plan *p = NULL;
    long long fleet_seats = 0, *people;
    int total = 0, exact = 0, groups_riding, nloaded, rc = -1;

    if (out == NULL)
        return eng_msgf(err, errsz, "no place for the plan");
    *out = NULL;
    if (check_input(slot, g, ng, v, nv, &total, err, errsz) < 0)
        return -1;
    groups_riding = plan_rides(&c, slot, g, ng);
    for (int j = 0; j < nv; j++)
        fleet_seats += v[j].seats;
    if ((vr = calloc((size_t)(nv > 0 ? nv : 1), sizeof *vr)) == NULL ||
        (exact = plan_vehicles(&c, v, nv, vr, seated)) < 0 ||
        (p = plan_alloc(ng, nv, total, &people)) == NULL) {
        eng_msgf(err, errsz, "out of memory");
        goto out;
    }
    p->exact = exact;
    nloaded = load_vehicles(p, &c, v, nv, vr, &people, loaded);
    for (int i = 0; i < ng; i++)
        plan_group(p, &c, vr, nv, seated, i, &ride_o[i], &ride_b[i], &late_o[i]);
    for (int dir = TP_OUT; dir <= TP_BACK; dir++)  /* legs out, then back (rule 7) */
        for (int k = 0; k < nloaded; k++)
            add_leg(p, &c, &p->use[loaded[k]], &vr[loaded[k]].r, (enum tp_dir)dir, &people);
    for (int i = 0; i < ng; i++)
        if (c.riders[i] > 0)
            group_problems(p, slot, &g[i], i, fleet_seats, nv, groups_riding, ride_o[i],
                           ride_b[i], late_o[i]);
    *out = p;
    p = NULL;
    rc = 0;
out:
    free(p);
    free(vr);
    return rc;
}

void tp_plan_free(struct tp_plan *plan)
{
    free(plan);
}
