/* test_lua_json.c - unit tests for core/lua/lua_json (Lua <-> JSON).
 *
 * Must never: lose the difference between [] and {}, drop a null from an
 * array, turn an integer into a float or back, accept a value that is not
 * plain data (a function, a cycle, a list with holes, a key that is not
 * text...), go past a limit in either direction, leave the Lua stack
 * unbalanced, raise out of its own protected call, or let a JSON value
 * outgrow a sandbox's memory cap (a clean error, nothing leaked). */
#include "lua_json.h"

#include <check.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "lua_sandbox.h"

static char err[512];

static const struct lj_limits small = {4, 1000, 64, 0};

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &je);

    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, je.text);
    return v;
}

static char *dump(const json_t *v)
{
    static char buf[4096];
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_SORT_KEYS | JSON_COMPACT);

    snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
    free(s);
    return buf;
}

/* Runs in lsb_pcall: the sandbox's global json = lj_open(). */
static int install_p(lua_State *L)
{
    lua_pushglobaltable(L);
    lj_open(L);
    /* stack: env, json */
    lua_setfield(L, -2, "json");
    return 0;
}

static struct lsb *mk(size_t mem)
{
    struct lsb_limits lim = {mem, 0, 0};
    struct lsb *sb = lsb_new(&lim, err, sizeof err);
    lua_State *L;

    ck_assert_msg(sb != NULL, "lsb_new: %s", err);
    L = lsb_state(sb);
    lua_pushcfunction(L, install_p);
    ck_assert_msg(lsb_pcall(sb, 0, 0, err, sizeof err) == 0, "%s", err);
    return sb;
}

/* Loads and runs code as chunk "t" with nresults results; 0 or -1. */
static int run(struct lsb *sb, const char *code, int nresults)
{
    err[0] = '\0';
    if (lsb_load(sb, code, strlen(code), "t", err, sizeof err) != 0)
        return -1;
    return lsb_pcall(sb, 0, nresults, err, sizeof err);
}

static void run_ok(struct lsb *sb, const char *code)
{
    ck_assert_msg(run(sb, code, 0) == 0, "%s\n-> %s", code, err);
}

/* The JSON for the value of the Lua expression expr, converted outside
 * lsb_pcall; NULL with err set. */
static json_t *to_json(struct lsb *sb, const char *expr, const struct lj_limits *lim)
{
    lua_State *L = lsb_state(sb);
    char code[512];
    int top = lua_gettop(L);
    json_t *out;

    snprintf(code, sizeof code, "return %s", expr);
    ck_assert_msg(run(sb, code, 1) == 0, "%s\n-> %s", code, err);
    err[0] = '\0';
    out = lj_to_json(L, -1, lim, err, sizeof err);
    ck_assert_int_eq(lua_gettop(L), top + 1);
    lua_pop(L, 1);
    return out;
}

static void to_json_is(struct lsb *sb, const char *expr, const char *want_text)
{
    json_t *out = to_json(sb, expr, &small), *want = J(want_text);

    ck_assert_msg(out != NULL, "%s\n-> %s", expr, err);
    ck_assert_msg(json_equal(out, want), "%s\n-> %s", expr, dump(out));
    json_decref(want);
    json_decref(out);
}

static void to_json_refused(struct lsb *sb, const char *expr, const struct lj_limits *lim,
                            const char *want)
{
    json_t *out = to_json(sb, expr, lim);

    ck_assert_msg(out == NULL, "converted %s: %s", expr, dump(out));
    ck_assert_msg(strcmp(err, want) == 0, "%s\n-> \"%s\", want \"%s\"", expr, err, want);
}

/* Runs in lsb_pcall.  stack: name, value: sets the global. */
static int setg_p(lua_State *L)
{
    lua_setglobal(L, lua_touserdata(L, 1));
    return 0;
}

