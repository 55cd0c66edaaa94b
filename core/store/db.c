/* db.c - SQLite connection, migrations and statement cache; see db.h. */
#include "db.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "token.h"

#define STMT_SLOTS 256 /* power of two, well above the number of statements */

struct stmt_slot {
    const char *sql;
    sqlite3_stmt *st;
};

/* The WAL-index header: two copies of 48 bytes at the start of the shared
 * memory (the -shm file), rewritten by every commit of any connection in
 * any process (sqlite.org/walformat.html, "the WAL-index header"). */
#define WAL_HDR_BYTES 48

struct db {
    sqlite3 *h;
    struct stmt_slot slots[STMT_SLOTS];
    /* db_data_version: the WAL-index as SQLite maps it (NULL: not mapped
     * yet, or not available, see wal_tried), the header seen last and a
     * counter moved at each change of it. */
    const volatile unsigned char *wal_index;
    unsigned char wal_seen[WAL_HDR_BYTES];
    unsigned long long wal_version;
    int wal_tried;
    const struct db_guest *guest; /* NULL: the host */
    int host_length_limit;        /* SQLITE_LIMIT_LENGTH while no guest runs */
    int guest_stopped;            /* should_stop said yes (db_guest_interrupted) */
};

static char *dupmsg(const char *prefix, const char *msg)
{
    size_t n = strlen(prefix) + strlen(msg) + 3;
    char *s = malloc(n);

    if (s)
        snprintf(s, n, "%s: %s", prefix, msg);
    return s;
}

/* Installed once on every connection: with no guest it allows all, so the
 * host pays one call per action at prepare time and nothing afterwards. */
static int guest_authorizer(void *arg, int action, const char *a, const char *b,
                            const char *dbname, const char *view)
{
    const struct db *db = arg;

    if (db->guest == NULL)
        return SQLITE_OK;
    return db->guest->authorize(db->guest->arg, action, a, b, dbname, view);
}

static int guest_progress(void *arg)
{
    struct db *db = arg;

    if (db->guest && db->guest->should_stop && db->guest->should_stop(db->guest->arg)) {
        db->guest_stopped = 1;
        return 1;
    }
    return 0;
}

int db_guest_interrupted(struct db *db)
{
    int was = db->guest_stopped;

    db->guest_stopped = 0;
    return was;
}

static void meeting_id_function(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    const struct db *db = sqlite3_user_data(cx);

    (void)argc;
    (void)argv;
    if (db->guest && db->guest->meeting_id > 0)
        sqlite3_result_int64(cx, db->guest->meeting_id);
    else
        sqlite3_result_null(cx);
}

const struct db_guest *db_set_guest(struct db *db, const struct db_guest *g)
{
    const struct db_guest *old = db->guest;

    db->guest = g;
    /* A guest's strings and blobs stay small: one randomblob(1e9) would
     * otherwise hold the thread for seconds and a gigabyte. */
    if (g && !old)
        db->host_length_limit = sqlite3_limit(db->h, SQLITE_LIMIT_LENGTH, DB_GUEST_LENGTH_MAX);
    else if (!g && old)
        sqlite3_limit(db->h, SQLITE_LIMIT_LENGTH, db->host_length_limit);
    /* The progress handler costs a call every N virtual machine steps, so
     * it is there only while a guest that can be stopped is. */
    if (g && g->should_stop)
        sqlite3_progress_handler(db->h, 1000, guest_progress, db);
    else if (old && old->should_stop)
        sqlite3_progress_handler(db->h, 0, NULL, NULL);
    return old;
}

/* Before SQLite initializes: no memory statistics.  Nothing here reads
 * them, and keeping them costs every allocation SQLite makes a global mutex
 * (about 40 allocations, 4k instructions, a registration; callgrind). */
static void sqlite_configure(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* MISUSE once initialized: harmless */
}

