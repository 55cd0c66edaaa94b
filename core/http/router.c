/* router.c - route tables and path matching; see router.h. */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct router {
    const struct route *routes[ROUTER_MAX_ROUTES];
    size_t literal[ROUTER_MAX_ROUTES]; /* bytes before the first {id} */
    int n;
};

struct router *router_new(void) { return calloc(1, sizeof(struct router)); }

void router_free(struct router *r) { free(r); }

/* '/'-rooted, each {id} a whole segment (or before a '.'), at most
 * ROUTER_MAX_IDS of them. */
static int pattern_ok(const char *p)
{
    int ids = 0;

    if (p == NULL || p[0] != '/')
        return 0;
    for (const char *s = strchr(p, '{'); s; s = strchr(s + 1, '{'))
        if (strncmp(s, "{id}", 4) != 0 || s[-1] != '/' ||
            (s[4] != '\0' && s[4] != '/' && s[4] != '.') || ++ids > ROUTER_MAX_IDS)
            return 0;
    return 1;
}

/* 1 when r has a route for the same method and pattern: it would never be
 * reached. */
static int taken(const struct router *r, const struct route *t)
{
    for (int i = 0; i < r->n; i++)
        if (r->routes[i]->method == t->method && strcmp(r->routes[i]->pattern, t->pattern) == 0)
            return 1;
    return 0;
}

int router_add(struct router *r, const struct route *table)
{
    for (const struct route *t = table; t->pattern; t++) {
        const char *brace;

        if (r->n == ROUTER_MAX_ROUTES || !pattern_ok(t->pattern) || t->handler == NULL ||
            t->method == 0 || (t->method & (t->method - 1)) != 0 || taken(r, t))
            return -1;
        brace = strchr(t->pattern, '{');
        r->literal[r->n] = brace ? (size_t)(brace - t->pattern) : strlen(t->pattern);
        r->routes[r->n++] = t;
    }
    return 0;
}

/* Matches path against pattern, filling ids[] from its "{id}" segments.
 * Returns 1 on a match, 0 when not, -1 when the shape matches but an {id}
 * is not a positive integer (at most 15 digits). */
static int match(const char *pattern, const char *path, long long ids[ROUTER_MAX_IDS])
{
    const char *p = pattern, *s = path;
    int n = 0, bad = 0;

    while (*p && *s) {
        if (*p == '{') { /* router_add made sure: "{id}" */
            long long v = 0;
            int digits = 0;

            for (; *s && *s != '/' && *s != '.'; s++, digits++) {
                if (*s < '0' || *s > '9' || digits >= 15)
                    bad = 1;
                else
                    v = v * 10 + (*s - '0');
            }
            if (digits == 0 || v == 0)
                bad = 1;
            if (n < ROUTER_MAX_IDS)
                ids[n++] = v;
            p += 4;
            continue;
        }
        /* The literal run up to the next {id}, in one comparison. */
        {
            size_t run = strcspn(p, "{");

            if (strncmp(p, s, run) != 0)
                return 0;
            p += run;
            s += run;
        }
    }
    if (*p != '\0' || *s != '\0')
        return 0;
    return bad ? -1 : 1;
}

int router_find(const struct router *r, unsigned method, const char *path,
                struct route_match *m)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < r->n; i++) {
        const struct route *rt = r->routes[i];
        long long ids[ROUTER_MAX_IDS] = {0};
        int hit;

        /* Most routes differ before their first {id}: a cheap test first. */
        if (strncmp(rt->pattern, path, r->literal[i]) != 0)
            continue;
        hit = match(rt->pattern + r->literal[i], path + r->literal[i], ids);
        if (hit < 0)
            m->bad_id = 1;
        if (hit <= 0)
            continue;
        m->allowed |= rt->method;
        if ((rt->method & method) && m->route == NULL) {
            m->route = rt;
            memcpy(m->ids, ids, sizeof ids);
        }
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
