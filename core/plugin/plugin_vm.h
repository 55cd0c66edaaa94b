/* plugin_vm.h - one loaded plugin: its sandbox, the `saiets` host table
 * (host API version 1, docs/plugins.md) and what its plugin.lua registered
 * when it ran: hooks on events and routes.
 *
 * A vm belongs to one thread and, while it runs, to that thread's database
 * connection: its prepared statements live there.  Everything a plugin does
 * happens inside a call (plugin_vm_hook, plugin_vm_route) that the caller
 * gives a struct plugin_call: the connection, the meeting, the settings.
 * Inside it the plugin's SQL is checked by the connection's authorizer
 * (plugin_sql.h), long SQL is stopped, and the sandbox's budgets hold. */
#ifndef SAIETS_PLUGIN_VM_H
#define SAIETS_PLUGIN_VM_H

#include <jansson.h>
#include <lua.h>

#include "db.h"
#include "errors.h"

enum plugin_event {
    PLUGIN_EV_VALIDATE,     /* registration.validate: may refuse */
    PLUGIN_EV_CONFIRMED,    /* registration.confirmed */
    PLUGIN_EV_WAITLISTED,   /* registration.waitlisted */
    PLUGIN_EV_PROMOTED,     /* registration.promoted */
    PLUGIN_EV_CANCELLED,    /* registration.cancelled */
    PLUGIN_EV_AGENDA,       /* agenda.changed */
    PLUGIN_EV_ALLOCATION,   /* allocation.done */
    PLUGIN_EV_EXPORT,       /* export.columns: adds columns to the registration list */
    PLUGIN_EV_ENABLED,      /* plugin.enabled: an organizer enabled it for a meeting */
    PLUGIN_EV_VIEW,         /* registration.view: adds to a registration's JSON and calendar */
    PLUGIN_EV__COUNT
};

const char *plugin_event_name(enum plugin_event ev);
/* -1 for a name that is not an event. */
int plugin_event_from_name(const char *name);

/* Who may call a route; the host checks before the plugin runs. */
enum plugin_auth { PLUGIN_AUTH_PUBLIC, PLUGIN_AUTH_PARTICIPANT, PLUGIN_AUTH_ORGANIZER,
                   PLUGIN_AUTH_ADMIN };
const char *plugin_auth_name(enum plugin_auth a);

/* Route methods: the same bits as router.h's ROUTE_* (api_plugins.c checks). */
#define PLUGIN_GET (1u << 0)
#define PLUGIN_POST (1u << 1)
#define PLUGIN_PATCH (1u << 2)
#define PLUGIN_DELETE (1u << 3)
#define PLUGIN_PUT (1u << 4)

/* "GET", "POST"... for one of those bits ("GET" for anything else). */
const char *plugin_method_name(unsigned bit);

#define PLUGIN_ROUTE_PATH_MAX 128
#define PLUGIN_ROUTE_PARAMS 4

struct plugin_route {
    unsigned method; /* one PLUGIN_GET... bit */
    char path[PLUGIN_ROUTE_PATH_MAX]; /* "/activities/:activity/signups" */
    enum plugin_auth auth;
    int fn; /* registry reference */
};

/* What a vm is built from. */
struct plugin_code {
    const char *name;
    const char *version;
    unsigned reads;        /* PLUGIN_READ_* */
    const char *lua;       /* plugin.lua */
    size_t lua_len;
    json_t *locale_lv;     /* flat {key: text}, may be NULL (borrowed) */
    json_t *locale_en;
};

/* The budgets of one call into a plugin. */
#define PLUGIN_MEM_BYTES ((size_t)32 << 20)
#define PLUGIN_INSTRUCTIONS 2000000UL
#define PLUGIN_WALL_MS 200.0
#define PLUGIN_LOAD_WALL_MS 500.0
/* SQLite virtual machine steps one call may spend in SQL, in thousands. */
#define PLUGIN_SQL_KSTEPS 20000