int db_open(const char *path, unsigned flags, struct db **out, char **errmsg)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    struct db *db = NULL;
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

    pthread_once(&configured, sqlite_configure);
    *out = NULL;
    *errmsg = NULL;
    if (flags & DB_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    db = calloc(1, sizeof *db);
    if (db == NULL) {
        *errmsg = dupmsg(path, "out of memory");
        return -1;
    }
    if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
        *errmsg = dupmsg(path, db->h ? sqlite3_errmsg(db->h) : "cannot open");
        goto fail;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, 5000);
    if (sqlite3_set_authorizer(db->h, guest_authorizer, db) != SQLITE_OK ||
        sqlite3_create_function(db->h, "saiets_meeting_id", 0,
                                SQLITE_UTF8 | SQLITE_INNOCUOUS, db, meeting_id_function,
                                NULL, NULL) != SQLITE_OK) {
        *errmsg = dupmsg(path, sqlite3_errmsg(db->h));
        goto fail;
    }
    /* Reading the schema proves the file is a database we can read. */
    if (sqlite3_exec(db->h, "SELECT count(*) FROM sqlite_master", NULL, NULL,
                     NULL) != SQLITE_OK) {
        *errmsg = dupmsg(path, sqlite3_errmsg(db->h));
        goto fail;
    }
    if (sqlite3_exec(db->h,
                     "PRAGMA journal_mode=WAL;"
                     "PRAGMA synchronous=FULL;"
                     "PRAGMA foreign_keys=ON;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        *errmsg = dupmsg(path, sqlite3_errmsg(db->h));
        goto fail;
    }
    if ((flags & DB_READONLY) &&
        sqlite3_exec(db->h, "PRAGMA query_only=1", NULL, NULL, NULL) != SQLITE_OK) {
        *errmsg = dupmsg(path, sqlite3_errmsg(db->h));
        goto fail;
    }
    *out = db;
    return 0;
fail:
    db_close(db);
    return -1;
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < STMT_SLOTS; i++)
        sqlite3_finalize(db->slots[i].st);
    sqlite3_close(db->h);
    free(db);
}

sqlite3 *db_handle(struct db *db) { return db->h; }

const char *db_errmsg(struct db *db) { return sqlite3_errmsg(db->h); }

long long db_last_id(struct db *db) { return sqlite3_last_insert_rowid(db->h); }
long long db_changes(struct db *db) { return sqlite3_changes64(db->h); }

int db_exists(struct db *db, const char *sql, long long a, long long b)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, b);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

const char *db_text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

int db_step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int db_run(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    return st ? db_step_done(st) : -1;
}

/* Savepoint names come from the code, never from input; they are checked
 * anyway, since they cannot be bound as parameters. */
static int savepoint_sql(char *out, size_t n, const char *verb, const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len > 32 || strspn(name, "abcdefghijklmnopqrstuvwxyz_") != len)
        return -1;
    snprintf(out, n, "%s %s", verb, name);
    return 0;
}

int db_savepoint(struct db *db, const char *name)
{
    char sql[64];

    return savepoint_sql(sql, sizeof sql, "SAVEPOINT", name) < 0 ? -1 : db_exec(db, sql);
}

int db_savepoint_end(struct db *db, const char *name, int keep)
{
    char undo[64], release[64];

    if (savepoint_sql(undo, sizeof undo, "ROLLBACK TO", name) < 0 ||
        savepoint_sql(release, sizeof release, "RELEASE", name) < 0)
        return -1;
    if (!keep && db_exec(db, undo) < 0) {
        db_exec(db, release);
        return -1;
    }
    return db_exec(db, release);
}

static unsigned long long pragma_data_version(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "PRAGMA data_version");
    unsigned long long v = 0;

    if (st && sqlite3_step(st) == SQLITE_ROW)
        v = (unsigned long long)sqlite3_column_int64(st, 0);
    if (st)
        sqlite3_reset(st);
    return v;
}

/* The WAL-index's first page as this connection's SQLite maps it, or NULL.
 * Called once a statement has read the database, so that SQLite has opened
 * and mapped it already: this returns its own mapping, nothing new. */
static const volatile unsigned char *wal_index_map(struct db *db)
{
    sqlite3_file *f = NULL;
    volatile void *p = NULL;
    sqlite3_stmt *st = db_stmt(db, "PRAGMA journal_mode");
    int wal = 0;

    if (st && sqlite3_step(st) == SQLITE_ROW)
        wal = strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    if (st)
        sqlite3_reset(st);
    if (!wal || sqlite3_file_control(db->h, "main", SQLITE_FCNTL_FILE_POINTER, &f) !=
                    SQLITE_OK ||
        f == NULL || f->pMethods == NULL || f->pMethods->iVersion < 2 ||
        f->pMethods->xShmMap == NULL ||
        f->pMethods->xShmMap(f, 0, 32768, 0, &p) != SQLITE_OK)
        return NULL;
    return (const volatile unsigned char *)p;
}

