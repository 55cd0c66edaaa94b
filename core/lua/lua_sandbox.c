/* lua_sandbox.c - a budgeted, allow-listed Lua 5.4 state; see lua_sandbox.h.
 *
 * Three mechanisms, each small:
 *  - the allocator counts every byte the state holds and refuses growth past
 *    the cap (never a shrink, which Lua assumes cannot fail);
 *  - a count hook charges instructions and looks at the clock every
 *    LSB_HOOK_STEP instructions; once a budget trips it re-arms itself to
 *    fire on every instruction, so each Lua frame a pcall returns into
 *    raises again until the error reaches lsb_pcall; work done in C
 *    (pattern matching, a few library loops) is charged by lsb_charge,
 *    which trips the budgets the same way;
 *  - the environment is a table built from names we chose, and it replaces
 *    the registry's globals, so the original _G (load, dofile, require...)
 *    is reachable from nowhere a script can see. */
#include "lua_sandbox.h"

#include "lua_pattern.h"

#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LSB_HOOK_STEP 1000                     /* instructions between clock reads */
#define LSB_CHARGE_CLOCK 65536                 /* charged instructions between clock reads */
#define LSB_SCAN_BYTES 16                      /* bytes a C loop visits one by one, per unit */
#define LSB_COPY_BYTES 64                      /* bytes memcpy'd, per unit */
#define LSB_CHECK_BYTES ((size_t)1 << 20)      /* allocated bytes that force a clock read */
#define LSB_MAX_HOST 4
#define LSB_PRINT_MAX 1024
#define LSB_NAME_MAX 256

enum lsb_trip { LSB_TRIP_NONE, LSB_TRIP_INSTRUCTIONS, LSB_TRIP_TIME };

struct lsb {
    lua_State *L;
    struct lsb_limits lim;
    size_t used;           /* bytes the state holds, as Lua sees its blocks */
    size_t since_check;    /* bytes allocated since the hook last read the clock */
    unsigned long charged; /* instructions lsb_charge took since it read the clock */
    int depth;             /* lsb_pcall nesting; budgets armed while > 0 */
    int armed;             /* the count the hook was last set with */
    unsigned long left;    /* instructions left in the outermost call */
    double deadline;       /* monotonic ms */
    int mem_refused;       /* the allocator said no during this call */
    enum lsb_trip tripped; /* sticky: the sandbox is spent */
    char trip_msg[LUA_IDSIZE + 64];
    lsb_print_fn print;
    void *print_ctx;
    int nhost;
    char host_source[LSB_MAX_HOST][LUA_IDSIZE + 1]; /* "=name" as given to load */
};

static void lsb_hook(lua_State *L, lua_Debug *ar);

static double mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static struct lsb *lsb_of(lua_State *L)
{
    void *ud = NULL;

    lua_getallocf(L, &ud);
    return ud;
}

/* Sets the hook's period; lua_sethook walks the call stack, so only when it
 * changes. */
static void lsb_arm(struct lsb *sb, int count)
{
    if (sb->armed != count) {
        lua_sethook(sb->L, lsb_hook, LUA_MASKCOUNT, count);
        sb->armed = count;
    }
}

/* Makes the hook run at the next instruction (to read the clock).  Safe from
 * inside the allocator: lua_sethook only sets fields (lua.c calls it from a
 * signal handler). */
static void lsb_poke(struct lsb *sb)
{
    if (sb->L != NULL && sb->depth > 0 && sb->tripped == LSB_TRIP_NONE)
        lsb_arm(sb, 1);
}

/* --- memory --------------------------------------------------------------- */

static void *lsb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct lsb *sb = ud;
    void *p;

    if (ptr == NULL)
        osize = 0; /* osize then names the kind of object, not a size */
    if (nsize == 0) {
        free(ptr);
        sb->used -= osize;
        return NULL;
    }
    if (nsize > osize &&
        (sb->used > sb->lim.mem_bytes || nsize - osize > sb->lim.mem_bytes - sb->used)) {
        /* Lua runs an emergency collection and asks again once; if that is
         * refused too the request fails with LUA_ERRMEM.  A collection can
         * take long on a full heap: read the clock soon. */
        sb->mem_refused = 1;
        lsb_poke(sb);
        return NULL;
    }
    p = realloc(ptr, nsize);
    if (p == NULL) {
        if (nsize <= osize) {
            /* Never fail a shrink: the old block is big enough.  Counted as
             * Lua sees it, so that its later free balances. */
            sb->used = sb->used - osize + nsize;
            return ptr;
        }
        sb->mem_refused = 1;
        return NULL;
    }
    sb->used = sb->used - osize + nsize;
    if (nsize > osize && sb->depth > 0) {
        sb->since_check += nsize - osize;
        if (sb->since_check >= LSB_CHECK_BYTES) {
            sb->since_check = 0;
            lsb_poke(sb);
        }
    }
    return p;
}

