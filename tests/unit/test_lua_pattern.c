/* test_lua_pattern.c - unit tests for core/lua/lua_pattern (string.find,
 * match, gmatch and gsub that charge the sandbox's instruction budget).
 *
 * Must never: answer differently from stock Lua 5.4 (results, or the text of
 * an error), which a differential test checks on generated cases against
 * luaopen_string in a plain state; let a pathological pattern run past the
 * budget, with or without pcall; be quadratic on a plain find. */
#include "lua_pattern.h"
#include "lua_sandbox.h"

#include <check.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"

/* A longer run: -DDIFF_CASES=1000000 -DDIFF_SEED=n */
#ifndef DIFF_SEED
#define DIFF_SEED 20261203u
#endif
#ifndef DIFF_CASES
#define DIFF_CASES 60000
#endif

static char err[512];

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Loads and runs code as chunk "t" in sb; 0 or -1 with err set. */
static int run(struct lsb *sb, const char *code)
{
    err[0] = '\0';
    if (lsb_load(sb, code, strlen(code), "t", err, sizeof err) != 0)
        return -1;
    return lsb_pcall(sb, 0, 0, err, sizeof err);
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

/* --- generated cases ------------------------------------------------------ */

struct rng {
    uint64_t s;
};

static uint32_t rnd(struct rng *r, uint32_t n) /* xorshift64*, [0, n) */
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 2685821657736338717ULL) >> 33) % n;
}

static int chance(struct rng *r, uint32_t percent) { return rnd(r, 100) < percent; }

struct text {
    char b[1024];
    size_t n;
};

static void put(struct text *t, const char *s, size_t n)
{
    if (n > sizeof t->b - t->n)
        n = sizeof t->b - t->n;
    memcpy(t->b + t->n, s, n);
    t->n += n;
}

static void puts_(struct text *t, const char *s) { put(t, s, strlen(s)); }

static void putc_(struct text *t, char c) { put(t, &c, 1); }

/* Subject bytes: mostly a few letters so that patterns match, plus the
 * bytes patterns treat specially, digits, spaces, a NUL and a UTF-8 'ā'. */
static const char subject_bytes[] = "aaaabbbccx()()[]. %-1 9A\0\n\xc4\x81";

static char pick_byte(struct rng *r)
{
    return subject_bytes[rnd(r, sizeof subject_bytes - 1)];
}

static void gen_subject(struct rng *r, struct text *t, size_t max)
{
    size_t n = rnd(r, (uint32_t)max + 1);

    t->n = 0;
    for (size_t i = 0; i < n; i++)
        putc_(t, pick_byte(r));
}

/* A set's inside: members, ranges, classes, escapes; sometimes ']' or '^'
 * first (a member there). */
static void gen_set_body(struct rng *r, struct text *t)
{
    static const char *const members[] = {"a",   "b",  "x",  "a-c", "%a", "%d", "%s", "%w",
                                          "%p",  "%]", "%%", "-",   "(",  ".",  "b-a", "%A",
                                          "\xc4-\xc5", "1-9", "%S", "%x"};
    int n = 1 + (int)rnd(r, 3);

    if (chance(r, 25))
        putc_(t, '^');
    if (chance(r, 8))
        putc_(t, ']');
    for (int i = 0; i < n; i++)
        puts_(t, members[rnd(r, sizeof members / sizeof members[0])]);
}

/* One pattern item; *unbounded counts '*', '+' and '-' so far (each one
 * multiplies the backtracking). */
static void gen_item(struct rng *r, struct text *t, int *unbounded)
{
    static const char *const classes[] = {"%a", "%c", "%d", "%g", "%l", "%p", "%s", "%u",
                                          "%w", "%x", "%z", "%A", "%D", "%S", "%W", "%.",
                                          "%%", "%(", "%)", "%-", "%[", "%]", "%q", "%\xc4"};
    int single = 0;

    switch (rnd(r, 24)) {
    case 0: case 1: case 2: case 3: case 4: case 5:
        putc_(t, "aabbcx. -1A"[rnd(r, 11)]);
        single = 1;
        break;
    case 6: case 7:
        putc_(t, '.');
        single = 1;
        break;
    case 8: case 9: case 10:
        puts_(t, classes[rnd(r, sizeof classes / sizeof classes[0])]);
        single = 1;
        break;
    case 11: case 12:
        putc_(t, '[');
        gen_set_body(r, t);
        if (!chance(r, 5))
            putc_(t, ']');
        single = 1;
        break;
    case 13: case 14:
        putc_(t, '(');
        break;
    case 15: case 16:
        putc_(t, ')');
        break;
    case 17:
        puts_(t, "()");
        break;
    case 18:
        puts_(t, "%b");
        putc_(t, "()ab"[rnd(r, 4)]);
        putc_(t, "()ab"[rnd(r, 4)]);
        break;
    case 19:
        puts_(t, "%f");
        if (!chance(r, 5)) {
            putc_(t, '[');
            gen_set_body(r, t);
            putc_(t, ']');
        }
        break;
    case 20:
        putc_(t, '%');
        putc_(t, "1112230"[rnd(r, 7)]);
        break;
    case 21:
        putc_(t, "$^$"[rnd(r, 3)]);
        break;
    case 22:
        putc_(t, "?*+-"[rnd(r, 4)]); /* a quantifier with nothing before it */
        break;
    default:
        putc_(t, '\0');
        single = 1;
        break;
    }
    if (single && chance(r, 45)) {
        char q = "*+-?"[rnd(r, 4)];

        if (q != '?' && *unbounded >= 3)
            q = '?';
        if (q != '?')
            (*unbounded)++;
        putc_(t, q);
    }
}

