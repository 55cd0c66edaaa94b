/* test_lua_sandbox.c - unit tests for core/lua_sandbox (the Lua sandbox factory).
 *
 * Must never: hand a script a name outside the allow-list, load bytecode,
 * let a script outrun its instruction, time or memory budget (with or
 * without pcall), lose the script's line in an error, or leak. */
#include "lua_sandbox.h"

#include <check.h>
#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"

static char err[512];

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static struct lsb *mk(size_t mem, unsigned long instructions, double wall_ms)
{
    struct lsb_limits lim = {mem, instructions, wall_ms};
    struct lsb *sb = lsb_new(&lim, err, sizeof err);

    ck_assert_msg(sb != NULL, "lsb_new: %s", err);
    return sb;
}

/* Loads and runs code as chunk "t"; 0 or -1 with err set. */
static int run(struct lsb *sb, const char *code)
{
    err[0] = '\0';
    if (lsb_load(sb, code, strlen(code), "t", err, sizeof err) != 0)
        return -1;
    return lsb_pcall(sb, 0, 0, err, sizeof err);
}

static void run_ok(struct lsb *sb, const char *code)
{
    ck_assert_msg(run(sb, code) == 0, "%s\n-> %s", code, err);
}

/* Runs code in a fresh sandbox with the given limits; it must fail with a
 * message containing want. */
static void expect_fail(size_t mem, unsigned long instructions, double wall_ms,
                        const char *code, const char *want)
{
    struct lsb *sb = mk(mem, instructions, wall_ms);

    ck_assert_msg(run(sb, code) == -1, "ran: %s", code);
    ck_assert_msg(strstr(err, want) != NULL, "%s\n-> \"%s\", want \"%s\"", code, err, want);
    lsb_free(sb);
}

/* The sandbox's global `name` as an integer (or -1 when not an integer). */
static long long global_int(struct lsb *sb, const char *name)
{
    lua_State *L = lsb_state(sb);
    long long v;

    lsb_push_env(sb);
    lua_pushstring(L, name);
    lua_rawget(L, -2); /* raw: runs no Lua */
    v = lua_isinteger(L, -1) ? (long long)lua_tointeger(L, -1) : -1;
    lua_pop(L, 2);
    return v;
}

/* --- construction --------------------------------------------------------- */

START_TEST(test_new_defaults_and_limits)
{
    struct lsb *sb = lsb_new(NULL, err, sizeof err);

    ck_assert_ptr_nonnull(sb);
    ck_assert_uint_gt(lsb_mem_used(sb), 1000);
    ck_assert_uint_lt(lsb_mem_used(sb), 256 * 1024);
    lsb_free(sb);
    lsb_free(NULL);
    /* Too little memory to open the libraries: refused, not crashed. */
    {
        struct lsb_limits tiny = {2000, 0, 0};

        ck_assert_ptr_null(lsb_new(&tiny, err, sizeof err));
        ck_assert_str_eq(err, LSB_MSG_MEMORY);
    }
}
END_TEST

/* --- the environment ------------------------------------------------------ */