/* The sandbox's global `name` = the Lua value for the JSON text.  The value
 * is pushed outside lsb_pcall (lj_push_json protects itself). */
static void set_global(struct lsb *sb, const char *name, const char *text)
{
    lua_State *L = lsb_state(sb);
    json_t *v = J(text);
    int top = lua_gettop(L);

    lua_pushcfunction(L, setg_p);
    lua_pushlightuserdata(L, (void *)name);
    ck_assert_msg(lj_push_json(L, v, NULL, err, sizeof err) == 0, "%s\n-> %s", text, err);
    ck_assert_int_eq(lua_gettop(L), top + 3);
    ck_assert_msg(lsb_pcall(sb, 2, 0, err, sizeof err) == 0, "%s", err);
    json_decref(v);
}

static void push_refused(lua_State *L, json_t *v, const struct lj_limits *lim, const char *want)
{
    int top = lua_gettop(L);

    err[0] = '\0';
    ck_assert_msg(lj_push_json(L, v, lim, err, sizeof err) == -1, "pushed %s", dump(v));
    ck_assert_int_eq(lua_gettop(L), top);
    ck_assert_msg(strcmp(err, want) == 0, "%s\n-> \"%s\", want \"%s\"", dump(v), err, want);
}

static void push_text_refused(lua_State *L, const char *text, const struct lj_limits *lim,
                              const char *want)
{
    json_t *v = J(text);

    push_refused(L, v, lim, want);
    json_decref(v);
}

/* JSON -> Lua -> JSON gives back an equal value, integers and reals kept. */
static void round_trip(lua_State *L, json_t *v, const struct lj_limits *lim)
{
    int top = lua_gettop(L);
    json_t *back;

    ck_assert_msg(lj_push_json(L, v, lim, err, sizeof err) == 0, "%s\n-> %s", dump(v), err);
    back = lj_to_json(L, -1, lim, err, sizeof err);
    ck_assert_msg(back != NULL, "%s\n-> %s", dump(v), err);
    lua_pop(L, 1);
    ck_assert_int_eq(lua_gettop(L), top);
    ck_assert_msg(json_equal(v, back), "%s\n-> %s", dump(v), dump(back));
    json_decref(back);
}

static void round_trip_text(lua_State *L, const char *text)
{
    json_t *v = J(text);

    round_trip(L, v, NULL);
    json_decref(v);
}

/* --- JSON -> Lua -> JSON -------------------------------------------------- */

START_TEST(test_round_trips)
{
    static const char *const texts[] = {
        "{\"a\": {\"b\": [1, 2.5, \"x\", true, false, null, {\"c\": []}, {}]}, \"d\": {}}",
        "[]",
        "{}",
        "[[], {}, [[]], [{}], {\"e\": {}, \"f\": []}]",
        "[null, null, 1, null]",
        "[null]",
        "{\"n\": null, \"m\": [null, {}]}",
        "[9223372036854775807, -9223372036854775808, 0, -1, 9007199254740993]",
        "[0.1, -2.5, 1e308, 5e-324, 2.0, 9007199254740993.0, 1e-10]",
        "[\"Rēzekne, Daugavpils — \\u00e9 \\ud834\\udd1e\", \"\", \"a\\u0000b\"]",
        "{\"Rēzekne\": 1, \"\": 2, \"a b\": {\"x.y\": [3]}}",
        "\"top\"",
        "42",
        "-0.5",
        "true",
        "false",
        "null",
    };
    struct lsb *sb = mk(0);
    lua_State *L = lsb_state(sb);
    json_t *big = json_object(), *list = json_array();

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        round_trip_text(L, texts[i]);
    /* Many keys, many elements. */
    for (int i = 0; i < 2000; i++) {
        char k[16];

        snprintf(k, sizeof k, "k%d", i);
        json_object_set_new(big, k, json_integer(i));
        json_array_append_new(list, i % 3 ? json_real(i / 3.0) : json_null());
    }
    json_object_set_new(big, "list", list);
    round_trip(L, big, NULL);
    json_decref(big);
    /* Exactly at the limits both ways: 4 levels, 6 values, 8 bytes. */
    {
        static const struct lj_limits lim = {4, 6, 8, 10};
        json_t *v = J("[[[[\"12345678\"]]], \"ab\"]");

        round_trip(L, v, &lim);
        json_decref(v);
    }
    lsb_free(sb);
}
END_TEST

