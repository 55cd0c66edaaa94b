/* account_tokens.h - the admin's view of account tokens: listing them,
 * making one (the token is shown once) and revoking one.  Rules and SQL for
 * api_tokens with their accounts; resolving a presented token is auth.h's.
 *
 * Must never: put a token's secret or its hash in a listing, an audit entry
 * or a log; un-revoke a token. */
#ifndef SAIETS_ACCOUNT_TOKENS_H
#define SAIETS_ACCOUNT_TOKENS_H

#include <jansson.h>

#include "db.h"
#include "errors.h"
#include "token_use.h"

#define ACCT_NAME_MAX 100

/* [{"id","name","role","created_at","last_used_at","revoked_at"}] by id;
 * last_used_at is the later of the stored value and mem's (may be NULL).
 * NULL with *e set. */
json_t *acct_token_list(struct db *db, const struct token_use *mem, struct err *e);

/* Makes an account and its token from {"name", "role"}; *out is
 * {"id","name","role","created_at","token"}.  Audited as actor's.
 * 422 missing_field / invalid_field / unknown_field on bad input. */
int acct_token_create(struct db *db, json_t *in, long long now, const char *actor,
                      json_t **out, struct err *e);

/* Revokes token id (not_found when unknown); revoking a revoked token
 * changes nothing and succeeds.  *out is {"id","revoked":true}; audited as
 * actor's when it revoked. */
int acct_token_revoke(struct db *db, long long id, long long now, const char *actor,
                      json_t **out, struct err *e);

#endif