size_t lsb_mem_used(struct lsb *sb) { return sb->used; }

int lsb_spent(const struct lsb *sb) { return sb->tripped != LSB_TRIP_NONE; }

/* --- where in the script -------------------------------------------------- */

static int lsb_is_host(const struct lsb *sb, const char *source)
{
    for (int i = 0; i < sb->nhost; i++)
        if (strcmp(sb->host_source[i], source) == 0)
            return 1;
    return 0;
}

int lsb_script_where(lua_State *L, char *src, size_t srcsz)
{
    struct lsb *sb = lsb_of(L);
    lua_Debug ar;

    /* Innermost first; level 0 is the running function (a C function when
     * called from one, the Lua function itself inside the hook). */
    for (int level = 0; level < 200 && lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || lsb_is_host(sb, ar.source))
            continue;
        snprintf(src, srcsz, "%s", ar.short_src);
        return ar.currentline;
    }
    if (srcsz > 0)
        src[0] = '\0';
    return 0;
}

/* 1 when msg starts with "src:DIGITS:". */
static int lsb_has_position(const char *msg, const char *src)
{
    size_t n = strlen(src);

    return n > 0 && strncmp(msg, src, n) == 0 && msg[n] == ':' && msg[n + 1] >= '0' &&
           msg[n + 1] <= '9';
}

/* msg past a host chunk's "name:LINE: " prefix, or msg itself. */
static const char *lsb_strip_host(const struct lsb *sb, const char *msg)
{
    for (int i = 0; i < sb->nhost; i++) {
        const char *name = sb->host_source[i] + 1; /* short_src of "=name" */
        const char *p;

        if (!lsb_has_position(msg, name))
            continue;
        p = msg + strlen(name) + 1;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == ':')
            p++;
        if (*p == ' ')
            p++;
        return p;
    }
    return msg;
}

/* Message handler: make the message "script:LINE: text" with the line of
 * the innermost script frame, taking the place of a host chunk's position.
 * C, so the count hook never fires inside it. */
static int lsb_msgh(lua_State *L)
{
    struct lsb *sb = lsb_of(L);
    char src[LUA_IDSIZE];
    const char *msg, *body;
    int line;

    /* stack: error object */
    if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER)
        msg = lua_tostring(L, 1);
    else
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    /* stack: error object [, its description] */
    line = lsb_script_where(L, src, sizeof src);
    body = lsb_strip_host(sb, msg);
    if (line <= 0 || (body == msg && lsb_has_position(msg, src)))
        lua_pushstring(L, body);
    else
        lua_pushfstring(L, "%s:%d: %s", src, line, body);
    /* stack: error object [, description], message */
    return 1;
}

/* --- budgets -------------------------------------------------------------- */

static int lsb_trip(lua_State *L, struct lsb *sb, enum lsb_trip kind, const char *what)
{
    char src[LUA_IDSIZE];
    int line = lsb_script_where(L, src, sizeof src);

    if (line > 0)
        snprintf(sb->trip_msg, sizeof sb->trip_msg, "%s:%d: %s", src, line, what);
    else
        snprintf(sb->trip_msg, sizeof sb->trip_msg, "%s", what);
    sb->tripped = kind;
    lsb_arm(sb, 1); /* from now on every instruction raises */
    lua_pushstring(L, sb->trip_msg);
    return lua_error(L);
}

