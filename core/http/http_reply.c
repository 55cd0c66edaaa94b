/* http_reply.c - answering requests and reading their bodies; see http.h. */
#include "http.h"

#include <event2/buffer.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "gzip.h"
#include "json_out.h"
#include "log.h"
#include "meeting.h"
#include "timeutil.h"

static const char *method_name(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_PATCH: return "PATCH";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    default: return "OTHER";
    }
}

static void ctx_free(struct http_ctx *c)
{
    evhttp_clear_headers(&c->query);
    json_decref(c->in);
    json_decref(c->out);
    if (c->data_free)
        c->data_free(c->data);
    free(c);
}

/* The Date header (RFC 9110 5.6.7), made once a second.  libevent would
 * make it for every answer (gmtime and a formatted print, some 3,500
 * instructions, a tenth of a cached read).  Loop thread only. */
static const char *http_date(void)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static time_t made = -1;
    static char text[64]; /* 29 used; room for any int gcc cannot bound */
    time_t now = time(NULL);
    struct tm tm;

    if (now != made && gmtime_r(&now, &tm) != NULL) {
        snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
                 tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                 tm.tm_sec);
        made = now;
    }
    return text;
}

/* The URI as the request log shows it: a calendar's secret URL (the secret
 * is the whole right to read it) never reaches the log, whatever the
 * answer and however the client spelled the URI (absolute form too). */
static const char *logged_uri(struct evhttp_request *req)
{
    const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
    const char *uri = evhttp_request_get_uri(req), *path = u ? evhttp_uri_get_path(u) : NULL;

    if ((path && strncmp(path, "/cal/", 5) == 0) || (uri && strstr(uri, "/cal/") != NULL))
        return "/cal/[redacted].ics";
    return uri;
}

/* Sends buf (consumed) with status and logs the request line. */
static void send_and_free(struct http_ctx *c, int status, struct evbuffer *buf)
{
    const char *date = http_date();

    if (date[0])
        evhttp_add_header(evhttp_request_get_output_headers(c->req), "Date", date);
    if (!c->app->opt.quiet) {
        /* Hundredths of a millisecond as integers: the same text as %.2f
         * without the cost of formatting a double on every answer. */
        long long h = (long long)((tu_mono_ms() - c->t0) * 100.0 + 0.5);

        log_request(method_name(c->method), logged_uri(c->req), status, h);
    }
    if (c->method == EVHTTP_REQ_HEAD) {
        /* The headers of the GET, without its body (libevent 2.1 would send
         * the body: a client that pipelines would read it as the next
         * answer). */
        char len[24];

        snprintf(len, sizeof len, "%zu", evbuffer_get_length(buf));
        evhttp_add_header(evhttp_request_get_output_headers(c->req), "Content-Length", len);
        evbuffer_drain(buf, evbuffer_get_length(buf));
    }
    /* libevent knows no name for 429 ("Client Error") */
    evhttp_send_reply(c->req, status, status == 429 ? "Too Many Requests" : NULL, buf);
    evbuffer_free(buf);
    ctx_free(c);
}

void http_reply_json(struct http_ctx *c, int status, json_t *body)
{
    /* One text buffer for every answer (the loop thread's): most answers
     * are small, and a big one gives its memory back afterwards. */
    static struct buf text = BUF_INIT;
    struct evbuffer *buf = evbuffer_new();
    struct evkeyvalq *h = evhttp_request_get_output_headers(c->req);
    int ok;

    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "Cache-Control", "no-store");
    buf_reset(&text);
    ok = buf != NULL && body != NULL && json_out(&text, body) == 0 &&
         evbuffer_add(buf, text.data, text.len) == 0;
    if (text.cap > 64 * 1024)
        buf_free(&text);
    if (!ok) {
        if (buf)
            evbuffer_drain(buf, evbuffer_get_length(buf));
        else
            buf = evbuffer_new();
        status = 500;
        if (buf)
            evbuffer_add_printf(buf, "{\"error\":{\"code\":\"internal_error\","
                                     "\"message\":\"could not build the answer\"}}");
    }
    json_decref(body);
    if (buf == NULL) {
        evhttp_send_error(c->req, 500, NULL);
        ctx_free(c);
        return;
    }
    evbuffer_add(buf, "\n", 1);
    send_and_free(c, status, buf);
}

