/* api_registrations.c - registering, the participant's own registration
 * (by manage token) with its secret calendar URL, cancelling, an organizer's
 * promotion from the waiting list, and the organizers' lists (JSON and CSV). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calsecret.h"
#include "csv.h"
#include "plugin_hooks.h"
#include "plugin_set.h"
#include "form.h"
#include "http.h"
#include "meeting.h"
#include "registration.h"
#include "reg_mail.h"
#include "registration_view.h"

static int run_reg_create(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    char token[TOKEN_MAX_LEN + 1];
    struct registration r;

    char url[CALSECRET_URL_MAX];
    long long id;

    if (reg_create(db, c->id, c->in, job->now, &r, token, &job->err) < 0)
        return -1;
    if (r.hold_until > 0) {
        /* E-mail confirmation: the same answer for a new registration and
         * for an address registered already (nothing tells them apart). */
        reg_clear(&r);
        c->status = 202;
        c->out = json_pack("{s:s, s:s}", "status", "check_email", "message",
                           "a message with a link to confirm the registration is on its way;"
                           " the place is held until the link is opened");
        return c->out ? 0 : err_set(&job->err, ERR_INTERNAL, NULL, "out of memory");
    }
    c->out = reg_view_json(db, &r);
    id = r.id;
    reg_clear(&r);
    if (c->out == NULL)
        return err_set(&job->err, ERR_INTERNAL, NULL, "out of memory");
    json_object_set_new(c->out, "manage_token", json_string(token));
    /* A new registration's calendar generation is 0: no query. */
    if (calsecret_url(db, id, 0, url, &job->err) < 0)
        return -1;
    /* ASCII made here: no UTF-8 check needed. */
    json_object_set_new(c->out, "calendar_url", json_stringn_nocheck(url, strlen(url)));
    c->status = 201;
    return 0;
}

static void api_registrations_create(struct http_ctx *c)
{
    if (!http_rate_limit(c))
        return;
    if (!http_meeting_visible(c) || !http_body_json(c))
        return;
    http_submit(c, run_reg_create);
}

/* Answers 401/403 and returns 0 unless the principal may manage the
 * registration in the path. */
static int may_manage(struct http_ctx *c)
{
    if (auth_may_manage(&c->who, c->id))
        return 1;
    if (c->who.kind == PRINCIPAL_NONE)
        http_reply_code(c, ERR_UNAUTHORIZED,
                        "send the registration's manage token or an organizer token");
    else
        http_reply_code(c, ERR_FORBIDDEN, "this token does not manage registration %lld",
                        c->id);
    return 0;
}

static const char *organizer_actor(struct http_ctx *c)
{
    return auth_is_organizer(&c->who) ? c->who.actor : NULL;
}

/* What plugins enabled for the meeting add (registration.view), under
 * "plugins" when there is any. */
static void add_plugin_view(struct http_ctx *c, json_t *reg)
{
    json_t *view, *data;
    const char *lang = http_query(c, "lang");

    if (reg == NULL || plugin_set_empty())
        return;
    view = plugin_registration_view(c->app->rdb, json_integer_value(json_object_get(reg, "meeting")),
                                    reg, lang && strcmp(lang, "en") == 0 ? "en" : "lv");
    data = json_object_get(view, "plugins");
    if (json_object_size(data) > 0)
        json_object_set(reg, "plugins", data);
    json_decref(view);
}

/* The registration's secret calendar URL (none once it is cancelled), set
 * after plugins have seen reg: it is not theirs to read.  0 or -1. */
static int add_calendar_url(struct db *db, json_t *reg, struct err *e)
{
    char url[CALSECRET_URL_MAX];
    int rc;

    if (reg == NULL)
        return 0;
    rc = calsecret_current_url(db, json_integer_value(json_object_get(reg, "id")), url, e);
    if (rc == 1)
        json_object_set_new(reg, "calendar_url", json_string(url));
    return rc < 0 ? -1 : 0;
}

static void api_registration_get(struct http_ctx *c)
{
    struct err e;
    json_t *reg;

    if (!may_manage(c))
        return;
    err_clear(&e);
    reg = reg_view_json_by_id(c->app->rdb, c->id, &e);
    add_plugin_view(c, reg);
    if (add_calendar_url(c->app->rdb, reg, &e) < 0) {
        json_decref(reg);
        reg = NULL;
    }
    http_reply_result(c, reg, &e);
}

