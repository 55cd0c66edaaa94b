/* http_server.c - the libevent HTTP server: listening, limits, routing,
 * connection guards, the writer's wake-up and a clean shutdown.
 *
 * Limits that evhttp 2.1 lacks are built here from its public API: a cap on
 * open connections and a deadline for a whole request (a client that sends
 * a byte every few seconds never trips an idle timeout).  Each connection's
 * bufferevent is created by us (evhttp_set_bevcb) and watched through
 * callbacks on its buffers; we keep one reference to it so that we can tell
 * when evhttp has let it go. */
#include "http.h"

#include "http_edge.h"
#include "plugin_set.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/thread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "mail_sender.h"
#include "outbox.h"
#include "reg_mail.h"
#include "timeutil.h"
#include "web_assets.h"

static unsigned method_bit(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET:
    case EVHTTP_REQ_HEAD: return ROUTE_GET;
    case EVHTTP_REQ_POST: return ROUTE_POST;
    case EVHTTP_REQ_PATCH: return ROUTE_PATCH;
    case EVHTTP_REQ_DELETE: return ROUTE_DELETE;
    case EVHTTP_REQ_PUT: return ROUTE_PUT;
    default: return 0;
    }
}

/* 1 when s is all printable ASCII, as a request's path should be (RFC
 * 3986: anything else is percent-encoded). */
static int printable_ascii(const char *s)
{
    for (; *s; s++) {
        if (*s < 0x20 || *s > 0x7e)
            return 0;
    }
    return 1;
}

static void dispatch(struct evhttp_request *req, void *arg)
{
    struct app *app = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
    struct route_match m;
    struct http_ctx *c;
    struct err e;
    const char *refusal;
    size_t plen;

    c = calloc(1, sizeof *c);
    if (c == NULL) {
        evhttp_send_error(req, 503, NULL);
        return;
    }
    c->req = req;
    c->app = app;
    c->method = evhttp_request_get_command(req);
    c->t0 = tu_mono_ms();
    TAILQ_INIT(&c->query);
    if ((refusal = http_edge_refusal(req)) != NULL) {
        /* Closed after the answer: what follows on the connection may be
         * a request that was hidden in this one. */
        http_edge_close_after(req);
        http_reply_code(c, ERR_BAD_REQUEST, "%s", refusal);
        return;
    }
    if (path == NULL || path[0] == '\0')
        path = "/";
    plen = strlen(path);
    if (plen > 1 && path[plen - 1] == '/') {
        http_reply_code(c, ERR_NOT_FOUND, "no such resource (no trailing slash)");
        return;
    }
    if (!router_find(app->router, method_bit(c->method), path, &m)) {
        if (m.allowed) {
            char allow[64];

            router_allow_text(m.allowed, allow, sizeof allow);
            evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", allow);
            http_reply_code(c, ERR_METHOD_NOT_ALLOWED, "allowed methods: %s", allow);
        } else if (m.bad_id) {
            http_reply_code(c, ERR_BAD_REQUEST, "an id in the path must be a positive integer");
        } else if (printable_ascii(path)) {
            http_reply_code(c, ERR_NOT_FOUND, "no such resource: %s", path);
        } else {
            /* raw bytes may not be UTF-8, and a JSON answer must be */
            http_reply_code(c, ERR_NOT_FOUND, "no such resource");
        }
        return;
    }
    c->id = m.ids[0];
    c->id2 = m.ids[1];
    memcpy(c->name, m.name, sizeof c->name);
    if (m.rest != NULL) {
        if (strlen(m.rest) >= sizeof c->rest) {
            http_reply_code(c, ERR_NOT_FOUND, "no such resource (the path is too long)");
            return;
        }
        snprintf(c->rest, sizeof c->rest, "%s", m.rest);
    }
    if (q && evhttp_parse_query_str(q, &c->query) < 0) {
        http_reply_code(c, ERR_BAD_REQUEST, "malformed query string");
        return;
    }
    err_clear(&e);
    if (auth_resolve(app->rdb, evhttp_find_header(evhttp_request_get_input_headers(req),
                                                  "Authorization"),
                     &c->who, &e) < 0) {
        http_reply_err(c, &e);
        return;
    }
    if (c->who.kind == PRINCIPAL_ACCOUNT)
        tuse_note(app->uses, c->who.token_id, tu_now()); /* memory only: see use_flush */
    m.route->handler(c);
}

