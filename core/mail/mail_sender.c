/* mail_sender.c - the outbox's delivery thread; see mail_sender.h.
 * SMTP is libcurl's: one easy handle for the thread's life, so that one
 * connection carries many messages. */
#define _GNU_SOURCE
#include "mail_sender.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mail_message.h"
#include "mail_render.h"
#include "outbox.h"
#include "timeutil.h"

#define BATCH 16
#define IDLE_MS 250          /* how often an idle sender looks at the queue */
#define REMINDER_EVERY 300   /* seconds between two looks for due reminders */

struct mail_sender {
    struct mail_config cfg;
    struct writer *writer;
    struct db *rdb;
    CURL *curl;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping; /* guarded by mu; also read unlocked by the curl callback */
    long long fresh_from; /* outbox_due's: where new messages start */
};

void mail_config_defaults(struct mail_config *c)
{
    memset(c, 0, sizeof *c);
    c->enabled = 1;
    c->tls = MAIL_TLS_STARTTLS;
    snprintf(c->from_addr, sizeof c->from_addr, "saiets@localhost");
    c->reminder_days = 3;
    c->retry_seconds = 30;
}

const char *mail_config_check(const struct mail_config *c)
{
    size_t n = strlen(c->public_url);

    if (!mail_addr_ok(c->from_addr))
        return "mail_from: not a plain e-mail address";
    if (n > 0 && strncmp(c->public_url, "http://", 7) != 0 &&
        strncmp(c->public_url, "https://", 8) != 0)
        return "public_url: must start with http:// or https://";
    if (n > 0 && c->public_url[n - 1] == '/')
        return "public_url: without a trailing slash";
    for (const char *s = c->public_url; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == '"' || *s == '<' || *s == '>' || *s == 0x7f)
            return "public_url: spaces, quotes and controls are not allowed";
    for (const char *s = c->smtp_host; *s; s++)
        if (!(*s == '.' || *s == '-' || *s == ':' || (*s >= '0' && *s <= '9') ||
              (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
            return "smtp_host: a host name or an address";
    if (c->smtp_port < 0 || c->smtp_port > 65535)
        return "smtp_port: 1-65535";
    if (c->reminder_days < 0 || c->reminder_days > 60)
        return "reminder_days: 0-60";
    if (c->retry_seconds < 1 || c->retry_seconds > 3600)
        return "mail_retry_seconds: 1-3600";
    for (const char *s = c->from_name; *s; s++)
        if ((unsigned char)*s < 0x20)
            return "mail_from_name: no control characters";
    return NULL;
}

int mail_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1; }
void mail_global_cleanup(void) { curl_global_cleanup(); }

/* --- the writer's jobs --------------------------------------------------- */

struct sending_job {
    struct wjob job;
    struct outbox_row *rows;
    int n;
};

static int sending_run(struct db *db, struct wjob *job)
{
    struct sending_job *s = (struct sending_job *)job;

    return outbox_mark_sending(db, s->rows, s->n, &job->err);
}

struct outcome {
    long long id;
    enum outbox_result res;
    int attempts;
    char why[300];
};

struct record_job {
    struct wjob job;
    const struct outcome *o;
    int n;
    int retry_base;
};

static int record_run(struct db *db, struct wjob *job)
{
    struct record_job *r = (struct record_job *)job;

    for (int i = 0; i < r->n; i++)
        if (outbox_record(db, r->o[i].id, r->o[i].res, r->o[i].attempts,
                          r->o[i].res == OUTBOX_SENT ? NULL : r->o[i].why, job->now,
                          outbox_backoff(r->retry_base, r->o[i].attempts), &job->err) < 0)
            return -1;
    return 0;
}

struct reminder_job {
    struct wjob job;
    int days, queued;
};

static int reminder_run(struct db *db, struct wjob *job)
{
    struct reminder_job *r = (struct reminder_job *)job;

    r->queued = outbox_queue_reminders(db, r->days, job->now, &job->err);
    return r->queued < 0 ? -1 : 0;
}

/* --- SMTP ------------------------------------------------------------------ */

struct upload {
    const char *data;
    size_t len, off;
};

static size_t read_cb(char *out, size_t size, size_t nmemb, void *arg)
{
    struct upload *u = arg;
    size_t n = size * nmemb;

    if (n > u->len - u->off)
        n = u->len - u->off;
    memcpy(out, u->data + u->off, n);
    u->off += n;
    return n;
}

/* Cuts an exchange short when the server is stopping. */
static int progress_cb(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    struct mail_sender *s = arg;
    int stop;

    (void)a, (void)b, (void)c, (void)d;
    pthread_mutex_lock(&s->mu);
    stop = s->stopping;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

static int curl_setup(struct mail_sender *s)
{
    const struct mail_config *c = &s->cfg;
    char url[600];
    CURL *h = curl_easy_init();

    if (h == NULL)
        return -1;
    /* The URL's path is the name the client gives in EHLO. */
    snprintf(url, sizeof url, "%s://%s:%d/saiets", c->tls == MAIL_TLS_IMPLICIT ? "smtps" : "smtp",
             c->smtp_host, c->smtp_port ? c->smtp_port : c->tls == MAIL_TLS_IMPLICIT ? 465 : 25);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     c->tls == MAIL_TLS_NONE ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
    if (c->smtp_ca_file[0])
        curl_easy_setopt(h, CURLOPT_CAINFO, c->smtp_ca_file);
    if (c->smtp_user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->smtp_password);
    }
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, s);
    s->curl = h;
    return 0;
}

/* Hands one message to the server: the outcome's result and why. */
static void smtp_send(struct mail_sender *s, const char *to, const struct buf *msg,
                      struct outcome *o)
{
    char from[300], rcpt_addr[300], errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *rcpt;
    struct upload u = {msg->data, msg->len, 0};
    long code = 0;
    CURLcode rc;

    snprintf(from, sizeof from, "<%s>", s->cfg.from_addr);
    snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", to);
    rcpt = curl_slist_append(NULL, rcpt_addr);
    curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(s->curl, CURLOPT_READDATA, &u);
    curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
    curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, errbuf);
    rc = rcpt ? curl_easy_perform(s->curl) : CURLE_OUT_OF_MEMORY;
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_OK) {
        o->res = OUTBOX_SENT;
        return;
    }
    /* 5xx: the server said no for good (an unknown address, a refused
     * message); everything else may work later. */
    o->res = code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED ? OUTBOX_FAILED
                                                                     : OUTBOX_RETRY;
    if (code)
        snprintf(o->why, sizeof o->why, "%s (server answered %ld)%s%s", curl_easy_strerror(rc),
                 code, errbuf[0] ? ": " : "", errbuf);
    else
        snprintf(o->why, sizeof o->why, "%s%s%s", curl_easy_strerror(rc),
                 errbuf[0] ? ": " : "", errbuf);
}

