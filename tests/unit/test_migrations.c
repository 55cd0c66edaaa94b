/* test_migrations.c - unit tests for core/db (opening and migrating).
 *
 * Must never: open something that is not a database, create a file when
 * not asked to, leave a schema half-migrated, re-apply a migration, or run
 * against a schema newer than the binary. */
#include "db.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "testdb.h"

static struct testdb t;

static void setup(void) { testdb_mkpath(&t); }
static void teardown(void) { testdb_cleanup(&t); }

static int latest_version(void)
{
    int v = 0;

    for (const struct db_migration *m = db_migrations; m->version; m++)
        v = m->version > v ? m->version : v;
    return v;
}

static int n_migrations(void)
{
    int n = 0;

    for (const struct db_migration *m = db_migrations; m->version; m++)
        n++;
    return n;
}

/* The one text value a query yields (copied into out). */
static void query_text(struct db *db, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st = NULL;

    ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* --- failures first ------------------------------------------------------- */

START_TEST(test_open_missing_without_create)
{
    struct db *db = (struct db *)&t; /* anything but NULL */
    char *msg = NULL;

    ck_assert_int_eq(db_open(t.path, 0, &db, &msg), -1);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(strstr(msg, t.path) != NULL, "message does not name the file: %s", msg);
    ck_assert_int_ne(access(t.path, F_OK), 0); /* and nothing was created */
    free(msg);
    msg = NULL;
    ck_assert_int_eq(db_open(t.path, DB_READONLY, &db, &msg), -1);
    ck_assert_ptr_nonnull(msg);
    ck_assert_int_ne(access(t.path, F_OK), 0);
    free(msg);
}
END_TEST

START_TEST(test_open_garbage)
{
    unsigned char junk[4096], back[4096];
    struct db *db = NULL;
    char *msg = NULL;
    FILE *f;

    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 131u + 7u);
    memcpy(junk, "not a database, just bytes", 26);
    write_file(t.path, junk, sizeof junk);
    ck_assert_int_eq(db_open(t.path, 0, &db, &msg), -1);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_ne(msg, "");
    free(msg);
    msg = NULL;
    ck_assert_int_eq(db_open(t.path, DB_CREATE, &db, &msg), -1);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(msg);
    free(msg);
    /* The file is left as it was. */
    f = fopen(t.path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(back, 1, sizeof back, f), sizeof back);
    ck_assert_int_eq(fgetc(f), EOF);
    fclose(f);
    ck_assert_int_eq(memcmp(junk, back, sizeof junk), 0);
}
END_TEST

START_TEST(test_open_short_garbage)
{
    struct db *db = NULL;
    char *msg = NULL;

    write_file(t.path, "hello\n", 6);
    ck_assert_int_eq(db_open(t.path, DB_CREATE, &db, &msg), -1);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(msg);
    free(msg);
}
END_TEST

START_TEST(test_open_directory)
{
    struct db *db = NULL;
    char *msg = NULL;

    ck_assert_int_eq(db_open(t.dir, DB_CREATE, &db, &msg), -1);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(msg);
    free(msg);
}
END_TEST

START_TEST(test_newer_schema_refused)
{
    struct db *db;
    char *msg = NULL;
    char want[32];
    long long before;

    ck_assert_int_eq(db_open(t.path, DB_CREATE, &t.db, &msg), 0);
    db = t.db;
    ck_assert_int_eq(db_migrate(db, &msg), 0);
    ck_assert_int_eq(db_exec(db, "INSERT INTO schema_migrations(version, name, applied_at)"
                                 " VALUES (999, '999_future', 0)"),
                     0);
    ck_assert_int_eq(db_schema_version(db), 999);
    before = testdb_int(db, "SELECT count(*) FROM sqlite_master");
    ck_assert_int_eq(db_migrate(db, &msg), -1);
    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(strstr(msg, "newer") != NULL, "message: %s", msg);
    snprintf(want, sizeof want, "%d", 999);
    ck_assert_msg(strstr(msg, want) != NULL, "message does not give the version: %s", msg);
    free(msg);
    /* Nothing changed. */
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM sqlite_master"), before);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM schema_migrations"),
                     n_migrations() + 1);
    ck_assert_int_eq(sqlite3_get_autocommit(db_handle(db)), 1); /* no open transaction */
}
END_TEST

