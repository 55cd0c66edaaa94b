/* api_mail.c - the endpoints that exist for e-mail: the outbox as an admin
 * sees it; "lost my link" (a new manage link mailed, the answer the same
 * whether or not the address is registered); an organizer's message to a
 * meeting's confirmed people, waiting list or one site-visit group, with a
 * preview and a recipient count before anything is sent. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "http.h"
#include "jfield.h"
#include "mail_render.h"
#include "mail_sender.h"
#include "meeting.h"
#include "outbox.h"
#include "reg_mail.h"
#include "registration.h"
#include "timeutil.h"

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
    json_object_set_new(o, "smtp",
                        json_boolean(c->app->opt.mail && c->app->opt.mail->smtp_host[0]));
    http_reply_json(c, 200, o);
}

/* --- lost my link ------------------------------------------------------- */

static int run_resend(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    const char *email = json_string_value(json_object_get(c->in, "email"));

    if (meeting_check(db, c->id, &job->err) < 0 ||
        reg_resend_link(db, c->id, email, job->now, &job->err) < 0)
        return -1;
    c->status = 202;
    c->out = json_pack("{s:s, s:s}", "status", "accepted", "message",
                       "if this address is registered for the meeting, a new link is on its"
                       " way; the old one no longer works");
    return 0;
}

static void api_resend(struct http_ctx *c)
{
    static const char *const keys[] = {"email", NULL};
    char email[JF_TEXT_BYTES(REG_EMAIL_MAX)];
    struct err e;

    if (!http_rate_limit(c) || !http_body_json(c))
        return;
    err_clear(&e);
    if (jf_check_keys(c->in, keys, NULL, &e) < 0 ||
        jf_text(c->in, "email", JF_REQUIRED, REG_EMAIL_MAX, email, sizeof email, &e) < 0) {
        http_reply_err(c, &e);
        return;
    }
    if (!reg_email_ok(email)) {
        err_set(&e, ERR_INVALID_FIELD, "email", "email: not a valid e-mail address");
        http_reply_err(c, &e);
        return;
    }
    http_submit(c, run_resend);
}

/* --- an organizer's message --------------------------------------------- */

struct message_in {
    enum outbox_audience to;
    long long option_id;
    json_t *data; /* {"subject", "text"} */
    int send;
};

static void message_in_free(void *p)
{
    struct message_in *m = p;

    json_decref(m->data);
    free(m);
}

/* Reads the body into c->data: 0, or -1 after answering the error. */
static int message_parse(struct http_ctx *c)
{
    static const char *const keys[] = {"to", "option_id", "subject", "text", "send", NULL};
    char to[JF_TEXT_BYTES(16)], subject[JF_TEXT_BYTES(OUTBOX_SUBJECT_MAX)];
    char *text = malloc(JF_TEXT_BYTES(OUTBOX_TEXT_MAX));
    struct message_in *m = calloc(1, sizeof *m);
    json_t *send = json_object_get(c->in, "send");
    struct err e;
    int has_option;

    err_clear(&e);
    if (m == NULL || text == NULL) {
        free(m);
        free(text);
        http_reply_code(c, ERR_INTERNAL, "out of memory");
        return -1;
    }
    c->data = m;
    c->data_free = message_in_free;
    if (jf_check_keys(c->in, keys, NULL, &e) < 0 ||
        jf_text(c->in, "to", JF_REQUIRED, 16, to, sizeof to, &e) < 0 ||
        jf_text(c->in, "subject", JF_REQUIRED, OUTBOX_SUBJECT_MAX, subject, sizeof subject,
                &e) < 0 ||
        jf_text(c->in, "text", JF_REQUIRED | JF_MULTILINE, OUTBOX_TEXT_MAX, text,
                JF_TEXT_BYTES(OUTBOX_TEXT_MAX), &e) < 0 ||
        (has_option = jf_int(c->in, "option_id", 0, 1, (long long)1 << 53, &m->option_id,
                             &e)) < 0)
        goto fail;
    if (send && !json_is_boolean(send)) {
        err_set(&e, ERR_INVALID_FIELD, "send", "send: true or false");
        goto fail;
    }
    m->send = json_is_true(send);
    if (strcmp(to, "confirmed") == 0)
        m->to = OUTBOX_TO_CONFIRMED;
    else if (strcmp(to, "waitlisted") == 0)
        m->to = OUTBOX_TO_WAITLISTED;
    else if (strcmp(to, "option") == 0)
        m->to = OUTBOX_TO_OPTION;
    else {
        err_set(&e, ERR_INVALID_FIELD, "to", "to: confirmed, waitlisted or option");
        goto fail;
    }
    if ((m->to == OUTBOX_TO_OPTION) != (has_option == JF_SET)) {
        err_set(&e, m->to == OUTBOX_TO_OPTION ? ERR_MISSING_FIELD : ERR_INVALID_FIELD,
                "option_id", "option_id: given with \"to\": \"option\", and only then");
        goto fail;
    }
    m->data = json_pack("{s:s, s:s}", "subject", subject, "text", text);
    free(text);
    return 0;
fail:
    free(text);
    http_reply_err(c, &e);
    return -1;
}

