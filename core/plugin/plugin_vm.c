/* plugin_vm.c - a loaded plugin: loading plugin.lua in its sandbox, and
 * calling its hooks and routes with the budgets, the SQL guest and the
 * savepoint each call gets; see plugin_vm.h.  The host table it calls back
 * is plugin_api.c's. */
#include "plugin_vm_internal.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_json.h"
#include "timeutil.h"

static const char *const event_names[PLUGIN_EV__COUNT] = {
    [PLUGIN_EV_VALIDATE] = "registration.validate",
    [PLUGIN_EV_CONFIRMED] = "registration.confirmed",
    [PLUGIN_EV_WAITLISTED] = "registration.waitlisted",
    [PLUGIN_EV_PROMOTED] = "registration.promoted",
    [PLUGIN_EV_CANCELLED] = "registration.cancelled",
    [PLUGIN_EV_AGENDA] = "agenda.changed",
    [PLUGIN_EV_ALLOCATION] = "allocation.done",
    [PLUGIN_EV_EXPORT] = "export.columns",
    [PLUGIN_EV_ENABLED] = "plugin.enabled",
    [PLUGIN_EV_VIEW] = "registration.view",
};

const char *plugin_event_name(enum plugin_event ev)
{
    return (int)ev >= 0 && ev < PLUGIN_EV__COUNT ? event_names[ev] : "?";
}

int plugin_event_from_name(const char *name)
{
    for (int i = 0; name && i < PLUGIN_EV__COUNT; i++)
        if (strcmp(name, event_names[i]) == 0)
            return i;
    return -1;
}

const char *plugin_vm_name(const struct plugin_vm *vm) { return vm->name; }

int plugin_vm_spent(const struct plugin_vm *vm) { return lsb_spent(vm->sb); }

int plugin_vm_busy(const struct plugin_vm *vm) { return vm->call != NULL; }

int plugin_vm_has_hook(const struct plugin_vm *vm, enum plugin_event ev)
{
    return vm->nhooks[ev] > 0;
}

const struct plugin_route *plugin_vm_routes(const struct plugin_vm *vm, size_t *n)
{
    *n = vm->nroutes;
    return vm->routes;
}

/* --- calls -------------------------------------------------------------------- */

static int vm_authorize(void *arg, int action, const char *a, const char *b,
                        const char *dbname, const char *view)
{
    struct plugin_vm *vm = arg;

    return plugin_sql_authorize(&vm->policy, action, a, b, dbname, view);
}

static int sql_should_stop(void *arg)
{
    struct plugin_vm *vm = arg;

    return ++vm->sql_ksteps > PLUGIN_SQL_KSTEPS || tu_mono_ms() > vm->deadline_ms;
}

struct call_frame {
    struct plugin_call *saved_call;
    const struct db_guest *saved_guest;
    struct plugin_sql_policy saved_policy;
    double saved_deadline;
    unsigned long saved_ksteps;
    struct db_guest guest;
};

/* Makes call the vm's current one and the plugin the guest of its
 * connection; call_leave undoes it (calls nest: a plugin's route may cause
 * an event that runs another of its hooks). */
static void call_enter(struct plugin_vm *vm, struct plugin_call *call, struct call_frame *f)
{
    f->saved_call = vm->call;
    f->saved_policy = vm->policy;
    f->saved_deadline = vm->deadline_ms;
    f->saved_ksteps = vm->sql_ksteps;
    vm->call = call;
    plugin_sql_policy_init(&vm->policy, vm->name, vm->reads, PLUGIN_SQL_RUN);
    vm->policy.handle = call->db ? db_handle(call->db) : NULL;
    if (f->saved_call == NULL) {
        vm->deadline_ms = tu_mono_ms() + PLUGIN_WALL_MS;
        vm->sql_ksteps = 0;
    }
    f->guest.authorize = vm_authorize;
    f->guest.should_stop = sql_should_stop;
    f->guest.arg = vm;
    f->guest.meeting_id = call->meeting_id;
    f->saved_guest = call->db ? db_set_guest(call->db, &f->guest) : NULL;
}

static void call_leave(struct plugin_vm *vm, struct call_frame *f)
{
    if (vm->call && vm->call->db)
        db_set_guest(vm->call->db, f->saved_guest);
    vm->call = f->saved_call;
    vm->policy = f->saved_policy;
    vm->deadline_ms = f->saved_deadline;
    vm->sql_ksteps = f->saved_ksteps;
}

