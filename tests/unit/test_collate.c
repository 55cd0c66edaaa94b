/* test_collate.c - unit tests for core/collate (Latvian ICU ordering).
 *
 * Must never: depend on the host's default locale, or assert an order that
 * was guessed rather than checked against what ICU "lv" gives. */
#include "collate.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

static struct collate *lv;

static void setup(void)
{
    char *err = NULL;

    lv = collate_open("lv", &err);
    ck_assert_msg(lv != NULL, "collate_open(lv): %s", err ? err : "?");
    free(err);
}

static void teardown(void)
{
    collate_close(lv);
    lv = NULL;
}

/* Sorts names (as k1, id = input index) and checks the result is want. */
static void check_sorted(const char *const *names, const char *const *want, size_t n)
{
    struct collate_item *it = calloc(n, sizeof *it);
    size_t i;

    ck_assert_ptr_nonnull(it);
    for (i = 0; i < n; i++) {
        it[i].k1 = names[i];
        it[i].id = (long long)i;
    }
    ck_assert_int_eq(collate_sort(lv, it, n), 0);
    for (i = 0; i < n; i++)
        ck_assert_msg(strcmp(it[i].k1, want[i]) == 0, "position %zu: got \"%s\", want \"%s\"",
                      i, it[i].k1, want[i]);
    /* collate_compare agrees with the order collate_sort produced. */
    for (i = 1; i < n; i++)
        ck_assert_int_le(collate_compare(lv, it[i - 1].k1, it[i].k1), 0);
    free(it);
}

static int cmp_bytes(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

START_TEST(test_open_close)
{
    struct collate *c;
    char *err = NULL;

    c = collate_open("xx", &err); /* ICU knows nothing about "xx" */
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "xx"));
    free(err);

    err = NULL;
    ck_assert_ptr_null(collate_open(NULL, &err));
    ck_assert_ptr_nonnull(err);
    free(err);

    ck_assert_ptr_null(collate_open("xx", NULL)); /* err is optional */

    err = (char *)"untouched";
    c = collate_open("lv_LV", &err); /* falls back to lv: fine */
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_null(err);
    collate_close(c);

    c = collate_open("", NULL); /* root order */
    ck_assert_ptr_nonnull(c);
    collate_close(c);

    c = collate_open("en", NULL); /* no tailoring, but a known language */
    ck_assert_ptr_nonnull(c);
    collate_close(c);

    collate_close(NULL);
}
END_TEST

START_TEST(test_lv_distinct_letters)
{
    /* c < č, s < š, z < ž (and g < ģ, k < ķ, l < ļ, n < ņ) are separate letters:
     * the caron letter sorts after every word with the plain letter. */
    static const char *const in[] = {"Žagata", "Šmits", "Čakste", "Zariņš", "Siliņa",
                                     "Cālis",  "Ņuta",  "Nams",   "Ļaudis", "Lapa",
                                     "Ķīsis",  "Kalniņš", "Ģirts", "Gailis"};
    static const char *const want[] = {"Cālis",  "Čakste",  "Gailis", "Ģirts",  "Kalniņš",
                                       "Ķīsis",  "Lapa",    "Ļaudis", "Nams",   "Ņuta",
                                       "Siliņa", "Šmits",   "Zariņš", "Žagata"};

    check_sorted(in, want, sizeof in / sizeof in[0]);
    ck_assert_int_lt(collate_compare(lv, "Cālis", "Čakste"), 0);
    ck_assert_int_lt(collate_compare(lv, "Siliņa", "Šmits"), 0);
    ck_assert_int_lt(collate_compare(lv, "Zariņš", "Žagata"), 0);
    ck_assert_int_gt(collate_compare(lv, "Čakste", "Cālis"), 0);
    ck_assert_int_lt(collate_compare(lv, "Czzz", "Ča"), 0); /* č is not c */
}
END_TEST

START_TEST(test_lv_long_vowels)
{
    /* ā, ē, ī, ū are not letters of their own: they differ from a, e, i, u
     * only at the secondary level, so "Āboliņa" sorts among the A words. */
    static const char *const in[] = {"Bērziņš", "Azandis", "Āboliņa", "Abele"};
    static const char *const want[] = {"Abele", "Āboliņa", "Azandis", "Bērziņš"};
    static const char *const in2[] = {"Upe", "Ūdris", "Eglīte", "Ēdolfs", "Īva", "Ieva"};
    static const char *const want2[] = {"Ēdolfs", "Eglīte", "Ieva", "Īva", "Ūdris", "Upe"};

    check_sorted(in, want, sizeof in / sizeof in[0]);
    check_sorted(in2, want2, sizeof in2 / sizeof in2[0]);
    /* Same primary letters: the plain vowel comes first. */
    ck_assert_int_lt(collate_compare(lv, "Abele", "Ābele"), 0);
    ck_assert_int_lt(collate_compare(lv, "Ābele", "Aboliņa"), 0);
    /* Decomposed A + U+0304 is the same as precomposed Ā. */
    ck_assert_int_eq(collate_compare(lv, "A\xcc\x84" "boli\xc5\x86" "a", "Āboliņa"), 0);
}
END_TEST

