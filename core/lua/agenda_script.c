/* agenda_script.c - running agenda scripts; see agenda_script.h.
 *
 * One lsb_pcall runs a C driver that loads the prelude (a host chunk, so its
 * errors point at the script's lines), loads and runs the script, calls the
 * prelude's finish() and converts its result (lua_json.h): a single budget
 * for the lot. */
#include "agenda_script.h"

#include <lauxlib.h>
#include <string.h>

#include "lua_json.h"

/* core/lua/agenda_prelude.lua, compiled in (embed_text in CMakeLists.txt). */
extern const char ascript_prelude[];

struct ascript_run {
    struct lsb *sb;
    const char *code;
    size_t len;
    const char *name;
    json_t *root; /* the result, once converted */
};

/* (short source, line) of the innermost script frame; the prelude's `where`. */
static int ascript_where(lua_State *L)
{
    char src[LUA_IDSIZE];
    int line = lsb_script_where(L, src, sizeof src);

    lua_pushstring(L, src);
    lua_pushinteger(L, line);
    return 2;
}

/* e = ERR_SCRIPT with msg made fit for a JSON answer: invalid bytes become
 * '?', control characters spaces, and a cut falls between characters. */
static void ascript_fail(struct err *e, const char *msg)
{
    const unsigned char *p = (const unsigned char *)msg;
    size_t n = strlen(msg), o = 0;

    err_set(e, ERR_SCRIPT, "code", "%s", "");
    while (n > 0) {
        size_t len = lj_utf8_len((const char *)p, n);

        if (o + (len ? len : 1) >= sizeof e->message)
            break;
        if (len == 0 || (len == 1 && (*p < 0x20 || *p == 0x7F))) {
            e->message[o++] = len == 0 ? '?' : ' ';
            len = 1;
        } else {
            memcpy(e->message + o, p, len);
            o += len;
        }
        p += len;
        n -= len;
    }
    e->message[o] = '\0';
}

/* --- the run -------------------------------------------------------------- */

/* Runs in lsb_pcall.  stack: run */
static int ascript_drive(lua_State *L)
{
    static const struct lj_limits lim = {ASCRIPT_JSON_DEPTH, ASCRIPT_JSON_VALUES,
                                         ASCRIPT_JSON_STRING, ASCRIPT_JSON_TEXT};
    struct ascript_run *r = lua_touserdata(L, 1);
    char err[512];

    if (lsb_load_host(r->sb, ascript_prelude, strlen(ascript_prelude), "=agenda_prelude",
                      err, sizeof err) < 0) {
        lua_pushstring(L, err);
        return lua_error(L);
    }
    /* stack: run, prelude */
    lua_pushcfunction(L, ascript_where);
    lua_call(L, 1, 1);
    /* stack: run, finish */
    if (lsb_load(r->sb, r->code, r->len, r->name, err, sizeof err) < 0) {
        lua_pushstring(L, err);
        return lua_error(L);
    }
    /* stack: run, finish, script */
    lua_call(L, 0, 0);
    /* stack: run, finish */
    lua_call(L, 0, 1);
    /* stack: run, result */
    r->root = lj_to_json(L, 2, &lim, err, sizeof err);
    if (r->root == NULL) {
        lua_pushstring(L, err);
        return lua_error(L);
    }
    return 0;
}

json_t *ascript_run_limits(const char *code, size_t len, const char *name,
                           const struct lsb_limits *lim, struct err *e)
{
    struct lsb_limits l = {ASCRIPT_MEM_BYTES, ASCRIPT_INSTRUCTIONS, ASCRIPT_WALL_MS};
    struct ascript_run r;
    char msg[512];
    size_t cut = LUA_IDSIZE - 1, nlen;

    memset(&r, 0, sizeof r);
    if (name == NULL || name[0] == '\0')
        name = "script";
    nlen = strlen(name);
    if (code == NULL) {
        err_set(e, ERR_SCRIPT, "code", "%.100s: no script", name);
        return NULL;
    }
    if (len > ASCRIPT_CODE_MAX) {
        err_set(e, ERR_SCRIPT, "code", "%.100s: the script is over %zu KiB", name,
                ASCRIPT_CODE_MAX >> 10);
        return NULL;
    }
    if (len >= 3 && memcmp(code, "\xEF\xBB\xBF", 3) == 0) { /* editors on Windows */
        code += 3;
        len -= 3;
    }
    if (lim != NULL) {
        l.mem_bytes = lim->mem_bytes ? lim->mem_bytes : l.mem_bytes;
        l.instructions = lim->instructions ? lim->instructions : l.instructions;
        l.wall_ms = lim->wall_ms > 0 ? lim->wall_ms : l.wall_ms;
    }
    r.sb = lsb_new(&l, msg, sizeof msg);
    if (r.sb == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "agenda script sandbox: %s", msg);
        return NULL;
    }
    r.code = code;
    r.len = len;
    r.name = name;
    lua_pushcfunction(lsb_state(r.sb), ascript_drive);
    lua_pushlightuserdata(lsb_state(r.sb), &r);
    if (lsb_pcall(r.sb, 1, 0, msg, sizeof msg) < 0) {
        char full[sizeof msg + 128];

        /* Lua shows at most LUA_IDSIZE - 1 bytes of a name: put it back. */
        if (nlen > cut && strncmp(msg, name, cut) == 0 && msg[cut] == ':')
            snprintf(full, sizeof full, "%s%s", name, msg + cut);
        else if (strncmp(msg, name, nlen) == 0 && msg[nlen] == ':')
            snprintf(full, sizeof full, "%s", msg);
        else
            snprintf(full, sizeof full, "%.100s: %s", name, msg);
        ascript_fail(e, full);
        json_decref(r.root);
        r.root = NULL;
    }
    lsb_free(r.sb);
    return r.root;
}

json_t *ascript_run(const char *code, size_t len, const char *name, struct err *e)
{
    return ascript_run_limits(code, len, name, NULL, e);
}