/* What a script sees of pushed JSON, and what it can make. */
START_TEST(test_lua_side)
{
    struct lsb *sb = mk(0);

    set_global(sb, "v",
               "{\"a\": [1, null, 3], \"i\": 9223372036854775807, \"j\": -9223372036854775808,"
               " \"r\": 2.0, \"s\": \"a\\u0000b\", \"o\": {}, \"e\": [], \"n\": null,"
               " \"t\": true, \"f\": false, \"u\": \"Rēzekne\"}");
    run_ok(sb, "assert(#v.a == 3 and v.a[1] == 1 and v.a[2] == json.null and v.a[3] == 3)");
    run_ok(sb, "assert(v.n == json.null and v.n ~= nil and type(json.null) == 'userdata')");
    run_ok(sb, "assert(math.type(v.i) == 'integer' and v.i == math.maxinteger)");
    run_ok(sb, "assert(math.type(v.j) == 'integer' and v.j == math.mininteger)");
    run_ok(sb, "assert(math.type(v.r) == 'float' and v.r == 2)");
    run_ok(sb, "assert(#v.s == 3 and v.s:byte(2) == 0)");
    run_ok(sb, "assert(utf8.len(v.u) == 7 and v.t == true and v.f == false)");
    run_ok(sb, "assert(getmetatable(v.o) == 'saiets.object' and next(v.o) == nil)");
    run_ok(sb, "assert(getmetatable(v.e) == 'saiets.array' and #v.e == 0)");
    run_ok(sb, "assert(getmetatable(v) == 'saiets.object' and getmetatable(v.a) == 'saiets.array')");
    /* The markers are protected: no metamethod can be added through them. */
    ck_assert_int_eq(run(sb, "setmetatable(v.o, {})", 0), -1);
    ck_assert_msg(strstr(err, "protected metatable") != NULL, "%s", err);
    ck_assert_int_eq(run(sb, "getmetatable(v.o).__index = print", 0), -1);
    /* Edited tables keep their kind; empty ones too. */
    run_ok(sb, "v.o.x = 1; v.e[1] = 'y'; v.a[2] = nil; v.a[2] = 2");
    to_json_is(sb, "{v.o, v.e, v.a}", "[{\"x\": 1}, [\"y\"], [1, 2, 3]]");
    run_ok(sb, "v.o.x = nil; v.e[1] = nil");
    to_json_is(sb, "{v.o, v.e, {}}", "[{}, [], []]");
    /* json.object / json.array for scripts. */
    to_json_is(sb, "{o = json.object(), a = json.array(), l = json.array({1, 2}),"
                   " m = json.object({x = json.null}), z = json.array(json.object())}",
               "{\"o\": {}, \"a\": [], \"l\": [1, 2], \"m\": {\"x\": null}, \"z\": []}");
    ck_assert_int_eq(run(sb, "json.array(setmetatable({}, {}))", 0), -1);
    ck_assert_msg(strstr(err, "t:1: bad argument #1 to 'array' (the table has a metatable of "
                              "its own)") != NULL, "%s", err);
    ck_assert_int_eq(run(sb, "json.object(3)", 0), -1);
    to_json_refused(sb, "json.object({1})", &small,
                    "not plain data: the value is an object with a key that is not text");
    to_json_refused(sb, "{json.array({a = 1})}", &small,
                    "not plain data: [1] mixes a list with named fields");
    lsb_free(sb);
}
END_TEST

