/* api_admin_tokens.c - the admin's account tokens: list, create (the token
 * is shown once), revoke.  Admins only; account_tokens.c has the rules. */
#include "account_tokens.h"
#include "http.h"

static void api_tokens_list(struct http_ctx *c)
{
    struct err e;
    json_t *list;

    if (!http_require_admin(c))
        return;
    err_clear(&e);
    list = acct_token_list(c->app->rdb, c->app->uses, &e);
    if (list == NULL) {
        http_reply_err(c, &e);
        return;
    }
    http_reply_json(c, 200, json_pack("{s:o}", "tokens", list));
}

static int run_token_create(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (acct_token_create(db, c->in, job->now, c->who.actor, &c->out, &job->err) < 0)
        return -1;
    c->status = 201;
    return 0;
}

static void api_tokens_create(struct http_ctx *c)
{
    if (!http_require_admin(c) || !http_body_json(c))
        return;
    http_submit(c, run_token_create);
}

static int run_token_revoke(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    if (acct_token_revoke(db, c->id, job->now, c->who.actor, &c->out, &job->err) < 0)
        return -1;
    c->status = 200;
    return 0;
}

static void api_tokens_revoke(struct http_ctx *c)
{
    if (!http_require_admin(c))
        return;
    http_submit(c, run_token_revoke);
}

const struct route api_admin_tokens_routes[] = {
    {"/api/v1/admin/tokens", ROUTE_GET, api_tokens_list},
    {"/api/v1/admin/tokens", ROUTE_POST, api_tokens_create},
    {"/api/v1/admin/tokens/{id}", ROUTE_DELETE, api_tokens_revoke},
    {NULL, 0, NULL},
};
