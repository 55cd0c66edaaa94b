/* plugin_api.c - the `saiets` host table (host API version 1, docs/plugins.md):
 * what plugin.lua registers (on, route, form.field), what hooks and routes call (refuse,
 * fail, db, agenda, settings, t, csv, log, time, json).
 *
 * The host table is a userdata whose metatable indexes a table of C
 * closures, each holding the vm as an upvalue: a plugin can neither replace
 * a host function (no __newindex, and rawset needs a table) nor reach
 * another plugin (each has its own lua_State).  Host functions never trust
 * what they find in the plugin's globals; they work from their upvalue. */
#include "plugin_vm_internal.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "agenda.h"
#include "form.h"
#include "log.h"
#include "lua_csv.h"
#include "lua_json.h"
#include "meeting.h"
#include "outbox.h"
#include "plugin_locale.h"
#include "timeutil.h"

static const char *const auth_names[] = {"public", "participant", "organizer", "admin"};

const char *plugin_auth_name(enum plugin_auth a)
{
    return (int)a >= 0 && a <= PLUGIN_AUTH_ADMIN ? auth_names[a] : "?";
}

static struct plugin_vm *vm_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* --- saiets.on, saiets.route ---------------------------------------------- */

static int api_on(lua_State *L)
{
    struct plugin_vm *vm = vm_of(L);
    const char *name = luaL_checkstring(L, 1);
    int ev = plugin_event_from_name(name);

    luaL_checktype(L, 2, LUA_TFUNCTION);
    if (!vm->loading)
        return luaL_error(L, "saiets.on: hooks are registered while plugin.lua loads");
    if (ev < 0)
        return luaL_error(L, "saiets.on: unknown event '%s'", name);
    if (vm->nhooks[ev] == MAX_HOOKS_PER_EVENT)
        return luaL_error(L, "saiets.on: at most %d hooks for %s", MAX_HOOKS_PER_EVENT, name);
    lua_pushvalue(L, 2);
    vm->hooks[ev][vm->nhooks[ev]++] = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static const struct {
    const char *name;
    unsigned bit;
} methods[] = {{"GET", PLUGIN_GET}, {"POST", PLUGIN_POST}, {"PUT", PLUGIN_PUT},
               {"PATCH", PLUGIN_PATCH}, {"DELETE", PLUGIN_DELETE}};

static unsigned method_bit(const char *m)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(m, methods[i].name) == 0)
            return methods[i].bit;
    return 0;
}

const char *plugin_method_name(unsigned bit)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (methods[i].bit == bit)
            return methods[i].name;
    return "GET";
}

/* "/a/:b/c": '/'-rooted segments of [a-z0-9_.-] or ":name" parameters. */
static const char *route_path_problem(const char *p)
{
    int params = 0;

    if (p[0] != '/' || strlen(p) >= PLUGIN_ROUTE_PATH_MAX)
        return "must start with '/' and be shorter than 128 bytes";
    for (const char *s = p; *s; s++) {
        if (*s == '/') {
            if (s[1] == '/' || (s[1] == '\0' && s != p))
                return "has an empty segment";
            if (s[1] == ':') {
                s++;
                if (++params > PLUGIN_ROUTE_PARAMS)
                    return "has more than 4 parameters";
                if (!(s[1] >= 'a' && s[1] <= 'z'))
                    return "has a parameter whose name does not start with a letter";
            }
            continue;
        }
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
              *s == '.'))
            return "may hold only a-z, 0-9, '_', '-', '.' and ':' parameters";
    }
    return NULL;
}

