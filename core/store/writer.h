/* writer.h - group commit: one thread owns the write connection and commits
 * every write queued while the previous commit was on disk in a single
 * transaction (one fsync with synchronous=FULL), then hands the jobs back.
 *
 * The writer knows nothing of HTTP or libevent: the caller gives a notify
 * function, called on the writer thread whenever finished jobs are ready,
 * and collects them on its own thread with writer_collect().
 *
 * A job is owned by its submitter; the writer only links it into lists.
 * Each job runs inside its own SAVEPOINT, so a job that fails leaves no
 * trace while the others in the batch still commit.  A job whose failure
 * rolls back the whole transaction (a plugin's write stopped for running
 * too long) is left out and the others run again: run() must be safe to
 * call again after its transaction vanished. */
#ifndef SAIETS_WRITER_H
#define SAIETS_WRITER_H

#include "db.h"
#include "errors.h"

struct wjob {
    /* Runs on the writer thread inside the batch transaction: 0 or -1 with
     * err set.  Must not block on anything but the database. */
    int (*run)(struct db *db, struct wjob *job);
    /* Called by whoever collects finished jobs. */
    void (*done)(struct wjob *job);
    /* May be NULL.  Called on the writer thread once the batch holding the
     * job has committed, if the job succeeded, before the next batch runs:
     * for state the next jobs must see (a new plugin set). */
    void (*committed)(struct db *db, struct wjob *job);
    long long now; /* request time, unix seconds, set by the submitter */
    int rc;        /* result of run(), or -1 if the commit failed */
    int excluded;  /* the writer's: left out of its batch's last attempt */
    int waited;    /* the writer's: a writer_run() job has finished */
    struct err err;
    struct wjob *next;
};

struct writer_stats {
    unsigned long long jobs, batches, max_batch;
};

struct writer;

/* Opens its own connection to path and starts the thread. */
struct writer *writer_start(const char *path, void (*notify)(void *), void *arg,
                            char **errmsg);

void writer_submit(struct writer *w, struct wjob *job);

/* For threads other than the collector's (the mail sender): submits job,
 * whose done must be NULL, and waits until its batch has committed or
 * failed; job->rc and job->err say which.  Never call it after
 * writer_stop(), nor from the writer thread. */
void writer_run(struct writer *w, struct wjob *job);

/* Takes the finished jobs, oldest first (NULL when none). */
struct wjob *writer_collect(struct writer *w);

/* Runs every job still queued, stops the thread, closes the connection.
 * Finished jobs are left for a last writer_collect(); then writer_free(). */
void writer_stop(struct writer *w);
void writer_free(struct writer *w);

struct writer_stats writer_stats(struct writer *w);

/* How many commits have completed: any thread may read it.  Data read after
 * reading generation g is at least as new as commit g. */
unsigned long long writer_generation(struct writer *w);

#endif