/* PRAGMA data_version starts a read transaction to compare the WAL-index
 * header with the one it saw last: a statement, and two fcntl() calls for
 * the read lock, on every cached read.  The same comparison done here on
 * SQLite's own mapping costs a few dozen instructions and no system call.
 * Like SQLite, it reads copy 0, then copy 1 after a barrier; copies that
 * differ mean a commit is being published, which counts as a change too
 * (at worst one render more).  Without a WAL-index (not WAL, or a VFS
 * without shared memory) it falls back to the PRAGMA. */
unsigned long long db_data_version(struct db *db)
{
    unsigned char h0[WAL_HDR_BYTES], h1[WAL_HDR_BYTES];

    if (db->wal_index == NULL) {
        unsigned long long v = pragma_data_version(db);

        if (db->wal_tried)
            return v;
        db->wal_tried = 1;
        if ((db->wal_index = wal_index_map(db)) == NULL)
            return v;
    }
    memcpy(h0, (const void *)db->wal_index, WAL_HDR_BYTES);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    memcpy(h1, (const void *)(db->wal_index + WAL_HDR_BYTES), WAL_HDR_BYTES);
    if (memcmp(h0, db->wal_seen, WAL_HDR_BYTES) != 0 ||
        memcmp(h0, h1, WAL_HDR_BYTES) != 0) {
        memcpy(db->wal_seen, h0, WAL_HDR_BYTES);
        db->wal_version++;
    }
    return db->wal_version;
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
    uintptr_t k = (uintptr_t)sql;
    unsigned i = (unsigned)((k >> 3) ^ (k >> 11)) & (STMT_SLOTS - 1);

    for (unsigned n = 0; n < STMT_SLOTS; n++, i = (i + 1) & (STMT_SLOTS - 1)) {
        struct stmt_slot *s = &db->slots[i];
        if (s->sql == sql) {
            sqlite3_reset(s->st);
            sqlite3_clear_bindings(s->st);
            return s->st;
        }
        if (s->sql == NULL) {
            if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                   &s->st, NULL) != SQLITE_OK) {
                log_error("sqlite prepare: %s (%s)", sqlite3_errmsg(db->h), sql);
                s->st = NULL;
                return NULL;
            }
            s->sql = sql;
            return s->st;
        }
    }
    log_error("statement cache full");
    return NULL;
}