struct plugin_call {
    struct db *db;
    long long meeting_id;    /* 0: none (admin calls) */
    const json_t *settings;  /* the meeting's settings for the plugin, complete; borrowed */
    const char *lang;        /* "lv" or "en" */
    /* A hook's writes are its own: the first write opens a savepoint, which
     * the hook's end releases, or rolls back when the hook fails or refuses
     * (so hooks that only read cost no savepoint). */
    int atomic;
    int savepoint_open;      /* plugin_vm's */
    char zone[260];          /* plugin_vm's: the meeting's zone once asked for */
    /* out: */
    json_t *result;          /* what the function returned, as JSON (NULL for nil) */
    int refused;             /* it returned saiets.refuse(field, message) */
    int failed;              /* it returned saiets.fail(status, code, message) */
    int status;              /* fail: the status */
    char code[48];           /* fail: the code */
    char field[96];          /* refuse, and fail when given: the field */
    char message[480];       /* refuse / fail: the message (room for the plugin's name
                                in an err's 512) */
};

struct plugin_vm;

/* Runs plugin.lua once in a new sandbox.  NULL with e = ERR_INVALID_PLUGIN
 * ("NAME/plugin.lua:12: ...") when it does not load, fails, or registers
 * something the API does not allow. */
struct plugin_vm *plugin_vm_load(const struct plugin_code *code, struct err *e);
void plugin_vm_free(struct plugin_vm *vm);

const char *plugin_vm_name(const struct plugin_vm *vm);
/* 1 when a call ran out of a budget: the vm refuses every call from then on
 * and its runtime loads the plugin again (plugin_rt_vm), so that one
 * runaway call does not fail the plugin's next ones. */
int plugin_vm_spent(const struct plugin_vm *vm);
/* 1 while a call into the vm runs (it must not be freed). */
int plugin_vm_busy(const struct plugin_vm *vm);
int plugin_vm_has_hook(const struct plugin_vm *vm, enum plugin_event ev);
/* The registration fields it declared (saiets.form.field), checked as a
 * meeting's own and keyed "NAME.key": a JSON list, borrowed. */
json_t *plugin_vm_form_fields(const struct plugin_vm *vm);
/* The routes, in the order registered. */
const struct plugin_route *plugin_vm_routes(const struct plugin_vm *vm, size_t *n);

/* Calls the hooks for ev, in the order registered, with payload (a JSON
 * object the plugin gets as a table) until one refuses or fails.  0 when
 * they ran (call->refused may be set, by registration.validate), -1 with
 * e = ERR_PLUGIN_FAILED ("plugin NAME, registration.confirmed: plugin.lua:12:
 * ...") when one raised an error or a budget ran out.  For export.columns
 * the returned columns are in call->result (a JSON array, NULL if none). */
int plugin_vm_hook(struct plugin_vm *vm, enum plugin_event ev, json_t *payload,
                   struct plugin_call *call, struct err *e);

/* The same with the payload pushed by push(L, arg) (one table, built
 * straight from C data: cheaper than going through JSON on a hot path).
 * push may raise (memory): it runs protected. */
typedef void (*plugin_push_fn)(lua_State *L, void *arg);
int plugin_vm_hook_push(struct plugin_vm *vm, enum plugin_event ev, plugin_push_fn push,
                        void *arg, struct plugin_call *call, struct err *e);

/* Calls route i with the request (a JSON object).  0 with call->result the
 * returned table ({"status": N, "body": ...}) or call->failed set; -1 with
 * e as for plugin_vm_hook. */
int plugin_vm_route(struct plugin_vm *vm, size_t i, json_t *request, struct plugin_call *call,
                    struct err *e);

/* Matches a route path ("/activities/:activity") against rest
 * ("/activities/12"): 1 with params {"activity": "12"} (a new object) set,
 * 0 when it does not match. */
int plugin_route_match(const char *pattern, const char *rest, json_t **params);

#endif
