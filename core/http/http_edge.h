/* http_edge.h - what the server refuses at the HTTP level, before any
 * handler runs: requests whose framing or version is ambiguous, and
 * libevent's own HTML error pages, which become the API's JSON errors. */
#ifndef SAIETS_HTTP_EDGE_H
#define SAIETS_HTTP_EDGE_H

#include <event2/buffer.h>
#include <event2/http.h>

/* Why the request's head is refused (a sentence for the client), or NULL
 * when it is sound. */
const char *http_edge_refusal(struct evhttp_request *req);

/* Before a refusal is sent: the answer says HTTP/1.1 (not the client's
 * version) and the connection closes after it. */
void http_edge_close_after(struct evhttp_request *req);

/* If out holds exactly one of libevent's HTML error pages, replaces it
 * with the same status and the API's JSON error body.  Called from the
 * connection's output buffer callback. */
void http_edge_json_error_page(struct evbuffer *out);

#endif
