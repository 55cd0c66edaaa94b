/* api_plugins.c - plugins over HTTP: admins install, upgrade, switch on and
 * off and remove them; organizers enable them per meeting with settings;
 * and every route a plugin registered, under
 * /api/v1/meetings/{id}/plugins/{name}/...
 *
 * A plugin's GET routes run on the loop thread with the read connection, so
 * that they never wait behind a commit; its other routes are writer jobs
 * like any write.  The host checks the route's auth before the plugin runs. */
#include "http.h"

#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "plugin_files.h"
#include "plugin_set.h"
#include "plugin_store.h"
#include "plugin_vm.h"
#include "registration.h"

_Static_assert(PLUGIN_GET == ROUTE_GET && PLUGIN_POST == ROUTE_POST &&
                   PLUGIN_PATCH == ROUTE_PATCH && PLUGIN_DELETE == ROUTE_DELETE &&
                   PLUGIN_PUT == ROUTE_PUT,
               "plugin route methods are router methods");

/* After a change to the installed plugins commits: the writer thread loads
 * the new set from its own connection and publishes it before the next
 * batch, so that no later job runs the old code. */
static void republish(struct db *db, struct wjob *job)
{
    struct plugin_set *s;
    struct err e;

    (void)job;
    err_clear(&e);
    if ((s = plugin_set_load(db, &e)) == NULL) {
        log_error("plugins: the new set does not load: %s (the old one stays)", e.message);
        return;
    }
    plugin_set_publish(s);
}

/* --- admin ---------------------------------------------------------------- */

static void admin_list(struct http_ctx *c)
{
    struct err e;

    if (!http_require_admin(c))
        return;
    err_clear(&e);
    http_reply_result(c, plugin_list_json(c->app->rdb, &e), &e);
}

static void admin_show(struct http_ctx *c)
{
    struct err e;

    if (!http_require_admin(c))
        return;
    err_clear(&e);
    http_reply_result(c, plugin_show_json(c->app->rdb, c->name, &e), &e);
}

static void files_free(void *p)
{
    plugin_files_free(p);
    free(p);
}

static int run_install(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    json_t *out = NULL;

    if (plugin_install(db, c->data, job->now, c->who.actor, &out, &job->err) < 0)
        return -1;
    c->out = out;
    c->status = strcmp(json_string_value(json_object_get(out, "change")), "installed") == 0
                    ? 201 : 200;
    return 0;
}

static int gzip_type(const char *type)
{
    return type && (strncmp(type, "application/gzip", 16) == 0 ||
                    strncmp(type, "application/x-gzip", 18) == 0 ||
                    strncmp(type, "application/octet-stream", 24) == 0);
}

/* The package is read (and refused) here, before the writer sees it. */
static void admin_install(struct http_ctx *c)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(c->req);
    const char *type = evhttp_find_header(evhttp_request_get_input_headers(c->req),
                                          "Content-Type");
    struct plugin_files *files;
    size_t len = evbuffer_get_length(in);
    struct err e;

    if (!http_require_admin(c))
        return;
    if (!gzip_type(type)) {
        http_reply_code(c, ERR_BAD_REQUEST, "send the plugin's .tar.gz as the body, with "
                                            "Content-Type: application/gzip");
        return;
    }
    if ((files = calloc(1, sizeof *files)) == NULL) {
        http_reply_code(c, ERR_INTERNAL, "out of memory");
        return;
    }
    err_clear(&e);
    if (plugin_files_from_targz(evbuffer_pullup(in, -1), len, NULL, files, &e) < 0) {
        free(files);
        http_reply_err(c, &e);
        return;
    }
    c->data = files;
    c->data_free = files_free;
    c->job.committed = republish;
    http_submit(c, run_install);
}

