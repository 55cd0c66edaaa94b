/* lua_csv.c - CSV text from Lua rows; see lua_csv.h.
 *
 * Two passes over the rows: the first checks every cell and sizes the work
 * and raises on anything wrong while nothing is allocated; the second writes
 * with csv.h into a C buffer and raises nothing (raw table reads only), so a
 * Lua error can never leak the buffer.  The text is pushed in a protected
 * call of its own for the same reason. */
#include "lua_csv.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>

#include "buf.h"
#include "csv.h"
#include "lua_json.h"
#include "lua_sandbox.h"

/* The row at the top of the stack: its highest column index, after checking
 * its keys and cells; *bytes grows by what its cells may take, quoted. */
static lua_Integer row_width(lua_State *L, lua_Integer row, size_t *bytes)
{
    lua_Integer width = 0;

    if (!lua_istable(L, -1))
        return luaL_error(L, "saiets.csv: row %I is not a list of cells", row);
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        lua_Integer col = lua_isinteger(L, -2) ? lua_tointeger(L, -2) : 0;
        int t = lua_type(L, -1);

        if (col < 1 || col > LCSV_MAX_COLUMNS)
            return luaL_error(L, "saiets.csv: row %I has a key that is not a column 1-%d", row,
                       LCSV_MAX_COLUMNS);
        if (t == LUA_TSTRING)
            *bytes += 2 * lua_rawlen(L, -1) + 4;
        else if (t == LUA_TNUMBER) {
            if (!lua_isinteger(L, -1) && !isfinite(lua_tonumber(L, -1)))
                return luaL_error(L, "saiets.csv: row %I, column %I is not a finite number", row,
                                  col);
            *bytes += 32;
        } else if (t == LUA_TBOOLEAN || lj_is_null(L, -1))
            *bytes += 8;
        else
            return luaL_error(L, "saiets.csv: row %I, column %I is a %s (give text, a number, a "
                          "boolean or null)", row, col, luaL_typename(L, -1));
        if (col > width)
            width = col;
        lua_pop(L, 1);
    }
    return width;
}

/* The cell at the top of the stack (checked by row_width). */
static void write_cell(lua_State *L, struct buf *b, int first)
{
    char num[40];

    switch (lua_type(L, -1)) {
    case LUA_TSTRING:
        csv_cell(b, lua_tostring(L, -1), first);
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, -1)) {
            csv_cell_int(b, (long long)lua_tointeger(L, -1), first);
        } else {
            snprintf(num, sizeof num, "%.14g", (double)lua_tonumber(L, -1));
            csv_cell_number(b, num, first);
        }
        break;
    case LUA_TBOOLEAN:
        csv_cell(b, lua_toboolean(L, -1) ? "true" : "false", first);
        break;
    default: /* nil or null */
        csv_cell(b, NULL, first);
    }
}

static int push_text(lua_State *L)
{
    const struct buf *b = lua_touserdata(L, 1);

    lua_pushlstring(L, b->data ? b->data : "", b->len);
    return 1;
}

int lcsv_format(lua_State *L)
{
    lua_Integer nrows, i, c, width;
    size_t bytes = 0, cells = 0;
    struct buf b = BUF_INIT;

    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkstack(L, 8, "saiets.csv");
    nrows = (lua_Integer)lua_rawlen(L, 1);
    for (i = 1; i <= nrows; i++) {
        lua_rawgeti(L, 1, i);
        cells += (size_t)row_width(L, i, &bytes);
        lua_pop(L, 1);
        if (cells > LCSV_MAX_CELLS || bytes > 2 * LCSV_MAX_BYTES)
            return luaL_error(L, "saiets.csv: more than %d cells or %d MiB of text",
                              LCSV_MAX_CELLS, (int)(LCSV_MAX_BYTES >> 20));
    }
    lsb_charge(L, (unsigned long)(cells + bytes / 16));

    for (i = 1; i <= nrows; i++) {
        lua_rawgeti(L, 1, i);
        lua_pushnil(L);
        width = 0;
        while (lua_next(L, -2) != 0) { /* checked above: integer keys only */
            if (lua_tointeger(L, -2) > width)
                width = lua_tointeger(L, -2);
            lua_pop(L, 1);
        }
        for (c = 1; c <= width; c++) {
            lua_rawgeti(L, -1, c);
            write_cell(L, &b, c == 1);
            lua_pop(L, 1);
        }
        csv_end_row(&b);
        lua_pop(L, 1);
    }
    if (!buf_ok(&b) || b.len > LCSV_MAX_BYTES) {
        int oom = !buf_ok(&b);

        buf_free(&b);
        return oom ? luaL_error(L, "saiets.csv: out of memory")
                   : luaL_error(L, "saiets.csv: more than %d MiB of text",
                                (int)(LCSV_MAX_BYTES >> 20));
    }
    lua_pushcfunction(L, push_text);
    lua_pushlightuserdata(L, &b);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        buf_free(&b);
        return lua_error(L);
    }
    buf_free(&b);
    return 1;
}