START_TEST(test_case_insensitive_primary)
{
    /* strcmp would put every capital first; lv sorts by letter, and case only
     * decides between otherwise equal strings (lower case first). */
    static const char *const in[] = {"ZARIŅŠ", "cālis", "Bērziņš", "Čakste", "abele", "Abele"};
    static const char *const want[] = {"abele", "Abele", "Bērziņš", "cālis", "Čakste", "ZARIŅŠ"};

    check_sorted(in, want, sizeof in / sizeof in[0]);
    ck_assert_int_lt(collate_compare(lv, "abele", "Abele"), 0);
    ck_assert_int_lt(collate_compare(lv, "Abele", "abelei"), 0);
    ck_assert_int_lt(collate_compare(lv, "ābele", "ABOLS"), 0);
}
END_TEST

START_TEST(test_byte_order_differs)
{
    static const char *const in[] = {"Žagata", "Šmits", "Ābols", "Zariņš", "Čakste",
                                     "Dārziņa", "ozols", "Siliņa", "Bērziņš", "Cālis"};
    static const char *const want[] = {"Ābols",  "Bērziņš", "Cālis",  "Čakste", "Dārziņa",
                                       "ozols",  "Siliņa",  "Šmits",  "Zariņš", "Žagata"};
    const char *bytes[sizeof in / sizeof in[0]];
    size_t i, n = sizeof in / sizeof in[0];
    int same = 1;

    memcpy(bytes, in, sizeof in);
    qsort(bytes, n, sizeof bytes[0], cmp_bytes);
    for (i = 0; i < n; i++)
        if (strcmp(bytes[i], want[i]) != 0)
            same = 0;
    ck_assert_msg(!same, "strcmp gives the lv order: the test proves nothing");
    check_sorted(in, want, n);
}
END_TEST

START_TEST(test_ties)
{
    struct collate_item it[] = {
        {"Bērziņa", "Līga", 7, NULL},  {"Bērziņa", "Ilze", 9, NULL},
        {"Bērziņa", "Ilze", 3, NULL},  {"Bērziņa", "Ēriks", 1, NULL},
        {"Bērziņa", "Ilze", 3, it},    {"Āboliņa", "Zane", 99, NULL},
        {"Bērziņa", NULL, 50, NULL},
    };
    size_t n = sizeof it / sizeof it[0];

    ck_assert_int_eq(collate_sort(lv, it, n), 0);
    /* by k1, then k2 (NULL is ""), then id; equal items keep input order */
    ck_assert_str_eq(it[0].k1, "Āboliņa");
    ck_assert_ptr_null(it[1].k2);
    ck_assert_int_eq(it[1].id, 50);
    ck_assert_str_eq(it[2].k2, "Ēriks");
    ck_assert_str_eq(it[3].k2, "Ilze");
    ck_assert_int_eq(it[3].id, 3);
    ck_assert_ptr_null(it[3].ptr);
    ck_assert_int_eq(it[4].id, 3);
    ck_assert_ptr_eq(it[4].ptr, it);
    ck_assert_int_eq(it[5].id, 9);
    ck_assert_str_eq(it[6].k2, "Līga");
}
END_TEST

START_TEST(test_empty_and_null)
{
    struct collate_item it[] = {{"b", NULL, 2, NULL}, {NULL, "x", 1, NULL}, {"", "a", 3, NULL}};

    ck_assert_int_eq(collate_sort(lv, NULL, 0), 0);
    ck_assert_int_eq(collate_sort(NULL, NULL, 0), 0);
    ck_assert_int_eq(collate_sort(NULL, it, 3), -1);
    ck_assert_int_eq(it[0].id, 2); /* untouched on failure */
    ck_assert_int_eq(collate_sort(lv, it, 1), 0);
    ck_assert_int_eq(collate_sort(lv, it, 3), 0);
    /* NULL and "" are the same key: then k2 decides */
    ck_assert_int_eq(it[0].id, 3);
    ck_assert_int_eq(it[1].id, 1);
    ck_assert_int_eq(it[2].id, 2);
    ck_assert_int_eq(collate_compare(lv, NULL, ""), 0);
    ck_assert_int_lt(collate_compare(lv, NULL, "a"), 0);
    ck_assert_int_eq(collate_compare(lv, "", ""), 0);
}
END_TEST

