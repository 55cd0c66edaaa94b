/* api_agenda_export.c - the programme for people and their calendars: the
 * meeting's iCalendar feed, a participant's own calendar, and the printable
 * HTML agenda page.  Rendered from agenda_json() and cached per data
 * generation like the JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "buf.h"
#include "http.h"
#include "ical.h"
#include "meeting.h"
#include "registration.h"
#include "timeutil.h"
#include "visit_allocation.h"

/* Every item of an agenda_json() answer, in order. */
#define FOREACH_ITEM(agenda, di, day, ii, item)                                  \
    json_array_foreach(json_object_get(agenda, "days"), di, day)                 \
        json_array_foreach(json_object_get(day, "items"), ii, item)

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static char *venue_location(struct db *db, json_t *item)
{
    json_t *vid = json_object_get(item, "venue_id");
    sqlite3_stmt *st;
    char *out = NULL;

    if (!json_is_integer(vid))
        return NULL;
    st = db_stmt(db, "SELECT name, address FROM venues WHERE id = ?");
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, json_integer_value(vid));
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *addr = (const char *)sqlite3_column_text(st, 1);
        size_t n = strlen(name) + (addr ? strlen(addr) : 0) + 3;
        out = malloc(n);
        if (out)
            snprintf(out, n, "%s%s%s", name, addr ? ", " : "", addr ? addr : "");
    }
    sqlite3_reset(st);
    return out;
}

/* The .ics text of an agenda, or NULL with e set. */
static char *agenda_ics(struct db *db, json_t *agenda, long long stamp, struct err *e)
{
    size_t n = 0, di, ii, k = 0;
    json_t *day, *item;
    struct ical_event *ev;
    char **uids, **locs, msg[200];
    char *text = NULL;

    FOREACH_ITEM(agenda, di, day, ii, item) n++;
    ev = calloc(n ? n : 1, sizeof *ev);
    uids = calloc(n ? n : 1, sizeof *uids);
    locs = calloc(n ? n : 1, sizeof *locs);
    if (ev == NULL || uids == NULL || locs == NULL)
        goto out;
    FOREACH_ITEM(agenda, di, day, ii, item) {
        uids[k] = malloc(48);
        if (uids[k] == NULL)
            goto out;
        snprintf(uids[k], 48, "agenda-%lld@saiets",
                 (long long)json_integer_value(json_object_get(item, "id")));
        locs[k] = venue_location(db, item);
        ev[k].uid = uids[k];
        ev[k].start_local = str(item, "starts_at");
        ev[k].end_local = str(item, "ends_at");
        ev[k].summary = str(item, "title");
        ev[k].description = str(item, "description");
        ev[k].location = locs[k];
        ev[k].categories = str(item, "kind");
        if (tu_parse_rfc3339(str(item, "updated_at"), &ev[k].last_modified) < 0)
            ev[k].last_modified = 0;
        ev[k].sequence = (int)json_integer_value(json_object_get(item, "sequence"));
        k++;
    }
    text = ical_calendar(str(agenda, "title"), str(agenda, "timezone"), ev, n, stamp,
                         msg, sizeof msg);
    if (text == NULL)
        err_set(e, ERR_INTERNAL, NULL, "calendar: %s", msg);
out:
    for (size_t i = 0; i < k; i++) {
        free(uids[i]);
        free(locs[i]);
    }
    if (text == NULL && e->code == ERR_NONE)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
    free(locs);
    free(uids);
    free(ev);
    return text;
}

static char *make_meeting_ics(struct http_ctx *c, struct err *e)
{
    struct meeting m;
    json_t *agenda;
    char *text;

    if (meeting_load(c->app->rdb, c->id, &m, e) < 0)
        return NULL;
    agenda = agenda_json(c->app->rdb, c->id, 0, e);
    /* DTSTAMP: when this copy of the calendar was made (RFC 5545 3.8.7.2). */
    text = agenda ? agenda_ics(c->app->rdb, agenda, tu_now(), e) : NULL;
    json_decref(agenda);
    meeting_clear(&m);
    return text;
}

void api_agenda_ics(struct http_ctx *c)
{
    char key[48];

    snprintf(key, sizeof key, "ics:%lld", c->id);
    http_reply_cached(c, key, "text/calendar; charset=utf-8", make_meeting_ics);
}

/* A participant's calendar: the plenary programme, with each site-visit
 * slot showing where they go (activities join it in a later stage). */
/* The participant's site visits in their calendar: the slot's item becomes
 * the place they are assigned to (venue, topic, host), or says they wait. */
