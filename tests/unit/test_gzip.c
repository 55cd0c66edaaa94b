/* test_gzip.c - unit tests for core/gzip: what gz_compress makes is a gzip
 * member that zlib's own reader gives back byte for byte, and
 * Accept-Encoding is read as RFC 9110 says (q=0 refuses, a named coding
 * overrides "*"). */
#include "gzip.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check_main.h"

/* Inflates a gzip member; the result is malloc'd. */
static char *gunzip(const char *in, size_t len, size_t cap, size_t *outlen)
{
    z_stream z;
    char *out = malloc(cap);

    ck_assert_ptr_nonnull(out);
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK); /* gzip only */
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
    *outlen = z.total_out;
    inflateEnd(&z);
    return out;
}

START_TEST(test_round_trip)
{
    size_t n = 60000, zn = 0, back = 0;
    char *text = malloc(n), *gz, *plain;

    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < n; i++) /* agenda-like: repetitive, with UTF-8 */
        text[i] = "{\"title\":\"Atkl\xc4\x81\xc5\xa1" "ana\",\"id\":12},"[i % 32];
    gz = gz_compress(text, n, &zn);
    ck_assert_ptr_nonnull(gz);
    ck_assert_uint_lt(zn, n / 10);
    ck_assert_int_eq((unsigned char)gz[0], 0x1f); /* the gzip magic */
    ck_assert_int_eq((unsigned char)gz[1], 0x8b);
    plain = gunzip(gz, zn, n + 1, &back);
    ck_assert_uint_eq(back, n);
    ck_assert_int_eq(memcmp(plain, text, n), 0);
    free(plain);
    free(gz);
    gz = gz_compress("", 0, &zn); /* empty is a valid member too */
    ck_assert_ptr_nonnull(gz);
    plain = gunzip(gz, zn, 1, &back);
    ck_assert_uint_eq(back, 0);
    free(plain);
    free(gz);
    free(text);
}
END_TEST

START_TEST(test_accept_encoding)
{
    ck_assert_int_eq(gz_accepted(NULL), 0);
    ck_assert_int_eq(gz_accepted(""), 0);
    ck_assert_int_eq(gz_accepted("gzip"), 1);
    ck_assert_int_eq(gz_accepted("gzip, deflate, br"), 1);
    ck_assert_int_eq(gz_accepted("br, GZip;q=0.8"), 1);
    ck_assert_int_eq(gz_accepted("x-gzip"), 1);
    ck_assert_int_eq(gz_accepted("deflate, br"), 0);
    ck_assert_int_eq(gz_accepted("identity"), 0);
    ck_assert_int_eq(gz_accepted("gzip;q=0"), 0);
    ck_assert_int_eq(gz_accepted("gzip; q=0.000"), 0);
    ck_assert_int_eq(gz_accepted("gzip;q=0.001"), 1);
    ck_assert_int_eq(gz_accepted("*"), 1);
    ck_assert_int_eq(gz_accepted("*;q=0"), 0);
    ck_assert_int_eq(gz_accepted("gzip;q=0, *"), 0); /* named beats "*" */
    ck_assert_int_eq(gz_accepted("*, gzip;q=0"), 0);
    ck_assert_int_eq(gz_accepted("gzipped, notgzip"), 0); /* whole names only */
    ck_assert_int_eq(gz_accepted(" , ,gzip"), 1);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("gzip");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_accept_encoding);
    suite_add_tcase(s, tc);
    return s;
}
