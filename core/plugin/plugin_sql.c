/* plugin_sql.c - the authorizer that keeps plugin SQL to its own tables and
 * the views it may read; see plugin_sql.h. */
#include "plugin_sql.h"

#include "plugin_manifest.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "timeutil.h"

/* The view each "reads" name opens (db/005_plugins.sql). */
static const struct {
    const char *view;
    unsigned bit;
} reads_views[] = {
    {"saiets_meetings", PLUGIN_READ_MEETINGS},
    {"saiets_registrations", PLUGIN_READ_REGISTRATIONS},
    {"saiets_organisations", PLUGIN_READ_ORGANISATIONS},
    {"saiets_agenda", PLUGIN_READ_AGENDA},
    {"saiets_site_visits", PLUGIN_READ_SITE_VISITS},
};
#define N_VIEWS (sizeof reads_views / sizeof reads_views[0])

void plugin_sql_policy_init(struct plugin_sql_policy *p, const char *plugin_name,
                            unsigned reads, enum plugin_sql_mode mode)
{
    memset(p, 0, sizeof *p);
    plugin_table_prefix(plugin_name, p->prefix);
    p->prefix_len = strlen(p->prefix);
    p->reads = reads;
    p->mode = mode;
}

/* SQLite compares names without case: so does this. */
static int own(const struct plugin_sql_policy *p, const char *name)
{
    return name != NULL && strncasecmp(name, p->prefix, p->prefix_len) == 0 &&
           name[p->prefix_len] != '\0';
}

static int readable_view(const struct plugin_sql_policy *p, const char *name)
{
    for (size_t i = 0; name && i < N_VIEWS; i++)
        if ((p->reads & reads_views[i].bit) && strcasecmp(name, reads_views[i].view) == 0)
            return 1;
    return 0;
}

/* 1 when name is a table of the main database (not a WITH clause's name).
 * Reads SQLite's schema in memory: no statement, so it may run in the
 * authorizer. */
static int stored_table(const struct plugin_sql_policy *p, const char *name)
{
    if (p->handle == NULL || name == NULL)
        return 1; /* cannot tell: treat it as one */
    return sqlite3_table_column_metadata(p->handle, "main", name, NULL, NULL, NULL, NULL, NULL,
                                         NULL) == SQLITE_OK;
}

static int in_main(const char *dbname) { return dbname == NULL || strcmp(dbname, "main") == 0; }

static int schema_table(const char *name)
{
    return name && (strcasecmp(name, "sqlite_master") == 0 ||
                    strcasecmp(name, "sqlite_schema") == 0);
}

static int deny(struct plugin_sql_policy *p, const char *what, const char *name)
{
    if (p->why[0] == '\0')
        snprintf(p->why, sizeof p->why, "%s%s%s", what, name ? " " : "", name ? name : "");
    return SQLITE_DENY;
}

/* Functions that reach outside the data, or the host's own. */
static int function_ok(const char *name)
{
    static const char *const refused[] = {"load_extension", "fts3_tokenizer",
                                          "sqlite_offset", "unlikely_internal"};

    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (name && strcasecmp(name, refused[i]) == 0)
            return 0;
    return 1;
}

