/* alloc_bench.c - times the site-visit allocation engine (core/engine/seat_alloc)
 * on seeded random slots of 1,000 and 10,000 people: 30 options, 5 ranked
 * choices each with Zipf-like popularity, capacities summing to about 105%
 * of the people, 40 municipalities, a few pins.
 *
 * Prints the best and median time of several runs for each size, their
 * ratio (the engine must scale: at most 15x for 10x the people), the rank
 * sum and the pair count.  Exits 0 unless an allocation fails; it asserts
 * no timing, it reports. */
#define _POSIX_C_SOURCE 200809L
#include "seat_alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOPTS 30
#define NPREFS 5
#define NMUNI 40
#define RUNS 9

static uint64_t rng = 88172645463325252ULL;

static double uniform(void) /* xorshift64, [0, 1) */
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

struct slot {
    int n, cap[NOPTS];
    int *prefs;
    struct sa_person *people;
    struct sa_result *out;
};

/* Draws an option by Zipf weight 1/(i+1) (cumulative table cum). */
static int zipf(const double *cum)
{
    double u = uniform() * cum[NOPTS - 1];
    int o = 0;

    while (o < NOPTS - 1 && cum[o] <= u)
        o++;
    return o;
}

static int make_slot(struct slot *s, int n)
{
    double cum[NOPTS], total = 0;
    int pinned[NOPTS] = {0}, seats = 0;

    s->n = n;
    s->prefs = malloc((size_t)n * NPREFS * sizeof *s->prefs);
    s->people = calloc((size_t)n, sizeof *s->people);
    s->out = calloc((size_t)n, sizeof *s->out);
    if (!s->prefs || !s->people || !s->out)
        return -1;
    for (int o = 0; o < NOPTS; o++)
        cum[o] = (total += 1.0 / (o + 1));
    /* capacities: 105% of n over the options, each within +-30% */
    for (int o = 0; o < NOPTS; o++)
        seats += s->cap[o] = (int)(1.05 * n / NOPTS * (0.7 + 0.6 * uniform()));
    for (int o = 0; seats != (int)(1.05 * n); o = (o + 1) % NOPTS) /* exact total */
        if (seats < (int)(1.05 * n))
            s->cap[o]++, seats++;
        else if (s->cap[o] > 0)
            s->cap[o]--, seats--;
    for (int i = 0; i < n; i++) {
        struct sa_person *p = &s->people[i];
        int *pr = &s->prefs[(size_t)i * NPREFS];

        for (int j = 0; j < NPREFS; j++) {
            int o, dup;

            do {
                o = zipf(cum);
                dup = 0;
                for (int x = 0; x < j; x++)
                    dup |= pr[x] == o;
            } while (dup);
            pr[j] = o;
        }
        p->id = i + 1;
        p->municipality = (int)(uniform() * NMUNI);
        p->nprefs = uniform() < 0.05 ? 0 : NPREFS; /* some give none */
        p->prefs = pr;
        p->pinned = -1;
        if (uniform() < 0.005) { /* about 1 in 200 pinned */
            int o = (int)(uniform() * NOPTS);

            if (pinned[o] < s->cap[o])
                p->pinned = o, pinned[o]++;
        }
    }
    return 0;
}

static void free_slot(struct slot *s)
{
    free(s->out);
    free(s->people);
    free(s->prefs);
}

/* Times RUNS allocations; *best and *median in seconds. */
static int bench(struct slot *s, double *best, double *median, struct sa_summary *sum)
{
    double t[RUNS];
    char err[200];

    for (int r = 0; r < RUNS; r++) {
        double t0 = now();

        if (sa_allocate(s->cap, NOPTS, s->people, s->n, s->out, sum, err, sizeof err) < 0) {
            fprintf(stderr, "alloc_bench: %s\n", err);
            return -1;
        }
        t[r] = now() - t0;
    }
    qsort(t, RUNS, sizeof *t, cmp_double);
    *best = t[0], *median = t[RUNS / 2];
    return 0;
}

int main(void)
{
    static const int sizes[2] = {1000, 10000};
    double best[2], median[2];

    printf("site-visit allocation: %d options, %d ranked choices, %d municipalities, "
           "best/median of %d runs\n",
           NOPTS, NPREFS, NMUNI, RUNS);
    for (int i = 0; i < 2; i++) {
        struct slot s = {0};
        struct sa_summary sum;

        if (make_slot(&s, sizes[i]) < 0 || bench(&s, &best[i], &median[i], &sum) < 0) {
            free_slot(&s);
            return 1;
        }
        printf("%6d people: best %8.3f ms  median %8.3f ms  rank sum %lld "
               "(1st %d, 2nd %d, 3rd %d, 4th %d, 5th %d, unranked %d, no prefs %d, pinned %d)  "
               "pairs %lld -> %lld (%d exchanges)\n",
               sizes[i], best[i] * 1e3, median[i] * 1e3, sum.rank_sum, sum.by_rank[0],
               sum.by_rank[1], sum.by_rank[2], sum.by_rank[3], sum.by_rank[4], sum.unranked,
               sum.no_prefs, sum.pinned, sum.pairs_before_spread, sum.same_municipality_pairs,
               sum.spread_exchanges);
        free_slot(&s);
    }
    printf("ratio 10,000 / 1,000: best %.1fx, median %.1fx (limit 15x)\n", best[1] / best[0],
           median[1] / median[0]);
    return 0;
}