static void gen_pattern(struct rng *r, struct text *t)
{
    int items = (int)rnd(r, 7), unbounded = 0;

    t->n = 0;
    if (chance(r, 20))
        putc_(t, '^');
    for (int i = 0; i < items; i++)
        gen_item(r, t, &unbounded);
    if (chance(r, 5))
        putc_(t, '%'); /* malformed: ends with '%' */
    if (t->n > 0 && chance(r, 8))
        t->n = rnd(r, (uint32_t)t->n); /* cut anywhere: more malformed ends */
}

/* A plain needle and haystack over "ab": periodic needles, many partial
 * matches (what Two-Way is for). */
static void gen_plain(struct rng *r, struct text *hay, struct text *needle)
{
    size_t hn = rnd(r, 64), nn = 1 + rnd(r, 10);

    hay->n = needle->n = 0;
    for (size_t i = 0; i < hn; i++)
        putc_(hay, chance(r, 80) ? 'a' : 'b');
    for (size_t i = 0; i < nn; i++)
        putc_(needle, chance(r, 75) ? 'a' : 'b');
    if (hn > 0 && chance(r, 40)) { /* plant it, so that some are found */
        size_t at = rnd(r, (uint32_t)hn);

        hay->n = at;
        put(hay, needle->b, needle->n);
    }
}

enum arg_kind { ARG_NONE, ARG_INT, ARG_FLOAT_INT, ARG_FLOAT, ARG_STRING, ARG_TRUE, ARG_FALSE };

struct arg {
    enum arg_kind kind;
    lua_Integer i;
};

struct pcase {
    const char *fn; /* "find", "match", "gmatch", "gsub" */
    struct text s, p, repl;
    struct arg init, extra; /* extra: find's plain, gsub's n */
    char rkind;             /* gsub: 's' string, 't' table, 'f' function, 'n' number, 'b' boolean */
};

static struct arg gen_init(struct rng *r, size_t len)
{
    struct arg a = {ARG_INT, 0};
    uint32_t k = rnd(r, 20);

    if (k < 8)
        a.kind = ARG_NONE;
    else if (k < 16)
        a.i = (lua_Integer)rnd(r, (uint32_t)(2 * len + 5)) - (lua_Integer)len - 2;
    else if (k == 16)
        a.i = k % 2 ? LUA_MININTEGER : LUA_MAXINTEGER;
    else if (k == 17)
        a.kind = ARG_FLOAT_INT, a.i = 2;
    else if (k == 18)
        a.kind = ARG_STRING, a.i = -3;
    else
        a.kind = chance(r, 50) ? ARG_FLOAT : ARG_INT, a.i = (lua_Integer)len + 1;
    return a;
}

