/* test_seat_alloc.c - unit tests for core/engine/seat_alloc (site-visit
 * allocation: exact rank sum, pins, waiting list, spreading, explanations).
 *
 * Must never: accept an engine whose rank sum differs from an independent
 * exact answer.  The references here share no code with the engine: a brute
 * force over every assignment for small instances, and a textbook
 * min-cost flow over person nodes (Bellman-Ford queue) for larger ones.
 * Random instances come from a fixed seed, so a failure repeats. */
#include "seat_alloc.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

#define MAXP 400
#define MAXK 32

/* An instance owns its preference storage so that it can be copied. */
struct inst {
    int k, n;
    int cap[SA_MAX_OPTIONS];
    int prefs[MAXP][MAXK];
    struct sa_person p[MAXP];
};

static uint64_t rng_state;

static unsigned rnd(unsigned below)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % below);
}

static void inst_link(struct inst *in)
{
    for (int i = 0; i < in->n; i++)
        in->p[i].prefs = in->prefs[i];
}

static void person(struct inst *in, int muni, int pin, int np, const int *prefs)
{
    struct sa_person *p = &in->p[in->n];

    if (np > 0)
        memcpy(in->prefs[in->n], prefs, (size_t)np * sizeof *prefs);
    p->id = 1000 + in->n;
    p->municipality = muni;
    p->pinned = pin;
    p->nprefs = np;
    p->prefs = in->prefs[in->n];
    in->n++;
}

/* Random preferences: `skew` makes low option indexes popular. */
static void random_prefs(struct inst *in, int i, int np, int skew)
{
    int used[MAXK] = {0};

    for (int j = 0; j < np; j++) {
        int o;

        do
            o = skew && rnd(3) != 0 ? (int)rnd((unsigned)(in->k + 1) / 2) : (int)rnd((unsigned)in->k);
        while (used[o]);
        used[o] = 1;
        in->prefs[i][j] = o;
    }
    in->p[i].nprefs = np;
}

static void random_inst(struct inst *in, int n, int k, int maxcap, int pins, int skew)
{
    int pinned[MAXK] = {0};

    memset(in, 0, sizeof *in);
    in->k = k, in->n = n;
    for (int o = 0; o < k; o++)
        in->cap[o] = (int)rnd((unsigned)maxcap + 1);
    for (int i = 0; i < n; i++) {
        in->p[i].id = i + 1;
        in->p[i].municipality = (int)rnd(4) - 1; /* -1..2 */
        in->p[i].pinned = -1;
        random_prefs(in, i, rnd(5) == 0 ? 0 : 1 + (int)rnd((unsigned)k), skew);
        if (pins && rnd(6) == 0) {
            int o = (int)rnd((unsigned)k);

            if (pinned[o] < in->cap[o])
                in->p[i].pinned = o, pinned[o]++;
        }
    }
    inst_link(in);
}

static int pcost(const struct inst *in, int i, int o)
{
    const struct sa_person *p = &in->p[i];

    if (p->nprefs == 0)
        return 0;
    for (int j = 0; j < p->nprefs; j++)
        if (p->prefs[j] == o)
            return j + 1;
    return in->k + 1;
}

/* Rule 2, written again: pinned people, then the earliest registrations. */
static void seated_set(const struct inst *in, int *seated)
{
    long long seats = 0;

    for (int o = 0; o < in->k; o++)
        seats += in->cap[o];
    for (int i = 0; i < in->n; i++)
        if ((seated[i] = in->p[i].pinned >= 0))
            seats--;
    for (int i = 0; i < in->n; i++)
        if (in->p[i].pinned < 0 && seats > 0)
            seated[i] = 1, seats--;
}

static long long pair_count(const struct inst *in, const int *opt)
{
    long long pairs = 0;

    for (int i = 0; i < in->n; i++)
        for (int j = i + 1; j < in->n; j++)
            if (opt[i] >= 0 && opt[i] == opt[j] && in->p[i].municipality >= 0 &&
                in->p[i].municipality == in->p[j].municipality)
                pairs++;
    return pairs;
}

