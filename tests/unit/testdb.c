/* testdb.c - temporary SQLite databases for the unit tests; see testdb.h. */
#include "testdb.h"

#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_subscribers.h"

/* Set by testdb_base_setup() in the runner's process; forked tests inherit
 * it and make their directories inside. */
static char base[512];

/* Removes dir, its files and (one level of) subdirectories with theirs. */
static void remove_tree(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct stat st;
    char p[1024];

    if (d != NULL) {
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
            if (depth > 0 && lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(p, depth - 1);
            else
                unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

void testdb_base_setup(void)
{
    const char *tmp = getenv("TMPDIR");
    int n;

    if (tmp == NULL || tmp[0] == '\0')
        tmp = P_tmpdir;
    n = snprintf(base, sizeof base, "%s/saiets-unit-XXXXXX", tmp);
    if (n <= 0 || (size_t)n >= sizeof base || mkdtemp(base) == NULL) {
        fprintf(stderr, "testdb: cannot make a temporary directory\n");
        base[0] = '\0';
    }
}

void testdb_base_teardown(void)
{
    if (base[0] != '\0')
        remove_tree(base, 1);
    base[0] = '\0';
}

void testdb_mkpath(struct testdb *t)
{
    const char *tmp = getenv("TMPDIR");
    int n;

    memset(t, 0, sizeof *t);
    if (tmp == NULL || tmp[0] == '\0')
        tmp = P_tmpdir;
    if (base[0] != '\0')
        n = snprintf(t->dir, sizeof t->dir, "%s/XXXXXX", base);
    else
        n = snprintf(t->dir, sizeof t->dir, "%s/saiets-unit-XXXXXX", tmp);
    ck_assert_msg(n > 0 && (size_t)n < sizeof t->dir, "temporary directory name too long");
    ck_assert_msg(mkdtemp(t->dir) != NULL, "mkdtemp(%s) failed", t->dir);
    snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
}

void testdb_file(const struct testdb *t, const char *name, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "%s/%s", t->dir, name);

    ck_assert_msg(n > 0 && (size_t)n < outsz, "path too long");
}

struct db *testdb_open(struct testdb *t)
{
    char *msg = NULL;

    if (t->dir[0] == '\0')
        testdb_mkpath(t);
    events_subscribe_core();
    ck_assert_msg(db_open(t->path, DB_CREATE, &t->db, &msg) == 0, "db_open: %s",
                  msg ? msg : "?");
    ck_assert_msg(db_migrate(t->db, &msg) == 0, "db_migrate: %s", msg ? msg : "?");
    return t->db;
}

void testdb_cleanup(struct testdb *t)
{
    db_close(t->db);
    t->db = NULL;
    if (t->dir[0] != '\0')
        remove_tree(t->dir, 0);
    t->dir[0] = '\0';
}

long long testdb_int(struct db *db, const char *fmt, ...)
{
    char sql[1024];
    sqlite3_stmt *st = NULL;
    va_list ap;
    long long v;
    int rc;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    rc = sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL);
    ck_assert_msg(rc == SQLITE_OK, "prepare %s: %s", sql, sqlite3_errmsg(db_handle(db)));
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        sqlite3_finalize(st);
    ck_assert_msg(rc == SQLITE_ROW, "%s: no row (%d)", sql, rc);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}
