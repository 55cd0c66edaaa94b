/* test_respcache.c - unit tests for core/respcache: bodies are served only
 * for their generation and key, and a body handed out outlives its slot
 * until the last holder lets go (run under ASan, a use after free fails). */
#include "respcache.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

START_TEST(test_generation_and_key)
{
    struct respcache *rc = respcache_new(8);
    size_t len = 0;
    const char *b;

    ck_assert_ptr_nonnull(rc);
    ck_assert_ptr_null(respcache_get(rc, "agenda:1", 1, &len));
    b = respcache_put(rc, "agenda:1", 1, "{\"a\":1}", 7);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(b, "{\"a\":1}");
    ck_assert_ptr_eq(respcache_get(rc, "agenda:1", 1, &len), b);
    ck_assert_uint_eq(len, 7);
    ck_assert_ptr_null(respcache_get(rc, "agenda:1", 2, &len)); /* written since */
    ck_assert_ptr_null(respcache_get(rc, "agenda:2", 1, &len));
    /* a key too long for a slot is not cached */
    ck_assert_ptr_null(respcache_put(rc, "k:0123456789012345678901234567890123456789"
                                         "01234567890123456789012", 1, "x", 1));
    respcache_free(rc);
}
END_TEST

START_TEST(test_held_body_outlives_its_slot)
{
    struct respcache *rc = respcache_new(1); /* every key shares the slot */
    const char *old = respcache_put(rc, "a", 1, "first", 5);
    const char *b2;
    size_t len;

    respcache_hold(old);                        /* an answer still being sent */
    b2 = respcache_put(rc, "b", 1, "second", 6); /* replaces it in the slot */
    ck_assert_ptr_null(respcache_get(rc, "a", 1, &len));
    ck_assert_ptr_eq(respcache_get(rc, "b", 1, &len), b2);
    ck_assert_int_eq(memcmp(old, "first", 5), 0); /* still readable */
    respcache_hold(b2);
    respcache_free(rc);                          /* shutdown with answers in flight */
    ck_assert_int_eq(memcmp(b2, "second", 6), 0);
    respcache_release(old);
    respcache_release(b2); /* the last release frees: LSan would see a leak otherwise */
}
END_TEST

START_TEST(test_gzip_form_lives_with_its_body)
{
    struct respcache *rc = respcache_new(4);
    size_t len = 0;
    const char *z;

    /* no plain body at that generation: nothing to attach to */
    ck_assert_ptr_null(respcache_put_gz(rc, "ics:1", 1, "\x1f\x8b", 2));
    ck_assert_ptr_nonnull(respcache_put(rc, "ics:1", 1, "BEGIN:VCALENDAR", 15));
    ck_assert_ptr_null(respcache_get_gz(rc, "ics:1", 1, &len));
    z = respcache_put_gz(rc, "ics:1", 1, "\x1f\x8b", 2);
    ck_assert_ptr_nonnull(z);
    ck_assert_ptr_eq(respcache_get_gz(rc, "ics:1", 1, &len), z);
    ck_assert_uint_eq(len, 2);
    ck_assert_ptr_null(respcache_get_gz(rc, "ics:1", 2, &len)); /* stale */
    ck_assert_ptr_null(respcache_put_gz(rc, "ics:1", 2, "\x1f\x8b", 2));
    /* a new plain body drops the old gzip form */
    ck_assert_ptr_nonnull(respcache_put(rc, "ics:1", 2, "BEGIN:VCALENDAR", 15));
    ck_assert_ptr_null(respcache_get_gz(rc, "ics:1", 2, &len));
    respcache_free(rc);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("respcache");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_generation_and_key);
    tcase_add_test(tc, test_held_body_outlives_its_slot);
    tcase_add_test(tc, test_gzip_form_lives_with_its_body);
    suite_add_tcase(s, tc);
    return s;
}