static int api_route(lua_State *L)
{
    struct plugin_vm *vm = vm_of(L);
    const char *method = luaL_checkstring(L, 1), *path = luaL_checkstring(L, 2);
    struct plugin_route *r;
    const char *problem;
    unsigned bit = method_bit(method);
    int auth = PLUGIN_AUTH_ORGANIZER;

    luaL_checktype(L, 3, LUA_TFUNCTION);
    if (!vm->loading)
        return luaL_error(L, "saiets.route: routes are registered while plugin.lua loads");
    if (bit == 0)
        return luaL_error(L, "saiets.route: method '%s' is not GET, POST, PUT, PATCH or DELETE",
                          method);
    if ((problem = route_path_problem(path)) != NULL)
        return luaL_error(L, "saiets.route: the path '%s' %s", path, problem);
    if (!lua_isnoneornil(L, 4)) {
        const char *a;

        luaL_checktype(L, 4, LUA_TTABLE);
        lua_getfield(L, 4, "auth");
        a = lua_tostring(L, -1);
        if (a != NULL) {
            for (auth = 0; auth <= PLUGIN_AUTH_ADMIN && strcmp(a, auth_names[auth]) != 0; auth++)
                ;
            if (auth > PLUGIN_AUTH_ADMIN)
                return luaL_error(L, "saiets.route: auth must be public, participant, "
                                     "organizer or admin, not '%s'", a);
        } else if (!lua_isnil(L, -1)) {
            return luaL_error(L, "saiets.route: auth must be a string");
        }
        lua_pop(L, 1);
    }
    for (size_t i = 0; i < vm->nroutes; i++)
        if (vm->routes[i].method == bit && strcmp(vm->routes[i].path, path) == 0)
            return luaL_error(L, "saiets.route: %s %s is registered twice", method, path);
    if (vm->nroutes == MAX_ROUTES)
        return luaL_error(L, "saiets.route: at most %d routes", MAX_ROUTES);
    r = &vm->routes[vm->nroutes];
    r->method = bit;
    snprintf(r->path, sizeof r->path, "%s", path);
    r->auth = (enum plugin_auth)auth;
    lua_pushvalue(L, 3);
    r->fn = luaL_ref(L, LUA_REGISTRYINDEX);
    vm->nroutes++;
    return 0;
}

/* --- saiets.form.field ----------------------------------------------------- */

/* saiets.form.field{key, type, label = {lv, en}, required, options, max_length}:
 * checked by form.c as a meeting's own field would be; returns the key the
 * answer is stored under, "NAME.key". */
static int api_form_field(lua_State *L)
{
    struct plugin_vm *vm = vm_of(L);
    char msg[600], key[PLUGIN_NAME_MAX + 48];
    json_t *def, *field = NULL;
    struct err e;
    size_t i;
    json_t *f;

    luaL_checktype(L, 1, LUA_TTABLE);
    if (!vm->loading)
        return luaL_error(L, "saiets.form.field: fields are declared while plugin.lua loads");
    if (json_array_size(vm->fields) == MAX_FORM_FIELDS)
        return luaL_error(L, "saiets.form.field: at most %d fields", MAX_FORM_FIELDS);
    if ((def = lj_to_json(L, 1, NULL, msg, sizeof msg)) == NULL)
        return luaL_error(L, "saiets.form.field: %s", msg);
    err_clear(&e);
    field = form_parse_field(def, "saiets.form.field", &e);
    json_decref(def);
    if (field == NULL) {
        snprintf(msg, sizeof msg, "%s", e.message);
        return luaL_error(L, "%s", msg);
    }
    snprintf(key, sizeof key, "%s.%s", vm->name,
             json_string_value(json_object_get(field, "key")));
    json_array_foreach(vm->fields, i, f) if (strcmp(json_string_value(json_object_get(f, "key")),
                                                  key) == 0)
    {
        json_decref(field);
        return luaL_error(L, "saiets.form.field: '%s' is declared twice", key);
    }
    json_object_set_new(field, "key", json_string(key));
    json_object_set_new(field, "plugin", json_string(vm->name));
    json_array_append_new(vm->fields, field);
    lua_pushstring(L, key);
    return 1;
}

json_t *plugin_vm_form_fields(const struct plugin_vm *vm) { return vm->fields; }

/* --- saiets.refuse, saiets.fail ------------------------------------------- */

static int api_refuse(lua_State *L)
{
    const char *field = luaL_checkstring(L, 1), *msg = luaL_checkstring(L, 2);

    lua_createtable(L, 0, 2);
    lua_pushstring(L, field);
    lua_setfield(L, -2, "field");
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "message");
    luaL_setmetatable(L, REFUSAL_MT);
    return 1;
}

