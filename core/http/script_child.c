/* script_child.c - agenda scripts in a child process; see script_child.h. */
#define _GNU_SOURCE /* environ */
#include "script_child.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agenda_script.h"
#include "errors.h"

extern char **environ;

static int running; /* children started and not yet reaped (loop thread only) */

struct run {
    struct bufferevent *bev;
    struct event *timer;
    pid_t pid;
    int timed_out;
    char name[72];
    script_child_done done;
    void *arg;
};

int script_child_failure(const char *name, int killed_for_time, int status, char *msg,
                         size_t msgsz)
{
    if (killed_for_time) {
        /* we killed it: its wall-clock time was up */
        snprintf(msg, msgsz,
                 "%s: " LSB_MSG_TIME " (the script ran for more than %d ms and was stopped)",
                 name, SCRIPT_CHILD_WALL_MS);
        return 0;
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
        /* the kernel stopped it at its RLIMIT_CPU: CPU time, not wall clock */
        snprintf(msg, msgsz,
                 "%s: " LSB_MSG_TIME " (the script used more than %d ms of CPU time and "
                 "was stopped)",
                 name, SCRIPT_CHILD_CPU_S * 1000);
        return 0;
    }
    snprintf(msg, msgsz, "the script runner failed (%s %d)",
             WIFSIGNALED(status) ? "signal" : "exit status",
             WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return 1;
}

static void finish(struct run *r, int eof)
{
    struct evbuffer *in = bufferevent_get_input(r->bev);
    size_t len = evbuffer_get_length(in);
    json_t *out = NULL, *declared = NULL;
    const char *message = NULL;
    char msg[256];
    int status = 0, internal = 0;

    if (!eof || r->timed_out)
        kill(r->pid, SIGKILL);
    while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (eof && !r->timed_out && len > 0)
        out = json_loadb((const char *)evbuffer_pullup(in, -1), len, 0, NULL);
    if (out && (declared = json_object_get(out, "declared")) != NULL) {
        json_incref(declared);
    } else if (out && json_is_string(json_object_get(out, "error"))) {
        message = json_string_value(json_object_get(out, "error"));
    } else {
        internal = script_child_failure(r->name, r->timed_out, status, msg, sizeof msg);
        message = msg;
    }
    running--;
    r->done(r->arg, declared, declared ? NULL : message, internal);
    json_decref(out);
    event_free(r->timer);
    bufferevent_free(r->bev);
    free(r);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct run *r = arg;

    if (evbuffer_get_length(bufferevent_get_input(bev)) > SCRIPT_CHILD_OUT_MAX)
        finish(r, 0);
}

/* The script is written: tell the child there is no more. */
static void on_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        finish(arg, (what & BEV_EVENT_EOF) != 0);
}

static void on_written(struct bufferevent *bev, void *arg)
{
    shutdown(bufferevent_getfd(bev), SHUT_WR);
    bufferevent_setcb(bev, on_read, NULL, on_event, arg);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct run *r = arg;

    (void)fd;
    (void)what;
    r->timed_out = 1;
    finish(r, 0);
}

int script_child_run(struct event_base *base, const char *code, size_t len,
                     const char *name, script_child_done done, void *arg)
{
    posix_spawn_file_actions_t fa;
    struct timeval tv = {SCRIPT_CHILD_WALL_MS / 1000, (SCRIPT_CHILD_WALL_MS % 1000) * 1000};
    char *argv[] = {"saiets", "script-eval", NULL, NULL};
    struct run *r;
    int sv[2], rc;

    if (running >= SCRIPT_CHILD_MAX) {
        errno = EAGAIN;
        return -1;
    }
    if ((r = calloc(1, sizeof *r)) == NULL)
        return -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        free(r);
        return -1;
    }
    snprintf(r->name, sizeof r->name, "%s", name);
    argv[2] = r->name;
    posix_spawn_file_actions_init(&fa);
    /* dup2 clears close-on-exec on the copies the child keeps. */
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    rc = posix_spawn(&r->pid, "/proc/self/exe", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        free(r);
        errno = rc;
        return -1;
    }
    evutil_make_socket_nonblocking(sv[0]);
    r->bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
    r->timer = evtimer_new(base, on_timeout, r);
    r->done = done;
    r->arg = arg;
    if (r->bev == NULL || r->timer == NULL || bufferevent_write(r->bev, code, len) < 0) {
        kill(r->pid, SIGKILL);
        waitpid(r->pid, NULL, 0);
        if (r->bev)
            bufferevent_free(r->bev);
        else
            close(sv[0]);
        if (r->timer)
            event_free(r->timer);
        free(r);
        return -1;
    }
    bufferevent_setcb(r->bev, on_read, on_written, on_event, r);
    bufferevent_enable(r->bev, EV_READ | EV_WRITE);
    evtimer_add(r->timer, &tv);
    running++;
    return 0;
}

/* ---- the child ------------------------------------------------------------- */

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int script_child_main(const char *name)
{
    struct rlimit cpu = {SCRIPT_CHILD_CPU_S, SCRIPT_CHILD_CPU_S + 1};
    size_t cap = ASCRIPT_CODE_MAX + 1, len = 0;
    char *code = malloc(cap), *text;
    json_t *declared, *out;
    struct err e;
    ssize_t n;

    setrlimit(RLIMIT_CPU, &cpu); /* SIGXCPU ends a run the sandbox cannot stop */
    if (code == NULL)
        return 1;
    while (len < cap && ((n = read(0, code + len, cap - len)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            len += (size_t)n;
    err_clear(&e);
    declared = len < cap ? ascript_run(code, len, name, &e) : NULL;
    if (len >= cap)
        err_set(&e, ERR_SCRIPT, NULL, "%s: the script is longer than %zu bytes", name,
                (size_t)ASCRIPT_CODE_MAX);
    free(code);
    out = declared ? json_pack("{s:o}", "declared", declared)
                   : json_pack("{s:s}", "error", e.message);
    text = out ? json_dumps(out, JSON_COMPACT) : NULL;
    json_decref(out);
    if (text == NULL || write_all(1, text, strlen(text)) < 0) {
        free(text);
        return 1;
    }
    free(text);
    return 0;
}