/* --- Lua -> JSON (moved from test_lua_sandbox.c) -------------------------- */

START_TEST(test_to_json)
{
    struct lsb *sb = mk(0);
    json_t *out;

    to_json_is(sb, "{a = 1, b = {true, 2.5, 'Rēzekne'}, c = {}, d = {x = false}}",
               "{\"a\": 1, \"b\": [true, 2.5, \"Rēzekne\"], \"c\": [], \"d\": {\"x\": false}}");
    out = to_json(sb, "{a = 1, b = 1.0, c = 2^53}", &small);
    ck_assert(json_is_integer(json_object_get(out, "a")));
    ck_assert(json_is_real(json_object_get(out, "b")));
    ck_assert(json_is_real(json_object_get(out, "c")));
    json_decref(out);
    to_json_is(sb, "'top'", "\"top\"");
    to_json_is(sb, "'a\\0b'", "\"a\\u0000b\"");
    to_json_is(sb, "{math.maxinteger, math.mininteger}",
               "[9223372036854775807, -9223372036854775808]");
    /* Metamethods are not consulted: the raw contents are the data. */
    to_json_is(sb, "setmetatable({}, {__index = function() error('no') end,"
                   " __len = function() return 5 end})",
               "[]");
    /* The same table twice is not a cycle. */
    to_json_is(sb, "(function() local s = {1} return {a = s, b = {s, s}} end)()",
               "{\"a\": [1], \"b\": [[1], [1]]}");

    to_json_refused(sb, "{a = {1, 2, print}}", &small, "not plain data: a[3] is a function");
    to_json_refused(sb, "{x = 0/0}", &small, "not plain data: x is a number that is not finite");
    to_json_refused(sb, "{x = {y = math.huge}}", &small,
                    "not plain data: x.y is a number that is not finite");
    to_json_refused(sb, "{x = {-math.huge}}", &small,
                    "not plain data: x[1] is a number that is not finite");
    to_json_refused(sb, "{'ok', '\\xff'}", &small,
                    "not plain data: [2] is a text that is not valid UTF-8");
    to_json_refused(sb, "string.rep('x', 65)", &small,
                    "not plain data: the value is a text that is too long");
    to_json_refused(sb, "(function() local t = {} for i = 1, 1001 do t[i] = i end return t end)()",
                    &small, "not plain data: [1000] holds too many values");
    lsb_free(sb);
}
END_TEST

/* Runs in lsb_pcall: returns a full userdata and a light one that is not
 * the null sentinel. */
static int userdata_p(lua_State *L)
{
    static char other;

    lua_newuserdatauv(L, 8, 0);
    lua_pushlightuserdata(L, &other);
    return 2;
}

START_TEST(test_refused_types)
{
    struct lsb *sb = mk(0);
    lua_State *L = lsb_state(sb);
    json_t *out;

    to_json_refused(sb, "{f = function() end}", &small, "not plain data: f is a function");
    to_json_refused(sb, "print", &small, "not plain data: the value is a function");
    to_json_refused(sb, "{1, {2, {k = string.gmatch('a', 'a')}}}", &small,
                    "not plain data: [2][2].k is a function");
    lua_pushcfunction(L, userdata_p);
    ck_assert_int_eq(lsb_pcall(sb, 0, 2, err, sizeof err), 0);
    /* stack: full userdata, light userdata */
    ck_assert_ptr_null(lj_to_json(L, 1, &small, err, sizeof err));
    ck_assert_str_eq(err, "not plain data: the value is a userdata");
    ck_assert_ptr_null(lj_to_json(L, 2, &small, err, sizeof err));
    ck_assert_str_eq(err, "not plain data: the value is a userdata");
    lua_settop(L, 0);
    lj_push_null(L);
    ck_assert(lj_is_null(L, -1));
    out = lj_to_json(L, -1, NULL, err, sizeof err);
    ck_assert(json_is_null(out));
    lua_pop(L, 1);
    push_refused(L, NULL, NULL, "cannot pass to Lua: no value");
    lsb_free(sb);
}
END_TEST