static int run_calendar_secret(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    char url[CALSECRET_URL_MAX];

    if (calsecret_rotate(db, c->id, job->now, organizer_actor(c), url, &job->err) < 0)
        return -1;
    c->out = json_pack("{s:s}", "calendar_url", url);
    c->status = 200;
    return c->out ? 0 : err_set(&job->err, ERR_INTERNAL, NULL, "out of memory");
}

/* A new secret calendar URL; the old one stops working at once. */
static void api_calendar_secret(struct http_ctx *c)
{
    if (!may_manage(c))
        return;
    http_submit(c, run_calendar_secret);
}


static int run_reg_patch(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (reg_patch(db, c->id, c->in, job->now, organizer_actor(c), &job->err) < 0)
        return -1;
    c->out = reg_view_json_by_id(db, c->id, &job->err);
    c->status = 200;
    if (c->out == NULL || add_calendar_url(db, c->out, &job->err) < 0)
        return -1;
    return 0;
}

static void api_registration_patch(struct http_ctx *c)
{
    if (!may_manage(c) || !http_body_json(c))
        return;
    http_submit(c, run_reg_patch);
}

static int run_reg_cancel(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (reg_cancel(db, c->id, job->now, organizer_actor(c), &job->err) < 0)
        return -1;
    c->out = reg_view_json_by_id(db, c->id, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_registration_delete(struct http_ctx *c)
{
    if (!may_manage(c))
        return;
    http_submit(c, run_reg_cancel);
}

/* An organizer moves a waitlisted registration ahead of the queue; the
 * answer is the registration plus what happened to the meeting's seats. */
static int run_reg_promote(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    long long capacity = 0;
    int grew = 0;

    if (reg_promote(db, c->id, job->now, c->who.actor, &grew, &capacity, &job->err) < 0)
        return -1;
    c->out = reg_view_json_by_id(db, c->id, &job->err);
    if (c->out == NULL)
        return -1;
    json_object_set_new(c->out, "capacity_grew", json_boolean(grew));
    json_object_set_new(c->out, "meeting_capacity", json_integer(capacity));
    c->status = 200;
    return 0;
}

static void api_registration_promote(struct http_ctx *c)
{
    if (!http_require_organizer(c))
        return;
    http_submit(c, run_reg_promote);
}

/* ---- organizers' list ---------------------------------------------------- */

static const char *const csv_columns[] = {
    "id", "first_name", "last_name", "email", "organisation", "position", "phone",
    "status", "waitlist_position", "created_at", NULL};

/* The core columns hold text, integers or null. */
static void csv_value(struct buf *b, json_t *v, int first)
{
    if (json_is_integer(v))
        csv_cell_int(b, json_integer_value(v), first);
    else
        csv_cell(b, json_string_value(v), first);
}

/* A plugin column's value for registration r (from export.columns). */
static json_t *plugin_value(json_t *col, json_t *r)
{
    char id[24];

    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(r, "id")));
    return json_object_get(json_object_get(col, "values"), id);
}

static void reply_csv(struct http_ctx *c, json_t *sorted, json_t *form, json_t *cols)
{
    struct buf b = BUF_INIT;
    size_t i, j;
    json_t *r, *def, *col;

    for (i = 0; csv_columns[i]; i++)
        csv_cell(&b, csv_columns[i], i == 0);
    json_array_foreach(cols, j, col)
        csv_cell(&b, json_string_value(json_object_get(col, "key")), 0);
    json_array_foreach(form, j, def) {
        char head[96];
        snprintf(head, sizeof head, "answers.%s",
                 json_string_value(json_object_get(def, "key")));
        csv_cell(&b, head, 0);
    }
    csv_end_row(&b);
    json_array_foreach(sorted, i, r) {
        json_t *answers = json_object_get(r, "answers");
        for (j = 0; csv_columns[j]; j++)
            csv_value(&b, json_object_get(r, csv_columns[j]), j == 0);
        json_array_foreach(cols, j, col)
            form_answer_csv(plugin_value(col, r), &b, 0);
        json_array_foreach(form, j, def)
            form_answer_csv(json_object_get(answers, json_string_value(
                                                         json_object_get(def, "key"))),
                            &b, 0);
        csv_end_row(&b);
    }
    http_reply_csv(c, "registrations.csv", &b);
}