START_TEST(test_allowed_functions_work)
{
    struct lsb *sb = mk(0, 0, 0);

    run_ok(sb,
           "assert(type(assert) == 'function')\n"
           "local ok, e = pcall(error, 'x', 0) assert(not ok and e == 'x')\n"
           "local ok2, e2 = xpcall(function() error('y', 0) end, function(m) return m .. '!' end)\n"
           "assert(not ok2 and e2 == 'y!')\n"
           "local n = 0 for _, v in ipairs({1, 2, 3}) do n = n + v end assert(n == 6)\n"
           "n = 0 for k, v in pairs({a = 1, b = 2}) do n = n + v end assert(n == 3)\n"
           "assert(next({}) == nil and select('#', 1, 2, 3) == 3 and select(2, 'a', 'b') == 'b')\n"
           "assert(tonumber('0x10') == 16 and tostring(12) == '12' and type(nil) == 'nil')\n"
           "local t = {} rawset(t, 'k', 1) assert(rawget(t, 'k') == 1 and rawlen({1, 2}) == 2)\n"
           "assert(rawequal(t, t) and not rawequal(t, {}))\n"
           "local mt = {__index = function(_, k) return k .. k end}\n"
           "assert(getmetatable(setmetatable(t, mt)) == mt and t.ab == 'abab')\n"
           "assert(string.format('%05.1f|%s', 3.14159, 'x') == '003.1|x')\n"
           "assert(('Daugavpils'):upper() == 'DAUGAVPILS' and ('ab'):rep(3, ',') == 'ab,ab,ab')\n"
           "assert(string.rep('', 1 << 62) == '' and string.rep('x', 0) == '')\n"
           "assert(('10:30'):match('^(%d+):(%d+)$') == '10' and #('abc'):reverse() == 3)\n"
           "assert(select(2, ('a-b-c'):gsub('-', '+')) == 2 and ('abc'):sub(2) == 'bc')\n"
           "assert(('abc'):byte(1) == 97 and string.char(97) == 'a' and ('x'):len() == 1)\n"
           "for w in ('a b'):gmatch('%a') do n = n + 1 end assert(('AB'):lower() == 'ab')\n"
           "local l = {3, 1, 2} table.sort(l) assert(table.concat(l, ',') == '1,2,3')\n"
           "table.insert(l, 4) table.insert(l, 1, 0) assert(table.remove(l) == 4 and l[1] == 0)\n"
           "assert(select('#', table.unpack({1, 2, 3})) == 3 and table.pack(1, 2).n == 2)\n"
           "assert(#table.move({1, 2, 3}, 1, 3, 2, {}) == 4)\n"
           "assert(math.floor(2.5) == 2 and math.max(1, 5) == 5 and math.pi > 3)\n"
           "local r = math.random(1, 6) assert(r >= 1 and r <= 6 and math.type(1) == 'integer')\n"
           "assert(utf8.len('Rēzekne') == 7 and utf8.char(257) == 'ā')\n"
           "assert(type(os.time()) == 'number' and type(os.clock()) == 'number')\n"
           "assert(os.date('!%Y-%m-%d', 0) == '1970-01-01')\n"
           "assert(_G == _ENV and _G.string == string and type(_VERSION) == 'string')\n"
           "print('still fine')\n");
    lsb_free(sb);
}
END_TEST

START_TEST(test_forbidden_globals_are_nil)
{
    static const char *const gone[] = {
        "io", "package", "require", "debug", "load", "loadstring", "dofile", "loadfile",
        "collectgarbage", "coroutine", "module", "setfenv", "getfenv", "newproxy", "unpack",
        "string.dump", "string.pack", "string.unpack", "string.packsize", "os.execute",
        "os.getenv", "os.remove", "os.rename", "os.exit", "os.tmpname", "os.setlocale",
        "os.difftime", "('').dump", "getmetatable('').__index", NULL};
    struct lsb *sb = mk(0, 0, 0);
    char code[128];

    for (const char *const *g = gone; *g; g++) {
        /* `getmetatable('')` is false, so indexing it must fail. */
        if (strncmp(*g, "getmetatable", 12) == 0) {
            snprintf(code, sizeof code, "return %s", *g);
            ck_assert_int_eq(run(sb, code), -1);
            continue;
        }
        snprintf(code, sizeof code, "assert(%s == nil)", *g);
        ck_assert_msg(run(sb, code) == 0, "%s is reachable: %s", *g, err);
    }
    run_ok(sb, "assert(getmetatable('') == false)");
    /* The string metatable cannot be changed to reach anything. */
    ck_assert_int_eq(run(sb, "setmetatable('', {})"), -1);
    /* Finalizers would run outside the budgets: refused. */
    ck_assert_int_eq(run(sb, "setmetatable({}, {__gc = function() end})"), -1);
    ck_assert_msg(strstr(err, "__gc") != NULL, "%s", err);
    lsb_free(sb);
}
END_TEST

