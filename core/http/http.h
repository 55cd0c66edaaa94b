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
#include "collate.h"
#include "db.h"
#include "errors.h"
#include "respcache.h"
#include "writer.h"

#define HTTP_JSON_BODY_MAX (64 * 1024)
#define HTTP_BODY_HARD_MAX (1024 * 1024)
#define HTTP_HEADERS_MAX (8 * 1024)

struct http_options {
    const char *db_path;
    const char *bind;
    int port;
    int idle_timeout;    /* seconds */
    int request_timeout; /* seconds */
    int max_connections;
    int quiet;           /* no per-request log lines */
};

struct conn_guard;

struct app {
    struct http_options opt;
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *listener;
    struct db *rdb;         /* read-only connection, loop thread only */
    struct writer *writer;
    struct collate *coll;   /* Latvian collation for listings */
    struct event *wake;     /* the writer says: jobs are done */
    struct event *sweep;    /* once a second: connection deadlines */
    struct event *sigint, *sigterm;
    struct event *logtick;  /* flushes the request log */
    struct respcache *cache;
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
    struct principal who;
    double t0;              /* monotonic ms at dispatch */
    struct evkeyvalq query;
    /* For writes handed to the writer: */
    struct wjob job;
    json_t *in;             /* parsed body (owned) */
    json_t *out;            /* answer built by the job (owned) */
    int status;             /* HTTP status for out */
};

typedef void (*http_handler)(struct http_ctx *c);

/* --- answering (http_reply.c); each frees the context ------------------- */
void http_reply_json(struct http_ctx *c, int status, json_t *body); /* steals body */
void http_reply_err(struct http_ctx *c, const struct err *e);
/* 200 with o (stolen), or e's error when o is NULL: what a read answers. */
void http_reply_result(struct http_ctx *c, json_t *o, const struct err *e);
void http_reply_code(struct http_ctx *c, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void http_reply_text(struct http_ctx *c, int status, const char *content_type,
                     const char *data, size_t len);

/* Answers from the cache (or renders with make(), caches and answers) with
 * an ETag for the current data generation; If-None-Match gives 304.
 * make() returns malloc'd text or NULL with *e set. */
void http_reply_cached(struct http_ctx *c, const char *key, const char *content_type,
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

/* Answers 401/403 and returns 0 unless the principal may go on. */
int http_require_organizer(struct http_ctx *c);
int http_require_admin(struct http_ctx *c);

/* Hands c->in to the writer with run(); when committed, answers c->status
 * with c->out, or the job's error. */
void http_submit(struct http_ctx *c, int (*run)(struct db *, struct wjob *));
struct http_ctx *http_ctx_of(struct wjob *job);

/* --- server (http_server.c) --------------------------------------------- */
int http_serve(const struct http_options *opt);

/* --- routes (api_*.c) --------------------------------------------------- */
void api_health(struct http_ctx *c);
void api_organisations_list(struct http_ctx *c);
void api_organisations_create(struct http_ctx *c);
void api_networks_list(struct http_ctx *c);
void api_audit_list(struct http_ctx *c);
void api_meetings_list(struct http_ctx *c);
void api_meetings_create(struct http_ctx *c);
void api_meeting_get(struct http_ctx *c);
void api_meeting_patch(struct http_ctx *c);
void api_registrations_create(struct http_ctx *c);
void api_registrations_list(struct http_ctx *c);
void api_registration_get(struct http_ctx *c);
void api_registration_patch(struct http_ctx *c);
void api_registration_delete(struct http_ctx *c);
void api_registration_ics(struct http_ctx *c);
void api_visits_list(struct http_ctx *c);
void api_visits_create(struct http_ctx *c);
void api_visit_get(struct http_ctx *c);
void api_visit_allocate(struct http_ctx *c);
void api_visit_allocation(struct http_ctx *c);
void api_visit_pin(struct http_ctx *c);
void api_visit_host_lists(struct http_ctx *c);
void api_vehicles_list(struct http_ctx *c);
void api_vehicles_create(struct http_ctx *c);
void api_visit_patch(struct http_ctx *c);
void api_vehicle_patch(struct http_ctx *c);
void api_vehicle_delete(struct http_ctx *c);
void api_transport_plan(struct http_ctx *c);
void api_venues_list(struct http_ctx *c);
void api_venues_create(struct http_ctx *c);
void api_venue_get(struct http_ctx *c);
void api_venue_patch(struct http_ctx *c);
void api_venue_delete(struct http_ctx *c);
void api_venue_travel(struct http_ctx *c);
void api_agenda_get(struct http_ctx *c);
void api_agenda_create(struct http_ctx *c);
void api_agenda_problems(struct http_ctx *c);
void api_agenda_script(struct http_ctx *c);
void api_agenda_item_get(struct http_ctx *c);
void api_agenda_item_patch(struct http_ctx *c);
void api_agenda_item_delete(struct http_ctx *c);
void api_agenda_ics(struct http_ctx *c);
void page_agenda(struct http_ctx *c);

#endif
