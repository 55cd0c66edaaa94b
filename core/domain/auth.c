/* auth.c - bearer tokens to principals; see auth.h. */
#include "auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "registration.h"

int auth_is_organizer(const struct principal *p)
{
    return p->kind == PRINCIPAL_ACCOUNT &&
           (p->role == ROLE_ORGANIZER || p->role == ROLE_ADMIN);
}

int auth_is_admin(const struct principal *p)
{
    return p->kind == PRINCIPAL_ACCOUNT && p->role == ROLE_ADMIN;
}

int auth_may_manage(const struct principal *p, long long registration_id)
{
    return auth_is_organizer(p) || (p->kind == PRINCIPAL_REGISTRATION &&
                                    p->registration_id == registration_id);
}

int auth_resolve(struct db *db, const char *header, struct principal *p,
                 struct err *e)
{
    uint8_t hash[TOKEN_HASH_LEN];
    enum token_kind kind;
    sqlite3_stmt *st;
    long long id;
    int rc, match = 0;

    memset(p, 0, sizeof *p);
    strcpy(p->actor, "anonymous");
    if (header == NULL)
        return 0;
    if (strncasecmp(header, "Bearer ", 7) != 0)
        return err_set(e, ERR_UNAUTHORIZED, NULL,
                       "Authorization must be 'Bearer TOKEN'");
    header += 7;
    while (*header == ' ')
        header++;
    if (token_parse(header, &kind, &id, hash) < 0)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "malformed token");
    if (kind == TOKEN_REGISTRATION) {
        rc = reg_token_matches(db, id, hash);
        if (rc < 0)
            return db_fail(db, e);
        if (rc == 0)
            return err_set(e, ERR_UNAUTHORIZED, NULL, "unknown token");
        p->kind = PRINCIPAL_REGISTRATION;
        p->registration_id = id;
        snprintf(p->actor, sizeof p->actor, "registration:%lld", id);
        return 0;
    }
    st = db_stmt(db, "SELECT a.id, a.role, t.token_hash FROM api_tokens t"
                     " JOIN accounts a ON a.id = t.account_id"
                     " WHERE t.id = ? AND t.revoked_at IS NULL");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 2) == TOKEN_HASH_LEN &&
        token_hash_equal(sqlite3_column_blob(st, 2), hash)) {
        match = 1;
        p->kind = PRINCIPAL_ACCOUNT;
        p->account_id = sqlite3_column_int64(st, 0);
        p->token_id = id;
        p->role = strcmp(db_text(st, 1), "admin") == 0 ? ROLE_ADMIN : ROLE_ORGANIZER;
        snprintf(p->actor, sizeof p->actor, "account:%lld", p->account_id);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(db, e);
    if (!match)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "unknown token");
    return 0;
}

int auth_token_create(struct db *db, enum role role, const char *name, long long now,
                      char out[TOKEN_MAX_LEN + 1], struct err *e)
{
    struct token_secret secret;
    sqlite3_stmt *st;
    long long account;

    if (role != ROLE_ADMIN && role != ROLE_ORGANIZER)
        return err_set(e, ERR_INVALID_FIELD, "role", "role: admin or organizer");
    st = db_stmt(db, "INSERT INTO accounts(role, name, created_at) VALUES (?,?,?)");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(st, 1, role == ROLE_ADMIN ? "admin" : "organizer", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    account = db_last_id(db);
    token_secret_new(&secret);
    st = db_stmt(db, "INSERT INTO api_tokens(account_id, token_hash, created_at)"
                     " VALUES (?,?,?)");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, account);
    sqlite3_bind_blob(st, 2, secret.hash, TOKEN_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    token_format(TOKEN_ACCOUNT, db_last_id(db), &secret, out);
    return 0;
}