/* The domain of the sender's address, for Message-IDs. */
static const char *from_domain(const struct mail_config *c)
{
    const char *at = strchr(c->from_addr, '@');
    return at ? at + 1 : "localhost";
}

/* Writes and sends one row; fills o. */
static void deliver(struct mail_sender *s, const struct outbox_row *row, long long now,
                    struct outcome *o)
{
    struct mail_rendered r;
    struct err e;
    struct buf msg = BUF_INIT;
    char mid[160];
    struct mail_attachment att;
    struct mail_message m;

    o->id = row->id;
    o->attempts = row->attempts + 1;
    o->why[0] = '\0';
    if (mail_render(s->rdb, row, s->cfg.public_url, now, &r, &e) < 0) {
        o->res = e.code == ERR_NOT_FOUND ? OUTBOX_FAILED : OUTBOX_RETRY;
        snprintf(o->why, sizeof o->why, "cannot write the message: %.200s", e.message);
        return;
    }
    /* Stable across attempts: the same row always has the same id. */
    snprintf(mid, sizeof mid, "<outbox-%lld-%lld@%s>", row->id, row->created_at,
             from_domain(&s->cfg));
    att = (struct mail_attachment){"programme.ics",
                                   "text/calendar; charset=UTF-8; method=PUBLISH", r.ics,
                                   r.ics_len};
    m = (struct mail_message){.from_addr = s->cfg.from_addr,
                              .from_name = s->cfg.from_name[0] ? s->cfg.from_name : NULL,
                              .to_addr = row->to_addr, .to_name = row->to_name,
                              .subject = r.subject, .text = r.text, .html = r.html,
                              .message_id = mid, .date = now, .attempt = o->attempts,
                              .attachment = r.ics ? &att : NULL};
    if (mail_message_write(&m, &msg, &e) < 0) {
        o->res = OUTBOX_FAILED;
        snprintf(o->why, sizeof o->why, "cannot write the message: %.200s", e.message);
    } else {
        smtp_send(s, row->to_addr, &msg, o);
    }
    buf_free(&msg);
    mail_rendered_clear(&r);
}

/* Waits up to ms or until stopped: 1 when stopping. */
static int nap(struct mail_sender *s, int ms)
{
    struct timespec until;
    int stop;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        int rc = pthread_cond_timedwait(&s->cv, &s->mu, &until);
        if (rc == ETIMEDOUT)
            break;
    }
    stop = s->stopping;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

