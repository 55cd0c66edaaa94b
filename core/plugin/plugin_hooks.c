/* plugin_hooks.c - running plugin hooks on domain events; see plugin_hooks.h. */
#include "plugin_hooks.h"

#include <lauxlib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "events.h"
#include "log.h"
#include "lua_json.h"
#include "plugin_reg_view.h"
#include "plugin_set.h"
#include "plugin_vm.h"
#include "registration.h"

#define MAX_ENABLED 64

/* The plugins enabled for one meeting, as meeting_plugins says. */
struct enabled {
    size_t n;
    struct {
        char name[PLUGIN_NAME_MAX + 1];
        json_t *settings;
        int failures;
    } p[MAX_ENABLED];
};

static void enabled_clear(struct enabled *en)
{
    for (size_t i = 0; i < en->n; i++)
        json_decref(en->p[i].settings);
    en->n = 0;
}

static int enabled_load(struct db *db, long long meeting_id, struct enabled *en, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT plugin, settings_json, failures FROM meeting_plugins"
                                   " WHERE meeting_id = ?1 AND enabled = 1");
    int rc;

    en->n = 0;
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, meeting_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && en->n < MAX_ENABLED) {
        snprintf(en->p[en->n].name, sizeof en->p[en->n].name, "%s", db_text(st, 0));
        en->p[en->n].settings = json_loads(db_text(st, 1), 0, NULL);
        en->p[en->n].failures = sqlite3_column_int(st, 2);
        en->n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        enabled_clear(en);
        return db_fail(db, e);
    }
    return 0;
}

static int enabled_index(const struct enabled *en, const char *name)
{
    for (size_t i = 0; i < en->n; i++)
        if (strcmp(en->p[i].name, name) == 0)
            return (int)i;
    return -1;
}

static enum plugin_event plugin_event_of(enum event_type t)
{
    switch (t) {
    case EVENT_REGISTRATION_VALIDATE: return PLUGIN_EV_VALIDATE;
    case EVENT_REGISTRATION_CONFIRMED: return PLUGIN_EV_CONFIRMED;
    case EVENT_REGISTRATION_WAITLISTED: return PLUGIN_EV_WAITLISTED;
    case EVENT_REGISTRATION_PROMOTED: return PLUGIN_EV_PROMOTED;
    case EVENT_REGISTRATION_CANCELLED: return PLUGIN_EV_CANCELLED;
    case EVENT_AGENDA_CHANGED: return PLUGIN_EV_AGENDA;
    case EVENT_ALLOCATION_DONE: return PLUGIN_EV_ALLOCATION;
    default: return PLUGIN_EV__COUNT;
    }
}

/* The table a hook gets: {event, meeting_id, actor, registration, slot_id}. */
static json_t *payload_of(struct db *db, const struct event *ev, enum plugin_event pev,
                          struct err *e)
{
    json_t *p = json_object();

    if (p == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    json_object_set_new(p, "event", json_string(plugin_event_name(pev)));
    json_object_set_new(p, "meeting_id", json_integer(ev->meeting_id));
    json_object_set_new(p, "lang", json_string("lv"));
    if (ev->actor)
        json_object_set_new(p, "actor", json_string(ev->actor));
    if (ev->registration) {
        json_t *r = reg_to_json(ev->registration);

        if (r && ev->registration->id == 0)
            json_object_set_new(r, "id", json_null());
        json_object_set_new(p, "registration", r ? r : json_null());
    } else if (ev->registration_id > 0) {
        struct registration r;

        if (reg_load(db, ev->registration_id, &r, e) < 0) {
            json_decref(p);
            return NULL;
        }
        json_object_set_new(p, "registration", reg_to_json(&r));
        reg_clear(&r);
    }
    if (ev->slot_id > 0)
        json_object_set_new(p, "slot_id", json_integer(ev->slot_id));
    return p;
}

/* Counts a failed hook; the PLUGIN_MAX_FAILURES-th since the plugin was
 * last enabled for the meeting switches it off there.  Successes do not
 * undo failures: a plugin whose validate hook always fails would otherwise
 * never be switched off as long as its other hooks work. */
static int note_failure(struct db *db, long long meeting_id, const char *plugin, int failures,
                        const struct err *why, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "UPDATE meeting_plugins SET failures = failures + 1,"
                                   " enabled = CASE WHEN failures + 1 >= ?3 THEN 0 ELSE enabled END,"
                                   " disabled_reason = CASE WHEN failures + 1 >= ?3 THEN ?4"
                                   " ELSE disabled_reason END"
                                   " WHERE meeting_id = ?1 AND plugin = ?2");

