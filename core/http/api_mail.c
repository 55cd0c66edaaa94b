/* api_mail.c - the outbox as an admin sees it: how many messages are
 * queued, being sent, sent and failed, and the latest failures with the
 * SMTP server's answer (outbox.c has the queue). */
#include "http.h"
#include "mail_sender.h"
#include "outbox.h"

#define FAILURES_SHOWN 50

static void api_mail_status(struct http_ctx *c)
{
    json_t *o;

    if (!http_require_admin(c))
        return;
    o = outbox_status(c->app->rdb, FAILURES_SHOWN);
    if (o == NULL) {
        http_reply_code(c, ERR_INTERNAL, "cannot read the outbox");
        return;
    }
    json_object_set_new(o, "mail", json_boolean(outbox_enabled()));
    json_object_set_new(o, "smtp", json_boolean(c->app->opt.mail && c->app->opt.mail->smtp_host[0]));
    http_reply_json(c, 200, o);
}

const struct route api_mail_routes[] = {
    {"/api/v1/admin/mail", ROUTE_GET, api_mail_status},
    {NULL, 0, NULL},
};
