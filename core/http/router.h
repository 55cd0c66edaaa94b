/* router.h - the route table: which handler answers a method and a path.
 *
 * Features own their routes: each api_*.c file exports a table of them
 * (http_routes.c lists the tables), and plugins will add theirs at run time.
 * Matching knows nothing of libevent, so that it can be tested alone. */
#ifndef SAIETS_ROUTER_H
#define SAIETS_ROUTER_H

#include <stddef.h>

struct http_ctx;
typedef void (*http_handler)(struct http_ctx *c);

/* Method bits; HEAD is answered by the GET route. */
#define ROUTE_GET (1u << 0)
#define ROUTE_POST (1u << 1)
#define ROUTE_PATCH (1u << 2)
#define ROUTE_DELETE (1u << 3)
#define ROUTE_PUT (1u << 4)
#define ROUTE_METHODS 5

struct route {
    /* "/api/v1/meetings/{id}": {id} is one positive integer segment, {name}
     * one segment of [a-z][a-z0-9-]{0,39} (at most one), and {*} as the last
     * segment stands for one or more segments (what a plugin's routes get). */
    const char *pattern;
    unsigned method;     /* one ROUTE_* bit */
    http_handler handler;
};

#define ROUTER_MAX_ROUTES 256
#define ROUTER_MAX_IDS 2

struct router;

struct router *router_new(void);
void router_free(struct router *r);

/* Adds every route of a table ending in {NULL, 0, NULL}; the table must
 * outlive the router.  0, or -1 when the router is full, a pattern is not
 * well formed (empty, not starting with '/', {id} not a whole segment, more
 * than ROUTER_MAX_IDS of them) or a method and pattern are taken already.
 * Routes added before a refused one stay. */
int router_add(struct router *r, const struct route *table);

#define ROUTER_NAME_MAX 40

struct route_match {
    const struct route *route;   /* NULL: none for this method */
    long long ids[ROUTER_MAX_IDS]; /* the {id} values, in order; 0 if absent */
    char name[ROUTER_NAME_MAX + 1]; /* the {name} segment, "" if none */
    const char *rest;            /* {*}: the rest of the path from its '/', else NULL */
    unsigned allowed;            /* methods the path has routes for */
    int bad_id;                  /* some pattern matched but for an {id} that is
                                    not a positive integer */
};

/* Finds the route for method (a ROUTE_* bit) and path.  Returns 1 with
 * m->route set, or 0 with m->allowed and m->bad_id saying why not
 * (405 when allowed, 400 when bad_id, 404 otherwise). */
int router_find(const struct router *r, unsigned method, const char *path,
                struct route_match *m);

/* "GET, POST" for an allowed set: the Allow header. */
void router_allow_text(unsigned allowed, char *out, size_t n);

#endif
