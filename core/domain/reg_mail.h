/* reg_mail.h - the registration flows that exist because of e-mail: a lost
 * manage link sent again; e-mail confirmation's holds, confirmed or
 * expired.  (Each runs in the caller's transaction, on the
 * writer connection.) */
#ifndef SAIETS_REG_MAIL_H
#define SAIETS_REG_MAIL_H

#include "db.h"
#include "errors.h"

/* "Lost my link": when email has a live registration in the meeting, its
 * manage tokens are replaced (the old link and the token the registration
 * answer gave stop working) and a message with a new link is queued; at
 * most one such message a minute per registration.  The caller answers the
 * same whatever happened (it must not tell whether the address is
 * registered): 0 either way, -1 only for a storage error. */
int reg_resend_link(struct db *db, long long meeting_id, const char *email, long long now,
                    struct err *e);

/* The link of a held registration was opened: the hold ends and the place
 * is kept for good.  0 (also when it was not held), -1 with *e set:
 * not_found, already_cancelled (it expired first). */
int reg_confirm_email(struct db *db, long long id, long long now, struct err *e);

/* 1 when some hold has run out by now (a look at a partial index: callers
 * ask before they hand the writer a job), 0 when none, -1 on error. */
int reg_holds_due(struct db *db, long long now);

/* Cancels (as OUTBOX_ACTOR_EXPIRY) up to max registrations whose hold ran
 * out by now; their seats go to the waiting list in order.  How many, or
 * -1 with *e set. */
int reg_expire_holds(struct db *db, long long now, int max, struct err *e);

#endif