void http_reply_err(struct http_ctx *c, const struct err *e)
{
    json_t *o = json_pack("{s:s, s:s}", "code", err_code_name(e->code), "message",
                          e->message[0] ? e->message : err_code_name(e->code));

    if (o && e->field[0])
        json_object_set_new(o, "field", json_string(e->field));
    if (e->code == ERR_INTERNAL)
        log_error("internal error: %s", e->message);
    http_reply_json(c, err_http_status(e->code), json_pack("{s:o}", "error", o));
}

void http_reply_code(struct http_ctx *c, enum err_code code, const char *fmt, ...)
{
    struct err e;
    va_list ap;

    err_clear(&e);
    e.code = code;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    http_reply_err(c, &e);
}

/* Content-Type, and for HTML the page security headers: scripts and styles
 * only from this server (nothing inline), no framing, no Referer (a manage
 * link's secret must not leak), no type sniffing. */
static void set_content_type(struct http_ctx *c, const char *content_type)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(c->req);

    evhttp_add_header(h, "Content-Type", content_type);
    if (strncmp(content_type, "text/html", 9) == 0) {
        evhttp_add_header(h, "Content-Security-Policy",
                          "default-src 'none'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                          "base-uri 'none'; frame-ancestors 'none'");
        evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
        evhttp_add_header(h, "Referrer-Policy", "no-referrer");
        evhttp_add_header(h, "X-Frame-Options", "DENY");
    }
}

#define UTF8_BOM "\xEF\xBB\xBF"

void http_reply_text(struct http_ctx *c, int status, const char *content_type,
                     const char *data, size_t len)
{
    struct evbuffer *buf = evbuffer_new();

    if (buf == NULL) {
        evhttp_send_error(c->req, 500, NULL);
        ctx_free(c);
        return;
    }
    set_content_type(c, content_type);
    /* An answer that says nothing of caching (the CSV exports, the host
     * lists' page: what names people) is stored by no browser or proxy. */
    if (evhttp_find_header(evhttp_request_get_output_headers(c->req), "Cache-Control") == NULL)
        evhttp_add_header(evhttp_request_get_output_headers(c->req), "Cache-Control",
                          "no-store");
    /* Excel reads a CSV file in the machine's legacy code page (Latvian
     * letters come out broken) unless it starts with a UTF-8 byte order
     * mark: every CSV answer, the core's and plugins', starts with one. */
    if (strncmp(content_type, "text/csv", 8) == 0 && status != 204 && status != 304 &&
        !(len >= sizeof UTF8_BOM - 1 && memcmp(data, UTF8_BOM, sizeof UTF8_BOM - 1) == 0))
        evbuffer_add(buf, UTF8_BOM, sizeof UTF8_BOM - 1);
    evbuffer_add(buf, data, len);
    send_and_free(c, status, buf);
}

void http_reply_csv(struct http_ctx *c, const char *filename, struct buf *b)
{
    char disposition[128];

    if (!buf_ok(b)) {
        buf_free(b);
        http_reply_code(c, ERR_INTERNAL, "out of memory");
        return;
    }
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
    evhttp_add_header(evhttp_request_get_output_headers(c->req), "Content-Disposition",
                      disposition);
    http_reply_text(c, 200, "text/csv; charset=utf-8", b->data ? b->data : "", b->len);
    buf_free(b);
}

