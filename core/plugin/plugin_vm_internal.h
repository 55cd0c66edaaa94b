/* plugin_vm_internal.h - what plugin_vm.c (loading a plugin, calling into it)
 * and plugin_api.c (the `saiets` host table it calls back) share: the vm
 * itself and the limits of what a plugin registers and runs. */
#ifndef SAIETS_PLUGIN_VM_INTERNAL_H
#define SAIETS_PLUGIN_VM_INTERNAL_H

#include <lua.h>
#include <sqlite3.h>

#include "lua_sandbox.h"
#include "plugin_name.h"
#include "plugin_sql.h"
#include "plugin_vm.h"

#define MAX_ROUTES 32
#define MAX_FORM_FIELDS 10
#define MAX_HOOKS_PER_EVENT 8
#define STMT_CACHE 32
#define SQL_MAX_BYTES 8192
#define SQL_MAX_PARAMS 32
#define SQL_MAX_ROWS 10000
#define REFUSAL_MT "saiets.refusal"
#define FAILURE_MT "saiets.failure"

struct cached_stmt {
    char *sql;
    sqlite3_stmt *st;
};

struct plugin_vm {
    char name[PLUGIN_NAME_MAX + 1];
    unsigned reads;
    struct lsb *sb;
    int loading;                       /* saiets.on / route allowed */
    int hooks[PLUGIN_EV__COUNT][MAX_HOOKS_PER_EVENT]; /* registry refs */
    int nhooks[PLUGIN_EV__COUNT];
    struct plugin_route routes[MAX_ROUTES];
    size_t nroutes;
    json_t *fields;                    /* saiets.form.field's, checked (own ref) */
    json_t *locale_lv, *locale_en;     /* own references */
    json_t *settings_src;              /* the settings settings_ref was made from (own ref) */
    int settings_ref;
    /* the call in progress (NULL outside one) */
    struct plugin_call *call;
    struct plugin_sql_policy policy;
    double deadline_ms;
    unsigned long sql_ksteps;
    /* statements, prepared on stmt_db */
    struct db *stmt_db;
    struct cached_stmt stmts[STMT_CACHE];
    unsigned next_stmt;
};

/* Runs in lsb_pcall with the vm as argument 1: builds the `saiets` host
 * table and sets it as the plugin's global (plugin_api.c). */
int plugin_api_install(lua_State *L);

/* Finalizes the vm's cached statements (on the thread that made them). */
void plugin_api_stmts_clear(struct plugin_vm *vm);

#endif
