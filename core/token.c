/* token.c - random bearer tokens and their hashes; see token.h. */
#include "token.h"

#include <sodium.h>
#include <string.h>

int token_init(void) { return sodium_init() < 0 ? -1 : 0; }

void token_new(enum token_kind kind, char out[TOKEN_LEN + 1],
               uint8_t hash[TOKEN_HASH_LEN])
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof raw);
    memcpy(out, kind == TOKEN_ACCOUNT ? "sa_" : "sr_", 3);
    sodium_bin2base64(out + 3, TOKEN_LEN + 1 - 3, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    crypto_generichash(hash, TOKEN_HASH_LEN, (const unsigned char *)out,
                       TOKEN_LEN, NULL, 0);
}

int token_hash(const char *token, enum token_kind *kind,
               uint8_t hash[TOKEN_HASH_LEN])
{
    if (strlen(token) != TOKEN_LEN)
        return -1;
    if (memcmp(token, "sa_", 3) == 0)
        *kind = TOKEN_ACCOUNT;
    else if (memcmp(token, "sr_", 3) == 0)
        *kind = TOKEN_REGISTRATION;
    else
        return -1;
    for (int i = 3; i < TOKEN_LEN; i++) {
        char c = token[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return -1;
    }
    crypto_generichash(hash, TOKEN_HASH_LEN, (const unsigned char *)token,
                       TOKEN_LEN, NULL, 0);
    return 0;
}