static int run(const struct inst *in, struct sa_result *out, struct sa_summary *sum)
{
    char err[200] = "";
    int rc = sa_allocate(in->cap, in->k, in->p, in->n, out, sum, err, sizeof err);

    ck_assert_msg(rc == 0, "sa_allocate failed: %s", err);
    return rc;
}

/* Everything that must hold for any valid input; returns the rank sum of
 * the seated, unpinned people recomputed from out. */
static long long check_valid(const struct inst *in, const struct sa_result *out,
                             const struct sa_summary *sum)
{
    int seated[MAXP], count[SA_MAX_OPTIONS] = {0}, opt[MAXP], maxc[SA_MAX_OPTIONS] = {0};
    int wpos = 0;
    long long rank_sum = 0;

    seated_set(in, seated);
    for (int i = 0; i < in->n; i++) {
        const struct sa_person *p = &in->p[i];
        const struct sa_result *r = &out[i];

        opt[i] = r->option;
        if (!seated[i]) {
            ck_assert_int_eq(r->option, -1);
            ck_assert_int_eq(r->why, SA_WHY_WAITING);
            ck_assert_int_eq(r->waiting_pos, ++wpos);
            continue;
        }
        ck_assert_msg(r->option >= 0 && r->option < in->k, "person %d not seated", i);
        ck_assert_int_eq(r->waiting_pos, 0);
        count[r->option]++;
        if (p->pinned >= 0) {
            ck_assert_int_eq(r->option, p->pinned);
            ck_assert_int_eq(r->why, SA_WHY_PINNED);
            continue;
        }
        int c = pcost(in, i, r->option);
        rank_sum += c;
        if (c > maxc[r->option])
            maxc[r->option] = c;
        ck_assert_int_eq(r->rank, c <= p->nprefs ? c : 0);
        if (p->nprefs == 0)
            ck_assert_int_eq(r->why, SA_WHY_NO_PREFS);
        else if (c == 1)
            ck_assert_int_eq(r->why, SA_WHY_FIRST);
        else if (c > p->nprefs)
            ck_assert_int_eq(r->why, SA_WHY_UNRANKED);
        else
            ck_assert(r->why == SA_WHY_LOWER_FULL || r->why == SA_WHY_LOWER_COSTLIER);
    }
    for (int o = 0; o < in->k; o++)
        ck_assert_msg(count[o] <= in->cap[o], "option %d: %d people, %d seats", o, count[o],
                      in->cap[o]);
    /* The explanations must be true: a lower choice's better options are
     * full, and "full with people who ranked it higher" holds exactly when
     * nobody unpinned there ranked it lower. */
    for (int i = 0; i < in->n; i++) {
        const struct sa_result *r = &out[i];
        int c, higher = 1;

        if (r->why != SA_WHY_LOWER_FULL && r->why != SA_WHY_LOWER_COSTLIER &&
            r->why != SA_WHY_UNRANKED)
            continue;
        c = pcost(in, i, r->option);
        ck_assert_int_eq(r->full_option, in->p[i].prefs[0]);
        ck_assert_int_eq(r->full_rank, 1);
        for (int j = 0; j < in->p[i].nprefs && j + 1 < c; j++) {
            int b = in->p[i].prefs[j];

            ck_assert_msg(count[b] == in->cap[b], "person %d: better choice %d not full", i, b);
            if (maxc[b] > j + 1)
                higher = 0;
        }
        if (r->why != SA_WHY_UNRANKED)
            ck_assert_int_eq(r->why, higher ? SA_WHY_LOWER_FULL : SA_WHY_LOWER_COSTLIER);
    }
    /* People without preferences never hold a seat that a ranked person
     * would rather have: swapping the two would lower the rank sum. */
    for (int i = 0; i < in->n; i++)
        for (int j = 0; j < in->n; j++)
            if (out[i].why == SA_WHY_NO_PREFS && out[j].option >= 0 && in->p[j].pinned < 0)
                ck_assert_msg(pcost(in, j, out[i].option) >= pcost(in, j, out[j].option),
                              "person %d without prefs holds a seat %d prefers", i, j);
    ck_assert_int_eq(sum->rank_sum, rank_sum);
    ck_assert_int_eq(sum->waiting, wpos);
    ck_assert_int_eq(sum->seated + sum->waiting, in->n);
    ck_assert_int_eq(sum->same_municipality_pairs, pair_count(in, opt));
    ck_assert(sum->same_municipality_pairs <= sum->pairs_before_spread);
    return rank_sum;
}