int plugin_sql_authorize(void *arg, int action, const char *a, const char *b,
                         const char *dbname, const char *view)
{
    struct plugin_sql_policy *p = arg;
    int migrate = p->mode == PLUGIN_SQL_MIGRATE;

    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_READ: /* a = table, b = column; view = the view being expanded */
        /* No database: a WITH clause's or a subquery's columns, whose own
         * reads were asked about already.  But a table named with no column
         * read at all (count(*), SELECT 1 FROM t) comes the same way, with
         * the column "": if the name is a stored table, it must be the
         * plugin's or a view it reads. */
        if (dbname == NULL && (b == NULL || b[0] != '\0' || !stored_table(p, a)))
            return SQLITE_OK;
        if (dbname != NULL && !in_main(dbname))
            return deny(p, "reading from the database", dbname);
        if (own(p, a) || readable_view(p, a) || readable_view(p, view))
            return SQLITE_OK;
        /* CREATE, ALTER and DROP read the schema table themselves; a
         * statement that only reads it is refused. */
        if (migrate && p->ddl && schema_table(a) && view == NULL)
            return SQLITE_OK;
        return deny(p, "reading the table", a);
    case SQLITE_INSERT:
    case SQLITE_UPDATE: /* a = table (b = column) */
    case SQLITE_DELETE:
        if (!in_main(dbname))
            return deny(p, "writing to the database", dbname);
        if (own(p, a) && view == NULL)
            return SQLITE_OK;
        /* CREATE/DROP/ALTER record themselves in the schema table; SQLite
         * itself refuses a statement that writes it directly. */
        if (schema_table(a))
            return migrate ? SQLITE_OK
                           : deny(p, "changing the schema (only a plugin's migrations may)",
                                  NULL);
        return deny(p, "writing the table", a);
    case SQLITE_FUNCTION: /* b = function name */
        return function_ok(b) ? SQLITE_OK : deny(p, "the function", b);
    case SQLITE_CREATE_TABLE: /* a = table */
    case SQLITE_DROP_TABLE:
        if (migrate && in_main(dbname) && own(p, a))
            return p->ddl = 1, SQLITE_OK;
        return deny(p, action == SQLITE_CREATE_TABLE ? "creating the table" : "dropping the table", a);
    case SQLITE_CREATE_INDEX: /* a = index, b = table */
    case SQLITE_DROP_INDEX:
        /* A UNIQUE or non-integer PRIMARY KEY makes sqlite_autoindex_TABLE_N. */
        if (migrate && in_main(dbname) && own(p, b) &&
            (own(p, a) || (strncmp(a, "sqlite_autoindex_", 17) == 0 && own(p, a + 17))))
            return p->ddl = 1, SQLITE_OK;
        return deny(p, "an index (its name and its table must start with the plugin's prefix):", a);
    case SQLITE_ALTER_TABLE: /* a = database, b = table */
        if (migrate && in_main(a) && own(p, b))
            return p->ddl = 1, SQLITE_OK;
        return deny(p, "altering the table", b);
    case SQLITE_REINDEX: /* a = index; CREATE INDEX asks it too */
        if (migrate && own(p, a))
            return SQLITE_OK;
        return deny(p, "REINDEX", a);
    case SQLITE_TRANSACTION:
        return deny(p, "BEGIN, COMMIT and ROLLBACK (the host runs the transaction)", NULL);
    case SQLITE_SAVEPOINT:
        return deny(p, "savepoints (the host runs the transaction)", NULL);
    case SQLITE_PRAGMA:
        return deny(p, "PRAGMA", a);
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        return deny(p, "ATTACH and DETACH", NULL);
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
        return deny(p, "triggers", b);
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW:
        return deny(p, "views", a);
    default:
        /* temporary tables and indexes, virtual tables, ANALYZE, REINDEX,
         * and whatever a later SQLite adds */
        if (p->why[0] == '\0')
            snprintf(p->why, sizeof p->why, "this kind of statement (authorizer action %d)",
                     action);
        return SQLITE_DENY;
    }
}

struct migration_clock {
    struct plugin_sql_policy *policy;
    double deadline_ms;
    unsigned long ksteps;
};

static int migration_authorize(void *arg, int action, const char *a, const char *b,
                               const char *dbname, const char *view)
{
    struct migration_clock *c = arg;

    return plugin_sql_authorize(c->policy, action, a, b, dbname, view);
}

/* A migration gets some seconds and a few hundred million SQLite steps:
 * enough for real ones, and an endless one does not hold the writer. */
static int migration_should_stop(void *arg)
{
    struct migration_clock *c = arg;

    return ++c->ksteps > PLUGIN_MIGRATION_KSTEPS || tu_mono_ms() > c->deadline_ms;
}

int plugin_sql_run_script(struct db *db, struct plugin_sql_policy *p, const char *sql,
                          char *err, size_t errsz)
{
    struct migration_clock clock = {p, tu_mono_ms() + PLUGIN_MIGRATION_MS, 0};
    struct db_guest g = {migration_authorize, migration_should_stop, &clock, 0};
    const struct db_guest *old;
    sqlite3 *h = db_handle(db);

    p->handle = h;
    old = db_set_guest(db, &g);
    const char *next = sql;
    int rc = 0;

    p->mode = PLUGIN_SQL_MIGRATE;
    while (rc == 0 && next && *next) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;

        p->ddl = 0;
        p->why[0] = '\0';
        if (sqlite3_prepare_v2(h, next, -1, &st, &tail) != SQLITE_OK) {
            if (p->why[0])
                snprintf(err, errsz, "not allowed: %s", p->why);
            else
                snprintf(err, errsz, "%s", sqlite3_errmsg(h));
            rc = -1;
        } else if (st != NULL) {
            int s;

            while ((s = sqlite3_step(st)) == SQLITE_ROW)
                ;
            if (s == SQLITE_INTERRUPT) {
                snprintf(err, errsz, "ran longer than a migration may (%.1f s)",
                         PLUGIN_MIGRATION_MS / 1000);
                rc = -1;
            } else if (s != SQLITE_DONE) {
                snprintf(err, errsz, "%s", sqlite3_errmsg(h));
                rc = -1;
            }
        }
        sqlite3_finalize(st);
        next = tail;
    }
    db_set_guest(db, old);
    return rc;
}
