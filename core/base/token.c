/* token.c - random bearer tokens and their hashes; see token.h. */
#include "token.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int token_init(void) { return sodium_init() < 0 ? -1 : 0; }

static void hash_secret(const char *secret, uint8_t hash[TOKEN_HASH_LEN])
{
    crypto_generichash(hash, TOKEN_HASH_LEN, (const unsigned char *)secret,
                       TOKEN_SECRET_LEN, NULL, 0);
}

void token_secret_new(struct token_secret *s)
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(s->text, sizeof s->text, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    hash_secret(s->text, s->hash);
}

void token_format(enum token_kind kind, long long id, const struct token_secret *s,
                  char out[TOKEN_MAX_LEN + 1])
{
    snprintf(out, TOKEN_MAX_LEN + 1, "%s%lld_%s",
             kind == TOKEN_ACCOUNT ? "sa_" : "sr_", id, s->text);
}

int token_parse(const char *token, enum token_kind *kind, long long *id,
                uint8_t hash[TOKEN_HASH_LEN])
{
    const char *p = token + 3;
    long long v = 0;
    int digits = 0;

    if (strncmp(token, "sa_", 3) == 0)
        *kind = TOKEN_ACCOUNT;
    else if (strncmp(token, "sr_", 3) == 0)
        *kind = TOKEN_REGISTRATION;
    else
        return -1;
    if (*p == '0')
        return -1; /* one spelling per id: no leading zeros */
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 18)
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (digits == 0 || v == 0 || *p != '_' || strlen(p + 1) != TOKEN_SECRET_LEN)
        return -1;
    for (const char *c = p + 1; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
              (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            return -1;
    *id = v;
    hash_secret(p + 1, hash);
    return 0;
}

int token_hash_equal(const uint8_t *a, const uint8_t *b)
{
    return sodium_memcmp(a, b, TOKEN_HASH_LEN) == 0;
}

void token_random_bytes(void *buf, size_t n)
{
    /* Idempotent; migrations may run before main's token_init (tests).  On
     * failure randombytes_buf still reads the system's CSPRNG. */
    if (sodium_init() < 0)
        randombytes_stir();
    randombytes_buf(buf, n);
}