/* Brute force: the minimal rank sum, and the minimal pair count among the
 * assignments that reach it. */
static void brute(const struct inst *in, long long *best_sum, long long *best_pairs)
{
    int seated[MAXP], who[MAXP], nw = 0, opt[MAXP], room[SA_MAX_OPTIONS];

    seated_set(in, seated);
    for (int o = 0; o < in->k; o++)
        room[o] = in->cap[o];
    for (int i = 0; i < in->n; i++) {
        opt[i] = -1;
        if (seated[i] && in->p[i].pinned >= 0)
            opt[i] = in->p[i].pinned, room[opt[i]]--;
        else if (seated[i])
            who[nw++] = i;
    }
    *best_sum = -1;
    long long total = 1;
    for (int i = 0; i < nw; i++)
        total *= in->k;
    for (long long code = 0; code < total; code++) {
        int used[SA_MAX_OPTIONS] = {0}, ok = 1;
        long long c = code, s = 0;

        for (int i = 0; i < nw; i++, c /= in->k) {
            int o = (int)(c % in->k);

            opt[who[i]] = o;
            s += pcost(in, who[i], o);
            if (++used[o] > room[o])
                ok = 0;
        }
        if (!ok || (*best_sum >= 0 && s > *best_sum))
            continue;
        long long pc = pair_count(in, opt);
        if (*best_sum < 0 || s < *best_sum || pc < *best_pairs)
            *best_pairs = pc;
        *best_sum = s;
    }
}

/* The independent exact solver: successive shortest paths with a
 * Bellman-Ford queue over source, person nodes, option nodes and sink. */
struct edge {
    int to, cap, cost, next;
};

static long long mcf_rank_sum(const struct inst *in)
{
    int seated[MAXP], n = in->n, k = in->k, src, dst, nv, ne = 0, room[SA_MAX_OPTIONS];
    int *head, *dist, *inq, *prev, *queue;
    struct edge *e;
    long long total = 0;

    seated_set(in, seated);
    for (int o = 0; o < k; o++)
        room[o] = in->cap[o];
    for (int i = 0; i < n; i++)
        if (seated[i] && in->p[i].pinned >= 0)
            room[in->p[i].pinned]--;
    src = n + k, dst = n + k + 1, nv = n + k + 2;
    head = malloc((size_t)nv * sizeof *head);
    dist = malloc((size_t)nv * sizeof *dist);
    inq = malloc((size_t)nv * sizeof *inq);
    prev = malloc((size_t)nv * sizeof *prev);
    queue = malloc((size_t)nv * sizeof *queue);
    e = malloc((size_t)2 * (n * k + n + k) * sizeof *e);
    ck_assert(head && dist && inq && prev && queue && e);
    for (int v = 0; v < nv; v++)
        head[v] = -1;
#define ADD(u, v, c, w)                                                                      \
    do {                                                                                     \
        e[ne] = (struct edge){(v), (c), (w), head[u]}, head[u] = ne++;                       \
        e[ne] = (struct edge){(u), 0, -(w), head[v]}, head[v] = ne++;                        \
    } while (0)
    for (int i = 0; i < n; i++) {
        if (!seated[i] || in->p[i].pinned >= 0)
            continue;
        ADD(src, i, 1, 0);
        for (int o = 0; o < k; o++)
            ADD(i, n + o, 1, pcost(in, i, o));
    }
    for (int o = 0; o < k; o++)
        ADD(n + o, dst, room[o], 0);
#undef ADD
    for (;;) {
        int qh = 0, qt = 0, qn = 0;

        for (int v = 0; v < nv; v++)
            dist[v] = 1 << 29, inq[v] = 0, prev[v] = -1;
        dist[src] = 0, queue[qt++] = src, inq[src] = 1, qn = 1;
        while (qn > 0) {
            int u = queue[qh];

            qh = (qh + 1) % nv, qn--, inq[u] = 0;
            for (int x = head[u]; x >= 0; x = e[x].next)
                if (e[x].cap > 0 && dist[u] + e[x].cost < dist[e[x].to]) {
                    dist[e[x].to] = dist[u] + e[x].cost, prev[e[x].to] = x;
                    if (!inq[e[x].to])
                        queue[qt] = e[x].to, qt = (qt + 1) % nv, qn++, inq[e[x].to] = 1;
                }
        }
        if (prev[dst] < 0)
            break;
        for (int v = dst; v != src; v = e[prev[v] ^ 1].to)
            e[prev[v]].cap--, e[prev[v] ^ 1].cap++;
        total += dist[dst];
    }
    free(e);
    free(queue);
    free(prev);
    free(inq);
    free(dist);
    free(head);
    return total;
}

