/* writer.c - the group-commit writer thread and its checkpointer; see
 * writer.h.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses the
 * threshold, so one unlucky batch would wait for thousands of pages to be
 * copied and fsynced.  The writer turns it off and a second thread, with
 * its own connection, runs PASSIVE checkpoints (which never block the
 * writer) whenever CHECKPOINT_PAGES pages have been added to the WAL since
 * the last one began.  Counting from the last checkpoint, not from the WAL's
 * start, matters under steady load: the WAL starts again from its beginning
 * only when a checkpoint has caught up with every commit, which a busy
 * writer rarely allows, so a WAL that stays past the mark would start a
 * checkpoint after every commit, each copying the same few hot pages again
 * (callgrind: 10k-40k instructions a registration instead of a few k).
 * Past WAL_CAP_PAGES, though, every commit starts one again, as short as
 * the commits between them, until one catches up and the WAL starts over:
 * without that the WAL file grew by some 10 MB a second under load. */
#include "writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define CHECKPOINT_PAGES 1000
#define WAL_CAP_PAGES 4000

struct writer {
    struct db *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_cond_t runcv;  /* writer_run's waiters */
    struct wjob *queue;    /* newest first; guarded by mu */
    struct wjob *finished; /* newest first; guarded by mu */
    int stopping;          /* guarded by mu */
    int started;
    void (*notify)(void *);
    void *arg;
    struct writer_stats stats; /* guarded by mu */
    /* checkpointer */
    struct db *ckdb;
    pthread_t ckthread;
    pthread_cond_t ckcv;
    int ckstarted;
    int wal_pages;             /* guarded by mu: WAL size after the last commit */
    int ck_from;               /* guarded by mu: WAL size when the last checkpoint began */
    atomic_ullong generation;  /* commits completed */
};

/* Whether the WAL is due another checkpoint.  Caller holds mu. */
static int checkpoint_due(const struct writer *w)
{
    return w->wal_pages - w->ck_from >= CHECKPOINT_PAGES ||
           (w->wal_pages >= WAL_CAP_PAGES && w->wal_pages != w->ck_from);
}

static struct wjob *reverse(struct wjob *j)
{
    struct wjob *out = NULL;

    while (j) {
        struct wjob *next = j->next;
        j->next = out;
        out = j;
        j = next;
    }
    return out;
}

static void fail_all(struct wjob *batch, const char *why)
{
    for (struct wjob *j = batch; j; j = j->next) {
        j->rc = -1;
        err_set(&j->err, ERR_INTERNAL, NULL, "%s", why);
    }
}

/* One attempt at the batch's transaction, skipping excluded jobs.  Returns
 * the job whose failure took the whole transaction with it when that was a
 * guest's statement stopped for running too long (the batch can be run
 * again without it), NULL otherwise (committed, or failed as a whole). */
static struct wjob *try_batch(struct writer *w, struct wjob *batch)
{
    struct db *db = w->db;

    if (db_begin(db) < 0) {
        fail_all(batch, "storage unavailable");
        return NULL;
    }
    for (struct wjob *j = batch; j; j = j->next) {
        if (j->excluded)
            continue;
        err_clear(&j->err);
        if (db_run(db, "SAVEPOINT job") < 0) {
            j->rc = db_fail(db, &j->err);
            continue;
        }
        db_guest_interrupted(db); /* forget an old one */
        j->rc = j->run(db, j);
        if (j->rc < 0) {
            if (j->err.code == ERR_NONE)
                db_fail(db, &j->err);
            /* Some errors make SQLite roll back the whole transaction, not
             * just the statement: then the jobs before this one are gone
             * too, and nothing may run outside the batch's transaction.
             * When a plugin's write was stopped for running too long, the
             * others are innocent: run them again without it.  Disk full,
             * I/O errors, out of memory: the whole batch fails. */
            if (sqlite3_get_autocommit(db_handle(db))) {
                if (db_guest_interrupted(db))
                    return j;
                log_error("storage: the transaction was rolled back: %s", db_errmsg(db));
                fail_all(batch, "the change could not be saved");
                return NULL;
            }
            db_run(db, "ROLLBACK TO job");
        }
        db_run(db, "RELEASE job");
    }
    if (db_commit(db) < 0) {
        db_rollback(db);
        fail_all(batch, "the change could not be saved");
    }
    return NULL;
}

/* Runs one batch (oldest first) in one transaction. */
static void run_batch(struct writer *w, struct wjob *batch)
{
    struct wjob *culprit;

    for (struct wjob *j = batch; j; j = j->next)
        j->excluded = 0;
    /* Each round excludes one job: at most as many rounds as jobs. */
    while ((culprit = try_batch(w, batch)) != NULL) {
        log_warn("storage: a plugin's statement ran too long and took the batch's "
                 "transaction with it; running the other jobs again without it");
        culprit->excluded = 1;
        culprit->rc = -1;
        if (culprit->err.code == ERR_NONE || culprit->err.code == ERR_INTERNAL)
            err_set(&culprit->err, ERR_PLUGIN_FAILED, NULL,
                    "a plugin's SQL ran too long and was stopped");
    }
    atomic_fetch_add(&w->generation, 1);
    for (struct wjob *j = batch; j; j = j->next)
        if (j->rc == 0 && j->committed)
            j->committed(w->db, j);
}

