/* test_json_out.c - json_out (core/base/json_out.c) against jansson's own
 * json_dumps on generated values: the same text, byte for byte, but for
 * reals, which json_out writes shortest (they must read back the same). */
#include <check.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "json_out.h"

static unsigned long long rng;
static int with_reals; /* random_value makes reals too */

static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(rng >> 33) % n;
}

/* Valid UTF-8 with the characters a dumper can get wrong. */
static size_t random_text(char *out, int allow_nul)
{
    static const char *const pieces[] = {
        "a", "Z", "0", " ", "\"", "\\", "/", "\x7f", "\b", "\f", "\n", "\r", "\t",
        "\x01", "\x1f", "\x1b", "ā", "Š", "€", "\xf0\x9f\x98\x80", "\xe2\x80\xa8", "ķ",
        "plain text run ",
    };
    size_t n = 0, count = rnd(12);

    for (size_t i = 0; i < count; i++) {
        if (allow_nul && rnd(30) == 0) {
            out[n++] = '\0';
            continue;
        }
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];

        memcpy(out + n, p, strlen(p));
        n += strlen(p);
    }
    out[n] = '\0';
    return n;
}

static double random_real(void)
{
    static const double special[] = {0.0, -0.0, 1.0, -1.0, 0.1, 1e300, -1e-300, 3.0,
                                     123456789012345678.0, DBL_MAX, DBL_MIN, 5e-324,
                                     0.30000000000000004, 1e17, 1e16, 2.5};
    union {
        uint64_t u;
        double d;
    } x;

    if (rnd(2))
        return special[rnd(sizeof special / sizeof special[0])];
    do
        x.u = ((uint64_t)rnd(1u << 31) << 33) ^ ((uint64_t)rnd(1u << 31) << 2) ^ rnd(4);
    while (x.d != x.d || x.d - x.d != 0); /* finite only */
    return x.d;
}