static void gen_case(struct rng *r, struct pcase *c)
{
    static const char *const repls[] = {"<%0>", "%1", "%2-%1", "x", "", "%%", "%",
                                        "a%", "%9", "%x", "[%1]", "%0%0"};
    uint32_t which = rnd(r, 100);

    memset(c, 0, sizeof *c);
    if (which < 12) { /* plain search */
        c->fn = "find";
        gen_plain(r, &c->s, &c->p);
        c->extra.kind = chance(r, 70) ? ARG_TRUE : ARG_NONE;
        c->init = chance(r, 70) ? (struct arg){ARG_NONE, 0} : gen_init(r, c->s.n);
        return;
    }
    c->fn = which < 38 ? "find" : which < 58 ? "match" : which < 74 ? "gmatch" : "gsub";
    gen_subject(r, &c->s, chance(r, 10) ? 40 : 14);
    gen_pattern(r, &c->p);
    c->init = gen_init(r, c->s.n);
    if (c->fn[0] == 'f') {
        uint32_t k = rnd(r, 10);

        c->extra.kind = k < 6 ? ARG_NONE : k < 8 ? ARG_FALSE : k < 9 ? ARG_TRUE : ARG_INT;
    } else if (c->fn[1] == 's') { /* gsub: its n, its replacement */
        uint32_t k = rnd(r, 12);

        c->init.kind = ARG_NONE;
        c->extra.kind = k < 6 ? ARG_NONE : ARG_INT;
        c->extra.i = k < 10 ? (lua_Integer)k - 7 : k == 10 ? LUA_MAXINTEGER : LUA_MININTEGER;
        if (k == 9 && chance(r, 20))
            c->extra.kind = ARG_FLOAT;
        k = rnd(r, 40);
        c->rkind = k < 24 ? 's' : k < 31 ? 't' : k < 38 ? 'f' : k < 39 ? 'n' : 'b';
        if (c->rkind == 's')
            puts_(&c->repl, repls[rnd(r, sizeof repls / sizeof repls[0])]);
    }
}

static void push_arg(lua_State *L, const struct arg *a)
{
    switch (a->kind) {
    case ARG_NONE: lua_pushnil(L); break;
    case ARG_INT: lua_pushinteger(L, a->i); break;
    case ARG_FLOAT_INT: lua_pushnumber(L, (lua_Number)a->i); break;
    case ARG_FLOAT: lua_pushnumber(L, (lua_Number)a->i + 0.5); break;
    case ARG_STRING: lua_pushfstring(L, "%I", (LUAI_UACINT)a->i); break;
    case ARG_TRUE: lua_pushboolean(L, 1); break;
    case ARG_FALSE: lua_pushboolean(L, 0); break;
    }
}

/* Pushes run's 7 arguments for c. */
static void push_case(lua_State *L, const struct pcase *c)
{
    char rk[2] = {c->rkind, '\0'};

    lua_pushstring(L, c->fn);
    lua_pushlstring(L, c->s.b, c->s.n);
    lua_pushlstring(L, c->p.b, c->p.n);
    push_arg(L, &c->init);
    push_arg(L, &c->extra);
    lua_pushstring(L, rk);
    lua_pushlstring(L, c->repl.b, c->repl.n);
}

/* The same text in both states: runs one case and describes everything it
 * returned (or its error's text) as one string.  Serialises with
 * string.format and tostring only, never with the functions under test. */
static const char driver[] =
    "local find, match, gmatch, gsub = string.find, string.match, string.gmatch, string.gsub\n"
    "local fmt, concat, pack = string.format, table.concat, table.pack\n"
    "local function ser(t, from, n)\n"
    "  local out = {}\n"
    "  for i = from, n do\n"
    "    local v = t[i]\n"
    "    local ty = type(v)\n"
    "    if ty == 'string' or ty == 'number' then out[#out + 1] = fmt('%q', v)\n"
    "    elseif ty == 'boolean' or ty == 'nil' then out[#out + 1] = tostring(v)\n"
    "    else out[#out + 1] = ty end\n"
    "  end\n"
    "  return concat(out, ',')\n"
    "end\n"
    "local function call(f, ...)\n"
    "  local r = pack(pcall(f, ...))\n"
    "  if r[1] then return 'ok:' .. ser(r, 2, r.n) end\n"
    "  return 'err:' .. tostring(r[2])\n"
    "end\n"
    "local REPL = {a = 'T', b = 7, c = false, x = {}, ab = '%1', [''] = 'E',\n"
    "              [1] = 'one', [3] = 2.5}\n"
    "local function repl(...)\n"
    "  local n = select('#', ...)\n"
    "  local a = ...\n"
    "  if type(a) == 'number' then return a * 10 end\n"
    "  local k = (#a * 7 + n) % 11\n"
    "  if k == 0 or k == 5 then return nil\n"
    "  elseif k == 1 or k == 6 then return '<' .. a .. '>'\n"
    "  elseif k == 2 then return false\n"
    "  elseif k == 3 or k == 7 then return n\n"
    "  elseif k == 10 then return {}\n"
    "  else return a .. a end\n"
    "end\n"
    "function run(fname, s, p, init, extra, rkind, rstr)\n"
    "  if fname == 'find' then return call(find, s, p, init, extra) end\n"
    "  if fname == 'match' then return call(match, s, p, init) end\n"
    "  if fname == 'gmatch' then\n"
    "    local ok, it = pcall(gmatch, s, p, init)\n"
    "    if not ok then return 'err:' .. tostring(it) end\n"
    "    local acc = {}\n"
    "    for i = 1, 200 do\n"
    "      local r = pack(pcall(it))\n"
    "      if not r[1] then acc[#acc + 1] = 'err:' .. tostring(r[2]) break end\n"
    "      if r.n == 1 then break end\n"
    "      acc[#acc + 1] = ser(r, 2, r.n)\n"
    "    end\n"
    "    return 'ok:' .. concat(acc, ';')\n"
    "  end\n"
    "  local r = rstr\n"
    "  if rkind == 't' then r = REPL elseif rkind == 'f' then r = repl\n"
    "  elseif rkind == 'n' then r = 42 elseif rkind == 'b' then r = true end\n"
    "  return call(gsub, s, p, r, extra)\n"
    "end\n";

