/* lua_pattern.h - Lua 5.4's string.find, string.match, string.gmatch and
 * string.gsub, with the same results and error messages as the stock ones,
 * but charging their work to whoever hosts the state.
 *
 * Stock Lua runs one pattern match as a single C call that no hook can
 * interrupt, and backtracking makes that call exponential in the pattern
 * (".-.-.-.-b" against 200 bytes runs for seconds).  These versions count
 * every step (each single-character test, each backtracking turn, each
 * recursion, each byte a plain find looks at) and hand the count to a
 * charge function every LPAT_CHARGE_CHUNK steps and once more when the call
 * ends, so that a budget can stop a match part-way.  A plain find (and a pattern without
 * special characters) is linear in the subject, not O(subject * needle).
 *
 * Differences from stock: character classes (%a, %d, ...) always follow the
 * C locale, whatever setlocale says (stock asks <ctype.h>).
 *
 * Depends on Lua 5.4 only. */
#ifndef SAIETS_LUA_PATTERN_H
#define SAIETS_LUA_PATTERN_H

#include <lua.h>

/* Steps counted between two calls of the charge function. */
#define LPAT_CHARGE_CHUNK 1024

/* Called with the steps done since its last call; may raise a Lua error
 * (lua_error), which ends the match like any error of the call. */
typedef void (*lpat_charge_fn)(lua_State *L, unsigned long steps);

/* Sets "find", "match", "gmatch" and "gsub" in the table at index idx to
 * this module's versions (replacing what is there).  charge may be NULL:
 * then nothing is charged.  Raises a Lua error only when out of memory. */
void lpat_register(lua_State *L, int idx, lpat_charge_fn charge);

#endif
