/* seat_alloc.c - the site-visit seat allocation engine; see seat_alloc.h for
 * the rules.  Depends on libc only.
 *
 * Rank sum (exact): successive shortest paths over option nodes.
 *   The problem is a min-cost flow: each seated, unpinned person sends one
 *   unit to an option (cost = their cost there), each option o passes at
 *   most room(o) = capacity - pins units to the sink t.  People are added
 *   one at a time.  For the new person p the search runs over the k options
 *   and t only: p reaches option o at cost(p,o); an edge a->b means "move
 *   somebody q now in a to b" and weighs min over movable q in a of
 *   cost(q,b) - cost(q,a); an edge o->t exists when o has a free seat.
 *   That is the residual graph of the person-level flow with every
 *   person node contracted (a->q->b), so its shortest p->t path is the
 *   person-level one, found in O(k^2) instead of O(n k).
 *   Dijkstra needs non-negative weights, so we keep potentials pi on the
 *   nodes and the invariant "every residual edge has a reduced weight
 *   w + pi(u) - pi(v) >= 0": a->b for every movable q in a, o->t when o
 *   has room, t->o when o holds someone.  p's own edges start from labels
 *   cost(p,o) - pi(o), which may be negative; that is fine because p is
 *   settled before anything else (it has no incoming edge).  After the
 *   search, pi(v) += min(d(v), d(t)), which keeps every reduced weight
 *   >= 0 (d(v) <= d(u) + reduced(u,v) for every settled u) and makes the
 *   path's edges 0, so their reversals, and the edges of the people who
 *   moved (each tight at the option it reached), are >= 0 too.
 *   Optimality: reduced weights >= 0 on all residual edges means no
 *   negative cycle, i.e. the assignment of the people added so far is a
 *   min-cost one (no exchange among them and the free seats lowers the
 *   sum).  Adding p along a shortest path keeps that: the classical
 *   successive-shortest-path argument, with p as the node holding the
 *   new unit of excess.  So after the last person the sum is minimal.
 *   To find the best mover fast, option a keeps a general binary heap of
 *   its people keyed by (their difference to any option they did not
 *   rank, which is the same for all of those; latest registration first),
 *   and for each b a heap of its people who ranked b, keyed by
 *   cost(q,b) - cost(q,a); the better of the two tops is the best mover
 *   from a to b.  Deletion is lazy: an entry dies when its person moves
 *   (a per-person stamp).  A k x k matrix caches the tops; a row is
 *   refreshed when somebody left that option.
 *   Cost: O(k^2) per person for the search, O(k + nprefs log n) per seat
 *   change.
 *
 * Spread (exact): the final potentials describe every rank-optimal
 *   assignment.  They are an optimal dual, so by complementary slackness
 *   an assignment is rank-optimal iff every person q sits in
 *   T(q) = argmin over o of cost(q,o) - pi(o), options with pi < pi(t)
 *   stay full and options with pi > pi(t) stay empty.  On that face the
 *   pair count, sum of C(n_mo, 2), is a separable convex cost: a convex
 *   min-cost flow, optimal iff its residual graph (rank-neutral moves,
 *   weighed by the marginal pair changes; see struct rgraph) has no
 *   negative cycle.  We cancel negative cycles until none is left: cheap
 *   rounds of free-seat moves and swaps first (weighed per option pair),
 *   then Bellman-Ford over the full residual graph, which either finds
 *   cycles to cancel or proves the spread optimal.  Each cancellation
 *   lowers the pair count, so it ends.
 *
 * Must never: exceed a capacity, move a pinned person, make the rank sum
 * worse in the spreading phase, or depend on anything but the input. */
#include "seat_alloc.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_msg.h"

#define NOWHERE (-1)
#define W_INF INT_MAX
#define D_INF LLONG_MAX
#define DOFF (SA_MAX_OPTIONS + 2) /* cost differences + DOFF are > 0 */
#define IDX_BITS 20                /* the person field of a heap entry */
#define IDX_MASK ((1u << IDX_BITS) - 1)

_Static_assert(SA_MAX_PEOPLE <= (1 << IDX_BITS), "heap entries hold a person index");
_Static_assert(2 * DOFF < (1 << 12), "heap entries hold a cost difference");
_Static_assert(SA_MAX_OPTIONS <= 64, "tight sets are 64-bit masks");

/* Min-heap of entries (difference + DOFF) << 52 | (IDX_MASK - person) << 32 |
 * stamp: the smallest difference first, then the latest registration. */
struct heap {
    uint64_t *e;
    int n, cap;
};

struct sa {
    int k, n;
    const struct sa_person *pp;
    unsigned char *cost;  /* cost[q*k+o], rule 3 (owned) */
    int *loc;             /* option of a seated person, NOWHERE if none (owned) */
    uint32_t *stamp;      /* bumped whenever a person moves (owned) */
    struct heap *h;       /* h[a*k+b], h[a*k+a]: see arrive(); phase 1 only (owned) */
    int room[SA_MAX_OPTIONS];    /* free seats */
    int movable[SA_MAX_OPTIONS]; /* seated, unpinned people there */
    long long pi[SA_MAX_OPTIONS + 1]; /* potentials; pi[k] is t's and stays 0 */
    int w[SA_MAX_OPTIONS * SA_MAX_OPTIONS]; /* tops of h, W_INF when empty */
    unsigned char dirty[SA_MAX_OPTIONS];    /* row a of w may hold dead tops */
    /* spreading */
    int *muni;            /* dense municipality of a seated person, -1 (owned) */
    int nmuni;
    int *nmo;             /* nmo[m*k+o]: seated people of m at o (owned) */
};

