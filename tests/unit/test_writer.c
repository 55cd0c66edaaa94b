/* test_writer.c - unit tests for core/writer (group commit on its own thread).
 *
 * Must never: lose a job, run or hand back a job twice, let a failed job's
 * writes survive (its SAVEPOINT is rolled back) or take its batch-mates'
 * writes with it, report a job as done before its batch is committed, or
 * stop with jobs still queued. */
#include "writer.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "directory.h"
#include "testdb.h"

#define NOW 1446000000LL

static struct testdb t;

/* The collector's side of notify(). */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int pending;       /* guarded by mu: notify() since the last collect */
static int notifications; /* guarded by mu */

static void notify(void *arg)
{
    ck_assert_ptr_eq(arg, &t);
    pthread_mutex_lock(&mu);
    pending = 1;
    notifications++;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

/* A test job: the wjob first, so that run() can get back to the rest. */
struct tjob {
    struct wjob w;
    int index;
    int fail;        /* 1: insert, then fail with err set; 2: fail, err unset */
    int gate;        /* wait for the gate to open before running */
    int sleep_ms;
    int runs, dones; /* runs touched only on the writer thread */
    char name[64];
};

/* The gate: the first job waits here until every job is submitted, so that
 * the rest form one batch. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open;
static int gate_waiting; /* a job is running and waits at the gate */

static void open_gate(void)
{
    pthread_mutex_lock(&gate_mu);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
}

/* Waits until a gated job is running on the writer thread. */
static void wait_at_gate(void)
{
    pthread_mutex_lock(&gate_mu);
    while (!gate_waiting)
        pthread_cond_wait(&gate_cv, &gate_mu);
    pthread_mutex_unlock(&gate_mu);
}

/* Fails the way a full disk does: SQLite answers SQLITE_FULL and, as its
 * documentation allows for SQLITE_FULL, IOERR, BUSY and NOMEM, rolls the
 * whole transaction back, not just the statement.  max_page_count is
 * SQLite's own way to simulate that; it is raised again before returning. */
static int fill_disk(struct db *db, struct wjob *w)
{
    sqlite3 *h = db_handle(db);
    int rc;

    ck_assert_int_eq(sqlite3_exec(h, "PRAGMA max_page_count = 1", NULL, NULL, NULL), SQLITE_OK);
    rc = sqlite3_exec(h, "INSERT INTO audit_log(at, actor, action, object, detail)"
                         " VALUES (0, 'test', 'fill', 'disk', randomblob(1000000))",
                      NULL, NULL, NULL);
    ck_assert_int_eq(sqlite3_exec(h, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(rc & 0xff, SQLITE_FULL);
    return err_set(&w->err, ERR_INTERNAL, NULL, "storage error: disk full");
}

static int always_stop(void *arg)
{
    (void)arg;
    return 1;
}

static int allow_all(void *arg, int action, const char *a, const char *b, const char *d,
                     const char *v)
{
    (void)arg, (void)action, (void)a, (void)b, (void)d, (void)v;
    return SQLITE_OK;
}

/* A guest's long write, stopped by its should_stop: SQLite rolls the whole
 * transaction back, as it does for any interrupted write. */
static int runaway_guest_write(struct db *db, struct wjob *w)
{
    const struct db_guest g = {allow_all, always_stop, NULL, 0};
    const struct db_guest *old = db_set_guest(db, &g);
    int rc = sqlite3_exec(db_handle(db),
                          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                          " WHERE x < 1000000) INSERT INTO audit_log(at, actor, action, object)"
                          " SELECT x, 'test', 'runaway', 'x' FROM c",
                          NULL, NULL, NULL);

    db_set_guest(db, old);
    ck_assert_int_eq(rc, SQLITE_INTERRUPT);
    return err_set(&w->err, ERR_PLUGIN_FAILED, NULL, "a plugin's SQL ran too long");
}

static int run_job(struct db *db, struct wjob *w)
{
    struct tjob *j = (struct tjob *)w;

    j->runs++;
    if (j->gate) {
        pthread_mutex_lock(&gate_mu);
        gate_waiting = 1;
        pthread_cond_broadcast(&gate_cv);
        while (!gate_open)
            pthread_cond_wait(&gate_cv, &gate_mu);
        pthread_mutex_unlock(&gate_mu);
    }
    if (j->sleep_ms)
        usleep((useconds_t)j->sleep_ms * 1000);
    if (j->fail == 2)
        return -1;
    if (j->fail == 3)
        return fill_disk(db, w);
    if (j->fail == 4)
        return runaway_guest_write(db, w);
    if (dir_org_ensure(db, j->name, "other", w->now) < 0)
        return err_set(&w->err, ERR_INTERNAL, NULL, "insert failed");
    if (j->fail == 1)
        return err_set(&w->err, ERR_DUPLICATE_NAME, "name", "refused on purpose after an insert");
    return 0;
}

static void done_job(struct wjob *w) { ((struct tjob *)w)->dones++; }

static struct tjob *make_jobs(int n)
{
    struct tjob *jobs = calloc((size_t)n, sizeof *jobs);

    ck_assert_ptr_nonnull(jobs);
    for (int i = 0; i < n; i++) {
        jobs[i].w.run = run_job;
        jobs[i].w.done = done_job;
        jobs[i].w.now = NOW + i;
        jobs[i].w.rc = 12345;
        jobs[i].index = i;
        snprintf(jobs[i].name, sizeof jobs[i].name, "Organizācija nr. %d", i);
    }
    return jobs;
}

/* Hands each finished job to done() and checks it comes back in order. */
static int take(struct writer *w, int *last_index)
{
    int n = 0;

    for (struct wjob *j = writer_collect(w); j;) {
        struct wjob *next = j->next;
        struct tjob *tj = (struct tjob *)j;
        ck_assert_msg(tj->index > *last_index, "job %d handed back after job %d", tj->index,
                      *last_index);
        *last_index = tj->index;
        j->done(j);
        n++;
        j = next;
    }
    return n;
}

/* Collects until n jobs are back (fails after 20 s). */
static void collect_all(struct writer *w, int n)
{
    int got = 0, last = -1;
    struct timespec deadline;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    while (got < n) {
        pthread_mutex_lock(&mu);
        while (!pending) {
            int rc = pthread_cond_timedwait(&cv, &mu, &deadline);
            ck_assert_msg(rc != ETIMEDOUT, "only %d of %d jobs came back", got, n);
        }
        pending = 0;
        pthread_mutex_unlock(&mu);
        got += take(w, &last);
    }
    ck_assert_int_eq(got, n);
    ck_assert_ptr_null(writer_collect(w));
}

/* Organisations with this name, seen from a connection of our own. */
static long long orgs_named(struct db *other, const char *name)
{
    /* Names here have no quotes; refuse them rather than escape. */
    ck_assert_ptr_null(strchr(name, '\''));
    return testdb_int(other, "SELECT count(*) FROM organisations WHERE name = '%s'", name);
}

static void setup(void)
{
    testdb_open(&t);
    pthread_mutex_lock(&mu);
    pending = 0;
    notifications = 0;
    pthread_mutex_unlock(&mu);
    gate_open = 0;
    gate_waiting = 0;
}

static void teardown(void) { testdb_cleanup(&t); }

/* --- failures first ------------------------------------------------------- */

START_TEST(test_start_missing_file)
{
    char path[700];
    char *msg = NULL;
    struct writer *w;

    testdb_file(&t, "no-such.db", path, sizeof path);
    w = writer_start(path, notify, &t, &msg);
    ck_assert_ptr_null(w);
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_ne(msg, "");
    free(msg);
    ck_assert_int_ne(access(path, F_OK), 0); /* the writer never creates */
}
END_TEST

/* --- batches --------------------------------------------------------------- */

START_TEST(test_batch_with_failures)
{
    enum { N = 40, FAIL_SET = 17, FAIL_UNSET = 29 };
    struct tjob *jobs = make_jobs(N);
    struct writer *w;
    struct writer_stats st;
    struct db *other = NULL;
    char *msg = NULL;

    jobs[0].gate = 1;
    jobs[FAIL_SET].fail = 1;
    jobs[FAIL_UNSET].fail = 2;
    w = writer_start(t.path, notify, &t, &msg);
    ck_assert_msg(w != NULL, "writer_start: %s", msg ? msg : "?");
    writer_submit(w, &jobs[0].w);
    wait_at_gate(); /* job 0's batch is open: the rest queue behind it */
    for (int i = 1; i < N; i++)
        writer_submit(w, &jobs[i].w);
    open_gate();
    collect_all(w, N);

    for (int i = 0; i < N; i++) {
        ck_assert_msg(jobs[i].runs == 1, "job %d ran %d times", i, jobs[i].runs);
        ck_assert_msg(jobs[i].dones == 1, "job %d done %d times", i, jobs[i].dones);
        if (i == FAIL_SET) {
            ck_assert_int_eq(jobs[i].w.rc, -1);
            ck_assert_int_eq(jobs[i].w.err.code, ERR_DUPLICATE_NAME); /* its own error */
            ck_assert_str_eq(jobs[i].w.err.field, "name");
        } else if (i == FAIL_UNSET) {
            ck_assert_int_eq(jobs[i].w.rc, -1);
            ck_assert_int_eq(jobs[i].w.err.code, ERR_INTERNAL); /* filled in */
        } else {
            ck_assert_msg(jobs[i].w.rc == 0, "job %d: rc %d (%s)", i, jobs[i].w.rc,
                          jobs[i].w.err.message);
            ck_assert_int_eq(jobs[i].w.err.code, ERR_NONE);
        }
    }
    st = writer_stats(w);
    ck_assert_int_eq(st.jobs, N);
    ck_assert_uint_ge(st.batches, 1);
    ck_assert_uint_le(st.batches, st.jobs);
    ck_assert_uint_le(st.max_batch, N);
    /* Job 0 held its batch open until all were queued: the other N-1 were
     * committed together. */
    ck_assert_uint_eq(st.batches, 2);
    ck_assert_uint_eq(st.max_batch, N - 1);
    ck_assert_uint_ge(writer_generation(w), 2);

    /* Committed and visible to another connection; the failed job's insert
     * rolled back with its savepoint. */
    ck_assert_int_eq(db_open(t.path, DB_READONLY, &other, &msg), 0);
    ck_assert_int_eq(testdb_int(other, "SELECT count(*) FROM organisations"), N - 2);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(orgs_named(other, jobs[i].name),
                         (i == FAIL_SET || i == FAIL_UNSET) ? 0 : 1);
    db_close(other);

    writer_stop(w);
    ck_assert_ptr_null(writer_collect(w));
    writer_free(w);
    pthread_mutex_lock(&mu);
    ck_assert_int_ge(notifications, 2);
    pthread_mutex_unlock(&mu);
    free(jobs);
}
END_TEST

START_TEST(test_all_fail)
{
    enum { N = 5 };
    struct tjob *jobs = make_jobs(N);
    struct writer *w;
    char *msg = NULL;

    for (int i = 0; i < N; i++)
        jobs[i].fail = 1;
    w = writer_start(t.path, notify, &t, &msg);
    ck_assert_ptr_nonnull(w);
    for (int i = 0; i < N; i++)
        writer_submit(w, &jobs[i].w);
    collect_all(w, N);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(jobs[i].w.rc, -1);
        ck_assert_int_eq(jobs[i].dones, 1);
    }
    writer_free(w);
    ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM organisations"), 0);
    free(jobs);
}
END_TEST

START_TEST(test_one_at_a_time)
{
    /* Each job waited for: one batch each, rows visible after each. */
    enum { N = 4 };
    struct tjob *jobs = make_jobs(N);
    struct writer *w;
    struct writer_stats st;
    char *msg = NULL;

    w = writer_start(t.path, notify, &t, &msg);
    ck_assert_ptr_nonnull(w);
    for (int i = 0; i < N; i++) {
        writer_submit(w, &jobs[i].w);
        collect_all(w, 1);
        ck_assert_int_eq(jobs[i].w.rc, 0);
        ck_assert_int_eq(testdb_int(t.db, "SELECT count(*) FROM organisations"), i + 1);
    }
    st = writer_stats(w);
    ck_assert_uint_eq(st.jobs, N);
    ck_assert_uint_eq(st.batches, N);
    ck_assert_uint_eq(st.max_batch, 1);
    writer_free(w);
    free(jobs);
}
END_TEST

/* A job whose failure ended the whole transaction (SQLite does so on
 * SQLITE_FULL, IOERR, BUSY or NOMEM): whatever each job is told must be
 * true, i.e. rc 0 exactly for the jobs whose rows are committed.  The
 * writer fails the whole batch and runs nothing after the failure, so that
 * no job runs outside the batch's transaction. */
START_TEST(test_failure_that_ends_the_transaction)
{
    enum { N = 4, FULL = 2 };
    struct tjob *jobs = make_jobs(N);
    struct writer *w;
    struct db *other = NULL;
    char *msg = NULL, why[N][sizeof jobs->w.err.message];
    long long rows[N], filler;
    int rc[N], runs[N];

    jobs[0].gate = 1;
    jobs[FULL].fail = 3;
    w = writer_start(t.path, notify, &t, &msg);
    ck_assert_ptr_nonnull(w);
    writer_submit(w, &jobs[0].w);
    wait_at_gate();
    for (int i = 1; i < N; i++) /* one batch: 1, FULL, 3 */
        writer_submit(w, &jobs[i].w);
    open_gate();
    collect_all(w, N);
    writer_free(w);
    ck_assert_int_eq(db_open(t.path, DB_READONLY, &other, &msg), 0);
    for (int i = 0; i < N; i++) {
        rows[i] = orgs_named(other, jobs[i].name);
        rc[i] = jobs[i].w.rc;
        runs[i] = jobs[i].runs;
        snprintf(why[i], sizeof why[i], "%s", jobs[i].w.err.message);
    }
    filler = testdb_int(other, "SELECT count(*) FROM audit_log WHERE actor = 'test'");
    db_close(other);
    free(jobs); /* released before asserting: no leak if an assertion fails */
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(runs[i], i <= FULL ? 1 : 0);
        ck_assert_msg((rc[i] == 0) == (rows[i] == 1),
                      "job %d was told rc %d (%s) but its row is %s", i, rc[i], why[i],
                      rows[i] ? "committed" : "absent");
    }
    ck_assert_int_eq(rc[0], 0);
    ck_assert_int_eq(rc[FULL], -1);
    ck_assert_int_eq(filler, 0);
}
END_TEST

/* A plugin's write stopped for running too long takes the transaction with
 * it; the writer leaves that job out and runs the innocent ones again. */
START_TEST(test_runaway_guest_left_out)
{
    enum { N = 5, BAD = 2 };
    struct tjob *jobs = make_jobs(N);
    struct writer *w;
    struct db *other = NULL;
    char *msg = NULL;
    long long rows[N], filler;
    int rc[N], runs[N], code;

    jobs[0].gate = 1;
    jobs[BAD].fail = 4;
    w = writer_start(t.path, notify, &t, &msg);
    ck_assert_ptr_nonnull(w);
    writer_submit(w, &jobs[0].w);
    wait_at_gate();
    for (int i = 1; i < N; i++) /* one batch: 1, BAD, 3, 4 */
        writer_submit(w, &jobs[i].w);
    open_gate();
    collect_all(w, N);
    writer_free(w);
    ck_assert_int_eq(db_open(t.path, DB_READONLY, &other, &msg), 0);
    for (int i = 0; i < N; i++) {
        rows[i] = orgs_named(other, jobs[i].name);
        rc[i] = jobs[i].w.rc;
        runs[i] = jobs[i].runs;
    }
    code = jobs[BAD].w.err.code;
    filler = testdb_int(other, "SELECT count(*) FROM audit_log WHERE action = 'runaway'");
    db_close(other);
    free(jobs);
    for (int i = 0; i < N; i++)
        if (i != BAD) {
            ck_assert_msg(rc[i] == 0 && rows[i] == 1, "job %d: rc %d, rows %lld", i, rc[i],
                          rows[i]);
        }
    ck_assert_int_eq(rc[BAD], -1);
    ck_assert_int_eq(code, ERR_PLUGIN_FAILED);
    ck_assert_int_eq(filler, 0);
    /* job 1 ran, was undone with the batch, and ran again */
    ck_assert_int_eq(runs[1], 2);
    ck_assert_int_eq(runs[BAD], 1);
    ck_assert_int_eq(runs[3], 1);
}
END_TEST

/* --- stopping ---------------------------------------------------------------- */

START_TEST(test_stop_drains)
{
    enum { N = 25 };
    struct tjob *jobs = make_jobs(N);
    struct writer *w;
    struct writer_stats st;
    struct db *other = NULL;
    char *msg = NULL;
    int last = -1, got;

    jobs[0].sleep_ms = 100; /* the rest are still queued when we stop */
    w = writer_start(t.path, notify, &t, &msg);
    ck_assert_ptr_nonnull(w);
    for (int i = 0; i < N; i++)
        writer_submit(w, &jobs[i].w);
    writer_stop(w);
    /* Everything ran, and is there for a last collect. */
    got = take(w, &last);
    ck_assert_int_eq(got, N);
    ck_assert_ptr_null(writer_collect(w));
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(jobs[i].runs, 1);
        ck_assert_int_eq(jobs[i].dones, 1);
        ck_assert_int_eq(jobs[i].w.rc, 0);
    }
    st = writer_stats(w);
    ck_assert_uint_eq(st.jobs, N);
    ck_assert_uint_le(st.batches, st.jobs);
    writer_stop(w); /* twice is harmless */
    writer_free(w);
    ck_assert_int_eq(db_open(t.path, DB_READONLY, &other, &msg), 0);
    ck_assert_int_eq(testdb_int(other, "SELECT count(*) FROM organisations"), N);
    db_close(other);
    free(jobs);
}
END_TEST

