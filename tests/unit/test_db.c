/* test_db.c - unit tests for the db_* helpers of core/store/db.c.
 *
 * Must never: report success for a statement that failed, leave a cached
 * statement mid-step (the next user would read stale rows), hand back a
 * partial list as if it were whole, or insert a second row for a key that
 * is already there. */
#include "check_main.h"
#include "db.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testdb.h"

static struct testdb t;
static struct db *db;

static void setup(void)
{
    memset(&t, 0, sizeof t);
    db = testdb_open(&t);
    ck_assert_int_eq(db_exec(db, "CREATE TABLE things(id INTEGER PRIMARY KEY,"
                                 " name TEXT NOT NULL UNIQUE, note TEXT, size REAL,"
                                 " made_at INTEGER)"), 0);
    ck_assert_int_eq(db_exec(db, "INSERT INTO things(name, note, size, made_at) VALUES"
                                 " ('a', 'first', 1.5, 10), ('b', NULL, NULL, 20),"
                                 " ('c', 'third', 3, 30)"), 0);
}

static void teardown(void)
{
    testdb_cleanup(&t);
    db = NULL;
}

/* ---- db_fail ---------------------------------------------------------------- */

START_TEST(test_fail_names_sqlite_message)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO things(name) VALUES ('a')");
    struct err e;

    err_clear(&e);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(db_step_done(st), -1);
    ck_assert_int_eq(db_fail(db, &e), -1);
    ck_assert_int_eq(e.code, ERR_INTERNAL);
    ck_assert_str_eq(e.field, "");
    ck_assert_msg(strncmp(e.message, "storage error: ", 15) == 0, "%s", e.message);
    ck_assert_msg(strstr(e.message, "UNIQUE constraint failed") != NULL, "%s", e.message);
}
END_TEST

START_TEST(test_fail_without_sqlite_error)
{
    struct err e;

    err_clear(&e);
    ck_assert_int_eq(db_exec(db, "SELECT 1"), 0);
    ck_assert_int_eq(db_fail(db, &e), -1);
    ck_assert_int_eq(e.code, ERR_INTERNAL);
    ck_assert_str_eq(e.message, "storage error");
}
END_TEST

START_TEST(test_fail_after_prepare_error)
{
    struct err e;

    err_clear(&e);
    ck_assert_ptr_null(db_stmt(db, "SELECT x FROM nowhere"));
    db_fail(db, &e);
    ck_assert_msg(strstr(e.message, "no such table: nowhere") != NULL, "%s", e.message);
}
END_TEST

/* ---- db_json_column --------------------------------------------------------- */

START_TEST(test_json_column_types)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, name, note, size, made_at, x'00'"
                                   " FROM things WHERE name = 'b'");
    json_t *v;

    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    v = db_json_column(st, 0);
    ck_assert(json_is_integer(v) && json_integer_value(v) == 2);
    json_decref(v);
    v = db_json_column(st, 1);
    ck_assert(json_is_string(v));
    ck_assert_str_eq(json_string_value(v), "b");
    json_decref(v);
    v = db_json_column(st, 2);
    ck_assert(json_is_null(v));
    json_decref(v);
    v = db_json_column(st, 3);
    ck_assert(json_is_null(v));
    json_decref(v);
    v = db_json_column(st, 5);
    ck_assert(json_is_null(v)); /* a blob */
    json_decref(v);
    sqlite3_reset(st);
    st = db_stmt(db, "SELECT size FROM things WHERE name = 'c'");
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    v = db_json_column(st, 0);
    ck_assert(json_is_real(v) && json_real_value(v) == 3.0); /* REAL affinity */
    json_decref(v);
    sqlite3_reset(st);
}
END_TEST

/* ---- db_rows_json ----------------------------------------------------------- */

static json_t *thing_row(sqlite3_stmt *st, void *arg)
{
    int *calls = arg;

    (*calls)++;
    return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "name", db_text(st, 1), "note", db_json_column(st, 2));
}

START_TEST(test_rows_json_every_row)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, name, note FROM things WHERE made_at >= ?"
                                   " ORDER BY id");
    json_t *list, *want;
    int calls = 0;

    sqlite3_bind_int64(st, 1, 20);
    list = db_rows_json(st, thing_row, &calls);
    want = json_loads("[{\"id\": 2, \"name\": \"b\", \"note\": null},"
                      " {\"id\": 3, \"name\": \"c\", \"note\": \"third\"}]", 0, NULL);
    ck_assert_ptr_nonnull(list);
    ck_assert_int_eq(calls, 2);
    ck_assert_msg(json_equal(list, want), "%s", json_dumps(list, JSON_COMPACT));
    json_decref(list);
    json_decref(want);
    /* Reset: the cached statement runs again from the start. */
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int64(st, 0), 2);
    sqlite3_reset(st);
}
END_TEST

START_TEST(test_rows_json_empty)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, name, note FROM things WHERE made_at > ?");
    json_t *list;
    int calls = 0;

    sqlite3_bind_int64(st, 1, 1000);
    list = db_rows_json(st, thing_row, &calls);
    ck_assert_ptr_nonnull(list);
    ck_assert(json_is_array(list));
    ck_assert_uint_eq(json_array_size(list), 0);
    ck_assert_int_eq(calls, 0);
    json_decref(list);
}
END_TEST

START_TEST(test_rows_json_no_statement)
{
    int calls = 0;

    ck_assert_ptr_null(db_rows_json(NULL, thing_row, &calls));
    ck_assert_int_eq(calls, 0);
}
END_TEST