/* saiets.fail(status, code, message [, field]) */
static int api_fail(lua_State *L)
{
    lua_Integer status = luaL_checkinteger(L, 1);
    const char *code = luaL_checkstring(L, 2), *msg = luaL_checkstring(L, 3);
    const char *field = luaL_optstring(L, 4, NULL);

    luaL_argcheck(L, status >= 400 && status <= 599, 1, "a status from 400 to 599");
    lua_createtable(L, 0, 4);
    if (field) {
        lua_pushstring(L, field);
        lua_setfield(L, -2, "field");
    }
    lua_pushinteger(L, status);
    lua_setfield(L, -2, "status");
    lua_pushstring(L, code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "message");
    luaL_setmetatable(L, FAILURE_MT);
    return 1;
}

/* --- saiets.db -------------------------------------------------------------- */

static struct plugin_vm *vm_in_call(lua_State *L, const char *what)
{
    struct plugin_vm *vm = vm_of(L);

    if (vm->call == NULL || vm->call->db == NULL)
        luaL_error(L, "%s: no database while plugin.lua loads (use it in hooks and routes)",
                   what);
    return vm;
}

void plugin_api_stmts_clear(struct plugin_vm *vm)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        sqlite3_finalize(vm->stmts[i].st);
        free(vm->stmts[i].sql);
        vm->stmts[i].st = NULL;
        vm->stmts[i].sql = NULL;
    }
}

/* Only comments and blanks may follow the statement. */
static int only_blanks(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ';') {
            s++;
        } else if (s[0] == '-' && s[1] == '-') {
            s += strcspn(s, "\n");
        } else if (s[0] == '/' && s[1] == '*') {
            const char *end = strstr(s + 2, "*/");

            if (end == NULL)
                return 1;
            s = end + 2;
        } else {
            return 0;
        }
    }
    return 1;
}

/* VACUUM asks the authorizer nothing: refused by its first word. */
static int is_vacuum(const char *sql)
{
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
        sql++;
    return strncasecmp(sql, "vacuum", 6) == 0;
}

/* The prepared statement for sql on the call's connection (prepared now,
 * with the plugin's policy as the guest, or taken from the cache). */
