/* http.h - the HTTP layer: the server state, the per-request context and
 * the helpers handlers use to read requests and answer them.
 *
 * Handlers parse and answer; they call domain functions (plain C) for
 * everything else.  Reads run on the loop thread on a read-only connection;
 * writes are handed to the group-commit writer (writer.h) and answered when
 * their batch is on disk. */
#ifndef SAIETS_HTTP_H
#define SAIETS_HTTP_H

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "auth.h"
#include "buf.h"
#include "collate.h"
#include "db.h"
#include "ratelimit.h"
#include "errors.h"
#include "respcache.h"
#include "router.h"
#include "token_use.h"
#include "writer.h"

#define HTTP_JSON_BODY_MAX (64 * 1024)
#define HTTP_BODY_HARD_MAX (1024 * 1024)
#define HTTP_HEADERS_MAX (8 * 1024)
/* Client addresses the rate limit remembers at once (about 48 bytes each,
 * touched only when used): past it, the least recently seen is forgotten. */
#define HTTP_RATE_CLIENTS 16384

struct http_options {
    const char *db_path;
    const char *bind;
    int port;
    int idle_timeout;    /* seconds */
    int request_timeout; /* seconds */
    int max_connections;
    int quiet;           /* no per-request log lines */
    const struct mail_config *mail; /* mail_sender.h; NULL: mail off */
    /* Public writes per client address (http_rate_limit): */
    int rate_limit;         /* 0: not limited */
    int rate_burst;         /* requests at once */
    int rate_per_minute;    /* ...and then this many a minute */
    struct rl_trusted trusted_proxies; /* whose X-Forwarded-For is believed */
};

struct conn_guard;

struct app {
    struct http_options opt;
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *listener;
    struct db *rdb;         /* read-only connection, loop thread only */
    struct writer *writer;
    struct mail_sender *mail; /* the outbox's delivery thread, or NULL */
    char public_url[512];     /* where links in messages point (start_mail) */
    struct collate *coll;   /* Latvian collation for listings */
    struct event *wake;     /* the writer says: jobs are done */
    struct event *sweep;    /* once a second: connection deadlines */
    struct event *sigint, *sigterm;
    struct event *logtick;  /* flushes the request log */
    struct event *usetick;  /* once a minute: account tokens' last use to the db */
    struct event *holdtick; /* every few seconds: unconfirmed registrations expire */
    int expiring;           /* an expiry job is in the writer's hands */
    struct token_use *uses; /* account tokens' last use, loop thread only */
    struct respcache *cache;
    struct router *router;  /* the routes of the core (and later of plugins) */
    struct ratelimit *limit; /* public writes per client; NULL when off */
    int xff_missing_said;   /* warned once: a trusted proxy sent no X-Forwarded-For */
    long long boot;         /* start time: part of every ETag */
    struct conn_guard *guards;
    int connections;
    int inflight;           /* write jobs submitted, not yet answered */
    int stopping;
};

struct http_ctx {
    struct evhttp_request *req;
    struct app *app;
    enum evhttp_cmd_type method;
    long long id;           /* the route's first {id}, 0 if none */
    long long id2;          /* its second {id}, 0 if none */
    char name[ROUTER_NAME_MAX + 1]; /* its {name}, "" if none */
    char rest[256];         /* its {*}: the rest of the path, "" if none */
    struct principal who;
    double t0;              /* monotonic ms at dispatch */
    struct evkeyvalq query;
    /* For writes handed to the writer: */
    struct wjob job;
    json_t *in;             /* parsed body (owned) */
    json_t *out;            /* answer built by the job (owned) */
    int status;             /* HTTP status for out */
    int (*run)(struct db *, struct wjob *); /* the job's own run (http_submit) */
    void *data;             /* a handler's own input for its job (owned) */
    void (*data_free)(void *data);
};


