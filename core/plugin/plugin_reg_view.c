/* plugin_reg_view.c - ev.registration as a read-only view; see
 * plugin_reg_view.h. */
#include "plugin_reg_view.h"

#include <lauxlib.h>
#include <stdint.h>
#include <string.h>

#include "lua_json.h"
#include "timeutil.h"

#define VIEW_MT "saiets.registration"

/* The texts, packed one after another, each with its NUL. */
enum { T_FIRST, T_LAST, T_EMAIL, T_ORG, T_POSITION, T_PHONE, T_STATUS, N_TEXTS };

struct reg_view {
    long long id, meeting_id, organisation_id, waitlist_position, created_at, updated_at;
    uint32_t off[N_TEXTS];
    char text[];
};

/* The fields, in the order pairs() gives them. */
enum {
    F_ID, F_MEETING, F_FIRST, F_LAST, F_EMAIL, F_ORG, F_ORG_ID, F_POSITION, F_PHONE,
    F_STATUS, F_WAITLIST, F_CREATED, F_UPDATED, F_ANSWERS, N_FIELDS
};
static const char *const field_names[N_FIELDS] = {
    "id", "meeting", "first_name", "last_name", "email", "organisation", "organisation_id",
    "position", "phone", "status", "waitlist_position", "created_at", "updated_at", "answers"};

static const char *text_of(const struct reg_view *v, int t) { return v->text + v->off[t]; }

/* A hook reads a few fields on every registration: the first letter picks
 * the one or two names to compare. */
static int field_of(const char *key)
{
    int f, g = -1;

    switch (key[0]) {
    case 'a': f = F_ANSWERS; break;
    case 'c': f = F_CREATED; break;
    case 'e': f = F_EMAIL; break;
    case 'f': f = F_FIRST; break;
    case 'i': f = F_ID; break;
    case 'l': f = F_LAST; break;
    case 'm': f = F_MEETING; break;
    case 'o': f = F_ORG, g = F_ORG_ID; break;
    case 'p': f = F_POSITION, g = F_PHONE; break;
    case 's': f = F_STATUS; break;
    case 'u': f = F_UPDATED; break;
    case 'w': f = F_WAITLIST; break;
    default: return -1;
    }
    if (strcmp(key, field_names[f]) == 0)
        return f;
    return g >= 0 && strcmp(key, field_names[g]) == 0 ? g : -1;
}

static int waitlisted(const struct reg_view *v)
{
    return v->waitlist_position > 0 && strcmp(text_of(v, T_STATUS), "waitlisted") == 0;
}

static void push_text_or_null(lua_State *L, const struct reg_view *v, int t)
{
    if (text_of(v, t)[0])
        lua_pushstring(L, text_of(v, t));
    else
        lj_push_null(L);
}

static void push_id_or_null(lua_State *L, long long id)
{
    if (id > 0)
        lua_pushinteger(L, id);
    else
        lj_push_null(L);
}

/* Pushes field f of the view at index 1; 0 when it has none (nil). */
static int push_field(lua_State *L, const struct reg_view *v, int f)
{
    char at[32];

    switch (f) {
    case F_ID: push_id_or_null(L, v->id); break;
    case F_MEETING: lua_pushinteger(L, v->meeting_id); break;
    case F_FIRST: lua_pushstring(L, text_of(v, T_FIRST)); break;
    case F_LAST: lua_pushstring(L, text_of(v, T_LAST)); break;
    case F_EMAIL: lua_pushstring(L, text_of(v, T_EMAIL)); break;
    case F_ORG: lua_pushstring(L, text_of(v, T_ORG)); break;
    case F_ORG_ID: push_id_or_null(L, v->organisation_id); break;
    case F_POSITION: push_text_or_null(L, v, T_POSITION); break;
    case F_PHONE: push_text_or_null(L, v, T_PHONE); break;
    case F_STATUS: lua_pushstring(L, text_of(v, T_STATUS)); break;
    case F_WAITLIST:
        if (!waitlisted(v))
            return 0;
        lua_pushinteger(L, v->waitlist_position);
        break;
    case F_CREATED:
    case F_UPDATED:
        tu_format_utc(f == F_CREATED ? v->created_at : v->updated_at, at);
        lua_pushstring(L, at);
        break;
    case F_ANSWERS:
        /* made at the first read when there are none, then kept: every read
         * gives the same table */
        if (lua_getiuservalue(L, 1, 1) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_newtable(L);
            if (luaL_getmetatable(L, "saiets.object") == LUA_TTABLE)
                lua_setmetatable(L, -2);
            else
                lua_pop(L, 1);
            lua_pushvalue(L, -1);
            lua_setiuservalue(L, 1, 1);
        }
        break;
    default: return 0;
    }
    return 1;
}

