/* plugin_set.c - the published plugin set and each thread's vms; see
 * plugin_set.h.
 *
 * Ownership: the current set holds one reference; each thread's runtime
 * holds one on the set its vms were built from.  A set is freed when its
 * last reference goes, on whichever thread lets go of it: sets hold plain
 * data only (text and JSON), never Lua states or statements, which stay on
 * the thread that made them. */
#include "plugin_set.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_manifest.h"

static pthread_mutex_t set_lock = PTHREAD_MUTEX_INITIALIZER;
static struct plugin_set *current;         /* guarded by set_lock */
static unsigned long long next_generation = 1; /* guarded by set_lock */
static atomic_ullong current_generation;
static atomic_int current_empty = 1;

static void def_clear(struct plugin_def *d)
{
    free(d->lua);
    json_decref(d->manifest);
    json_decref(d->locale_lv);
    json_decref(d->locale_en);
}

static void set_free(struct plugin_set *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        def_clear(&s->defs[i]);
    free(s->defs);
    free(s);
}

/* Hook order: priority, higher first, then name. */
static int def_order(const void *a, const void *b)
{
    const struct plugin_def *x = a, *y = b;

    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    return strcmp(x->name, y->name);
}

static json_t *file_json(struct db *db, const char *plugin, const char *path)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT data FROM plugin_files WHERE plugin = ?1 AND path = ?2");
    json_t *v = NULL;

    if (st == NULL)
        return NULL;
    sqlite3_bind_text(st, 1, plugin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = json_loadb(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                       JSON_REJECT_DUPLICATES, NULL);
    sqlite3_reset(st);
    return v;
}

static unsigned reads_of(const json_t *manifest)
{
    unsigned bits = 0;
    size_t i;
    json_t *r;

    json_array_foreach(json_object_get(manifest, "reads"), i, r)
        bits |= plugin_read_bit(json_string_value(r));
    return bits;
}

static int def_load(struct db *db, sqlite3_stmt *row, struct plugin_def *d, struct err *e)
{
    sqlite3_stmt *st;
    const char *name = db_text(row, 0);

    snprintf(d->name, sizeof d->name, "%s", name);
    snprintf(d->version, sizeof d->version, "%s", db_text(row, 1));
    d->manifest = json_loads(db_text(row, 2), JSON_REJECT_DUPLICATES, NULL);
    if (d->manifest == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "plugin %s: its stored manifest does not parse",
                       d->name);
    d->priority = (int)json_integer_value(json_object_get(d->manifest, "priority"));
    d->reads = reads_of(d->manifest);
    st = db_stmt(db, "SELECT data FROM plugin_files WHERE plugin = ?1 AND path = 'plugin.lua'");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(st, 1, d->name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        d->lua_len = (size_t)sqlite3_column_bytes(st, 0);
        d->lua = malloc(d->lua_len + 1);
        if (d->lua) {
            if (d->lua_len > 0) /* an empty blob's pointer is NULL */
                memcpy(d->lua, sqlite3_column_blob(st, 0), d->lua_len);
            d->lua[d->lua_len] = '\0';
        }
    }
    sqlite3_reset(st);
    if (d->lua == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "plugin %s: no plugin.lua stored", d->name);
    d->locale_lv = file_json(db, d->name, "locale/lv.json");
    d->locale_en = file_json(db, d->name, "locale/en.json");
    return 0;
}

struct plugin_set *plugin_set_load(struct db *db, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT name, version, manifest_json FROM plugins"
                                   " WHERE enabled = 1 ORDER BY name");
    struct plugin_set *s = calloc(1, sizeof *s);
    size_t cap = 0;
    int rc;

    if (s == NULL || st == NULL) {
        free(s);
        if (st == NULL)
            db_fail(db, e);
        else
            err_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->n == cap) {
            struct plugin_def *more = realloc(s->defs, (cap ? cap * 2 : 8) * sizeof *more);

            if (more == NULL) {
                err_set(e, ERR_INTERNAL, NULL, "out of memory");
                goto fail;
            }
            s->defs = more;
            cap = cap ? cap * 2 : 8;
        }
        memset(&s->defs[s->n], 0, sizeof s->defs[s->n]);
        s->n++;
        if (def_load(db, st, &s->defs[s->n - 1], e) < 0)
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        db_fail(db, e);
        goto fail;
    }
    sqlite3_reset(st);
    if (s->n > 1)
        qsort(s->defs, s->n, sizeof s->defs[0], def_order);
    return s;
fail:
    sqlite3_reset(st);
    set_free(s);
    return NULL;
}

void plugin_set_publish(struct plugin_set *s)
{
    struct plugin_set *old;

    pthread_mutex_lock(&set_lock);
    old = current;
    s->refs = 1;
    s->generation = next_generation++;
    current = s;
    atomic_store(&current_empty, s->n == 0);
    atomic_store(&current_generation, s->generation);
    if (old != NULL && --old->refs != 0)
        old = NULL; /* a thread still runs it: the last one frees it */
    pthread_mutex_unlock(&set_lock);
    set_free(old);
}