/* A plain state with stock string functions, and the driver loaded. */
static lua_State *stock_state(void)
{
    lua_State *L = luaL_newstate();

    ck_assert_ptr_nonnull(L);
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    lua_pop(L, 3);
    ck_assert_int_eq(luaL_dostring(L, driver), LUA_OK);
    return L;
}

static struct lsb *sandbox_with_driver(void)
{
    struct lsb *sb = lsb_new(NULL, err, sizeof err);

    ck_assert_msg(sb != NULL, "lsb_new: %s", err);
    ck_assert_msg(run(sb, driver) == 0, "driver: %s", err);
    return sb;
}

/* The driver's answer for c in the stock state, into out. */
static void stock_answer(lua_State *L, const struct pcase *c, char *buf, size_t bufsz)
{
    size_t n;
    const char *s;

    lua_getglobal(L, "run");
    push_case(L, c);
    if (lua_pcall(L, 7, 1, 0) != LUA_OK) {
        snprintf(buf, bufsz, "driver failed: %s", lua_tostring(L, -1));
    } else {
        s = lua_tolstring(L, -1, &n);
        snprintf(buf, bufsz, "%.*s", (int)n, s ? s : "(not a string)");
    }
    lua_settop(L, 0);
}

static int sandbox_answer(struct lsb *sb, const struct pcase *c, char *buf, size_t bufsz)
{
    lua_State *L = lsb_state(sb);
    size_t n;
    const char *s;

    lsb_push_env(sb);
    lua_pushliteral(L, "run");
    lua_rawget(L, -2);
    lua_remove(L, -2);
    push_case(L, c);
    if (lsb_pcall(sb, 7, 1, err, sizeof err) != 0) {
        snprintf(buf, bufsz, "sandbox failed: %s", err);
        return -1;
    }
    s = lua_tolstring(L, -1, &n);
    snprintf(buf, bufsz, "%.*s", (int)n, s ? s : "(not a string)");
    lua_settop(L, 0);
    return 0;
}

static void describe(const struct pcase *c, char *buf, size_t bufsz)
{
    char s[600], p[600];
    size_t k = 0;

    for (size_t i = 0; i < c->s.n && k + 5 < sizeof s; i++)
        k += (size_t)snprintf(s + k, sizeof s - k, "\\%u", (unsigned)(unsigned char)c->s.b[i]);
    s[k] = '\0';
    k = 0;
    for (size_t i = 0; i < c->p.n && k + 5 < sizeof p; i++)
        k += (size_t)snprintf(p + k, sizeof p - k, "\\%u", (unsigned)(unsigned char)c->p.b[i]);
    p[k] = '\0';
    snprintf(buf, bufsz, "%s(\"%s\", \"%s\", init %d:%lld, extra %d:%lld, repl %c \"%.*s\")",
             c->fn, s, p, (int)c->init.kind, (long long)c->init.i, (int)c->extra.kind,
             (long long)c->extra.i, c->rkind ? c->rkind : '-', (int)c->repl.n, c->repl.b);
}

struct tally {
    long total, errors, found; /* found: something other than nil came back */
};

/* Both states answer c; fails the test with the case when they differ. */
static void compare(lua_State *stock, struct lsb **sb, const struct pcase *c, struct tally *t)
{
    static char want[8192], got[8192], what[4096];

    stock_answer(stock, c, want, sizeof want);
    if (sandbox_answer(*sb, c, got, sizeof got) != 0) {
        lsb_free(*sb); /* spent: a fresh one for the next case */
        *sb = sandbox_with_driver();
    }
    if (strcmp(want, got) != 0) {
        describe(c, what, sizeof what);
        ck_abort_msg("%s\n stock: %s\n   ours: %s", what, want, got);
    }
    t->total++;
    if (strncmp(want, "err:", 4) == 0)
        t->errors++;
    else if (strcmp(want, "ok:nil") != 0 && strcmp(want, "ok:") != 0)
        t->found++;
}