static void lsb_hook(lua_State *L, lua_Debug *ar)
{
    struct lsb *sb = lsb_of(L);

    (void)ar;
    if (sb->tripped != LSB_TRIP_NONE) {
        lua_pushstring(L, sb->trip_msg);
        lua_error(L);
    }
    if (sb->depth == 0) {
        /* Lua outside lsb_pcall: a finalizer or metamethod the host set off
         * by accident.  Refuse it rather than run it without budgets. */
        lua_pushliteral(L, "sandbox: Lua code runs only inside lsb_pcall");
        lua_error(L);
    }
    sb->left = sb->left > (unsigned long)sb->armed ? sb->left - (unsigned long)sb->armed : 0;
    sb->since_check = 0;
    if (sb->left == 0)
        lsb_trip(L, sb, LSB_TRIP_INSTRUCTIONS, LSB_MSG_INSTRUCTIONS);
    if (mono_ms() >= sb->deadline)
        lsb_trip(L, sb, LSB_TRIP_TIME, LSB_MSG_TIME);
    lsb_arm(sb, sb->left < LSB_HOOK_STEP ? (int)sb->left : LSB_HOOK_STEP);
}

void lsb_charge(lua_State *L, unsigned long n)
{
    void *ud = NULL;
    struct lsb *sb;

    if (lua_getallocf(L, &ud) != lsb_alloc)
        return; /* not a sandbox's state: nobody to charge */
    sb = ud;
    if (sb->depth == 0)
        return; /* host code outside lsb_pcall: no budget armed */
    if (sb->tripped != LSB_TRIP_NONE) {
        lua_pushstring(L, sb->trip_msg);
        lua_error(L);
    }
    if (n == 0)
        return;
    if (n >= sb->left) {
        sb->left = 0;
        lsb_trip(L, sb, LSB_TRIP_INSTRUCTIONS, LSB_MSG_INSTRUCTIONS);
    }
    sb->left -= n;
    /* The clock, since work charged here ran (or will run) in C where no
     * hook fires; less often than the hook reads it, because a charged
     * step (a byte compared) is far cheaper than a VM instruction: 64 K
     * of them take some 20-200 us. */
    sb->charged += n;
    if (sb->charged >= LSB_CHARGE_CLOCK) {
        sb->charged = 0;
        if (mono_ms() >= sb->deadline)
            lsb_trip(L, sb, LSB_TRIP_TIME, LSB_MSG_TIME);
    }
}

/* lsb_charge for the wrappers' counts, which may exceed an unsigned long
 * where that is 32 bits. */
static void lsb_charge_wide(lua_State *L, lua_Unsigned n)
{
#if LUA_MAXUNSIGNED > ULONG_MAX
    if (n > ULONG_MAX)
        n = ULONG_MAX;
#endif
    lsb_charge(L, (unsigned long)n);
}

/* --- library wrappers ----------------------------------------------------- */

/* Calls upvalue 1 (the original library function) with this call's
 * arguments; errors then name it "table.insert" (found in _LOADED). */