/* A host function a script calls (a plugin's json encoder, say): the
 * conversion's message reaches the script's author with her line. */
static int tojson_p(lua_State *L)
{
    char msg[256];
    json_t *v = lj_to_json(L, 1, &small, msg, sizeof msg);
    char *text;

    if (v == NULL)
        return luaL_error(L, "%s", msg);
    text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(v);
    lua_pushstring(L, text);
    free(text);
    return 1;
}

/* Runs in lsb_pcall: the global tojson. */
static int install_tojson_p(lua_State *L)
{
    lua_pushcfunction(L, tojson_p);
    lua_setglobal(L, "tojson");
    return 0;
}

START_TEST(test_called_from_a_script)
{
    struct lsb *sb = mk(0);

    lua_pushcfunction(lsb_state(sb), install_tojson_p);
    ck_assert_int_eq(lsb_pcall(sb, 0, 0, err, sizeof err), 0);
    run_ok(sb, "assert(tojson({a = {json.null, json.object()}}) == '{\"a\":[null,{}]}')");
    ck_assert_int_eq(run(sb, "local x = 1\nlocal y = tojson({x = {print}})", 0), -1);
    ck_assert_str_eq(err, "t:2: not plain data: x[1] is a function");
    /* pcall in the script catches it like any error. */
    run_ok(sb, "local ok, e = pcall(tojson, {1, nil, 3})\n"
               "assert(not ok and e:find('is a list with holes', 1, true))");
    lsb_free(sb);
}
END_TEST

/* --- structure ------------------------------------------------------------ */

START_TEST(test_keys)
{
    struct lsb *sb = mk(0);
    lua_State *L = lsb_state(sb);
    char key[300], code[400];
    json_t *o;

    to_json_refused(sb, "{[true] = 1}", &small,
                    "not plain data: the value has a key that is neither text nor a list index");
    to_json_refused(sb, "{a = {[1.5] = 1}}", &small,
                    "not plain data: a has a key that is neither text nor a list index");
    to_json_refused(sb, "{[{}] = 1}", &small,
                    "not plain data: the value has a key that is neither text nor a list index");
    to_json_refused(sb, "{[print] = 1}", &small,
                    "not plain data: the value has a key that is neither text nor a list index");
    to_json_refused(sb, "{[json.null] = 1}", &small,
                    "not plain data: the value has a key that is neither text nor a list index");
    to_json_refused(sb, "{[0] = 1}", &small, "not plain data: the value has a list index below 1");
    to_json_refused(sb, "{x = {[-3] = 'x'}}", &small,
                    "not plain data: x has a list index below 1");
    to_json_refused(sb, "{1, a = 2}", &small,
                    "not plain data: the value mixes a list with named fields");
    /* Float keys with an integer value are integers in Lua. */
    to_json_is(sb, "{[1.0] = 'a', [2] = 'b'}", "[\"a\", \"b\"]");
    /* Keys: no NUL, at most 256 bytes, both ways. */
    to_json_refused(sb, "{['a\\0b'] = 1}", &small,
                    "not plain data: a?b is a field name over 256 bytes or with a NUL");
    to_json_refused(sb, "{x = {['\\xff'] = 1}}", &small,
                    "not plain data: x.? is a field name that is not valid UTF-8");
    /* Paths in messages: control characters as '?', whole characters of
     * the first 40 bytes of a key. */
    to_json_refused(sb, "{['a\\nb'] = {f = print}}", &small, "not plain data: a?b.f is a function");
    to_json_refused(sb, "{[('x'):rep(39) .. 'ē'] = print}", &small,
                    "not plain data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx is a function");
    to_json_refused(sb, "{[('x'):rep(38) .. 'ē'] = print}", &small,
                    "not plain data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxē is a function");
    memset(key, 'k', sizeof key);
    key[256] = '\0';
    snprintf(code, sizeof code, "{%s = 1}", key);
    o = to_json(sb, code, &small);
    ck_assert_msg(o != NULL, "%s", err);
    ck_assert_int_eq(json_integer_value(json_object_get(o, key)), 1);
    round_trip(L, o, &small);
    json_decref(o);
    key[256] = 'k';
    key[257] = '\0';
    snprintf(code, sizeof code, "{%s = 1}", key);
    to_json_refused(sb, code, &small,
                    "not plain data: kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk is a field name "
                    "over 256 bytes or with a NUL");
    o = json_object();
    json_object_set_new(o, key, json_true());
    push_refused(L, o, NULL,
                 "cannot pass to Lua: kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk is a field name "
                 "over 256 bytes or with a NUL");
    json_object_clear(o);
    json_object_setn_new(o, "a\0b", 3, json_true());
    push_refused(L, o, NULL,
                 "cannot pass to Lua: a?b is a field name over 256 bytes or with a NUL");
    json_decref(o);
    lsb_free(sb);
}
END_TEST

