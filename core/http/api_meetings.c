/* api_meetings.c - /api/v1/meetings: list, create, read, change. */
#include <stdio.h>

#include "http.h"
#include "meeting.h"

static json_t *meeting_json_by_id(struct db *db, long long id, struct err *e)
{
    struct meeting m;
    json_t *o;

    if (meeting_load(db, id, &m, e) < 0)
        return NULL;
    o = meeting_to_json(&m);
    meeting_clear(&m);
    if (o == NULL)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
    return o;
}

static void api_meetings_list(struct http_ctx *c)
{
    /* drafts only for organizers: to anyone else they do not exist */
    json_t *list = meeting_list_json(c->app->rdb, auth_is_organizer(&c->who));

    if (list == NULL) {
        http_reply_code(c, ERR_INTERNAL, "could not list meetings");
        return;
    }
    http_reply_json(c, 200, json_pack("{s:o}", "meetings", list));
}

static char *make_meeting(struct http_ctx *c, struct err *e)
{
    return http_json_text(meeting_json_by_id(c->app->rdb, c->id, e), e);
}

static void api_meeting_get(struct http_ctx *c)
{
    char key[48];

    if (!http_meeting_visible(c))
        return;
    snprintf(key, sizeof key, "meeting:%lld", c->id);
    http_reply_cached(c, key, "application/json", make_meeting);
}

static int run_meeting_create(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    long long id;

    if (meeting_create(db, c->in, job->now, c->who.actor, &id, &job->err) < 0)
        return -1;
    c->out = meeting_json_by_id(db, id, &job->err);
    c->status = 201;
    return c->out ? 0 : -1;
}

static void api_meetings_create(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_meeting_create);
}

static int run_meeting_patch(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (meeting_patch(db, c->id, c->in, job->now, c->who.actor, &job->err) < 0)
        return -1;
    c->out = meeting_json_by_id(db, c->id, &job->err);
    c->status = 200;
    return c->out ? 0 : -1;
}

static void api_meeting_patch(struct http_ctx *c)
{
    if (!http_require_organizer(c) || !http_body_json(c))
        return;
    http_submit(c, run_meeting_patch);
}

const struct route api_meetings_routes[] = {
    {"/api/v1/meetings", ROUTE_GET, api_meetings_list},
    {"/api/v1/meetings", ROUTE_POST, api_meetings_create},
    {"/api/v1/meetings/{id}", ROUTE_GET, api_meeting_get},
    {"/api/v1/meetings/{id}", ROUTE_PATCH, api_meeting_patch},
    {NULL, 0, NULL},
};