/* Only Lua calls it, with the view: the metatable is hidden (__metatable),
 * so no plugin can reach this function to call it with something else. */
static int view_index(lua_State *L)
{
    const struct reg_view *v = lua_touserdata(L, 1);
    const char *key = lua_tostring(L, 2);
    int f = key && lua_type(L, 2) == LUA_TSTRING ? field_of(key) : -1;

    return f >= 0 ? push_field(L, v, f) : 0;
}

static int view_newindex(lua_State *L)
{
    return luaL_error(L, "the registration an event gives is read-only");
}

/* next() for pairs(): the field after key (the first for nil) that has a value. */
static int view_next(lua_State *L)
{
    const struct reg_view *v = luaL_checkudata(L, 1, VIEW_MT);
    int f = 0;

    if (!lua_isnoneornil(L, 2)) {
        const char *key = lua_tostring(L, 2);
        f = key ? field_of(key) + 1 : N_FIELDS;
        if (f == 0)
            return luaL_error(L, "invalid key to 'next'");
    }
    lua_settop(L, 1);
    for (; f < N_FIELDS; f++) {
        lua_pushstring(L, field_names[f]);
        if (push_field(L, v, f))
            return 2;
        lua_pop(L, 1);
    }
    return 0;
}

static int view_pairs(lua_State *L)
{
    luaL_checkudata(L, 1, VIEW_MT);
    lua_pushcfunction(L, view_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

void plugin_reg_view_push(lua_State *L, const struct registration *r)
{
    const char *texts[N_TEXTS] = {r->first_name, r->last_name, r->email, r->organisation,
                                  r->position, r->phone, r->status};
    size_t len[N_TEXTS], total = 0;
    struct reg_view *v;

    for (int t = 0; t < N_TEXTS; t++)
        total += (len[t] = strlen(texts[t])) + 1;
    v = lua_newuserdatauv(L, sizeof *v + total, 1);
    v->id = r->id;
    v->meeting_id = r->meeting_id;
    v->organisation_id = r->organisation_id;
    v->waitlist_position = r->waitlist_position;
    v->created_at = r->created_at;
    v->updated_at = r->updated_at;
    total = 0;
    for (int t = 0; t < N_TEXTS; t++) {
        v->off[t] = (uint32_t)total;
        memcpy(v->text + total, texts[t], len[t] + 1);
        total += len[t] + 1;
    }
    if (luaL_newmetatable(L, VIEW_MT)) {
        lua_pushcfunction(L, view_index);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, view_newindex);
        lua_setfield(L, -2, "__newindex");
        lua_pushcfunction(L, view_pairs);
        lua_setfield(L, -2, "__pairs");
        lua_pushliteral(L, VIEW_MT);
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    if (r->answers && json_object_size(r->answers) > 0) {
        char err[200];

        if (lj_push_json(L, r->answers, NULL, err, sizeof err) < 0)
            luaL_error(L, "%s", err);
        lua_setiuservalue(L, -2, 1);
    }
}
