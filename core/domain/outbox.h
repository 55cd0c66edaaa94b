/* outbox.h - e-mail messages as rows of the outbox (db/008_mail.sql),
 * written in the caller's transaction: a change that rolls back sends
 * nothing, and a crash after the commit loses nothing.
 *
 * This module decides which domain events mail whom (its subscribers) and
 * keeps the queue's states; it writes no text and talks to no server.  The
 * sender (core/mail/mail_sender.c) reads the due rows, writes each message
 * in the row's language (core/mail/mail_render.c) and records the outcome
 * here through the writer.
 *
 * Kinds (outbox.kind, also the renderer's): registration.confirmed,
 * registration.waitlisted, registration.promoted, registration.cancelled,
 * registration.pending (a held registration's confirmation link),
 * registration.again, registration.link, visit.place, reminder, organizer.message,
 * plugin.message. */
#ifndef SAIETS_OUTBOX_H
#define SAIETS_OUTBOX_H

#include <jansson.h>

#include "db.h"
#include "errors.h"
#include "token.h"

/* Mail on or off for this process (config `mail = off`): off, nothing is
 * queued at all.  Set before the writer starts; on by default. */
void outbox_set_enabled(int on);
int outbox_enabled(void);

/* Queues kind with data (may be NULL) to the registration as stored (its
 * address, name and language), due now.  Writer connection. */
int outbox_to_registration(struct db *db, long long registration_id, const char *kind,
                           const char *data, long long now, struct err *e);

/* The event subscribers (core_subscribers.c subscribes them, after the
 * core's others): a new registration's confirmation or waiting-list
 * message (with its manage token); promoted; cancelled. */
struct event;
int outbox_on_new_registration(struct db *db, const struct event *ev, void *arg,
                               struct err *e);
int outbox_on_registration_change(struct db *db, const struct event *ev, void *arg,
                                  struct err *e);
/* registration.again: the existing registration gets its link (at most one
 * such message a minute). */
int outbox_on_registration_again(struct db *db, const struct event *ev, void *arg,
                                 struct err *e);

/* The actor of an unconfirmed registration's expiry (reg_mail.h): its
 * cancellation mails nothing. */
#define OUTBOX_ACTOR_EXPIRY "system:expiry"

/* Site-visit places that changed (allocation.done, site_visit.seats_added,
 * site_visit.pinned, and a registration confirmed, promoted or cancelled in
 * a meeting with site visits): one 'visit.place' message to each confirmed
 * person whose place is not what they were last told. */
int outbox_on_visit_places(struct db *db, const struct event *ev, void *arg, struct err *e);

/* An organizer's message to part of a meeting: its confirmed people, its
 * waiting list, or the confirmed people placed in one site-visit option. */
enum outbox_audience { OUTBOX_TO_CONFIRMED, OUTBOX_TO_WAITLISTED, OUTBOX_TO_OPTION };

#define OUTBOX_SUBJECT_MAX 200  /* characters */
#define OUTBOX_TEXT_MAX 10000

/* Counts the recipients into *count, and with queue also queues one
 * 'organizer.message' each (data: {"subject", "text"}).  not_found when
 * the option is not one of the meeting's.  0, or -1 with *e set. */
int outbox_broadcast(struct db *db, long long meeting_id, enum outbox_audience to,
                     long long option_id, const json_t *data, int queue, long long now,
                     long long *count, struct err *e);

/* A plugin's message to a live registration of the meeting: subject[0] and
 * text[0] in Latvian, [1] in English; the registration's language picks.
 * Subjects are cut to one line of OUTBOX_SUBJECT_MAX characters' worth of
 * bytes, texts refused beyond OUTBOX_TEXT_MAX.  1 when queued, 0 when the
 * registration is not a live one of the meeting (or mail is off), -1 with
 * *e set. */
int outbox_plugin_message(struct db *db, long long meeting_id, long long registration_id,
                          const char *plugin, const char *const subject[2],
                          const char *const text[2], long long now, struct err *e);

/* --- the sender's side ------------------------------------------------- */

#define OUTBOX_MAX_ATTEMPTS 8

struct outbox_row {
    long long id, created_at, meeting_id, registration_id;
    char kind[32];
    char lang[3];
    char *to_addr, *to_name; /* owned */
    json_t *data;            /* owned; may be NULL */
    int attempts;            /* before this one */
    /* outbox_mark_sending's: the manage token the message carries, made
     * now (data "link": true), or "" */
    char token[TOKEN_MAX_LEN + 1];
};
void outbox_row_clear(struct outbox_row *r);

/* Up to max rows due at `now`, into rows[]: first those tried already and
 * due again (or left 'sending' by a crash), then new ones from id
 * *fresh_from on (0: found out here, once).  How many, or -1.  Any
 * connection. */
int outbox_due(struct db *db, long long now, long long *fresh_from, struct outbox_row *rows,
               int max);

/* After rows were marked as being sent: the new ones among them are behind
 * *fresh_from from now on. */
void outbox_fresh_done(const struct outbox_row *rows, int n, long long *fresh_from);

/* Marks the rows as being sent (attempts + 1) and makes the manage token of
 * each that carries a link (reg_mail_token_new: stored hashed only, so a
 * retry makes another).  Writer connection. */
int outbox_mark_sending(struct db *db, struct outbox_row *rows, int n, struct err *e);

enum outbox_result { OUTBOX_SENT, OUTBOX_RETRY, OUTBOX_FAILED };

/* Records how one attempt ended: sent, retry at now + retry_after, or failed for good (also when it was the
 * OUTBOX_MAX_ATTEMPTS-th).  why: the server's answer, NULL when sent. */
int outbox_record(struct db *db, long long id, enum outbox_result res, int attempts,
                  const char *why, long long now, long long retry_after, struct err *e);

/* Seconds to wait after the n-th failed attempt: base doubling, at most 1 h. */
long long outbox_backoff(int base, int attempts);

/* Counts per state and the latest failures, as JSON:
 * {"queued":n,"sending":n,"sent":n,"failed":n,"next_attempt_at":...,
 *  "failures":[{"id","kind","to","attempts","error","at"}...]} (NULL on error). */
json_t *outbox_status(struct db *db, int max_failures);

/* Queues the reminder of every confirmed registration of a meeting that
 * starts within `days` days of now (once per registration).  How many were
 * queued, or -1 with *e set.  Writer connection. */
int outbox_queue_reminders(struct db *db, int days, long long now, struct err *e);

#endif
