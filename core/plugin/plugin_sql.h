/* plugin_sql.h - what a plugin's SQL may touch, enforced by SQLite.
 *
 * A plugin's statements are prepared while its policy is the connection's
 * guest (db.h, struct db_guest), so SQLite asks plugin_sql_authorize about
 * every table, column, function and statement kind in them before they can
 * run.  A plugin may read and write its own tables (p_<name>_..., see
 * plugin_name.h) and read the host views its manifest "reads"
 * (saiets_meetings, saiets_registrations, saiets_organisations,
 * saiets_agenda, saiets_site_visits); nothing else: no other table, no
 * sqlite_schema, no transaction or savepoint statements, no PRAGMA, ATTACH,
 * VACUUM, no triggers or views.  Its migrations may also create, alter and
 * drop its own tables and indexes.  The first refusal is kept in `why` for
 * the error message. */
#ifndef SAIETS_PLUGIN_SQL_H
#define SAIETS_PLUGIN_SQL_H

#include "db.h"
#include "plugin_name.h"

enum plugin_sql_mode {
    PLUGIN_SQL_RUN,     /* hooks and routes: read and write own tables, read views */
    PLUGIN_SQL_MIGRATE, /* migrations: also create, alter and drop own tables/indexes */
};

struct plugin_sql_policy {
    char prefix[PLUGIN_TABLE_PREFIX_MAX];
    size_t prefix_len;
    unsigned reads; /* PLUGIN_READ_* (plugin_manifest.h) */
    enum plugin_sql_mode mode;
    void *handle;  /* the sqlite3 connection, to tell a table from a WITH clause */
    int ddl;       /* migrations: the statement being prepared creates, alters
                      or drops (which reads the schema table) */
    char why[160]; /* the first refusal, "" when none */
};

void plugin_sql_policy_init(struct plugin_sql_policy *p, const char *plugin_name,
                            unsigned reads, enum plugin_sql_mode mode);

/* SQLite's authorizer callback, arg being a struct plugin_sql_policy. */
int plugin_sql_authorize(void *arg, int action, const char *a, const char *b,
                         const char *dbname, const char *view);

#define PLUGIN_MIGRATION_MS 1500.0
#define PLUGIN_MIGRATION_KSTEPS 200000 /* thousands of SQLite steps */

/* Runs a migration's SQL (statements separated by ';') with the policy in
 * PLUGIN_SQL_MIGRATE mode as the connection's guest, one statement at a
 * time, within PLUGIN_MIGRATION_MS and PLUGIN_MIGRATION_KSTEPS in all.  0, or
 * -1 with a message in err ("not allowed: ...", "ran longer...", SQLite's). */
int plugin_sql_run_script(struct db *db, struct plugin_sql_policy *p, const char *sql,
                          char *err, size_t errsz);


#endif