START_TEST(test_sparse_lists)
{
    struct lsb *sb = mk(0);

    to_json_refused(sb, "{1, 2, nil, 4}", &small,
                    "not plain data: the value is a list with holes");
    to_json_refused(sb, "{x = {[1] = 1, [3] = 3}}", &small,
                    "not plain data: x is a list with holes");
    to_json_refused(sb, "{[2] = 'b'}", &small, "not plain data: the value is a list with holes");
    /* Far indices are refused before any loop over them. */
    to_json_refused(sb, "{[1] = 1, [2^40] = 2}", &small,
                    "not plain data: the value is a list with holes");
    to_json_refused(sb, "{[math.maxinteger] = 1}", &small,
                    "not plain data: the value is a list with holes");
    to_json_refused(sb, "(function() local t = {1, 2, 3} t[2] = nil return t end)()", &small,
                    "not plain data: the value is a list with holes");
    to_json_refused(sb, "json.array({1, 2, nil, 4})", &small,
                    "not plain data: the value is a list with holes");
    /* Removing from the end keeps a list. */
    to_json_is(sb, "(function() local t = {1, 2, 3} t[3] = nil return t end)()", "[1, 2]");
    lsb_free(sb);
}
END_TEST

/* --- limits --------------------------------------------------------------- */

START_TEST(test_depth_both_ways)
{
    static const struct lj_limits three = {3, 0, 0, 0}, deep = {1000, 0, 0, 0};
    struct lsb *sb = mk(0);
    lua_State *L = lsb_state(sb);
    json_t *v, *inner;

    to_json_is(sb, "{{{}}}", "[[[]]]");
    v = to_json(sb, "{{{}}}", &three);
    ck_assert_msg(v != NULL, "%s", err);
    json_decref(v);
    to_json_refused(sb, "{{{{}}}}", &three, "not plain data: [1][1][1] is nested too deeply");
    to_json_refused(sb, "{a = {b = {c = {}}}}", &three,
                    "not plain data: a.b.c is nested too deeply");
    v = J("[[[]]]");
    round_trip(L, v, &three);
    json_decref(v);
    push_text_refused(L, "[[[[]]]]", &three, "cannot pass to Lua: [1][1][1] is nested too deeply");
    push_text_refused(L, "{\"a\": {\"b\": {\"c\": {}}}}", &three,
                      "cannot pass to Lua: a.b.c is nested too deeply");
    /* Scalars inside the deepest container are fine. */
    v = J("[[[1, \"x\", null]]]");
    round_trip(L, v, &three);
    json_decref(v);
    /* Whatever the limits say, LJ_MAX_DEPTH containers at most. */
    v = json_array();
    for (int i = 1; i < LJ_MAX_DEPTH; i++) {
        inner = json_array();
        json_array_append_new(inner, v);
        v = inner;
    }
    round_trip(L, v, &deep);
    inner = json_array();
    json_array_append_new(inner, v);
    ck_assert_int_eq(lj_push_json(L, inner, &deep, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "is nested too deeply") != NULL, "%s", err);
    json_decref(inner);
    run_ok(sb, "t = {} for i = 1, 70 do t = {t} end");
    lua_getglobal(L, "t"); /* a table exists: no allocation */
    ck_assert_ptr_null(lj_to_json(L, -1, &deep, err, sizeof err));
    ck_assert_msg(strstr(err, "is nested too deeply") != NULL, "%s", err);
    lua_pop(L, 1);
    lsb_free(sb);
}
END_TEST