static struct inst g_in, g_in2;
static struct sa_result g_out[MAXP], g_out2[MAXP];

START_TEST(test_invalid)
{
    int cap[3] = {2, 2, 2}, bad_cap[2] = {1, -1}, dup[2] = {1, 1}, oob[1] = {3}, ok[2] = {0, 1};
    struct sa_person p[2] = {{1, 0, -1, 2, ok}, {2, 0, -1, 0, NULL}};
    struct sa_result out[2];
    char err[128];

    ck_assert_int_eq(sa_allocate(cap, 0, p, 2, out, NULL, err, sizeof err), -1);
    ck_assert_int_eq(sa_allocate(cap, SA_MAX_OPTIONS + 1, p, 2, out, NULL, err, sizeof err), -1);
    ck_assert_int_eq(sa_allocate(cap, 3, p, -1, out, NULL, err, sizeof err), -1);
    ck_assert_int_eq(sa_allocate(NULL, 3, p, 2, out, NULL, err, sizeof err), -1);
    ck_assert_int_eq(sa_allocate(cap, 3, NULL, 2, out, NULL, err, sizeof err), -1);
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, NULL, NULL, err, sizeof err), -1);
    ck_assert_int_eq(sa_allocate(bad_cap, 2, p, 2, out, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "negative capacity") != NULL, "%s", err);
    p[0].prefs = dup;
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, out, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "repeated") != NULL, "%s", err);
    p[0].prefs = oob, p[0].nprefs = 1;
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, out, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "not an option") != NULL, "%s", err);
    p[0].prefs = ok, p[0].nprefs = 4;
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, out, NULL, err, sizeof err), -1);
    p[0].nprefs = 1, p[0].prefs = NULL;
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, out, NULL, err, sizeof err), -1);
    p[0].prefs = ok, p[0].nprefs = 2, p[0].pinned = 3;
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, out, NULL, err, sizeof err), -1);
    p[0].pinned = -1, p[1].municipality = -2;
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, out, NULL, err, sizeof err), -1);
    p[1].municipality = -1;
    /* pins beyond an option's seats */
    cap[1] = 1;
    p[0].pinned = 1, p[1].pinned = 1;
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, out, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "option 1: more people pinned") != NULL, "%s", err);
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, out, NULL, NULL, 0), -1); /* no err buffer */
    /* and all of it fixed: accepted */
    p[1].pinned = 2;
    ck_assert_int_eq(sa_allocate(cap, 3, p, 2, out, NULL, err, sizeof err), 0);
    /* nobody at all */
    ck_assert_int_eq(sa_allocate(cap, 3, NULL, 0, NULL, NULL, err, sizeof err), 0);
}
END_TEST