static void queue_reminders(struct mail_sender *s)
{
    struct reminder_job r = {.days = s->cfg.reminder_days};

    r.job.run = reminder_run;
    r.job.now = tu_now();
    writer_run(s->writer, &r.job);
    if (r.job.rc < 0)
        log_warn("mail: cannot queue reminders: %s", r.job.err.message);
    else if (r.queued > 0)
        log_info("mail: %d reminder(s) queued", r.queued);
}

/* One round: the due rows, sent.  How many rows there were, or -1. */
static int send_round(struct mail_sender *s)
{
    struct outbox_row rows[BATCH];
    struct outcome out[BATCH];
    long long now = tu_now();
    struct sending_job sj;
    struct record_job rj;
    int n = outbox_due(s->rdb, now, &s->fresh_from, rows, BATCH), sent = 0;

    if (n <= 0)
        return n;
    sj = (struct sending_job){.rows = rows, .n = n};
    sj.job.run = sending_run;
    sj.job.now = now;
    writer_run(s->writer, &sj.job);
    if (sj.job.rc < 0) {
        log_warn("mail: cannot mark messages as being sent: %s", sj.job.err.message);
        for (int i = 0; i < n; i++)
            outbox_row_clear(&rows[i]);
        return -1;
    }
    outbox_fresh_done(rows, n, &s->fresh_from);
    for (int i = 0; i < n; i++) {
        deliver(s, &rows[i], tu_now(), &out[i]);
        if (out[i].res == OUTBOX_SENT)
            sent++;
        else
            log_warn("mail: message %lld (%s) to %s: %s%s", rows[i].id, rows[i].kind,
                     rows[i].to_addr, out[i].why,
                     out[i].res == OUTBOX_FAILED ? " (given up)" : " (will retry)");
    }
    rj = (struct record_job){.o = out, .n = n, .retry_base = s->cfg.retry_seconds};
    rj.job.run = record_run;
    rj.job.now = tu_now();
    writer_run(s->writer, &rj.job);
    if (rj.job.rc < 0)
        log_warn("mail: cannot record what was sent: %s", rj.job.err.message);
    if (sent > 0)
        log_info("mail: %d message(s) sent", sent);
    for (int i = 0; i < n; i++)
        outbox_row_clear(&rows[i]);
    return n;
}

/* Mail waits for the requests: while the writer is busy (more than
 * BUSY_JOBS jobs since the last look), one round every BUSY_ROUND_MS at
 * most, so that a rush of registrations is not slowed by the messages it
 * causes (their writes go through the same writer); they follow when it
 * calms down. */
#define BUSY_JOBS 50
#define BUSY_ROUND_MS 2000

static void *sender_main(void *arg)
{
    struct mail_sender *s = arg;
    long long next_reminders = 0;
    unsigned long long jobs = writer_stats(s->writer).jobs;
    int busy_wait = 0;

    /* and the lowest CPU priority this thread may take (Linux: nice
     * applies per thread) */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
    for (;;) {
        unsigned long long now_jobs = writer_stats(s->writer).jobs;
        int n = 0, busy = now_jobs - jobs > BUSY_JOBS;

        jobs = now_jobs;
        if (s->cfg.reminder_days > 0 && tu_now() >= next_reminders) {
            queue_reminders(s);
            next_reminders = tu_now() + REMINDER_EVERY;
        }
        busy_wait = busy ? busy_wait + IDLE_MS : 0;
        if (s->curl && (!busy || busy_wait >= BUSY_ROUND_MS)) {
            n = send_round(s);
            busy_wait = 0;
            jobs = writer_stats(s->writer).jobs; /* our own jobs are not the rush */
        }
        if (nap(s, n == BATCH && !busy ? 0 : n < 0 ? 5000 : IDLE_MS))
            break;
    }
    return NULL;
}

static void sender_free(struct mail_sender *s)
{
    if (s->curl)
        curl_easy_cleanup(s->curl);
    db_close(s->rdb);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

struct mail_sender *mail_sender_start(const char *db_path, struct writer *w,
                                      const struct mail_config *c, char **errmsg)
{
    struct mail_sender *s;

    *errmsg = NULL;
    if (!c->enabled)
        return NULL;
    if ((s = calloc(1, sizeof *s)) == NULL) {
        *errmsg = strdup("out of memory");
        return NULL;
    }
    s->cfg = *c;
    s->writer = w;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (db_open(db_path, DB_READONLY, &s->rdb, errmsg) < 0)
        goto fail;
    if (c->smtp_host[0] && curl_setup(s) < 0) {
        *errmsg = strdup("cannot set up libcurl");
        goto fail;
    }
    if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
        *errmsg = strdup("cannot start the mail thread");
        goto fail;
    }
    return s;
fail:
    sender_free(s);
    return NULL;
}

void mail_sender_stop(struct mail_sender *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    sender_free(s);
}
