/* testdb.h - temporary SQLite databases for the unit tests.
 *
 * Each database lives in its own fresh directory under $TMPDIR (or the
 * system's temporary directory), so that tests running side by side never
 * share a file, and testdb_cleanup() removes the database with its -wal and
 * -shm files and anything else a test put there.
 *
 * With CK_FORK a failed assertion ends the test's process before its
 * teardown; register testdb_base_setup/testdb_base_teardown as an unchecked
 * fixture so that the runner's process removes what such a test left. */
#ifndef SAIETS_TESTDB_H
#define SAIETS_TESTDB_H

#include <stddef.h>

#include "db.h"

struct testdb {
    char dir[512];
    char path[600];
    struct db *db;
};

/* Unchecked fixture: one directory per test case that holds the tests'
 * own directories; the teardown removes it with all it holds. */
void testdb_base_setup(void);
void testdb_base_teardown(void);

/* Makes a fresh directory and sets path to "DIR/test.db" (not created). */
void testdb_mkpath(struct testdb *t);

/* A path for another file in the same directory. */
void testdb_file(const struct testdb *t, const char *name, char *out, size_t outsz);

/* mkpath (unless t has a directory already), db_open(DB_CREATE) and
 * db_migrate; fails the test on error.  Zero *t before the first call. */
struct db *testdb_open(struct testdb *t);

/* Closes t->db if open, removes every file in the directory and the
 * directory itself.  Safe to call twice. */
void testdb_cleanup(struct testdb *t);

/* Runs a query that yields one integer (count(*), a column) and returns it;
 * fails the test if the query does not run or yields no row. */
long long testdb_int(struct db *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