/* Random small instances against the brute force: the rank sum and the
 * pair count among rank-optimal assignments must both be the best. */
START_TEST(test_brute_force)
{
    rng_state = 20151105;
    for (int r = 0; r < 600; r++) {
        struct sa_summary sum;
        long long best_sum, best_pairs;
        int k = 2 + (int)rnd(3), n = 1 + (int)rnd(8);

        random_inst(&g_in, n, k, 4, 1, r % 2);
        run(&g_in, g_out, &sum);
        long long got = check_valid(&g_in, g_out, &sum);
        brute(&g_in, &best_sum, &best_pairs);
        ck_assert_msg(got == best_sum, "instance %d: rank sum %lld, brute force %lld", r, got,
                      best_sum);
        ck_assert_msg(sum.same_municipality_pairs == best_pairs,
                      "instance %d: %lld same-municipality pairs, brute force %lld", r,
                      sum.same_municipality_pairs, best_pairs);
    }
}
END_TEST

/* Instances built for spreading: few preferences (many equal-cost
 * assignments), three municipalities, no unknown ones. */
START_TEST(test_brute_force_spread)
{
    rng_state = 1918;
    for (int r = 0; r < 300; r++) {
        struct sa_summary sum;
        long long best_sum, best_pairs;
        int k = 3 + (int)rnd(2), n = 6 + (int)rnd(3);

        random_inst(&g_in, n, k, 3, 1, 0);
        for (int i = 0; i < n; i++) {
            g_in.p[i].municipality = (int)rnd(3);
            if (g_in.p[i].nprefs > 2)
                g_in.p[i].nprefs = (int)rnd(3);
        }
        run(&g_in, g_out, &sum);
        long long got = check_valid(&g_in, g_out, &sum);
        brute(&g_in, &best_sum, &best_pairs);
        ck_assert_int_eq(got, best_sum);
        ck_assert_msg(sum.same_municipality_pairs == best_pairs,
                      "instance %d: %lld same-municipality pairs, brute force %lld", r,
                      sum.same_municipality_pairs, best_pairs);
    }
}
END_TEST

START_TEST(test_against_flow)
{
    rng_state = 4242;
    for (int r = 0; r < 12; r++) {
        struct sa_summary sum;
        int k = 3 + (int)rnd(6), n = 200;

        random_inst(&g_in, n, k, 2 * n / k + 2, r % 3 == 0, 1);
        run(&g_in, g_out, &sum);
        long long got = check_valid(&g_in, g_out, &sum);
        ck_assert_int_eq(got, mcf_rank_sum(&g_in));
    }
    /* the benchmark's shape, smaller: 30 options, 5 choices each */
    random_inst(&g_in, MAXP, 30, 16, 1, 1);
    for (int i = 0; i < MAXP; i++)
        if (g_in.p[i].nprefs > 5)
            g_in.p[i].nprefs = 5;
    struct sa_summary sum;
    run(&g_in, g_out, &sum);
    ck_assert_int_eq(check_valid(&g_in, g_out, &sum), mcf_rank_sum(&g_in));
}
END_TEST

/* The demo meeting's shape: 53 people, three schools of 18 seats, most
 * people want the first one. */