START_TEST(test_invalid_utf8)
{
    /* a lone continuation byte, a truncated sequence, an overlong "/", a
     * UTF-8 encoded surrogate, and 0xFF */
    static const char *const bad[] = {"\x80", "Ab\xc5", "\xc0\xaf", "\xed\xa0\x80", "z\xff"};
    static const char *const good[] = {"Žagata", "abele", "", "Ābols"};
    struct collate_item a[9], b[9];
    size_t i, n = 9;

    for (i = 0; i < 5; i++)
        a[i] = (struct collate_item){bad[i], NULL, (long long)i, NULL};
    for (i = 0; i < 4; i++)
        a[5 + i] = (struct collate_item){good[i], NULL, (long long)(5 + i), NULL};
    for (i = 0; i < n; i++)
        b[i] = a[n - 1 - i]; /* same items, reversed */
    ck_assert_int_eq(collate_sort(lv, a, n), 0);
    ck_assert_int_eq(collate_sort(lv, b, n), 0);
    for (i = 0; i < n; i++)
        ck_assert_int_eq(a[i].id, b[i].id); /* deterministic */
    /* valid first, in lv order ... */
    ck_assert_str_eq(a[0].k1, "");
    ck_assert_str_eq(a[1].k1, "abele");
    ck_assert_str_eq(a[2].k1, "Ābols");
    ck_assert_str_eq(a[3].k1, "Žagata");
    /* ... then invalid, by bytes */
    ck_assert_str_eq(a[4].k1, "Ab\xc5");
    ck_assert_str_eq(a[5].k1, "z\xff");
    ck_assert_str_eq(a[6].k1, "\x80");
    ck_assert_str_eq(a[7].k1, "\xc0\xaf");
    ck_assert_str_eq(a[8].k1, "\xed\xa0\x80");

    ck_assert_int_eq(collate_compare(lv, "\x80", "Žagata"), 1);
    ck_assert_int_eq(collate_compare(lv, "Žagata", "\x80"), -1);
    ck_assert_int_eq(collate_compare(lv, "\x80", "\x80"), 0);
    ck_assert_int_eq(collate_compare(lv, "Ab\xc5", "z\xff"), -1);

    /* invalid k2 under an equal k1 */
    a[0] = (struct collate_item){"Ozola", "\xfe", 1, NULL};
    a[1] = (struct collate_item){"Ozola", "Zane", 2, NULL};
    ck_assert_int_eq(collate_sort(lv, a, 2), 0);
    ck_assert_int_eq(a[0].id, 2);
    ck_assert_int_eq(a[1].id, 1);
}
END_TEST

START_TEST(test_many_and_long)
{
    /* Enough items and long enough keys to make every buffer grow. */
    enum { N = 3000 };
    struct collate_item *it = calloc(N, sizeof *it);
    char (*names)[200] = calloc(N, sizeof *names);
    size_t i, j;

    ck_assert_ptr_nonnull(it);
    ck_assert_ptr_nonnull(names);
    for (i = 0; i < N; i++) {
        size_t len = 0;
        /* "Š"/"S" and "ā"/"a" mixed, varying lengths, then a number */
        for (j = 0; j < i % 40; j++)
            len += (size_t)sprintf(names[i] + len, "%s", (i + j) % 3 ? "ā" : "S");
        sprintf(names[i] + len, "%s%zu", (i % 2) ? "Š" : "s", (size_t)(N - i) % 97);
        it[i].k1 = names[i];
        it[i].k2 = names[N - 1 - i];
        it[i].id = (long long)(i % 13);
    }
    ck_assert_int_eq(collate_sort(lv, it, N), 0);
    for (i = 1; i < N; i++) {
        int r = collate_compare(lv, it[i - 1].k1, it[i].k1);

        ck_assert_int_le(r, 0);
        if (r == 0) {
            r = collate_compare(lv, it[i - 1].k2, it[i].k2);
            ck_assert_int_le(r, 0);
            if (r == 0)
                ck_assert(it[i - 1].id <= it[i].id);
        }
    }
    free(names);
    free(it);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("collate");
    TCase *tc = tcase_create("lv");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_open_close);
    tcase_add_test(tc, test_lv_distinct_letters);
    tcase_add_test(tc, test_lv_long_vowels);
    tcase_add_test(tc, test_case_insensitive_primary);
    tcase_add_test(tc, test_byte_order_differs);
    tcase_add_test(tc, test_ties);
    tcase_add_test(tc, test_empty_and_null);
    tcase_add_test(tc, test_invalid_utf8);
    tcase_add_test(tc, test_many_and_long);
    suite_add_tcase(s, tc);
    return s;
}
