/* pattern_bench.c - times ordinary Lua patterns with stock Lua 5.4's string
 * functions and with core/lua/lua_pattern's (which charge the sandbox's
 * instruction budget), and prints a markdown table with the ratio.
 *
 * Both run in a sandbox with the same limits, so that the hook, the
 * counting allocator and the call overhead are on both sides and the ratio
 * is about the matcher: in one the sandbox's string table keeps our
 * functions, in the other the stock library takes its place (and the
 * strings' metatable with it).  Each case is a Lua loop over one operation,
 * run alternately in the two sandboxes; best of RUNS.  Every case's result
 * (a checksum the loop computes) must be the same on both sides.
 *
 * Target: ours at most 1.5x stock on these.  Exits 1 when a result differs
 * or a run fails; it asserts no timing, it reports. */
#define _POSIX_C_SOURCE 200809L
#include "lua_sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7
#define TEXT_BYTES 10240
#define TARGET_RATIO 1.5

struct bench_case {
    const char *name;
    long iters;
    const char *body; /* a chunk: arguments text, n; returns a checksum */
};

static const struct bench_case cases[] = {
    {"find `%d+` in a 35-byte line", 300000,
     "local text, n = ...\n"
     "local line, acc = 'Registration no. 4711 on 2026-12-03', 0\n"
     "for i = 1, n do local a, b = line:find('%d+') acc = acc + b end\n"
     "return acc"},
    {"match `^(%w+)@([%w%.]+)$` on addresses", 300000,
     "local text, n = ...\n"
     "local addrs = {'annaberzina@example.lv', 'janis@daugavpils.lv', 'not an address',\n"
     "               'x@y'}\n"
     "local acc = 0\n"
     "for i = 1, n do\n"
     "  local u, h = addrs[i % 4 + 1]:match('^(%w+)@([%w%.]+)$')\n"
     "  if u then acc = acc + #h end\n"
     "end\n"
     "return acc"},
    {"split a 200-byte list on `[%s,;]+` (find loop)", 20000,
     "local text, n = ...\n"
     "local line = text:sub(1, 200):gsub('%s', ', ')\n"
     "local acc = 0\n"
     "for i = 1, n do\n"
     "  local pos = 1\n"
     "  while true do\n"
     "    local a, b = line:find('[%s,;]+', pos)\n"
     "    if not a then break end\n"
     "    acc, pos = acc + a, b + 1\n"
     "  end\n"
     "end\n"
     "return acc"},
    {"gsub `' '` to `'_'` in 10 KB", 400,
     "local text, n = ...\n"
     "local acc = 0\n"
     "for i = 1, n do local s, k = text:gsub(' ', '_') acc = acc + k + #s end\n"
     "return acc"},
    {"gsub `%s+` to `' '` in 10 KB", 400,
     "local text, n = ...\n"
     "local acc = 0\n"
     "for i = 1, n do local s, k = text:gsub('%s+', ' ') acc = acc + k + #s end\n"
     "return acc"},
    {"gmatch `%a+` over 10 KB (words)", 300,
     "local text, n = ...\n"
     "local acc = 0\n"
     "for i = 1, n do for w in text:gmatch('%a+') do acc = acc + #w end end\n"
     "return acc"},
    {"gmatch `%f[%w]%w+` over 10 KB", 300,
     "local text, n = ...\n"
     "local acc = 0\n"
     "for i = 1, n do for w in text:gmatch('%f[%w]%w+') do acc = acc + #w end end\n"
     "return acc"},
    {"gmatch `%d+` over 10 KB (numbers)", 1000,
     "local text, n = ...\n"
     "local acc = 0\n"
     "for i = 1, n do for d in text:gmatch('%d+') do acc = acc + #d end end\n"
     "return acc"},
    {"plain find at the end of 10 KB", 30000,
     "local text, n = ...\n"
     "local acc = 0\n"
     "for i = 1, n do acc = acc + text:find('Kraslava pils', 1, true) end\n"
     "return acc"},
    {"find `Kraslava pils` (no specials) in 10 KB", 30000,
     "local text, n = ...\n"
     "local acc = 0\n"
     "for i = 1, n do acc = acc + text:find('Kraslava pils') end\n"
     "return acc"},
    {"trim `^%s*(.-)%s*$` a 40-byte line", 200000,
     "local text, n = ...\n"
     "local line, acc = '   Daugavpils, Rēzekne un Līvāni   ', 0\n"
     "for i = 1, n do acc = acc + #line:match('^%s*(.-)%s*$') end\n"
     "return acc"},
};

#define NCASES (sizeof cases / sizeof cases[0])

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* About 10 KB of Latvian and English words, numbers and punctuation
 * (seeded), ending with the phrase the plain finds look for. */