START_TEST(test_demo_like)
{
    struct sa_summary sum;

    rng_state = 53;
    memset(&g_in, 0, sizeof g_in);
    g_in.k = 3, g_in.n = 53;
    g_in.cap[0] = g_in.cap[1] = g_in.cap[2] = 18;
    for (int i = 0; i < 53; i++) {
        int order[3][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}};
        int pick = rnd(10) < 7 ? (int)rnd(2) : 2;

        g_in.p[i].id = i + 1;
        g_in.p[i].municipality = (int)rnd(12);
        g_in.p[i].pinned = -1;
        g_in.p[i].nprefs = i % 9 == 8 ? 0 : 1 + (int)rnd(3);
        memcpy(g_in.prefs[i], order[pick], sizeof order[pick]);
    }
    inst_link(&g_in);
    run(&g_in, g_out, &sum);
    long long got = check_valid(&g_in, g_out, &sum);
    ck_assert_int_eq(sum.seated, 53);
    ck_assert_int_eq(sum.waiting, 0);
    ck_assert_int_eq(got, mcf_rank_sum(&g_in));
    ck_assert(sum.by_rank[0] >= 18);
}
END_TEST

START_TEST(test_waiting_list)
{
    static const int first[1] = {0};
    struct sa_summary sum;

    memset(&g_in, 0, sizeof g_in);
    g_in.k = 2, g_in.cap[0] = 2, g_in.cap[1] = 1;
    for (int i = 0; i < 6; i++)
        person(&g_in, -1, -1, 1, first);
    g_in.p[5].pinned = 1; /* the last registration, pinned: seated anyway */
    run(&g_in, g_out, &sum);
    check_valid(&g_in, g_out, &sum);
    ck_assert_int_eq(g_out[0].option, 0);
    ck_assert_int_eq(g_out[1].option, 0);
    ck_assert_int_eq(g_out[5].option, 1);
    for (int i = 2; i < 5; i++) {
        ck_assert_int_eq(g_out[i].option, -1);
        ck_assert_int_eq(g_out[i].waiting_pos, i - 1);
    }
    ck_assert_int_eq(sum.waiting, 3);
    ck_assert_int_eq(sum.pinned, 1);

    /* enough seats: everyone is seated, even far from their wishes */
    g_in.cap[1] = 10;
    run(&g_in, g_out, &sum);
    check_valid(&g_in, g_out, &sum);
    ck_assert_int_eq(sum.waiting, 0);
    ck_assert_int_eq(sum.unranked, 3);

    /* no seats at all */
    g_in.cap[0] = g_in.cap[1] = 0;
    g_in.p[5].pinned = -1;
    run(&g_in, g_out, &sum);
    check_valid(&g_in, g_out, &sum);
    ck_assert_int_eq(sum.waiting, 6);
    ck_assert_int_eq(g_out[5].waiting_pos, 6);
}
END_TEST

START_TEST(test_determinism)
{
    struct sa_summary s1, s2;

    rng_state = 7;
    random_inst(&g_in, 300, 7, 60, 1, 1);
    run(&g_in, g_out, &s1);
    check_valid(&g_in, g_out, &s1);
    /* the same values elsewhere in memory, preferences included */
    memcpy(&g_in2, &g_in, sizeof g_in);
    inst_link(&g_in2);
    memset(g_out2, 0x5a, sizeof g_out2);
    run(&g_in2, g_out2, &s2);
    ck_assert(memcmp(g_out, g_out2, sizeof(struct sa_result) * 300) == 0);
    ck_assert(memcmp(&s1, &s2, sizeof s1) == 0);
    run(&g_in, g_out2, &s2);
    ck_assert(memcmp(g_out, g_out2, sizeof(struct sa_result) * 300) == 0);
}
END_TEST

START_TEST(test_pins)
{
    static const int p01[2] = {0, 1};
    struct sa_summary sum;

    /* Option 0 has 2 seats; the organizers pin somebody who did not even
     * rank it: one of the two who want it must go to option 1. */
    memset(&g_in, 0, sizeof g_in);
    g_in.k = 2, g_in.cap[0] = 2, g_in.cap[1] = 2;
    person(&g_in, -1, -1, 2, p01);
    person(&g_in, -1, -1, 2, p01);
    person(&g_in, -1, 0, 0, NULL);
    run(&g_in, g_out, &sum);
    check_valid(&g_in, g_out, &sum);
    ck_assert_int_eq(g_out[2].option, 0);
    ck_assert_int_eq(g_out[2].why, SA_WHY_PINNED);
    /* the earlier registration keeps the first choice */
    ck_assert_int_eq(g_out[0].option, 0);
    ck_assert_int_eq(g_out[1].option, 1);
    ck_assert_int_eq(g_out[1].why, SA_WHY_LOWER_FULL);
    ck_assert_int_eq(sum.rank_sum, 3);
}
END_TEST

