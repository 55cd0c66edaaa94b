/* api_agenda.c - /api/v1/meetings/{id}/agenda: the programme, its items,
 * its problems, and agenda scripts sent over HTTP. */
#include <errno.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "review.h"
#include "log.h"
#include "script_child.h"
#include "http.h"

#define SCRIPT_BODY_MAX (256 * 1024)

static char *make_agenda(struct http_ctx *c, struct err *e)
{
    return http_json_text(agenda_json(c->app->rdb, c->id, 0, e), e);
}

static void api_agenda_get(struct http_ctx *c)
{
    char key[48];

    if (!http_meeting_visible(c))
        return;
    snprintf(key, sizeof key, "agenda:%lld", c->id);
    http_reply_cached(c, key, "application/json", make_agenda);
}

static void api_agenda_item_get(struct http_ctx *c)
{
    struct err e;

    if (!http_meeting_visible(c))
        return;
    err_clear(&e);
    http_reply_result(c, agenda_item_json(c->app->rdb, c->id, c->id2, &e), &e);
}

static char *make_problems(struct http_ctx *c, struct err *e)
{
    json_t *list = review_problems(c->app->rdb, c->id, e);

    return list ? http_json_text(json_pack("{s:I, s:o}", "meeting", (json_int_t)c->id,
                                           "problems", list), e)
                : NULL;
}

static void api_agenda_problems(struct http_ctx *c)
{
    char key[48];

    if (!http_meeting_visible(c))
        return;
    snprintf(key, sizeof key, "problems:%lld", c->id);
    http_reply_cached(c, key, "application/json", make_problems);
}

static int run_item_create(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    long long id;

    if (agenda_item_create(db, c->id, c->in, "organizer", NULL, job->now, c->who.actor,
                           &id, &job->err) < 0)
        return -1;
    c->out = agenda_item_json(db, c->id, id, &job->err);
    c->status = 201;
    return c->out ? 0 : -1;
}

static void api_agenda_create(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_item_create);
}

static int run_item_patch(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (agenda_item_patch(db, c->id, c->id2, c->in, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = agenda_item_json(db, c->id, c->id2, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_agenda_item_patch(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_item_patch);
}

static int run_item_delete(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (agenda_item_delete(db, c->id, c->id2, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = json_pack("{s:I, s:b}", "id", (json_int_t)c->id2, "deleted", 1);
    c->status = 200;
    return 0;
}

static void api_agenda_item_delete(struct http_ctx *c)
{
    if (!http_require_organizer(c))
        return;
    http_submit(c, run_item_delete);
}

/* Syncs what the script declared (c->in "declared", from the child), or
 * tries it (review_script_try). */
static int run_script_sync(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (review_script_try(db, c->id, json_string_value(json_object_get(c->in, "name")),
                          json_object_get(c->in, "declared"),
                          json_is_true(json_object_get(c->in, "apply")), job->now,
                          c->who.actor, &c->out, &job->err) < 0)
        return -1;
    c->status = 200;
    return 0;
}

/* The child has run the script: sync its result in the writer, or answer
 * the script's error. */
static void script_evaluated(void *arg, json_t *declared, const char *message, int internal)
{
    struct http_ctx *c = arg;

    c->app->inflight--;
    if (declared == NULL) {
        if (internal)
            log_error("agenda script: %s", message);
        http_reply_code(c, internal ? ERR_INTERNAL : ERR_SCRIPT, "%s",
                        internal ? "the script could not be run" : message);
        return;
    }
    json_object_set_new(c->in, "declared", declared);
    http_submit(c, run_script_sync);
}

static void api_agenda_script(struct http_ctx *c)
{
    struct evbuffer *body = evhttp_request_get_input_buffer(c->req);
    size_t len = evbuffer_get_length(body);
    const char *name = http_query(c, "name"), *apply = http_query(c, "apply");
    json_t *code;

    if (!http_require_organizer(c))
        return;
    if (name == NULL)
        name = "script";
    if (!agenda_script_name_ok(name)) {
        http_reply_code(c, ERR_BAD_REQUEST, "name: [a-z0-9][a-z0-9_.-]{0,63}");
        return;
    }
    if (apply && strcmp(apply, "0") && strcmp(apply, "1")) {
        http_reply_code(c, ERR_BAD_REQUEST, "apply: 0 or 1");
        return;
    }
    if (len > SCRIPT_BODY_MAX) {
        http_reply_code(c, ERR_BODY_TOO_LARGE, "a script may have %d bytes at most",
                        SCRIPT_BODY_MAX);
        return;
    }
    if (len == 0) {
        http_reply_code(c, ERR_BAD_REQUEST, "send the script as the request body");
        return;
    }
    /* json_stringn refuses invalid UTF-8 and NUL bytes for us. */
    code = json_stringn((const char *)evbuffer_pullup(body, -1), len);
    if (code == NULL || memchr(json_string_value(code), '\0', len)) {
        json_decref(code);
        http_reply_code(c, ERR_BAD_REQUEST, "a script must be UTF-8 text");
        return;
    }
    c->in = json_pack("{s:s, s:b}", "name", name, "apply", apply && strcmp(apply, "1") == 0);
    if (c->in == NULL) {
        json_decref(code);
        http_reply_code(c, ERR_INTERNAL, "out of memory");
        return;
    }
    /* Counted as in flight, so that a stop waits for the answer. */
    c->app->inflight++;
    if (script_child_run(c->app->base, json_string_value(code), json_string_length(code),
                         name, script_evaluated, c) < 0) {
        c->app->inflight--;
        json_decref(code);
        if (errno == EAGAIN) {
            /* A run takes tens of ms, at most SCRIPT_CHILD_WALL_MS. */
            evhttp_add_header(evhttp_request_get_output_headers(c->req), "Retry-After", "1");
            http_reply_code(c, ERR_BUSY,
                            "%d scripts are running, the most at once: try again in a second",
                            SCRIPT_CHILD_MAX);
            return;
        }
        log_error("agenda script: cannot start the script runner: %s", strerror(errno));
        http_reply_code(c, ERR_INTERNAL, "the script could not be run");
        return;
    }
    json_decref(code);
}

const struct route api_agenda_routes[] = {
    {"/api/v1/meetings/{id}/agenda", ROUTE_GET, api_agenda_get},
    {"/api/v1/meetings/{id}/agenda", ROUTE_POST, api_agenda_create},
    {"/api/v1/meetings/{id}/agenda/problems", ROUTE_GET, api_agenda_problems},
    {"/api/v1/meetings/{id}/agenda/scripts", ROUTE_POST, api_agenda_script},
    {"/api/v1/meetings/{id}/agenda/{id}", ROUTE_GET, api_agenda_item_get},
    {"/api/v1/meetings/{id}/agenda/{id}", ROUTE_PATCH, api_agenda_item_patch},
    {"/api/v1/meetings/{id}/agenda/{id}", ROUTE_DELETE, api_agenda_item_delete},
    {NULL, 0, NULL},
};