static void personalise(json_t *agenda, json_t *places)
{
    size_t di, ii, pi;
    json_t *day, *item, *pl;
    char text[600];

    FOREACH_ITEM(agenda, di, day, ii, item) {
        json_array_foreach(places, pi, pl) {
            if (json_integer_value(json_object_get(pl, "agenda_item_id")) !=
                json_integer_value(json_object_get(item, "id")))
                continue;
            if (json_is_integer(json_object_get(pl, "option_id"))) {
                snprintf(text, sizeof text, "%s: %s", str(item, "title"), str(pl, "venue_name"));
                json_object_set_new(item, "title", json_string(text));
                snprintf(text, sizeof text, "%s\nHost: %s", str(pl, "topic"), str(pl, "host"));
                json_object_set_new(item, "description", json_string(text));
                json_object_set(item, "venue_id", json_object_get(pl, "venue_id"));
            } else {
                snprintf(text, sizeof text, "%s (waiting list, position %lld)",
                         str(item, "title"),
                         (long long)json_integer_value(json_object_get(pl, "waiting_position")));
                json_object_set_new(item, "title", json_string(text));
            }
        }
    }
}

static char *make_registration_ics(struct http_ctx *c, struct err *e)
{
    struct registration r;
    struct meeting m;
    json_t *agenda = NULL;
    char *text = NULL;

    if (reg_load(c->app->rdb, c->id, &r, e) < 0)
        return NULL;
    if (meeting_load(c->app->rdb, r.meeting_id, &m, e) == 0) {
        agenda = agenda_json(c->app->rdb, r.meeting_id, 1, e);
        if (agenda) {
            json_t *places = visit_places_json(c->app->rdb, r.id);

            personalise(agenda, places);
            json_decref(places);
        }
        text = agenda ? agenda_ics(c->app->rdb, agenda, tu_now(), e) : NULL;
        meeting_clear(&m);
    }
    json_decref(agenda);
    reg_clear(&r);
    return text;
}

void api_registration_ics(struct http_ctx *c)
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
    http_reply_cached(c, key, "text/calendar; charset=utf-8", make_registration_ics);
}

/* ---- the printable page ------------------------------------------------------ */

static const char page_style[] =
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}"
    "h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #999;margin-top:2rem}"
    "table{border-collapse:collapse;width:100%}td{padding:.35rem .5rem;vertical-align:top;"
    "border-bottom:1px solid #ddd}td.time{white-space:nowrap;width:7rem}"
    ".kind{color:#666;font-size:.85rem}.track{font-size:.85rem;background:#eef;"
    "padding:0 .3rem}.who{font-size:.9rem;color:#444}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}section{break-inside:avoid}"
    "h2{break-after:avoid}}";

static char *make_page(struct http_ctx *c, struct err *e)
{
    struct buf b = BUF_INIT;
    json_t *agenda = agenda_json(c->app->rdb, c->id, 0, e), *day, *item, *sp;
    size_t di, ii, si;

    if (agenda == NULL)
        return NULL;
    buf_puts(&b, "<!doctype html>\n<html lang=\"lv\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width\"><title>");
    buf_put_html(&b, str(agenda, "title"));
    buf_printf(&b, "</title><style>%s</style></head><body>\n<h1>", page_style);
    buf_put_html(&b, str(agenda, "title"));
    buf_puts(&b, "</h1>\n<p>Laiki: ");
    buf_put_html(&b, str(agenda, "timezone"));
    buf_puts(&b, "</p>\n");
    json_array_foreach(json_object_get(agenda, "days"), di, day) {
        buf_puts(&b, "<section><h2>");
        buf_put_html(&b, str(day, "date"));
        buf_puts(&b, "</h2><table>\n");
        json_array_foreach(json_object_get(day, "items"), ii, item) {
            buf_printf(&b, "<tr><td class=\"time\">%.5s&ndash;%.5s</td><td>",
                       str(item, "starts_at") + 11, str(item, "ends_at") + 11);
            if (str(item, "track")) {
                buf_puts(&b, "<span class=\"track\">");
                buf_put_html(&b, str(item, "track"));
                buf_puts(&b, "</span> ");
            }
            buf_puts(&b, "<strong>");
            buf_put_html(&b, str(item, "title"));
            buf_puts(&b, "</strong> <span class=\"kind\">");
            buf_put_html(&b, str(item, "kind"));
            buf_puts(&b, "</span>");
            if (str(item, "venue_name")) {
                buf_puts(&b, "<br>");
                buf_put_html(&b, str(item, "venue_name"));
            }
            json_array_foreach(json_object_get(item, "speakers"), si, sp) {
                buf_puts(&b, si ? "; " : "<br><span class=\"who\">");
                buf_put_html(&b, str(sp, "name"));
                if (str(sp, "role")) {
                    buf_puts(&b, ", ");
                    buf_put_html(&b, str(sp, "role"));
                }
                if (si + 1 == json_array_size(json_object_get(item, "speakers")))
                    buf_puts(&b, "</span>");
            }
            if (str(item, "description")) {
                buf_puts(&b, "<br>");
                buf_put_html(&b, str(item, "description"));
            }
            buf_puts(&b, "</td></tr>\n");
        }
        buf_puts(&b, "</table></section>\n");
    }
    buf_puts(&b, "</body></html>\n");
    json_decref(agenda);
    if (!buf_ok(&b)) {
        buf_free(&b);
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    return b.data ? b.data : strdup("");
}

void page_agenda(struct http_ctx *c)
{
    char key[48];

    snprintf(key, sizeof key, "page:%lld", c->id);
    http_reply_cached(c, key, "text/html; charset=utf-8", make_page);
}
