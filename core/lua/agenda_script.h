/* agenda_script.h - runs an organizer's agenda script (the Lua DSL of
 * docs/agenda-scripts.md) in a sandbox and returns what it declares as JSON.
 *
 * The DSL lives in core/lua/agenda_prelude.lua (compiled in); this module
 * only runs prelude and script under one budget and turns the result into
 * jansson values, bounded and refusing anything but plain data.  It never
 * touches the database: agenda.h validates and stores the output exactly
 * like API input.
 *
 * Limits, per run (prelude + script + result under one budget), measured on
 * generated programmes (the shape of bench/agenda_bench.py's) on a 2-vCPU VM:
 *   memory        16 MiB     about 1.6 KiB an item: 500 items peak near
 *                            1 MiB, the 1000-item cap near 1.7 MiB
 *   instructions  5,000,000  about 670 an item: 500 items use 0.38 M, the
 *                            cap 0.7 M; the demo programme 21 k
 *   wall clock    250 ms     a backstop for work done in C (parsing,
 *                            strings, JSON): 500 items take about 20 ms,
 *                            the cap about 40 ms (x2-3 under ASan)
 *   script text   1 MiB      the HTTP body cap
 * so that an honest script never meets them and a hostile one stops within
 * a quarter second.  The DSL's own caps (in the prelude): 1000 items, 500
 * venues, 5000 travel times, 62 days, 20 speakers per item.
 */
#ifndef SAIETS_AGENDA_SCRIPT_H
#define SAIETS_AGENDA_SCRIPT_H

#include <jansson.h>
#include <stddef.h>

#include "errors.h"
#include "lua_sandbox.h"

#define ASCRIPT_MEM_BYTES ((size_t)16 << 20)
#define ASCRIPT_INSTRUCTIONS 5000000UL
#define ASCRIPT_WALL_MS 250.0
#define ASCRIPT_CODE_MAX ((size_t)1 << 20)

/* Bounds on the Lua -> JSON conversion of the result. */
#define ASCRIPT_JSON_DEPTH 8
#define ASCRIPT_JSON_VALUES 200000
#define ASCRIPT_JSON_STRING 16384
#define ASCRIPT_JSON_TEXT ((size_t)8 << 20) /* bytes of text in all */

/* Runs code; returns a new reference to {"venues":[...],"travel":[...],
 * "items":[...]} or NULL with e set (ERR_SCRIPT, message "NAME:LINE: ..."
 * or "NAME: ..." when no line applies, e.g. "NAME: memory limit exceeded").
 * name is the script's name (agenda_script_name_ok); a leading UTF-8 BOM is
 * skipped. */
json_t *ascript_run(const char *code, size_t len, const char *name, struct err *e);

/* The same with other limits (tests; zero fields take the defaults above). */
json_t *ascript_run_limits(const char *code, size_t len, const char *name,
                           const struct lsb_limits *lim, struct err *e);

#endif