struct plugin_set *plugin_set_acquire(void)
{
    struct plugin_set *s;

    pthread_mutex_lock(&set_lock);
    if (current == NULL && (current = calloc(1, sizeof *current)) != NULL) {
        current->refs = 1;
        current->generation = next_generation++;
        atomic_store(&current_generation, current->generation);
    }
    s = current;
    if (s)
        s->refs++;
    pthread_mutex_unlock(&set_lock);
    return s;
}

void plugin_set_release(struct plugin_set *s)
{
    int last;

    if (s == NULL)
        return;
    pthread_mutex_lock(&set_lock);
    last = --s->refs == 0;
    pthread_mutex_unlock(&set_lock);
    if (last)
        set_free(s);
}

void plugin_set_shutdown(void)
{
    struct plugin_set *s;

    pthread_mutex_lock(&set_lock);
    s = current;
    current = NULL;
    atomic_store(&current_empty, 1);
    pthread_mutex_unlock(&set_lock);
    plugin_set_release(s);
}

int plugin_set_empty(void) { return atomic_load(&current_empty); }

const struct plugin_def *plugin_set_find(const struct plugin_set *s, const char *name)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (strcmp(s->defs[i].name, name) == 0)
            return &s->defs[i];
    return NULL;
}

/* --- per thread ------------------------------------------------------------------ */

struct plugin_rt {
    struct plugin_set *set;
    struct plugin_vm **vms; /* set->n of them, NULL until loaded */
    int depth;              /* plugin calls running on this thread */
};

static pthread_key_t rt_key;
static pthread_once_t rt_once = PTHREAD_ONCE_INIT;

static void rt_drop(struct plugin_rt *rt)
{
    for (size_t i = 0; rt->set && rt->vms && i < rt->set->n; i++)
        plugin_vm_free(rt->vms[i]);
    free(rt->vms);
    rt->vms = NULL;
    plugin_set_release(rt->set);
    rt->set = NULL;
}

static void rt_destroy(void *p)
{
    struct plugin_rt *rt = p;

    rt_drop(rt);
    free(rt);
}

static void rt_key_make(void) { pthread_key_create(&rt_key, rt_destroy); }

static struct plugin_rt *rt_get(void)
{
    struct plugin_rt *rt;

    pthread_once(&rt_once, rt_key_make);
    rt = pthread_getspecific(rt_key);
    if (rt == NULL && (rt = calloc(1, sizeof *rt)) != NULL)
        pthread_setspecific(rt_key, rt);
    return rt;
}

const struct plugin_set *plugin_rt_set(void)
{
    struct plugin_rt *rt = rt_get();

    if (rt == NULL)
        return NULL;
    if (rt->depth == 0 &&
        (rt->set == NULL || rt->set->generation != atomic_load(&current_generation))) {
        rt_drop(rt);
        rt->set = plugin_set_acquire();
        if (rt->set && rt->set->n > 0)
            rt->vms = calloc(rt->set->n, sizeof *rt->vms);
        if (rt->set && rt->set->n > 0 && rt->vms == NULL)
            rt_drop(rt);
    }
    return rt->set;
}

struct plugin_vm *plugin_rt_vm(const struct plugin_def *def, struct err *e)
{
    struct plugin_rt *rt = rt_get();
    size_t i;

    if (rt == NULL || rt->set == NULL || def < rt->set->defs || def >= rt->set->defs + rt->set->n) {
        err_set(e, ERR_INTERNAL, NULL, "plugin %s: not in this thread's set", def->name);
        return NULL;
    }
    i = (size_t)(def - rt->set->defs);
    /* A call that ran out of a budget spends the sandbox: load afresh. */
    if (rt->vms[i] && plugin_vm_spent(rt->vms[i]) && !plugin_vm_busy(rt->vms[i])) {
        plugin_vm_free(rt->vms[i]);
        rt->vms[i] = NULL;
    }
    if (rt->vms[i] == NULL) {
        struct plugin_code code = {def->name, def->version, def->reads, def->lua,
                                   def->lua_len, def->locale_lv, def->locale_en};

        rt->vms[i] = plugin_vm_load(&code, e);
    }
    return rt->vms[i];
}

void plugin_rt_enter(void)
{
    struct plugin_rt *rt = rt_get();

    if (rt)
        rt->depth++;
}

void plugin_rt_leave(void)
{
    struct plugin_rt *rt = rt_get();

    if (rt && rt->depth > 0)
        rt->depth--;
}

void plugin_rt_free(void)
{
    struct plugin_rt *rt;

    pthread_once(&rt_once, rt_key_make);
    rt = pthread_getspecific(rt_key);
    if (rt) {
        rt_destroy(rt);
        pthread_setspecific(rt_key, NULL);
    }
}