int db_exec(struct db *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_error("sqlite: %s (%s)", msg ? msg : "?", sql);
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Cached statements: sqlite3_exec would prepare them again for every
 * batch.  A failure is logged as db_exec did. */
static int run_logged(struct db *db, const char *sql)
{
    if (db_run(db, sql) == 0)
        return 0;
    log_error("sqlite: %s (%s)", sqlite3_errmsg(db->h), sql);
    return -1;
}

int db_begin(struct db *db) { return run_logged(db, "BEGIN IMMEDIATE"); }
int db_begin_read(struct db *db) { return run_logged(db, "BEGIN"); }
int db_commit(struct db *db) { return run_logged(db, "COMMIT"); }

void db_rollback(struct db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
    if (s == NULL || s[0] == '\0')
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

int db_schema_version(struct db *db)
{
    sqlite3_stmt *st = NULL;
    int v = 0;

    if (sqlite3_prepare_v2(db->h,
                           "SELECT coalesce(max(version), 0) FROM schema_migrations",
                           -1, &st, NULL) != SQLITE_OK)
        return 0; /* no table yet: version 0 */
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* saiets_random_bytes(N): N (1..64) bytes from libsodium's CSPRNG, for a
 * migration that makes a key (007's calendar key).  Registered only while
 * migrations run: no other SQL, a plugin's least of all, can call it. */
static void random_bytes_function(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    unsigned char buf[64];
    int n = sqlite3_value_int(argv[0]);

    (void)argc;
    if (n < 1 || n > (int)sizeof buf) {
        sqlite3_result_error(cx, "saiets_random_bytes: 1..64 bytes", -1);
        return;
    }
    token_random_bytes(buf, (size_t)n);
    sqlite3_result_blob(cx, buf, n, SQLITE_TRANSIENT);
}

static int migrate_functions(struct db *db, int on)
{
    return sqlite3_create_function(db->h, "saiets_random_bytes", 1, SQLITE_UTF8, NULL,
                                   on ? random_bytes_function : NULL, NULL, NULL);
}

static int migrate_all(struct db *db, char **errmsg);

/* After a migration that edited sqlite_schema in place (writable_schema;
 * only changes that leave the stored rows as they are, like a CHECK written
 * another way): a new schema version makes every connection, this one too,
 * read the schema again, and quick_check must still say "ok".  *msg is set
 * (sqlite3_malloc) on failure. */
static int schema_edited(struct db *db, char **msg)
{
    sqlite3_stmt *st = NULL;
    char sql[64];
    int version = -1, ok = 0;

    if (sqlite3_prepare_v2(db->h, "PRAGMA schema_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (version < 0)
        return -1;
    snprintf(sql, sizeof sql, "PRAGMA schema_version=%d", version + 1);
    if (sqlite3_exec(db->h, sql, NULL, NULL, msg) != SQLITE_OK)
        return -1;
    if (sqlite3_prepare_v2(db->h, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    if (!ok) {
        *msg = sqlite3_mprintf("the schema edit failed quick_check");
        return -1;
    }
    return 0;
}

int db_migrate(struct db *db, char **errmsg)
{
    int rc;

    if (migrate_functions(db, 1) != SQLITE_OK) {
        *errmsg = dupmsg("migrate", sqlite3_errmsg(db->h));
        return -1;
    }
    rc = migrate_all(db, errmsg);
    migrate_functions(db, 0);
    return rc;
}

static int migrate_all(struct db *db, char **errmsg)
{
    int current, latest = 0;
    char *msg = NULL;
    sqlite3_stmt *st = NULL;

    *errmsg = NULL;
    if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at INTEGER NOT NULL)") < 0) {
        *errmsg = dupmsg("migrate", sqlite3_errmsg(db->h));
        return -1;
    }
    current = db_schema_version(db);
    for (const struct db_migration *m = db_migrations; m->version; m++)
        latest = m->version > latest ? m->version : latest;
    if (current > latest) {
        char v[96];
        snprintf(v, sizeof v, "database schema %d is newer than this binary (%d)",
                 current, latest);
        *errmsg = dupmsg("migrate", v);
        return -1;
    }
    for (const struct db_migration *m = db_migrations; m->version; m++) {
        if (m->version <= current)
            continue;
        if (db_begin(db) < 0)
            goto fail;
        if (sqlite3_exec(db->h, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
            (strstr(m->sql, "PRAGMA writable_schema=ON") && schema_edited(db, &msg) < 0))
            goto fail;
        if (sqlite3_prepare_v2(db->h,
                               "INSERT INTO schema_migrations(version, name, applied_at)"
                               " VALUES (?, ?, strftime('%s','now'))",
                               -1, &st, NULL) != SQLITE_OK)
            goto fail;
        sqlite3_bind_int(st, 1, m->version);
        sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto fail;
        sqlite3_finalize(st);
        st = NULL;
        if (db_commit(db) < 0)
            goto fail;
        log_info("applied migration %s", m->name);
    }
    return 0;
fail:
    *errmsg = dupmsg("migrate", msg ? msg : sqlite3_errmsg(db->h));
    sqlite3_free(msg);
    sqlite3_finalize(st);
    db_rollback(db);
    return -1;
}

int db_fail(struct db *db, struct err *e)
{
    if (sqlite3_errcode(db->h) == SQLITE_OK)
        return err_set(e, ERR_INTERNAL, NULL, "storage error");
    return err_set(e, ERR_INTERNAL, NULL, "storage error: %s", sqlite3_errmsg(db->h));
}

json_t *db_json_column(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, i));
    case SQLITE_TEXT:
        return json_string(db_text(st, i));
    default:
        return json_null();
    }
}

json_t *db_rows_json(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st, void *arg),
                     void *arg)
{
    json_t *list;
    int rc;

    if (st == NULL)
        return NULL;
    list = json_array();
    if (list == NULL) {
        sqlite3_reset(st);
        return NULL;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (json_array_append_new(list, row(st, arg)) < 0)
            break; /* row() gave NULL: rc stays SQLITE_ROW */
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(list);
        return NULL;
    }
    return list;
}

long long db_find_or_insert(struct db *db, const char *find_sql, const char *insert_sql,
                            const char *key, const char *text, long long now)
{
    sqlite3_stmt *st = db_stmt(db, find_sql);
    long long id = 0;
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_ROW ? id : -1;
    st = db_stmt(db, insert_sql);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_int64(st, 3, now);
    return db_step_done(st) < 0 ? -1 : db_last_id(db);
}