    log_warn("%s", why->message);
    if (failures + 1 >= PLUGIN_MAX_FAILURES)
        log_warn("plugin %s switched off for meeting %lld after %d failures in a row", plugin,
                 meeting_id, PLUGIN_MAX_FAILURES);
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_text(st, 2, plugin, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, PLUGIN_MAX_FAILURES);
    sqlite3_bind_text(st, 4, why->message, -1, SQLITE_TRANSIENT);
    plugin_hooks_changed();
    return db_step_done(st) < 0 ? db_fail(db, e) : 0;
}


/* The table a registration event's hooks get, built straight from the
 * C data (no JSON on the registration path); the registration in it is a
 * view (plugin_reg_view.h). */
struct reg_payload {
    const struct event *ev;
    enum plugin_event pev;
    const struct registration *r;
};

static void push_reg_payload(lua_State *L, void *arg)
{
    const struct reg_payload *p = arg;

    lua_createtable(L, 0, 5);
    lua_pushstring(L, plugin_event_name(p->pev));
    lua_setfield(L, -2, "event");
    lua_pushinteger(L, p->ev->meeting_id);
    lua_setfield(L, -2, "meeting_id");
    lua_pushliteral(L, "lv");
    lua_setfield(L, -2, "lang");
    if (p->ev->actor) {
        lua_pushstring(L, p->ev->actor);
        lua_setfield(L, -2, "actor");
    }
    plugin_reg_view_push(L, p->r);
    lua_setfield(L, -2, "registration");
}

/* One plugin's hooks for ev; their writes are their own (plugin_call.atomic). */
static int run_one(struct db *db, const struct event *ev, enum plugin_event pev,
                   struct plugin_vm *vm, const struct registration *r, json_t **payload,
                   const json_t *settings, int failures, struct err *e)
{
    struct plugin_call call = {.db = db, .meeting_id = ev->meeting_id, .settings = settings,
                               .lang = "lv", .atomic = 1};
    struct err why;
    int rc;

    err_clear(&why);
    if (r) {
        struct reg_payload p = {ev, pev, r};

        rc = plugin_vm_hook_push(vm, pev, push_reg_payload, &p, &call, &why);
    } else {
        if (*payload == NULL && (*payload = payload_of(db, ev, pev, e)) == NULL)
            return -1;
        rc = plugin_vm_hook(vm, pev, *payload, &call, &why);
    }
    json_decref(call.result);
    if (rc == 0 && call.refused && pev == PLUGIN_EV_VALIDATE)
        return err_set(e, ERR_PLUGIN_REFUSED, call.field, "%s: %s", plugin_vm_name(vm),
                       call.message);
    if (rc < 0) {
        /* a lost transaction is the writer's to handle, not a plugin failure */
        if (sqlite3_get_autocommit(db_handle(db)))
            return err_set(e, ERR_PLUGIN_FAILED, NULL, "%s", why.message);
        return note_failure(db, ev->meeting_id, plugin_vm_name(vm), failures, &why, e);
    }
    return 0;
}

/* The writer's cache of one meeting's enabled plugins: most events of a
 * batch are about the same meeting, and the row changes only when an
 * organizer or a failing hook changes it (plugin_hooks_changed).  One per
 * thread, freed when the thread ends. */
struct enabled_cache {
    long long meeting_id;
    unsigned long long gen;
    int valid;
    struct enabled en;
};
static atomic_ullong enabled_gen = 1;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

void plugin_hooks_changed(void) { atomic_fetch_add(&enabled_gen, 1); }

static void cache_free(void *p)
{
    struct enabled_cache *c = p;

    if (c->valid)
        enabled_clear(&c->en);
    free(c);
}

static void cache_key_make(void) { pthread_key_create(&cache_key, cache_free); }

