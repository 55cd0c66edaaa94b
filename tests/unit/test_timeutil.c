/* test_timeutil.c - unit tests for core/timeutil (dates, RFC 3339, zones).
 *
 * Must never: accept a time without an explicit offset, get an instant
 * wrong by an offset's sign, or call a zone known that ICU does not know.
 * Expected values were computed independently (calendar.timegm). */
#include "timeutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

START_TEST(test_rfc3339_invalid)
{
    static const char *const bad[] = {
        "", "2015", "2015-11-05", "2015-11-05T", "2015-11-05T10:00",
        "2015-11-05T10:00:00", "2015-11-05T10:00:00.123",
        "2015-11-05T10:00:00+02", "2015-11-05T10:00:00+0200",
        "2015-11-05T10:00:00+2:00", "2015-11-05T10:00:00+02:00 ",
        " 2015-11-05T10:00:00Z", "2015-11-05 10:00:00Z", "2015-11-05_10:00:00Z",
        "2015-11-05T10:00:00ZZ", "2015-11-05T10:00:00.Z", "2015-11-05T10:00:0Z",
        "2015-11-05T10:0:00Z", "2015-11-05T1:00:00Z", "2015-11-05T25:00:00Z",
        "2015-11-05T24:00:00Z", "2015-11-05T10:60:00Z", "2015-11-05T10:00:60Z",
        "2015-11-05T10:00:00+24:00", "2015-11-05T10:00:00+02:60",
        "2015-02-29T10:00:00Z", "2015-13-05T10:00:00Z", "2015-11-31T10:00:00Z",
        "1899-12-31T23:59:59Z", "2015-11-05T10:00:00+02:00:00",
        "2015-11-05T10:00:00GMT", "2015-11-05T10:00:00+aa:bb", "2015-11-05T10:00:",
        NULL};

    for (const char *const *p = bad; *p; p++) {
        long long t = 77;
        ck_assert_msg(tu_parse_rfc3339(*p, &t) == -1, "accepted \"%s\" as %lld", *p, t);
    }
}
END_TEST

START_TEST(test_rfc3339_values)
{
    static const struct {
        const char *s;
        long long t;
    } cases[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"1970-01-01T00:00:01Z", 1},
        {"1969-12-31T23:59:59Z", -1},
        {"1970-01-01T02:00:00+02:00", 0},
        {"2015-11-05T10:00:00+02:00", 1446710400},
        {"2015-11-05T08:00:00Z", 1446710400},
        {"2015-11-05T08:00:00z", 1446710400},
        {"2015-11-05t08:00:00Z", 1446710400},
        {"2015-11-05T08:00Z", 1446710400},          /* seconds optional */
        {"2015-11-05T11:00:00+03:00", 1446710400},
        {"2015-11-05T02:30:00-05:30", 1446710400},
        {"2015-11-05T08:00:00.000001Z", 1446710400}, /* fraction dropped */
        {"2015-11-05T08:00:59.999999999Z", 1446710459},
        {"2015-11-05T00:30:00+03:00", 1446672600},   /* previous UTC day */
        {"2015-11-04T23:30:00-03:00", 1446690600},   /* next UTC day */
        {"2000-02-29T23:59:59Z", 951868799},
        {"2038-01-19T03:14:08Z", 2147483648LL},      /* past 32 bits */
        {"2100-01-01T00:00:00Z", 4102444800LL},
        {"1900-01-01T00:00:00Z", -2208988800LL},
        {"2999-12-31T23:59:59Z", 32503679999LL},
        {"2015-10-01T09:00:00+23:59", 1443603660},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long t = 77;
        ck_assert_msg(tu_parse_rfc3339(cases[i].s, &t) == 0, "refused \"%s\"", cases[i].s);
        ck_assert_msg(t == cases[i].t, "\"%s\" -> %lld, want %lld", cases[i].s, t,
                      cases[i].t);
    }
}
END_TEST