static char printed[256];

static void sink(void *ctx, const char *line, size_t len)
{
    int *calls = ctx;

    (*calls)++;
    snprintf(printed, sizeof printed, "%.*s", (int)len, line);
}

START_TEST(test_print_goes_to_the_sink)
{
    struct lsb *sb = mk(0, 0, 0);
    int calls = 0;

    run_ok(sb, "print('dropped')"); /* no sink: nothing happens */
    lsb_set_print(sb, sink, &calls);
    run_ok(sb, "print(1, 'Svātra', nil, true)");
    ck_assert_int_eq(calls, 1);
    ck_assert_str_eq(printed, "1\tSvātra\tnil\ttrue");
    /* A long line is cut, not overflowed. */
    run_ok(sb, "print(string.rep('x', 5000))");
    ck_assert_int_eq(calls, 2);
    lsb_free(sb);
}
END_TEST

static int host_add(lua_State *L)
{
    lua_pushinteger(L, luaL_checkinteger(L, 1) + luaL_checkinteger(L, 2));
    return 1;
}

/* Runs inside lsb_pcall: host code adds a function to the environment. */
static int install(lua_State *L)
{
    lua_pushcfunction(L, host_add);
    lua_setglobal(L, "add");
    return 0;
}

START_TEST(test_host_functions_and_results)
{
    struct lsb *sb = mk(0, 0, 0);
    lua_State *L = lsb_state(sb);

    lua_pushcfunction(L, install);
    ck_assert_int_eq(lsb_pcall(sb, 0, 0, err, sizeof err), 0);
    ck_assert_int_eq(lsb_load(sb, "return add(40, ...)", 19, "t", err, sizeof err), 0);
    lua_pushinteger(L, 2);
    ck_assert_int_eq(lsb_pcall(sb, 1, 1, err, sizeof err), 0);
    ck_assert_int_eq(lua_tointeger(L, -1), 42);
    lua_pop(L, 1);
    ck_assert_int_eq(lua_gettop(L), 0);
    /* A failing call leaves nothing on the stack. */
    ck_assert_int_eq(lsb_load(sb, "return add('x')", 15, "t", err, sizeof err), 0);
    ck_assert_int_eq(lsb_pcall(sb, 0, 1, err, sizeof err), -1);
    ck_assert_int_eq(lua_gettop(L), 0);
    ck_assert_msg(strncmp(err, "t:1: bad argument #1 to 'add'", 29) == 0, "%s", err);
    lsb_free(sb);
}
END_TEST

/* --- loading -------------------------------------------------------------- */

struct dump {
    char data[4096];
    size_t len;
};

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
    struct dump *d = ud;

    (void)L;
    if (sz > sizeof d->data - d->len)
        return 1;
    memcpy(d->data + d->len, p, sz);
    d->len += sz;
    return 0;
}

START_TEST(test_bytecode_refused)
{
    struct lsb *sb = mk(0, 0, 0);
    lua_State *plain = luaL_newstate();
    static struct dump d;

    /* Real bytecode, made by an ordinary state. */
    ck_assert_int_eq(luaL_loadstring(plain, "return 1"), LUA_OK);
    d.len = 0;
    ck_assert_int_eq(lua_dump(plain, dump_writer, &d, 0), 0);
    ck_assert_uint_gt(d.len, 4);
    ck_assert_int_eq(lsb_load(sb, d.data, d.len, "t", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "binary chunk") != NULL, "%s", err);
    ck_assert_int_eq(lua_gettop(lsb_state(sb)), 0);
    lua_close(plain);
    ck_assert_int_eq(lsb_load(sb, "\033Lua", 4, "t", err, sizeof err), -1);
    ck_assert_msg(strncmp(err, "t: ", 3) == 0, "%s", err);
    lsb_free(sb);
}
END_TEST

/* --- errors carry the line ------------------------------------------------ */