static int has_mt(lua_State *L, int idx, const char *name)
{
    int same;

    if (!lua_getmetatable(L, idx))
        return 0;
    luaL_getmetatable(L, name);
    same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

static void copy_field(lua_State *L, int idx, const char *key, char *out, size_t n)
{
    const char *s;

    lua_getfield(L, idx, key);
    s = lua_tostring(L, -1);
    err_cut_utf8(out, n, snprintf(out, n, "%s", s ? s : ""));
    lua_pop(L, 1);
}

static int call_failed(struct plugin_vm *vm, const char *what, const char *msg, struct err *e)
{
    return err_set(e, ERR_PLUGIN_FAILED, NULL, "plugin %s, %s: %s", vm->name, what, msg);
}

/* Reads what a hook or route left on top of the stack into call, and pops
 * it. */
static int take_result(struct plugin_vm *vm, struct plugin_call *call, const char *what,
                       struct err *e)
{
    lua_State *L = lsb_state(vm->sb);
    char err[200];
    int rc = 0;

    if (lua_istable(L, -1) && has_mt(L, -1, REFUSAL_MT)) {
        call->refused = 1;
        copy_field(L, -1, "field", call->field, sizeof call->field);
        copy_field(L, -1, "message", call->message, sizeof call->message);
    } else if (lua_istable(L, -1) && has_mt(L, -1, FAILURE_MT)) {
        call->failed = 1;
        lua_getfield(L, -1, "status");
        call->status = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
        copy_field(L, -1, "code", call->code, sizeof call->code);
        copy_field(L, -1, "message", call->message, sizeof call->message);
        copy_field(L, -1, "field", call->field, sizeof call->field);
    } else if (!lua_isnil(L, -1)) {
        json_t *v = lj_to_json(L, -1, NULL, err, sizeof err);

        if (v == NULL) {
            rc = call_failed(vm, what, err, e);
        } else {
            json_decref(call->result);
            call->result = v;
        }
    }
    lua_pop(L, 1);
    return rc;
}

/* Ends a hook's savepoint: kept when the hook succeeded, else undone. */
static int savepoint_close(struct plugin_vm *vm, struct plugin_call *call, int keep,
                           struct err *e)
{
    const struct db_guest *g;
    int rc = 0;

    if (!call->savepoint_open)
        return 0;
    call->savepoint_open = 0;
    g = db_set_guest(call->db, NULL);
    if ((!keep && db_run(call->db, "ROLLBACK TO plugin_call") < 0) ||
        db_run(call->db, "RELEASE plugin_call") < 0)
        rc = err_set(e, ERR_PLUGIN_FAILED, NULL, "plugin %s: the transaction was lost: %s",
                     vm->name, db_errmsg(call->db));
    db_set_guest(call->db, g);
    return rc;
}

struct json_payload {
    json_t *v;
    char err[300];
};

static void push_json_payload(lua_State *L, void *arg)
{
    struct json_payload *p = arg;

    if (lj_push_json(L, p->v, NULL, p->err, sizeof p->err) < 0)
        luaL_error(L, "%s", p->err);
}

struct pushed {
    plugin_push_fn push;
    void *arg;
};

/* Runs in lsb_pcall: pushes the payload under the hook on the stack. */
static int push_protected(lua_State *L)
{
    struct pushed *p = lua_touserdata(L, 1);

    lua_settop(L, 0);
    p->push(L, p->arg);
    return 1;
}

int plugin_vm_hook_push(struct plugin_vm *vm, enum plugin_event ev, plugin_push_fn push,
                        void *arg, struct plugin_call *call, struct err *e)
{
    lua_State *L = lsb_state(vm->sb);
    struct pushed pushed = {push, arg};
    struct call_frame f;
    json_t *columns = NULL;
    char err[300];
    int rc = 0, payload_ref;

    call_enter(vm, call, &f);
    /* The payload once, shared by the plugin's hooks for this event. */
    lua_pushcfunction(L, push_protected);
    lua_pushlightuserdata(L, &pushed);
    if (lsb_pcall(vm->sb, 1, 1, err, sizeof err) < 0) {
        call_leave(vm, &f);
        return call_failed(vm, event_names[ev], err, e);
    }
    payload_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    for (int i = 0; i < vm->nhooks[ev] && rc == 0 && !call->refused && !call->failed; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, vm->hooks[ev][i]);
        lua_rawgeti(L, LUA_REGISTRYINDEX, payload_ref);
        if (lsb_pcall(vm->sb, 1, 1, err, sizeof err) < 0) {
            rc = call_failed(vm, event_names[ev], err, e);
            break;
        }
        rc = take_result(vm, call, event_names[ev], e);
        if (rc == 0 && call->failed)
            rc = call_failed(vm, event_names[ev], call->message, e);
        /* export.columns: each hook's columns join the list */
        if (rc == 0 && ev == PLUGIN_EV_EXPORT && call->result) {
            if (columns == NULL)
                columns = json_array();
            if (json_is_array(call->result))
                json_array_extend(columns, call->result);
            json_decref(call->result);
            call->result = NULL;
        }
    }
    luaL_unref(L, LUA_REGISTRYINDEX, payload_ref);
    if (ev == PLUGIN_EV_EXPORT) {
        json_decref(call->result);
        call->result = columns;
    } else {
        json_decref(columns);
    }
    if (savepoint_close(vm, call, rc == 0 && !call->refused, e) < 0)
        rc = -1;
    call_leave(vm, &f);
    return rc;
}

