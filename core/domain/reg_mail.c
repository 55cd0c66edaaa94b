/* reg_mail.c - a lost manage link sent again; see reg_mail.h. */
#include "reg_mail.h"

#include <string.h>

#include "outbox.h"
#include "registration.h"
#include "textfold.h"
#include "token.h"

#define RESEND_EVERY 60 /* seconds: one link message a minute per registration */

int reg_resend_link(struct db *db, long long meeting_id, const char *email, long long now,
                    struct err *e)
{
    char key[JF_TEXT_BYTES(REG_EMAIL_MAX) * 3];
    uint8_t unusable[TOKEN_HASH_LEN];
    sqlite3_stmt *find, *up;
    long long id = 0;
    int rc;

    if (!outbox_enabled() || text_fold(email, key, sizeof key) < 0)
        return 0;
    /* people.email_key is how a registration's address is matched (case and
     * accents folded, as the duplicate check does). */
    find = db_stmt(db, "SELECT r.id FROM registrations r JOIN people p ON p.id = r.person_id"
                       " WHERE p.email_key = ?1 AND r.meeting_id = ?2 AND r.status <> 'cancelled'"
                       " AND (r.link_queued_at IS NULL OR r.link_queued_at <= ?3 - ?4)");
    if (find == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(find, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(find, 2, meeting_id);
    sqlite3_bind_int64(find, 3, now);
    sqlite3_bind_int(find, 4, RESEND_EVERY);
    rc = sqlite3_step(find);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(find, 0);
    sqlite3_reset(find);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 0 : db_fail(db, e);
    /* The old links stop working: the registration's own token gets a hash
     * no secret has, and the last message's token is forgotten; the new
     * one is made when the message is sent. */
    token_random_bytes(unusable, sizeof unusable);
    up = db_stmt(db, "UPDATE registrations SET token_hash = ?, mail_token_hash = NULL,"
                     " updated_at = ?2, link_queued_at = ?2 WHERE id = ?3");
    if (up == NULL)
        return db_fail(db, e);
    sqlite3_bind_blob(up, 1, unusable, sizeof unusable, SQLITE_STATIC);
    sqlite3_bind_int64(up, 2, now);
    sqlite3_bind_int64(up, 3, id);
    if (db_step_done(up) < 0)
        return db_fail(db, e);
    return outbox_to_registration(db, id, "registration.link", "{\"link\":true}", now, e);
}

int reg_confirm_email(struct db *db, long long id, long long now, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT status, hold_until FROM registrations WHERE id = ?");
    int rc, cancelled = 0, held = 0;

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        cancelled = strcmp(db_text(st, 0), "cancelled") == 0;
        held = sqlite3_column_type(st, 1) != SQLITE_NULL;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return err_set(e, ERR_NOT_FOUND, NULL, "no registration %lld", id);
    if (rc != SQLITE_ROW)
        return db_fail(db, e);
    if (cancelled)
        return err_set(e, ERR_ALREADY_CANCELLED, NULL,
                       "registration %lld is cancelled (it was not confirmed in time)", id);
    if (!held)
        return 0;
    st = db_stmt(db, "UPDATE registrations SET hold_until = NULL, email_confirmed_at = ?,"
                     " updated_at = ? WHERE id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, id);
    return db_step_done(st) < 0 ? db_fail(db, e) : 0;
}

int reg_holds_due(struct db *db, long long now)
{
    return db_exists(db, "SELECT 1 FROM registrations WHERE hold_until <= ?"
                         " AND status <> 'cancelled' LIMIT 1", now, 0);
}

int reg_expire_holds(struct db *db, long long now, int max, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id FROM registrations WHERE hold_until <= ?"
                                   " AND status <> 'cancelled' ORDER BY hold_until LIMIT ?");
    long long ids[64];
    int n = 0, rc;

    if (max > 64)
        max = 64;
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, max);
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    for (int i = 0; i < n; i++)
        if (reg_cancel(db, ids[i], now, OUTBOX_ACTOR_EXPIRY, e) < 0)
            return -1;
    return n;
}