/* A step that fails after some rows: no partial list. */
START_TEST(test_rows_json_step_error)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, name, note FROM things"
                                   " WHERE abs(CASE WHEN name = 'c' THEN"
                                   " -9223372036854775807 - 1 ELSE 1 END) > 0 ORDER BY id");
    int calls = 0;

    ck_assert_ptr_nonnull(st);
    ck_assert_ptr_null(db_rows_json(st, thing_row, &calls));
    ck_assert_int_eq(calls, 2);
    ck_assert_int_eq(sqlite3_stmt_busy(st), 0);
}
END_TEST

static json_t *fail_second(sqlite3_stmt *st, void *arg)
{
    int *calls = arg;

    return ++*calls == 2 ? NULL : json_integer(sqlite3_column_int64(st, 0));
}

START_TEST(test_rows_json_row_fails)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id FROM things ORDER BY id");
    int calls = 0;

    ck_assert_ptr_null(db_rows_json(st, fail_second, &calls));
    ck_assert_int_eq(calls, 2);
    ck_assert_int_eq(sqlite3_stmt_busy(st), 0);
}
END_TEST

/* ---- db_find_or_insert ------------------------------------------------------ */

START_TEST(test_find_or_insert)
{
    static const char find[] = "SELECT id FROM things WHERE name = ?1";
    static const char insert[] = "INSERT INTO things(name, note, made_at) VALUES (?1, ?2, ?3)";
    long long id;

    ck_assert_int_eq(db_find_or_insert(db, find, insert, "b", "ignored", 99), 2);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM things"), 3);
    id = db_find_or_insert(db, find, insert, "d", "fourth", 40);
    ck_assert_int_eq(id, 4);
    ck_assert_int_eq(testdb_int(db, "SELECT made_at FROM things WHERE id = %lld", id), 40);
    ck_assert_int_eq(testdb_int(db, "SELECT note = 'fourth' FROM things WHERE id = %lld", id),
                     1);
    ck_assert_int_eq(db_find_or_insert(db, find, insert, "d", "again", 41), id);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM things"), 4);
}
END_TEST

/* The insert may leave out the text (?2): only the key and the time. */
START_TEST(test_find_or_insert_without_text)
{
    static const char find[] = "SELECT id FROM things WHERE name = ?1";
    static const char insert[] = "INSERT INTO things(name, made_at) VALUES (?1, ?3)";
    long long id = db_find_or_insert(db, find, insert, "e", NULL, 50);

    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(testdb_int(db, "SELECT made_at FROM things WHERE id = %lld", id), 50);
    ck_assert_int_eq(testdb_int(db, "SELECT note IS NULL FROM things WHERE id = %lld", id), 1);
}
END_TEST

START_TEST(test_find_or_insert_errors)
{
    static const char find[] = "SELECT id FROM things WHERE name = ?1";
    static const char bad_find[] = "SELECT id FROM nowhere WHERE name = ?1";
    static const char bad_insert[] = "INSERT INTO things(name, made_at) VALUES (NULL, ?3)";

    ck_assert_int_eq(db_find_or_insert(db, bad_find, bad_find, "x", NULL, 1), -1);
    /* NOT NULL refuses the row: -1, not an id. */
    ck_assert_int_eq(db_find_or_insert(db, find, bad_insert, "x", NULL, 1), -1);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM things"), 3);
}
END_TEST

/* ---- the older helpers ------------------------------------------------------ */

START_TEST(test_exists_text_run)
{
    sqlite3_stmt *st;

    ck_assert_int_eq(db_exists(db, "SELECT 1 FROM things WHERE id = ?", 1, 0), 1);
    ck_assert_int_eq(db_exists(db, "SELECT 1 FROM things WHERE id = ?", 9, 0), 0);
    ck_assert_int_eq(db_exists(db, "SELECT 1 FROM things WHERE id = ? AND made_at = ?", 2, 20),
                     1);
    ck_assert_int_eq(db_exists(db, "SELECT 1 FROM things WHERE id = ? AND made_at = ?", 2, 30),
                     0);
    st = db_stmt(db, "SELECT note FROM things WHERE id = 2");
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq(db_text(st, 0), "");
    sqlite3_reset(st);
    ck_assert_int_eq(db_run(db, "DELETE FROM things WHERE id = 3"), 0);
    ck_assert_int_eq(db_changes(db), 1);
    ck_assert_int_eq(db_run(db, "INSERT INTO things(name) VALUES ('a')"), -1);
}
END_TEST

Suite *test_suite(void);

Suite *test_suite(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("helpers");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_test(tc, test_fail_names_sqlite_message);
    tcase_add_test(tc, test_fail_without_sqlite_error);
    tcase_add_test(tc, test_fail_after_prepare_error);
    tcase_add_test(tc, test_json_column_types);
    tcase_add_test(tc, test_rows_json_every_row);
    tcase_add_test(tc, test_rows_json_empty);
    tcase_add_test(tc, test_rows_json_no_statement);
    tcase_add_test(tc, test_rows_json_step_error);
    tcase_add_test(tc, test_rows_json_row_fails);
    tcase_add_test(tc, test_find_or_insert);
    tcase_add_test(tc, test_find_or_insert_without_text);
    tcase_add_test(tc, test_find_or_insert_errors);
    tcase_add_test(tc, test_exists_text_run);
    suite_add_tcase(s, tc);
    return s;
}
