/* token.h - bearer tokens: generation, parsing and hashing (libsodium).
 *
 * A token reads "sr_17_<secret>": a prefix for its kind ("sa_" an account's
 * API token, "sr_" a registration's manage token), the id of the row it
 * opens, and a secret of 32 random bytes in unpadded base64url (43
 * characters, 256 bits).  Only the BLAKE2b-256 hash of the secret is stored,
 * in the row the id names: a lookup is by primary key (no random index to
 * update on every registration) and the comparison is constant-time.  A
 * hash of a 256-bit random secret needs no salt or stretching. */
#ifndef SAIETS_TOKEN_H
#define SAIETS_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_SECRET_LEN 43
#define TOKEN_HASH_LEN 32
#define TOKEN_MAX_LEN (3 + 18 + 1 + TOKEN_SECRET_LEN) /* ids below 10^18 */

enum token_kind { TOKEN_ACCOUNT, TOKEN_REGISTRATION };

struct token_secret {
    char text[TOKEN_SECRET_LEN + 1];
    uint8_t hash[TOKEN_HASH_LEN];
};

/* sodium_init() once per process; 0 or -1. */
int token_init(void);

/* A new random secret and its hash. */
void token_secret_new(struct token_secret *s);

/* The token a user is given for row id. */
void token_format(enum token_kind kind, long long id, const struct token_secret *s,
                  char out[TOKEN_MAX_LEN + 1]);

/* Checks a presented token's shape; gives its kind, row id and the hash of
 * its secret.  0, or -1 when malformed. */
int token_parse(const char *token, enum token_kind *kind, long long *id,
                uint8_t hash[TOKEN_HASH_LEN]);

/* 1 when the hashes are equal (constant time). */
int token_hash_equal(const uint8_t *a, const uint8_t *b);

/* n bytes from libsodium's CSPRNG (after token_init). */
void token_random_bytes(void *buf, size_t n);

#endif