/* --- success -------------------------------------------------------------- */

START_TEST(test_migration_list)
{
    int prev = 0;

    ck_assert_int_ge(n_migrations(), 1);
    for (const struct db_migration *m = db_migrations; m->version; m++) {
        ck_assert_int_gt(m->version, prev); /* ascending, no duplicates */
        ck_assert_ptr_nonnull(m->name);
        ck_assert_ptr_nonnull(m->sql);
        ck_assert_str_ne(m->sql, "");
        prev = m->version;
    }
    ck_assert_int_eq(db_migrations[0].version, 1);
    ck_assert_str_eq(db_migrations[0].name, "001_core");
}
END_TEST

START_TEST(test_migrate_fresh)
{
    static const char *const tables[] = {"organisations", "networks", "network_members",
                                         "meetings", "people", "registrations",
                                         "accounts", "api_tokens", "audit_log", NULL};
    char *msg = (char *)"x";

    ck_assert_int_eq(db_open(t.path, DB_CREATE, &t.db, &msg), 0);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(access(t.path, F_OK), 0);
    ck_assert_int_eq(db_schema_version(t.db), 0);
    ck_assert_int_eq(db_migrate(t.db, &msg), 0);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(db_schema_version(t.db), latest_version());
    for (const char *const *p = tables; *p; p++)
        ck_assert_msg(testdb_int(t.db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                       " AND name = '%s'", *p) == 1,
                      "no table %s", *p);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM schema_migrations"), n_migrations());
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM schema_migrations WHERE"
                                      " version = 1 AND name = '001_core'"),
                     1);
    ck_assert_int_eq(sqlite3_get_autocommit(db_handle(t.db)), 1);
}
END_TEST

START_TEST(test_migrate_twice_is_noop)
{
    char *msg = NULL;
    long long objects, applied;

    testdb_open(&t);
    objects = testdb_int(t.db, "SELECT count(*) FROM sqlite_master");
    applied = testdb_int(t.db, "SELECT sum(applied_at) FROM schema_migrations");
    ck_assert_int_eq(db_exec(t.db, "INSERT INTO networks(name, created_at) VALUES ('n', 1)"), 0);
    ck_assert_int_eq(db_migrate(t.db, &msg), 0);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(db_schema_version(t.db), latest_version());
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM sqlite_master"), objects);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM schema_migrations"), n_migrations());
    ck_assert_int_eq(testdb_int(t.db, "SELECT sum(applied_at) FROM schema_migrations"), applied);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM networks"), 1); /* data kept */
    /* And again on a fresh connection to the same file, without DB_CREATE. */
    db_close(t.db);
    t.db = NULL;
    ck_assert_int_eq(db_open(t.path, 0, &t.db, &msg), 0);
    ck_assert_int_eq(db_schema_version(t.db), latest_version());
    ck_assert_int_eq(db_migrate(t.db, &msg), 0);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM schema_migrations"), n_migrations());
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM networks"), 1);
}
END_TEST

/* 012 edits registrations' CHECK in place: the connection that migrated
 * uses the new text at once (no temporary table for an IN list on INSERT)
 * and the CHECK still refuses a status that is not one of the three. */