int http_body_json(struct http_ctx *c)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(c->req);
    size_t len = evbuffer_get_length(in);
    json_error_t jerr;
    json_t *v;

    if (len > HTTP_JSON_BODY_MAX) {
        http_reply_code(c, ERR_BODY_TOO_LARGE, "the body is larger than %d bytes",
                        HTTP_JSON_BODY_MAX);
        return 0;
    }
    if (len == 0) {
        http_reply_code(c, ERR_BAD_JSON, "the body is empty: send a JSON object");
        return 0;
    }
    /* jansson refuses invalid UTF-8 and, with this flag, duplicate keys. */
    v = json_loadb((const char *)evbuffer_pullup(in, -1), len,
                   JSON_REJECT_DUPLICATES, &jerr);
    if (v == NULL) {
        http_reply_code(c, ERR_BAD_JSON, "malformed JSON at line %d column %d: %s",
                        jerr.line, jerr.column, jerr.text);
        return 0;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        http_reply_code(c, ERR_BAD_JSON, "the body must be a JSON object");
        return 0;
    }
    c->in = v;
    return 1;
}

const char *http_query(struct http_ctx *c, const char *key)
{
    return evhttp_find_header(&c->query, key);
}

int http_require_organizer(struct http_ctx *c)
{
    if (auth_is_organizer(&c->who))
        return 1;
    if (c->who.kind == PRINCIPAL_NONE)
        http_reply_code(c, ERR_UNAUTHORIZED, "an organizer token is required");
    else
        http_reply_code(c, ERR_FORBIDDEN, "only organizers may do this");
    return 0;
}

int http_require_admin(struct http_ctx *c)
{
    if (auth_is_admin(&c->who))
        return 1;
    if (c->who.kind == PRINCIPAL_NONE)
        http_reply_code(c, ERR_UNAUTHORIZED, "an admin token is required");
    else
        http_reply_code(c, ERR_FORBIDDEN, "only admins may do this");
    return 0;
}

/* A meeting's visibility is asked on every public read of it, most of them
 * answered from the response cache: the answer is kept per meeting until
 * the next commit (a direct-mapped table on the loop thread), so a cached
 * read costs no query. */
#define VIS_SLOTS 64

static int visibility(struct app *app, long long id)
{
    static struct {
        long long id;
        unsigned long long gen;
        int v;
    } slot[VIS_SLOTS];
    unsigned long long gen = writer_generation(app->writer);
    unsigned i = (unsigned)((unsigned long long)id % VIS_SLOTS);
    int v;

    if (slot[i].id == id && slot[i].gen == gen && gen != 0)
        return slot[i].v;
    if ((v = meeting_visibility(app->rdb, id)) >= 0) {
        slot[i].id = id;
        slot[i].gen = gen;
        slot[i].v = v;
    }
    return v;
}

int http_meeting_visible(struct http_ctx *c)
{
    int v = visibility(c->app, c->id);

    if (v < 0) {
        http_reply_code(c, ERR_INTERNAL, "storage error");
        return 0;
    }
    if (v == MEETING_PUBLIC || (v == MEETING_DRAFT && auth_is_organizer(&c->who)))
        return 1;
    http_reply_code(c, ERR_NOT_FOUND, "no meeting %lld", c->id);
    return 0;
}

struct http_ctx *http_ctx_of(struct wjob *job)
{
    return (struct http_ctx *)((char *)job - offsetof(struct http_ctx, job));
}

static void submit_done(struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);
    json_t *out = c->out;

    c->app->inflight--;
    if (job->rc < 0 && !(out != NULL && c->status >= 400)) {
        http_reply_err(c, &job->err);
        return;
    }
    c->out = NULL;
    http_reply_json(c, c->status ? c->status : 200, out);
}

/* The writer may run a job again (writer.h): start from a clean answer. */
static int run_fresh(struct db *db, struct wjob *job)
{
    struct http_ctx *c = http_ctx_of(job);

    json_decref(c->out);
    c->out = NULL;
    c->status = 0;
    return c->run(db, job);
}

