/* router.c - route tables and path matching; see router.h.
 *
 * Patterns are split into segments once, when they are added; a request's
 * path is split once per request.  A route whose segment count differs is
 * then rejected by one comparison, and the rest compare whole segments by
 * length and memcmp: about a tenth of what comparing every pattern
 * character by character cost on each request. */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGS 16

/* One '/'-separated piece of a pattern: a literal, or "{id}" followed by
 * an optional literal suffix (".ics" in "{id}.ics"). */
enum seg_kind { SEG_LITERAL, SEG_ID, SEG_NAME };

struct seg {
    const char *text; /* the literal, or the suffix after {id}; not NUL-terminated */
    size_t len;
    int is_id;        /* enum seg_kind */
};

struct compiled {
    const struct route *route;
    int nseg;         /* without the {*} */
    int rest;         /* ends in {*} */
    struct seg segs[MAX_SEGS];
};

struct router {
    struct compiled routes[ROUTER_MAX_ROUTES];
    int n;
    /* The routes by segment count, each group in the order added:
     * order[first[k]] .. order[first[k + 1] - 1] have k segments. */
    short order[ROUTER_MAX_ROUTES];
    short first[MAX_SEGS + 2];
    short rest_order[ROUTER_MAX_ROUTES]; /* the {*} routes, in the order added */
    int nrest;
};

struct router *router_new(void) { return calloc(1, sizeof(struct router)); }

void router_free(struct router *r) { free(r); }

/* Splits a '/'-rooted path into at most MAX_SEGS segments (the text after
 * each '/'); -1 when there are more or it does not start with '/'. */
static int split(const char *path, struct seg *segs)
{
    int n = 0;

    if (path[0] != '/')
        return -1;
    for (const char *s = path + 1;; ) {
        const char *end = strchr(s, '/');
        size_t len = end ? (size_t)(end - s) : strlen(s);

        if (n == MAX_SEGS)
            return -1;
        segs[n].text = s;
        segs[n].len = len;
        segs[n].is_id = 0;
        n++;
        if (end == NULL)
            return n;
        s = end + 1;
    }
}

/* Compiles a pattern: '/'-rooted, each {id} at the start of a segment and
 * followed by the segment's end or a '.', at most ROUTER_MAX_IDS of them,
 * no '{' elsewhere. */
static int compile(const char *p, struct compiled *c)
{
    int ids = 0;

    if (p == NULL || (c->nseg = split(p, c->segs)) < 0)
        return -1;
    int names = 0;

    if (c->nseg > 0 && c->segs[c->nseg - 1].len == 3 &&
        memcmp(c->segs[c->nseg - 1].text, "{*}", 3) == 0) {
        c->rest = 1;
        c->nseg--;
    }
    for (int i = 0; i < c->nseg; i++) {
        struct seg *g = &c->segs[i];
        const char *brace = memchr(g->text, '{', g->len);

        if (brace == NULL)
            continue;
        if (g->len == 6 && memcmp(g->text, "{name}", 6) == 0) {
            if (++names > 1)
                return -1;
            g->is_id = SEG_NAME;
            continue;
        }
        if (brace != g->text || g->len < 4 || strncmp(g->text, "{id}", 4) != 0 ||
            (g->len > 4 && g->text[4] != '.') || memchr(g->text + 4, '{', g->len - 4) ||
            ++ids > ROUTER_MAX_IDS)
            return -1;
        g->is_id = SEG_ID;
        g->text += 4;
        g->len -= 4;
    }
    return 0;
}

static int name_ok(const struct seg *s)
{
    if (s->len == 0 || s->len > ROUTER_NAME_MAX || !(s->text[0] >= 'a' && s->text[0] <= 'z'))
        return 0;
    for (size_t i = 1; i < s->len; i++)
        if (!((s->text[i] >= 'a' && s->text[i] <= 'z') ||
              (s->text[i] >= '0' && s->text[i] <= '9') || s->text[i] == '-'))
            return 0;
    return 1;
}

/* 1 when r has a route for the same method and pattern: it would never be
 * reached. */
static int taken(const struct router *r, const struct route *t)
{
    for (int i = 0; i < r->n; i++)
        if (r->routes[i].route->method == t->method &&
            strcmp(r->routes[i].route->pattern, t->pattern) == 0)
            return 1;
    return 0;
}

/* Rebuilds order[] and first[] (a counting sort, stable). */
static void index_routes(struct router *r)
{
    short next[MAX_SEGS + 1];

    memset(r->first, 0, sizeof r->first);
    r->nrest = 0;
    for (int i = 0; i < r->n; i++) {
        if (r->routes[i].rest)
            r->rest_order[r->nrest++] = (short)i;
        else
            r->first[r->routes[i].nseg + 1]++;
    }
    for (int k = 1; k <= MAX_SEGS + 1; k++)
        r->first[k] = (short)(r->first[k] + r->first[k - 1]);
    memcpy(next, r->first, sizeof next);
    for (int i = 0; i < r->n; i++)
        if (!r->routes[i].rest)
            r->order[next[r->routes[i].nseg]++] = (short)i;
}