/* ---- connection guards ------------------------------------------------- */

struct conn_guard {
    struct app *app;
    struct bufferevent *bev;
    struct evbuffer_cb_entry *in_cb, *out_cb;
    double started;   /* ms when the current request's first byte came; 0 = idle */
    int reject;       /* over the connection cap: answer 503 and close */
    int nodelay;      /* TCP_NODELAY is set on the socket */
    struct conn_guard *next;
};

static const char overloaded_reply[] =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: application/json\r\n"
    "Connection: close\r\n"
    "Content-Length: 76\r\n\r\n"
    "{\"error\":{\"code\":\"overloaded\",\"message\":\"too many connections, try again\"}}\n";

static void guard_input(struct evbuffer *buf, const struct evbuffer_cb_info *info,
                        void *arg)
{
    struct conn_guard *g = arg;

    if (info->n_added == 0)
        return;
    if (!g->nodelay) {
        /* evhttp hands us the socket only after this callback's bufferevent
         * exists, so the first bytes are the first chance.  Without it an
         * answer that ends in a short segment waits for the client's
         * delayed ACK (Nagle): 40 ms for a 57 KB agenda. */
        evutil_socket_t fd = bufferevent_getfd(g->bev);
        int one = 1;

        g->nodelay = 1;
        if (fd >= 0)
            (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if (g->reject) {
        evutil_socket_t fd = bufferevent_getfd(g->bev);
        g->reject = 0;
        /* Nothing of this request reaches evhttp: it sees the close. */
        evbuffer_drain(buf, evbuffer_get_length(buf));
        if (fd >= 0) {
            if (write(fd, overloaded_reply, sizeof overloaded_reply - 1) < 0) {
                /* the client is gone already */
            }
            shutdown(fd, SHUT_RDWR);
        }
        return;
    }
    if (g->started == 0)
        g->started = tu_mono_ms();
}

static void guard_output(struct evbuffer *buf, const struct evbuffer_cb_info *info,
                         void *arg)
{
    struct conn_guard *g = arg;

    if (info->n_added > 0) {
        g->started = 0; /* an answer is on its way: the request is done */
        http_edge_json_error_page(buf); /* libevent's own, if it is one */
    }
}

static void guard_release(struct conn_guard *g)
{
    evbuffer_remove_cb_entry(bufferevent_get_input(g->bev), g->in_cb);
    evbuffer_remove_cb_entry(bufferevent_get_output(g->bev), g->out_cb);
    bufferevent_decref(g->bev);
    free(g);
}

/* Forgets connections evhttp has freed: bufferevent_free() clears the
 * callbacks, and our reference kept the memory alive until now. */
static void guard_reap(struct app *app)
{
    struct conn_guard **pp = &app->guards;

    while (*pp) {
        struct conn_guard *g = *pp;
        bufferevent_event_cb eventcb = NULL;

        bufferevent_getcb(g->bev, NULL, NULL, &eventcb, NULL);
        if (eventcb == NULL) {
            *pp = g->next;
            guard_release(g);
            app->connections--;
            continue;
        }
        pp = &g->next;
    }
}

static struct bufferevent *guard_bevcb(struct event_base *base, void *arg)
{
    struct app *app = arg;
    struct conn_guard *g = calloc(1, sizeof *g);
    struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);

    if (g == NULL || bev == NULL) {
        free(g);
        return bev; /* evhttp copes with NULL by making its own */
    }
    g->app = app;
    g->bev = bev;
    g->in_cb = evbuffer_add_cb(bufferevent_get_input(bev), guard_input, g);
    g->out_cb = evbuffer_add_cb(bufferevent_get_output(bev), guard_output, g);
    bufferevent_incref(bev); /* ours: see guard_reap() */
    if (app->connections >= app->opt.max_connections)
        guard_reap(app); /* closed ones may not have been counted out yet */
    g->reject = app->connections >= app->opt.max_connections || app->stopping;
    g->next = app->guards;
    app->guards = g;
    app->connections++;
    return bev;
}

/* Once a second: reap, and close connections whose request has been
 * arriving for longer than the deadline. */
static void guard_sweep(evutil_socket_t fd, short what, void *arg)
{
    struct app *app = arg;
    double now = tu_mono_ms(), limit = app->opt.request_timeout * 1000.0;

    (void)fd;
    (void)what;
    guard_reap(app);
    for (struct conn_guard *g = app->guards; g; g = g->next) {
        if (g->started > 0 && now - g->started > limit) {
            evutil_socket_t s = bufferevent_getfd(g->bev);
            g->started = 0;
            if (s >= 0) {
                log_warn("closing a connection whose request took over %ds",
                         app->opt.request_timeout);
                shutdown(s, SHUT_RDWR);
            }
        }
    }
}

static void guards_free(struct app *app)
{
    while (app->guards) {
        struct conn_guard *g = app->guards;
        app->guards = g->next;
        guard_release(g);
    }
}

/* ---- writer wake-up and shutdown --------------------------------------- */

static void writer_notify(void *arg)
{
    struct app *app = arg;

    /* Thread-safe: evthread_use_pthreads() was called before the base. */
    event_active(app->wake, EV_READ, 0);
}

static void maybe_finish(struct app *app)
{
    static const struct timeval flush = {0, 200 * 1000};

    if (app->stopping && app->inflight == 0)
        event_base_loopexit(app->base, &flush); /* let answers drain */
}

static void writer_wake(evutil_socket_t fd, short what, void *arg)
{
    struct app *app = arg;
    struct wjob *j = writer_collect(app->writer);

    (void)fd;
    (void)what;
    while (j) {
        struct wjob *next = j->next;
        j->done(j); /* answers and frees the request context */
        j = next;
    }
    maybe_finish(app);
}

static void use_flush(struct app *app);

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct app *app = arg;
    static const struct timeval hard = {10, 0};

    (void)what;
    if (app->stopping)
        return;
    log_info("signal %d: finishing %d in-flight write(s), then stopping",
             (int)sig, app->inflight);
    app->stopping = 1;
    use_flush(app); /* the last minute's uses */
    if (app->listener) {
        evhttp_del_accept_socket(app->http, app->listener);
        app->listener = NULL;
    }
    event_base_loopexit(app->base, &hard); /* never hang on a stuck client */
    maybe_finish(app);
}