START_TEST(test_errors_carry_the_line)
{
    struct lsb *sb = mk(0, 0, 0);

    ck_assert_int_eq(run(sb, "local x = 1\nlocal y\nreturn y.z"), -1);
    ck_assert_msg(strncmp(err, "t:3: attempt to index", 21) == 0, "%s", err);
    ck_assert_int_eq(run(sb, "\nerror('boom')"), -1);
    ck_assert_str_eq(err, "t:2: boom");
    ck_assert_int_eq(run(sb, "\n\n\nerror('no position', 0)"), -1);
    ck_assert_str_eq(err, "t:4: no position");
    ck_assert_int_eq(run(sb, "error({})"), -1);
    ck_assert_str_eq(err, "t:1: (error object is a table value)");
    ck_assert_int_eq(run(sb, "local function f()\n error('deep', 2)\nend\n\nf()"), -1);
    ck_assert_str_eq(err, "t:5: deep");
    ck_assert_int_eq(run(sb, "x = 1\nx = = 2"), -1); /* syntax */
    ck_assert_msg(strncmp(err, "t:2: ", 5) == 0, "%s", err);
    ck_assert_int_eq(run(sb, "\nstring.rep()"), -1);
    ck_assert_msg(strncmp(err, "t:2: bad argument #1", 20) == 0, "%s", err);
    ck_assert_int_eq(run(sb, "\ntable.concat({{}})"), -1); /* raised by the original */
    ck_assert_msg(strncmp(err, "t:2: invalid value", 18) == 0, "%s", err);
    lsb_free(sb);
}
END_TEST

static void load_host(struct lsb *sb)
{
    static const char host[] = "function hostfail(m) error(m) end\n"
                               "function hostbug(t) return t.x.y end\n"
                               "function hostspin() while true do end end\n"
                               "function hostcall(f) return f() end\n";

    ck_assert_int_eq(lsb_load_host(sb, host, sizeof host - 1, "prelude", err, sizeof err), 0);
    ck_assert_int_eq(lsb_pcall(sb, 0, 0, err, sizeof err), 0);
}

START_TEST(test_host_errors_point_at_the_script)
{
    struct lsb *sb = mk(0, 100000, 60000);

    load_host(sb);
    ck_assert_int_eq(run(sb, "local a = 1\n\nhostfail('oops')"), -1);
    ck_assert_str_eq(err, "t:3: oops");
    ck_assert_int_eq(run(sb, "\nhostbug({})"), -1);
    ck_assert_msg(strncmp(err, "t:2: attempt to index a nil value", 33) == 0, "%s", err);
    /* Through a script function called by the host: the innermost script line. */
    ck_assert_int_eq(run(sb, "hostcall(function()\n\n  error('inner')\nend)"), -1);
    ck_assert_str_eq(err, "t:3: inner");
    /* A budget tripped inside host code is charged to the script's line. */
    ck_assert_int_eq(run(sb, "x = 1\nhostspin()"), -1);
    ck_assert_str_eq(err, "t:2: " LSB_MSG_INSTRUCTIONS);
    lsb_free(sb);
}
END_TEST

/* --- instruction and time budgets ----------------------------------------- */

START_TEST(test_infinite_loop_stops)
{
    struct lsb *sb = mk(0, 100000, 60000);
    double t0 = now_ms();

    ck_assert_int_eq(run(sb, "x = 1\nwhile true do end"), -1);
    ck_assert_str_eq(err, "t:2: " LSB_MSG_INSTRUCTIONS);
    ck_assert_double_lt(now_ms() - t0, 2000);
    /* The sandbox is spent: a later call fails at once, with the same words. */
    ck_assert_int_eq(run(sb, "y = 2"), -1);
    ck_assert_str_eq(err, "t:2: " LSB_MSG_INSTRUCTIONS);
    ck_assert_int_eq(global_int(sb, "y"), -1);
    lsb_free(sb);
    /* Recursion without end hits the stack or the budget, never the C stack. */
    expect_fail(0, 100000, 60000, "local function f() return 1 + f() end f()", "t:1:");
}
END_TEST