START_TEST(test_days_from_civil)
{
    ck_assert_int_eq(tu_days_from_civil(1970, 1, 1), 0);
    ck_assert_int_eq(tu_days_from_civil(1970, 1, 2), 1);
    ck_assert_int_eq(tu_days_from_civil(1969, 12, 31), -1);
    ck_assert_int_eq(tu_days_from_civil(2000, 2, 29), 11016);
    ck_assert_int_eq(tu_days_from_civil(2000, 3, 1), 11017);
    ck_assert_int_eq(tu_days_from_civil(2015, 11, 5), 16744);
    ck_assert_int_eq(tu_days_from_civil(1600, 1, 1), -135140);
    /* Consecutive days across month and (leap) year ends. */
    ck_assert_int_eq(tu_days_from_civil(2016, 3, 1) - tu_days_from_civil(2016, 2, 28), 2);
    ck_assert_int_eq(tu_days_from_civil(2015, 3, 1) - tu_days_from_civil(2015, 2, 28), 1);
    ck_assert_int_eq(tu_days_from_civil(2016, 1, 1) - tu_days_from_civil(2015, 1, 1), 365);
    ck_assert_int_eq(tu_days_from_civil(2017, 1, 1) - tu_days_from_civil(2016, 1, 1), 366);
    ck_assert_int_eq(tu_days_from_civil(2101, 1, 1) - tu_days_from_civil(2100, 1, 1), 365);
}
END_TEST

START_TEST(test_parse_date)
{
    static const char *const bad[] = {"", "2015-02-29", "2015-1-01", "2015-13-01",
                                      "2015-11-05x", "2015-11-05T00:00Z", "1899-12-31",
                                      "3000-01-01", "2100-02-29", NULL};
    int y = 0, m = 0, d = 0;

    for (const char *const *p = bad; *p; p++)
        ck_assert_msg(tu_parse_date(*p, &y, &m, &d) == -1, "accepted \"%s\"", *p);
    ck_assert_int_eq(tu_parse_date("2016-02-29", &y, &m, &d), 0);
    ck_assert_int_eq(y, 2016);
    ck_assert_int_eq(m, 2);
    ck_assert_int_eq(d, 29);
    ck_assert_int_eq(tu_parse_date("2999-12-31", &y, &m, &d), 0);
    ck_assert_int_eq(tu_parse_date("1900-01-01", &y, &m, &d), 0);
}
END_TEST

START_TEST(test_format_utc)
{
    static const long long values[] = {0, 1, -1, 59, 86399, 86400, 951868799,
                                       951868800, 1446710400, 1446710459,
                                       2147483647, 2147483648LL, 4102444800LL,
                                       -2208988800LL, 32503679999LL};
    char out[32];

    tu_format_utc(0, out);
    ck_assert_str_eq(out, "1970-01-01T00:00:00Z");
    tu_format_utc(1446710400, out);
    ck_assert_str_eq(out, "2015-11-05T08:00:00Z");
    tu_format_utc(951868799, out);
    ck_assert_str_eq(out, "2000-02-29T23:59:59Z");
    tu_format_utc(-1, out);
    ck_assert_str_eq(out, "1969-12-31T23:59:59Z");
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        long long t = 77;
        tu_format_utc(values[i], out);
        ck_assert_uint_eq(strlen(out), 20);
        ck_assert_msg(tu_parse_rfc3339(out, &t) == 0, "cannot parse own \"%s\"", out);
        ck_assert_msg(t == values[i], "%lld -> \"%s\" -> %lld", values[i], out, t);
    }
}
END_TEST

START_TEST(test_zones)
{
    char longname[200];

    ck_assert_int_eq(tu_zone_known(""), 0);
    ck_assert_int_eq(tu_zone_known("Mars/Olympus"), 0);
    ck_assert_int_eq(tu_zone_known("Europe/Rīga"), 0);
    ck_assert_int_eq(tu_zone_known("Europe/Riga "), 0);
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    ck_assert_int_eq(tu_zone_known(longname), 0);
    ck_assert_int_eq(tu_zone_known("Europe/Riga"), 1);
    ck_assert_int_eq(tu_zone_known("Europe/Vilnius"), 1);
    ck_assert_int_eq(tu_zone_known("America/New_York"), 1);
    ck_assert_int_eq(tu_zone_known("Asia/Kolkata"), 1);
    ck_assert_int_eq(tu_zone_known("UTC"), 1);
}
END_TEST

START_TEST(test_clocks)
{
    double a, b;

    ck_assert_int_gt(tu_now(), 1446710400LL); /* after the demo meeting */
    a = tu_mono_ms();
    b = tu_mono_ms();
    ck_assert(b >= a);
    ck_assert(a > 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("timeutil");
    TCase *tc = tcase_create("time");

    tcase_add_test(tc, test_rfc3339_invalid);
    tcase_add_test(tc, test_rfc3339_values);
    tcase_add_test(tc, test_days_from_civil);
    tcase_add_test(tc, test_parse_date);
    tcase_add_test(tc, test_format_utc);
    tcase_add_test(tc, test_zones);
    tcase_add_test(tc, test_clocks);
    suite_add_tcase(s, tc);
    return s;
}