/* Called by SQLite on the writer thread after each commit. */
static int wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
    struct writer *w = arg;

    (void)h;
    (void)name;
    pthread_mutex_lock(&w->mu);
    w->wal_pages = pages;
    if (pages < w->ck_from)
        w->ck_from = 0; /* the WAL started again from its beginning */
    if (checkpoint_due(w))
        pthread_cond_signal(&w->ckcv);
    pthread_mutex_unlock(&w->mu);
    return SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
    struct writer *w = arg;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        int log = 0, done = 0;

        while (!checkpoint_due(w) && !w->stopping)
            pthread_cond_wait(&w->ckcv, &w->mu);
        if (w->stopping)
            break;
        w->ck_from = w->wal_pages;
        pthread_mutex_unlock(&w->mu);
        if (sqlite3_wal_checkpoint_v2(db_handle(w->ckdb), NULL, SQLITE_CHECKPOINT_PASSIVE,
                                      &log, &done) != SQLITE_OK)
            log_warn("checkpoint: %s", db_errmsg(w->ckdb));
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        struct wjob *batch, *last;
        unsigned long long n = 0;

        while (w->queue == NULL && !w->stopping)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->queue == NULL)
            break; /* stopping and drained */
        batch = reverse(w->queue);
        w->queue = NULL;
        pthread_mutex_unlock(&w->mu);

        run_batch(w, batch);

        pthread_mutex_lock(&w->mu);
        for (last = batch; last; last = last->next)
            n++;
        /* finished is newest first: push each job in order; a
         * writer_run() job goes back to its waiting submitter instead. */
        while (batch) {
            struct wjob *next = batch->next;
            if (batch->done == NULL) {
                batch->next = NULL;
                batch->waited = 1;
                pthread_cond_broadcast(&w->runcv);
            } else {
                batch->next = w->finished;
                w->finished = batch;
            }
            batch = next;
        }
        w->stats.jobs += n;
        w->stats.batches++;
        if (n > w->stats.max_batch)
            w->stats.max_batch = n;
        pthread_mutex_unlock(&w->mu);
        w->notify(w->arg);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

struct writer *writer_start(const char *path, void (*notify)(void *), void *arg,
                            char **errmsg)
{
    struct writer *w = calloc(1, sizeof *w);

    *errmsg = NULL;
    if (w == NULL)
        return NULL;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    pthread_cond_init(&w->ckcv, NULL);
    pthread_cond_init(&w->runcv, NULL);
    w->notify = notify;
    w->arg = arg;
    if (db_open(path, 0, &w->db, errmsg) < 0 || db_open(path, 0, &w->ckdb, errmsg) < 0)
        goto fail;
    if (db_exec(w->db, "PRAGMA wal_autocheckpoint=0") < 0) {
        *errmsg = strdup("cannot configure checkpoints");
        goto fail;
    }
    sqlite3_wal_hook(db_handle(w->db), wal_hook, w);
    if (pthread_create(&w->ckthread, NULL, checkpointer_main, w) != 0) {
        *errmsg = strdup("cannot start the checkpoint thread");
        goto fail;
    }
    w->ckstarted = 1;
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        *errmsg = strdup("cannot start the writer thread");
        goto fail;
    }
    w->started = 1;
    return w;
fail:
    writer_free(w);
    return NULL;
}

void writer_submit(struct writer *w, struct wjob *job)
{
    pthread_mutex_lock(&w->mu);
    job->next = w->queue;
    w->queue = job;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void writer_run(struct writer *w, struct wjob *job)
{
    job->done = NULL;
    job->waited = 0;
    pthread_mutex_lock(&w->mu);
    job->next = w->queue;
    w->queue = job;
    pthread_cond_signal(&w->cv);
    while (!job->waited)
        pthread_cond_wait(&w->runcv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

struct wjob *writer_collect(struct writer *w)
{
    struct wjob *done;

    pthread_mutex_lock(&w->mu);
    done = w->finished;
    w->finished = NULL;
    pthread_mutex_unlock(&w->mu);
    return reverse(done);
}

void writer_stop(struct writer *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = 1;
    pthread_cond_signal(&w->cv);
    pthread_cond_signal(&w->ckcv);
    pthread_mutex_unlock(&w->mu);
    if (w->started)
        pthread_join(w->thread, NULL);
    if (w->ckstarted)
        pthread_join(w->ckthread, NULL);
    w->started = w->ckstarted = 0;
}

void writer_free(struct writer *w)
{
    if (w == NULL)
        return;
    writer_stop(w);
    db_close(w->ckdb);
    db_close(w->db);
    pthread_cond_destroy(&w->runcv);
    pthread_cond_destroy(&w->ckcv);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

struct writer_stats writer_stats(struct writer *w)
{
    struct writer_stats s;

    pthread_mutex_lock(&w->mu);
    s = w->stats;
    pthread_mutex_unlock(&w->mu);
    return s;
}

unsigned long long writer_generation(struct writer *w)
{
    return atomic_load(&w->generation);
}