START_TEST(test_pcall_cannot_swallow_the_abort)
{
    static const char *const scripts[] = {
        "while true do pcall(function() while true do end end) end",
        "local function spin() while true do end end\n"
        "for i = 1, 1e9 do pcall(spin) end\ndone = 1",
        "for i = 1, 1e9 do pcall(pcall, pcall, function() while true do end end) end\ndone = 1",
        "for i = 1, 1e9 do\n"
        "  xpcall(function() while true do end end, function(m) while true do end end)\n"
        "end\ndone = 1",
        "while true do local ok = pcall(error, 'x') end",
        "local ok, e = pcall(function() while true do end end)\ndone = 1",
        "for i = 1, 1e9 do\n"
        "  local ok = pcall(function()\n"
        "    local t <close> = setmetatable({}, {__close = function() while true do end end})\n"
        "    while true do end\n"
        "  end)\nend\ndone = 1",
        "local mt = {__index = function() while true do end end}\n"
        "for i = 1, 1e9 do pcall(function() return setmetatable({}, mt).x end) end\ndone = 1",
        "for i = 1, 1e9 do pcall(string.gsub, 'aaaa', 'a', function() while true do end end) end\n"
        "done = 1",
        NULL};

    for (const char *const *s = scripts; *s; s++) {
        struct lsb *sb = mk(0, 200000, 60000);
        double t0 = now_ms();

        ck_assert_msg(run(sb, *s) == -1, "ran: %s", *s);
        ck_assert_msg(strstr(err, LSB_MSG_INSTRUCTIONS) != NULL, "%s\n-> %s", *s, err);
        ck_assert_msg(strncmp(err, "t:", 2) == 0, "%s\n-> %s", *s, err);
        ck_assert_int_eq(global_int(sb, "done"), -1);
        ck_assert_double_lt(now_ms() - t0, 2000);
        lsb_free(sb);
    }
}
END_TEST

/* A host function that takes 20 ms in C and charges nothing. */
static int host_slow(lua_State *L)
{
    struct timespec ts = {0, 20 * 1000 * 1000};

    nanosleep(&ts, NULL);
    lua_pushinteger(L, 1);
    return 1;
}

static int install_slow(lua_State *L)
{
    lua_pushcfunction(L, host_slow);
    lua_setglobal(L, "slow");
    return 0;
}

START_TEST(test_time_limit)
{
    double t0 = now_ms(), dt;

    expect_fail(0, 4000000000UL, 50, "\nwhile true do end", "t:2: " LSB_MSG_TIME);
    dt = now_ms() - t0;
    ck_assert_double_ge(dt, 45);
    ck_assert_double_lt(dt, 1500);
    /* Also when every loop turn is a pcall that catches the abort... */
    expect_fail(0, 4000000000UL, 50,
                "while true do pcall(function() while true do end end) end", LSB_MSG_TIME);
    /* ...and when each instruction is expensive work in C (big allocations
     * make the hook read the clock sooner than every 1000 instructions). */
    t0 = now_ms();
    expect_fail(0, 4000000000UL, 50,
                "local s = string.rep('x', 1 << 20)\n"
                "while true do local u = s:upper() .. s:lower() end",
                LSB_MSG_TIME);
    ck_assert_double_lt(now_ms() - t0, 1500);
    /* A backtracking match (seconds in stock Lua) charges its steps, and
     * the charge reads the clock: it stops part-way, at the script's line. */
    t0 = now_ms();
    expect_fail(0, 4000000000UL, 5,
                "\nlocal x = string.rep('a', 200):find('.-.-.-.-.-.-.-b')\nresult = 1",
                "t:2: " LSB_MSG_TIME);
    ck_assert_double_lt(now_ms() - t0, 1500);
    /* A host C function that runs past the clock without charging: its
     * late result is refused when it returns. */
    {
        struct lsb *sb = mk(0, 4000000000UL, 5);
        lua_State *L = lsb_state(sb);

        lua_pushcfunction(L, install_slow);
        ck_assert_int_eq(lsb_pcall(sb, 0, 0, err, sizeof err), 0);
        t0 = now_ms();
        ck_assert_int_eq(run(sb, "local x = slow()\nresult = 1"), -1);
        ck_assert_str_eq(err, LSB_MSG_TIME " (a library call ran past it)");
        ck_assert_double_ge(now_ms() - t0, 5);
        lsb_free(sb);
    }
}
END_TEST

