/* auth.h - who is asking: resolving a bearer token to a principal, and
 * creating account tokens.  The HTTP layer asks; the rules of who may do
 * what are in the handlers, spelled out with the helpers below. */
#ifndef SAIETS_AUTH_H
#define SAIETS_AUTH_H

#include "db.h"
#include "errors.h"
#include "token.h"

enum principal_kind { PRINCIPAL_NONE, PRINCIPAL_ACCOUNT, PRINCIPAL_REGISTRATION };
enum role { ROLE_NONE, ROLE_ORGANIZER, ROLE_ADMIN };

struct principal {
    enum principal_kind kind;
    enum role role;            /* for accounts */
    long long account_id;      /* for accounts */
    long long token_id;        /* for accounts: the api_tokens row used */
    long long registration_id; /* for manage tokens */
    char actor[48];            /* "account:3", "registration:17", "anonymous" */
};

/* header is the Authorization header's value or NULL.  No header gives an
 * anonymous principal (0); a malformed or unknown token gives -1 with
 * unauthorized. */
int auth_resolve(struct db *db, const char *header, struct principal *p,
                 struct err *e);

/* 1 when p is an organizer or an admin. */
int auth_is_organizer(const struct principal *p);
int auth_is_admin(const struct principal *p);

/* The registration's own manage token, or an organizer. */
int auth_may_manage(const struct principal *p, long long registration_id);

/* Creates an account with a role and prints nothing: the token is returned
 * in out (shown once by the caller, stored only as a hash). */
int auth_token_create(struct db *db, enum role role, const char *name, long long now,
                      char out[TOKEN_MAX_LEN + 1], struct err *e);

#endif