START_TEST(test_spread)
{
    static const int p01[2] = {0, 1};
    struct sa_summary sum;

    /* Everyone wants 0 then 1, two seats each: any two in 0 is optimal.
     * First come first served would put both of municipality 5 together. */
    memset(&g_in, 0, sizeof g_in);
    g_in.k = 2, g_in.cap[0] = 2, g_in.cap[1] = 2;
    person(&g_in, 5, -1, 2, p01);
    person(&g_in, 5, -1, 2, p01);
    person(&g_in, 9, -1, 2, p01);
    person(&g_in, 9, -1, 2, p01);
    run(&g_in, g_out, &sum);
    check_valid(&g_in, g_out, &sum);
    ck_assert_int_eq(sum.rank_sum, 6);
    ck_assert_int_eq(sum.pairs_before_spread, 2);
    ck_assert_int_eq(sum.same_municipality_pairs, 0);
    ck_assert_int_ne(g_out[0].option, g_out[1].option);
    ck_assert_int_ne(g_out[2].option, g_out[3].option);

    /* A chain through a free seat: three options, the third free. */
    memset(&g_in, 0, sizeof g_in);
    g_in.k = 3, g_in.cap[0] = 2, g_in.cap[1] = 2, g_in.cap[2] = 2;
    {
        static const int p0[1] = {0}, p1[1] = {1};

        person(&g_in, 1, -1, 1, p0);
        person(&g_in, 1, -1, 1, p0);
        person(&g_in, -1, -1, 0, NULL);
        person(&g_in, 2, -1, 1, p1);
        person(&g_in, 2, -1, 1, p1);
    }
    run(&g_in, g_out, &sum);
    check_valid(&g_in, g_out, &sum);
    ck_assert_int_eq(sum.rank_sum, 4);
    ck_assert_int_eq(sum.same_municipality_pairs, 2); /* prefs forbid better */

    /* Two people of municipality 0 must pass through option 0 together
     * (one leaves it as the other arrives) for the best spread: a search
     * over options alone weighs that move one pair too high. */
    memset(&g_in, 0, sizeof g_in);
    g_in.k = 3, g_in.cap[0] = 1, g_in.cap[1] = 2, g_in.cap[2] = 3;
    {
        static const int p21[2] = {2, 1}, p1[1] = {1}, p2[1] = {2};

        person(&g_in, 0, -1, 2, p21);
        person(&g_in, 1, -1, 1, p1);
        person(&g_in, 2, -1, 0, NULL);
        person(&g_in, 0, -1, 0, NULL);
        person(&g_in, 0, -1, 1, p1);
        person(&g_in, 2, 1, 1, p2);
    }
    run(&g_in, g_out, &sum);
    check_valid(&g_in, g_out, &sum);
    ck_assert_int_eq(sum.rank_sum, 6);
    ck_assert_int_eq(sum.same_municipality_pairs, 0);

    /* random: never worse than before spreading (check_valid), rank sum kept */
    rng_state = 99;
    for (int r = 0; r < 20; r++) {
        random_inst(&g_in, 150, 5, 40, 1, 1);
        for (int i = 0; i < g_in.n; i++)
            g_in.p[i].municipality = (int)rnd(3);
        run(&g_in, g_out, &sum);
        ck_assert_int_eq(check_valid(&g_in, g_out, &sum), mcf_rank_sum(&g_in));
    }
}
END_TEST

