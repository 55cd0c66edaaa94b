/* http_ratelimit.c - the check of a public write (http.h, http_rate_limit):
 * which client the request comes from, a token from its bucket
 * (ratelimit.h), or the 429 answer.
 *
 * It runs on the loop thread with the time dispatch() read when the
 * request arrived: one keyed hash and a few stores, no allocation and no
 * system call. */
#include "http.h"

#include <event2/http.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

/* The TCP peer; all zeroes when libevent cannot say (not on TCP/IP). */
static void peer_of(struct evhttp_request *req, struct rl_addr *a)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    const struct sockaddr *sa = conn ? evhttp_connection_get_addr(conn) : NULL;

    memset(a, 0, sizeof *a);
    if (sa != NULL && sa->sa_family == AF_INET) {
        struct sockaddr_in in;

        memcpy(&in, sa, sizeof in);
        rl_addr_v4((const unsigned char *)&in.sin_addr, a);
    } else if (sa != NULL && sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;

        memcpy(&in6, sa, sizeof in6);
        rl_addr_v6(in6.sin6_addr.s6_addr, a);
    } else if (conn != NULL) {
        char *host = NULL;
        ev_uint16_t port;

        evhttp_connection_get_peer(conn, &host, &port);
        if (host == NULL || rl_addr_parse(host, strlen(host), a) < 0)
            memset(a, 0, sizeof *a);
    }
}

int http_rate_limit(struct http_ctx *c)
{
    struct app *app = c->app;
    const struct rl_trusted *trusted = &app->opt.trusted_proxies;
    struct rl_addr peer, client;
    const char *xff[17]; /* rl_client takes 16 at most: one more says "too many" */
    size_t n = 0;
    enum rl_client_from from;
    char secs[16];
    int retry = 1;

    if (app->limit == NULL || auth_is_organizer(&c->who))
        return 1;
    peer_of(c->req, &peer);
    if (trusted->n > 0 && rl_trusted_has(trusted, &peer)) {
        struct evkeyvalq *h = evhttp_request_get_input_headers(c->req);

        for (struct evkeyval *kv = h->tqh_first; kv != NULL; kv = kv->next.tqe_next)
            if (evutil_ascii_strcasecmp(kv->key, "X-Forwarded-For") == 0 &&
                n < sizeof xff / sizeof xff[0])
                xff[n++] = kv->value;
    }
    from = rl_client(trusted, &peer, xff, n, &client);
    if (rl_take(app->limit, &client, c->t0, &retry))
        return 1;
    if (from != RL_FROM_FORWARDED && n == 0 && trusted->n > 0 && !app->xff_missing_said &&
        rl_trusted_has(trusted, &peer)) {
        char text[64];

        /* Behind a proxy that does not say who its clients are, they all
         * share its one bucket: a rush would be refused. */
        rl_addr_format(&peer, text, sizeof text);
        log_warn("rate limit: public writes from %s are refused; it is a trusted proxy that "
                 "sent no X-Forwarded-For, so all its clients share one limit (let the proxy "
                 "send it, see docs/configuration.md)", text);
        app->xff_missing_said = 1;
    }
    snprintf(secs, sizeof secs, "%d", retry);
    evhttp_add_header(evhttp_request_get_output_headers(c->req), "Retry-After", secs);
    http_reply_code(c, ERR_RATE_LIMITED,
                    "too many requests from your address: try again in %d s", retry);
    return 0;
}