/* The message as its first recipient would read it (in Latvian). */
static json_t *preview(struct http_ctx *c, const struct message_in *m, struct err *e)
{
    struct outbox_row row;
    struct mail_rendered r;
    json_t *o;

    memset(&row, 0, sizeof row);
    row.meeting_id = c->id;
    snprintf(row.kind, sizeof row.kind, "organizer.message");
    snprintf(row.lang, sizeof row.lang, "lv");
    row.to_name = (char *)"";
    row.data = m->data;
    if (mail_render(c->app->rdb, &row, c->app->public_url, tu_now(), &r, e) < 0)
        return NULL;
    o = json_pack("{s:s, s:s}", "subject", r.subject, "text", r.text);
    mail_rendered_clear(&r);
    return o;
}

static int run_message(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    struct message_in *m = c->data;
    json_t *detail;
    long long n;
    int rc;

    if (meeting_check(db, c->id, &job->err) < 0 ||
        outbox_broadcast(db, c->id, m->to, m->option_id, m->data, 1, job->now, &n,
                         &job->err) < 0)
        return -1;
    /* audit_record borrows the detail */
    detail = json_pack("{s:O, s:I, s:I}", "message", m->data, "option_id",
                       (json_int_t)m->option_id, "recipients", (json_int_t)n);
    rc = audit_record(db, job->now, c->who.actor, "meeting.message", "meeting", c->id, detail,
                      &job->err);
    json_decref(detail);
    if (rc < 0)
        return -1;
    c->status = 202;
    c->out = json_pack("{s:I, s:b}", "recipients", (json_int_t)n, "queued",
                       outbox_enabled());
    return 0;
}

static void api_message(struct http_ctx *c)
{
    struct message_in *m;
    struct err e;
    long long n;
    json_t *p;

    if (!http_require_organizer(c) || !http_body_json(c) || message_parse(c) < 0)
        return;
    m = c->data;
    if (m->send) {
        http_submit(c, run_message);
        return;
    }
    /* A preview writes nothing: the reader's connection. */
    err_clear(&e);
    if (meeting_check(c->app->rdb, c->id, &e) < 0 ||
        outbox_broadcast(c->app->rdb, c->id, m->to, m->option_id, m->data, 0, 0, &n, &e) < 0 ||
        (p = preview(c, m, &e)) == NULL) {
        http_reply_err(c, &e);
        return;
    }
    http_reply_json(c, 200, json_pack("{s:I, s:o}", "recipients", (json_int_t)n,
                                      "preview", p));
}

const struct route api_mail_routes[] = {
    {"/api/v1/admin/mail", ROUTE_GET, api_mail_status},
    {"/api/v1/meetings/{id}/registrations/resend", ROUTE_POST, api_resend},
    {"/api/v1/meetings/{id}/messages", ROUTE_POST, api_message},
    {NULL, 0, NULL},
};