static int lsb_call_original(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    /* stack: original, args... */
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* lsb_call_original for the string functions that neither call back into
 * Lua nor use upvalues (lower, upper, reverse, format, sub, utf8.len,
 * tonumber): called straight on this frame's arguments, a plugin's
 * string.lower costs a C call instead of a Lua call (some 2k instructions
 * on the registration path).  An error still names the wrapper's field. */
static int lsb_call_plain(lua_State *L)
{
    lua_CFunction f = lua_tocfunction(L, lua_upvalueindex(1));

    return f != NULL ? f(L) : lsb_call_original(L);
}

static lua_Unsigned lsb_span(lua_Integer from, lua_Integer to)
{
    return to >= from ? (lua_Unsigned)to - (lua_Unsigned)from + 1 : 0;
}

static lua_Integer lsb_len_or_zero(lua_State *L, int idx)
{
    return lua_type(L, idx) == LUA_TTABLE ? luaL_len(L, idx) : 0;
}

/* Bytes copied or scanned in C, per_unit of them to the charged unit: a C
 * loop visiting bytes one by one (toupper, a UTF-8 decoder, strtod) does
 * LSB_SCAN_BYTES in about the time of a VM instruction, memcpy about
 * LSB_COPY_BYTES.  Charging also reads the clock (every LSB_CHARGE_CLOCK
 * units), which is what bounds a loop of many short calls over a big
 * string: without it the hook reads the clock only every 1000 VM
 * instructions, and 250 scans of 4 MB fit between two reads. */
static void lsb_charge_bytes(lua_State *L, lua_Unsigned bytes, unsigned per_unit)
{
    lsb_charge_wide(L, bytes / per_unit + 1);
}

/* The length of the string at idx (an argument, or a result once
 * lsb_call_original has replaced the arguments with them); 0 for anything
 * else (a number converts in a few bytes: free). */
static size_t lsb_str_len_at(lua_State *L, int idx)
{
    return lua_type(L, idx) == LUA_TSTRING ? lua_rawlen(L, idx) : 0;
}

/* string.upper, lower, reverse, utf8.len, tonumber: one pass over the
 * whole first argument (tonumber(s) of 4 MB of blanks scans it twice and
 * allocates nothing, so no allocation makes the hook look at the clock). */
static int lsb_str_whole(lua_State *L)
{
    lsb_charge_bytes(L, lsb_str_len_at(L, 1), LSB_SCAN_BYTES);
    return lsb_call_plain(L);
}

/* string.format: "%s" copies a string argument whole, "%.3s" runs strlen
 * over it, "%q" scans it: charged for every string argument, the format
 * included. */
static int lsb_str_format(lua_State *L)
{
    lua_Unsigned bytes = 0;

    for (int i = 1, n = lua_gettop(L); i <= n; i++)
        bytes += lsb_str_len_at(L, i);
    lsb_charge_bytes(L, bytes, LSB_COPY_BYTES);
    return lsb_call_plain(L);
}

/* string.sub: the copy is the result, whose length is known only after
 * (charging the subject instead would make s:sub(i, i) over a long text
 * quadratic). */
static int lsb_str_sub(lua_State *L)
{
    int n = lsb_call_plain(L);

    /* the result is on top (below it, the arguments when called plain) */
    lsb_charge_bytes(L, n > 0 ? lsb_str_len_at(L, -1) : 0, LSB_COPY_BYTES);
    return n;
}

/* string.byte, utf8.codepoint: one pushed value per byte or character of
 * the slice (s:byte(1, -1) pushes up to a million). */
static int lsb_str_values_out(lua_State *L)
{
    int n = lsb_call_original(L);

    lsb_charge_wide(L, (lua_Unsigned)n);
    return n;
}

/* string.char, utf8.char: one byte or character per argument. */
static int lsb_str_values_in(lua_State *L)
{
    lsb_charge_wide(L, (lua_Unsigned)lua_gettop(L));
    return lsb_call_original(L);
}

/* utf8.offset(s, n): walks |n| characters, at most the whole string. */
static int lsb_utf8_offset(lua_State *L)
{
    size_t l = lsb_str_len_at(L, 1);
    lua_Integer n = lua_tointegerx(L, 2, NULL); /* 0 if not one: the original complains */
    lua_Unsigned walk = n < 0 ? (lua_Unsigned)0 - (lua_Unsigned)n : (lua_Unsigned)n;

    lsb_charge_bytes(L, walk < l ? walk : l, LSB_SCAN_BYTES);
    return lsb_call_original(L);
}

/* string.rep: the original loops n times even when the result is empty
 * (string.rep("", 2^62) never returns).  A result that cannot fit is left
 * to the original, whose allocation fails with a memory error; one that
 * fits is charged for its copies. */
static int lsb_str_rep(lua_State *L)
{
    struct lsb *sb = lsb_of(L);
    size_t l, lsep, room;
    lua_Integer n;

    luaL_checklstring(L, 1, &l);
    n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    room = sb->lim.mem_bytes > sb->used ? sb->lim.mem_bytes - sb->used : 0;
    /* Refused here rather than by the allocator: a memory error raised by
     * the allocator carries no line, this one names the script's. */
    if ((lua_Unsigned)n > room / (l + lsep))
        return luaL_error(L, "%s", LSB_MSG_MEMORY);
    /* a memcpy per repetition, and the bytes (at most room: no overflow) */
    lsb_charge_wide(L, (lua_Unsigned)n / 16);
    lsb_charge_bytes(L, (lua_Unsigned)n * (l + lsep), LSB_COPY_BYTES);
    return lsb_call_original(L);
}

/* table.insert/remove shift up to #t elements; #t may come from __len. */
static int lsb_tab_shift(lua_State *L)
{
    lua_Integer n = lsb_len_or_zero(L, 1);

    lsb_charge_wide(L, n > 0 ? (lua_Unsigned)n : 0);
    return lsb_call_original(L);
}

static int lsb_tab_move(lua_State *L)
{
    lsb_charge_wide(L, lsb_span(luaL_checkinteger(L, 2), luaL_checkinteger(L, 3)));
    return lsb_call_original(L);
}

static int lsb_tab_concat(lua_State *L)
{
    lua_Integer i = luaL_optinteger(L, 3, 1);
    lua_Integer j = lua_isnoneornil(L, 4) ? lsb_len_or_zero(L, 1) : luaL_checkinteger(L, 4);

    int n;

    lsb_charge_wide(L, lsb_span(i, j));
    n = lsb_call_original(L);
    /* and the bytes copied, known once the result is made */
    lsb_charge_bytes(L, n > 0 ? lsb_str_len_at(L, 1) : 0, LSB_COPY_BYTES);
    return n;
}

static int lsb_tab_unpack(lua_State *L)
{
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer j = lua_isnoneornil(L, 3) ? lsb_len_or_zero(L, 1) : luaL_checkinteger(L, 3);

    lsb_charge_wide(L, lsb_span(i, j));
    return lsb_call_original(L);
}

static int lsb_tab_sort(lua_State *L)
{
    lua_Integer n = lsb_len_or_zero(L, 1);
    lua_Unsigned cost = 0;

    if (n > 1) {
        unsigned log2n = 1;

        while (log2n < 63 && ((lua_Unsigned)1 << log2n) < (lua_Unsigned)n)
            log2n++;
        cost = (lua_Unsigned)n > UINT64_MAX / log2n ? UINT64_MAX : (lua_Unsigned)n * log2n;
    }
    lsb_charge_wide(L, cost);
    return lsb_call_original(L);
}

/* os.date calls strftime once per conversion in the format. */
static int lsb_os_date(lua_State *L)
{
    size_t l;

    luaL_optlstring(L, 1, "%c", &l);
    lsb_charge_wide(L, l);
    return lsb_call_original(L);
}

/* setmetatable without __gc: a finalizer would run whenever the collector
 * gets to it, possibly outside any budget. */
static int lsb_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not allowed in the sandbox");
        lua_pop(L, 1);
    }
    return lsb_call_original(L);
}