/* ---- heaps ------------------------------------------------------------ */

static void heap_down(uint64_t *e, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, m = i;
        uint64_t t;

        if (l < n && e[l] < e[m])
            m = l;
        if (l + 1 < n && e[l + 1] < e[m])
            m = l + 1;
        if (m == i)
            return;
        t = e[i], e[i] = e[m], e[m] = t;
        i = m;
    }
}

static int heap_push(struct heap *h, uint64_t v)
{
    int i;

    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 8;
        uint64_t *e = realloc(h->e, (size_t)cap * sizeof *e);

        if (e == NULL)
            return -1;
        h->e = e, h->cap = cap;
    }
    for (i = h->n++; i > 0 && h->e[(i - 1) / 2] > v; i = (i - 1) / 2)
        h->e[i] = h->e[(i - 1) / 2];
    h->e[i] = v;
    return 0;
}

static void heap_pop(struct heap *h)
{
    h->e[0] = h->e[--h->n];
    heap_down(h->e, h->n, 0);
}

static int entry_person(uint64_t e) { return (int)(IDX_MASK - ((e >> 32) & IDX_MASK)); }
static int entry_delta(uint64_t e) { return (int)(e >> 52) - DOFF; }

static int entry_live(const struct sa *s, uint64_t e)
{
    return s->stamp[entry_person(e)] == (uint32_t)e;
}

/* Drops the dead entries of h when they outnumber the live ones, so that
 * memory stays O(people x options) however often people move. */
static void heap_compact(const struct sa *s, struct heap *h, int live)
{
    int i, j;

    if (h->n <= 2 * live + 16)
        return;
    for (i = j = 0; i < h->n; i++)
        if (entry_live(s, h->e[i]))
            h->e[j++] = h->e[i];
    h->n = j;
    for (i = j / 2 - 1; i >= 0; i--)
        heap_down(h->e, j, i);
}

/* The live top of h[a*k+b], or 0 when it has none (a live entry is never 0:
 * its difference field is positive). */
static uint64_t heap_top(const struct sa *s, struct heap *h)
{
    while (h->n > 0 && !entry_live(s, h->e[0]))
        heap_pop(h);
    return h->n > 0 ? h->e[0] : 0;
}

/* ---- phase 1: exact rank sum --------------------------------------------- */

static int cost(const struct sa *s, int q, int o) { return s->cost[(size_t)q * s->k + o]; }

/* Pushes q's entry with difference d into h and keeps h small. */
static int push_entry(struct sa *s, struct heap *h, int q, int d, int live)
{
    if (heap_push(h, (uint64_t)(d + DOFF) << 52 | (uint64_t)(IDX_MASK - (unsigned)q) << 32 |
                         s->stamp[q]) < 0)
        return -1;
    heap_compact(s, h, live);
    return 0;
}

/* q takes a seat at a.  Its difference to every option it did not rank is
 * the same, so it goes into a's general heap h[a*k+a] once, and into the
 * heap h[a*k+b] of each option b it ranked. */
static int arrive(struct sa *s, int q, int a)
{
    const struct sa_person *p = &s->pp[q];
    int k = s->k, i, b, g;

    s->loc[q] = a;
    s->stamp[q]++;
    s->movable[a]++;
    s->room[a]--;
    g = (p->nprefs > 0 ? k + 1 : 0) - cost(s, q, a);
    if (push_entry(s, &s->h[a * k + a], q, g, s->movable[a]) < 0)
        return -1;
    for (i = 0; i < p->nprefs; i++) {
        int d = i + 1 - cost(s, q, a);

        b = p->prefs[i];
        if (b == a)
            continue;
        if (push_entry(s, &s->h[a * k + b], q, d, s->movable[a]) < 0)
            return -1;
        if (!s->dirty[a] && d < s->w[a * k + b])
            s->w[a * k + b] = d;
    }
    for (b = 0; b < k && !s->dirty[a]; b++)
        if (b != a && g < s->w[a * k + b])
            s->w[a * k + b] = g; /* over-estimates only where d above is smaller */
    return 0;
}

/* q leaves its seat; its heap entries die with the stamp. */
static void leave(struct sa *s, int q)
{
    int a = s->loc[q];

    s->loc[q] = NOWHERE;
    s->stamp[q]++;
    s->movable[a]--;
    s->room[a]++;
    s->dirty[a] = 1;
}

/* The cheapest mover from a to b: the smaller live top of h[a*k+b] and
 * of the general heap h[a*k+a], or 0.  When the general one wins, its
 * person did not rank b: had they, their entry in h[a*k+b] would be
 * smaller. */
static uint64_t best_mover(const struct sa *s, int a, int b)
{
    uint64_t x = heap_top(s, &s->h[a * s->k + b]), y = heap_top(s, &s->h[a * s->k + a]);

    return x == 0 ? y : y == 0 ? x : x < y ? x : y;
}

static void refresh_row(struct sa *s, int a)
{
    int k = s->k, b;

    for (b = 0; b < k; b++) {
        uint64_t top = b == a ? 0 : best_mover(s, a, b);

        s->w[a * k + b] = top ? entry_delta(top) : W_INF;
    }
    s->dirty[a] = 0;
}

