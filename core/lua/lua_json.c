/* lua_json.c - Lua <-> JSON for plain data; see lua_json.h.
 *
 * Each direction is a recursive walk that raises a Lua error on the first
 * value it refuses, run inside a lua_pcall of its own (lj_run).  What the
 * Lua -> JSON walk builds is attached to its parent as soon as it exists,
 * so after an error (a longjmp) the root owns all of it and one
 * json_decref frees it; what the JSON -> Lua walk builds lives in the Lua
 * state and is garbage after an error.  Both keep the containers on the
 * current path, to refuse a cycle by name rather than by depth. */
#include "lua_json.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lua_sandbox.h"

/* Registry keys (their addresses) and the null sentinel. */
static const char lj_array_key = 'a';
static const char lj_object_key = 'o';
static const char lj_null = 'n';

#define LJ_ARRAY_NAME "saiets.array"
#define LJ_OBJECT_NAME "saiets.object"

#if JSON_INTEGER_IS_LONG_LONG
#define LJ_JSON_INT_MAX LLONG_MAX
#else
#define LJ_JSON_INT_MAX LONG_MAX
#endif

enum lj_kind { LJ_PLAIN, LJ_ARRAY, LJ_OBJECT };

/* Stack slots the protected walks find the marker metatables in (nil when
 * the state has none yet). */
#define LJ_SLOT_ARRAY_MT 2
#define LJ_SLOT_OBJECT_MT 3

struct lj_walk {
    struct lj_limits lim;
    size_t values, text;
    const void *seen[LJ_MAX_DEPTH]; /* the containers on the current path */
    char path[128];                 /* where we are, for messages */
    const char *prefix;             /* "not plain data" / "cannot pass to Lua" */
    json_t *root;                   /* Lua -> JSON: owns all that was built */
    json_t *in;                     /* JSON -> Lua: the value to push */
};

void lj_push_null(lua_State *L) { lua_pushlightuserdata(L, (void *)&lj_null); }

int lj_is_null(lua_State *L, int idx)
{
    return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == &lj_null;
}

size_t lj_utf8_len(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len;

    if (n == 0)
        return 0;
    len = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
          : s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) || /* overlong, surrogate */
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
        return 0;
    return len;
}

static int lj_utf8_ok(const char *s, size_t n)
{
    while (n > 0) {
        size_t len = lj_utf8_len(s, n);

        if (len == 0)
            return 0;
        s += len;
        n -= len;
    }
    return 1;
}