static sqlite3_stmt *stmt_for(lua_State *L, struct plugin_vm *vm, const char *what,
                              const char *sql, size_t len)
{
    sqlite3 *h = db_handle(vm->call->db);
    struct cached_stmt *slot;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc;

    if (len > SQL_MAX_BYTES)
        luaL_error(L, "%s: the SQL is longer than %d bytes", what, SQL_MAX_BYTES);
    if (strlen(sql) != len)
        luaL_error(L, "%s: the SQL holds a NUL byte", what);
    if (vm->stmt_db != vm->call->db) {
        plugin_api_stmts_clear(vm);
        vm->stmt_db = vm->call->db;
    }
    for (int i = 0; i < STMT_CACHE; i++)
        if (vm->stmts[i].sql && strcmp(vm->stmts[i].sql, sql) == 0) {
            sqlite3_reset(vm->stmts[i].st);
            sqlite3_clear_bindings(vm->stmts[i].st);
            return vm->stmts[i].st;
        }
    if (is_vacuum(sql))
        luaL_error(L, "%s: not allowed: VACUUM", what);
    vm->policy.why[0] = '\0';
    rc = sqlite3_prepare_v3(h, sql, (int)len + 1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (rc != SQLITE_OK) {
        if (vm->policy.why[0])
            luaL_error(L, "%s: not allowed: %s", what, vm->policy.why);
        luaL_error(L, "%s: %s", what, sqlite3_errmsg(h));
    }
    if (st == NULL)
        luaL_error(L, "%s: no SQL statement", what);
    if (tail && !only_blanks(tail)) {
        sqlite3_finalize(st);
        luaL_error(L, "%s: one statement at a time", what);
    }
    slot = &vm->stmts[vm->next_stmt++ % STMT_CACHE];
    sqlite3_finalize(slot->st);
    free(slot->sql);
    slot->sql = strdup(sql);
    slot->st = slot->sql ? st : NULL;
    if (slot->sql == NULL) {
        sqlite3_finalize(st);
        luaL_error(L, "%s: out of memory", what);
    }
    return st;
}

static void bind_args(lua_State *L, sqlite3_stmt *st, int first, const char *what)
{
    int n = lua_gettop(L) - first + 1, want = sqlite3_bind_parameter_count(st);

    if (n > SQL_MAX_PARAMS || n != want)
        luaL_error(L, "%s: the SQL has %d parameters and %d values were given", what, want,
                   n < 0 ? 0 : n);
    for (int i = 0; i < n; i++) {
        int idx = first + i, rc;

        switch (lua_type(L, idx)) {
        case LUA_TNIL:
            rc = sqlite3_bind_null(st, i + 1);
            break;
        case LUA_TBOOLEAN:
            rc = sqlite3_bind_int(st, i + 1, lua_toboolean(L, idx));
            break;
        case LUA_TNUMBER:
            rc = lua_isinteger(L, idx) ? sqlite3_bind_int64(st, i + 1, lua_tointeger(L, idx))
                                       : sqlite3_bind_double(st, i + 1, lua_tonumber(L, idx));
            break;
        case LUA_TSTRING: {
            size_t len;
            const char *s = lua_tolstring(L, idx, &len);

            rc = sqlite3_bind_text(st, i + 1, s, (int)len, SQLITE_TRANSIENT);
            break;
        }
        default:
            if (lj_is_null(L, idx)) {
                rc = sqlite3_bind_null(st, i + 1);
                break;
            }
            luaL_error(L, "%s: value %d is a %s (give nil, a boolean, a number or a string)",
                       what, i + 1, luaL_typename(L, idx));
            return;
        }
        if (rc != SQLITE_OK)
            luaL_error(L, "%s: cannot bind value %d", what, i + 1);
    }
}

/* Steps st once: SQLITE_ROW or SQLITE_DONE, else raises (the statement is
 * reset first, so that nothing stays open). */
static int step(lua_State *L, struct plugin_vm *vm, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc;
    sqlite3_reset(st);
    if (rc == SQLITE_INTERRUPT)
        luaL_error(L, "%s: the SQL ran too long and was stopped", what);
    luaL_error(L, "%s: %s", what, sqlite3_errmsg(db_handle(vm->call->db)));
    return rc;
}

/* Pushes the current row as a table {column = value}; NULL columns are
 * left out (nil). */
static void push_row(lua_State *L, sqlite3_stmt *st)
{
    int n = sqlite3_column_count(st);

    lua_createtable(L, 0, n);
    for (int i = 0; i < n; i++) {
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            lua_pushinteger(L, sqlite3_column_int64(st, i));
            break;
        case SQLITE_FLOAT:
            lua_pushnumber(L, sqlite3_column_double(st, i));
            break;
        case SQLITE_TEXT:
        case SQLITE_BLOB:
            lua_pushlstring(L, (const char *)sqlite3_column_blob(st, i),
                            (size_t)sqlite3_column_bytes(st, i));
            break;
        default:
            continue;
        }
        lua_setfield(L, -2, sqlite3_column_name(st, i));
    }
}

static sqlite3_stmt *prepare_call(lua_State *L, const char *what)
{
    struct plugin_vm *vm = vm_in_call(L, what);
    size_t len;
    const char *sql = luaL_checklstring(L, 1, &len);
    sqlite3_stmt *st = stmt_for(L, vm, what, sql, len);

    bind_args(L, st, 2, what);
    return st;
}

/* Before a hook's first write: its savepoint (plugin_call.atomic). */
static void before_write(lua_State *L, struct plugin_vm *vm, const char *what)
{
    struct plugin_call *call = vm->call;
    const struct db_guest *g;
    int rc;

    if (!call->atomic || call->savepoint_open)
        return;
    g = db_set_guest(call->db, NULL);
    rc = db_run(call->db, "SAVEPOINT plugin_call");
    db_set_guest(call->db, g);
    if (rc < 0)
        luaL_error(L, "%s: %s", what, db_errmsg(call->db));
    call->savepoint_open = 1;
}

static int api_db_exec(lua_State *L)
{
    struct plugin_vm *vm = vm_of(L);
    sqlite3_stmt *st = prepare_call(L, "saiets.db.exec");

    if (!sqlite3_stmt_readonly(st))
        before_write(L, vm, "saiets.db.exec");
    while (step(L, vm, st, "saiets.db.exec") == SQLITE_ROW)
        ;
    sqlite3_reset(st);
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, sqlite3_changes64(db_handle(vm->call->db)));
    lua_setfield(L, -2, "changes");
    lua_pushinteger(L, sqlite3_last_insert_rowid(db_handle(vm->call->db)));
    lua_setfield(L, -2, "last_id");
    return 1;
}