/* xpcall's handler, wrapped: after a budget has tripped the error comes
 * from inside the count hook, where Lua runs the handler with hooks off, so
 * a script's handler would run unbudgeted ("function(m) while true do end
 * end").  Then the message passes through untouched. */
static int lsb_xpcall_handler(lua_State *L)
{
    struct lsb *sb = lsb_of(L);

    if (sb->tripped != LSB_TRIP_NONE || sb->depth == 0)
        return 1;
    return lsb_call_original(L);
}

static int lsb_xpcall(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, lsb_xpcall_handler, 1);
    lua_replace(L, 2);
    /* stack: f, wrapped handler, args... */
    return lsb_call_original(L);
}

static int lsb_print(lua_State *L)
{
    struct lsb *sb = lsb_of(L);
    char line[LSB_PRINT_MAX];
    size_t len = 0;
    int n = lua_gettop(L);

    if (sb->print == NULL)
        return 0;
    for (int i = 1; i <= n; i++) {
        size_t l;
        const char *s = luaL_tolstring(L, i, &l); /* may run __tostring (budgeted) */

        /* stack: args..., s */
        if (i > 1 && len < sizeof line)
            line[len++] = '\t';
        if (l > sizeof line - len)
            l = sizeof line - len;
        memcpy(line + len, s, l);
        len += l;
        lua_pop(L, 1);
    }
    sb->print(sb->print_ctx, line, len);
    return 0;
}

/* --- the environment ------------------------------------------------------ */

struct lsb_wrap {
    const char *name;
    lua_CFunction fn; /* NULL: copied as is */
};

static const struct lsb_wrap lsb_base_names[] = {
    {"assert", NULL},   {"error", NULL},    {"ipairs", NULL},       {"next", NULL},
    {"pairs", NULL},    {"pcall", NULL},    {"select", NULL},
    {"tostring", NULL}, {"type", NULL},     {"rawequal", NULL},     {"rawget", NULL},
    {"rawset", NULL},   {"rawlen", NULL},   {"getmetatable", NULL}, {"_VERSION", NULL},
    {"tonumber", lsb_str_whole},
    {"xpcall", lsb_xpcall}, {"setmetatable", lsb_setmetatable},     {NULL, NULL}};