/* Hand-made cases at the edges of the rules, compared the same way. */
static const struct {
    const char *fn, *s, *p;
    int init_none;
    lua_Integer init;
} edge_cases[] = {
    {"find", "abc", "", 1, 0},      {"find", "abc", "", 0, 4},     {"find", "abc", "", 0, 5},
    {"find", "", "", 1, 0},         {"find", "abc", "c", 0, -1},   {"find", "abc", "a", 0, -10},
    {"match", "abc", "()", 0, 4},   {"match", "abc", "()", 0, 5},  {"gmatch", "abc", "", 0, 3},
    {"gmatch", "abc", "", 0, 10},   {"gmatch", "abc", ".-", 1, 0}, {"gmatch", "a,b,,c", "[^,]*", 1, 0},
    {"gsub", "hello world", "o", 1, 0}, {"gsub", "abc", "", 1, 0}, {"gsub", "abc", "^", 1, 0},
    {"gsub", "abc", "$", 1, 0},     {"gsub", "abc", "^a*", 1, 0},  {"gsub", "abc", "%w*", 1, 0},
    {"match", "(a(b)c)", "%b()", 1, 0}, {"match", "THE (quick) fox", "%f[%a]%a+", 0, 5},
    {"match", "x", "%f[%z]", 1, 0}, {"match", "x", "x%f[%z]()", 1, 0}, {"match", "aaa", "(a)%1", 1, 0},
    {"match", "abab", "(ab)%1$", 1, 0}, {"match", "ab", "()%1", 1, 0}, {"match", "a", "%0", 1, 0},
    {"match", "a", "(()", 1, 0},    {"match", "a", "a)", 1, 0},    {"match", "a", "[a", 1, 0},
    {"match", "a", "[]", 1, 0},     {"match", "]", "[]]", 1, 0},   {"match", "]", "[^]]", 1, 0},
    {"match", "-", "[a-]", 1, 0},   {"match", "b", "[%a-z]", 1, 0}, {"match", "a", "%f", 1, 0},
    {"match", "a", "%fa", 1, 0},    {"match", "a", "%b", 1, 0},    {"match", "a", "%ba", 1, 0},
    {"find", "abc", "x%", 1, 0},    {"find", "axc", "x%", 1, 0},   {"find", "a.b", ".", 1, 0},
    {"find", "a+b", "+", 1, 0},     {"find", "a^b", "^b", 1, 0},   {"find", "a^b", "a^", 1, 0},
    {"gmatch", "^a^a", "^a", 1, 0}, {"match", "$", "$$", 1, 0},    {"match", "a$", "$", 1, 0},
};

static void push_edge(struct pcase *c, size_t i)
{
    memset(c, 0, sizeof *c);
    c->fn = edge_cases[i].fn;
    puts_(&c->s, edge_cases[i].s);
    puts_(&c->p, edge_cases[i].p);
    c->init.kind = edge_cases[i].init_none ? ARG_NONE : ARG_INT;
    c->init.i = edge_cases[i].init;
    if (c->fn[1] == 's') { /* gsub: a replacement that shows the captures */
        c->rkind = 's';
        puts_(&c->repl, "<%0>");
    }
}

/* Cases at the limits: 32 captures and one more; 199 and 200 items that
 * each nest a matcher call (the 201st nested call is "too complex"). */
#define LIMIT_CASES 8

static void push_limit(struct pcase *c, int which)
{
    static const char *const items[] = {"a?", "a-", "a*"};

    memset(c, 0, sizeof *c);
    c->fn = "match";
    for (int i = 0; i < 240; i++)
        putc_(&c->s, 'a');
    if (which < 2) {
        for (int i = 0; i < 32 + which; i++)
            puts_(&c->p, "(a)");
        return;
    }
    for (int i = 0; i < 199 + which % 2; i++)
        puts_(&c->p, items[(which - 2) / 2]);
}

START_TEST(test_same_as_stock_lua)
{
    lua_State *stock = stock_state();
    struct lsb *sb = sandbox_with_driver();
    struct rng r = {((uint64_t)DIFF_SEED << 32) | 0x9e3779b9u};
    struct pcase c;
    struct tally t = {0, 0, 0};

    for (size_t i = 0; i < sizeof edge_cases / sizeof edge_cases[0]; i++) {
        push_edge(&c, i);
        compare(stock, &sb, &c, &t);
    }
    for (int i = 0; i < LIMIT_CASES; i++) {
        push_limit(&c, i);
        compare(stock, &sb, &c, &t);
    }
    for (long i = 0; i < DIFF_CASES; i++) {
        gen_case(&r, &c);
        compare(stock, &sb, &c, &t);
    }
    printf("lua_pattern: %ld cases (seed %u) answered as stock Lua does: %ld found something, "
           "%ld errors\n",
           t.total, DIFF_SEED, t.found, t.errors);
    /* The generator must reach all sides of the rules. */
    ck_assert_int_gt(t.errors, t.total / 50);
    ck_assert_int_lt(t.errors, t.total / 2);
    ck_assert_int_gt(t.found, t.total / 4);
    lsb_free(sb);
    lua_close(stock);
}
END_TEST

