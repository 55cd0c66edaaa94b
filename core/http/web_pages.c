/* web_pages.c - the HTML pages and their static files: /, /meetings/{id},
 * /meetings/{id}/agenda, /manage, /organizer, /admin, /static/NAME.HASH.EXT.
 * Handlers read the domain's JSON on the loop thread's connection (and, for
 * a meeting, its cultural programme from the plugin's public route, when the
 * meeting has the plugin) and hand it to core/web/ to render; pages are
 * cached like the API's GET answers (ETag, 304), per language, and those
 * that show whether registration is open per minute too.
 *
 * The language: ?lang=en or ?lang=lv, remembered in a cookie "lang" (a
 * preference, not a credential); else the cookie; else Latvian. */
#include "http.h"

#include <stdio.h>
#include <string.h>

#include "agenda.h"
#include "directory.h"
#include "i18n.h"
#include "meeting.h"
#include "page_agenda.h"
#include "page_public.h"
#include "timeutil.h"
#include "visit.h"
#include "web_assets.h"

const char *http_lang(struct http_ctx *c)
{
    const char *q = http_query(c, "lang"), *cookie, *p;

    if (q && (strcmp(q, "en") == 0 || strcmp(q, "lv") == 0))
        return q[0] == 'e' ? "en" : "lv";
    cookie = evhttp_find_header(evhttp_request_get_input_headers(c->req), "Cookie");
    p = cookie ? strstr(cookie, "lang=en") : NULL;
    /* "lang=en" as a whole cookie: at the start or after "; ", and ending there */
    if (p && (p == cookie || (p >= cookie + 2 && p[-1] == ' ' && p[-2] == ';')) &&
        (p[7] == '\0' || p[7] == ';'))
        return "en";
    return "lv";
}

/* The page language, kept in c->name (page routes have no {name}); an
 * explicit ?lang= is remembered in the cookie. */
static const char *page_lang(struct http_ctx *c)
{
    const char *q = http_query(c, "lang"), *lang = http_lang(c);

    snprintf(c->name, sizeof c->name, "%s", lang);
    if (q && (strcmp(q, "en") == 0 || strcmp(q, "lv") == 0)) {
        char set[64];

        snprintf(set, sizeof set, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", lang);
        evhttp_add_header(evhttp_request_get_output_headers(c->req), "Set-Cookie", set);
    }
    return c->name;
}

/* timed: the page depends on the clock (whether registration is open), so
 * it is cached per minute too; others only per data generation. */
static void reply_page(struct http_ctx *c, const char *what, int timed,
                       char *(*make)(struct http_ctx *c, struct err *e))
{
    char key[128];
    const char *lang = page_lang(c);

    evhttp_add_header(evhttp_request_get_output_headers(c->req), "Vary", "Cookie");
    snprintf(key, sizeof key, "web:%s:%lld:%s:%lld", what, c->id, lang,
             timed ? tu_now() / 60 : 0);
    http_reply_cached(c, key, "text/html; charset=utf-8", make);
}

/* --- / ------------------------------------------------------------------------- */

static char *make_home(struct http_ctx *c, struct err *e)
{
    json_t *list = meeting_list_json(c->app->rdb, 0); /* a public page: no drafts */
    char *text;

    if (list == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "could not read the meetings");
        return NULL;
    }
    text = page_home_html(c->name, list, tu_now(), e);
    json_decref(list);
    return text;
}

static void web_home(struct http_ctx *c) { reply_page(c, "home", 1, make_home); }

/* --- /meetings/{id} ---------------------------------------------------------------- */

static char *make_meeting(struct http_ctx *c, struct err *e)
{
    struct meeting m;
    json_t *mj = NULL, *agenda = NULL, *slots = NULL, *orgs = NULL;
    char *text = NULL;

    if (meeting_load(c->app->rdb, c->id, &m, e) < 0)
        return NULL;
    mj = meeting_to_json(&m);
    meeting_clear(&m);
    agenda = agenda_json(c->app->rdb, c->id, 0, e);
    slots = agenda ? visit_slots_json(c->app->rdb, c->id, e) : NULL;
    orgs = slots ? dir_org_list(c->app->rdb) : NULL;
    if (mj && agenda && slots && orgs) {
        /* the cultural programme's activities, when the meeting has it */
        json_t *acts = http_plugin_public_json(c, "cultural-programme", "/activities", c->name);

        text = page_meeting_html(c->name, mj, agenda, json_object_get(slots, "slots"), orgs,
                                 json_object_get(acts, "activities"), tu_now(), e);
        json_decref(acts);
    }
    else if (e->code == ERR_NONE)
        err_set(e, ERR_INTERNAL, NULL, "could not read the meeting");
    json_decref(mj);
    json_decref(agenda);
    json_decref(slots);
    json_decref(orgs);
    return text;
}

static void web_meeting(struct http_ctx *c)
{
    if (http_meeting_visible(c))
        reply_page(c, "meeting", 1, make_meeting);
}

/* --- /meetings/{id}/agenda: the printable programme ------------------------------ */

static char *make_agenda(struct http_ctx *c, struct err *e)
{
    json_t *agenda = agenda_json(c->app->rdb, c->id, 0, e);
    char *text = agenda ? page_agenda_html(agenda, c->name, e) : NULL;

    json_decref(agenda);
    return text;
}

static void web_agenda(struct http_ctx *c)
{
    if (http_meeting_visible(c))
        reply_page(c, "agenda", 0, make_agenda);
}

/* --- /manage ----------------------------------------------------------------------- */

static char *make_manage(struct http_ctx *c, struct err *e) { return page_manage_html(c->name, e); }

static void web_manage(struct http_ctx *c) { reply_page(c, "manage", 0, make_manage); }

/* --- /organizer, /admin -------------------------------------------------------------- */

static char *make_organizer(struct http_ctx *c, struct err *e)
{
    return page_staff_html(c->name, "organizer", e);
}

static char *make_admin(struct http_ctx *c, struct err *e)
{
    return page_staff_html(c->name, "admin", e);
}

static void web_organizer(struct http_ctx *c) { reply_page(c, "organizer", 0, make_organizer); }
static void web_admin(struct http_ctx *c) { reply_page(c, "admin", 0, make_admin); }

/* --- /static/NAME.HASH.EXT ---------------------------------------------------------- */

static void web_static(struct http_ctx *c)
{
    const struct web_asset *a = web_asset_by_name(c->rest[0] == '/' ? c->rest + 1 : c->rest);
    struct evkeyvalq *h = evhttp_request_get_output_headers(c->req);

    if (a == NULL) {
        http_reply_code(c, ERR_NOT_FOUND, "no such file");
        return;
    }
    /* the name holds the content's hash: a new version is a new name */
    evhttp_add_header(h, "Cache-Control", "public, max-age=31536000, immutable");
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    http_reply_text(c, 200, a->content_type, (const char *)a->data, a->len);
}

const struct route web_page_routes[] = {
    {"/", ROUTE_GET, web_home},
    {"/meetings/{id}", ROUTE_GET, web_meeting},
    {"/meetings/{id}/agenda", ROUTE_GET, web_agenda},
    {"/manage", ROUTE_GET, web_manage},
    {"/organizer", ROUTE_GET, web_organizer},
    {"/admin", ROUTE_GET, web_admin},
    {"/static/{*}", ROUTE_GET, web_static},
    {NULL, 0, NULL},
};