/* Not dump (bytecode), pack/unpack/packsize (binary formats nobody here
 * needs). */
static const struct lsb_wrap lsb_string_names[] = {
    {"byte", lsb_str_values_out}, {"char", lsb_str_values_in}, {"find", NULL},
    {"format", lsb_str_format},   {"gmatch", NULL},            {"gsub", NULL},
    {"len", NULL},                {"lower", lsb_str_whole},    {"match", NULL},
    {"reverse", lsb_str_whole},   {"sub", lsb_str_sub},        {"upper", lsb_str_whole},
    {"rep", lsb_str_rep},         {NULL, NULL}};

static const struct lsb_wrap lsb_table_names[] = {
    {"pack", NULL},  {"concat", lsb_tab_concat}, {"insert", lsb_tab_shift},
    {"remove", lsb_tab_shift}, {"move", lsb_tab_move}, {"sort", lsb_tab_sort},
    {"unpack", lsb_tab_unpack}, {NULL, NULL}};

static const struct lsb_wrap lsb_math_names[] = {
    {"abs", NULL},  {"ceil", NULL},  {"floor", NULL}, {"fmod", NULL},  {"modf", NULL},
    {"max", NULL},  {"min", NULL},   {"sqrt", NULL},  {"exp", NULL},   {"log", NULL},
    {"sin", NULL},  {"cos", NULL},   {"tan", NULL},   {"asin", NULL},  {"acos", NULL},
    {"atan", NULL}, {"deg", NULL},   {"rad", NULL},   {"tointeger", NULL},
    {"type", NULL}, {"ult", NULL},   {"random", NULL}, {"randomseed", NULL},
    {"pi", NULL},   {"huge", NULL},  {"maxinteger", NULL}, {"mininteger", NULL},
    {NULL, NULL}};

static const struct lsb_wrap lsb_utf8_names[] = {
    {"char", lsb_str_values_in}, {"charpattern", NULL},          {"codes", NULL},
    {"codepoint", lsb_str_values_out}, {"len", lsb_str_whole}, {"offset", lsb_utf8_offset},
    {NULL, NULL}};

static const struct lsb_wrap lsb_os_names[] = {
    {"time", NULL}, {"clock", NULL}, {"date", lsb_os_date}, {NULL, NULL}};

/* Copies the listed names from the table at `from` into the table on top,
 * wrapping those that have a wrapper (the original becomes its upvalue). */
static void lsb_copy(lua_State *L, int from, const struct lsb_wrap *names)
{
    for (const struct lsb_wrap *w = names; w->name != NULL; w++) {
        if (lua_getfield(L, from, w->name) == LUA_TNIL)
            luaL_error(L, "sandbox: the library has no %s", w->name);
        /* stack: ..., dst, value */
        if (w->fn != NULL)
            lua_pushcclosure(L, w->fn, 1);
        lua_setfield(L, -2, w->name);
    }
}

/* Runs in lua_pcall.  stack: sb */
static int lsb_setup(lua_State *L)
{
    static const struct {
        const char *name;
        lua_CFunction open;
        const struct lsb_wrap *names;
    } libs[] = {
        {LUA_STRLIBNAME, luaopen_string, lsb_string_names},
        {LUA_TABLIBNAME, luaopen_table, lsb_table_names},
        {LUA_MATHLIBNAME, luaopen_math, lsb_math_names},
        {LUA_UTF8LIBNAME, luaopen_utf8, lsb_utf8_names},
        {LUA_OSLIBNAME, luaopen_os, lsb_os_names},
    };
    int g0, env;

    /* Opened the usual way so that they sit in the registry's _LOADED, where
     * error messages find their names; scripts never see these tables. */
    luaL_requiref(L, LUA_GNAME, luaopen_base, 0);
    g0 = lua_gettop(L);
    /* stack: sb, _G0 */
    lua_createtable(L, 0, 32);
    env = lua_gettop(L);
    /* stack: sb, _G0, env */
    lsb_copy(L, g0, lsb_base_names);
    lua_pushcfunction(L, lsb_print);
    lua_setfield(L, env, "print");
    lua_pushvalue(L, env);
    lua_setfield(L, env, LUA_GNAME);
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].open, 0);
        /* Pattern matching that charges its steps (lua_pattern.h) instead
         * of one uninterruptible C call; replaced in the library itself too,
         * so that error messages name it "string.find". */
        if (libs[i].names == lsb_string_names)
            lpat_register(L, -1, lsb_charge);
        lua_createtable(L, 0, 16);
        /* stack: sb, _G0, env, lib0, lib */
        lsb_copy(L, env + 1, libs[i].names);
        lua_setfield(L, env, libs[i].name);
        lua_pop(L, 1);
        /* stack: sb, _G0, env */
    }
    /* Strings' methods come from the sandbox's string table, and their
     * metatable is not handed out (it would reach the original string.dump). */
    lua_pushliteral(L, "");
    lua_createtable(L, 0, 2);
    lua_getfield(L, env, LUA_STRLIBNAME);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    /* stack: sb, _G0, env, "", mt */
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
    /* The sandbox table becomes the globals: every chunk loaded gets it as
     * _ENV, and the old _G stays only in _LOADED. */
    lua_pushvalue(L, env);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_settop(L, 0);
    return 0;
}