static int api_db_rows(lua_State *L)
{
    struct plugin_vm *vm = vm_of(L);
    sqlite3_stmt *st = prepare_call(L, "saiets.db.rows");
    lua_Integer n = 0;

    if (!sqlite3_stmt_readonly(st))
        before_write(L, vm, "saiets.db.rows");
    lua_newtable(L);
    lua_getfield(L, LUA_REGISTRYINDEX, "saiets.array");
    if (lua_istable(L, -1))
        lua_setmetatable(L, -2);
    else
        lua_pop(L, 1);
    while (step(L, vm, st, "saiets.db.rows") == SQLITE_ROW) {
        if (n == SQL_MAX_ROWS) {
            sqlite3_reset(st);
            return luaL_error(L, "saiets.db.rows: more than %d rows (use LIMIT)", SQL_MAX_ROWS);
        }
        push_row(L, st);
        lua_rawseti(L, -2, ++n);
    }
    sqlite3_reset(st);
    return 1;
}

static int api_db_one(lua_State *L)
{
    struct plugin_vm *vm = vm_of(L);
    sqlite3_stmt *st = prepare_call(L, "saiets.db.one");

    if (!sqlite3_stmt_readonly(st))
        before_write(L, vm, "saiets.db.one");
    if (step(L, vm, st, "saiets.db.one") == SQLITE_ROW)
        push_row(L, st);
    else
        lua_pushnil(L);
    sqlite3_reset(st);
    return 1;
}

/* --- saiets.agenda ------------------------------------------------------------- */

/* Host code run from inside a plugin call: the plugin's guest is taken off
 * the connection meanwhile (the host's statements are its own), and its
 * error raised as the plugin's. */
struct host_call {
    const struct db_guest *saved;
};

static void host_enter(struct plugin_vm *vm, struct host_call *h)
{
    h->saved = db_set_guest(vm->call->db, NULL);
}

static void host_leave(struct plugin_vm *vm, struct host_call *h)
{
    db_set_guest(vm->call->db, h->saved);
}

static const char *agenda_key(lua_State *L, const char *what)
{
    const char *key = luaL_checkstring(L, 1);

    if (!agenda_script_name_ok(key))
        luaL_error(L, "%s: the key must be 1-64 of a-z, 0-9, '_', '.', '-' (and start with a "
                      "letter or digit)", what);
    return key;
}

static int api_agenda_put(lua_State *L)
{
    struct plugin_vm *vm = vm_in_call(L, "saiets.agenda.put");
    const char *key = agenda_key(L, "saiets.agenda.put");
    char err[200], source[PLUGIN_NAME_MAX + 8];
    struct host_call h;
    struct err e;
    json_t *item;
    long long id = 0;
    int rc;

    luaL_checktype(L, 2, LUA_TTABLE);
    before_write(L, vm, "saiets.agenda.put");
    if ((item = lj_to_json(L, 2, NULL, err, sizeof err)) == NULL)
        return luaL_error(L, "saiets.agenda.put: %s", err);
    snprintf(source, sizeof source, "plugin:%s", vm->name);
    err_clear(&e);
    host_enter(vm, &h);
    rc = agenda_item_put_keyed(vm->call->db, vm->call->meeting_id, item, source, key,
                               (long long)time(NULL), source, &id, &e);
    host_leave(vm, &h);
    json_decref(item);
    if (rc < 0)
        return luaL_error(L, "saiets.agenda.put: %s%s%s", e.field, e.field[0] ? ": " : "",
                          e.message);
    lua_pushinteger(L, id);
    return 1;
}

static int api_agenda_remove(lua_State *L)
{
    struct plugin_vm *vm = vm_in_call(L, "saiets.agenda.remove");
    const char *key = agenda_key(L, "saiets.agenda.remove");
    char source[PLUGIN_NAME_MAX + 8];
    struct host_call h;
    struct err e;
    int rc;

    before_write(L, vm, "saiets.agenda.remove");
    snprintf(source, sizeof source, "plugin:%s", vm->name);
    err_clear(&e);
    host_enter(vm, &h);
    rc = agenda_item_remove_keyed(vm->call->db, vm->call->meeting_id, source, key,
                                  (long long)time(NULL), source, &e);
    host_leave(vm, &h);
    if (rc < 0)
        return luaL_error(L, "saiets.agenda.remove: %s", e.message);
    return 0;
}