/* ---- account tokens' last use ------------------------------------------ */

/* The uses noted since the last flush, written by the writer in one job:
 * at most one write a minute however many requests carry tokens. */
struct use_flush {
    struct wjob job;
    struct app *app;
    struct token_use_entry *list;
    size_t n;
};

static int use_flush_run(struct db *db, struct wjob *job)
{
    struct use_flush *f = (struct use_flush *)job;

    return tuse_store(db, f->list, f->n, &job->err);
}

static void use_flush_done(struct wjob *job)
{
    struct use_flush *f = (struct use_flush *)job;
    struct app *app = f->app;

    if (job->rc < 0)
        log_warn("could not record the last use of %zu token(s): %s", f->n, job->err.message);
    free(f->list);
    free(f);
    app->inflight--;
    maybe_finish(app);
}

static void use_flush(struct app *app)
{
    struct use_flush *f;
    struct token_use_entry *list;
    size_t n;

    if (app->writer == NULL || (n = tuse_take(app->uses, &list)) == 0)
        return;
    if ((f = calloc(1, sizeof *f)) == NULL) {
        free(list);
        return;
    }
    f->app = app;
    f->list = list;
    f->n = n;
    f->job.run = use_flush_run;
    f->job.done = use_flush_done;
    f->job.now = tu_now();
    app->inflight++;
    writer_submit(app->writer, &f->job);
}