START_TEST(test_c_loops_are_charged)
{
    double t0 = now_ms();

    /* Each of these would loop ~1e15 times in C without allocating. */
    expect_fail(0, 1000000, 60000, "table.move({}, 1, 1e15, 2)", LSB_MSG_INSTRUCTIONS);
    expect_fail(0, 1000000, 60000,
                "local t = setmetatable({}, {__len = function() return 1e15 end})\n"
                "table.insert(t, 1, 'x')",
                "t:2: " LSB_MSG_INSTRUCTIONS);
    expect_fail(0, 1000000, 60000,
                "table.remove(setmetatable({}, {__len = function() return 1e15 end}), 1)",
                LSB_MSG_INSTRUCTIONS);
    expect_fail(0, 1000000, 60000, "table.concat({}, '', 1, 1e15)", LSB_MSG_INSTRUCTIONS);
    expect_fail(0, 1000000, 60000, "table.unpack({}, 1, 1e15)", LSB_MSG_INSTRUCTIONS);
    expect_fail(0, 1000000, 60000,
                "table.sort(setmetatable({}, {__len = function() return 1e9 end}))",
                LSB_MSG_INSTRUCTIONS);
    expect_fail(0, 1000000, 60000, "os.date(string.rep('%c', 2e6))", LSB_MSG_INSTRUCTIONS);
    ck_assert_double_lt(now_ms() - t0, 3000);
}
END_TEST

/* Many short C calls over a big string, one after the other: each call is
 * one VM instruction to the hook, which reads the clock only every 1000 of
 * them, so before they were charged by size such loops ran 2-20 times past
 * the clock (tonumber over 4 MiB of blanks: 5 s on a 250 ms clock). */
static const char *const big_string_loops[] = {
    "local s = string.rep(' ', 4 << 20)\nfor i = 1, 1e9 do tonumber(s) end",
    "local s = string.rep('x', 1 << 20)\nfor i = 1, 1e9 do utf8.len(s) end",
    "local s = string.rep('x', 4 << 20)\nfor i = 1, 1e9 do utf8.offset(s, 4000000) end",
    "local s = string.rep('x', 1 << 20)\nfor i = 1, 1e9 do string.find(s, '%d') end",
    "local s = string.rep('x', 1 << 20)\nfor i = 1, 1e9 do string.find(s, 'y', 1, true) end",
    "local s = string.rep('x', 1 << 20)\nfor i = 1, 1e9 do s:gsub('y', '') end",
    "local s = string.rep('x', 1 << 20)\nfor i = 1, 1e9 do local u = s:upper() end",
    "local s = string.rep('x', 1 << 20)\nfor i = 1, 1e9 do local u = s:lower() end",
    "local s = string.rep('x', 1 << 20)\nfor i = 1, 1e9 do local u = s:reverse() end",
    "local s = string.rep('x', 4 << 20)\nfor i = 1, 1e9 do local u = s:sub(2) end",
    "local s = string.rep('x', 200000)\nfor i = 1, 1e9 do select('#', s:byte(1, -1)) end",
    "local s = string.rep('x', 200000)\nfor i = 1, 1e9 do select('#', utf8.codepoint(s, 1, -1)) end",
    "local s = string.rep('x', 4 << 20)\nfor i = 1, 1e9 do string.format('%.1s', s) end",
    "local s = string.rep('x', 1 << 20)\nfor i = 1, 1e9 do local u = string.format('%s', s) end",
    "for i = 1, 1e9 do local u = string.rep('x', 1 << 20) end",
    "local t = {}\nfor i = 1, 100000 do t[i] = 'abcdefghij' end\n"
    "for i = 1, 1e9 do local u = table.concat(t) end",
};