static int insert_builds_ephemeral(sqlite3 *h)
{
    sqlite3_stmt *st;
    int found = 0;

    ck_assert_int_eq(sqlite3_prepare_v2(h, "EXPLAIN INSERT INTO registrations(meeting_id,"
                                           " person_id, first_name, last_name, email,"
                                           " organisation_name, status, token_hash,"
                                           " created_at, updated_at) VALUES"
                                           " (1, 1, 'a', 'b', 'c', 'o', 'confirmed', x'00', 1, 1)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        found |= strcmp((const char *)sqlite3_column_text(st, 1), "OpenEphemeral") == 0;
    sqlite3_finalize(st);
    return found;
}

START_TEST(test_status_check_edited_in_place)
{
    char *msg = NULL;
    sqlite3 *h;

    ck_assert_int_eq(db_open(t.path, DB_CREATE, &t.db, &msg), 0);
    ck_assert_int_eq(db_migrate(t.db, &msg), 0);
    h = db_handle(t.db);
    ck_assert_int_eq(insert_builds_ephemeral(h), 0);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM sqlite_master WHERE name ="
                                      " 'registrations' AND sql LIKE '%%status IN (%%'"),
                     0);
    ck_assert_int_eq(db_exec(t.db, "INSERT INTO meetings(title, starts_on, ends_on, capacity,"
                                   " created_at, updated_at) VALUES ('m', '2030-01-01',"
                                   " '2030-01-02', 5, 1, 1);"
                                   "INSERT INTO people(email, email_key, created_at)"
                                   " VALUES ('a@b.lv', 'a@b.lv', 1)"),
                     0);
    ck_assert_int_ne(sqlite3_exec(h, "INSERT INTO registrations(meeting_id, person_id,"
                                     " first_name, last_name, email, organisation_name,"
                                     " status, token_hash, created_at, updated_at) VALUES"
                                     " (1, 1, 'a', 'b', 'a@b.lv', 'o', 'bogus', x'00', 1, 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_ptr_nonnull(strstr(sqlite3_errmsg(h), "CHECK"));
    ck_assert_int_eq(sqlite3_exec(h, "INSERT INTO registrations(meeting_id, person_id,"
                                     " first_name, last_name, email, organisation_name,"
                                     " status, token_hash, created_at, updated_at) VALUES"
                                     " (1, 1, 'a', 'b', 'a@b.lv', 'o', 'confirmed', x'00', 1, 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    /* A second connection reads the edited schema too. */
    db_close(t.db);
    t.db = NULL;
    ck_assert_int_eq(db_open(t.path, 0, &t.db, &msg), 0);
    ck_assert_int_eq(insert_builds_ephemeral(db_handle(t.db)), 0);
}
END_TEST

START_TEST(test_pragmas)
{
    char mode[32];

    testdb_open(&t);
    query_text(t.db, "PRAGMA journal_mode", mode, sizeof mode);
    ck_assert_str_eq(mode, "wal");
    ck_assert_int_eq(testdb_int(t.db, "PRAGMA foreign_keys"), 1);
    ck_assert_int_eq(testdb_int(t.db, "PRAGMA synchronous"), 2); /* FULL */
    ck_assert_int_gt(testdb_int(t.db, "PRAGMA busy_timeout"), 0);
    ck_assert_int_eq(testdb_int(t.db, "PRAGMA query_only"), 0);
    /* Foreign keys are enforced, not only switched on. */
    ck_assert_int_eq(db_exec(t.db, "INSERT INTO network_members(network_id, organisation_id)"
                                   " VALUES (41, 42)"),
                     -1);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM network_members"), 0);
}
END_TEST

START_TEST(test_readonly_connection)
{
    struct db *ro = NULL;
    char *msg = NULL;
    char mode[32];

    testdb_open(&t);
    ck_assert_int_eq(db_open(t.path, DB_READONLY, &ro, &msg), 0);
    ck_assert_int_eq(testdb_int(ro, "PRAGMA query_only"), 1);
    ck_assert_int_eq(testdb_int(ro, "PRAGMA foreign_keys"), 1);
    query_text(ro, "PRAGMA journal_mode", mode, sizeof mode);
    ck_assert_str_eq(mode, "wal");
    ck_assert_int_eq(testdb_int(ro, "SELECT count(*) FROM meetings"), 0);
    ck_assert_int_eq(db_exec(ro, "INSERT INTO networks(name, created_at) VALUES ('n', 1)"), -1);
    /* The writer's rows are visible to the reader once committed. */
    ck_assert_int_eq(db_exec(t.db, "INSERT INTO networks(name, created_at) VALUES ('n', 1)"), 0);
    ck_assert_int_eq(testdb_int(ro, "SELECT count(*) FROM networks"), 1);
    db_close(ro);
}
END_TEST

START_TEST(test_transactions)
{
    testdb_open(&t);
    ck_assert_int_eq(db_begin(t.db), 0);
    ck_assert_int_eq(db_exec(t.db, "INSERT INTO networks(name, created_at) VALUES ('a', 1)"), 0);
    db_rollback(t.db);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM networks"), 0);
    ck_assert_int_eq(db_begin(t.db), 0);
    ck_assert_int_eq(db_exec(t.db, "INSERT INTO networks(name, created_at) VALUES ('b', 1)"), 0);
    ck_assert_int_eq(db_commit(t.db), 0);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM networks"), 1);
    db_rollback(t.db); /* no transaction: a no-op */
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM networks"), 1);
    ck_assert_int_eq(db_exec(t.db, "THIS IS NOT SQL"), -1);
    ck_assert_ptr_null(db_stmt(t.db, "SELECT * FROM no_such_table"));
}
END_TEST

START_TEST(test_stmt_cache)
{
    static const char sql[] = "SELECT count(*) FROM networks WHERE name = ?";
    sqlite3_stmt *a, *b;

    testdb_open(&t);
    a = db_stmt(t.db, sql);
    ck_assert_ptr_nonnull(a);
    sqlite3_bind_text(a, 1, "x", -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(a), SQLITE_ROW);
    /* Asked again: the same statement, reset and unbound. */
    b = db_stmt(t.db, sql);
    ck_assert_ptr_eq(a, b);
    ck_assert_str_eq(sqlite3_sql(b), sql);
    ck_assert_int_eq(sqlite3_stmt_busy(b), 0);
    ck_assert_int_eq(sqlite3_step(b), SQLITE_ROW); /* NULL bound: count 0 */
    ck_assert_int_eq(sqlite3_column_int(b, 0), 0);
    sqlite3_reset(b);
}
END_TEST

START_TEST(test_data_version)
{
    struct db *ro = NULL, *other = NULL;
    char *msg = NULL;
    unsigned long long v;

    testdb_open(&t);
    ck_assert_int_eq(db_open(t.path, DB_READONLY, &ro, &msg), 0);
    ck_assert_int_eq(db_open(t.path, 0, &other, &msg), 0);
    v = db_data_version(ro);
    /* Reading, here or elsewhere, changes nothing. */
    ck_assert_int_eq(testdb_int(ro, "SELECT count(*) FROM networks"), 0);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM networks"), 0);
    ck_assert(db_data_version(ro) == v);
    ck_assert(db_data_version(ro) == v);
    /* A commit by any other connection moves it, at once. */
    ck_assert_int_eq(db_exec(t.db, "INSERT INTO networks(name, created_at) VALUES ('a', 1)"), 0);
    ck_assert(db_data_version(ro) != v);
    v = db_data_version(ro);
    ck_assert(db_data_version(ro) == v);
    ck_assert_int_eq(db_exec(other, "INSERT INTO networks(name, created_at) VALUES ('b', 1)"), 0);
    ck_assert(db_data_version(ro) != v);
    v = db_data_version(ro);
    /* A checkpoint writes no data: at most one more change (the log's restart
     * by the next commit), never a missed one. */
    ck_assert_int_eq(db_exec(other, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
    v = db_data_version(ro);
    ck_assert_int_eq(db_exec(other, "INSERT INTO networks(name, created_at) VALUES ('c', 1)"), 0);
    ck_assert(db_data_version(ro) != v);
    v = db_data_version(ro);
    /* A transaction rolled back commits nothing. */
    ck_assert_int_eq(db_begin(other), 0);
    ck_assert_int_eq(db_exec(other, "INSERT INTO networks(name, created_at) VALUES ('d', 1)"), 0);
    db_rollback(other);
    ck_assert(db_data_version(ro) == v);
    ck_assert_int_eq(testdb_int(ro, "SELECT count(*) FROM networks"), 3);
    db_close(other);
    db_close(ro);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("migrations");
    TCase *tc = tcase_create("db");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_test(tc, test_open_missing_without_create);
    tcase_add_test(tc, test_open_garbage);
    tcase_add_test(tc, test_open_short_garbage);
    tcase_add_test(tc, test_open_directory);
    tcase_add_test(tc, test_newer_schema_refused);
    tcase_add_test(tc, test_migration_list);
    tcase_add_test(tc, test_migrate_fresh);
    tcase_add_test(tc, test_data_version);
    tcase_add_test(tc, test_migrate_twice_is_noop);
    tcase_add_test(tc, test_status_check_edited_in_place);
    tcase_add_test(tc, test_pragmas);
    tcase_add_test(tc, test_readonly_connection);
    tcase_add_test(tc, test_transactions);
    tcase_add_test(tc, test_stmt_cache);
    suite_add_tcase(s, tc);
    return s;
}
