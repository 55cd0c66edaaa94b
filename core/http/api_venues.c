/* api_venues.c - /api/v1/venues: list, create, read, change, delete, and
 * travel times between venues. */
#include "http.h"
#include "venue.h"

static void api_venues_list(struct http_ctx *c)
{
    json_t *list = venue_list_json(c->app->rdb);

    if (list == NULL) {
        http_reply_code(c, ERR_INTERNAL, "could not list venues");
        return;
    }
    http_reply_json(c, 200, json_pack("{s:o}", "venues", list));
}

static void api_venue_get(struct http_ctx *c)
{
    struct err e;

    err_clear(&e);
    http_reply_result(c, venue_json(c->app->rdb, c->id, &e), &e);
}

static int run_venue_create(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    long long id;

    if (venue_create(db, c->in, job->now, c->who.actor, &id, &job->err) < 0)
        return -1;
    c->out = venue_json(db, id, &job->err);
    c->status = 201;
    return c->out ? 0 : -1;
}

static void api_venues_create(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_venue_create);
}

static int run_venue_patch(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (venue_patch(db, c->id, c->in, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = venue_json(db, c->id, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_venue_patch(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_venue_patch);
}

static int run_venue_delete(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (venue_delete(db, c->id, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = json_pack("{s:I, s:b}", "id", (json_int_t)c->id, "deleted", 1);
    c->status = 200;
    return 0;
}

static void api_venue_delete(struct http_ctx *c)
{
    if (!http_require_organizer(c))
        return;
    http_submit(c, run_venue_delete);
}

static int run_venue_travel(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    c->out = venue_travel_put(db, c->id, c->id2, c->in, job->now, c->who.actor, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_venue_travel(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_venue_travel);
}

const struct route api_venues_routes[] = {
    {"/api/v1/venues", ROUTE_GET, api_venues_list},
    {"/api/v1/venues", ROUTE_POST, api_venues_create},
    {"/api/v1/venues/{id}", ROUTE_GET, api_venue_get},
    {"/api/v1/venues/{id}", ROUTE_PATCH, api_venue_patch},
    {"/api/v1/venues/{id}", ROUTE_DELETE, api_venue_delete},
    {"/api/v1/venues/{id}/travel/{id}", ROUTE_PUT, api_venue_travel},
    {NULL, 0, NULL},
};
