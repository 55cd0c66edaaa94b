/* lua_sandbox.h - a Lua 5.4 state for code we do not trust (agenda scripts
 * now, plugins later).
 *
 * A sandbox owns one lua_State whose global table is an allow-list built
 * fresh (docs/agenda-scripts.md, "The sandbox", lists it), and enforces three
 * budgets on every lsb_pcall: memory (a counting allocator), VM instructions
 * and wall-clock time (a count hook).  Code is loaded as text only, never as
 * bytecode; what a script hands back leaves as JSON only if it is plain data
 * (lua_json.h converts, both ways).  Depends on Lua 5.4 and lua_pattern.h
 * only; never lets a script reach the file system, the process, the
 * registry or the debug library.
 *
 * A C function's own loops are outside the hook's reach, so they are
 * charged to the instruction budget through lsb_charge: pattern matching
 * (string.find, match, gmatch, gsub are lua_pattern.h's, which charge every
 * step as they go, so a backtracking match stops part-way), loops that do
 * not allocate (string.rep, table.move, table.insert, table.sort,
 * table.concat, table.unpack, os.date) before they start, and whatever
 * scans or copies a whole string, by its size (string.upper, lower,
 * reverse, format, sub, byte, char, utf8.len, offset, codepoint, char,
 * tonumber, table.concat's result): one unit per 16 bytes a C loop visits
 * one by one, per 64 bytes copied.  A charge also reads the clock, so a
 * loop of many short calls over a big string stops near the clock, not
 * only when the hook next reads it.  Not charged: the VM's own comparison
 * of two long strings (== and < are one instruction each, a memcmp or
 * strcoll), which only the hook's clock reads bound.
 *
 * Not thread-safe: one sandbox belongs to one thread at a time. */
#ifndef SAIETS_LUA_SANDBOX_H
#define SAIETS_LUA_SANDBOX_H

#include <lua.h>
#include <stddef.h>

/* Defaults, used for a NULL limits pointer or a zero field. */
#define LSB_DEFAULT_MEM_BYTES ((size_t)16 << 20)
#define LSB_DEFAULT_INSTRUCTIONS 5000000UL
#define LSB_DEFAULT_WALL_MS 250.0

/* Messages for the three budgets (the end of err after a failed call). */
#define LSB_MSG_INSTRUCTIONS "instruction budget exceeded"
#define LSB_MSG_MEMORY "memory limit exceeded"
#define LSB_MSG_TIME "time limit exceeded"

struct lsb_limits {
    size_t mem_bytes;           /* everything the state holds, counted by its allocator */
    unsigned long instructions; /* VM instructions per outermost lsb_pcall */
    double wall_ms;             /* wall-clock milliseconds per outermost lsb_pcall */
};

struct lsb; /* owns one lua_State */

/* A new sandbox, or NULL with a message in err (limits too small to open the
 * libraries, out of memory). */
struct lsb *lsb_new(const struct lsb_limits *lim, char *err, size_t errsz);

/* For host code that adds functions.  Host code must touch the state only
 * inside lsb_pcall (push a C function and call it), because an error
 * raised outside a protected call aborts the process; lua_json.h's
 * conversions are the exception, they protect themselves. */
lua_State *lsb_state(struct lsb *sb);

/* Pushes the sandbox's global table (also the registry's globals). */
void lsb_push_env(struct lsb *sb);

/* Where print() goes: one call per print with the arguments joined by tabs
 * (at most 1 KiB, longer lines are cut).  Without a sink, print is dropped. */
typedef void (*lsb_print_fn)(void *ctx, const char *line, size_t len);
void lsb_set_print(struct lsb *sb, lsb_print_fn sink, void *ctx);

/* Loads text (never bytecode) as a chunk whose _ENV is the sandbox table and
 * pushes it.  chunkname is what messages show ("agenda" -> "agenda:12: ...");
 * a name starting with '=' or '@' is passed to Lua as is.  0, or -1 with
 * err set (syntax errors carry "chunkname:LINE:") and nothing pushed. */
int lsb_load(struct lsb *sb, const char *code, size_t len, const char *chunkname,
             char *err, size_t errsz);

/* lsb_load for the host's own Lua (a prelude that implements an API in Lua).
 * An error raised in its frames is reported at the line of the innermost
 * script frame that called into it, so that a script's author sees her own
 * line, not the prelude's.  At most 4 host chunks per sandbox. */
int lsb_load_host(struct lsb *sb, const char *code, size_t len, const char *chunkname,
                  char *err, size_t errsz);

/* Calls the function below nargs arguments with the budgets armed (only the
 * outermost call arms them; nested calls share its budget).  0 with nresults
 * pushed, or -1 with nothing pushed and err holding "chunkname:LINE: message",
 * or a budget's message ("chunkname:LINE: instruction budget exceeded",
 * "... time limit exceeded", "memory limit exceeded": a memory error carries
 * no line).  After the instruction or time budget has tripped, the sandbox
 * is spent: every Lua instruction raises again, so no pcall in the script
 * can swallow the abort, and later calls fail at once with the same message. */
int lsb_pcall(struct lsb *sb, int nargs, int nresults, char *err, size_t errsz);

/* For a C function called by the script: charges n instructions' worth of
 * work done (or about to be done) in C, and reads the clock whenever 64 K
 * or more have been charged since it last did (a charged step is meant to
 * cost about what comparing a byte costs; the hook reads the clock every
 * thousand VM instructions).  When the instruction budget or the time is
 * used up it raises that budget's error, just as the hook would: the
 * sandbox is spent, no pcall can swallow it, and later charges raise it
 * again.  Does nothing on a state that is not a sandbox's, nor outside
 * lsb_pcall. */
void lsb_charge(lua_State *L, unsigned long n);

/* For a C function called by the script: the innermost script (not host)
 * frame's short source name into src and its current line (0 if none). */
int lsb_script_where(lua_State *L, char *src, size_t srcsz);

/* 1 once a budget has tripped: the sandbox refuses every further call, and
 * whoever wants to run its code again must make a new one. */
int lsb_spent(const struct lsb *sb);

/* Bytes the state holds now. */
size_t lsb_mem_used(struct lsb *sb);

/* Closes the state and frees the sandbox; NULL is fine. */
void lsb_free(struct lsb *sb);

#endif
