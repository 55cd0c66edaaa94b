/* db.h - the SQLite connection: opening, pragmas, migrations, statements.
 *
 * Every SQLite-specific piece of Saiets lives behind this header and the
 * domain modules' SQL.  A struct db is one connection used by one thread.
 * Statements are prepared once per connection and cached by the address of
 * their SQL text (string literals), so call sites just write the SQL. */
#ifndef SAIETS_DB_H
#define SAIETS_DB_H

#include <jansson.h>
#include <sqlite3.h>

#include "errors.h"

struct db;

struct db_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct db_migration db_migrations[]; /* ends with version 0 */

#define DB_CREATE 1u   /* create the file if missing */
#define DB_READONLY 2u /* query_only: a reader connection */

/* Opens path with WAL, synchronous=FULL, foreign keys and a busy timeout.
 * On failure returns -1 and a malloc'd message in *errmsg. */
int db_open(const char *path, unsigned flags, struct db **out, char **errmsg);
void db_close(struct db *db);

/* Applies pending migrations in one transaction each; refuses a database
 * newer than this binary.  Returns 0 or -1 with a malloc'd message. */
int db_migrate(struct db *db, char **errmsg);
int db_schema_version(struct db *db);

sqlite3 *db_handle(struct db *db);

/* A reset, unbound prepared statement for sql (which must be a string with
 * static storage: the cache key is its address).  NULL on error (logged). */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

int db_exec(struct db *db, const char *sql); /* 0 or -1 (logged) */
int db_begin(struct db *db);                 /* BEGIN IMMEDIATE */
int db_begin_read(struct db *db);            /* BEGIN (deferred) */
int db_commit(struct db *db);
void db_rollback(struct db *db);

long long db_last_id(struct db *db);
long long db_changes(struct db *db); /* rows the last statement changed */
/* Changes whenever a connection (this one, another, another process's) has
 * committed since this one last looked; may change once more than needed,
 * never less.  Reads the WAL-index header SQLite has mapped (no lock, no
 * system call), or PRAGMA data_version without a WAL-index. */
unsigned long long db_data_version(struct db *db);
/* 1 when the SELECT sql (a literal: the statement cache keys on its
 * address) returns a row for ?1 = a and, if it has a second parameter,
 * ?2 = b; 0 when it returns none, -1 on error. */
int db_exists(struct db *db, const char *sql, long long a, long long b);
/* Column i of the current row as text, "" for NULL (never NULL). */
const char *db_text(sqlite3_stmt *st, int i);
/* Steps a statement that returns no rows and resets it: 0, or -1. */
int db_step_done(sqlite3_stmt *st);
/* Runs the cached statement sql (a literal, as for db_stmt) that returns no
 * rows: 0, or -1. */
int db_run(struct db *db, const char *sql);

/* A nested transaction inside the current one.  name is [a-z_]{1,32}.
 * db_savepoint_end keeps what was done since db_savepoint (keep != 0) or
 * undoes it, and closes the savepoint.  -1 from it means SQLite gave up the
 * whole transaction (I/O error, disk full): the caller must fail too. */
int db_savepoint(struct db *db, const char *name);
int db_savepoint_end(struct db *db, const char *name, int keep);
const char *db_errmsg(struct db *db);

/* Binds text or NULL (for NULL or ""). */
int db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s);

/* Sets *e to ERR_INTERNAL "storage error: " followed by SQLite's latest
 * message on this connection ("storage error" alone when SQLite reports no
 * error) and returns -1, so that callers can write `return db_fail(db, e)`. */
int db_fail(struct db *db, struct err *e);

/* Column i of the current row as JSON by the type of its value: null, an
 * integer, a real or a string (a blob is null). */
json_t *db_json_column(sqlite3_stmt *st, int i);

/* Steps st (prepared and bound, not yet stepped) to its end and returns a
 * new array of row(st, arg) for each row; st is reset.  NULL when st is
 * NULL, a step fails or row returns NULL (out of memory). */
json_t *db_rows_json(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st, void *arg),
                     void *arg);

/* The id in the first column of the row find_sql returns for ?1 = key; when
 * it returns none, runs insert_sql with ?1 = key, ?2 = text and ?3 = now
 * (it may leave out ?2) and returns the new row's id.  Both SQL texts are
 * literals, as for db_stmt.  -1 on error. */
long long db_find_or_insert(struct db *db, const char *find_sql, const char *insert_sql,
                            const char *key, const char *text, long long now);

/* Guests: code that is not the host's (plugins) running SQL on this
 * connection.  While a guest is set, every statement prepared is checked by
 * its authorize callback (SQLite's authorizer: SQLITE_OK, SQLITE_DENY or
 * SQLITE_IGNORE for an action; see sqlite3_set_authorizer), long statements
 * ask should_stop every few thousand steps (SQLite's progress handler: a
 * non-zero answer interrupts the statement), and the SQL function
 * saiets_meeting_id() answers meeting_id (NULL when 0 or when no guest is
 * set: the host sees no rows through the views that use it).  The guest's
 * struct must outlive its time on the connection.  With no guest, the host
 * runs unchecked: its statements are prepared while no guest is set, and
 * the authorizer never runs for a statement after it is prepared, so a
 * cached host statement costs nothing more. */
/* The longest string or blob a guest's SQL may make (SQLite's
 * SQLITE_LIMIT_LENGTH while a guest is set). */
#define DB_GUEST_LENGTH_MAX (4 * 1024 * 1024)

struct db_guest {
    int (*authorize)(void *arg, int action, const char *a, const char *b,
                     const char *dbname, const char *view);
    int (*should_stop)(void *arg); /* may be NULL */
    void *arg;
    long long meeting_id;
};

/* 1 when a guest's statement was stopped by should_stop since the last
 * call (and forgets it). */
int db_guest_interrupted(struct db *db);

/* Sets (NULL: clears) the guest and returns the one it replaces, so that
 * nested calls (a plugin calling host code calling a plugin) restore it. */
const struct db_guest *db_set_guest(struct db *db, const struct db_guest *g);

#endif