START_TEST(test_stop_idle)
{
    struct writer *w;
    char *msg = NULL;

    w = writer_start(t.path, notify, &t, &msg);
    ck_assert_ptr_nonnull(w);
    writer_stop(w);
    ck_assert_ptr_null(writer_collect(w));
    ck_assert_uint_eq(writer_stats(w).jobs, 0);
    ck_assert_uint_eq(writer_stats(w).batches, 0);
    writer_free(w);
    writer_free(NULL);
    pthread_mutex_lock(&mu);
    ck_assert_int_eq(notifications, 0);
    pthread_mutex_unlock(&mu);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("writer");
    TCase *tc = tcase_create("group commit"), *tf;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_start_missing_file);
    tcase_add_test(tc, test_batch_with_failures);
    tcase_add_test(tc, test_all_fail);
    tcase_add_test(tc, test_one_at_a_time);
    tcase_add_test(tc, test_stop_drains);
    tcase_add_test(tc, test_stop_idle);
    suite_add_tcase(s, tc);

    /* Regressions: defects found by these tests and fixed. */
    tf = tcase_create("regressions");
    tcase_add_checked_fixture(tf, setup, teardown);
    tcase_add_unchecked_fixture(tf, testdb_base_setup, testdb_base_teardown);
    tcase_set_timeout(tf, 60);
    tcase_add_test(tf, test_failure_that_ends_the_transaction);
    tcase_add_test(tf, test_runaway_guest_left_out);
    suite_add_tcase(s, tf);
    return s;
}