static void make_text(char *out, size_t size)
{
    static const char *const words[] = {
        "Daugavpils", "Rēzekne",  "Līvāni",   "pilsēta", "skola",     "tikšanās", "meeting",
        "the",        "and",      "of",       "agenda",  "Latgale",   "teātris",  "koncerts",
        "registration", "venue",  "bus",      "2026",    "10:45",     "42",       "ezers",
        "muzejs",     "Rothko",   "centrs",   "gaisma",  "ceļš",      "upe",      "Daugava"};
    static const char *const seps[] = {" ", " ", " ", " ", ", ", ". ", "; ", "\n", " - "};
    uint64_t x = 0x2545F4914F6CDD1DULL;
    size_t len = 0;
    const char *tail = " Kraslava pils.";

    while (len + 32 + strlen(tail) < size - 1) {
        const char *w, *s;

        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        w = words[(x >> 8) % (sizeof words / sizeof words[0])];
        s = seps[(x >> 40) % (sizeof seps / sizeof seps[0])];
        len += (size_t)snprintf(out + len, size - len, "%s%s", w, s);
    }
    snprintf(out + len, size - len, "%s", tail);
}

/* Inside lsb_pcall: makes string the stock library (luaopen_string also
 * points the strings' metatable at it). */
static int use_stock_strings(lua_State *L)
{
    luaL_requiref(L, "stock_string", luaopen_string, 0);
    lua_setglobal(L, "string");
    return 0;
}

static struct lsb *make_sandbox(int stock)
{
    struct lsb_limits lim = {256u << 20, 4000000000UL, 600000.0};
    char err[256];
    struct lsb *sb = lsb_new(&lim, err, sizeof err);

    if (sb == NULL) {
        fprintf(stderr, "pattern_bench: lsb_new: %s\n", err);
        exit(1);
    }
    if (stock) {
        lua_pushcfunction(lsb_state(sb), use_stock_strings);
        if (lsb_pcall(sb, 0, 0, err, sizeof err) != 0) {
            fprintf(stderr, "pattern_bench: stock strings: %s\n", err);
            exit(1);
        }
    }
    return sb;
}

/* Runs a case once; its time in ms, its checksum in *sum. */
static double run_once(struct lsb *sb, const struct bench_case *c, const char *text,
                       lua_Integer *sum)
{
    lua_State *L = lsb_state(sb);
    char err[512];
    double t0;

    if (lsb_load(sb, c->body, strlen(c->body), "bench", err, sizeof err) != 0) {
        fprintf(stderr, "pattern_bench: %s: %s\n", c->name, err);
        exit(1);
    }
    lua_pushstring(L, text);
    lua_pushinteger(L, c->iters);
    t0 = now_ms();
    if (lsb_pcall(sb, 2, 1, err, sizeof err) != 0) {
        fprintf(stderr, "pattern_bench: %s: %s\n", c->name, err);
        exit(1);
    }
    t0 = now_ms() - t0;
    *sum = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return t0;
}

int main(void)
{
    static char text[TEXT_BYTES];
    struct lsb *ours = make_sandbox(0), *stock = make_sandbox(1);
    int worst_ok = 1;

    make_text(text, sizeof text);
    printf("Lua patterns, stock Lua 5.4 vs core/lua/lua_pattern.c, both in a sandbox; "
           "best of %d runs\n\n", RUNS);
    printf("| case | iterations | stock, us/op | ours, us/op | ours / stock |\n");
    printf("|---|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < NCASES; i++) {
        double best_stock = 1e300, best_ours = 1e300, ratio;
        lua_Integer sum_stock = 0, sum_ours = 0;

        for (int r = 0; r < RUNS; r++) {
            double t = run_once(stock, &cases[i], text, &sum_stock);

            best_stock = t < best_stock ? t : best_stock;
            t = run_once(ours, &cases[i], text, &sum_ours);
            best_ours = t < best_ours ? t : best_ours;
            if (sum_stock != sum_ours) {
                fprintf(stderr, "pattern_bench: %s: stock says %lld, ours %lld\n",
                        cases[i].name, (long long)sum_stock, (long long)sum_ours);
                return 1;
            }
        }
        ratio = best_ours / best_stock;
        if (ratio > TARGET_RATIO)
            worst_ok = 0;
        printf("| %s | %ld | %.3f | %.3f | %.2f |\n", cases[i].name, cases[i].iters,
               best_stock * 1000.0 / (double)cases[i].iters,
               best_ours * 1000.0 / (double)cases[i].iters, ratio);
    }
    printf("\nTarget: ours / stock <= %.1f on every case: %s\n", TARGET_RATIO,
           worst_ok ? "PASS" : "FAIL");
    lsb_free(ours);
    lsb_free(stock);
    return 0;
}