/* --- budgets -------------------------------------------------------------- */

static const struct {
    const char *what, *code;
} bombs[] = {
    {"lazy dots", "\nstring.find(string.rep('a', 200), '.-.-.-.-b')\ndone = 1"},
    {"optional x",
     "\nlocal x = string.rep('x', 26)\nstring.find(x, string.rep('x?', 26) .. x)\ndone = 1"},
    {"lazy captures", "\nstring.match(string.rep('a', 300), '(.-)(.-)(.-)(.-)b')\ndone = 1"},
    {"greedy runs", "\nstring.find(string.rep('a', 5000), 'a*a*a*b')\ndone = 1"},
    {"%b unbalanced", "\nstring.find(string.rep('(', 100000), '%b()')\ndone = 1"},
    {"back references", "\nstring.find(string.rep('a', 3000), '(a*)%1%1b')\ndone = 1"},
    {"frontier", "\nstring.find(string.rep('a ', 3000), '%f[%w]%w+.-%f[%W]b')\ndone = 1"},
    {"gmatch", "\nfor w in string.gmatch(string.rep('a', 3000), 'a*a*b') do end\ndone = 1"},
    {"gsub huge n", "\nstring.gsub(string.rep('a', 100000), 'a*b', '', math.maxinteger)\ndone = 1"},
    {"gsub function", "\nstring.gsub(string.rep('a', 5000), '()a-a-a-b', tostring)\ndone = 1"},
    {"method", "\nlocal s = string.rep('a', 200)\nlocal i = s:find('.-.-.-.-b')\ndone = 1"},
    {"pcall", "\nlocal ok = pcall(string.find, string.rep('a', 200), '.-.-.-.-b')\ndone = 1"},
    {"pcall loop",
     "\nfor i = 1, 1e9 do pcall(string.gsub, string.rep('a', 60), '.-.-.-b', '') end\ndone = 1"},
    {"xpcall", "\nxpcall(string.match, function() return 'caught' end, string.rep('a', 200),\n"
               "  '.-.-.-.-b')\ndone = 1"},
};

START_TEST(test_bombs_stop_on_the_budget)
{
    for (size_t i = 0; i < sizeof bombs / sizeof bombs[0]; i++) {
        struct lsb *sb = lsb_new(NULL, err, sizeof err);
        double t0 = now_ms(), dt;

        ck_assert_ptr_nonnull(sb);
        ck_assert_msg(run(sb, bombs[i].code) == -1, "%s ran to the end", bombs[i].what);
        dt = now_ms() - t0;
        printf("lua_pattern: bomb \"%s\" stopped after %.1f ms: %s\n", bombs[i].what, dt, err);
        ck_assert_msg(strstr(err, LSB_MSG_INSTRUCTIONS) != NULL, "%s: %s", bombs[i].what, err);
        ck_assert_msg(strncmp(err, "t:", 2) == 0, "%s: no line in %s", bombs[i].what, err);
        ck_assert_int_eq(global_int(sb, "done"), -1);
        ck_assert_msg(dt < 1000, "%s: %.0f ms", bombs[i].what, dt);
        /* Spent: the next call fails at once. */
        ck_assert_int_eq(run(sb, "x = 1"), -1);
        ck_assert_ptr_nonnull(strstr(err, LSB_MSG_INSTRUCTIONS));
        lsb_free(sb);
    }
}
END_TEST

START_TEST(test_long_match_stops_on_the_clock)
{
    struct lsb_limits lim = {0, 4000000000UL, 30};
    struct lsb *sb = lsb_new(&lim, err, sizeof err);
    double t0 = now_ms(), dt;

    ck_assert_ptr_nonnull(sb);
    ck_assert_int_eq(run(sb, "local ok = pcall(string.find, string.rep('a', 300), "
                             "'.-.-.-.-.-b')\ndone = 1"),
                     -1);
    dt = now_ms() - t0;
    ck_assert_str_eq(err, "t:1: " LSB_MSG_TIME);
    ck_assert_double_ge(dt, 25);
    ck_assert_double_lt(dt, 1000);
    ck_assert_int_eq(global_int(sb, "done"), -1);
    lsb_free(sb);
}
END_TEST

/* A needle made to defeat memchr-and-compare: first and last bytes match
 * everywhere, the middle does not.  Stock Lua needs n * m / 2 comparisons. */