/* --- saiets.mail ------------------------------------------------------------------ */

/* args with every {lv = ..., en = ...} value replaced by its lang text (a
 * new reference). */
static json_t *args_in(const json_t *args, const char *lang)
{
    json_t *out = json_object(), *v;
    const char *k;

    json_object_foreach((json_t *)args, k, v) {
        json_t *t = json_is_object(v) ? json_object_get(v, lang) : v;

        if (t == NULL)
            t = json_object_get(v, strcmp(lang, "lv") ? "lv" : "en");
        json_object_set(out, k, t ? t : json_string(""));
    }
    return out;
}

/* saiets.mail{registration = ID, subject = KEY, text = KEY, args = {...}}:
 * a message to a registration of the meeting being served, its subject and
 * text the plugin's locale texts KEY in the registration's language. */
static int api_mail(lua_State *L)
{
    struct plugin_vm *vm = vm_in_call(L, "saiets.mail");
    const char *keys[2], *langs[2] = {"lv", "en"}, *subject[2], *text[2];
    struct buf sb[2] = {BUF_INIT, BUF_INIT}, tb[2] = {BUF_INIT, BUF_INIT};
    json_t *args = NULL, *locales;
    lua_Integer id;
    char err[160];
    struct host_call h;
    struct err e;
    int rc = 0, queued = 0;

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "registration");
    id = luaL_checkinteger(L, -1);
    lua_getfield(L, 1, "subject");
    keys[0] = luaL_checkstring(L, -1);
    lua_getfield(L, 1, "text");
    keys[1] = luaL_checkstring(L, -1);
    lua_getfield(L, 1, "args");
    if (!lua_isnil(L, -1) && (args = lj_to_json(L, lua_gettop(L), NULL, err, sizeof err)) == NULL)
        return luaL_error(L, "saiets.mail: args: %s", err);
    if (args && !json_is_object(args)) {
        json_decref(args);
        return luaL_error(L, "saiets.mail: args must be a table of names");
    }
    locales = json_pack("{s:O?, s:O?}", "lv", vm->locale_lv, "en", vm->locale_en);
    for (int l = 0; l < 2 && rc == 0; l++) {
        json_t *a = args ? args_in(args, langs[l]) : NULL;

        rc = locales ? plugin_locale_text(locales, langs[l], keys[0], a, &sb[l]) : -1;
        if (rc == 0)
            rc = plugin_locale_text(locales, langs[l], keys[1], a, &tb[l]);
        json_decref(a);
        subject[l] = buf_cstr(&sb[l]);
        text[l] = buf_cstr(&tb[l]);
    }
    json_decref(locales);
    json_decref(args);
    if (rc == 0) {
        before_write(L, vm, "saiets.mail");
        err_clear(&e);
        host_enter(vm, &h);
        rc = outbox_plugin_message(vm->call->db, vm->call->meeting_id, (long long)id, vm->name,
                                   subject, text, (long long)time(NULL), &e);
        host_leave(vm, &h);
        if (rc >= 0) {
            queued = rc;
            rc = 0;
        }
    } else {
        snprintf(e.message, sizeof e.message, "out of memory");
    }
    for (int l = 0; l < 2; l++) {
        buf_free(&sb[l]);
        buf_free(&tb[l]);
    }
    if (rc < 0)
        return luaL_error(L, "saiets.mail: %s", e.message);
    lua_pushboolean(L, queued);
    return 1;
}

/* --- settings, log, time, t ------------------------------------------------- */

/* The settings table is made once per settings object the host passes
 * (the hooks' cache keeps the same object while nothing changes), and a
 * copy handed out: a plugin that changes its table changes nothing else. */
