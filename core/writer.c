/* writer.c - the group-commit writer thread; see writer.h. */
#include "writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct writer {
    struct db *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct wjob *queue;    /* newest first; guarded by mu */
    struct wjob *finished; /* newest first; guarded by mu */
    int stopping;          /* guarded by mu */
    int started;
    void (*notify)(void *);
    void *arg;
    struct writer_stats stats; /* guarded by mu */
};

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

/* Runs one batch (oldest first) in one transaction. */
static void run_batch(struct db *db, struct wjob *batch)
{
    if (db_begin(db) < 0) {
        fail_all(batch, "storage unavailable");
        return;
    }
    for (struct wjob *j = batch; j; j = j->next) {
        err_clear(&j->err);
        if (db_exec(db, "SAVEPOINT job") < 0) {
            j->rc = err_set(&j->err, ERR_INTERNAL, NULL, "storage error");
            continue;
        }
        j->rc = j->run(db, j);
        if (j->rc < 0) {
            if (j->err.code == ERR_NONE)
                err_set(&j->err, ERR_INTERNAL, NULL, "storage error");
            db_exec(db, "ROLLBACK TO job");
        }
        db_exec(db, "RELEASE job");
    }
    if (db_commit(db) < 0) {
        db_rollback(db);
        fail_all(batch, "the change could not be saved");
    }
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

        run_batch(w->db, batch);

        pthread_mutex_lock(&w->mu);
        for (last = batch; last; last = last->next)
            n++;
        /* finished is newest first: push each job in order. */
        while (batch) {
            struct wjob *next = batch->next;
            batch->next = w->finished;
            w->finished = batch;
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
    w->notify = notify;
    w->arg = arg;
    if (db_open(path, 0, &w->db, errmsg) < 0)
        goto fail;
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
    if (w == NULL || !w->started)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->started = 0;
}

void writer_free(struct writer *w)
{
    if (w == NULL)
        return;
    writer_stop(w);
    db_close(w->db);
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