START_TEST(test_plain_find_is_linear)
{
    struct lsb *sb = lsb_new(NULL, err, sizeof err);
    double t0 = now_ms();

    ck_assert_ptr_nonnull(sb);
    ck_assert_msg(run(sb, "local hay = string.rep('a', 200000)\n"
                          "local needle = string.rep('a', 20000) .. 'b' .. string.rep('a', 20000)\n"
                          "assert(hay:find(needle, 1, true) == nil)\n"
                          "assert(hay:find(needle) == nil)\n"
                          "local at = (hay .. needle):find(needle, 1, true)\n"
                          "assert(at == 200001, at)\n"
                          "assert(select(2, (hay .. needle .. 'x'):find(needle, 3)) == 240001)\n"
                          "done = 1") == 0,
                  "%s", err);
    ck_assert_int_eq(global_int(sb, "done"), 1);
    ck_assert_double_lt(now_ms() - t0, 1000);
    lsb_free(sb);
}
END_TEST

/* Steps counted by a charge function of our own, on a plain state. */
static unsigned long charged;

static void count_charge(lua_State *L, unsigned long steps)
{
    (void)L;
    charged += steps;
}

static unsigned long steps_for(lua_State *L, const char *code)
{
    charged = 0;
    ck_assert_msg(luaL_dostring(L, code) == LUA_OK, "%s: %s", code, lua_tostring(L, -1));
    lua_settop(L, 0);
    return charged;
}

START_TEST(test_steps_are_counted)
{
    lua_State *L = luaL_newstate();
    unsigned long small, n1, n2;

    luaL_openlibs(L);
    lua_getglobal(L, "string");
    lpat_register(L, -1, count_charge);
    lua_pop(L, 1);
    /* Small calls are charged too (the remainder at the end). */
    small = steps_for(L, "assert(string.find('abc', 'b') == 2)");
    ck_assert_uint_gt(small, 0);
    ck_assert_uint_lt(small, 100);
    ck_assert_uint_gt(steps_for(L, "assert(('abc'):match('^(%a+)$') == 'abc')"), 0);
    ck_assert_uint_gt(steps_for(L, "for w in ('a b c'):gmatch('%a') do end"), 0);
    ck_assert_uint_gt(steps_for(L, "assert(('a b'):gsub(' ', '') == 'ab')"), 0);
    /* Plain search: linear in the haystack, adversarial needle or not. */
    n1 = steps_for(L, "local n = string.rep('a', 300) .. 'b' .. string.rep('a', 300)\n"
                      "string.find(string.rep('a', 20000), n, 1, true)");
    n2 = steps_for(L, "local n = string.rep('a', 300) .. 'b' .. string.rep('a', 300)\n"
                      "string.find(string.rep('a', 40000), n, 1, true)");
    ck_assert_uint_gt(n1, 20000);
    ck_assert_uint_lt(n2, 5 * 40000);
    ck_assert_uint_lt(n2, n1 * 5 / 2);
    /* Backtracking is charged for what it does: quadratic here. */
    n1 = steps_for(L, "string.find(string.rep('a', 200), 'a*b')");
    n2 = steps_for(L, "string.find(string.rep('a', 400), 'a*b')");
    ck_assert_uint_gt(n1, 200 * 200 / 2);
    ck_assert_uint_gt(n2, n1 * 3);
    lua_close(L);
}
END_TEST

/* --- by hand -------------------------------------------------------------- */

