/*
 * ping_server.c - benchmark baseline: the cheapest possible libevent evhttp server.
 *
 * It answers GET /ping with a fixed {"status":"ok"} and nothing else, so that
 * bench/run can compare Saiets' read path (GET a meeting) against the raw cost of
 * libevent's HTTP layer on the same machine. It is not part of Saiets.
 *
 * usage: bench_ping_server [--port N]     (N = 0 picks a free port; default 0)
 * Prints "listening on http://127.0.0.1:PORT" once bound; stops on SIGINT/SIGTERM.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

static const char PING_BODY[] = "{\"status\":\"ok\"}";

static void on_ping(struct evhttp_request *req, void *arg)
{
	(void)arg;
	enum evhttp_cmd_type method = evhttp_request_get_command(req);
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);

	if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_HEAD) {
		evhttp_add_header(out, "Allow", "GET, HEAD");
		evhttp_send_error(req, 405, "Method Not Allowed");
		return;
	}
	evhttp_add_header(out, "Content-Type", "application/json");
	/* The body is static: reference it instead of copying it per request. */
	evbuffer_add_reference(evhttp_request_get_output_buffer(req), PING_BODY,
			       sizeof PING_BODY - 1, NULL, NULL);
	evhttp_send_reply(req, 200, "OK", NULL);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, 404, "Not Found");
}

static void on_signal(evutil_socket_t sig, short events, void *arg)
{
	(void)sig;
	(void)events;
	event_base_loopbreak(arg);
}

/* Parses "0".."65535"; returns -1 on anything else. */
static int parse_port(const char *s)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 65535)
		return -1;
	return (int)v;
}

/* The port actually bound (useful when 0 was asked for), or -1. */
static int bound_port(struct evhttp_bound_socket *handle)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof addr;
	evutil_socket_t fd = evhttp_bound_socket_get_fd(handle);
	if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0 || addr.sin_family != AF_INET)
		return -1;
	return ntohs(addr.sin_port);
}

int main(int argc, char **argv)
{
	int rc = EXIT_FAILURE;
	int port = 0;
	struct event_base *base = NULL;
	struct evhttp *http = NULL;
	struct evhttp_bound_socket *handle = NULL; /* owned by http */
	struct event *sigint_ev = NULL;
	struct event *sigterm_ev = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			port = parse_port(argv[++i]);
			if (port < 0) {
				fprintf(stderr, "ping_server: bad --port '%s'\n", argv[i]);
				goto cleanup;
			}
		} else {
			fprintf(stderr, "usage: %s [--port N]\n", argv[0]);
			goto cleanup;
		}
	}

	/* A client that hangs up mid-reply must not kill the server. */
	signal(SIGPIPE, SIG_IGN);

	base = event_base_new();
	if (base == NULL) {
		fprintf(stderr, "ping_server: event_base_new failed\n");
		goto cleanup;
	}
	http = evhttp_new(base);
	if (http == NULL) {
		fprintf(stderr, "ping_server: evhttp_new failed\n");
		goto cleanup;
	}
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
						 EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_max_headers_size(http, 8192);
	evhttp_set_max_body_size(http, 4096);
	if (evhttp_set_cb(http, "/ping", on_ping, NULL) != 0) {
		fprintf(stderr, "ping_server: evhttp_set_cb failed\n");
		goto cleanup;
	}
	evhttp_set_gencb(http, on_other, NULL);

	handle = evhttp_bind_socket_with_handle(http, "127.0.0.1", (ev_uint16_t)port);
	if (handle == NULL) {
		fprintf(stderr, "ping_server: cannot bind 127.0.0.1:%d\n", port);
		goto cleanup;
	}
	port = bound_port(handle);
	if (port < 0) {
		fprintf(stderr, "ping_server: getsockname failed\n");
		goto cleanup;
	}

	sigint_ev = evsignal_new(base, SIGINT, on_signal, base);
	sigterm_ev = evsignal_new(base, SIGTERM, on_signal, base);
	if (sigint_ev == NULL || sigterm_ev == NULL || evsignal_add(sigint_ev, NULL) != 0 ||
	    evsignal_add(sigterm_ev, NULL) != 0) {
		fprintf(stderr, "ping_server: cannot install signal handlers\n");
		goto cleanup;
	}

	printf("listening on http://127.0.0.1:%d\n", port);
	fflush(stdout);

	if (event_base_dispatch(base) < 0) {
		fprintf(stderr, "ping_server: event loop failed\n");
		goto cleanup;
	}
	rc = EXIT_SUCCESS;

cleanup:
	if (sigterm_ev != NULL)
		event_free(sigterm_ev);
	if (sigint_ev != NULL)
		event_free(sigint_ev);
	if (http != NULL)
		evhttp_free(http);
	if (base != NULL)
		event_base_free(base);
	return rc;
}