/* Stops with err naming a budget; returns how long it took. */
static double time_to_stop(size_t mem, unsigned long instructions, double wall_ms,
                           const char *code)
{
    struct lsb *sb = mk(mem, instructions, wall_ms);
    double t0 = now_ms(), dt;

    ck_assert_msg(run(sb, code) == -1, "ran: %s", code);
    dt = now_ms() - t0;
    ck_assert_msg(strstr(err, LSB_MSG_INSTRUCTIONS) != NULL || strstr(err, LSB_MSG_TIME) != NULL,
                  "%s\n-> \"%s\"", code, err);
    lsb_free(sb);
    return dt;
}

START_TEST(test_big_string_loops_stop_in_time)
{
    const char *code = big_string_loops[_i];
    double dt;

    /* The defaults (those of agenda scripts): within twice the clock. */
    dt = time_to_stop(0, 0, 0, code);
    ck_assert_msg(dt < 2 * LSB_DEFAULT_WALL_MS, "%s\n-> %.0f ms", code, dt);
    /* The clock alone (an instruction budget that never trips): the
     * charges read it, so the loop ends soon after it. */
    dt = time_to_stop(0, ULONG_MAX, 100, code);
    ck_assert_msg(dt < 200, "%s\n-> %.0f ms on a 100 ms clock", code, dt);
    ck_assert_msg(strstr(err, LSB_MSG_TIME) != NULL, "%s\n-> \"%s\"", code, err);
}
END_TEST

/* What an honest script does with text, char by char and line by line,
 * fits the default budgets with room to spare: the charges are by size, not
 * by the size of the subject for every call. */
START_TEST(test_ordinary_string_work_runs)
{
    struct lsb *sb = mk(0, 0, 0);

    run_ok(sb, "local lines = {}\n"
               "for i = 1, 2000 do\n"
               "  lines[#lines + 1] = string.format('%d,Talk %d,%s,%5.1f', i, i, 'Room ' .. i % 7, i / 3)\n"
               "end\n"
               "local text = table.concat(lines, '\\n')\n"
               "local n, chars = 0, 0\n"
               "for line in text:gmatch('[^\\n]+') do\n"
               "  local id, title, room = line:match('^(%d+),([^,]*),([^,]*)')\n"
               "  if tonumber(id) and title:upper():sub(1, 4) == 'TALK' and #room:lower() > 0 then n = n + 1 end\n"
               "end\n"
               "local head = text:sub(1, 20000)\n"
               "for i = 1, #head do if head:sub(i, i) == ',' then chars = chars + 1 end end\n"
               "for _, c in utf8.codes('héllo wörld') do chars = chars + (c > 127 and 1 or 0) end\n"
               "result = n * 100000 + chars + utf8.len('héllo') + #('ab'):rep(3, '-') + ('abc'):byte(2)");
    /* 2000 lines; commas in the first 20000 bytes; 2 non-ASCII; 5; 8; 98 */
    ck_assert_int_eq(global_int(sb, "result") / 100000, 2000);
    ck_assert_int_gt(global_int(sb, "result") % 100000, 2 + 5 + 8 + 98);
    lsb_free(sb);
}
END_TEST

/* --- memory --------------------------------------------------------------- */