START_TEST(test_cycles)
{
    static const struct lj_limits roomy = {32, 0, 0, 0};
    struct lsb *sb = mk(0);
    lua_State *L = lsb_state(sb);
    json_t *a, *b;

    to_json_refused(sb, "(function() local t = {} t.t = t return t end)()", &small,
                    "not plain data: t is a table that contains itself");
    to_json_refused(sb, "(function() local a = {b = {}} a.b.c = a return a end)()", &roomy,
                    "not plain data: b.c is a table that contains itself");
    to_json_refused(sb, "(function() local l = {1} l[2] = {l} return {x = l} end)()", &roomy,
                    "not plain data: x[2][1] is a table that contains itself");
    /* jansson refuses a direct self-reference but not a longer loop. */
    a = json_array();
    b = json_object();
    json_array_append(a, b);
    json_object_set(b, "a", a);
    push_refused(L, a, &roomy, "cannot pass to Lua: [1].a is a table that contains itself");
    json_object_clear(b); /* break the loop, or neither is ever freed */
    json_decref(b);
    json_decref(a);
    lsb_free(sb);
}
END_TEST

START_TEST(test_counts_and_sizes)
{
    static const struct lj_limits three = {0, 3, 0, 0}, text = {0, 0, 0, 50},
                                  mib = {0, 0, 16384, (size_t)1 << 20};
    struct lsb *sb = mk(0);
    lua_State *L = lsb_state(sb);
    json_t *out;

    /* Values: the root and every element count, keys do not. */
    push_text_refused(L, "[1, 2, 3]", &three, "cannot pass to Lua: [3] holds too many values");
    push_text_refused(L, "{\"a\": {\"b\": 1}, \"c\": 2}", &three,
                      "cannot pass to Lua: c holds too many values");
    out = J("[1, 2]");
    round_trip(L, out, &three);
    json_decref(out);
    to_json_refused(sb, "{1, 2, 3}", &three, "not plain data: [3] holds too many values");
    /* One text, and text in all (keys included). */
    push_text_refused(L, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
                      &small, "cannot pass to Lua: the value is a text that is too long");
    push_text_refused(L, "[\"0123456789\", \"0123456789\", \"0123456789\", \"0123456789\","
                         " \"0123456789\", \"x\"]",
                      &text, "cannot pass to Lua: [6] holds too much text");
    push_text_refused(L, "{\"0123456789012345678901234567890123456789\": \"0123456789\","
                         " \"z\": \"\"}", /* 50 bytes, then the key z */
                      &text, "cannot pass to Lua: z holds too much text");
    to_json_refused(sb, "{('x'):rep(40), ('y'):rep(11)}", &text,
                    "not plain data: [2] holds too much text");
    /* One long string referenced many times: a few KiB of Lua, and the
     * JSON would be 100 times the text; the text budget stops it. */
    to_json_refused(sb, "(function() local s, t = ('x'):rep(16000), {}"
                        " for i = 1, 100 do t[i] = s end return t end)()",
                    &mib, "not plain data: [66] holds too much text");
    /* The default budget too (16 MiB): 1100 references to 16000 bytes. */
    run_ok(sb, "local s = ('x'):rep(16000) big = {} for i = 1, 1100 do big[i] = s end");
    lua_getglobal(L, "big");
    ck_assert_ptr_null(lj_to_json(L, -1, NULL, err, sizeof err));
    ck_assert_str_eq(err, "not plain data: [1049] holds too much text");
    lua_pop(L, 1);
    lsb_free(sb);
}
END_TEST