static void lj_errf(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void lj_errf(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errsz == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

static int lj_error(lua_State *L, struct lj_walk *w, const char *what)
{
    lua_pushfstring(L, "%s: %s %s", w->prefix, w->path[0] ? w->path : "the value", what);
    return lua_error(L);
}

/* path + "[i]" or path + ".key" (the first 40 bytes of it); returns the old
 * length, to cut the path back to. */
static size_t lj_path_index(struct lj_walk *w, long long i)
{
    size_t mark = strlen(w->path);

    snprintf(w->path + mark, sizeof w->path - mark, "[%lld]", i);
    return mark;
}

/* Messages stay valid UTF-8 without control characters whatever the key:
 * whole characters of its first 40 bytes, anything else as '?'. */
static size_t lj_path_key(struct lj_walk *w, const char *k, size_t klen)
{
    size_t mark = strlen(w->path), o = mark, at = 0;

    if (mark > 0 && o + 1 < sizeof w->path)
        w->path[o++] = '.';
    while (at < klen) {
        const unsigned char *p = (const unsigned char *)k + at;
        size_t len = lj_utf8_len(k + at, klen - at);
        int shown = len > 1 || (len == 1 && *p >= 0x20 && *p != 0x7F);

        len = len ? len : 1;
        if (at + len > 40 || o + len >= sizeof w->path)
            break;
        if (shown)
            memcpy(w->path + o, p, len);
        else
            w->path[o] = '?';
        o += shown ? len : 1;
        at += len;
    }
    w->path[o] = '\0';
    return mark;
}

static void lj_count_value(lua_State *L, struct lj_walk *w)
{
    if (++w->values > w->lim.values)
        lj_error(L, w, "holds too many values");
}

static void lj_count_text(lua_State *L, struct lj_walk *w, size_t n)
{
    if (n > w->lim.text_bytes - w->text)
        lj_error(L, w, "holds too much text");
    w->text += n;
}

/* A container at depth: refuses a cycle, then too deep; records it. */
static void lj_enter(lua_State *L, struct lj_walk *w, const void *p, int depth)
{
    for (int i = 0; i < depth && i < LJ_MAX_DEPTH; i++)
        if (w->seen[i] == p)
            lj_error(L, w, "is a table that contains itself");
    if (depth >= w->lim.depth)
        lj_error(L, w, "is nested too deeply");
    w->seen[depth] = p;
    luaL_checkstack(L, 4, "nested too deeply");
}

/* --- Lua -> JSON ---------------------------------------------------------- */

/* Hands v to its parent at once, so that a later error (longjmp) loses
 * nothing: w->root owns all that was made. */
static void lj_attach(lua_State *L, struct lj_walk *w, json_t *parent, const char *key,
                      json_t *v)
{
    int rc;

    if (v == NULL)
        lj_error(L, w, "could not be stored (out of memory)");
    if (parent == NULL) {
        w->root = v;
        return;
    }
    /* A key is UTF-8 without NUL (checked by the caller). */
    rc = key ? json_object_set_new_nocheck(parent, key, v) : json_array_append_new(parent, v);
    if (rc < 0) /* jansson released v */
        lj_error(L, w, "could not be stored (out of memory)");
}

static void lj_to(lua_State *L, int idx, struct lj_walk *w, json_t *parent, const char *key,
                  int depth);

static enum lj_kind lj_kind_of(lua_State *L, int idx)
{
    enum lj_kind kind = LJ_PLAIN;

    if (lua_getmetatable(L, idx)) {
        /* stack: ..., metatable */
        if (lua_rawequal(L, -1, LJ_SLOT_ARRAY_MT))
            kind = LJ_ARRAY;
        else if (lua_rawequal(L, -1, LJ_SLOT_OBJECT_MT))
            kind = LJ_OBJECT;
        lua_pop(L, 1);
    }
    return kind;
}

/* A table: a list (keys 1..n, or empty and not marked as an object) or an
 * object (text keys). */
static void lj_to_table(lua_State *L, int idx, struct lj_walk *w, json_t *parent,
                        const char *key, int depth)
{
    enum lj_kind kind = lj_kind_of(L, idx);
    size_t n = 0, nint = 0, mark;
    lua_Integer max = 0;
    json_t *v;

    lj_enter(L, w, lua_topointer(L, idx), depth);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        /* stack: ..., key, value */
        if (lua_isinteger(L, -2)) {
            lua_Integer k = lua_tointeger(L, -2);

            if (kind == LJ_OBJECT)
                lj_error(L, w, "is an object with a key that is not text");
            if (k < 1)
                lj_error(L, w, "has a list index below 1");
            nint++;
            max = k > max ? k : max;
        } else if (lua_type(L, -2) != LUA_TSTRING) {
            lj_error(L, w, "has a key that is neither text nor a list index");
        }
        n++;
        lua_pop(L, 1);
    }
    if ((nint > 0 || kind == LJ_ARRAY) && nint != n)
        lj_error(L, w, "mixes a list with named fields");
    if (nint > 0 && (lua_Unsigned)max != (lua_Unsigned)nint)
        lj_error(L, w, "is a list with holes");
    if (nint > 0 || (n == 0 && kind != LJ_OBJECT)) {
        v = json_array();
        lj_attach(L, w, parent, key, v);
        for (lua_Integer i = 1; i <= max; i++) {
            mark = lj_path_index(w, (long long)i);
            lua_rawgeti(L, idx, i);
            /* stack: ..., element */
            lj_to(L, lua_gettop(L), w, v, NULL, depth + 1);
            lua_pop(L, 1);
            w->path[mark] = '\0';
        }
    } else {
        v = json_object();
        lj_attach(L, w, parent, key, v);
        lua_pushnil(L);
        while (lua_next(L, idx) != 0) {
            /* stack: ..., key (text, checked above), value */
            size_t klen;
            const char *k = lua_tolstring(L, -2, &klen);

            mark = lj_path_key(w, k, klen);
            if (klen > LJ_KEY_MAX || strlen(k) != klen)
                lj_error(L, w, "is a field name over 256 bytes or with a NUL");
            if (!lj_utf8_ok(k, klen))
                lj_error(L, w, "is a field name that is not valid UTF-8");
            lj_count_text(L, w, klen);
            lj_to(L, lua_gettop(L), w, v, k, depth + 1);
            lua_pop(L, 1);
            w->path[mark] = '\0';
        }
    }
}

static void lj_to(lua_State *L, int idx, struct lj_walk *w, json_t *parent, const char *key,
                  int depth)
{
    lj_count_value(L, w);
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        lj_attach(L, w, parent, key, json_boolean(lua_toboolean(L, idx)));
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            lua_Integer i = lua_tointeger(L, idx);

#if LUA_MAXINTEGER > LJ_JSON_INT_MAX
            if (i > LJ_JSON_INT_MAX || i < -LJ_JSON_INT_MAX - 1)
                lj_error(L, w, "is an integer out of range");
#endif
            lj_attach(L, w, parent, key, json_integer((json_int_t)i));
        } else {
            double d = lua_tonumber(L, idx);

            if (!isfinite(d))
                lj_error(L, w, "is a number that is not finite");
            lj_attach(L, w, parent, key, json_real(d));
        }
        break;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        json_t *v;

        if (n > w->lim.string_bytes)
            lj_error(L, w, "is a text that is too long");
        if (!lj_utf8_ok(s, n))
            lj_error(L, w, "is a text that is not valid UTF-8");
        lj_count_text(L, w, n);
        v = json_stringn_nocheck(s, n);
        lj_attach(L, w, parent, key, v);
        break;
    }
    case LUA_TTABLE:
        lj_to_table(L, idx, w, parent, key, depth);
        break;
    case LUA_TLIGHTUSERDATA:
        if (lj_is_null(L, idx)) {
            lj_attach(L, w, parent, key, json_null());
            break;
        }
        /* fall through */
    default:
        lj_error(L, w, lua_pushfstring(L, "is a %s", luaL_typename(L, idx)));
    }
}