static void use_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    use_flush(arg);
}

/* ---- e-mail confirmation's holds ---------------------------------------- */

#define EXPIRE_BATCH 64

struct expiry {
    struct wjob job;
    struct app *app;
    int n;
};

static int expiry_run(struct db *db, struct wjob *job)
{
    struct expiry *x = (struct expiry *)job;

    x->n = reg_expire_holds(db, job->now, EXPIRE_BATCH, &job->err);
    return x->n < 0 ? -1 : 0;
}

static void expiry_done(struct wjob *job)
{
    struct expiry *x = (struct expiry *)job;
    struct app *app = x->app;

    if (job->rc < 0)
        log_warn("unconfirmed registrations could not expire: %s", job->err.message);
    else if (x->n > 0)
        log_info("%d unconfirmed registration(s) expired", x->n);
    app->expiring = 0;
    /* a full batch: there may be more */
    if (job->rc == 0 && x->n == EXPIRE_BATCH && !app->stopping)
        event_active(app->holdtick, EV_TIMEOUT, 0);
    free(x);
    app->inflight--;
    maybe_finish(app);
}

/* One job at a time: the expiry of holds (a query on a partial index when
 * there is nothing to do). */
static void hold_tick(evutil_socket_t fd, short what, void *arg)
{
    struct app *app = arg;
    struct expiry *x;

    (void)fd;
    (void)what;
    /* Asked of the reader first: an empty job would still be a commit,
     * and every commit renews the response cache's ETags. */
    if (app->writer == NULL || app->expiring || app->stopping ||
        reg_holds_due(app->rdb, tu_now()) != 1 || (x = calloc(1, sizeof *x)) == NULL)
        return;
    x->app = app;
    x->job.run = expiry_run;
    x->job.done = expiry_done;
    x->job.now = tu_now();
    app->expiring = 1;
    app->inflight++;
    writer_submit(app->writer, &x->job);
}

static void log_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    log_flush();
}

static void raise_fd_limit(int max_connections)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)max_connections + 64;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
        rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* The mail thread, and a word on what becomes of messages. */
static int start_mail(struct app *app, int port)
{
    struct mail_config cfg;
    const struct mail_config *m = &cfg;
    char *msg = NULL;

    if (app->opt.mail == NULL || !app->opt.mail->enabled) {
        log_info("mail: off (no message is queued)");
        return 0;
    }
    cfg = *app->opt.mail;
    /* Without public_url, links point here (right on one machine only). */
    if (cfg.public_url[0] == '\0') {
        snprintf(cfg.public_url, sizeof cfg.public_url, "http://%s%s%s:%d",
                 strchr(app->opt.bind, ':') ? "[" : "", app->opt.bind,
                 strchr(app->opt.bind, ':') ? "]" : "", port);
        if (strcmp(app->opt.bind, "127.0.0.1") && strcmp(app->opt.bind, "::1") &&
            strcmp(app->opt.bind, "localhost"))
            log_warn("mail: public_url is not set: links in messages point to %s",
                     cfg.public_url);
    }
    snprintf(app->public_url, sizeof app->public_url, "%s", cfg.public_url);
    app->mail = mail_sender_start(app->opt.db_path, app->writer, m, &msg);
    if (app->mail == NULL) {
        log_error("cannot start the mail thread: %s", msg ? msg : "?");
        free(msg);
        return -1;
    }
    if (m->smtp_host[0] == '\0')
        log_warn("mail: no SMTP server is configured (smtp_host): messages are queued"
                 " and wait until one is");
    else
        log_info("mail: sending through %s:%d as %s, links to %s", m->smtp_host,
                 m->smtp_port ? m->smtp_port : m->tls == MAIL_TLS_IMPLICIT ? 465 : 25,
                 m->from_addr, m->public_url);
    return 0;
}

