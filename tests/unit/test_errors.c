/* test_errors.c - unit tests for core/errors (codes, HTTP statuses, names).
 *
 * Must never: let a code drift from the status and name docs/api.md
 * promises clients, or give an out-of-range code anything but 500. */
#include "errors.h"

#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

/* docs/api.md, "Errors". */
static const struct {
    enum err_code code;
    int status;
    const char *name;
} documented[] = {
    {ERR_BAD_JSON, 400, "bad_json"},
    {ERR_BAD_REQUEST, 400, "bad_request"},
    {ERR_UNAUTHORIZED, 401, "unauthorized"},
    {ERR_FORBIDDEN, 403, "forbidden"},
    {ERR_NOT_FOUND, 404, "not_found"},
    {ERR_METHOD_NOT_ALLOWED, 405, "method_not_allowed"},
    {ERR_DUPLICATE_EMAIL, 409, "duplicate_email"},
    {ERR_DUPLICATE_NAME, 409, "duplicate_name"},
    {ERR_REGISTRATION_NOT_OPEN, 409, "registration_not_open"},
    {ERR_REGISTRATION_CLOSED, 409, "registration_closed"},
    {ERR_ALREADY_CANCELLED, 409, "already_cancelled"},
    {ERR_CAPACITY_BELOW_CONFIRMED, 409, "capacity_below_confirmed"},
    {ERR_NOT_WAITLISTED, 409, "not_waitlisted"},
    {ERR_BODY_TOO_LARGE, 413, "body_too_large"},
    {ERR_MISSING_FIELD, 422, "missing_field"},
    {ERR_INVALID_FIELD, 422, "invalid_field"},
    {ERR_UNKNOWN_FIELD, 422, "unknown_field"},
    {ERR_FORBIDDEN_FIELD, 422, "forbidden_field"},
    {ERR_SCRIPT, 422, "script_error"},
    {ERR_IN_USE, 409, "in_use"},
    {ERR_INVALID_PLUGIN, 422, "invalid_plugin"},
    {ERR_PLUGIN_REFUSED, 422, "plugin_refused"},
    {ERR_PLUGIN_FAILED, 500, "plugin_error"},
    {ERR_INTERNAL, 500, "internal_error"},
    {ERR_OVERLOADED, 503, "overloaded"},
    {ERR_RATE_LIMITED, 429, "rate_limited"},
    {ERR_BUSY, 503, "busy"},
};
#define N_DOCUMENTED (sizeof documented / sizeof documented[0])

/* Every error code but ERR_NONE is in the table above, once. */
_Static_assert(N_DOCUMENTED == ERR__COUNT - 1,
               "a code was added to errors.h: add it to docs/api.md and here");

/* Invalid arguments first: codes outside the enum. */
START_TEST(test_out_of_range)
{
    const int bad[] = {ERR__COUNT, ERR__COUNT + 1, -1, -1000, INT_MAX, INT_MIN};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(err_http_status((enum err_code)bad[i]), 500);
        ck_assert_str_eq(err_code_name((enum err_code)bad[i]), "internal_error");
    }
}
END_TEST

/* One loop iteration per documented row. */
START_TEST(test_documented_row)
{
    ck_assert_msg(err_http_status(documented[_i].code) == documented[_i].status,
                  "%s: status %d, docs say %d", documented[_i].name,
                  err_http_status(documented[_i].code), documented[_i].status);
    ck_assert_ptr_nonnull(err_code_name(documented[_i].code));
    ck_assert_str_eq(err_code_name(documented[_i].code), documented[_i].name);
}
END_TEST

START_TEST(test_table_complete_and_distinct)
{
    /* Each code from 1 to ERR__COUNT-1 is documented exactly once, and no
     * two codes share a name (clients switch on the name). */
    for (int c = ERR_NONE + 1; c < ERR__COUNT; c++) {
        int seen = 0;
        for (size_t i = 0; i < N_DOCUMENTED; i++)
            seen += (int)documented[i].code == c;
        ck_assert_msg(seen == 1, "code %d documented %d times", c, seen);
        for (int d = c + 1; d < ERR__COUNT; d++)
            ck_assert_str_ne(err_code_name((enum err_code)c),
                             err_code_name((enum err_code)d));
        ck_assert_int_ge(err_http_status((enum err_code)c), 400);
        ck_assert_int_le(err_http_status((enum err_code)c), 599);
    }
}
END_TEST

START_TEST(test_err_set_fills)
{
    struct err e;

    memset(&e, 0x55, sizeof e);
    ck_assert_int_eq(err_set(&e, ERR_INVALID_FIELD, "email", "%s: not %d", "email", 7), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    ck_assert_str_eq(e.field, "email");
    ck_assert_str_eq(e.message, "email: not 7");
}
END_TEST

START_TEST(test_err_set_null_field)
{
    struct err e;

    memset(&e, 0x55, sizeof e);
    ck_assert_int_eq(err_set(&e, ERR_NOT_FOUND, NULL, "no meeting %lld", 42LL), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
    ck_assert_str_eq(e.field, "");
    ck_assert_str_eq(e.message, "no meeting 42");
}
END_TEST

START_TEST(test_err_set_truncates)
{
    /* Over-long field and message are cut, never overflowed, and stay
     * NUL-terminated. */
    struct {
        struct err e;
        char guard[16];
    } g;
    char longfield[300], longmsg[1000];

    memset(longfield, 'f', sizeof longfield - 1);
    longfield[sizeof longfield - 1] = '\0';
    memset(longmsg, 'm', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    memset(g.guard, 'G', sizeof g.guard);
    ck_assert_int_eq(err_set(&g.e, ERR_BAD_REQUEST, longfield, "%s", longmsg), -1);
    ck_assert_uint_eq(strlen(g.e.field), sizeof g.e.field - 1);
    ck_assert_uint_eq(strlen(g.e.message), sizeof g.e.message - 1);
    ck_assert_int_eq(strncmp(g.e.field, longfield, sizeof g.e.field - 1), 0);
    for (size_t i = 0; i < sizeof g.guard; i++)
        ck_assert_int_eq(g.guard[i], 'G');
}
END_TEST

START_TEST(test_err_set_return_idiom)
{
    /* `return err_set(...)` in a function returning int gives -1. */
    struct err e;
    int rc = err_set(&e, ERR_INTERNAL, "", "x");

    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(e.field, "");
    ck_assert_int_eq(err_http_status(e.code), 500);
}
END_TEST

START_TEST(test_err_clear)
{
    struct err e;

    err_set(&e, ERR_FORBIDDEN, "status", "nope");
    err_clear(&e);
    ck_assert_int_eq(e.code, ERR_NONE);
    ck_assert_str_eq(e.field, "");
    ck_assert_str_eq(e.message, "");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("codes");

    tcase_add_test(tc, test_out_of_range);
    tcase_add_loop_test(tc, test_documented_row, 0, (int)N_DOCUMENTED);
    tcase_add_test(tc, test_table_complete_and_distinct);
    tcase_add_test(tc, test_err_set_fills);
    tcase_add_test(tc, test_err_set_null_field);
    tcase_add_test(tc, test_err_set_truncates);
    tcase_add_test(tc, test_err_set_return_idiom);
    tcase_add_test(tc, test_err_clear);
    suite_add_tcase(s, tc);
    return s;
}