START_TEST(test_no_prefs_take_leftovers)
{
    static const int p0[1] = {0}, p01[2] = {0, 1};
    struct sa_summary sum;

    /* The person without preferences registered first but must not keep
     * the one seat of option 0 that a later person ranked first. */
    memset(&g_in, 0, sizeof g_in);
    g_in.k = 2, g_in.cap[0] = 1, g_in.cap[1] = 5;
    person(&g_in, -1, -1, 0, NULL);
    person(&g_in, -1, -1, 1, p0);
    person(&g_in, -1, -1, 2, p01);
    run(&g_in, g_out, &sum);
    check_valid(&g_in, g_out, &sum);
    ck_assert_int_eq(g_out[0].option, 1);
    ck_assert_int_eq(g_out[0].why, SA_WHY_NO_PREFS);
    ck_assert_int_eq(g_out[1].option, 0);
    ck_assert_int_eq(g_out[2].option, 1);
    ck_assert_int_eq(sum.no_prefs, 1);
    ck_assert_int_eq(sum.rank_sum, 3);
}
END_TEST

START_TEST(test_explain)
{
    static const char *const names[3] = {"Polish Gymnasium", "Music School", NULL};
    struct sa_result r = {0, 1, 0, SA_WHY_FIRST, -1, 0};
    char buf[160];
    int len;

    sa_explain(&r, names, buf, sizeof buf);
    ck_assert_str_eq(buf, "1st choice");
    r = (struct sa_result){1, 2, 0, SA_WHY_LOWER_FULL, 0, 1};
    sa_explain(&r, names, buf, sizeof buf);
    ck_assert_str_eq(buf, "2nd choice: Polish Gymnasium (1st) is full with people who ranked it higher");
    r = (struct sa_result){1, 3, 0, SA_WHY_LOWER_COSTLIER, 2, 1};
    sa_explain(&r, names, buf, sizeof buf);
    ck_assert_str_eq(buf, "3rd choice: option 3 (1st) is full; a seat there would cost others more "
                          "than it gains you");
    r = (struct sa_result){2, 0, 0, SA_WHY_NO_PREFS, -1, 0};
    sa_explain(&r, NULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "no preferences given: placed where seats were left");
    r = (struct sa_result){2, 0, 0, SA_WHY_PINNED, -1, 0};
    sa_explain(&r, NULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "placed by the organizers");
    r = (struct sa_result){-1, 0, 3, SA_WHY_WAITING, -1, 0};
    len = sa_explain(&r, names, buf, sizeof buf);
    ck_assert_str_eq(buf, "waiting list, position 3: all seats are taken");
    ck_assert_int_eq(len, (int)strlen(buf));
    r = (struct sa_result){2, 0, 0, SA_WHY_UNRANKED, 1, 1};
    sa_explain(&r, names, buf, sizeof buf);
    ck_assert_str_eq(buf, "none of your choices: they are full, Music School (1st) first");
    /* truncation: still terminated, full length returned */
    r = (struct sa_result){-1, 0, 12, SA_WHY_WAITING, -1, 0};
    ck_assert_int_eq(sa_explain(&r, NULL, buf, 8), (int)strlen("waiting list, position 12: all seats are taken"));
    ck_assert_str_eq(buf, "waiting");
    ck_assert_int_gt(sa_explain(&r, NULL, NULL, 0), 0);
    ck_assert_str_eq(sa_why_name(SA_WHY_PINNED), "pinned");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("seat_alloc");
    TCase *tc = tcase_create("alloc");

    tcase_add_test(tc, test_invalid);
    tcase_add_test(tc, test_brute_force);
    tcase_add_test(tc, test_brute_force_spread);
    tcase_add_test(tc, test_against_flow);
    tcase_add_test(tc, test_demo_like);
    tcase_add_test(tc, test_waiting_list);
    tcase_add_test(tc, test_determinism);
    tcase_add_test(tc, test_pins);
    tcase_add_test(tc, test_spread);
    tcase_add_test(tc, test_no_prefs_take_leftovers);
    tcase_add_test(tc, test_explain);
    suite_add_tcase(s, tc);
    return s;
}
