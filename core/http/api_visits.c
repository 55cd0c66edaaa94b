/* api_visits.c - /api/v1/meetings/{id}/site-visits and /vehicles: slots and
 * their options, the allocation (run, dry run, read), pins, vehicles. */
#include <string.h>

#include "http.h"
#include "meeting.h"
#include "visit.h"
#include "visit_allocation.h"
#include "visit_transport.h"

/* 404 unless the meeting in the path exists; 1 when it does. */
static int meeting_found(struct http_ctx *c)
{
    struct err e;

    err_clear(&e);
    if (meeting_check(c->app->rdb, c->id, &e) < 0) {
        http_reply_err(c, &e);
        return 0;
    }
    return 1;
}

static void api_visits_list(struct http_ctx *c)
{
    struct err e;

    if (!http_meeting_visible(c))
        return;
    err_clear(&e);
    http_reply_result(c, visit_slots_json(c->app->rdb, c->id, &e), &e);
}

static void api_visit_get(struct http_ctx *c)
{
    struct err e;

    if (!http_meeting_visible(c))
        return;
    err_clear(&e);
    http_reply_result(c, visit_slot_json(c->app->rdb, c->id, c->id2, &e), &e);
}

static int run_visit_create(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    long long id;

    if (visit_slot_create(db, c->id, c->in, job->now, c->who.actor, &id, &job->err) < 0)
        return -1;
    c->out = visit_slot_json(db, c->id, id, &job->err);
    c->status = 201;
    return c->out ? 0 : -1;
}

static void api_visits_create(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_visit_create);
}

static int run_allocate(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (visit_allocate(db, c->id, c->id2, json_is_true(json_object_get(c->in, "dry_run")),
                       job->now, c->who.actor, &c->out, &job->err) < 0)
        return -1;
    c->status = 200;
    return 0;
}

static void api_visit_allocate(struct http_ctx *c)
{
    const char *dry = http_query(c, "dry_run");

    if (!http_require_organizer(c))
        return;
    if (dry && strcmp(dry, "0") && strcmp(dry, "1")) {
        http_reply_code(c, ERR_BAD_REQUEST, "dry_run: 0 or 1");
        return;
    }
    c->in = json_pack("{s:b}", "dry_run", dry && strcmp(dry, "1") == 0);
    if (c->in == NULL) {
        http_reply_code(c, ERR_INTERNAL, "out of memory");
        return;
    }
    http_submit(c, run_allocate);
}

/* The allocation names people: organizers only. */
static void api_visit_allocation(struct http_ctx *c)
{
    struct err e;

    if (!http_require_organizer(c))
        return;
    err_clear(&e);
    http_reply_result(c, visit_allocation_json(c->app->rdb, c->id, c->id2, &e), &e);
}

static int run_pin(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (visit_pin_apply(db, c->id, c->id2, c->in, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = visit_slot_json(db, c->id, c->id2, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_visit_pin(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_pin);
}

static int run_vehicle_create(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    long long id;

    if (vehicle_create(db, c->id, c->in, job->now, c->who.actor, &id, &job->err) < 0)
        return -1;
    c->out = vehicle_json(db, c->id, id, &job->err);
    c->status = 201;
    return c->out ? 0 : -1;
}

static void api_vehicles_create(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_vehicle_create);
}

static void api_vehicles_list(struct http_ctx *c)
{
    struct err e;

    if (!http_require_organizer(c) || !meeting_found(c))
        return;
    err_clear(&e);
    http_reply_result(c, vehicles_json(c->app->rdb, c->id, &e), &e);
}

/* The plan names people (escort lists): organizers only. */
static void api_transport_plan(struct http_ctx *c)
{
    struct err e;

    if (!http_require_organizer(c))
        return;
    err_clear(&e);
    http_reply_result(c, visit_transport_plan_json(c->app->rdb, c->id, &e), &e);
}

static int run_visit_patch(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (visit_slot_patch(db, c->id, c->id2, c->in, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = visit_slot_json(db, c->id, c->id2, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_visit_patch(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_visit_patch);
}

static int run_vehicle_patch(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (vehicle_patch(db, c->id, c->id2, c->in, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = vehicle_json(db, c->id, c->id2, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_vehicle_patch(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_vehicle_patch);
}

static int run_vehicle_delete(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (vehicle_delete(db, c->id, c->id2, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = json_pack("{s:I, s:b}", "id", (json_int_t)c->id2, "deleted", 1);
    c->status = 200;
    return 0;
}

static void api_vehicle_delete(struct http_ctx *c)
{
    if (!http_require_organizer(c))
        return;
    http_submit(c, run_vehicle_delete);
}

const struct route api_visits_routes[] = {
    {"/api/v1/meetings/{id}/site-visits", ROUTE_GET, api_visits_list},
    {"/api/v1/meetings/{id}/site-visits", ROUTE_POST, api_visits_create},
    {"/api/v1/meetings/{id}/site-visits/{id}", ROUTE_GET, api_visit_get},
    {"/api/v1/meetings/{id}/site-visits/{id}", ROUTE_PATCH, api_visit_patch},
    {"/api/v1/meetings/{id}/site-visits/{id}/allocate", ROUTE_POST, api_visit_allocate},
    {"/api/v1/meetings/{id}/site-visits/{id}/allocation", ROUTE_GET, api_visit_allocation},
    {"/api/v1/meetings/{id}/site-visits/{id}/pins", ROUTE_POST, api_visit_pin},
    {"/api/v1/meetings/{id}/vehicles", ROUTE_GET, api_vehicles_list},
    {"/api/v1/meetings/{id}/transport-plan", ROUTE_GET, api_transport_plan},
    {"/api/v1/meetings/{id}/vehicles", ROUTE_POST, api_vehicles_create},
    {"/api/v1/meetings/{id}/vehicles/{id}", ROUTE_PATCH, api_vehicle_patch},
    {"/api/v1/meetings/{id}/vehicles/{id}", ROUTE_DELETE, api_vehicle_delete},
    {NULL, 0, NULL},
};