/* A JSON array of n distinct texts of 64 bytes. */
static json_t *texts(int n)
{
    json_t *v = json_array();
    char s[65];

    for (int i = 0; i < n; i++) {
        snprintf(s, sizeof s, "%064d", i);
        json_array_append_new(v, json_string(s));
    }
    return v;
}

/* Runs in lsb_pcall.  stack: json: pushes it, raising on failure. */
static int push_p(lua_State *L)
{
    char msg[256];

    if (lj_push_json(L, lua_touserdata(L, 1), NULL, msg, sizeof msg) < 0) {
        lua_pushstring(L, msg);
        return lua_error(L);
    }
    return 1;
}

START_TEST(test_memory_cap)
{
    const size_t cap = (size_t)512 << 10;
    struct lsb *sb = mk(cap);
    lua_State *L = lsb_state(sb);
    json_t *huge = texts(40000), *fits = texts(100); /* 2.5 MiB of text, 6 KiB */
    size_t base;

    lua_gc(L, LUA_GCCOLLECT, 0);
    base = lsb_mem_used(sb);
    for (int round = 0; round < 20; round++) {
        /* Outside lsb_pcall: lj_push_json's own protected call. */
        push_refused(L, huge, NULL, LSB_MSG_MEMORY);
        ck_assert_uint_le(lsb_mem_used(sb), cap);
        /* Inside, the way a plugin host calls it. */
        lua_pushcfunction(L, push_p);
        lua_pushlightuserdata(L, huge);
        ck_assert_int_eq(lsb_pcall(sb, 1, 1, err, sizeof err), -1);
        ck_assert_str_eq(err, LSB_MSG_MEMORY);
        ck_assert_int_eq(lua_gettop(L), 0);
        /* What was built is garbage, and the state works on. */
        lua_gc(L, LUA_GCCOLLECT, 0);
        ck_assert_uint_lt(lsb_mem_used(sb), base + 16 * 1024);
        round_trip(L, fits, NULL);
        run_ok(sb, "local t = {} for i = 1, 100 do t[i] = i end");
    }
    json_decref(fits);
    json_decref(huge);
    lsb_free(sb);
}
END_TEST

/* Any lua_State will do, not only a sandbox's. */
START_TEST(test_plain_state)
{
    lua_State *L = luaL_newstate();
    json_t *v = J("{\"a\": [1, {}, null, \"x\"], \"b\": {\"c\": 1.5}}"), *back;

    ck_assert_int_eq(lj_push_json(L, v, NULL, err, sizeof err), 0);
    ck_assert_int_eq(lua_gettop(L), 1);
    back = lj_to_json(L, 1, NULL, err, sizeof err);
    ck_assert_msg(json_equal(v, back), "%s", dump(back));
    json_decref(back);
    json_decref(v);
    lua_close(L);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("lua_json");
    TCase *tc = tcase_create("lua_json");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_round_trips);
    tcase_add_test(tc, test_lua_side);
    tcase_add_test(tc, test_to_json);
    tcase_add_test(tc, test_refused_types);
    tcase_add_test(tc, test_called_from_a_script);
    tcase_add_test(tc, test_keys);
    tcase_add_test(tc, test_sparse_lists);
    tcase_add_test(tc, test_depth_both_ways);
    tcase_add_test(tc, test_cycles);
    tcase_add_test(tc, test_counts_and_sizes);
    tcase_add_test(tc, test_memory_cap);
    tcase_add_test(tc, test_plain_state);
    suite_add_tcase(s, tc);
    return s;
}