int router_add(struct router *r, const struct route *table)
{
    int rc = 0;

    for (const struct route *t = table; t->pattern; t++) {
        struct compiled *c;

        if (r->n == ROUTER_MAX_ROUTES || t->handler == NULL || t->method == 0 ||
            (t->method & (t->method - 1)) != 0 || taken(r, t)) {
            rc = -1;
            break;
        }
        c = &r->routes[r->n];
        if (compile(t->pattern, c) < 0) {
            rc = -1;
            break;
        }
        c->route = t;
        r->n++;
    }
    index_routes(r);
    return rc;
}

/* An {id} segment: digits up to the first '.' (or the end), then exactly
 * the suffix.  Returns 1 with *v set, 0 when the suffix differs, -1 when
 * the suffix matches but the id is not a positive integer of at most 15
 * digits. */
static int match_id(const struct seg *pat, const struct seg *s, long long *v)
{
    const char *dot = memchr(s->text, '.', s->len);
    size_t digits = dot ? (size_t)(dot - s->text) : s->len;

    if (s->len - digits != pat->len || memcmp(s->text + digits, pat->text, pat->len) != 0)
        return 0;
    *v = 0;
    if (digits == 0 || digits > 15)
        return -1;
    for (size_t i = 0; i < digits; i++) {
        if (s->text[i] < '0' || s->text[i] > '9')
            return -1;
        *v = *v * 10 + (s->text[i] - '0');
    }
    return *v > 0 ? 1 : -1;
}

/* 1 on a match (ids filled), 0 when not, -1 when the shape matches but an
 * {id} is not a positive integer.  c has nseg segments, like path. */
static int match(const struct compiled *c, const struct seg *path, int nseg,
                 long long ids[ROUTER_MAX_IDS], char name[ROUTER_NAME_MAX + 1])
{
    int n = 0, bad = 0;

    for (int i = 0; i < c->nseg && i < nseg; i++) {
        const struct seg *p = &c->segs[i], *s = &path[i];

        if (p->is_id == SEG_NAME) {
            if (!name_ok(s))
                return 0;
            memcpy(name, s->text, s->len);
            name[s->len] = '\0';
            continue;
        }
        if (p->is_id == SEG_LITERAL) {
            if (p->len != s->len || memcmp(p->text, s->text, s->len) != 0)
                return 0;
            continue;
        }
        switch (match_id(p, s, &ids[n++])) {
        case 0:
            return 0;
        case -1:
            bad = 1;
            break;
        }
    }
    return bad ? -1 : 1;
}

/* Matches one route; records it in m.  1 when it became m's route. */
static int try_route(const struct compiled *c, unsigned method, const struct seg *segs,
                     int nseg, struct route_match *m)
{
    long long ids[ROUTER_MAX_IDS] = {0};
    char name[ROUTER_NAME_MAX + 1] = "";
    int hit = match(c, segs, nseg, ids, name);

    if (hit < 0)
        m->bad_id = 1;
    if (hit <= 0)
        return 0;
    m->allowed |= c->route->method;
    if ((c->route->method & method) && m->route == NULL) {
        m->route = c->route;
        memcpy(m->ids, ids, sizeof ids);
        memcpy(m->name, name, sizeof name);
        return 1;
    }
    return 0;
}

int router_find(const struct router *r, unsigned method, const char *path,
                struct route_match *m)
{
    struct seg segs[MAX_SEGS];
    int nseg = split(path, segs);

    memset(m, 0, sizeof *m);
    if (nseg < 0)
        return 0;
    for (int k = r->first[nseg]; k < r->first[nseg + 1]; k++)
        try_route(&r->routes[r->order[k]], method, segs, nseg, m);
    /* {*} routes: any path deeper than their fixed part */
    for (int k = 0; k < r->nrest; k++) {
        const struct compiled *c = &r->routes[r->rest_order[k]];

        if (nseg > c->nseg && try_route(c, method, segs, nseg, m) && m->rest == NULL)
            m->rest = segs[c->nseg].text - 1;
    }
    return m->route != NULL;
}
void router_allow_text(unsigned allowed, char *out, size_t n)
{
    static const char *const names[ROUTE_METHODS] = {"GET", "POST", "PATCH", "DELETE", "PUT"};
    size_t used = 0;

    if (n == 0)
        return;
    out[0] = '\0';
    for (int i = 0; i < ROUTE_METHODS; i++) {
        if (allowed & (1u << i)) {
            int w = snprintf(out + used, n - used, "%s%s", used ? ", " : "", names[i]);

            if (w < 0 || (size_t)w >= n - used)
                return;
            used += (size_t)w;
        }
    }
}
