/* http_edge.c - what the server refuses at the HTTP level; see http_edge.h.
 *
 * libevent 2.1 frames a request by the first Content-Length it finds and
 * accepts what strtoll accepts ("+2"); a proxy in front of us may frame
 * the same bytes differently (the last header, or Transfer-Encoding), and
 * the difference lets one request hide inside another (request
 * smuggling).  So a request whose framing could be read two ways is
 * refused, and its connection closed, before it reaches a handler.
 *
 * libevent 2.1 has no hook for its own error answers (evhttp_set_errorcb
 * came in 2.2): it writes an HTML page into the connection's output
 * buffer.  We see that buffer through a callback (http_server.c) and
 * swap the page for a JSON error before a byte of it is written. */
#include "http_edge.h"

#include <sys/queue.h> /* TAILQ_FOREACH over the headers */
#include <event2/http_struct.h> /* req->major, req->minor: 2.1 has no getter */
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* How many of the request's header lines are Content-Length,
 * Transfer-Encoding and Host: one pass (this runs for every request). */
struct header_counts {
    int lengths, encodings, hosts;
};

static struct header_counts count_headers(const struct evkeyvalq *h)
{
    struct header_counts n = {0, 0, 0};
    const struct evkeyval *kv;

    TAILQ_FOREACH(kv, h, next) {
        switch (kv->key[0] | 0x20) {
        case 'c': n.lengths += strcasecmp(kv->key, "Content-Length") == 0; break;
        case 't': n.encodings += strcasecmp(kv->key, "Transfer-Encoding") == 0; break;
        case 'h': n.hosts += strcasecmp(kv->key, "Host") == 0; break;
        default: break;
        }
    }
    return n;
}

/* RFC 9110 8.6: Content-Length = 1*DIGIT; no sign, no spaces, no list. */
static int all_digits(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
    }
    return 1;
}

/* HTTP/1.0 and HTTP/1.1 only: libevent takes any "HTTP/1.x" and would
 * echo the x in the answer's status line. */
static const char *version_refusal(const struct evhttp_request *req)
{
    if (req->major != 1 || (req->minor != 0 && req->minor != 1))
        return "only HTTP/1.0 and HTTP/1.1 are served";
    return NULL;
}

/* RFC 9112 3.2: an HTTP/1.1 request has exactly one Host, any request at
 * most one. */
static const char *host_refusal(const struct evhttp_request *req, int hosts)
{
    if (hosts > 1)
        return "more than one Host header";
    if (hosts == 0 && req->minor == 1)
        return "an HTTP/1.1 request needs a Host header";
    return NULL;
}

/* One way to find where the body ends (RFC 9112 6.3): one Content-Length
 * of digits only, or a single Transfer-Encoding: chunked, never both. */
static const char *framing_refusal(const struct evkeyvalq *h, struct header_counts n)
{
    int lengths = n.lengths, encodings = n.encodings;

    if (lengths > 1)
        return "more than one Content-Length header";
    if (lengths == 1 && !all_digits(evhttp_find_header(h, "Content-Length")))
        return "Content-Length must be digits only";
    if (encodings > 1 || (encodings == 1 && lengths == 1))
        return "a body framed two ways (Transfer-Encoding and Content-Length)";
    if (encodings == 1 &&
        strcasecmp(evhttp_find_header(h, "Transfer-Encoding"), "chunked") != 0)
        return "the only Transfer-Encoding served is chunked";
    return NULL;
}

const char *http_edge_refusal(struct evhttp_request *req)
{
    const struct evkeyvalq *h = evhttp_request_get_input_headers(req);
    const char *why = version_refusal(req);
    struct header_counts n;

    if (why != NULL)
        return why;
    n = count_headers(h);
    why = host_refusal(req, n.hosts);
    if (why == NULL)
        why = framing_refusal(h, n);
    return why;
}

void http_edge_close_after(struct evhttp_request *req)
{
    req->major = 1;
    req->minor = 1;
    evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
}

/* ---- libevent's error pages ---------------------------------------------- */

/* The statuses libevent answers by itself (evhttp_send_error) on a server:
 * a request it could not read, a body over evhttp_set_max_body_size, a
 * method outside evhttp_set_allowed_methods; and ours that fall back on
 * evhttp_send_error. */
static const struct edge_error {
    int status;
    const char *reason, *code, *message;
} edge_errors[] = {
    {400, "Bad Request", "bad_request",
     "the request could not be read: a malformed request line or header,"
     " or headers over 8 KiB"},
    {413, "Payload Too Large", "body_too_large", "the body is over 1 MiB"},
    {500, "Internal Server Error", "internal_error", "the answer could not be made"},
    {501, "Not Implemented", "not_implemented", "this method is not served"},
    {503, "Service Unavailable", "overloaded", "the server is short of memory, try again"},
};

static const struct edge_error *edge_error_of(int status)
{
    for (size_t i = 0; i < sizeof edge_errors / sizeof edge_errors[0]; i++) {
        if (edge_errors[i].status == status)
            return &edge_errors[i];
    }
    return NULL;
}

/* The status of the page in out if out holds one of libevent's HTML error
 * pages (evhttp_send_error's format, nothing before or after), else 0.
 * The tail is looked at first: this runs for every write to a connection. */
static int error_page_status(struct evbuffer *out)
{
    static const char tail[] = "</BODY></HTML>\n";
    static const char body[] = "\r\n\r\n<HTML><HEAD>\n<TITLE>";
    char text[512], end[sizeof tail - 1];
    size_t len = evbuffer_get_length(out);
    struct evbuffer_ptr at;
    const char *b;

    if (len < sizeof body + sizeof tail || len >= sizeof text ||
        evbuffer_ptr_set(out, &at, len - sizeof end, EVBUFFER_PTR_SET) < 0 ||
        evbuffer_copyout_from(out, &at, end, sizeof end) != (ev_ssize_t)sizeof end ||
        memcmp(end, tail, sizeof end) != 0)
        return 0;
    if (evbuffer_copyout(out, text, len) != (ev_ssize_t)len)
        return 0;
    text[len] = '\0';
    /* "HTTP/1.1 413 ...\r\n...\r\n\r\n<HTML><HEAD>\n<TITLE>413 ..." */
    if (strncmp(text, "HTTP/1.", 7) != 0 || (b = strstr(text, body)) == NULL ||
        atoi(text + 9) != atoi(b + sizeof body - 1))
        return 0;
    return atoi(text + 9);
}

void http_edge_json_error_page(struct evbuffer *out)
{
    const struct edge_error *e = edge_error_of(error_page_status(out));
    char json[256], date[64];
    time_t now = time(NULL);
    struct tm tm;
    int n;

    if (e == NULL)
        return;
    /* the C locale's names, as HTTP wants them: nothing calls setlocale */
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
        return;
    n = snprintf(json, sizeof json, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n",
                 e->code, e->message);
    if (n < 0 || (size_t)n >= sizeof json)
        return;
    /* Nothing of it is written yet: evhttp adds the whole answer, then
     * asks for the socket to be writable. */
    evbuffer_drain(out, evbuffer_get_length(out));
    evbuffer_add_printf(out,
                        "HTTP/1.1 %d %s\r\n"
                        "Content-Type: application/json\r\n"
                        "Cache-Control: no-store\r\n"
                        "Connection: close\r\n"
                        "Date: %s\r\n"
                        "Content-Length: %d\r\n\r\n%s",
                        e->status, e->reason, date, n, json);
}