static void api_registrations_list(struct http_ctx *c)
{
    const char *status = http_query(c, "status"), *format = http_query(c, "format");
    struct collate_item *items = NULL;
    struct meeting m;
    json_t *list = NULL, *sorted = NULL, *o, *cols = NULL;
    struct err e;
    size_t n, i;

    if (!http_require_organizer(c))
        return;
    if (status && strcmp(status, "confirmed") && strcmp(status, "waitlisted") &&
        strcmp(status, "cancelled")) {
        http_reply_code(c, ERR_BAD_REQUEST, "status: confirmed, waitlisted or cancelled");
        return;
    }
    if (format && strcmp(format, "json") && strcmp(format, "csv")) {
        http_reply_code(c, ERR_BAD_REQUEST, "format: json or csv");
        return;
    }
    err_clear(&e);
    if (meeting_load(c->app->rdb, c->id, &m, &e) < 0) {
        http_reply_err(c, &e);
        return;
    }
    list = reg_list_json(c->app->rdb, c->id, status);
    n = json_array_size(list);
    items = calloc(n ? n : 1, sizeof *items);
    sorted = json_array();
    if (list == NULL || items == NULL || sorted == NULL)
        goto fail;
    json_array_foreach(list, i, o) {
        items[i].k1 = json_string_value(json_object_get(o, "last_name"));
        items[i].k2 = json_string_value(json_object_get(o, "first_name"));
        items[i].id = json_integer_value(json_object_get(o, "id"));
        items[i].ptr = o;
    }
    if (collate_sort(c->app->coll, items, n) < 0)
        goto fail;
    for (i = 0; i < n; i++)
        json_array_append(sorted, items[i].ptr);
    /* Plugins' columns (export.columns): an empty list when none. */
    cols = plugin_export_columns(c->app->rdb, c->id, sorted,
                                 http_query(c, "lang") && !strcmp(http_query(c, "lang"), "en")
                                     ? "en" : "lv");
    if (format && strcmp(format, "csv") == 0) {
        {
            json_t *form = meeting_form(&m);
            reply_csv(c, sorted, form, cols);
            json_decref(form);
        }
    } else {
        json_t *body = json_pack("{s:O}", "registrations", sorted), *col;

        if (json_array_size(cols) > 0 && body) {
            json_array_foreach(sorted, i, o) {
                json_t *vals = json_object();

                json_array_foreach(cols, n, col) {
                    json_t *v = plugin_value(col, o);

                    json_object_set(vals, json_string_value(json_object_get(col, "key")),
                                    v ? v : json_null());
                }
                json_object_set_new(o, "plugin_columns", vals);
            }
            json_array_foreach(cols, n, col)
                json_object_del(col, "values");
            json_object_set(body, "plugin_columns", cols);
        }
        http_reply_json(c, 200, body);
    }
    goto out;
fail:
    http_reply_code(c, ERR_INTERNAL, "could not list registrations");
out:
    free(items);
    json_decref(cols);
    json_decref(sorted);
    json_decref(list);
    meeting_clear(&m);
}

static int run_confirm_email(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (reg_confirm_email(db, c->id, job->now, &job->err) < 0 ||
        (c->out = reg_view_json_by_id(db, c->id, &job->err)) == NULL ||
        add_calendar_url(db, c->out, &job->err) < 0)
        return -1;
    c->status = 200;
    return 0;
}

/* The mailed link was opened (the manage page posts here when the
 * registration says email_pending). */
static void api_confirm_email(struct http_ctx *c)
{
    if (!may_manage(c))
        return;
    http_submit(c, run_confirm_email);
}

const struct route api_registrations_routes[] = {
    {"/api/v1/meetings/{id}/registrations", ROUTE_GET, api_registrations_list},
    {"/api/v1/meetings/{id}/registrations", ROUTE_POST, api_registrations_create},
    {"/api/v1/registrations/{id}", ROUTE_GET, api_registration_get},
    {"/api/v1/registrations/{id}", ROUTE_PATCH, api_registration_patch},
    {"/api/v1/registrations/{id}", ROUTE_DELETE, api_registration_delete},
    {"/api/v1/registrations/{id}/calendar-secret", ROUTE_POST, api_calendar_secret},
    {"/api/v1/registrations/{id}/promote", ROUTE_POST, api_registration_promote},
    {"/api/v1/registrations/{id}/confirm-email", ROUTE_POST, api_confirm_email},
    {NULL, 0, NULL},
};
