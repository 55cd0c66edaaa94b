/* script_child.h - runs an agenda script in a child process, for the server.
 *
 * The sandbox's budgets stop a script between Lua instructions and inside
 * pattern matching (lua_pattern.c counts its steps); the child is the
 * backstop for any other C call that would run on (a library's bug, a
 * future function that forgot to charge): in the server it would hold a
 * thread for good, so scripts run in a child, `saiets script-eval NAME` (this same binary, found
 * through /proc/self/exe), which reads the script on stdin and writes one
 * JSON object on stdout.  The child limits its own CPU time (RLIMIT_CPU) and
 * the parent kills it when its wall-clock time is up, so every run ends.
 * The event loop only watches a socket: the run costs no server thread.
 *
 * Loop thread only. */
#ifndef SAIETS_SCRIPT_CHILD_H
#define SAIETS_SCRIPT_CHILD_H

#include <event2/event.h>
#include <jansson.h>
#include <stddef.h>

#define SCRIPT_CHILD_WALL_MS 3000   /* the parent kills the child after this */
#define SCRIPT_CHILD_CPU_S 2        /* RLIMIT_CPU the child sets on itself */
#define SCRIPT_CHILD_OUT_MAX ((size_t)16 << 20)
/* Children running at once: each may hold a core for its whole CPU limit,
 * and the machines the server runs on have two. */
#define SCRIPT_CHILD_MAX 2

/* Called once, on the loop: declared is a new reference to the script's
 * {"venues","travel","items"} (the callee owns it), or NULL with message
 * saying why ("NAME:LINE: ..."); internal is 1 when the failure is ours
 * (spawn failed, the child crashed), not the script's. */
typedef void (*script_child_done)(void *arg, json_t *declared, const char *message,
                                  int internal);

/* The message for a child that wrote no answer: killed_for_time when the
 * parent killed it at SCRIPT_CHILD_WALL_MS, status as waitpid gave it (a
 * SIGXCPU death is its own RLIMIT_CPU).  Returns 1 when the failure is
 * ours (the runner crashed or exited), 0 when the script's. */
int script_child_failure(const char *name, int killed_for_time, int status, char *msg,
                         size_t msgsz);

/* Starts the child; 0, or -1 when it could not be started (done is not
 * called then): errno EAGAIN when SCRIPT_CHILD_MAX children are running
 * (try again once one has ended), anything else is a failure. */
int script_child_run(struct event_base *base, const char *code, size_t len,
                     const char *name, script_child_done done, void *arg);

/* The child's side: `saiets script-eval NAME`.  Returns the exit status. */
int script_child_main(const char *name);

#endif