int http_serve(const struct http_options *opt)
{
    struct app app;
    struct timeval idle = {opt->idle_timeout, 0}, second = {1, 0}, tenth = {0, 100000};
    struct timeval minute = {60, 0}, five = {5, 0};
    char *msg = NULL, *cerr = NULL;
    int rc = 1, port;

    memset(&app, 0, sizeof app);
    app.opt = *opt;
    raise_fd_limit(opt->max_connections);
    if (evthread_use_pthreads() < 0) {
        log_error("libevent without thread support");
        return 1;
    }
    if (db_open(opt->db_path, DB_READONLY, &app.rdb, &msg) < 0) {
        log_error("cannot open the database: %s", msg);
        goto out;
    }
    {
        struct err we;

        err_clear(&we);
        if (web_assets_init() < 0 || i18n_init(&we) < 0) {
            log_error("the web files: %s", we.message[0] ? we.message : "a bad asset table");
            goto out;
        }
    }
    app.coll = collate_open("lv", &cerr);
    if (app.coll == NULL) {
        log_error("collation: %s", cerr ? cerr : "unavailable");
        goto out;
    }
    {
        /* A client that resets its connection while we write to it must cost
         * that connection (EPIPE, then evhttp closes it), not the process:
         * the default action of SIGPIPE is to terminate. */
        struct sigaction ign;

        memset(&ign, 0, sizeof ign);
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        sigaction(SIGPIPE, &ign, NULL);
    }
    app.base = event_base_new();
    app.http = app.base ? evhttp_new(app.base) : NULL;
    if (app.http == NULL) {
        log_error("cannot set up libevent");
        goto out;
    }
    app.wake = event_new(app.base, -1, 0, writer_wake, &app);
    app.sweep = event_new(app.base, -1, EV_PERSIST, guard_sweep, &app);
    app.sigint = evsignal_new(app.base, SIGINT, on_signal, &app);
    app.sigterm = evsignal_new(app.base, SIGTERM, on_signal, &app);
    app.logtick = event_new(app.base, -1, EV_PERSIST, log_tick, &app);
    app.usetick = event_new(app.base, -1, EV_PERSIST, use_tick, &app);
    app.holdtick = event_new(app.base, -1, EV_PERSIST, hold_tick, &app);
    app.uses = tuse_new();
    app.cache = respcache_new(256);
    app.router = router_new();
    app.boot = tu_now();
    if (opt->rate_limit)
        app.limit = rl_new(HTTP_RATE_CLIENTS, opt->rate_burst, opt->rate_per_minute);
    if (!app.wake || !app.sweep || !app.sigint || !app.sigterm || !app.logtick ||
        !app.usetick || !app.holdtick || !app.uses || !app.cache || !app.router ||
        (opt->rate_limit && !app.limit)) {
        log_error("cannot set up libevent events");
        goto out;
    }
    if (http_routes_install(app.router) < 0) {
        log_error("a route table is malformed or too long");
        goto out;
    }
    evhttp_set_allowed_methods(app.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
                                             EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                             EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
                                             EVHTTP_REQ_OPTIONS);
    evhttp_set_max_headers_size(app.http, HTTP_HEADERS_MAX);
    evhttp_set_max_body_size(app.http, HTTP_BODY_HARD_MAX);
    evhttp_set_timeout_tv(app.http, &idle);
    evhttp_set_bevcb(app.http, guard_bevcb, &app);
    evhttp_set_gencb(app.http, dispatch, &app);
    app.listener = evhttp_bind_socket_with_handle(app.http, opt->bind,
                                                  (ev_uint16_t)opt->port);
    if (app.listener == NULL) {
        int err = errno;

        log_error("cannot listen on %s port %d: %s", opt->bind, opt->port,
                  err == EADDRINUSE ? "the port is already in use (by another server?)"
                  : err == EACCES   ? "permission denied (ports below 1024 need privileges)"
                                    : strerror(err));
        goto out;
    }
    {
        /* The installed plugins, before the first request can run them. */
        struct err pe;
        struct plugin_set *ps;

        err_clear(&pe);
        if ((ps = plugin_set_load(app.rdb, &pe)) == NULL) {
            log_error("cannot load the plugins: %s", pe.message);
            goto out;
        }
        if (ps->n > 0)
            log_info("plugins: %zu installed and switched on", ps->n);
        plugin_set_publish(ps);
    }
    outbox_set_enabled(opt->mail && opt->mail->enabled);
    app.writer = writer_start(opt->db_path, writer_notify, &app, &msg);
    if (app.writer == NULL) {
        log_error("cannot start the writer: %s", msg ? msg : "?");
        goto out;
    }
    {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        evutil_socket_t fd = evhttp_bound_socket_get_fd(app.listener);
        getsockname(fd, (struct sockaddr *)&ss, &sl);
        port = ntohs(ss.ss_family == AF_INET6
                         ? ((struct sockaddr_in6 *)&ss)->sin6_port
                         : ((struct sockaddr_in *)&ss)->sin_port);
    }
    if (start_mail(&app, port) < 0)
        goto out;
    evsignal_add(app.sigint, NULL);
    evsignal_add(app.sigterm, NULL);
    event_add(app.sweep, &second);
    event_add(app.logtick, &tenth);
    event_add(app.usetick, &minute);
    event_add(app.holdtick, &five);
    /* an IPv6 address goes in brackets in a URL (RFC 3986) */
    printf("saiets: listening on http://%s%s%s:%d\n", strchr(opt->bind, ':') ? "[" : "",
           opt->bind, strchr(opt->bind, ':') ? "]" : "", port);
    fflush(stdout);
    log_info("serving %s on %s:%d (idle %ds, request %ds, max %d connections)",
             opt->db_path, opt->bind, port, opt->idle_timeout, opt->request_timeout,
             opt->max_connections);
    if (opt->rate_limit)
        log_info("rate limit: public writes %d at once, then %d a minute, per client address"
                 " (%zu trusted prox%s)", opt->rate_burst, opt->rate_per_minute,
                 opt->trusted_proxies.n, opt->trusted_proxies.n == 1 ? "y" : "ies");
    else
        log_info("rate limit: off");
    event_base_dispatch(app.base);
    rc = 0;
out:
    mail_sender_stop(app.mail); /* before the writer: it waits on it */
    if (app.writer) {
        struct writer_stats s = writer_stats(app.writer);
        writer_stop(app.writer);
        writer_wake(-1, 0, &app); /* answer what finished after the loop */
        log_info("writer: %llu jobs in %llu commits (largest batch %llu)", s.jobs,
                 s.batches, s.max_batch);
        writer_free(app.writer);
    }
    if (app.http)
        evhttp_free(app.http);
    guards_free(&app);
    log_flush();
    if (app.logtick)
        event_free(app.logtick);
    if (app.usetick)
        event_free(app.usetick);
    if (app.holdtick)
        event_free(app.holdtick);
    tuse_free(app.uses);
    respcache_free(app.cache);
    router_free(app.router);
    rl_free(app.limit);
    if (app.sigint)
        event_free(app.sigint);
    if (app.sigterm)
        event_free(app.sigterm);
    if (app.sweep)
        event_free(app.sweep);
    if (app.wake)
        event_free(app.wake);
    if (app.base)
        event_base_free(app.base);
    collate_close(app.coll);
    i18n_free();
    web_assets_free();
    plugin_rt_free(); /* the loop's vms hold statements on rdb */
    plugin_set_shutdown();
    db_close(app.rdb);
    free(cerr);
    free(msg);
    if (rc == 0)
        log_info("stopped");
    return rc;
}
