/* plugin_set.h - the plugins the server runs, and each thread's copies.
 *
 * A plugin set is an immutable snapshot of the installed, enabled plugins
 * (their code, locale and manifest), in hook order: priority, higher first,
 * then name.  After a change to the installed plugins commits (install,
 * upgrade, enable, disable, remove), the writer thread loads a new set and
 * publishes it; requests already running keep the set they started with.
 *
 * Each thread that runs plugin code (the writer, the loop, a CLI command)
 * has its own runtime: one vm per plugin of the set it last saw, built when
 * first needed.  A thread moves to a newly published set the next time it
 * asks for a vm outside any plugin call, so a reload never pulls code out
 * from under a running call and never fails a request. */
#ifndef SAIETS_PLUGIN_SET_H
#define SAIETS_PLUGIN_SET_H

#include <jansson.h>

#include "db.h"
#include "errors.h"
#include "plugin_name.h"
#include "plugin_vm.h"

struct plugin_def {
    char name[PLUGIN_NAME_MAX + 1];
    char version[64];
    int priority;
    unsigned reads;          /* PLUGIN_READ_* */
    char *lua;               /* plugin.lua */
    size_t lua_len;
    json_t *manifest;        /* the manifest as installed */
    json_t *locale_lv, *locale_en; /* NULL when the plugin has none */
};

struct plugin_set {
    unsigned long long generation;
    size_t n;
    struct plugin_def *defs; /* in hook order */
    int refs;                /* guarded by the set lock */
};

/* Loads the installed, enabled plugins from the database; NULL with e set. */
struct plugin_set *plugin_set_load(struct db *db, struct err *e);

/* Makes s (owned, from plugin_set_load) the current set. */
void plugin_set_publish(struct plugin_set *s);

/* The current set, with a reference the caller gives back with
 * plugin_set_release; an empty set before any was published. */
struct plugin_set *plugin_set_acquire(void);
void plugin_set_release(struct plugin_set *s);

/* Frees the current set (at exit, after every thread that ran plugins has
 * stopped). */
void plugin_set_shutdown(void);

/* 1 when the current set has no plugin: the hot paths stop there. */
int plugin_set_empty(void);

const struct plugin_def *plugin_set_find(const struct plugin_set *s, const char *name);

/* --- this thread's runtime --- */

/* This thread's set (moving to the current one first when no call is
 * running); valid until the thread's next plugin_rt_* call. */
const struct plugin_set *plugin_rt_set(void);

/* This thread's vm for plugin def (one of plugin_rt_set()'s), loaded when
 * first needed; NULL with e set when it does not load. */
struct plugin_vm *plugin_rt_vm(const struct plugin_def *def, struct err *e);

/* Around each plugin call on this thread, so that the runtime does not move
 * to a new set under it. */
void plugin_rt_enter(void);
void plugin_rt_leave(void);

/* Frees this thread's runtime (its vms hold statements on the thread's
 * connection: call it before closing that). */
void plugin_rt_free(void);

#endif