/* Runs in lj_run.  stack: walk, array mt, object mt, value */
static int lj_to_p(lua_State *L)
{
    struct lj_walk *w = lua_touserdata(L, 1);

    lj_to(L, 4, w, NULL, NULL, 0);
    return 0;
}

/* --- JSON -> Lua ---------------------------------------------------------- */

/* Pushes the marker metatable kept under key, made on first use:
 * {__name = name, __metatable = name}. */
static void lj_marker(lua_State *L, const char *key, const char *name)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TNIL)
        return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 2);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__name");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    /* stack: ..., mt, mt */
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

static void lj_push(lua_State *L, struct lj_walk *w, json_t *v, int depth);

/* The room left for values: a container preallocates no more than that. */
static int lj_room(const struct lj_walk *w, size_t n)
{
    size_t left = w->lim.values - w->values;

    n = n < left ? n : left;
    return n < INT_MAX ? (int)n : INT_MAX;
}

static void lj_push_array(lua_State *L, struct lj_walk *w, json_t *v, int depth)
{
    size_t i, mark;
    json_t *e;

    lj_enter(L, w, v, depth);
    lua_createtable(L, lj_room(w, json_array_size(v)), 0);
    lua_pushvalue(L, LJ_SLOT_ARRAY_MT);
    lua_setmetatable(L, -2);
    /* stack: ..., t */
    json_array_foreach(v, i, e) {
        mark = lj_path_index(w, (long long)i + 1);
        lj_push(L, w, e, depth + 1);
        /* stack: ..., t, element */
        lua_rawseti(L, -2, (lua_Integer)i + 1);
        w->path[mark] = '\0';
    }
}