static json_t *random_value(int depth)
{
    char text[512];
    size_t n;

    unsigned kind = depth > 5 ? 3 + rnd(6) : rnd(9);

    if (kind == 5 && !with_reals)
        kind = 4;
    switch (kind) {
    case 0:
    case 1: {
        json_t *o = json_object();
        unsigned count = rnd(6);

        for (unsigned i = 0; i < count; i++) {
            random_text(text, 0);
            json_object_set_new(o, text, random_value(depth + 1));
        }
        return o;
    }
    case 2: {
        json_t *a = json_array();
        unsigned count = rnd(6);

        for (unsigned i = 0; i < count; i++)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    case 3:
        n = random_text(text, 1);
        return json_stringn(text, n);
    case 4: {
        static const json_int_t special[] = {0, 1, -1, 9, 10, -10, INT64_MAX, INT64_MIN,
                                             1000000007};

        return json_integer(rnd(2) ? special[rnd(9)]
                                   : (json_int_t)((uint64_t)rnd(1u << 31) << 32 | rnd(1u << 31)) -
                                         (json_int_t)rnd(1u << 31));
    }
    case 5:
        return json_real(random_real());
    case 6:
        return json_true();
    case 7:
        return json_false();
    default:
        return json_null();
    }
}

START_TEST(test_same_text_as_jansson)
{
    struct buf b = BUF_INIT;

    rng = 20261203;
    with_reals = 0;
    for (int i = 0; i < 20000; i++) {
        json_t *v = random_value(0);
        char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

        ck_assert_ptr_nonnull(want);
        buf_reset(&b);
        ck_assert_int_eq(json_out(&b, v), 0);
        ck_assert_msg(b.len == strlen(want) && memcmp(b.data, want, b.len) == 0,
                      "value %d:\n  jansson  %s\n  json_out %.*s", i, want, (int)b.len, b.data);
        free(want);
        json_decref(v);
    }
    buf_free(&b);
}
END_TEST

/* The significant digits of all the numbers in a JSON text (leading and
 * trailing zeros of each left out). */
static size_t significant_digits(const char *s, size_t n)
{
    size_t total = 0, i = 0;

    while (i < n) {
        size_t start, end, zeros = 0, count = 0;

        if (s[i] == '"') { /* skip a string */
            for (i++; i < n && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
            i++;
            continue;
        }
        if (!(s[i] >= '0' && s[i] <= '9')) {
            i++;
            continue;
        }
        start = i;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            i++;
        end = i;
        while (start < end && (s[start] == '0' || s[start] == '.'))
            start++;
        for (size_t k = start; k < end; k++) {
            if (s[k] == '.')
                continue;
            count++;
            zeros = s[k] == '0' ? zeros + 1 : 0;
        }
        total += count - zeros;
        if (i < n && (s[i] == 'e' || s[i] == 'E')) /* the exponent is no digit of it */
            for (i++; i < n && (s[i] == '-' || s[i] == '+' || (s[i] >= '0' && s[i] <= '9'));)
                i++;
    }
    return total;
}

/* Every value with reals reads back equal (json_equal compares reals with
 * ==), with no more significant digits than jansson's "%.17g" text. */
START_TEST(test_reals_read_back_the_same)
{
    struct buf b = BUF_INIT;
    json_error_t err;

    rng = 5112015;
    with_reals = 1;
    for (int i = 0; i < 20000; i++) {
        json_t *v = random_value(0), *back;
        char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

        buf_reset(&b);
        ck_assert_int_eq(json_out(&b, v), 0);
        back = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
        ck_assert_msg(back != NULL && json_equal(v, back), "value %d: %.*s reads back as %s",
                      i, (int)b.len, b.data, back ? "another value" : err.text);
        ck_assert_msg(significant_digits(b.data, b.len) <= significant_digits(want, strlen(want)),
                      "value %d: %.*s has more digits than %s", i, (int)b.len, b.data, want);
        json_decref(back);
        json_decref(v);
        free(want);
    }
    buf_free(&b);
}
END_TEST

static const char *real_text(double d)
{
    static char out[64];
    struct buf b = BUF_INIT;
    json_t *v = json_real(d);

    ck_assert_int_eq(json_out(&b, v), 0);
    snprintf(out, sizeof out, "%s", buf_cstr(&b));
    json_decref(v);
    buf_free(&b);
    return out;
}

START_TEST(test_real_text)
{
    /* a venue's latitude: jansson says 56.509999999999998 */
    ck_assert_str_eq(real_text(56.51), "56.51");
    ck_assert_str_eq(real_text(26.508), "26.508");
    ck_assert_str_eq(real_text(-21.0456), "-21.0456");
    ck_assert_str_eq(real_text(0.1), "0.1");
    ck_assert_str_eq(real_text(2.5), "2.5");
    /* 17 digits where fewer do not read back */
    ck_assert_str_eq(real_text(0.1 + 0.2), "0.30000000000000004");
    ck_assert_str_eq(real_text(1.0 / 3.0), "0.3333333333333333");
    ck_assert_str_eq(real_text(123456789012345678.0), "1.2345678901234568e17");
    ck_assert_str_eq(real_text(DBL_MAX), "1.7976931348623157e308");
    /* integers keep ".0", exponents lose '+' and leading zeros */
    ck_assert_str_eq(real_text(1.0), "1.0");
    ck_assert_str_eq(real_text(100.0), "100.0");
    ck_assert_str_eq(real_text(-0.0), "-0.0");
    ck_assert_str_eq(real_text(1e16), "1e16");
    ck_assert_str_eq(real_text(1e300), "1e300");
    ck_assert_str_eq(real_text(1e-5), "1e-5");
    ck_assert_str_eq(real_text(-1e-300), "-1e-300");
}
END_TEST

START_TEST(test_appends_to_what_is_there)
{
    struct buf b = BUF_INIT;
    json_t *v = json_pack("{s:i,s:[s,n]}", "a", 1, "b", "x\"y", NULL);

    buf_puts(&b, "prefix ");
    ck_assert_int_eq(json_out(&b, v), 0);
    ck_assert_str_eq(buf_cstr(&b), "prefix {\"a\":1,\"b\":[\"x\\\"y\",null]}");
    json_decref(v);
    buf_free(&b);
}
END_TEST

START_TEST(test_too_deep_and_cycles_refused)
{
    struct buf b = BUF_INIT;
    json_t *root = json_array(), *a = root, *x, *y;

    for (int i = 0; i < JSON_OUT_MAX_DEPTH + 5; i++) {
        json_t *next = json_array();

        json_array_append_new(a, next);
        a = next;
    }
    buf_puts(&b, "kept");
    ck_assert_int_eq(json_out(&b, root), -1);
    ck_assert_str_eq(buf_cstr(&b), "kept");
    json_decref(root);

    /* x -> y -> x: refused, not recursed for ever */
    x = json_object();
    y = json_object();
    json_object_set(x, "y", y);
    json_object_set(y, "x", x);
    ck_assert_int_eq(json_out(&b, x), -1);
    ck_assert_str_eq(buf_cstr(&b), "kept");
    json_object_del(y, "x");
    json_decref(x);
    json_decref(y);
    ck_assert_int_eq(json_out(&b, NULL), -1);
    buf_free(&b);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("json_out");
    TCase *tc = tcase_create("dump");

    tcase_add_test(tc, test_same_text_as_jansson);
    tcase_add_test(tc, test_reals_read_back_the_same);
    tcase_add_test(tc, test_real_text);
    tcase_add_test(tc, test_appends_to_what_is_there);
    tcase_add_test(tc, test_too_deep_and_cycles_refused);
    suite_add_tcase(s, tc);
    return s;
}
