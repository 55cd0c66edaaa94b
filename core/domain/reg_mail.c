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
                       " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.registration_id = r.id"
                       "  AND o.kind = 'registration.link' AND o.created_at > ?3 - ?4)");
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
                     " updated_at = ? WHERE id = ?");
    if (up == NULL)
        return db_fail(db, e);
    sqlite3_bind_blob(up, 1, unusable, sizeof unusable, SQLITE_STATIC);
    sqlite3_bind_int64(up, 2, now);
    sqlite3_bind_int64(up, 3, id);
    if (db_step_done(up) < 0)
        return db_fail(db, e);
    up = db_stmt(db, "INSERT INTO outbox(created_at, meeting_id, registration_id, kind, lang,"
                     " to_addr, to_name, data_json, next_attempt_at)"
                     " SELECT ?1, meeting_id, id, 'registration.link', lang, email,"
                     " first_name || ' ' || last_name, '{\"link\":true}', ?1"
                     " FROM registrations WHERE id = ?2");
    if (up == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(up, 1, now);
    sqlite3_bind_int64(up, 2, id);
    return db_step_done(up) < 0 ? db_fail(db, e) : 0;
}