/* Adds person p along a shortest path (see the top comment). */
static int augment(struct sa *s, int p)
{
    long long d[SA_MAX_OPTIONS + 1];
    int pred[SA_MAX_OPTIONS + 1];
    unsigned char done[SA_MAX_OPTIONS + 1];
    int k = s->k, t = k, u, v;

    for (v = 0; v < k; v++)
        d[v] = cost(s, p, v) - s->pi[v], pred[v] = -1, done[v] = 0;
    d[t] = D_INF, pred[t] = -1, done[t] = 0;
    for (;;) {
        u = -1;
        for (v = 0; v < k; v++)
            if (!done[v] && (u < 0 || d[v] < d[u]))
                u = v;
        if (u < 0 || d[t] <= d[u])
            break; /* t is next: its label is final */
        done[u] = 1;
        if (s->room[u] > 0 && d[u] + s->pi[u] - s->pi[t] < d[t])
            d[t] = d[u] + s->pi[u] - s->pi[t], pred[t] = u;
        if (s->movable[u] == 0)
            continue;
        if (s->dirty[u])
            refresh_row(s, u);
        for (v = 0; v < k; v++) {
            int w = s->w[u * k + v];

            if (!done[v] && w != W_INF && d[u] + w + s->pi[u] - s->pi[v] < d[v])
                d[v] = d[u] + w + s->pi[u] - s->pi[v], pred[v] = u;
        }
    }
    if (d[t] == D_INF)
        return -2; /* no free seat: the caller seated too many */
    for (v = 0; v < k; v++)
        if (done[v])
            s->pi[v] += d[v] - d[t];
    /* Shift the path's people, from the free seat backwards. */
    for (v = pred[t]; pred[v] >= 0; v = pred[v]) {
        uint64_t top = best_mover(s, pred[v], v);
        int q = entry_person(top);

        leave(s, q);
        if (arrive(s, q, v) < 0)
            return -1;
    }
    return arrive(s, p, v);
}

/* ---- phase 2: spreading municipalities --------------------------------- */

static long long pairs(const struct sa *s)
{
    long long sum = 0;
    int i;

    for (i = 0; i < s->nmuni * s->k; i++)
        sum += (long long)s->nmo[i] * (s->nmo[i] - 1) / 2;
    return sum;
}