static void lj_push_object(lua_State *L, struct lj_walk *w, json_t *v, int depth)
{
    lj_enter(L, w, v, depth);
    lua_createtable(L, 0, lj_room(w, json_object_size(v)));
    lua_pushvalue(L, LJ_SLOT_OBJECT_MT);
    lua_setmetatable(L, -2);
    /* stack: ..., t */
    for (void *it = json_object_iter(v); it != NULL; it = json_object_iter_next(v, it)) {
        const char *k = json_object_iter_key(it);
#if JANSSON_VERSION_HEX >= 0x020e00
        size_t klen = json_object_iter_key_len(it); /* keys may hold NUL since 2.14 */
#else
        size_t klen = strlen(k);
#endif
        size_t mark = lj_path_key(w, k, klen);

        if (klen > LJ_KEY_MAX || memchr(k, '\0', klen) != NULL)
            lj_error(L, w, "is a field name over 256 bytes or with a NUL");
        lj_count_text(L, w, klen);
        lua_pushlstring(L, k, klen);
        lj_push(L, w, json_object_iter_value(it), depth + 1);
        /* stack: ..., t, key, value */
        lua_rawset(L, -3);
        w->path[mark] = '\0';
    }
}

static void lj_push(lua_State *L, struct lj_walk *w, json_t *v, int depth)
{
    lj_count_value(L, w);
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        lj_push_object(L, w, v, depth);
        break;
    case JSON_ARRAY:
        lj_push_array(L, w, v, depth);
        break;
    case JSON_STRING: {
        size_t n = json_string_length(v);

        if (n > w->lim.string_bytes)
            lj_error(L, w, "is a text that is too long");
        lj_count_text(L, w, n);
        lua_pushlstring(L, json_string_value(v), n);
        break;
    }
    case JSON_INTEGER: {
        json_int_t i = json_integer_value(v);

#if LJ_JSON_INT_MAX > LUA_MAXINTEGER
        if (i > LUA_MAXINTEGER || i < LUA_MININTEGER)
            lj_error(L, w, "is an integer out of range");
#endif
        lua_pushinteger(L, (lua_Integer)i);
        break;
    }
    case JSON_REAL:
        lua_pushnumber(L, (lua_Number)json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        lua_pushboolean(L, json_is_true(v));
        break;
    case JSON_NULL:
        lj_push_null(L);
        break;
    }
}

/* Runs in lj_run.  stack: walk, array mt, object mt */
static int lj_push_p(lua_State *L)
{
    struct lj_walk *w = lua_touserdata(L, 1);

    lj_push(L, w, w->in, 0);
    /* stack: walk, array mt, object mt, value */
    return 1;
}

/* --- the protected run ---------------------------------------------------- */

/* Runs in lj_run.  stack: walk, fn [, value] -> walk, array mt, object mt
 * [, value]; then fn does the walk. */
static int lj_setup_p(lua_State *L)
{
    lua_CFunction fn = lua_tocfunction(L, 2);

    lua_remove(L, 2);
    lj_marker(L, &lj_array_key, LJ_ARRAY_NAME);
    lj_marker(L, &lj_object_key, LJ_OBJECT_NAME);
    if (lua_gettop(L) == 4) /* the value came third: put it last */
        lua_rotate(L, 2, -1);
    /* stack: walk, array mt, object mt [, value] */
    return fn(L);
}