static const struct enabled *enabled_cached(struct db *db, long long meeting_id, struct err *e)
{
    unsigned long long gen = atomic_load(&enabled_gen);
    struct enabled_cache *c;

    pthread_once(&cache_once, cache_key_make);
    if ((c = pthread_getspecific(cache_key)) == NULL) {
        if ((c = calloc(1, sizeof *c)) == NULL) {
            err_set(e, ERR_INTERNAL, NULL, "out of memory");
            return NULL;
        }
        pthread_setspecific(cache_key, c);
    }
    if (c->valid && c->meeting_id == meeting_id && c->gen == gen)
        return &c->en;
    if (c->valid)
        enabled_clear(&c->en);
    c->valid = 0;
    if (enabled_load(db, meeting_id, &c->en, e) < 0)
        return NULL;
    c->valid = 1;
    c->meeting_id = meeting_id;
    c->gen = gen;
    return &c->en;
}

static int on_event(struct db *db, const struct event *ev, void *arg, struct err *e)
{
    enum plugin_event pev = (enum plugin_event)(intptr_t)arg;
    const struct plugin_set *set;
    const struct enabled *en;
    json_t *payload = NULL;
    int rc = 0;

    if (plugin_set_empty() || ev->meeting_id <= 0)
        return 0;
    set = plugin_rt_set();
    if (set == NULL || set->n == 0)
        return 0;
    if ((en = enabled_cached(db, ev->meeting_id, e)) == NULL)
        return -1;
    if (en->n == 0)
        return 0;
    plugin_rt_enter();
    for (size_t i = 0; i < set->n && rc == 0; i++) {
        int k = enabled_index(en, set->defs[i].name);
        struct plugin_vm *vm;
        struct err why;

        if (k < 0)
            continue;
        if ((vm = plugin_rt_vm(&set->defs[i], &why)) == NULL) {
            log_warn("plugin %s does not load: %s", set->defs[i].name, why.message);
            continue;
        }
        if (!plugin_vm_has_hook(vm, pev))
            continue;
        rc = run_one(db, ev, pev, vm, ev->registration, &payload, en->p[k].settings,
                     en->p[k].failures, e);
    }
    plugin_rt_leave();
    json_decref(payload);
    return rc;
}

static void subscribe_once(void)
{
    static const enum event_type hooked[] = {
        EVENT_REGISTRATION_VALIDATE, EVENT_REGISTRATION_CONFIRMED,
        EVENT_REGISTRATION_WAITLISTED, EVENT_REGISTRATION_PROMOTED,
        EVENT_REGISTRATION_CANCELLED, EVENT_AGENDA_CHANGED, EVENT_ALLOCATION_DONE,
    };

    for (size_t i = 0; i < sizeof hooked / sizeof hooked[0]; i++)
        if (events_subscribe(hooked[i], "plugins", on_event,
                             (void *)(intptr_t)plugin_event_of(hooked[i])) < 0)
            log_error("cannot subscribe the plugins to %s", event_name(hooked[i]));
}

void plugin_hooks_subscribe(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, subscribe_once);
}

/* Runs a read-only hook (export.columns, registration.view) of every plugin
 * enabled for the meeting, on this thread's connection, and hands each
 * result to take().  A plugin that fails adds nothing and is logged. */
static void run_read_hooks(struct db *db, long long meeting_id, enum plugin_event ev,
                           json_t *payload, const char *lang,
                           void (*take)(const char *plugin, json_t *result, void *arg),
                           void *arg)
{
    const struct plugin_set *set;
    struct enabled en;
    struct err e;

    if (payload == NULL || plugin_set_empty())
        return;
    set = plugin_rt_set();
    if (set == NULL || set->n == 0 || enabled_load(db, meeting_id, &en, &e) < 0)
        return;
    plugin_rt_enter();
    for (size_t i = 0; i < set->n; i++) {
        int k = enabled_index(&en, set->defs[i].name);
        struct plugin_call call = {.db = db, .meeting_id = meeting_id, .lang = lang};
        struct plugin_vm *vm;

        if (k < 0 || (vm = plugin_rt_vm(&set->defs[i], &e)) == NULL ||
            !plugin_vm_has_hook(vm, ev))
            continue;
        call.settings = en.p[k].settings;
        if (plugin_vm_hook(vm, ev, payload, &call, &e) < 0)
            log_warn("%s", e.message);
        else if (call.result)
            take(set->defs[i].name, call.result, arg);
        json_decref(call.result);
    }
    plugin_rt_leave();
    enabled_clear(&en);
}