static int api_settings(lua_State *L)
{
    struct plugin_vm *vm = vm_in_call(L, "saiets.settings");
    char err[160];

    if (!lua_isnoneornil(L, 1) && luaL_checkinteger(L, 1) != vm->call->meeting_id)
        return luaL_error(L, "saiets.settings: only the settings of the meeting being served");
    if (vm->call->settings == NULL) {
        lua_newtable(L);
        return 1;
    }
    if (vm->call->settings != vm->settings_src) {
        if (lj_push_json(L, (json_t *)vm->call->settings, NULL, err, sizeof err) < 0)
            return luaL_error(L, "saiets.settings: %s", err);
        luaL_unref(L, LUA_REGISTRYINDEX, vm->settings_ref);
        vm->settings_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        json_decref(vm->settings_src);
        vm->settings_src = json_incref((json_t *)vm->call->settings);
    }
    /* a shallow copy: settings are flat */
    lua_rawgeti(L, LUA_REGISTRYINDEX, vm->settings_ref);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, -3) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    return 1;
}

static int api_log(lua_State *L, int warn)
{
    struct plugin_vm *vm = vm_of(L);
    size_t len;
    const char *msg = luaL_checklstring(L, 1, &len);
    char src[LUA_IDSIZE];
    int line = lsb_script_where(L, src, sizeof src);

    if (warn)
        log_warn("plugin %s (%s:%d): %.*s", vm->name, src, line, (int)(len > 500 ? 500 : len),
                 msg);
    else
        log_info("plugin %s (%s:%d): %.*s", vm->name, src, line, (int)(len > 500 ? 500 : len),
                 msg);
    return 0;
}

static int api_log_info(lua_State *L) { return api_log(L, 0); }
static int api_log_warn(lua_State *L) { return api_log(L, 1); }

/* The meeting's time zone, read once per call (host code: no guest). */
static const char *call_zone(lua_State *L, struct plugin_vm *vm, const char *what)
{
    struct plugin_call *call = vm->call;

    if (call == NULL || call->db == NULL || call->meeting_id <= 0)
        luaL_error(L, "%s: there is no meeting here", what);
    if (call->zone[0] == '\0') {
        const struct db_guest *g = db_set_guest(call->db, NULL);
        struct meeting m;
        struct err e;
        int rc;

        err_clear(&e);
        rc = meeting_load(call->db, call->meeting_id, &m, &e);
        db_set_guest(call->db, g);
        if (rc < 0)
            luaL_error(L, "%s: %s", what, e.message);
        snprintf(call->zone, sizeof call->zone, "%s", m.timezone);
        meeting_clear(&m);
    }
    return call->zone;
}

/* saiets.time.zone(): the meeting's time zone ("Europe/Riga"). */
static int api_time_zone(lua_State *L)
{
    lua_pushstring(L, call_zone(L, vm_of(L), "saiets.time.zone"));
    return 1;
}

/* saiets.time.to_local(t): an instant (UTC seconds, or "YYYY-MM-DDTHH:MM:SSZ")
 * as the meeting's wall time "YYYY-MM-DDTHH:MM". */
static int api_time_to_local(lua_State *L)
{
    const char *zone = call_zone(L, vm_of(L), "saiets.time.to_local");
    long long t;
    char out[17];

    if (lua_isinteger(L, 1))
        t = lua_tointeger(L, 1);
    else if (tu_parse_rfc3339(luaL_checkstring(L, 1), &t) < 0)
        return luaL_error(L, "saiets.time.to_local: give UTC seconds or "
                             "\"YYYY-MM-DDTHH:MM:SSZ\"");
    if (tu_utc_to_local(zone, t, out) < 0)
        return luaL_error(L, "saiets.time.to_local: no wall time for that instant");
    lua_pushstring(L, out);
    return 1;
}

/* saiets.time.to_utc(local): the meeting's wall time "YYYY-MM-DDTHH:MM" as
 * UTC seconds (a repeated hour means its first occurrence). */
static int api_time_to_utc(lua_State *L)
{
    const char *zone = call_zone(L, vm_of(L), "saiets.time.to_utc");
    long long t;

    if (tu_local_to_utc(zone, luaL_checkstring(L, 1), &t) < 0)
        return luaL_error(L, "saiets.time.to_utc: give a wall time \"YYYY-MM-DDTHH:MM\"");
    lua_pushinteger(L, t);
    return 1;
}

/* saiets.time.now(): the current instant, "YYYY-MM-DDTHH:MM:SSZ". */
static int api_time_now(lua_State *L)
{
    char text[32];

    tu_format_utc((long long)time(NULL), text);
    lua_pushstring(L, text);
    return 1;
}