static int run_enable(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    int on = strcmp(c->rest, "/enable") == 0;

    if (plugin_set_enabled(db, c->name, on, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = plugin_show_json(db, c->name, &job->err);
    return c->out ? 0 : -1;
}

/* POST /api/v1/admin/plugins/{name}/{*}: enable or disable. */
static void admin_switch(struct http_ctx *c)
{
    if (!http_require_admin(c))
        return;
    if (strcmp(c->rest, "/enable") != 0 && strcmp(c->rest, "/disable") != 0) {
        http_reply_code(c, ERR_NOT_FOUND, "no such resource: .../enable or .../disable");
        return;
    }
    c->job.committed = republish;
    http_submit(c, run_enable);
}

static int run_remove(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (plugin_remove(db, c->name, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = json_pack("{s:s, s:b}", "name", c->name, "removed", 1);
    return 0;
}

static void admin_remove(struct http_ctx *c)
{
    if (!http_require_admin(c))
        return;
    c->job.committed = republish;
    http_submit(c, run_remove);
}

/* --- per meeting ------------------------------------------------------------ */

static void meeting_list(struct http_ctx *c)
{
    struct err e;

    if (!http_require_organizer(c))
        return;
    err_clear(&e);
    http_reply_result(c, plugin_meeting_list_json(c->app->rdb, c->id, &e), &e);
}

static void meeting_show(struct http_ctx *c)
{
    json_t *list, *p, *found = NULL;
    struct err e;
    size_t i;

    if (!http_require_organizer(c))
        return;
    err_clear(&e);
    if ((list = plugin_meeting_list_json(c->app->rdb, c->id, &e)) == NULL) {
        http_reply_err(c, &e);
        return;
    }
    json_array_foreach(list, i, p)
        if (strcmp(json_string_value(json_object_get(p, "plugin")), c->name) == 0)
            found = json_incref(p);
    json_decref(list);
    if (found == NULL) {
        http_reply_code(c, ERR_NOT_FOUND, "the plugin %s was never enabled for this meeting",
                        c->name);
        return;
    }
    http_reply_json(c, 200, found);
}

static int run_meeting_put(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    return plugin_meeting_put(db, c->id, c->name, c->in, job->now, c->who.actor, &c->out,
                              &job->err);
}

static void meeting_put(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_meeting_put);
}

static int run_meeting_delete(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (plugin_meeting_disable(db, c->id, c->name, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = json_pack("{s:s, s:I, s:b}", "plugin", c->name, "meeting_id", (json_int_t)c->id,
                       "enabled", 0);
    return 0;
}

static void meeting_delete(struct http_ctx *c)
{
    if (!http_require_organizer(c))
        return;
    http_submit(c, run_meeting_delete);
}

/* --- a plugin's own routes ------------------------------------------------- */

static unsigned method_of(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET:
    case EVHTTP_REQ_HEAD: return PLUGIN_GET;
    case EVHTTP_REQ_POST: return PLUGIN_POST;
    case EVHTTP_REQ_PUT: return PLUGIN_PUT;
    case EVHTTP_REQ_PATCH: return PLUGIN_PATCH;
    case EVHTTP_REQ_DELETE: return PLUGIN_DELETE;
    default: return 0;
    }
}

static const char *role_name(const struct principal *p)
{
    if (auth_is_admin(p))
        return "admin";
    if (auth_is_organizer(p))
        return "organizer";
    if (p->kind == PRINCIPAL_REGISTRATION)
        return "participant";
    return "public";
}

/* Finds the route in this thread's vm of the plugin; 404/405 answered
 * here (0 returned). */
static int find_route(struct http_ctx *c, struct plugin_vm **vm_out, size_t *index,
                      json_t **params)
{
    const struct plugin_set *set = plugin_rt_set();
    const struct plugin_def *def = set ? plugin_set_find(set, c->name) : NULL;
    const struct plugin_route *routes;
    struct plugin_vm *vm;
    unsigned allowed = 0, want = method_of(c->method);
    size_t n;
    struct err e;

    if (def == NULL) {
        http_reply_code(c, ERR_NOT_FOUND, "no plugin %s is installed and switched on", c->name);
        return 0;
    }
    if ((vm = plugin_rt_vm(def, &e)) == NULL) {
        http_reply_err(c, &e);
        return 0;
    }
    routes = plugin_vm_routes(vm, &n);
    for (size_t i = 0; i < n; i++) {
        json_t *p;

        if (!plugin_route_match(routes[i].path, c->rest, &p))
            continue;
        allowed |= routes[i].method;
        if (routes[i].method == want) {
            *vm_out = vm;
            *index = i;
            *params = p;
            return 1;
        }
        json_decref(p);
    }
    if (allowed) {
        char allow[64];

        router_allow_text(allowed, allow, sizeof allow);
        evhttp_add_header(evhttp_request_get_output_headers(c->req), "Allow", allow);
        http_reply_code(c, ERR_METHOD_NOT_ALLOWED, "allowed methods: %s", allow);
    } else {
        http_reply_code(c, ERR_NOT_FOUND, "the plugin %s has no route %s", c->name, c->rest);
    }
    return 0;
}

/* The host's check of a route's auth: 0 (answered) when the caller may not. */
static int auth_ok(struct http_ctx *c, enum plugin_auth need, const struct registration *r)
{
    switch (need) {
    case PLUGIN_AUTH_PUBLIC:
        return 1;
    case PLUGIN_AUTH_PARTICIPANT:
        if (c->who.kind == PRINCIPAL_REGISTRATION && r != NULL && r->meeting_id == c->id)
            return 1;
        if (c->who.kind == PRINCIPAL_NONE)
            http_reply_code(c, ERR_UNAUTHORIZED, "this needs the registration's manage token");
        else
            http_reply_code(c, ERR_FORBIDDEN, "this needs the manage token of a registration "
                                              "for this meeting");
        return 0;
    case PLUGIN_AUTH_ORGANIZER:
        return http_require_organizer(c);
    case PLUGIN_AUTH_ADMIN:
        return http_require_admin(c);
    }
    return 0;
}

/* The request table the plugin gets. */
static json_t *request_json(struct http_ctx *c, json_t *params, json_t *body,
                            const struct registration *r)
{
    json_t *q = json_object(), *req;
    struct evkeyval *kv;

    for (kv = c->query.tqh_first; kv != NULL; kv = kv->next.tqe_next)
        json_object_set_new(q, kv->key, json_string(kv->value));
    req = json_pack("{s:s, s:s, s:I, s:o, s:o, s:O, s:s, s:s}", "method",
                    plugin_method_name(method_of(c->method)), "path", c->rest, "meeting_id",
                    (json_int_t)c->id, "params", params, "query", q, "body", body ? body : json_null(), "role", role_name(&c->who), "lang",
                    http_query(c, "lang") && strcmp(http_query(c, "lang"), "en") == 0 ? "en"
                                                                                        : "lv");
    if (req && r)
        json_object_set_new(req, "registration", reg_to_json(r));
    return req;
}

/* What the route returned, as the answer: status and body, or its fail. */
static void call_answer(struct http_ctx *c, struct plugin_call *call, int *status, json_t **out)
{
    if (call->failed) {
        *status = call->status;
        *out = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", call->code, "message",
                         call->message, "plugin", c->name);
        if (*out && call->field[0])
            json_object_set_new(json_object_get(*out, "error"), "field",
                                json_string(call->field));
        return;
    }
    {
        json_t *st = json_object_get(call->result, "status");
        json_int_t s = json_is_integer(st) ? json_integer_value(st) : 200;

        *status = s >= 200 && s <= 599 ? (int)s : 500;
        *out = json_incref(json_object_get(call->result, "body"));
        if (*out == NULL)
            *out = json_object();
    }
}

/* A GET route may answer text: {status = 200, body = "...", content_type =
 * "text/csv" or "text/plain", filename = "list.csv"}.  1 when it did (and
 * the answer is sent), 0 for a JSON answer.  Only these two types: a
 * plugin's HTML would be a way into the organizers' browsers. */
static int text_answer(struct http_ctx *c, json_t *result)
{
    const char *type = json_string_value(json_object_get(result, "content_type"));
    const char *file = json_string_value(json_object_get(result, "filename"));
    json_t *body = json_object_get(result, "body"), *st = json_object_get(result, "status");
    struct evkeyvalq *h = evhttp_request_get_output_headers(c->req);
    const char *ctype;
    int status = json_is_integer(st) ? (int)json_integer_value(st) : 200;

    if (type == NULL)
        return 0;
    if (strcmp(type, "text/csv") == 0)
        ctype = "text/csv; charset=utf-8";
    else if (strcmp(type, "text/plain") == 0)
        ctype = "text/plain; charset=utf-8";
    else {
        http_reply_code(c, ERR_PLUGIN_FAILED, "plugin %s: content_type may be text/csv or "
                                              "text/plain, not %.40s", c->name, type);
        return 1;
    }
    if (!json_is_string(body)) {
        http_reply_code(c, ERR_PLUGIN_FAILED, "plugin %s: a text answer needs a text body",
                        c->name);
        return 1;
    }
    if (file) {
        char disposition[96], safe[64];
        size_t n = 0;

        /* only plain file-name characters reach the header */
        for (const char *p = file; *p && n < sizeof safe - 1; p++)
            safe[n++] = (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789._-", *p) ? *p : '_');
        safe[n] = '\0';
        snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", safe);
        evhttp_add_header(h, "Content-Disposition", disposition);
    }
    /* lists of people: never kept by a cache */
    evhttp_add_header(h, "Cache-Control", "no-store");
    http_reply_text(c, status >= 200 && status <= 599 ? status : 500, ctype,
                    json_string_value(body), json_string_length(body));
    return 1;
}

struct route_job {
    enum plugin_auth auth; /* what the loop checked */
    json_t *request;
};

static void route_job_free(void *p)
{
    struct route_job *j = p;

    json_decref(j->request);
    free(j);
}

static int run_plugin_route(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    struct route_job *rj = c->data;
    const struct plugin_set *set = plugin_rt_set();
    const struct plugin_def *def = set ? plugin_set_find(set, c->name) : NULL;
    struct plugin_call call = {.db = db, .meeting_id = c->id,
                               .lang = json_string_value(json_object_get(rj->request, "lang"))};
    json_t *settings = NULL;
    const struct plugin_route *routes;
    struct plugin_vm *vm;
    size_t n, i;
    json_t *params;
    int rc;

    /* The plugin may have been switched off since the loop looked. */
    if (def == NULL || plugin_meeting_enabled(db, c->id, c->name, &settings, &job->err) <= 0) {
        if (job->err.code == ERR_NONE)
            err_set(&job->err, ERR_NOT_FOUND, NULL, "the plugin %s is not enabled for this "
                                                    "meeting", c->name);
        return -1;
    }
    if ((vm = plugin_rt_vm(def, &job->err)) == NULL) {
        json_decref(settings);
        return -1;
    }
    /* The route again, in this thread's copy of the plugin: an upgrade may
     * have come between the loop's check and now. */
    routes = plugin_vm_routes(vm, &n);
    for (i = 0; i < n; i++)
        if (routes[i].method == method_of(c->method) &&
            plugin_route_match(routes[i].path, c->rest, &params)) {
            json_decref(params);
            break;
        }
    if (i == n || routes[i].auth != rj->auth) {
        json_decref(settings);
        return err_set(&job->err, ERR_OVERLOADED, NULL,
                       "the plugin %s changed while the request waited: send it again", c->name);
    }
    call.settings = settings;
    plugin_rt_enter();
    rc = plugin_vm_route(vm, i, rj->request, &call, &job->err);
    plugin_rt_leave();
    json_decref(settings);
    if (rc == 0)
        call_answer(c, &call, &c->status, &c->out);
    json_decref(call.result);
    /* A route that fails undoes what it wrote; its answer stays in c->out. */
    return rc < 0 || call.failed ? -1 : 0;
}

static void plugin_route(struct http_ctx *c)
{
    struct plugin_vm *vm;
    const struct plugin_route *routes;
    struct registration r, *rp = NULL;
    json_t *params, *body = NULL, *settings = NULL, *request;
    size_t index, n;
    struct err e;
    int enabled;

    if (!http_meeting_visible(c))
        return;
    err_clear(&e);
    if ((enabled = plugin_meeting_enabled(c->app->rdb, c->id, c->name, &settings, &e)) <= 0) {
        if (enabled < 0)
            http_reply_err(c, &e);
        else
            http_reply_code(c, ERR_NOT_FOUND, "the plugin %s is not enabled for this meeting",
                            c->name);
        return;
    }
    if (!find_route(c, &vm, &index, &params)) {
        json_decref(settings);
        return;
    }
    routes = plugin_vm_routes(vm, &n);
    /* A public route that writes is a public write like registering. */
    if (routes[index].auth == PLUGIN_AUTH_PUBLIC && c->method != EVHTTP_REQ_GET &&
        c->method != EVHTTP_REQ_HEAD && !http_rate_limit(c)) {
        json_decref(params);
        json_decref(settings);
        return;
    }
    if (c->who.kind == PRINCIPAL_REGISTRATION &&
        reg_load(c->app->rdb, c->who.registration_id, &r, &e) == 0)
        rp = &r;
    if (!auth_ok(c, routes[index].auth, rp))
        goto out;
    if (c->method != EVHTTP_REQ_GET && c->method != EVHTTP_REQ_HEAD &&
        evbuffer_get_length(evhttp_request_get_input_buffer(c->req)) > 0) {
        if (!http_body_json(c))
            goto out;
        body = json_incref(c->in);
    }
    request = request_json(c, params, body, rp);
    params = NULL;
    json_decref(body);
    if (request == NULL) {
        http_reply_code(c, ERR_INTERNAL, "out of memory");
        goto out;
    }
    if (c->method == EVHTTP_REQ_GET || c->method == EVHTTP_REQ_HEAD) {
        struct plugin_call call = {.db = c->app->rdb, .meeting_id = c->id, .settings = settings,
                                   .lang = json_string_value(json_object_get(request, "lang"))};
        int status;
        json_t *out;

        plugin_rt_enter();
        if (plugin_vm_route(vm, index, request, &call, &e) < 0) {
            plugin_rt_leave();
            log_warn("%s", e.message);
            http_reply_err(c, &e);
        } else if (!call.failed && text_answer(c, call.result)) {
            plugin_rt_leave();
        } else {
            plugin_rt_leave();
            call_answer(c, &call, &status, &out);
            http_reply_json(c, status, out);
        }
        json_decref(call.result);
        json_decref(request);
    } else {
        struct route_job *rj = calloc(1, sizeof *rj);

        if (rj == NULL) {
            json_decref(request);
            http_reply_code(c, ERR_INTERNAL, "out of memory");
            goto out;
        }
        rj->auth = routes[index].auth;
        rj->request = request;
        c->data = rj;
        c->data_free = route_job_free;
        http_submit(c, run_plugin_route);
    }
out:
    json_decref(params);
    json_decref(settings);
    if (rp)
        reg_clear(rp);
}

/* --- what a plugin shows everyone, for the pages ---------------------------- */

json_t *http_plugin_public_json(struct http_ctx *c, const char *name, const char *path,
                                const char *lang)
{
    const struct plugin_set *set;
    const struct plugin_def *def;
    const struct plugin_route *routes;
    struct plugin_vm *vm;
    json_t *settings = NULL, *params = NULL, *request, *out = NULL;
    size_t n, i;
    struct err e;

    err_clear(&e);
    if (plugin_meeting_enabled(c->app->rdb, c->id, name, &settings, &e) <= 0)
        goto done; /* not enabled (or unreadable: the page goes without it) */
    set = plugin_rt_set();
    def = set ? plugin_set_find(set, name) : NULL;
    if (def == NULL || (vm = plugin_rt_vm(def, &e)) == NULL)
        goto done;
    routes = plugin_vm_routes(vm, &n);
    for (i = 0; i < n; i++) {
        if (routes[i].method == PLUGIN_GET && routes[i].auth == PLUGIN_AUTH_PUBLIC &&
            plugin_route_match(routes[i].path, path, &params))
            break;
    }
    if (i == n)
        goto done;
    request = json_pack("{s:s, s:s, s:I, s:o, s:{}, s:n, s:s, s:s}", "method", "GET", "path",
                        path, "meeting_id", (json_int_t)c->id, "params", params, "query",
                        "body", "role", "public", "lang", lang);
    params = NULL;
    if (request) {
        struct plugin_call call = {.db = c->app->rdb, .meeting_id = c->id,
                                   .settings = settings, .lang = lang};
        json_t *st;

        plugin_rt_enter();
        if (plugin_vm_route(vm, i, request, &call, &e) == 0 && !call.failed) {
            st = json_object_get(call.result, "status");
            if ((st == NULL || json_integer_value(st) == 200) &&
                json_is_object(json_object_get(call.result, "body")))
                out = json_incref(json_object_get(call.result, "body"));
        }
        plugin_rt_leave();
        json_decref(call.result);
        json_decref(request);
    }
done:
    if (e.code != ERR_NONE)
        log_warn("page: plugin %s %s: %s", name, path, e.message);
    json_decref(params);
    json_decref(settings);
    return out;
}

const struct route api_plugins_routes[] = {
    {"/api/v1/admin/plugins", ROUTE_GET, admin_list},
    {"/api/v1/admin/plugins", ROUTE_POST, admin_install},
    {"/api/v1/admin/plugins/{name}", ROUTE_GET, admin_show},
    {"/api/v1/admin/plugins/{name}", ROUTE_DELETE, admin_remove},
    {"/api/v1/admin/plugins/{name}/{*}", ROUTE_POST, admin_switch},
    {"/api/v1/meetings/{id}/plugins", ROUTE_GET, meeting_list},
    {"/api/v1/meetings/{id}/plugins/{name}", ROUTE_GET, meeting_show},
    {"/api/v1/meetings/{id}/plugins/{name}", ROUTE_PUT, meeting_put},
    {"/api/v1/meetings/{id}/plugins/{name}", ROUTE_DELETE, meeting_delete},
    {"/api/v1/meetings/{id}/plugins/{name}/{*}", ROUTE_GET, plugin_route},
    {"/api/v1/meetings/{id}/plugins/{name}/{*}", ROUTE_POST, plugin_route},
    {"/api/v1/meetings/{id}/plugins/{name}/{*}", ROUTE_PUT, plugin_route},
    {"/api/v1/meetings/{id}/plugins/{name}/{*}", ROUTE_PATCH, plugin_route},
    {"/api/v1/meetings/{id}/plugins/{name}/{*}", ROUTE_DELETE, plugin_route},
    {NULL, 0, NULL},
};