/* Moves seated q to option to; returns the change of the pair count. */
static long long pmove(struct sa *s, int q, int to)
{
    int from = s->loc[q], m = s->muni[q], k = s->k;
    long long delta = 0;

    if (m >= 0) {
        delta = s->nmo[m * k + to] - (s->nmo[m * k + from] - 1);
        s->nmo[m * k + from]--;
        s->nmo[m * k + to]++;
    }
    s->loc[q] = to;
    s->room[from]++, s->room[to]--;
    s->movable[from]--, s->movable[to]++;
    return delta;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

/* Numbers the municipalities with two seated people or more 0..nmuni-1
 * (only they can form pairs) and counts them per option. */
static int number_municipalities(struct sa *s)
{
    int *vals = NULL, nv = 0, i, j, rc = -1;

    vals = malloc(((size_t)s->n + 1) * sizeof *vals);
    if (vals == NULL)
        goto out;
    for (i = 0; i < s->n; i++)
        if (s->loc[i] != NOWHERE && s->pp[i].municipality >= 0)
            vals[nv++] = s->pp[i].municipality;
    qsort(vals, (size_t)nv, sizeof *vals, cmp_int);
    /* keep each value seen twice or more, once */
    for (i = j = 0; i < nv; i++)
        if (i + 1 < nv && vals[i + 1] == vals[i] && (j == 0 || vals[j - 1] != vals[i]))
            vals[j++] = vals[i];
    s->nmuni = j;
    s->nmo = calloc((size_t)j * (size_t)s->k + 1, sizeof *s->nmo);
    if (s->nmo == NULL)
        goto out;
    for (i = 0; i < s->n; i++) {
        const int *f = NULL;

        s->muni[i] = -1;
        if (s->loc[i] != NOWHERE && s->pp[i].municipality >= 0)
            f = bsearch(&s->pp[i].municipality, vals, (size_t)j, sizeof *vals, cmp_int);
        if (f != NULL) {
            s->muni[i] = (int)(f - vals);
            s->nmo[s->muni[i] * s->k + s->loc[i]]++;
        }
    }
    rc = 0;
out:
    free(vals);
    return rc;
}

/* The residual graph of rule 4, restricted to rank-neutral moves: a node
 * per option, t (= k), and one per (municipality m, option o), numbered
 * k + 1 + m*k + o.  Moving a person of m from a to b is the path
 * a -> (m,a) -> (m,b) -> b weighing -(n_ma - 1) + 0 + n_mb, the marginal
 * changes of the convex pair count; two moves of one municipality may
 * chain through (m,b) without passing b, which a graph over options alone
 * cannot weigh.  People who count for no municipality move on direct
 * edges a -> b of weight 0.  Edges are in CSR form; who[e] is the person
 * an edge moves, or -1.  Every buffer is allocated once per allocation and
 * reused by each search. */
struct rgraph {
    int nv, ne, maxe;
    int *first, *from, *to, *wt, *who;  /* CSR, built from the e* lists */
    int *ef, *et, *ew, *eq;             /* edges in the order they are made */
    uint64_t *seen;                     /* targets already linked, per node */
    long long *dist;                    /* Bellman-Ford */
    int *pred, *queue, *mark, *moved, *origin;
    unsigned char *inq;
};

static void rgraph_free(struct rgraph *g)
{
    free(g->inq);
    free(g->origin);
    free(g->moved);
    free(g->mark);
    free(g->queue);
    free(g->pred);
    free(g->dist);
    free(g->seen);
    free(g->eq);
    free(g->ew);
    free(g->et);
    free(g->ef);
    free(g->who);
    free(g->wt);
    free(g->to);
    free(g->from);
    free(g->first);
    memset(g, 0, sizeof *g);
}

static int rgraph_alloc(struct rgraph *g, int k, int nmuni, long long sumt)
{
    size_t nv = (size_t)k + 1 + (size_t)nmuni * k, ne = 2 * nv + (size_t)sumt + 1;

    g->nv = (int)nv, g->maxe = (int)ne;
    g->first = malloc((nv + 1) * sizeof *g->first);
    g->from = malloc(ne * sizeof *g->from);
    g->to = malloc(ne * sizeof *g->to);
    g->wt = malloc(ne * sizeof *g->wt);
    g->who = malloc(ne * sizeof *g->who);
    g->ef = malloc(ne * sizeof *g->ef);
    g->et = malloc(ne * sizeof *g->et);
    g->ew = malloc(ne * sizeof *g->ew);
    g->eq = malloc(ne * sizeof *g->eq);
    g->seen = malloc((nv + (size_t)k * k) * sizeof *g->seen);
    g->dist = malloc(nv * sizeof *g->dist);
    g->pred = malloc(nv * sizeof *g->pred);
    g->queue = malloc(nv * sizeof *g->queue);
    g->mark = malloc(nv * sizeof *g->mark);
    g->moved = malloc(nv * sizeof *g->moved);
    g->origin = malloc(nv * sizeof *g->origin);
    g->inq = malloc(nv);
    if (!g->first || !g->from || !g->to || !g->wt || !g->who || !g->ef || !g->et || !g->ew ||
        !g->eq || !g->seen || !g->dist || !g->pred || !g->queue || !g->mark || !g->moved ||
        !g->origin || !g->inq)
        return -1;
    return 0;
}

static int rgraph_opt(const struct sa *s, int v) { return v < s->k ? v : (v - s->k - 1) % s->k; }

static void rgraph_build(const struct sa *s, const int *flex, int nflex, const uint64_t *tight,
                         struct rgraph *g)
{
    int k = s->k, t = k, i, o, ne = 0;

    memset(g->seen, 0, ((size_t)g->nv + (size_t)k * k) * sizeof *g->seen);
#define EDGE(u, v, w, p) (g->ef[ne] = (u), g->et[ne] = (v), g->ew[ne] = (w), g->eq[ne++] = (p))
    for (o = 0; o < k; o++)
        if (s->pi[o] == 0) {
            if (s->movable[o] > 0)
                EDGE(t, o, 0, -1);
            if (s->room[o] > 0)
                EDGE(o, t, 0, -1);
        }
    for (i = 0; i < s->nmuni * k; i++) {
        int c = s->nmo[i];

        if (c > 0)
            EDGE(i % k, k + 1 + i, -(c - 1), -1);
        EDGE(k + 1 + i, i % k, c, -1);
    }
    for (i = 0; i < nflex; i++) {
        int p = flex[i], m = s->muni[p], a = s->loc[p];
        uint64_t bits;

        for (bits = tight[p] & ~(UINT64_C(1) << a); bits; bits &= bits - 1) {
            int b = __builtin_ctzll(bits);
            int u = m < 0 ? a : k + 1 + m * k + a;
            uint64_t *sn = m < 0 ? &g->seen[g->nv + a * k + b] : &g->seen[u];

            if (*sn >> b & 1)
                continue; /* one person per edge is enough */
            *sn |= UINT64_C(1) << b;
            EDGE(u, m < 0 ? b : k + 1 + m * k + b, 0, p);
        }
    }
#undef EDGE
    /* CSR, stable: a node's edges keep the order they were made in. */
    g->ne = ne;
    memset(g->first, 0, ((size_t)g->nv + 1) * sizeof *g->first);
    for (i = 0; i < ne; i++)
        g->first[g->ef[i] + 1]++;
    for (i = 0; i < g->nv; i++)
        g->first[i + 1] += g->first[i];
    for (i = 0; i < ne; i++) {
        int e = g->first[g->ef[i]]++;

        g->from[e] = g->ef[i], g->to[e] = g->et[i], g->wt[e] = g->ew[i], g->who[e] = g->eq[i];
    }
    for (i = g->nv; i > 0; i--)
        g->first[i] = g->first[i - 1];
    g->first[0] = 0;
}

/* Moves the people on the predecessor cycle through v; keeps the moves
 * when they lower the pair count (they always should) and returns 1. */
static int apply_cycle(struct sa *s, struct rgraph *g, int v)
{
    long long delta = 0;
    int nm = 0, u = v;

    do {
        int e = g->pred[u];

        if (g->who[e] >= 0) {
            g->moved[nm] = g->who[e], g->origin[nm++] = s->loc[g->who[e]];
            delta += pmove(s, g->who[e], rgraph_opt(s, u));
        }
        u = g->from[e];
    } while (u != v);
    if (delta < 0)
        return 1;
    while (nm-- > 0) /* cannot happen: the cycle is negative; undo anyway */
        pmove(s, g->moved[nm], g->origin[nm]);
    return 0;
}

/* Looks for negative cycles of the residual graph with a FIFO Bellman-Ford
 * from a virtual source, checking the predecessor graph after every pass
 * (a cycle there is always negative).  The predecessor cycles are
 * node-disjoint, so each changes counts only the others do not read: all
 * of them are applied.  Returns how many; 0 means rule 4's optimum. */
static int cycles_exact(struct sa *s, const int *flex, int nflex, const uint64_t *tight,
                        struct rgraph *g)
{
    int nv = g->nv, v, head = 0, count = nv, found = 0, applied = 0;

    rgraph_build(s, flex, nflex, tight, g);
    for (v = 0; v < nv; v++)
        g->dist[v] = 0, g->pred[v] = -1, g->queue[v] = v, g->inq[v] = 1;
    while (count > 0 && !found) {
        int n = count;

        while (n-- > 0) {
            int u = g->queue[head], e;

            head = (head + 1) % nv, count--, g->inq[u] = 0;
            for (e = g->first[u]; e < g->first[u + 1]; e++) {
                int w = g->to[e];

                if (g->dist[u] + g->wt[e] < g->dist[w]) {
                    g->dist[w] = g->dist[u] + g->wt[e], g->pred[w] = e;
                    if (!g->inq[w])
                        g->queue[(head + count++) % nv] = w, g->inq[w] = 1;
                }
            }
        }
        for (v = 0; v < nv; v++)
            g->mark[v] = -1;
        for (v = 0; v < nv; v++) {
            int u = v;

            while (u >= 0 && g->mark[u] < 0)
                g->mark[u] = v, u = g->pred[u] < 0 ? -1 : g->from[g->pred[u]];
            if (u >= 0 && g->mark[u] == v)
                found = 1, applied += apply_cycle(s, g, u);
        }
    }
    return applied;
}

/* Rule 4's cheap round, step 1: the best rank-neutral mover for every option
 * pair a -> b, w[a*k+b] being the change of the pair count it brings and
 * mv[a*k+b] the person (W_INF and -1 when nobody can move that way). */
static void best_movers(const struct sa *s, const int *flex, int nflex, const uint64_t *tight,
                        int *w, int *mv)
{
    int k = s->k, i;

    for (i = 0; i < k * k; i++)
        w[i] = W_INF, mv[i] = -1;
    for (i = 0; i < nflex; i++) {
        int q = flex[i], m = s->muni[q], a = s->loc[q];
        uint64_t bits;

        for (bits = tight[q] & ~(UINT64_C(1) << a); bits; bits &= bits - 1) {
            int b = __builtin_ctzll(bits), gain;

            gain = m < 0 ? 0 : s->nmo[m * k + b] - s->nmo[m * k + a] + 1;
            if (gain < w[a * k + b])
                w[a * k + b] = gain, mv[a * k + b] = q;
        }
    }
}

/* Rule 4's cheap round, step 2: moves into free seats that lower the pair
 * count (b loses one, a gains one: t -> b -> a -> t), on options no other
 * exchange of the round touched, as the weights hold only for those.
 * Returns how many. */
static int free_seat_moves(struct sa *s, const int *w, const int *mv, unsigned char *used)
{
    int k = s->k, a, b, improved = 0;

    for (b = 0; b < k; b++)
        for (a = 0; a < k && s->pi[b] == 0 && !used[b]; a++)
            if (a != b && !used[a] && s->room[a] > 0 && s->pi[a] == 0 && w[b * k + a] < 0) {
                pmove(s, mv[b * k + a], a);
                used[a] = used[b] = 1;
                improved++;
            }
    return improved;
}

/* Rule 4's cheap round, step 3: swaps of two people between two options
 * that lower the pair count, on options the round has not touched yet.
 * Returns how many. */
static int swaps(struct sa *s, const int *w, const int *mv, unsigned char *used)
{
    int k = s->k, a, b, improved = 0;

    for (a = 0; a < k; a++)
        for (b = a + 1; b < k && !used[a]; b++) {
            int q = mv[a * k + b], r = mv[b * k + a];
            long long delta;

            if (used[b] || q < 0 || r < 0 || w[a * k + b] + w[b * k + a] >= 0)
                continue;
            delta = pmove(s, q, b);
            delta += pmove(s, r, a);
            if (delta < 0) {
                used[a] = used[b] = 1;
                improved++;
            } else { /* cannot happen (the sum over-estimates); undo anyway */
                pmove(s, r, b);
                pmove(s, q, a);
            }
        }
    return improved;
}

/* Applies rule 4: cheap rounds of free-seat moves and swaps between
 * options, then the exact cycle search, until it finds nothing.
 * *exchanges counts the improvements kept. */
static int spread(struct sa *s, const int *flex, int nflex, const uint64_t *tight,
                  int *exchanges)
{
    struct rgraph g = {0};
    long long sumt = 0;
    int k = s->k, *w = NULL, *mv = NULL, i, rc = -1;

    for (i = 0; i < nflex; i++) {
        uint64_t bits;

        for (bits = tight[flex[i]]; bits; bits &= bits - 1)
            sumt++;
    }
    w = malloc((size_t)k * k * sizeof *w);
    mv = malloc((size_t)k * k * sizeof *mv);
    if (w == NULL || mv == NULL || rgraph_alloc(&g, k, s->nmuni, sumt) < 0)
        goto out;
    for (;;) {
        unsigned char used[SA_MAX_OPTIONS] = {0};
        int improved;

        /* Disjoint improvements, each from fresh weights: an exchange only
         * changes the counts of the options it touches. */
        best_movers(s, flex, nflex, tight, w, mv);
        improved = free_seat_moves(s, w, mv, used);
        improved += swaps(s, w, mv, used);
        if (!improved)
            improved = cycles_exact(s, flex, nflex, tight, &g);
        if (!improved)
            break;
        *exchanges += improved;
    }
    rc = 0;
out:
    rgraph_free(&g);
    free(mv);
    free(w);
    return rc;
}

/* ---- the whole ---------------------------------------------------------- */

static int validate(const int *capacity, int nopts, const struct sa_person *people, int n,
                    const struct sa_result *out, char *err, size_t errsz)
{
    int pins[SA_MAX_OPTIONS] = {0};
    int i, j;

    if (nopts < 1 || nopts > SA_MAX_OPTIONS)
        return eng_msgf(err, errsz, "a slot has 1 to %d options, not %d", SA_MAX_OPTIONS, nopts);
    if (n < 0 || n > SA_MAX_PEOPLE)
        return eng_msgf(err, errsz, "0 to %d people can be allocated, not %d", SA_MAX_PEOPLE, n);
    if (capacity == NULL || (n > 0 && (people == NULL || out == NULL)))
        return eng_msgf(err, errsz, "missing capacity, people or result array");
    for (i = 0; i < nopts; i++)
        if (capacity[i] < 0)
            return eng_msgf(err, errsz, "option %d: negative capacity %d", i, capacity[i]);
    for (i = 0; i < n; i++) {
        const struct sa_person *p = &people[i];
        uint64_t seen = 0;

        if (p->municipality < -1)
            return eng_msgf(err, errsz, "person %d (id %lld): municipality %d", i, p->id,
                            p->municipality);
        if (p->nprefs < 0 || p->nprefs > nopts || (p->nprefs > 0 && p->prefs == NULL))
            return eng_msgf(err, errsz, "person %d (id %lld): %d preferences for %d options", i,
                            p->id, p->nprefs, nopts);
        for (j = 0; j < p->nprefs; j++) {
            int o = p->prefs[j];

            if (o < 0 || o >= nopts || (seen >> o & 1))
                return eng_msgf(err, errsz, "person %d (id %lld): preference %d is %s", i, p->id,
                                j + 1, o < 0 || o >= nopts ? "not an option" : "repeated");
            seen |= UINT64_C(1) << o;
        }
        if (p->pinned < -1 || p->pinned >= nopts)
            return eng_msgf(err, errsz, "person %d (id %lld): pinned to option %d of %d", i,
                            p->id, p->pinned, nopts);
        if (p->pinned >= 0 && ++pins[p->pinned] > capacity[p->pinned])
            return eng_msgf(err, errsz, "option %d: more people pinned than its %d seats",
                            p->pinned, capacity[p->pinned]);
    }
    return 0;
}

/* Fills out[] and sum from the final assignment (rule 6). */
static void report(const struct sa *s, const int *capacity, struct sa_result *out,
                   struct sa_summary *sum)
{
    int count[SA_MAX_OPTIONS] = {0}, maxc[SA_MAX_OPTIONS] = {0};
    int q, i, waiting = 0;

    for (q = 0; q < s->n; q++)
        if (s->loc[q] != NOWHERE) {
            count[s->loc[q]]++;
            if (s->pp[q].pinned < 0 && cost(s, q, s->loc[q]) > maxc[s->loc[q]])
                maxc[s->loc[q]] = cost(s, q, s->loc[q]);
        }
    for (q = 0; q < s->n; q++) {
        const struct sa_person *p = &s->pp[q];
        struct sa_result *r = &out[q];
        int o = s->loc[q], c, limit, ok = 1;

        r->option = o, r->rank = 0, r->waiting_pos = 0;
        r->full_option = -1, r->full_rank = 0;
        if (o == NOWHERE) {
            r->why = SA_WHY_WAITING;
            r->waiting_pos = ++waiting;
            sum->waiting++;
            continue;
        }
        sum->seated++;
        for (i = 0; i < p->nprefs; i++)
            if (p->prefs[i] == o)
                r->rank = i + 1;
        if (p->pinned >= 0) {
            r->why = SA_WHY_PINNED;
            sum->pinned++;
            continue;
        }
        if (p->nprefs == 0) {
            r->why = SA_WHY_NO_PREFS;
            sum->no_prefs++;
            continue;
        }
        c = cost(s, q, o);
        sum->rank_sum += c;
        if (c == 1) {
            r->why = SA_WHY_FIRST;
            sum->by_rank[0]++;
            continue;
        }
        /* Every better choice is full in a rank-optimal assignment; it is
         * "full with people who ranked it higher" when nobody there who is
         * not pinned ranked it lower than this person did. */
        limit = c <= p->nprefs ? c - 1 : p->nprefs;
        for (i = 0; i < limit; i++) {
            int b = p->prefs[i];

            if (count[b] >= capacity[b] && r->full_option < 0)
                r->full_option = b, r->full_rank = i + 1;
            if (count[b] < capacity[b] || maxc[b] > i + 1)
                ok = 0;
        }
        if (c > p->nprefs) {
            r->why = SA_WHY_UNRANKED;
            sum->unranked++;
        } else {
            r->why = ok ? SA_WHY_LOWER_FULL : SA_WHY_LOWER_COSTLIER;
            sum->by_rank[c - 1]++;
        }
    }
}

static void free_heaps(struct sa *s)
{
    if (s->h != NULL)
        for (int i = 0; i < s->k * s->k; i++)
            free(s->h[i].e);
    free(s->h);
    s->h = NULL;
}

static void state_free(struct sa *s)
{
    if (s == NULL)
        return;
    free_heaps(s);
    free(s->nmo);
    free(s->muni);
    free(s->stamp);
    free(s->loc);
    free(s->cost);
    free(s);
}

/* The state for n people over k options with what phase 1 needs; NULL when
 * memory runs out. */
static struct sa *state_new(const struct sa_person *people, int n, int k)
{
    struct sa *s = calloc(1, sizeof *s);

    if (s == NULL)
        return NULL;
    s->k = k, s->n = n, s->pp = people;
    s->cost = malloc((size_t)n * k + 1);
    s->loc = malloc(((size_t)n + 1) * sizeof *s->loc);
    s->stamp = calloc((size_t)n + 1, sizeof *s->stamp);
    s->muni = malloc(((size_t)n + 1) * sizeof *s->muni);
    s->h = calloc((size_t)k * k, sizeof *s->h);
    if (!s->cost || !s->loc || !s->stamp || !s->muni || !s->h) {
        state_free(s);
        return NULL;
    }
    return s;
}

/* Rule 3's costs: the rank of o in q's prefs, nopts + 1 where q did not rank
 * o, 0 everywhere without prefs; every option starts with all its seats free
 * and no mover. */
static void init_costs(struct sa *s, const int *capacity)
{
    int k = s->k, q, o, i;

    for (q = 0; q < s->n; q++) {
        const struct sa_person *p = &s->pp[q];
        unsigned char *c = &s->cost[(size_t)q * k];

        memset(c, p->nprefs > 0 ? k + 1 : 0, (size_t)k);
        for (i = 0; i < p->nprefs; i++)
            c[p->prefs[i]] = (unsigned char)(i + 1);
    }
    for (o = 0; o < k; o++) {
        s->room[o] = capacity[o];
        for (i = 0; i < k; i++)
            s->w[o * k + i] = W_INF;
    }
}

/* Rule 2: the pinned sit at their pins, the seats left go to the unpinned in
 * registration order.  order[] gets the unpinned who have a seat in the order
 * rule 3 places them: those with preferences first, so that those without
 * take what is left, registration order within each.  Returns how many. */
static int choose_seated(struct sa *s, const int *capacity, int *order)
{
    const struct sa_person *people = s->pp;
    long long seats = 0;
    int q, o, i, norder = 0;

    for (o = 0; o < s->k; o++)
        seats += capacity[o];
    for (q = 0; q < s->n; q++) {
        s->loc[q] = NOWHERE;
        if (people[q].pinned >= 0) {
            s->loc[q] = people[q].pinned;
            s->room[people[q].pinned]--;
            seats--;
        }
    }
    /* -2 marks the unpinned people who get one of the seats left. */
    for (q = 0; q < s->n && seats > 0; q++)
        if (people[q].pinned < 0)
            s->loc[q] = -2, seats--;
    for (q = 0; q < s->n; q++)
        if (s->loc[q] == -2 && people[q].nprefs > 0)
            order[norder++] = q;
    for (q = 0; q < s->n; q++)
        if (s->loc[q] == -2 && people[q].nprefs == 0)
            order[norder++] = q;
    for (i = 0; i < norder; i++)
        s->loc[order[i]] = NOWHERE;
    return norder;
}

/* Rule 3: adds order[] one by one along shortest paths, which keeps the rank
 * sum minimal after each (see the top comment).  Returns 0, -1 when memory
 * runs out, -2 with a message when a person finds no free seat (a bug). */
static int place_all(struct sa *s, const int *order, int norder, char *err, size_t errsz)
{
    for (int i = 0; i < norder; i++) {
        int r = augment(s, order[i]);

        if (r == -1)
            return -1;
        if (r < 0) {
            eng_msgf(err, errsz, "internal error: no free seat for person %d", order[i]);
            return -2;
        }
    }
    return 0;
}

/* Rule 4 may move a seated, unpinned person only among the options where
 * their reduced cost, cost - pi, is minimal: anywhere else would raise the
 * rank sum (the potentials are an optimal dual).  tight[q] gets that set,
 * flex[] the people with two options or more in it.  Returns how many. */
static int tight_sets(const struct sa *s, uint64_t *tight, int *flex)
{
    int q, o, nflex = 0;

    for (q = 0; q < s->n; q++) {
        long long base;
        uint64_t mask = 0;

        if (s->loc[q] == NOWHERE || s->pp[q].pinned >= 0)
            continue;
        base = cost(s, q, s->loc[q]) - s->pi[s->loc[q]];
        for (o = 0; o < s->k; o++)
            if (cost(s, q, o) - s->pi[o] == base)
                mask |= UINT64_C(1) << o;
        if (mask & (mask - 1)) /* two options or more */
            tight[q] = mask, flex[nflex++] = q;
    }
    return nflex;
}

/* Rule 4 and its counts in sum: the fewest same-municipality pairs that the
 * rank sum allows; only the nplaced people rule 3 placed can move.  Returns
 * -1 when memory runs out. */
static int spread_municipalities(struct sa *s, int nplaced, struct sa_summary *sum)
{
    uint64_t *tight = NULL;
    int *flex = NULL, nflex, rc = -1;

    if (number_municipalities(s) < 0)
        return -1;
    sum->pairs_before_spread = pairs(s);
    tight = calloc((size_t)s->n + 1, sizeof *tight);
    flex = malloc(((size_t)nplaced + 1) * sizeof *flex);
    if (tight == NULL || flex == NULL)
        goto out;
    nflex = tight_sets(s, tight, flex);
    if (spread(s, flex, nflex, tight, &sum->spread_exchanges) < 0)
        goto out;
    sum->same_municipality_pairs = pairs(s);
    rc = 0;
out:
    free(flex);
    free(tight);
    return rc;
}

int sa_allocate(const int *capacity, int nopts, const struct sa_person *people, int n,
                struct sa_result *out, struct sa_summary *sum, char *err, size_t errsz)
{
    struct sa *s = NULL;
    struct sa_summary local;
    int *order = NULL, norder, r, rc = -1;

    if (validate(capacity, nopts, people, n, out, err, errsz) < 0)
        return -1;
    if (sum == NULL)
        sum = &local;
    memset(sum, 0, sizeof *sum);
    if ((s = state_new(people, n, nopts)) == NULL ||
        (order = malloc(((size_t)n + 1) * sizeof *order)) == NULL)
        goto oom;
    init_costs(s, capacity);
    norder = choose_seated(s, capacity, order);
    r = place_all(s, order, norder, err, errsz);
    if (r == -1)
        goto oom;
    if (r < 0)
        goto out;
    free_heaps(s); /* phase 1 only */
    if (spread_municipalities(s, norder, sum) < 0)
        goto oom;
    report(s, capacity, out, sum);
    rc = 0;
    goto out;
oom:
    eng_msgf(err, errsz, "out of memory");
out:
    state_free(s);
    free(order);
    return rc;
}

/* ---- explanations ------------------------------------------------------- */

static const char *ordinal_suffix(int n)
{
    if (n % 100 >= 11 && n % 100 <= 13)
        return "th";
    switch (n % 10) {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
    }
}

const char *sa_why_name(enum sa_why why)
{
    switch (why) {
    case SA_WHY_FIRST: return "first choice";
    case SA_WHY_LOWER_FULL: return "lower choice, better ones full";
    case SA_WHY_LOWER_COSTLIER: return "lower choice, better ones would cost others more";
    case SA_WHY_UNRANKED: return "unranked option";
    case SA_WHY_NO_PREFS: return "no preferences";
    case SA_WHY_PINNED: return "pinned";
    case SA_WHY_WAITING: return "waiting list";
    }
    return "unknown";
}

/* The line of a lower choice: "<rank> choice: <name> (<its rank>)", then why
 * the better one was not given. */
static int lower_choice(const struct sa_result *r, const char *name, const char *why, char *buf,
                        size_t bufsz)
{
    return snprintf(buf, bufsz, "%d%s choice: %s (%d%s) %s", r->rank, ordinal_suffix(r->rank),
                    name, r->full_rank, ordinal_suffix(r->full_rank), why);
}

int sa_explain(const struct sa_result *r, const char *const *option_names, char *buf,
               size_t bufsz)
{
    char num[32];
    const char *name = NULL;
    char dummy[1];

    if (buf == NULL || bufsz == 0)
        buf = dummy, bufsz = sizeof dummy;
    if (r->full_option >= 0) {
        if (option_names != NULL)
            name = option_names[r->full_option];
        if (name == NULL) {
            snprintf(num, sizeof num, "option %d", r->full_option + 1);
            name = num;
        }
    }
    switch (r->why) {
    case SA_WHY_FIRST:
        return snprintf(buf, bufsz, "1st choice");
    case SA_WHY_LOWER_FULL:
        if (name == NULL)
            break;
        if (r->rank == 2)
            return snprintf(buf, bufsz, "2nd choice: %s (1st) is full with people who ranked it higher",
                            name);
        return lower_choice(r, name, "and your other better choices are full with people "
                            "who ranked them higher", buf, bufsz);
    case SA_WHY_LOWER_COSTLIER:
        if (name == NULL)
            break;
        return lower_choice(r, name, "is full; a seat there would cost others more than it "
                            "gains you", buf, bufsz);
    case SA_WHY_UNRANKED:
        if (name == NULL)
            break;
        return snprintf(buf, bufsz, "none of your choices: they are full, %s (%d%s) first",
                        name, r->full_rank, ordinal_suffix(r->full_rank));
    case SA_WHY_NO_PREFS:
        return snprintf(buf, bufsz, "no preferences given: placed where seats were left");
    case SA_WHY_PINNED:
        return snprintf(buf, bufsz, "placed by the organizers");
    case SA_WHY_WAITING:
        return snprintf(buf, bufsz, "waiting list, position %d: all seats are taken",
                        r->waiting_pos);
    }
    return snprintf(buf, bufsz, "%s", sa_why_name(r->why));
}