/* saiets.t(key [, args]): the text for key in the call's language, then
 * lv, then en, then the key itself; "{name}" replaced by args.name
 * (plugin_locale.h says the rules). */
static int api_t(lua_State *L)
{
    struct plugin_vm *vm = vm_of(L);
    const char *key = luaL_checkstring(L, 1);
    const char *lang = vm->call && vm->call->lang ? vm->call->lang : "lv";
    struct buf b = BUF_INIT;
    json_t *args = NULL, *locales;
    char err[160];
    int rc;

    if (!lua_isnoneornil(L, 2) &&
        (args = lj_to_json(L, 2, NULL, err, sizeof err)) == NULL)
        return luaL_error(L, "saiets.t: %s", err);
    locales = json_pack("{s:O?, s:O?}", "lv", vm->locale_lv, "en", vm->locale_en);
    rc = locales ? plugin_locale_text(locales, lang, key, args, &b) : -1;
    json_decref(locales);
    json_decref(args);
    if (rc < 0) {
        buf_free(&b);
        return luaL_error(L, "saiets.t: out of memory");
    }
    lua_pushlstring(L, b.data ? b.data : "", b.len);
    buf_free(&b);
    return 1;
}

/* --- the host table ---------------------------------------------------------- */

static int readonly_newindex(lua_State *L)
{
    return luaL_error(L, "the saiets host table is read-only");
}

/* Replaces the table on top with a read-only userdata that indexes it. */
static void make_readonly(lua_State *L)
{
    lua_newuserdatauv(L, 0, 0);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "saiets");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_remove(L, -2);
}

static void add_fn(lua_State *L, struct plugin_vm *vm, const char *name, lua_CFunction fn)
{
    lua_pushlightuserdata(L, vm);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
}

int plugin_api_install(lua_State *L)
{
    struct plugin_vm *vm = lua_touserdata(L, 1);

    luaL_newmetatable(L, REFUSAL_MT);
    lua_pushliteral(L, "saiets.refusal");
    lua_setfield(L, -2, "__metatable");
    luaL_newmetatable(L, FAILURE_MT);
    lua_pushliteral(L, "saiets.failure");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    lua_createtable(L, 0, 16);
    add_fn(L, vm, "on", api_on);
    add_fn(L, vm, "route", api_route);
    add_fn(L, vm, "refuse", api_refuse);
    add_fn(L, vm, "fail", api_fail);
    add_fn(L, vm, "settings", api_settings);
    add_fn(L, vm, "t", api_t);
    add_fn(L, vm, "mail", api_mail);
    lua_pushcfunction(L, lcsv_format);
    lua_setfield(L, -2, "csv");
    lua_pushstring(L, vm->name);
    lua_setfield(L, -2, "plugin");
    lua_pushinteger(L, 1);
    lua_setfield(L, -2, "api");

    lua_createtable(L, 0, 3);
    add_fn(L, vm, "exec", api_db_exec);
    add_fn(L, vm, "rows", api_db_rows);
    add_fn(L, vm, "one", api_db_one);
    make_readonly(L);
    lua_setfield(L, -2, "db");

    lua_createtable(L, 0, 1);
    add_fn(L, vm, "field", api_form_field);
    make_readonly(L);
    lua_setfield(L, -2, "form");

    lua_createtable(L, 0, 2);
    add_fn(L, vm, "put", api_agenda_put);
    add_fn(L, vm, "remove", api_agenda_remove);
    make_readonly(L);
    lua_setfield(L, -2, "agenda");

    lua_createtable(L, 0, 2);
    add_fn(L, vm, "info", api_log_info);
    add_fn(L, vm, "warn", api_log_warn);
    make_readonly(L);
    lua_setfield(L, -2, "log");

    lua_createtable(L, 0, 4);
    add_fn(L, vm, "now", api_time_now);
    add_fn(L, vm, "zone", api_time_zone);
    add_fn(L, vm, "to_local", api_time_to_local);
    add_fn(L, vm, "to_utc", api_time_to_utc);
    make_readonly(L);
    lua_setfield(L, -2, "time");

    lj_open(L);
    make_readonly(L);
    lua_setfield(L, -2, "json");

    make_readonly(L);
    lua_setglobal(L, "saiets");
    return 0;
}

