/* token.h - bearer tokens: generation and hashing (libsodium).
 *
 * A token is a 3-character prefix ("sa_" for account tokens, "sr_" for a
 * registration's manage token) and 32 random bytes in unpadded base64url:
 * 46 characters, 256 bits of randomness.  Only BLAKE2b-256 hashes are
 * stored; a hash of a 256-bit random secret needs no salt or stretching. */
#ifndef SAIETS_TOKEN_H
#define SAIETS_TOKEN_H

#include <stdint.h>

#define TOKEN_LEN 46
#define TOKEN_HASH_LEN 32

enum token_kind { TOKEN_ACCOUNT, TOKEN_REGISTRATION };

/* sodium_init() once per process; 0 or -1. */
int token_init(void);

/* New random token in out (NUL-terminated) and its hash. */
void token_new(enum token_kind kind, char out[TOKEN_LEN + 1],
               uint8_t hash[TOKEN_HASH_LEN]);

/* Checks the shape of a presented token and hashes it: 0 or -1 (malformed). */
int token_hash(const char *token, enum token_kind *kind,
               uint8_t hash[TOKEN_HASH_LEN]);

#endif
