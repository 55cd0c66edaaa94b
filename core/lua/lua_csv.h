/* lua_csv.h - CSV text from Lua rows, written by the exports' own writer
 * (base/csv.h): so that a plugin's CSV quotes and guards against spreadsheet
 * formulas exactly as the server's exports do, and no plugin has to get
 * RFC 4180 right by hand.
 *
 * lcsv_format(rows) is a lua_CFunction: rows is a list of rows, each a list
 * of cells; a cell is a string, a number (written as a number: "-5" is no
 * formula), a boolean ("true"/"false"), or nil / the JSON null sentinel
 * (an empty cell; a row's length is the highest index given).  Returns the
 * text, each row ended by CRLF.  Bounded: at most LCSV_MAX_BYTES of output
 * and LCSV_MAX_CELLS cells; its work is charged to the sandbox's
 * instruction budget (lsb_charge) before it starts. */
#ifndef SAIETS_LUA_CSV_H
#define SAIETS_LUA_CSV_H

#include <lua.h>

#define LCSV_MAX_BYTES ((size_t)8 << 20)
#define LCSV_MAX_CELLS 1000000
#define LCSV_MAX_COLUMNS 1000

int lcsv_format(lua_State *L);

#endif
