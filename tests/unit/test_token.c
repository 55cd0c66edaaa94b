/* test_token.c - unit tests for core/token (bearer tokens "sr_<id>_<secret>").
 *
 * Must never: accept a token of the wrong shape, give the wrong kind or id,
 * repeat a secret, or hash anything but the secret. */
#include "token.h"

#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

static void setup(void) { ck_assert_int_eq(token_init(), 0); }

static int b64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

/* A well-formed secret to build malformed tokens around. */
static const char good_secret[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"; /* 43 */

static void expect_malformed(const char *token)
{
    enum token_kind kind = TOKEN_ACCOUNT;
    long long id = -7;
    uint8_t hash[TOKEN_HASH_LEN];

    ck_assert_msg(token_parse(token, &kind, &id, hash) == -1, "accepted \"%s\"", token);
}

START_TEST(test_parse_malformed)
{
    char t[256];

    _Static_assert(sizeof good_secret - 1 == TOKEN_SECRET_LEN, "fixture length");
    expect_malformed("");
    expect_malformed("sr");
    expect_malformed("sr_");
    expect_malformed("sr_17");
    expect_malformed("sr_17_");
    /* Prefix. */
    snprintf(t, sizeof t, "sx_17_%s", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, "SR_17_%s", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, "s_17_%s", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, " sr_17_%s", good_secret);
    expect_malformed(t);
    /* Id. */
    snprintf(t, sizeof t, "sr__%s", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, "sr_0_%s", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, "sr_-1_%s", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, "sr_+1_%s", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, "sr_1x_%s", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, "sr_17%s", good_secret); /* no separator */
    expect_malformed(t);
    snprintf(t, sizeof t, "sr_99999999999999999999999_%s", good_secret); /* overflow */
    expect_malformed(t);
    /* Secret length. */
    snprintf(t, sizeof t, "sr_17_%.42s", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, "sr_17_%sA", good_secret);
    expect_malformed(t);
    snprintf(t, sizeof t, "sr_17_%s\n", good_secret);
    expect_malformed(t);
    /* Characters outside base64url, at the start, middle and end. */
    {
        static const char bad[] = {'+', '/', '=', ' ', '.', '%', '\t', '~'};
        for (size_t i = 0; i < sizeof bad; i++) {
            for (size_t pos = 0; pos < TOKEN_SECRET_LEN; pos += 21) {
                snprintf(t, sizeof t, "sa_3_%s", good_secret);
                t[5 + pos] = bad[i];
                expect_malformed(t);
            }
        }
        /* A two-byte letter in place of two characters keeps the byte length. */
        snprintf(t, sizeof t, "sr_17_%.41s\xC4\x81", good_secret);
        ck_assert_uint_eq(strlen(t), 6 + TOKEN_SECRET_LEN);
        expect_malformed(t);
    }
}
END_TEST

START_TEST(test_secret_shape)
{
    struct token_secret s;
    unsigned char raw[64];
    size_t rawlen = 0;

    memset(&s, 0x55, sizeof s);
    token_secret_new(&s);
    ck_assert_uint_eq(strlen(s.text), TOKEN_SECRET_LEN);
    for (size_t i = 0; i < TOKEN_SECRET_LEN; i++)
        ck_assert_msg(b64url_char(s.text[i]), "character %zu of %s", i, s.text);
    /* 43 base64url characters decode to 32 bytes: 256 bits. */
    ck_assert_int_eq(sodium_base642bin(raw, sizeof raw, s.text, strlen(s.text), NULL,
                                       &rawlen, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    ck_assert_uint_eq(rawlen, 32);
}
END_TEST

START_TEST(test_secret_hash_is_blake2b_of_secret)
{
    struct token_secret s;
    uint8_t want[TOKEN_HASH_LEN];

    token_secret_new(&s);
    ck_assert_int_eq(crypto_generichash(want, sizeof want, (const unsigned char *)s.text,
                                        TOKEN_SECRET_LEN, NULL, 0),
                     0);
    ck_assert_int_eq(memcmp(want, s.hash, TOKEN_HASH_LEN), 0);
}
END_TEST

START_TEST(test_format)
{
    struct token_secret s;
    char out[TOKEN_MAX_LEN + 1], want[128];

    token_secret_new(&s);
    token_format(TOKEN_REGISTRATION, 17, &s, out);
    snprintf(want, sizeof want, "sr_17_%s", s.text);
    ck_assert_str_eq(out, want);
    token_format(TOKEN_ACCOUNT, 3, &s, out);
    snprintf(want, sizeof want, "sa_3_%s", s.text);
    ck_assert_str_eq(out, want);
    token_format(TOKEN_REGISTRATION, 999999999999999999LL, &s, out);
    ck_assert_uint_le(strlen(out), TOKEN_MAX_LEN);
    ck_assert_int_eq(strncmp(out, "sr_999999999999999999_", 22), 0);
}
END_TEST

START_TEST(test_secrets_differ)
{
    enum { N = 200 };
    struct token_secret *s = calloc(N, sizeof *s);

    ck_assert_ptr_nonnull(s);
    for (int i = 0; i < N; i++)
        token_secret_new(&s[i]);
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) {
            ck_assert_str_ne(s[i].text, s[j].text);
            ck_assert_int_eq(token_hash_equal(s[i].hash, s[j].hash), 0);
        }
    free(s);
}
END_TEST

START_TEST(test_parse_round_trip)
{
    static const long long ids[] = {1, 17, 3, 1000000, 123456789012345678LL,
                                    999999999999999999LL};
    struct token_secret s;
    char tok[TOKEN_MAX_LEN + 1];

    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        for (int k = 0; k < 2; k++) {
            enum token_kind kind = k ? TOKEN_ACCOUNT : TOKEN_REGISTRATION, got = 99;
            long long id = 0;
            uint8_t hash[TOKEN_HASH_LEN];

            token_secret_new(&s);
            token_format(kind, ids[i], &s, tok);
            ck_assert_msg(token_parse(tok, &got, &id, hash) == 0, "refused own \"%s\"", tok);
            ck_assert_int_eq(got, kind);
            ck_assert_int_eq(id, ids[i]);
            ck_assert_int_eq(token_hash_equal(hash, s.hash), 1);
            ck_assert_int_eq(memcmp(hash, s.hash, TOKEN_HASH_LEN), 0);
        }
    }
}
END_TEST

START_TEST(test_parse_kind_and_id)
{
    enum token_kind kind = TOKEN_REGISTRATION;
    long long id = 0;
    uint8_t hash[TOKEN_HASH_LEN], hash2[TOKEN_HASH_LEN];
    char t[128];

    snprintf(t, sizeof t, "sa_3_%s", good_secret);
    ck_assert_int_eq(token_parse(t, &kind, &id, hash), 0);
    ck_assert_int_eq(kind, TOKEN_ACCOUNT);
    ck_assert_int_eq(id, 3);
    /* The same secret under another kind or id hashes the same: the hash is
     * of the secret only, and the row named by the id holds it. */
    snprintf(t, sizeof t, "sr_42_%s", good_secret);
    ck_assert_int_eq(token_parse(t, &kind, &id, hash2), 0);
    ck_assert_int_eq(kind, TOKEN_REGISTRATION);
    ck_assert_int_eq(id, 42);
    ck_assert_int_eq(token_hash_equal(hash, hash2), 1);
}
END_TEST

START_TEST(test_tampered_secret)
{
    struct token_secret s;
    enum token_kind kind;
    long long id;
    uint8_t hash[TOKEN_HASH_LEN];
    char tok[TOKEN_MAX_LEN + 1];

    token_secret_new(&s);
    token_format(TOKEN_REGISTRATION, 5, &s, tok);
    tok[strlen(tok) - 1] = tok[strlen(tok) - 1] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(token_parse(tok, &kind, &id, hash), 0); /* well-formed */
    ck_assert_int_eq(token_hash_equal(hash, s.hash), 0);     /* but not ours */
}
END_TEST

START_TEST(test_hash_equal)
{
    uint8_t a[TOKEN_HASH_LEN], b[TOKEN_HASH_LEN];

    memset(a, 0x11, sizeof a);
    memcpy(b, a, sizeof b);
    ck_assert_int_eq(token_hash_equal(a, b), 1);
    b[TOKEN_HASH_LEN - 1] ^= 1;
    ck_assert_int_eq(token_hash_equal(a, b), 0);
    b[TOKEN_HASH_LEN - 1] ^= 1;
    b[0] ^= 0x80;
    ck_assert_int_eq(token_hash_equal(a, b), 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("token");
    TCase *tc = tcase_create("tokens");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_parse_malformed);
    tcase_add_test(tc, test_secret_shape);
    tcase_add_test(tc, test_secret_hash_is_blake2b_of_secret);
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_secrets_differ);
    tcase_add_test(tc, test_parse_round_trip);
    tcase_add_test(tc, test_parse_kind_and_id);
    tcase_add_test(tc, test_tampered_secret);
    tcase_add_test(tc, test_hash_equal);
    suite_add_tcase(s, tc);
    return s;
}
