/* lua_json.h - plain data between Lua and jansson, both ways: what a script
 * or plugin returns leaves as JSON (lj_to_json), what the host hands it
 * (an event, a request body) arrives as Lua values (lj_push_json).
 *
 * The mapping (docs/architecture.md, "The Lua sandbox"):
 *   JSON            Lua
 *   object          table with text keys; metatable "saiets.object"
 *   array           sequence 1..n; metatable "saiets.array"
 *   null            the sentinel lj_push_null() (a light userdata), not nil,
 *                   so that it keeps its place in an array or object
 *   integer         integer (json_int_t and lua_Integer: both 64 bits here)
 *   real            float (finite only; JSON has no NaN or infinity)
 *   true / false    boolean
 *   string          string (UTF-8; NUL bytes kept in values, refused in keys)
 * The two metatables are what keeps [] and {} apart: an empty table with
 * "saiets.object" leaves as {}, any other empty table as [].  They are
 * shared per state (kept in the registry), protected (getmetatable returns
 * the name, "saiets.array" or "saiets.object", and setmetatable refuses to
 * replace them) and have no metamethods: indexing, # and pairs behave as on
 * a plain table.  Tables without either marker convert as before: keys 1..n
 * make a list, text keys an object, an empty table a list.
 *
 * Both directions are bounded by one struct lj_limits (depth, values, bytes
 * of one text, bytes of text in all), so that a small Lua value cannot
 * become a huge JSON one (the same long string referenced 100,000 times)
 * and the other way round.  On a sandbox state the Lua side also counts
 * against the sandbox's memory cap (its allocator); the jansson side is
 * bounded by the limits only.
 *
 * Both functions run the conversion in a protected call of their own, so
 * they may be called anywhere, inside or outside lsb_pcall, and never raise:
 * errors come back as -1 / NULL with a message.  No Lua code runs in them
 * (raw access only, no metamethod).  Depends on Lua 5.4, jansson and
 * lua_sandbox.h (for the memory message). */
#ifndef SAIETS_LUA_JSON_H
#define SAIETS_LUA_JSON_H

#include <jansson.h>
#include <lua.h>
#include <stddef.h>

/* Defaults, used for a NULL limits pointer or a zero field. */
#define LJ_DEFAULT_DEPTH 32
#define LJ_DEFAULT_VALUES 200000
#define LJ_DEFAULT_STRING_BYTES ((size_t)1 << 20)
#define LJ_DEFAULT_TEXT_BYTES ((size_t)16 << 20)
#define LJ_MAX_DEPTH 64    /* depth is never more than this (C recursion) */
#define LJ_KEY_MAX 256     /* bytes in one object key */

struct lj_limits {
    int depth;           /* containers inside containers: a root table is at
                          * depth 0, so depth 1 allows no nested table */
    size_t values;       /* values in all, containers included, keys not */
    size_t string_bytes; /* bytes in one text value */
    size_t text_bytes;   /* bytes of text in all, values and keys */
};

/* The JSON for the Lua value at idx, a new reference; or NULL with err set:
 * "not plain data: items[3].venue is a function" (the path of the value,
 * "the value" for the root; a key's first 40 bytes, '?' for a byte that
 * is not printable UTF-8), "... is nested too deeply", "... is a table that
 * contains itself", "... is a list with holes", "... holds too many
 * values", "... holds too much text", "... is a field name that is not
 * valid UTF-8", "memory limit exceeded" (the state's allocator said no)...
 * Accepts booleans, finite numbers (integers stay integers), UTF-8 text,
 * the null sentinel and tables as described above. */
json_t *lj_to_json(lua_State *L, int idx, const struct lj_limits *lim, char *err,
                   size_t errsz);

/* Pushes the Lua value for v: 0, or -1 with nothing pushed and err set
 * ("cannot pass to Lua: body.items[3] is nested too deeply", "memory limit
 * exceeded"...).  What lj_push_json pushes, lj_to_json turns back into an
 * equal value under the same limits. */
int lj_push_json(lua_State *L, json_t *v, const struct lj_limits *lim, char *err,
                 size_t errsz);

/* Pushes the null sentinel (never allocates, never raises); 1 when the
 * value at idx is it. */
void lj_push_null(lua_State *L);
int lj_is_null(lua_State *L, int idx);

/* A lua_CFunction that pushes a table for scripts: {null = the sentinel,
 * array = function([t]), object = function([t])}; array and object mark t
 * (a new table if none; not one with a metatable of its own) and return it,
 * so that a script can say json.object() for {}.  Raises (memory): call it
 * inside lsb_pcall. */
int lj_open(lua_State *L);

/* Length of the valid UTF-8 character at s (at most n bytes), 0 if none
 * (overlong forms and surrogates are not valid). */
size_t lj_utf8_len(const char *s, size_t n);

#endif