/* export.columns: the plugin's columns, keys prefixed with its name. */
static void take_columns(const char *plugin, json_t *result, void *arg)
{
    json_t *all = arg, *col;
    size_t j;

    json_array_foreach(result, j, col) {
        const char *key = json_string_value(json_object_get(col, "key"));
        char full[PLUGIN_NAME_MAX + 80];

        if (key == NULL || !json_is_object(json_object_get(col, "values"))) {
            log_warn("plugin %s, export.columns: a column needs a text \"key\" and an "
                     "object \"values\"", plugin);
            continue;
        }
        snprintf(full, sizeof full, "%s.%s", plugin, key);
        json_object_set_new(col, "key", json_string(full));
        if (!json_object_get(col, "title"))
            json_object_set_new(col, "title", json_string(full));
        json_array_append(all, col);
    }
}

json_t *plugin_export_columns(struct db *db, long long meeting_id, const json_t *regs,
                              const char *lang)
{
    json_t *all = json_array(), *payload;

    if (all == NULL || plugin_set_empty())
        return all;
    payload = json_pack("{s:s, s:I, s:O, s:s}", "event", "export.columns", "meeting_id",
                        (json_int_t)meeting_id, "registrations", regs, "lang", lang);
    run_read_hooks(db, meeting_id, PLUGIN_EV_EXPORT, payload, lang, take_columns, all);
    json_decref(payload);
    return all;
}

int plugin_hooks_enabled(struct db *db, long long meeting_id, const char *name,
                         json_t *settings, struct err *e)
{
    const struct plugin_set *set = plugin_rt_set();
    const struct plugin_def *def = set ? plugin_set_find(set, name) : NULL;
    struct plugin_call call = {.db = db, .meeting_id = meeting_id, .settings = settings,
                               .lang = "lv"};
    struct plugin_vm *vm;
    json_t *payload;
    int rc;

    if (def == NULL)
        return 0; /* switched off on the server: nothing runs */
    plugin_rt_enter();
    if ((vm = plugin_rt_vm(def, e)) == NULL) {
        plugin_rt_leave();
        return -1;
    }
    if (!plugin_vm_has_hook(vm, PLUGIN_EV_ENABLED)) {
        plugin_rt_leave();
        return 0;
    }
    payload = json_pack("{s:s, s:I, s:O}", "event", "plugin.enabled", "meeting_id",
                        (json_int_t)meeting_id, "settings", settings);
    rc = payload ? plugin_vm_hook(vm, PLUGIN_EV_ENABLED, payload, &call, e)
                 : err_set(e, ERR_INTERNAL, NULL, "out of memory");
    plugin_rt_leave();
    json_decref(call.result);
    json_decref(payload);
    return rc;
}

/* The plugin's agenda items named by keys, for the personal calendar. */
static void add_calendar(struct db *db, long long meeting_id, json_t *all, json_t *keys,
                         const char *plugin)
{
    char source[PLUGIN_NAME_MAX + 8];
    size_t i;
    json_t *k;

    snprintf(source, sizeof source, "plugin:%s", plugin);
    json_array_foreach(keys, i, k) {
        struct err e;
        json_t *item;

        if (!json_is_string(k))
            continue;
        err_clear(&e);
        if ((item = agenda_item_keyed_json(db, meeting_id, source, json_string_value(k), &e)))
            json_array_append_new(all, item);
        else
            log_warn("plugin %s, registration.view: calendar: %s", plugin, e.message);
    }
}

struct view {
    struct db *db;
    long long meeting_id;
    json_t *out;
};

static void take_view(const char *plugin, json_t *result, void *arg)
{
    struct view *v = arg;
    json_t *data = json_object_get(result, "data");

    if (!json_is_object(result))
        return;
    if (data)
        json_object_set(json_object_get(v->out, "plugins"), plugin, data);
    add_calendar(v->db, v->meeting_id, json_object_get(v->out, "calendar"),
                 json_object_get(result, "calendar"), plugin);
}

json_t *plugin_registration_view(struct db *db, long long meeting_id, const json_t *reg,
                                 const char *lang)
{
    struct view v = {db, meeting_id,
                     json_pack("{s:o, s:o}", "plugins", json_object(), "calendar", json_array())};
    json_t *payload;

    if (v.out == NULL || plugin_set_empty())
        return v.out;
    payload = json_pack("{s:s, s:I, s:O, s:s}", "event", "registration.view", "meeting_id",
                        (json_int_t)meeting_id, "registration", reg, "lang", lang);
    run_read_hooks(db, meeting_id, PLUGIN_EV_VIEW, payload, lang, take_view, &v);
    json_decref(payload);
    return v.out;
}
