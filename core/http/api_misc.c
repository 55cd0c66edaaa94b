/* api_misc.c - health, organisations, networks (listing, reading, creating
 * and editing; directory.c has the rules) and the audit log. */
#include <stdlib.h>

#include "audit.h"
#include "directory.h"
#include "http.h"

static void api_health(struct http_ctx *c)
{
    http_reply_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

static int sort_by_name(struct http_ctx *c, json_t *list)
{
    size_t n = json_array_size(list), i;
    struct collate_item *items = calloc(n ? n : 1, sizeof *items);
    json_t *sorted, *o;

    if (items == NULL)
        return -1;
    json_array_foreach(list, i, o) {
        items[i].k1 = json_string_value(json_object_get(o, "name"));
        items[i].id = json_integer_value(json_object_get(o, "id"));
        items[i].ptr = o;
    }
    if (collate_sort(c->app->coll, items, n) < 0) {
        free(items);
        return -1;
    }
    sorted = json_array();
    for (i = 0; i < n; i++)
        json_array_append(sorted, items[i].ptr);
    json_array_clear(list);
    json_array_extend(list, sorted);
    json_decref(sorted);
    free(items);
    return 0;
}

static void api_organisations_list(struct http_ctx *c)
{
    json_t *list = dir_org_list(c->app->rdb);

    if (list == NULL || sort_by_name(c, list) < 0) {
        json_decref(list);
        http_reply_code(c, ERR_INTERNAL, "could not list organisations");
        return;
    }
    http_reply_json(c, 200, json_pack("{s:o}", "organisations", list));
}

static int run_org_create(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    long long id;

    if (dir_org_create(db, c->in, job->now, c->who.actor, &id, &job->err) < 0)
        return -1;
    c->out = dir_org_json(db, id);
    c->status = 201;
    return c->out ? 0 : -1;
}

static void api_organisations_create(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_org_create);
}

static void api_organisation_get(struct http_ctx *c)
{
    struct err e;

    err_clear(&e);
    http_reply_result(c, dir_org_get_json(c->app->rdb, c->id, &e), &e);
}

static int run_org_patch(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (dir_org_patch(db, c->id, c->in, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = dir_org_get_json(db, c->id, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_organisation_patch(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_org_patch);
}

static void api_network_get(struct http_ctx *c)
{
    struct err e;

    err_clear(&e);
    http_reply_result(c, dir_network_json(c->app->rdb, c->id, &e), &e);
}

static int run_network_create(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    long long id;

    if (dir_network_create(db, c->in, job->now, c->who.actor, &id, &job->err) < 0)
        return -1;
    c->out = dir_network_json(db, id, &job->err);
    c->status = 201;
    return c->out ? 0 : -1;
}

static void api_networks_create(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_network_create);
}

static int run_network_patch(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (dir_network_patch(db, c->id, c->in, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = dir_network_json(db, c->id, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_network_patch(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_network_patch);
}

static void api_networks_list(struct http_ctx *c)
{
    json_t *list = dir_network_list(c->app->rdb);

    if (list == NULL) {
        http_reply_code(c, ERR_INTERNAL, "could not list networks");
        return;
    }
    http_reply_json(c, 200, json_pack("{s:o}", "networks", list));
}

static void api_audit_list(struct http_ctx *c)
{
    const char *before = http_query(c, "before");
    long long b = 0;
    json_t *list;

    if (!http_require_admin(c))
        return;
    if (before) {
        char *end;
        b = strtoll(before, &end, 10);
        if (*end || b <= 0) {
            http_reply_code(c, ERR_BAD_REQUEST, "before: must be a positive id");
            return;
        }
    }
    list = audit_list(c->app->rdb, b, 500);
    if (list == NULL) {
        http_reply_code(c, ERR_INTERNAL, "could not read the audit log");
        return;
    }
    http_reply_json(c, 200, json_pack("{s:o}", "entries", list));
}

const struct route api_misc_routes[] = {
    {"/api/v1/health", ROUTE_GET, api_health},
    {"/api/v1/organisations", ROUTE_GET, api_organisations_list},
    {"/api/v1/organisations", ROUTE_POST, api_organisations_create},
    {"/api/v1/organisations/{id}", ROUTE_GET, api_organisation_get},
    {"/api/v1/organisations/{id}", ROUTE_PATCH, api_organisation_patch},
    {"/api/v1/networks", ROUTE_GET, api_networks_list},
    {"/api/v1/networks", ROUTE_POST, api_networks_create},
    {"/api/v1/networks/{id}", ROUTE_GET, api_network_get},
    {"/api/v1/networks/{id}", ROUTE_PATCH, api_network_patch},
    {"/api/v1/audit", ROUTE_GET, api_audit_list},
    {NULL, 0, NULL},
};