static int lsb_panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);

    fprintf(stderr, "saiets: Lua error outside a protected call: %s\n", msg ? msg : "?");
    return 0; /* Lua aborts */
}

/* --- public --------------------------------------------------------------- */

static void lsb_errf(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void lsb_errf(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errsz == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

struct lsb *lsb_new(const struct lsb_limits *lim, char *err, size_t errsz)
{
    struct lsb *sb = calloc(1, sizeof *sb);
    int status;

    if (sb == NULL) {
        lsb_errf(err, errsz, "%s", "out of memory");
        return NULL;
    }
    sb->lim.mem_bytes = lim && lim->mem_bytes ? lim->mem_bytes : LSB_DEFAULT_MEM_BYTES;
    sb->lim.instructions =
        lim && lim->instructions ? lim->instructions : LSB_DEFAULT_INSTRUCTIONS;
    sb->lim.wall_ms = lim && lim->wall_ms > 0 ? lim->wall_ms : LSB_DEFAULT_WALL_MS;
    sb->L = lua_newstate(lsb_alloc, sb);
    if (sb->L == NULL) {
        lsb_errf(err, errsz, "%s", LSB_MSG_MEMORY);
        free(sb);
        return NULL;
    }
    lua_atpanic(sb->L, lsb_panic);
    lsb_arm(sb, 1); /* idle: any Lua instruction outside lsb_pcall raises */
    lua_pushcfunction(sb->L, lsb_setup);
    lua_pushlightuserdata(sb->L, sb);
    status = lua_pcall(sb->L, 1, 0, 0); /* only C runs: no traceback to show */
    if (status != LUA_OK) {
        const char *msg = lua_tostring(sb->L, -1);

        lsb_errf(err, errsz, "%s",
                 status == LUA_ERRMEM ? LSB_MSG_MEMORY : msg ? msg : "setup failed");
        lsb_free(sb);
        return NULL;
    }
    return sb;
}

lua_State *lsb_state(struct lsb *sb) { return sb->L; }

void lsb_push_env(struct lsb *sb) { lua_pushglobaltable(sb->L); }

void lsb_set_print(struct lsb *sb, lsb_print_fn sink, void *ctx)
{
    sb->print = sink;
    sb->print_ctx = ctx;
}

static int lsb_load_as(struct lsb *sb, const char *code, size_t len, const char *chunkname,
                       int host, char *err, size_t errsz)
{
    lua_State *L = sb->L;
    char name[LSB_NAME_MAX], shortsrc[LSB_NAME_MAX];
    const char *msg;
    int status;

    if (code == NULL || chunkname == NULL || chunkname[0] == '\0') {
        lsb_errf(err, errsz, "%s", "no code or no chunk name");
        return -1;
    }
    if (chunkname[0] == '=' || chunkname[0] == '@')
        snprintf(name, sizeof name, "%s", chunkname);
    else
        snprintf(name, sizeof name, "=%s", chunkname);
    /* What Lua shows for "=name" and for a short "@file". */
    snprintf(shortsrc, sizeof shortsrc, "%.*s", LUA_IDSIZE - 1, name + 1);
    if (host && (name[0] != '=' || strlen(name) > LUA_IDSIZE || sb->nhost == LSB_MAX_HOST)) {
        lsb_errf(err, errsz, "%s", "host chunk: needs a short name, at most 4 per sandbox");
        return -1;
    }
    if (!lua_checkstack(L, 1)) {
        lsb_errf(err, errsz, "%s", "stack overflow");
        return -1;
    }
    /* Mode "t": a binary chunk could break the VM's invariants. */
    status = luaL_loadbufferx(L, code, len, name, "t");
    if (status != LUA_OK) {
        msg = lua_tostring(L, -1);
        if (status == LUA_ERRMEM || msg == NULL)
            lsb_errf(err, errsz, "%s: %s", shortsrc, LSB_MSG_MEMORY);
        else if (strncmp(msg, shortsrc, strlen(shortsrc)) == 0)
            lsb_errf(err, errsz, "%s", msg);
        else
            lsb_errf(err, errsz, "%s: %s", shortsrc, msg);
        lua_pop(L, 1);
        return -1;
    }
    if (host && !lsb_is_host(sb, name)) /* strlen(name) <= LUA_IDSIZE, checked above */
        memcpy(sb->host_source[sb->nhost++], name, strlen(name) + 1);
    return 0;
}

int lsb_load(struct lsb *sb, const char *code, size_t len, const char *chunkname,
             char *err, size_t errsz)
{
    return lsb_load_as(sb, code, len, chunkname, 0, err, errsz);
}

int lsb_load_host(struct lsb *sb, const char *code, size_t len, const char *chunkname,
                  char *err, size_t errsz)
{
    return lsb_load_as(sb, code, len, chunkname, 1, err, errsz);
}

int lsb_pcall(struct lsb *sb, int nargs, int nresults, char *err, size_t errsz)
{
    lua_State *L = sb->L;
    int base = lua_gettop(L) - nargs; /* the function */
    int outer = sb->depth == 0;
    int status;
    const char *msg;

    if (sb->tripped != LSB_TRIP_NONE || !lua_checkstack(L, 1)) {
        lsb_errf(err, errsz, "%s", sb->tripped != LSB_TRIP_NONE ? sb->trip_msg : "stack overflow");
        lua_settop(L, base - 1);
        return -1;
    }
    lua_pushcfunction(L, lsb_msgh);
    lua_insert(L, base);
    /* stack: ..., msgh, function, args... */
    if (outer) {
        sb->left = sb->lim.instructions;
        sb->deadline = mono_ms() + sb->lim.wall_ms;
        sb->mem_refused = 0;
        sb->since_check = 0;
        sb->armed = 0; /* force lua_sethook: resets the hook's countdown */
        lsb_arm(sb, sb->left < LSB_HOOK_STEP ? (int)sb->left : LSB_HOOK_STEP);
    }
    sb->depth++;
    status = lua_pcall(L, nargs, nresults, base);
    sb->depth--;
    if (outer)
        lsb_arm(sb, 1);
    lua_remove(L, base);
    /* stack: ..., results or error message */
    if (status == LUA_OK && outer && mono_ms() >= sb->deadline) {
        /* One C call that charges nothing (a host function) can run past
         * the clock without a hook firing: what it returns late is refused
         * all the same, and the sandbox is spent like after any trip. */
        snprintf(sb->trip_msg, sizeof sb->trip_msg, "%s (a library call ran past it)",
                 LSB_MSG_TIME);
        sb->tripped = LSB_TRIP_TIME;
        lua_settop(L, base - 1);
        lsb_errf(err, errsz, "%s", sb->trip_msg);
        return -1;
    }
    if (status == LUA_OK)
        return 0;
    if (sb->tripped != LSB_TRIP_NONE)
        msg = sb->trip_msg;
    else if (status == LUA_ERRMEM || (status == LUA_ERRERR && sb->mem_refused))
        msg = LSB_MSG_MEMORY;
    else if ((msg = lua_tostring(L, -1)) == NULL)
        msg = "error";
    lsb_errf(err, errsz, "%s", msg);
    lua_pop(L, 1);
    return -1;
}

void lsb_free(struct lsb *sb)
{
    if (sb == NULL)
        return;
    if (sb->L != NULL)
        lua_close(sb->L);
    sb->L = NULL;
    free(sb);
}
