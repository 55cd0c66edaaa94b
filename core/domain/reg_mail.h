/* reg_mail.h - the registration flows that exist because of e-mail: a lost
 * manage link sent again.  (Each runs in the caller's transaction, on the
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

#endif
