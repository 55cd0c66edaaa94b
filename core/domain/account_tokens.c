/* account_tokens.c - admin listing, creation and revocation of account
 * tokens; see account_tokens.h. */
#include "account_tokens.h"

#include <string.h>

#include "audit.h"
#include "auth.h"
#include "jfield.h"
#include "timeutil.h"

static json_t *time_or_null(sqlite3_stmt *st, int i)
{
    char text[32];

    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    tu_format_utc(sqlite3_column_int64(st, i), text);
    return json_string(text);
}

static json_t *token_row(sqlite3_stmt *st, void *arg)
{
    const struct token_use *mem = arg;
    long long id = sqlite3_column_int64(st, 0), stored = 0, last;
    json_t *o, *used;
    char text[32];

    if (sqlite3_column_type(st, 4) != SQLITE_NULL)
        stored = sqlite3_column_int64(st, 4);
    last = tuse_last(mem, id);
    if (stored > last)
        last = stored;
    if (last > 0) {
        tu_format_utc(last, text);
        used = json_string(text);
    } else {
        used = json_null();
    }
    o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)id, "name",
                  db_text(st, 1), "role", db_text(st, 2), "created_at", time_or_null(st, 3),
                  "last_used_at", used, "revoked_at", time_or_null(st, 5));
    return o;
}

json_t *acct_token_list(struct db *db, const struct token_use *mem, struct err *e)
{
    json_t *list = db_rows_json(db_stmt(db, "SELECT t.id, a.name, a.role, t.created_at,"
                                            " t.last_used_at, t.revoked_at"
                                            " FROM api_tokens t JOIN accounts a"
                                            " ON a.id = t.account_id ORDER BY t.id"),
                                token_row, (void *)mem);

    if (list == NULL)
        db_fail(db, e);
    return list;
}

int acct_token_create(struct db *db, json_t *in, long long now, const char *actor,
                      json_t **out, struct err *e)
{
    static const char *const allowed[] = {"name", "role", NULL};
    char name[JF_TEXT_BYTES(ACCT_NAME_MAX)], role_name[JF_TEXT_BYTES(20)] = "";
    char token[TOKEN_MAX_LEN + 1], created[32];
    uint8_t hash[TOKEN_HASH_LEN];
    enum token_kind kind;
    enum role role;
    long long id;
    json_t *detail;
    int rc;

    *out = NULL;
    if (jf_check_keys(in, allowed, NULL, e) < 0 ||
        jf_text(in, "name", JF_REQUIRED, ACCT_NAME_MAX, name, sizeof name, e) < 0 ||
        jf_text(in, "role", JF_REQUIRED, 20, role_name, sizeof role_name, e) < 0)
        return -1;
    if (strcmp(role_name, "admin") == 0)
        role = ROLE_ADMIN;
    else if (strcmp(role_name, "organizer") == 0)
        role = ROLE_ORGANIZER;
    else
        return err_set(e, ERR_INVALID_FIELD, "role", "role: organizer or admin");
    if (auth_token_create(db, role, name, now, token, e) < 0)
        return -1;
    /* The token names its row: the id is read back from it. */
    if (token_parse(token, &kind, &id, hash) < 0 || kind != TOKEN_ACCOUNT)
        return err_set(e, ERR_INTERNAL, NULL, "a new token does not parse");
    detail = json_pack("{s:s, s:s}", "name", name, "role", role_name);
    rc = audit_record(db, now, actor, "token.create", "token", id, detail, e);
    json_decref(detail);
    if (rc < 0)
        return -1;
    tu_format_utc(now, created);
    *out = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "name", name,
                     "role", role_name, "created_at", created, "token", token);
    memset(token, 0, sizeof token);
    if (*out == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    return 0;
}

int acct_token_revoke(struct db *db, long long id, long long now, const char *actor,
                      json_t **out, struct err *e)
{
    sqlite3_stmt *st;

    *out = NULL;
    switch (db_exists(db, "SELECT 1 FROM api_tokens WHERE id = ?", id, 0)) {
    case 1:
        break;
    case 0:
        return err_set(e, ERR_NOT_FOUND, NULL, "no token %lld", id);
    default:
        return db_fail(db, e);
    }
    st = db_stmt(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (db_changes(db) > 0 &&
        audit_record(db, now, actor, "token.revoke", "token", id, NULL, e) < 0)
        return -1;
    *out = json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1);
    if (*out == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    return 0;
}
