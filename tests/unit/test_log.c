/* test_log.c - the request log line (core/base/log.c): its shape, escaping
 * of what a client controls, and its bound. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "log.h"

/* Runs log_request with stderr sent to a file; returns what was written
 * (caller frees). */
static char *logged(const char *method, const char *uri, int status, long long h)
{
    FILE *f = tmpfile();
    int saved = dup(STDERR_FILENO);
    char *text = calloc(1, 8192);
    size_t n;

    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_ge(saved, 0);
    fflush(stderr);
    ck_assert_int_ge(dup2(fileno(f), STDERR_FILENO), 0);
    log_request(method, uri, status, h);
    log_flush();
    ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
    close(saved);
    rewind(f);
    n = fread(text, 1, 8191, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

START_TEST(test_line_shape)
{
    char *t = logged("GET", "/api/v1/meetings/1?x=2", 200, 1234);
    const char *rest = strstr(t, "Z info ");

    /* 2026-12-03T10:15:02.222Z info GET ... */
    ck_assert_int_eq(t[4], '-');
    ck_assert_int_eq(t[10], 'T');
    ck_assert_int_eq(t[19], '.');
    ck_assert_ptr_eq(rest, t + 23);
    ck_assert_str_eq(rest, "Z info GET /api/v1/meetings/1?x=2 200 12.34ms\n");
    free(t);
    t = logged("POST", "/x", 201, 5);
    ck_assert_str_eq(t + 23, "Z info POST /x 201 0.05ms\n");
    free(t);
}
END_TEST

START_TEST(test_control_bytes_escaped)
{
    char *t = logged("GET", "/a\r\n2026 info fake\x1b[31m\\\x7f", 404, 100);

    ck_assert_str_eq(t + 23,
                     "Z info GET /a\\x0d\\x0a2026 info fake\\x1b[31m\\x5c\\x7f 404 1.00ms\n");
    ck_assert_ptr_null(strchr(t, '\r'));
    free(t);
}
END_TEST

START_TEST(test_long_uri_cut)
{
    char uri[2000];
    char *t;

    memset(uri, '\n', sizeof uri - 1);
    uri[sizeof uri - 1] = '\0';
    t = logged("GET", uri, 414, 0);
    /* 400 bytes kept, each escaped to 4, then "..." */
    ck_assert_uint_eq(strlen(t), 23 + strlen("Z info GET ") + 1600 + 3 + strlen(" 414 0.00ms\n"));
    ck_assert_ptr_nonnull(strstr(t, "\\x0a... 414 0.00ms\n"));
    free(t);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("request");

    tcase_add_test(tc, test_line_shape);
    tcase_add_test(tc, test_control_bytes_escaped);
    tcase_add_test(tc, test_long_uri_cut);
    suite_add_tcase(s, tc);
    return s;
}