int plugin_vm_hook(struct plugin_vm *vm, enum plugin_event ev, json_t *payload,
                   struct plugin_call *call, struct err *e)
{
    struct json_payload p = {payload, ""};

    return plugin_vm_hook_push(vm, ev, push_json_payload, &p, call, e);
}

int plugin_vm_route(struct plugin_vm *vm, size_t i, json_t *request, struct plugin_call *call,
                    struct err *e)
{
    lua_State *L = lsb_state(vm->sb);
    struct call_frame f;
    char err[300], what[PLUGIN_ROUTE_PATH_MAX + 16];
    int rc;

    if (i >= vm->nroutes)
        return err_set(e, ERR_NOT_FOUND, NULL, "no such route");
    snprintf(what, sizeof what, "route %s", vm->routes[i].path);
    call_enter(vm, call, &f);
    lua_rawgeti(L, LUA_REGISTRYINDEX, vm->routes[i].fn);
    if (lj_push_json(L, request, NULL, err, sizeof err) < 0) {
        lua_pop(L, 1);
        rc = call_failed(vm, what, err, e);
    } else if (lsb_pcall(vm->sb, 1, 1, err, sizeof err) < 0) {
        rc = call_failed(vm, what, err, e);
    } else {
        rc = take_result(vm, call, what, e);
        if (rc == 0 && !call->failed && call->result == NULL)
            rc = call_failed(vm, what, "the route returned nothing (return {status = 200, "
                                       "body = ...} or saiets.fail(...))", e);
    }
    call_leave(vm, &f);
    return rc;
}

/* --- loading ------------------------------------------------------------------ */

static json_t *own_ref(json_t *v) { return v ? json_incref(v) : NULL; }

struct plugin_vm *plugin_vm_load(const struct plugin_code *code, struct err *e)
{
    struct lsb_limits lim = {PLUGIN_MEM_BYTES, PLUGIN_INSTRUCTIONS, PLUGIN_LOAD_WALL_MS};
    struct plugin_vm *vm = calloc(1, sizeof *vm);
    char err[300], chunk[PLUGIN_NAME_MAX + 16];
    lua_State *L;

    if (vm == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    snprintf(vm->name, sizeof vm->name, "%s", code->name);
    vm->reads = code->reads;
    vm->locale_lv = own_ref(code->locale_lv);
    vm->locale_en = own_ref(code->locale_en);
    vm->settings_ref = LUA_NOREF;
    if ((vm->fields = json_array()) == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto fail;
    }
    if ((vm->sb = lsb_new(&lim, err, sizeof err)) == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "plugin %s: %s", code->name, err);
        goto fail;
    }
    L = lsb_state(vm->sb);
    /* A hook makes short-lived tables (its event): the generational
     * collector frees those for less work than the incremental one. */
    lua_gc(L, LUA_GCGEN, 0, 0);
    lua_pushcfunction(L, plugin_api_install);
    lua_pushlightuserdata(L, vm);
    if (lsb_pcall(vm->sb, 1, 0, err, sizeof err) < 0) {
        err_set(e, ERR_INTERNAL, NULL, "plugin %s: %s", code->name, err);
        goto fail;
    }
    snprintf(chunk, sizeof chunk, "%s/plugin.lua", code->name);
    vm->loading = 1;
    if (lsb_load(vm->sb, code->lua, code->lua_len, chunk, err, sizeof err) < 0 ||
        lsb_pcall(vm->sb, 0, 0, err, sizeof err) < 0) {
        err_set(e, ERR_INVALID_PLUGIN, NULL, "%s", err);
        goto fail;
    }
    vm->loading = 0;
    return vm;
fail:
    plugin_vm_free(vm);
    return NULL;
}

void plugin_vm_free(struct plugin_vm *vm)
{
    if (vm == NULL)
        return;
    plugin_api_stmts_clear(vm);
    lsb_free(vm->sb);
    json_decref(vm->locale_lv);
    json_decref(vm->locale_en);
    json_decref(vm->settings_src);
    json_decref(vm->fields);
    free(vm);
}

/* --- route paths ---------------------------------------------------------------- */

int plugin_route_match(const char *pattern, const char *rest, json_t **params)
{
    json_t *p = json_object();
    const char *a = pattern, *b = rest;

    *params = NULL;
    if (p == NULL)
        return 0;
    while (*a && *b) {
        size_t na, nb;

        if (*a != '/' || *b != '/')
            break;
        a++;
        b++;
        na = strcspn(a, "/");
        nb = strcspn(b, "/");
        if (*a == ':') {
            if (nb == 0)
                break;
            {
                char key[PLUGIN_ROUTE_PATH_MAX];

                snprintf(key, sizeof key, "%.*s", (int)(na - 1), a + 1);
                json_object_set_new(p, key, json_stringn(b, nb));
            }
        } else if (na != nb || memcmp(a, b, na) != 0) {
            break;
        }
        a += na;
        b += nb;
    }
    if (*a || *b) {
        json_decref(p);
        return 0;
    }
    *params = p;
    return 1;
}