/* --- answering (http_reply.c); each frees the context ------------------- */
void http_reply_json(struct http_ctx *c, int status, json_t *body); /* steals body */
void http_reply_err(struct http_ctx *c, const struct err *e);
/* 200 with o (stolen), or e's error when o is NULL: what a read answers. */
void http_reply_result(struct http_ctx *c, json_t *o, const struct err *e);
void http_reply_code(struct http_ctx *c, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A text/csv answer gets a UTF-8 byte order mark in front unless data
 * starts with one; an answer without a Cache-Control header of the
 * caller's gets "Cache-Control: no-store"; a text/html one the page
 * security headers (Content-Security-Policy and others). */
void http_reply_text(struct http_ctx *c, int status, const char *content_type,
                     const char *data, size_t len);
/* 200 with the CSV in b as an attachment named filename (a literal), or
 * 500 when b ran out of memory; frees b. */
void http_reply_csv(struct http_ctx *c, const char *filename, struct buf *b);

/* Answers from the cache (or renders with make(), caches and answers) with
 * an ETag for the current data generation; If-None-Match gives 304.
 * make() returns malloc'd text or NULL with *e set. */
void http_reply_cached(struct http_ctx *c, const char *key, const char *content_type,
                       char *(*make)(struct http_ctx *c, struct err *e));
/* The same body from the same cache, for a URL that is itself a secret:
 * Cache-Control: no-store, no ETag, no 304. */
void http_reply_cached_nostore(struct http_ctx *c, const char *key, const char *content_type,
                               char *(*make)(struct http_ctx *c, struct err *e));

/* Compact JSON text of o (consumed); NULL (and e set) when o is NULL or
 * out of memory.  For make() functions. */
char *http_json_text(json_t *o, struct err *e);

/* --- reading ------------------------------------------------------------ */
/* Parses the body as a JSON object (64 KiB at most) into c->in and
 * returns 1.  On failure answers the request itself, which frees c, and
 * returns 0: the caller must not touch c again. */
int http_body_json(struct http_ctx *c);
const char *http_query(struct http_ctx *c, const char *key);
/* The language of an HTML answer: "en" or "lv" from ?lang=, else from the
 * cookie "lang" (a preference, never a credential), else "lv" (web_pages.c). */
const char *http_lang(struct http_ctx *c);

/* Answers 401/403 and returns 0 unless the principal may go on. */
int http_require_organizer(struct http_ctx *c);
int http_require_admin(struct http_ctx *c);
/* For what anyone may read or do under /meetings/{id} (c->id): answers 404,
 * as for no meeting at all, and returns 0 when there is no such meeting or
 * it is a draft and the asker is no organizer (meeting_visibility, kept per meeting until the next commit). */
int http_meeting_visible(struct http_ctx *c);

/* The check of a public write, first thing in its handler:
 *     if (!http_rate_limit(c)) return;
 * Takes a token from the client address's bucket (ratelimit.h; the client
 * behind a trusted proxy per X-Forwarded-For) and returns 1, or answers
 * 429 rate_limited with Retry-After and returns 0: the caller must not
 * touch c again.  Organizers and admins (a valid account token) are not
 * limited, nor anyone when the limits are off. */
int http_rate_limit(struct http_ctx *c);

/* Hands c->in to the writer with run(); when committed, answers c->status
 * with c->out, or the job's error.  A job that fails may leave an error
 * answer of its own in c->out with c->status >= 400 (a plugin's). */
void http_submit(struct http_ctx *c, int (*run)(struct db *, struct wjob *));
struct http_ctx *http_ctx_of(struct wjob *job);

/* --- plugins (api_plugins.c) -------------------------------------------- */
/* The body of plugin name's public GET route at path ("/activities") for the
 * meeting c->id, in lang, as a new reference; NULL when the plugin is not
 * enabled for the meeting, has no such public route, or the call fails (then
 * logged): what a page shows of a plugin.  Loop thread. */
json_t *http_plugin_public_json(struct http_ctx *c, const char *name, const char *path,
                                const char *lang);

/* --- server (http_server.c) --------------------------------------------- */
int http_serve(const struct http_options *opt);

/* --- routes: each feature's table (api_*.c), installed by http_routes.c -- */
extern const struct route api_misc_routes[];
extern const struct route api_meetings_routes[];
extern const struct route api_registrations_routes[];
extern const struct route api_venues_routes[];
extern const struct route api_agenda_routes[];
extern const struct route api_agenda_export_routes[];
extern const struct route api_visits_routes[];
extern const struct route api_visit_lists_routes[];
extern const struct route api_plugins_routes[];
extern const struct route web_page_routes[];
extern const struct route api_admin_tokens_routes[];
extern const struct route api_mail_routes[];

/* Adds every core route to r: 0, or -1 when one is refused. */
int http_routes_install(struct router *r);

#endif