START_TEST(test_memory_cap)
{
    const size_t cap = 4u << 20;
    struct lsb *sb = mk(cap, 50000000, 60000);

    /* string.rep is refused before it allocates, with the script's line */
    ck_assert_int_eq(run(sb, "local s = string.rep('x', 1e9)"), -1);
    ck_assert_str_eq(err, "t:1: " LSB_MSG_MEMORY);
    ck_assert_int_eq(run(sb, "\nlocal s = string.rep('x', 1e8, ',')"), -1);
    ck_assert_str_eq(err, "t:2: " LSB_MSG_MEMORY);
    ck_assert_int_eq(run(sb, "local t = {} for i = 1, 1e9 do t[i] = i end"), -1);
    ck_assert_str_eq(err, LSB_MSG_MEMORY);
    ck_assert_int_eq(run(sb, "local t, i = {}, 0\n"
                             "while true do i = i + 1 t['k' .. i] = {i, tostring(i)} end"),
                     -1);
    ck_assert_str_eq(err, LSB_MSG_MEMORY);
    ck_assert_int_eq(run(sb, "local s = 'x' while true do s = s .. s end"), -1);
    ck_assert_str_eq(err, LSB_MSG_MEMORY);
    ck_assert_uint_le(lsb_mem_used(sb), cap);
    /* Caught by the script, a memory error leaves the sandbox usable: the
     * memory it held is garbage. */
    run_ok(sb, "local ok, e = pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end)\n"
               "assert(not ok and e == 'not enough memory')\n"
               "local s = string.rep('y', 1 << 20) n = #s");
    ck_assert_int_eq(global_int(sb, "n"), 1 << 20);
    ck_assert_uint_le(lsb_mem_used(sb), cap);
    lsb_free(sb);
    /* A pcall loop around the memory error ends with a budget. */
    expect_fail(cap, 1000000, 60000,
                "while true do pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end) end",
                LSB_MSG_INSTRUCTIONS);
}
END_TEST

/* --- no leaks ------------------------------------------------------------- */

START_TEST(test_many_runs_do_not_leak)
{
    struct lsb *sb = mk(4u << 20, 2000000, 60000);
    lua_State *L = lsb_state(sb);
    size_t base;

    lua_gc(L, LUA_GCCOLLECT);
    base = lsb_mem_used(sb);
    for (int i = 0; i < 200; i++) {
        run_ok(sb, "local t = {} for i = 1, 1000 do t[i] = ('x'):rep(i % 50) .. i end");
        ck_assert_int_eq(run(sb, "error('x')"), -1);
        ck_assert_int_eq(run(sb, "local s = string.rep('x', 1e9)"), -1);
    }
    lua_gc(L, LUA_GCCOLLECT);
    /* Loaded chunks and their garbage are gone; only interned strings of
     * the last runs may remain. */
    ck_assert_uint_lt(lsb_mem_used(sb), base + 16 * 1024);
    lsb_free(sb);
    /* Whole sandboxes, including spent ones (ASan and valgrind watch). */
    for (int i = 0; i < 100; i++) {
        sb = mk(1u << 20, 20000, 60000);
        run_ok(sb, "x = {1, 2, 3}");
        ck_assert_int_eq(run(sb, "while true do end"), -1);
        lsb_free(sb);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("lua_sandbox");
    TCase *tc = tcase_create("sandbox");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_new_defaults_and_limits);
    tcase_add_test(tc, test_allowed_functions_work);
    tcase_add_test(tc, test_forbidden_globals_are_nil);
    tcase_add_test(tc, test_print_goes_to_the_sink);
    tcase_add_test(tc, test_host_functions_and_results);
    tcase_add_test(tc, test_bytecode_refused);
    tcase_add_test(tc, test_errors_carry_the_line);
    tcase_add_test(tc, test_host_errors_point_at_the_script);
    tcase_add_test(tc, test_infinite_loop_stops);
    tcase_add_test(tc, test_pcall_cannot_swallow_the_abort);
    tcase_add_test(tc, test_time_limit);
    tcase_add_test(tc, test_c_loops_are_charged);
    tcase_add_loop_test(tc, test_big_string_loops_stop_in_time, 0,
                        (int)(sizeof big_string_loops / sizeof big_string_loops[0]));
    tcase_add_test(tc, test_ordinary_string_work_runs);
    tcase_add_test(tc, test_memory_cap);
    tcase_add_test(tc, test_many_runs_do_not_leak);
    suite_add_tcase(s, tc);
    return s;
}
