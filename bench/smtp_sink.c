/*
 * smtp_sink.c - benchmark helper: an SMTP server that accepts every message
 * and throws it away, so that bench/run can measure Saiets with its mail
 * sender delivering (not just queueing) while registrations pour in, without
 * a Python SMTP server eating the load generator's CPU. Not part of Saiets.
 *
 * usage: bench_smtp_sink [--port N]     (N = 0 picks a free port; default 0)
 * Prints "listening on 127.0.0.1:PORT" once bound; on SIGINT/SIGTERM
 * prints "messages N" (how many it accepted) and exits.
 *
 * Speaks just what a client like libcurl needs: 220 greeting; EHLO/HELO,
 * MAIL, RCPT, RSET, NOOP -> 250; DATA -> 354, then the body up to a line
 * "." -> 250; QUIT -> 221. One poll() loop, at most 64 connections.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define MAX_CONN 64
#define LINE_MAX_LEN 4096

struct conn {
	int fd;
	int in_data;
	size_t len;
	char line[LINE_MAX_LEN];
};

static volatile sig_atomic_t stop;
static unsigned long long messages;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void say(int fd, const char *s)
{
	size_t n = strlen(s), off = 0;

	while (off < n) {
		ssize_t w = write(fd, s + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

/* One complete line (without CRLF): the answer, if any. */
static int on_line(struct conn *c)
{
	const char *l = c->line;

	if (c->in_data) {
		if (strcmp(l, ".") == 0) {
			c->in_data = 0;
			messages++;
			say(c->fd, "250 2.0.0 OK: thrown away\r\n");
		}
		return 0;
	}
	if (strncasecmp(l, "EHLO", 4) == 0)
		say(c->fd, "250-bench-sink\r\n250 8BITMIME\r\n");
	else if (strncasecmp(l, "DATA", 4) == 0) {
		c->in_data = 1;
		say(c->fd, "354 go ahead\r\n");
	} else if (strncasecmp(l, "QUIT", 4) == 0) {
		say(c->fd, "221 bye\r\n");
		return -1;
	} else
		say(c->fd, "250 OK\r\n");
	return 0;
}

/* Reads what is there; -1 when the connection is done. */
static int on_readable(struct conn *c)
{
	char buf[16384];
	ssize_t n = read(c->fd, buf, sizeof buf);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (c->len > 0 && c->line[c->len - 1] == '\r')
				c->len--;
			c->line[c->len] = '\0';
			c->len = 0;
			if (on_line(c) < 0)
				return -1;
		} else if (c->len < LINE_MAX_LEN - 1) {
			c->line[c->len++] = buf[i];
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof addr;
	struct pollfd pfd[MAX_CONN + 1];
	struct conn conns[MAX_CONN];
	int port = 0, lfd, one = 1, n = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			port = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_smtp_sink [--port N]\n");
			return 2;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 64) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&addr, &alen) < 0) {
		perror("bench_smtp_sink");
		return 1;
	}
	printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
	fflush(stdout);
	while (!stop) {
		pfd[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
		for (int i = 0; i < n; i++)
			pfd[i + 1] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
		if (poll(pfd, (nfds_t)n + 1, 500) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = n - 1; i >= 0; i--) {
			if (!(pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (on_readable(&conns[i]) < 0) {
				close(conns[i].fd);
				conns[i] = conns[--n];
			}
		}
		if (pfd[0].revents & POLLIN) {
			int fd = accept(lfd, NULL, NULL);
			if (fd >= 0 && n < MAX_CONN) {
				conns[n] = (struct conn){.fd = fd};
				n++;
				say(fd, "220 bench-sink ESMTP\r\n");
			} else if (fd >= 0) {
				close(fd);
			}
		}
	}
	printf("messages %llu\n", messages);
	return 0;
}