void http_submit(struct http_ctx *c, int (*run)(struct db *, struct wjob *))
{
    c->run = run;
    c->job.run = run_fresh;
    c->job.done = submit_done;
    c->job.now = tu_now();
    c->app->inflight++;
    writer_submit(c->app->writer, &c->job);
}

/* FNV-1a: folds the cache key into the ETag, so that a tag is only ever
 * current for the resource that gave it. */
static unsigned long key_hash(const char *key)
{
    unsigned long h = 2166136261u;

    for (; *key; key++)
        h = ((h ^ (unsigned char)*key) * 16777619u) & 0xffffffffu;
    return h;
}

/* v in lowercase hex, as %llx writes it; returns the end. */
static char *put_hex(char *p, unsigned long long v)
{
    char tmp[16];
    int n = 0;

    do
        tmp[n++] = "0123456789abcdef"[v & 15];
    while ((v >>= 4) != 0);
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

/* If-None-Match may list several tags, weak ones ("W/" + tag) included; the
 * weak comparison RFC 9110 asks for here is a substring match of our
 * quoted tag. */
static int etag_listed(const char *inm, const char *etag)
{
    return inm != NULL && strstr(inm, etag) != NULL;
}

/* "If-None-Match: *": any current representation matches, so a resource
 * that exists answers 304 (RFC 9110 13.1.2). */
static int etag_any(const char *inm)
{
    if (inm == NULL)
        return 0;
    inm += strspn(inm, " \t");
    return inm[0] == '*' && inm[1 + strspn(inm + 1, " \t")] == '\0';
}

/* Vary only where the answer can be gzipped: each header costs libevent
 * two allocations and a printf on every answer.  etag NULL: an answer no
 * one may store (no tag, Cache-Control: no-store). */
static void add_validators(struct evkeyvalq *out, const char *etag, int may_vary)
{
    if (etag) {
        evhttp_add_header(out, "ETag", etag);
        evhttp_add_header(out, "Cache-Control", "no-cache");
    } else {
        evhttp_add_header(out, "Cache-Control", "no-store");
    }
    if (may_vary) {
        /* a page varies with its language cookie too: one Vary header */
        const char *had = evhttp_find_header(out, "Vary");

        if (had) {
            char both[64];

            snprintf(both, sizeof both, "%s, Accept-Encoding", had);
            evhttp_remove_header(out, "Vary");
            evhttp_add_header(out, "Vary", both);
        } else {
            evhttp_add_header(out, "Vary", "Accept-Encoding");
        }
    }
}

/* "BOOT-GENERATION-KEYHASH[-gz]", quoted, into etag (80 bytes).  Written
 * by hand, as "\"%llx-%llx-%lx%s\"" would: snprintf cost 2,000
 * instructions. */
static void make_etag(char *etag, const struct app *app, unsigned long long gen,
                      const char *key, int gz)
{
    char *p = etag;

    *p++ = '"';
    p = put_hex(p, (unsigned long long)app->boot);
    *p++ = '-';
    p = put_hex(p, gen);
    *p++ = '-';
    p = put_hex(p, key_hash(key));
    if (gz) {
        memcpy(p, "-gz", 3);
        p += 3;
    }
    *p++ = '"';
    *p = '\0';
}

static void release_shared(const void *data, size_t len, void *extra)
{
    (void)len;
    (void)extra;
    respcache_release(data);
}

/* 200 with a cached body, by reference: a large agenda is not copied once
 * per answer (the copies, into fresh heap pages each time, cost more than
 * everything else the answer does). */
static void reply_shared(struct http_ctx *c, const char *content_type, const char *body,
                         size_t len)
{
    struct evbuffer *buf = evbuffer_new();

    if (buf == NULL) {
        evhttp_send_error(c->req, 500, NULL);
        ctx_free(c);
        return;
    }
    set_content_type(c, content_type);
    respcache_hold(body);
    if (evbuffer_add_reference(buf, body, len, release_shared, NULL) < 0) {
        respcache_release(body);
        evbuffer_add(buf, body, len);
    }
    send_and_free(c, 200, buf);
}

static void reply_cached(struct http_ctx *c, const char *key, const char *content_type,
                         char *(*make)(struct http_ctx *c, struct err *e), int nostore);

void http_reply_cached(struct http_ctx *c, const char *key, const char *content_type,
                       char *(*make)(struct http_ctx *c, struct err *e))
{
    reply_cached(c, key, content_type, make, 0);
}

void http_reply_cached_nostore(struct http_ctx *c, const char *key, const char *content_type,
                               char *(*make)(struct http_ctx *c, struct err *e))
{
    reply_cached(c, key, content_type, make, 1);
}

static void reply_cached(struct http_ctx *c, const char *key, const char *content_type,
                         char *(*make)(struct http_ctx *c, struct err *e), int nostore)
{
    struct app *app = c->app;
    /* Read the generation before the data: what we render is at least as
     * new as the generation it is filed under.  The writer counts our own
     * commits; data_version also moves when another process (`saiets agenda
     * run --apply` on the same file) commits. */
    unsigned long long gen = writer_generation(app->writer) +
                             (db_data_version(app->rdb) << 40);
    struct evkeyvalq *in = evhttp_request_get_input_headers(c->req);
    struct evkeyvalq *out = evhttp_request_get_output_headers(c->req);
    int gz = gz_accepted(evhttp_find_header(in, "Accept-Encoding"));
    const char *inm = evhttp_find_header(in, "If-None-Match"), *body, *zbody;
    char etag[80], *text;
    size_t len, zlen;
    struct err e;

    /* The body first: whether it is big enough to compress decides the
     * tag and whether the answer varies by Accept-Encoding at all. */
    if ((body = respcache_get(app->cache, key, gen, &len)) == NULL) {
        err_clear(&e);
        if ((text = make(c, &e)) == NULL) {
            http_reply_err(c, &e); /* no ETag: errors are not cached */
            return;
        }
        len = strlen(text);
        body = respcache_put(app->cache, key, gen, text, len);
        if (body == NULL) { /* not cacheable: answer from our own copy, plain */
            make_etag(etag, app, gen, key, 0);
            add_validators(out, nostore ? NULL : etag, len >= GZ_MIN_BYTES);
            http_reply_text(c, 200, content_type, text, len);
            free(text);
            return;
        }
        free(text);
    }
    /* One tag per representation: the gzip one ends in -gz.  A body too
     * small to compress has one representation, one tag and no Vary. */
    gz = gz && len >= GZ_MIN_BYTES;
    make_etag(etag, app, gen, key, gz);
    add_validators(out, nostore ? NULL : etag, len >= GZ_MIN_BYTES);
    /* The tag says everything: nothing was written since it was given, so
     * the client's copy is current. */
    if (!nostore && (etag_listed(inm, etag) || etag_any(inm))) {
        http_reply_text(c, 304, content_type, "", 0);
        return;
    }
    if (gz) {
        zbody = respcache_get_gz(app->cache, key, gen, &zlen);
        if (zbody == NULL && (text = gz_compress(body, len, &zlen)) != NULL) {
            zbody = respcache_put_gz(app->cache, key, gen, text, zlen);
            free(text);
        }
        if (zbody != NULL) {
            evhttp_add_header(out, "Content-Encoding", "gzip");
            reply_shared(c, content_type, zbody, zlen);
            return;
        }
    }
    reply_shared(c, content_type, body, len);
}

void http_reply_result(struct http_ctx *c, json_t *o, const struct err *e)
{
    if (o == NULL)
        http_reply_err(c, e);
    else
        http_reply_json(c, 200, o);
}

char *http_json_text(json_t *o, struct err *e)
{
    char *text;

    if (o == NULL)
        return NULL;
    text = json_out_text(o);
    json_decref(o);
    if (text == NULL)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
    return text;
}