static void lj_init(struct lj_walk *w, const struct lj_limits *lim, const char *prefix)
{
    memset(w, 0, sizeof *w);
    w->lim.depth = lim && lim->depth > 0 ? lim->depth : LJ_DEFAULT_DEPTH;
    if (w->lim.depth > LJ_MAX_DEPTH)
        w->lim.depth = LJ_MAX_DEPTH;
    w->lim.values = lim && lim->values ? lim->values : LJ_DEFAULT_VALUES;
    w->lim.string_bytes = lim && lim->string_bytes ? lim->string_bytes : LJ_DEFAULT_STRING_BYTES;
    w->lim.text_bytes = lim && lim->text_bytes ? lim->text_bytes : LJ_DEFAULT_TEXT_BYTES;
    w->prefix = prefix;
}

/* Calls fn(walk [, the value at idx]) protected, with nresults results.
 * 0, or -1 with err set and nothing pushed. */
static int lj_run(lua_State *L, lua_CFunction fn, struct lj_walk *w, int idx, int nresults,
                  char *err, size_t errsz)
{
    int status, nargs = idx ? 3 : 2;

    if (idx)
        idx = lua_absindex(L, idx);
    /* lua_checkstack and these pushes never raise: no allocation but the
     * stack's, which lua_checkstack reports instead of raising. */
    if (!lua_checkstack(L, 4)) {
        lj_errf(err, errsz, "%s", "stack overflow");
        return -1;
    }
    lua_pushcfunction(L, lj_setup_p);
    lua_pushlightuserdata(L, w);
    lua_pushcfunction(L, fn);
    if (idx)
        lua_pushvalue(L, idx);
    /* stack: ..., setup, walk, fn [, value] */
    status = lua_pcall(L, nargs, nresults, 0);
    if (status == LUA_OK)
        return 0;
    if (status == LUA_ERRMEM)
        lj_errf(err, errsz, "%s", LSB_MSG_MEMORY);
    else
        lj_errf(err, errsz, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
    lua_pop(L, 1);
    return -1;
}

json_t *lj_to_json(lua_State *L, int idx, const struct lj_limits *lim, char *err, size_t errsz)
{
    struct lj_walk w;

    lj_init(&w, lim, "not plain data");
    if (lj_run(L, lj_to_p, &w, idx, 0, err, errsz) < 0) {
        json_decref(w.root); /* what was built before the error */
        return NULL;
    }
    return w.root;
}

int lj_push_json(lua_State *L, json_t *v, const struct lj_limits *lim, char *err, size_t errsz)
{
    struct lj_walk w;

    if (v == NULL) {
        lj_errf(err, errsz, "%s", "cannot pass to Lua: no value");
        return -1;
    }
    lj_init(&w, lim, "cannot pass to Lua");
    w.in = v;
    return lj_run(L, lj_push_p, &w, 0, 1, err, errsz);
}

/* --- for scripts ---------------------------------------------------------- */

/* json.array([t]) and json.object([t]).  upvalue 1: the marker. */
static int lj_mark(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        lua_settop(L, 0);
        lua_newtable(L);
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (lua_getmetatable(L, 1)) {
        /* stack: t, its metatable: another marker may be replaced */
        lua_rawgetp(L, LUA_REGISTRYINDEX, &lj_array_key);
        lua_rawgetp(L, LUA_REGISTRYINDEX, &lj_object_key);
        if (!lua_rawequal(L, 2, 3) && !lua_rawequal(L, 2, 4))
            return luaL_argerror(L, 1, "the table has a metatable of its own");
        lua_settop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_setmetatable(L, 1);
    return 1;
}

int lj_open(lua_State *L)
{
    lua_createtable(L, 0, 3);
    lj_push_null(L);
    lua_setfield(L, -2, "null");
    lj_marker(L, &lj_array_key, LJ_ARRAY_NAME);
    lua_pushcclosure(L, lj_mark, 1);
    lua_setfield(L, -2, "array");
    lj_marker(L, &lj_object_key, LJ_OBJECT_NAME);
    lua_pushcclosure(L, lj_mark, 1);
    lua_setfield(L, -2, "object");
    /* stack: ..., json */
    return 1;
}
