/* api_agenda_export.c - the programme for people and their calendars: the
 * meeting's iCalendar feed, a participant's own calendar (calendar.c makes
 * both; also at its secret URL /cal/SECRET.ics for calendar apps, checked by
 * calsecret.c), and the printable HTML agenda page.  Cached per data
 * generation like the JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "calendar.h"
#include "calsecret.h"
#include "http.h"
#include "plugin_hooks.h"
#include "plugin_set.h"
#include "registration_view.h"
#include "timeutil.h"

/* DTSTAMP: when this copy of the calendar was made (RFC 5545 3.8.7.2). */
static char *make_meeting_ics(struct http_ctx *c, struct err *e)
{
    return calendar_meeting_ics(c->app->rdb, c->id, tu_now(), e);
}

/* With the agenda items plugins add for this person (registration.view). */
static char *make_registration_ics(struct http_ctx *c, struct err *e)
{
    json_t *reg, *view = NULL;
    char *text;

    if (!plugin_set_empty()) {
        if ((reg = reg_view_json_by_id(c->app->rdb, c->id, e)) == NULL)
            return NULL;
        view = plugin_registration_view(c->app->rdb, json_integer_value(json_object_get(reg, "meeting")),
                                        reg, "lv");
        json_decref(reg);
    }
    text = calendar_registration_ics(c->app->rdb, c->id, tu_now(),
                                     json_object_get(view, "calendar"), e);
    json_decref(view);
    return text;
}

static void api_agenda_ics(struct http_ctx *c)
{
    char key[48];

    if (!http_meeting_visible(c))
        return;
    snprintf(key, sizeof key, "ics:%lld", c->id);
    http_reply_cached(c, key, "text/calendar; charset=utf-8", make_meeting_ics);
}

static void api_registration_ics(struct http_ctx *c)
{
    char key[48];

    if (!auth_may_manage(&c->who, c->id)) {
        if (c->who.kind == PRINCIPAL_NONE)
            http_reply_code(c, ERR_UNAUTHORIZED, "send the registration's manage token");
        else
            http_reply_code(c, ERR_FORBIDDEN, "this token does not manage registration %lld",
                            c->id);
        return;
    }
    snprintf(key, sizeof key, "rics:%lld", c->id);
    /* the person's own calendar names them: no-store, as at /cal/ */
    http_reply_cached_nostore(c, key, "text/calendar; charset=utf-8", make_registration_ics);
}

/* /cal/SECRET.ics: the same calendar as above, for whoever holds the secret.
 * Every refusal is the same 404, so that nothing tells a wrong secret from
 * a rotated or cancelled one. */
static void cal_feed(struct http_ctx *c)
{
    const char *secret = c->rest[0] == '/' ? c->rest + 1 : c->rest;
    long long id = 0;
    char key[48];
    struct err e;
    int rc;

    err_clear(&e);
    rc = strchr(secret, '/') ? 0 : calsecret_resolve(c->app->rdb, secret, &id, &e);
    if (rc < 0) {
        http_reply_err(c, &e);
        return;
    }
    if (rc == 0) {
        http_reply_code(c, ERR_NOT_FOUND, "no such calendar");
        return;
    }
    c->id = id;
    snprintf(key, sizeof key, "rics:%lld", id);
    http_reply_cached_nostore(c, key, "text/calendar; charset=utf-8", make_registration_ics);
}

const struct route api_agenda_export_routes[] = {
    {"/api/v1/registrations/{id}/agenda.ics", ROUTE_GET, api_registration_ics},
    {"/api/v1/meetings/{id}/agenda.ics", ROUTE_GET, api_agenda_ics},
    {"/cal/{*}", ROUTE_GET, cal_feed},
    {NULL, 0, NULL},
};