START_TEST(test_ordinary_patterns)
{
    struct lsb *sb = lsb_new(NULL, err, sizeof err);

    ck_assert_ptr_nonnull(sb);
    ck_assert_msg(
        run(sb,
            /* Latvian text: bytes, not letters, to the classes (C locale). */
            "local s = 'Daugavpils, Rēzekne un Līvāni — Latgales pilsētas'\n"
            "assert(s:find('Rēzekne') == 13 and select(2, s:find('Rēzekne')) == 20)\n"
            "assert(s:find('Rēzekne', 1, true) == 13)\n"
            "assert(s:match('^(%a+),') == 'Daugavpils')\n"
            "assert(s:match('(L%a+)') == 'Latgales')\n"
            "assert(('ē'):match('%a') == nil and ('ē'):match('[\\x80-\\xFF]+') == 'ē')\n"
            "local words = {}\n"
            "for w in s:gmatch('[^%s,]+') do words[#words + 1] = w end\n"
            "assert(#words == 7 and words[2] == 'Rēzekne' and words[5] == '—')\n"
            "assert((s:gsub('ā', 'a')) == 'Daugavpils, Rēzekne un Līvani — Latgales pilsētas')\n"
            "assert(select(2, s:gsub('%s+', ' ')) == 6)\n"
            "assert(s:upper():find('RēZEKNE', 1, true) == 13)\n"
            /* E-mail-like. */
            "local user, host = ('anna.berzina@example.lv'):match('^([%w%.%-_]+)@([%w%-]+%.[%a%.]+)$')\n"
            "assert(user == 'anna.berzina' and host == 'example.lv')\n"
            "assert(('not an address'):match('^[%w%.]+@[%w%.]+$') == nil)\n"
            "assert(('a@b@c'):match('^[^@]+@[^@]+$') == nil)\n"
            "local list = {}\n"
            "for a in ('x@y.lv; z@w.lv,  q@r.lv'):gmatch('[^%s,;]+') do list[#list + 1] = a end\n"
            "assert(#list == 3 and list[3] == 'q@r.lv')\n"
            /* Captures, positions, balance, frontier, back references. */
            "assert(select(3, ('key = value'):find('(%w+)%s*=%s*(%w+)')) == 'key')\n"
            "local a, b = ('hello'):match('()ll()')\n"
            "assert(a == 3 and b == 5)\n"
            "assert(('f(a(b)c) d'):match('%b()') == '(a(b)c)')\n"
            "assert(('THE (quick) fox'):gsub('%f[%a]%a+', 'w') == 'w (w) w')\n"
            "assert(('say \"hi\" now'):match('([\"\\'])(.-)%1') == '\"')\n"
            "assert(select(2, ('say \"hi\" now'):match('([\"\\'])(.-)%1')) == 'hi')\n"
            "assert(('abc'):gsub('%w', '%0%0') == 'aabbcc')\n"
            "assert(('hello world'):gsub('(%w+) (%w+)', '%2 %1') == 'world hello')\n"
            "assert(('$name is $age'):gsub('%$(%w+)', {name = 'Anna', age = 30}) == 'Anna is 30')\n"
            "assert(('1 2 3'):gsub('%d', function(d) return tonumber(d) * 2 end) == '2 4 6')\n"
            "assert(('abc'):gsub('', '-') == '-a-b-c-')\n"
            "assert(select(2, ('aaa'):gsub('a', 'b', 2)) == 2)\n"
            "local n = 0 for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do n = n + tonumber(v) end\n"
            "assert(n == 3)\n"
            "local it = ('abc'):gmatch('.', 2) assert(it() == 'b' and it() == 'c' and it() == nil)\n"
            "assert(('  trim me  '):match('^%s*(.-)%s*$') == 'trim me')\n"
            "assert(('2026-12-03'):match('^(%d%d%d%d)%-(%d%d)%-(%d%d)$') == '2026')\n"
            /* The errors of stock Lua, word for word. */
            "local function e(f, ...) local ok, m = pcall(f, ...) assert(not ok) return m end\n"
            "assert(e(string.find, 'a', '%') == \"malformed pattern (ends with '%')\")\n"
            "assert(e(string.find, 'a', '[a') == \"malformed pattern (missing ']')\")\n"
            "assert(e(string.gsub, 'a', '(a)', '%2') == 'invalid capture index %2')\n"
            "assert(e(string.gsub, 'a', 'a', '%') == \"invalid use of '%' in replacement string\")\n"
            "assert(e(string.gsub, 'a', 'a', {a = {}}) == 'invalid replacement value (a table)')\n"
            "assert(e(string.match, 'a', '(a') == 'unfinished capture')\n"
            "assert(e(string.match, 'a', 'a)') == 'invalid pattern capture')\n"
            "assert(e(string.match, 'a', '%f') == \"missing '[' after '%f' in pattern\")\n"
            "assert(e(string.match, 'a', '%b') == \"malformed pattern (missing arguments to '%b')\")\n"
            "assert(e(string.match, string.rep('a', 300), string.rep('a?', 300)) == 'pattern too complex')\n"
            "assert(e(string.match, 'a', string.rep('(', 33)) == 'too many captures')\n"
            "assert(e(string.gsub, 'a', 'a', true):find('string/function/table expected', 1, true))\n"
            "done = 1") == 0,
        "%s", err);
    ck_assert_int_eq(global_int(sb, "done"), 1);
    lsb_free(sb);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("lua_pattern");
    TCase *tc = tcase_create("pattern");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_same_as_stock_lua);
    tcase_add_test(tc, test_bombs_stop_on_the_budget);
    tcase_add_test(tc, test_long_match_stops_on_the_clock);
    tcase_add_test(tc, test_plain_find_is_linear);
    tcase_add_test(tc, test_steps_are_counted);
    tcase_add_test(tc, test_ordinary_patterns);
    suite_add_tcase(s, tc);
    return s;
}
