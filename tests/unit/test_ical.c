/* test_ical.c - unit tests for core/ical (iCalendar export with libical).
 *
 * Every calendar is read back with libical's own parser, and instants are
 * computed from the VTIMEZONE in the output, not from libical's cache.
 * Must never: accept a tzid libical cannot resolve, get an instant wrong
 * across a DST change, alter UTF-8 text, fold a line past 75 octets or
 * inside a UTF-8 character, or end a line without CRLF.
 * Expected instants were worked out by hand from the EU rules (Riga:
 * EEST +03:00 until 25 Oct 2015 04:00 local, then EET +02:00). */
#include "ical.h"
#include "timeutil.h"

#include <check.h>
#include <libical/ical.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

#define RIGA "Europe/Riga"
#define STAMP 1446681600LL /* 2015-11-05T00:00:00Z */
#define LATVIAN "Āā Čč Ēē Ģģ Īī Ķķ Ļļ Ņņ Šš Ūū Žž"

static long long utc(int y, int mo, int d, int h, int mi)
{
    return tu_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static struct ical_event event(const char *uid, const char *start, const char *end,
                               const char *summary)
{
    struct ical_event e = {uid, start, end, summary, NULL, NULL, NULL, 0, 0};

    return e;
}

/* ical_calendar() that must succeed. */
static char *make(const char *tzid, const struct ical_event *ev, size_t n)
{
    char err[256] = "unset";
    char *s = ical_calendar("Saiets: Daugavpils, 2015", tzid, ev, n, STAMP, err,
                            sizeof err);

    ck_assert_msg(s != NULL, "ical_calendar failed: %s", err);
    ck_assert_str_eq(err, "");
    return s;
}

/* ical_calendar() that must fail with a message containing want. */
static void refused(const char *name, const char *tzid, const struct ical_event *ev,
                    size_t n, long long stamp, const char *want)
{
    char err[256] = "";
    char *s = ical_calendar(name, tzid, ev, n, stamp, err, sizeof err);

    ck_assert_msg(s == NULL, "accepted; tzid %s", tzid ? tzid : "(null)");
    free(s);
    ck_assert_msg(strstr(err, want) != NULL, "err [%s], want [%s]", err, want);
}

static icalcomponent *parse(const char *s)
{
    icalcomponent *c = icalparser_parse_string(s);

    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(icalcomponent_isa(c), ICAL_VCALENDAR_COMPONENT);
    return c;
}

static int count(icalcomponent *c, icalcomponent_kind kind)
{
    return icalcomponent_count_components(c, kind);
}

static icalcomponent *nth_event(icalcomponent *cal, int n)
{
    icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);

    while (e != NULL && n-- > 0)
        e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
    ck_assert_ptr_nonnull(e);
    return e;
}

static icalproperty *has(icalcomponent *c, icalproperty_kind kind)
{
    return icalcomponent_get_first_property(c, kind);
}

/* The value of the first property kind of c as text, or NULL. */
static const char *text_of(icalcomponent *c, icalproperty_kind kind)
{
    icalproperty *p = icalcomponent_get_first_property(c, kind);

    return p == NULL ? NULL : icalvalue_get_text(icalproperty_get_value(p));
}

/* The value of the X property xname of c, or NULL. */
static const char *x_of(icalcomponent *c, const char *xname)
{
    icalproperty *p;

    for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
        if (strcmp(icalproperty_get_x_name(p), xname) == 0)
            return icalproperty_get_x(p);
    }
    return NULL;
}

/* Checks DTSTART or DTEND of e: ;TZID=tzid, the wall time "YYYYMMDDTHHMMSS",
 * and the instant when read with the calendar's own VTIMEZONE. */
static void check_time(icalcomponent *cal, icalcomponent *e, icalproperty_kind kind,
                       const char *tzid, const char *wall, long long want_utc)
{
    icalproperty *p = icalcomponent_get_first_property(e, kind);
    icalparameter *param;
    icaltimezone *zone;
    struct icaltimetype t;
    char *s;

    ck_assert_ptr_nonnull(p);
    param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    ck_assert_ptr_nonnull(param);
    ck_assert_str_eq(icalparameter_get_tzid(param), tzid);
    t = icalvalue_get_datetime(icalproperty_get_value(p));
    ck_assert(!t.is_date);
    s = icaltime_as_ical_string_r(t);
    ck_assert_str_eq(s, wall);
    icalmemory_free_buffer(s);
    zone = icalcomponent_get_timezone(cal, tzid);
    ck_assert_msg(zone != NULL, "no VTIMEZONE %s in the calendar", tzid);
    t.zone = NULL;
    ck_assert_int_eq((long long)icaltime_as_timet_with_zone(t, zone), want_utc);
}

/* Every line ends in CRLF, holds at most 75 octets, and is valid UTF-8 by
 * itself once a continuation's leading space is removed: a fold never
 * falls inside a character. */
static void check_lines(const char *s)
{
    const char *line = s;

    ck_assert(strlen(s) > 2);
    while (*line != '\0') {
        const char *eol = strstr(line, "\r\n");
        const unsigned char *p;

        ck_assert_msg(eol != NULL, "last line without CRLF: [%s]", line);
        ck_assert_msg(eol - line <= 75, "line of %d octets: [%.*s]", (int)(eol - line),
                      (int)(eol - line), line);
        ck_assert_msg(memchr(line, '\n', (size_t)(eol - line)) == NULL &&
                          memchr(line, '\r', (size_t)(eol - line)) == NULL,
                      "bare CR or LF in [%.*s]", (int)(eol - line), line);
        p = (const unsigned char *)line + (line[0] == ' ' ? 1 : 0);
        while (p < (const unsigned char *)eol) {
            int k = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;

            ck_assert_msg(k != 0 && p + k <= (const unsigned char *)eol,
                          "UTF-8 character split at a fold: [%.*s]", (int)(eol - line),
                          line);
            for (int j = 1; j < k; j++)
                ck_assert((p[j] & 0xC0) == 0x80);
            p += k;
        }
        line = eol + 2;
    }
}

static void teardown(void)
{
    ical_release(); /* the next test reloads the zone: that path is tested too */
}

START_TEST(test_invalid_args)
{
    struct ical_event ok = event("a@saiets", "2015-11-05T10:00", "2015-11-05T11:00", "x");
    struct ical_event e;
    static const char *const bad_tz[] = {
        "", "/Europe/Riga", "Europe/Riga/", "Europe//Riga", "../../etc/passwd",
        "Europe/../Europe/Riga", "Europe/Rīga", "Europe/Riga ", "zone.tab",
        NULL};
    static const char *const bad_time[] = {
        "", "2015-11-05", "2015-11-05 10:00", "2015-11-05T10:00:00", "2015-11-05T10:0",
        "2015-11-05T24:00", "2015-11-05T10:60", "2015-02-29T10:00", "2015-13-01T10:00",
        "1899-12-31T10:00", "2015-11-05T1a:00", "2015-11-05T10:00Z", NULL};
    static const char *const bad_utf8[] = {
        "\xC4", "a\xC4", "\xC4\x41", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
        "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80", "\x80", "\xFF", NULL};

    refused(NULL, RIGA, &ok, 1, STAMP, "required");
    refused("n", RIGA, NULL, 1, STAMP, "required");
    refused("n", NULL, &ok, 1, STAMP, "time zone");
    for (const char *const *p = bad_tz; *p; p++)
        refused("n", *p, &ok, 1, STAMP, "malformed time zone");
    refused("n", "Mars/Olympus_Mons", &ok, 1, STAMP,
            "unknown time zone: Mars/Olympus_Mons");
    refused("n", "Europe", &ok, 1, STAMP, "unknown time zone");
    refused("n", "Europe/Riga_X", NULL, 0, STAMP, "unknown time zone");
    refused("n", RIGA, &ok, 1, -1, "dtstamp");
    refused("n", RIGA, &ok, 1, 253402300800LL, "dtstamp");
    for (const char *const *p = bad_time; *p; p++) {
        e = ok;
        e.start_local = *p;
        refused("n", RIGA, &e, 1, STAMP, "event 0: times must be YYYY-MM-DDTHH:MM");
        e = ok;
        e.end_local = *p;
        refused("n", RIGA, &e, 1, STAMP, "times must be");
    }
    e = ok;
    e.start_local = NULL;
    refused("n", RIGA, &e, 1, STAMP, "times must be");
    e = ok;
    e.end_local = "2015-11-05T09:59";
    refused("n", RIGA, &e, 1, STAMP, "event 0: end before start");
    e = ok;
    e.uid = NULL;
    refused("n", RIGA, &e, 1, STAMP, "uid and summary are required");
    e.uid = "";
    refused("n", RIGA, &e, 1, STAMP, "uid and summary are required");
    e = ok;
    e.summary = NULL;
    refused("n", RIGA, &e, 1, STAMP, "uid and summary are required");
    e = ok;
    e.last_modified = -5;
    refused("n", RIGA, &e, 1, STAMP, "last_modified");
    for (const char *const *p = bad_utf8; *p; p++) {
        struct ical_event two[2] = {ok, ok};

        two[1].summary = *p;
        refused("n", RIGA, two, 2, STAMP, "event 1: summary is not UTF-8");
        two[1] = ok;
        two[1].description = *p;
        refused("n", RIGA, two, 2, STAMP, "event 1: description is not UTF-8");
        two[1] = ok;
        two[1].location = *p;
        refused("n", RIGA, two, 2, STAMP, "location is not UTF-8");
        two[1] = ok;
        two[1].uid = *p;
        refused("n", RIGA, two, 2, STAMP, "uid is not UTF-8");
        refused(*p, RIGA, &ok, 1, STAMP, "calendar name is not UTF-8");
    }
    /* No room for a message is not a crash. */
    ck_assert_ptr_null(ical_calendar("n", "Mars/Base", &ok, 1, STAMP, NULL, 0));
}
END_TEST

START_TEST(test_structure)
{
    struct ical_event ev[3] = {
        event("agenda-1@saiets", "2015-11-05T10:00", "2015-11-05T11:30", "Atklāšana"),
        event("agenda-2@saiets", "2015-11-05T11:30", "2015-11-05T12:00", "Kafija"),
        event("agenda-3@saiets", "2015-11-06T09:00", "2015-11-06T17:00", "Ekskursija"),
    };
    char *s = make(RIGA, ev, 3);
    icalcomponent *cal = parse(s), *tz;

    ck_assert_int_eq(strncmp(s, "BEGIN:VCALENDAR\r\n", 17), 0);
    ck_assert_str_eq(s + strlen(s) - 15, "END:VCALENDAR\r\n");
    ck_assert_str_eq(text_of(cal, ICAL_PRODID_PROPERTY), "-//Saiets//Saiets//EN");
    ck_assert_str_eq(icalproperty_get_version(
                         icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY)),
                     "2.0");
    ck_assert_str_eq(icalproperty_get_calscale(
                         icalcomponent_get_first_property(cal, ICAL_CALSCALE_PROPERTY)),
                     "GREGORIAN");
    ck_assert_int_eq(icalcomponent_get_method(cal), ICAL_METHOD_PUBLISH);
    ck_assert_str_eq(x_of(cal, "X-WR-CALNAME"), "Saiets: Daugavpils, 2015");
    ck_assert_str_eq(x_of(cal, "X-WR-TIMEZONE"), RIGA);
    ck_assert_ptr_nonnull(strstr(s, "\r\nCALSCALE:GREGORIAN\r\n"));
    ck_assert_ptr_nonnull(strstr(s, "\r\nMETHOD:PUBLISH\r\n"));

    ck_assert_int_eq(count(cal, ICAL_VTIMEZONE_COMPONENT), 1);
    tz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
    ck_assert_str_eq(icalproperty_get_tzid(
                         icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY)),
                     RIGA);
    ck_assert_ptr_nonnull(strstr(s, "\r\nTZID:Europe/Riga\r\n"));
    /* Real tz data: the EET/EEST observances are there. */
    ck_assert_ptr_nonnull(strstr(s, "TZNAME:EEST\r\n"));
    ck_assert_ptr_nonnull(strstr(s, "TZNAME:EET\r\n"));
    ck_assert_int_ge(count(tz, ICAL_XSTANDARD_COMPONENT), 1);
    ck_assert_int_ge(count(tz, ICAL_XDAYLIGHT_COMPONENT), 1);

    ck_assert_int_eq(count(cal, ICAL_VEVENT_COMPONENT), 3);
    for (int i = 0; i < 3; i++) {
        icalcomponent *e = nth_event(cal, i);
        icalproperty *p;
        struct icaltimetype stamp;

        ck_assert_str_eq(icalcomponent_get_uid(e), ev[i].uid);
        ck_assert_str_eq(icalcomponent_get_summary(e), ev[i].summary);
        p = icalcomponent_get_first_property(e, ICAL_DTSTAMP_PROPERTY);
        ck_assert_ptr_nonnull(p);
        stamp = icalproperty_get_dtstamp(p);
        ck_assert(icaltime_is_utc(stamp));
        ck_assert_int_eq((long long)icaltime_as_timet(stamp), STAMP);
    }
    ck_assert_ptr_nonnull(strstr(s, "\r\nDTSTAMP:20151105T000000Z\r\n"));
    ck_assert_ptr_nonnull(strstr(s, "\r\nDTSTART;TZID=Europe/Riga:20151105T100000\r\n"));
    ck_assert_ptr_nonnull(strstr(s, "\r\nDTEND;TZID=Europe/Riga:20151106T170000\r\n"));
    /* VTIMEZONE before the events that use it. */
    ck_assert(strstr(s, "BEGIN:VTIMEZONE") < strstr(s, "BEGIN:VEVENT"));
    check_time(cal, nth_event(cal, 2), ICAL_DTSTART_PROPERTY, RIGA, "20151106T090000",
               utc(2015, 11, 6, 7, 0));
    check_lines(s);
    icalcomponent_free(cal);
    free(s);
}
END_TEST

START_TEST(test_dst)
{
    struct ical_event ev[5] = {
        event("a@s", "2015-10-24T10:00", "2015-10-24T11:00", "EEST"),
        event("b@s", "2015-10-26T10:00", "2015-10-26T11:00", "EET"),
        event("c@s", "2015-11-05T10:00", "2015-11-05T12:15", "EET"),
        event("d@s", "2016-03-26T10:00", "2016-03-28T10:00", "spring"),
        event("e@s", "2015-10-25T02:30", "2015-10-25T05:30", "across"),
    };
    char *s = make(RIGA, ev, 5);
    icalcomponent *cal = parse(s);

    check_time(cal, nth_event(cal, 0), ICAL_DTSTART_PROPERTY, RIGA, "20151024T100000",
               utc(2015, 10, 24, 7, 0));
    check_time(cal, nth_event(cal, 0), ICAL_DTEND_PROPERTY, RIGA, "20151024T110000",
               utc(2015, 10, 24, 8, 0));
    check_time(cal, nth_event(cal, 1), ICAL_DTSTART_PROPERTY, RIGA, "20151026T100000",
               utc(2015, 10, 26, 8, 0));
    check_time(cal, nth_event(cal, 2), ICAL_DTSTART_PROPERTY, RIGA, "20151105T100000",
               utc(2015, 11, 5, 8, 0));
    check_time(cal, nth_event(cal, 2), ICAL_DTEND_PROPERTY, RIGA, "20151105T121500",
               utc(2015, 11, 5, 10, 15));
    check_time(cal, nth_event(cal, 3), ICAL_DTSTART_PROPERTY, RIGA, "20160326T100000",
               utc(2016, 3, 26, 8, 0));
    check_time(cal, nth_event(cal, 3), ICAL_DTEND_PROPERTY, RIGA, "20160328T100000",
               utc(2016, 3, 28, 7, 0));
    /* 3 hours on the wall, 4 in fact: the night the clocks went back. */
    check_time(cal, nth_event(cal, 4), ICAL_DTSTART_PROPERTY, RIGA, "20151025T023000",
               utc(2015, 10, 24, 23, 30));
    check_time(cal, nth_event(cal, 4), ICAL_DTEND_PROPERTY, RIGA, "20151025T053000",
               utc(2015, 10, 25, 3, 30));
    icalcomponent_free(cal);
    free(s);
}
END_TEST

START_TEST(test_other_zones)
{
    struct ical_event e = event("z@s", "2015-11-05T10:00", "2015-11-05T11:00", "z");
    static const struct {
        const char *tzid;
        long long start;
    } zones[] = {
        {"UTC", 0},          {"GMT", 0},          {"Etc/UTC", 0},
        {"Europe/Vilnius", -2 * 3600},            {"America/New_York", 5 * 3600},
        {"Asia/Kolkata", -(5 * 3600 + 1800)},     {"Europe/Kiev", -2 * 3600},
    };

    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        char *s = make(zones[i].tzid, &e, 1);
        icalcomponent *cal = parse(s);
        icalcomponent *tz =
            icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);

        ck_assert_ptr_nonnull(tz);
        ck_assert_str_eq(icalproperty_get_tzid(icalcomponent_get_first_property(
                             tz, ICAL_TZID_PROPERTY)),
                         zones[i].tzid);
        ck_assert_str_eq(x_of(cal, "X-WR-TIMEZONE"), zones[i].tzid);
        check_time(cal, nth_event(cal, 0), ICAL_DTSTART_PROPERTY, zones[i].tzid,
                   "20151105T100000", utc(2015, 11, 5, 10, 0) + zones[i].start);
        check_lines(s);
        icalcomponent_free(cal);
        free(s);
    }
}
END_TEST

START_TEST(test_latvian)
{
    static const char *const texts[] = {
        LATVIAN,
        "Ābeļziedu sanāksme Daugavpilī: ģimeņu čempionāts pie Ķīšezera; "
        "Ūdru ņiprums un žūžojoša šalkoņa",
        "Rēzeknes novada pašvaldība — “Latgales vēstniecība GORS”, Pils iela 4",
        "Ģirts Ķīsis ☕ 𝄞 😀",
    };

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct ical_event e = event("lv@saiets", "2015-11-05T10:00", "2015-11-05T11:00",
                                    texts[i]);
        char *s, err[128];
        icalcomponent *cal, *vev;

        e.description = texts[i];
        e.location = texts[i];
        e.categories = "lekcija";
        s = ical_calendar(texts[i], RIGA, &e, 1, STAMP, err, sizeof err);
        ck_assert_msg(s != NULL, "%s", err);
        cal = parse(s);
        vev = nth_event(cal, 0);
        ck_assert_str_eq(icalcomponent_get_summary(vev), texts[i]);
        ck_assert_str_eq(icalcomponent_get_description(vev), texts[i]);
        ck_assert_str_eq(icalcomponent_get_location(vev), texts[i]);
        ck_assert_str_eq(x_of(cal, "X-WR-CALNAME"), texts[i]);
        check_lines(s);
        icalcomponent_free(cal);
        free(s);
    }
}
END_TEST

START_TEST(test_escaping)
{
    struct ical_event e = event("esc@saiets", "2015-11-05T10:00", "2015-11-05T11:00",
                                "Kafija, tēja; cepumi \\ augļi");
    char *s;
    icalcomponent *cal, *vev;

    e.description = "1. rinda, ar komatu\n2. rinda; ar semikolu\n3. \\n nav jauna rinda";
    e.location = "Vienības iela 1, Daugavpils; 2. stāvs";
    s = make(RIGA, &e, 1);
    ck_assert_ptr_nonnull(strstr(s, "SUMMARY:Kafija\\, tēja\\; cepumi \\\\ augļi\r\n"));
    ck_assert_ptr_nonnull(strstr(s, "LOCATION:Vienības iela 1\\, Daugavpils\\; 2. stāvs"));
    ck_assert_ptr_nonnull(strstr(s, "DESCRIPTION:1. rinda\\, ar komatu\\n2. rinda\\; ar"));
    cal = parse(s);
    vev = nth_event(cal, 0);
    ck_assert_str_eq(icalcomponent_get_summary(vev), e.summary);
    ck_assert_str_eq(icalcomponent_get_description(vev), e.description);
    ck_assert_str_eq(icalcomponent_get_location(vev), e.location);
    check_lines(s);
    icalcomponent_free(cal);
    free(s);
}
END_TEST

START_TEST(test_control_characters)
{
    struct ical_event e = event("ctl@saiets", "2015-11-05T10:00", "2015-11-05T11:00",
                                "a\x01" "b\x7f" "c\td");
    char *s;
    icalcomponent *cal, *vev;

    e.description = "CRLF\r\nCR\rLF\nend\r";
    s = make(RIGA, &e, 1);
    cal = parse(s);
    vev = nth_event(cal, 0);
    ck_assert_str_eq(icalcomponent_get_summary(vev), "abc\td");
    ck_assert_str_eq(icalcomponent_get_description(vev), "CRLF\nCR\nLF\nend\n");
    ck_assert_ptr_nonnull(strstr(s, "DESCRIPTION:CRLF\\nCR\\nLF\\nend\\n\r\n"));
    check_lines(s);
    icalcomponent_free(cal);
    free(s);
}
END_TEST

/* A deterministic mix of 1- to 4-octet characters and the characters
 * libical prefers to fold at, so folds land everywhere. */
START_TEST(test_folding)
{
    static const char *const pieces[] = {
        "a", "Z", " ", ",", ";", ":", "\\", "\n",
        "ā", "Ž", "ņ", "—", "€", "“", "𝄞", "😀",
    };
    uint32_t seed = 20151105;
    char text[2048];

    for (int round = 0; round < 300; round++) {
        struct ical_event e = event("fold@saiets", "2015-11-05T10:00", "2015-11-05T11:00",
                                    text);
        size_t len = 0, goal = (size_t)(round * 5 % 400);
        const char *want;
        char *s;
        icalcomponent *cal, *vev;

        while (len < goal) {
            const char *pc;

            seed = seed * 1103515245u + 12345u;
            pc = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            memcpy(text + len, pc, strlen(pc));
            len += strlen(pc);
        }
        text[len] = '\0';
        e.description = text;
        e.location = text;
        s = make("UTC", &e, 1); /* a small VTIMEZONE keeps 300 rounds quick */
        check_lines(s);
        cal = parse(s);
        vev = nth_event(cal, 0);
        /* libical's parser (not the writer, see test_edge_blanks) drops
         * blanks at both ends of a value. */
        want = text + strspn(text, " ");
        while (len > 0 && text[len - 1] == ' ')
            text[--len] = '\0';
        if (*want != '\0') {
            ck_assert_str_eq(icalcomponent_get_summary(vev), want);
            ck_assert_str_eq(icalcomponent_get_description(vev), want);
            ck_assert_str_eq(icalcomponent_get_location(vev), want);
        }
        icalcomponent_free(cal);
        free(s);
    }
}
END_TEST

START_TEST(test_edge_blanks)
{
    /* Written as given (RFC 5545 keeps them); libical's parser drops them. */
    struct ical_event e = event("blank@saiets", "2015-11-05T10:00", "2015-11-05T11:00",
                                "  divas atstarpes  ");
    char *s = make(RIGA, &e, 1);

    ck_assert_ptr_nonnull(strstr(s, "\r\nSUMMARY:  divas atstarpes  \r\n"));
    free(s);
}
END_TEST

START_TEST(test_long_latvian_line)
{
    /* 2-octet letters only: no space, ';' or ':' to fold at. */
    char text[1024] = "";
    struct ical_event e = event("long@saiets", "2015-11-05T10:00", "2015-11-05T11:00",
                                text);
    char *s;
    icalcomponent *cal;
    int folds = 0;

    for (int i = 0; i < 30; i++)
        strcat(text, "āčēģīķļņšūž");
    s = make(RIGA, &e, 1);
    for (const char *p = s; (p = strstr(p, "\r\n ")) != NULL; p += 3)
        folds++;
    ck_assert_int_ge(folds, 660 / 74);
    check_lines(s);
    cal = parse(s);
    ck_assert_str_eq(icalcomponent_get_summary(nth_event(cal, 0)), text);
    icalcomponent_free(cal);
    free(s);
}
END_TEST

START_TEST(test_optional_fields)
{
    struct ical_event ev[3] = {
        event("bare@saiets", "2015-11-05T10:00", "2015-11-05T11:00", "Bare"),
        event("empty@saiets", "2015-11-05T10:00", "2015-11-05T11:00", ""),
        event("full@saiets", "2015-11-05T10:00", "2015-11-05T11:00", "Full"),
    };
    char *s;
    icalcomponent *cal, *vev;

    ev[1].description = "";
    ev[1].location = "";
    ev[1].categories = "";
    ev[2].description = "Apraksts";
    ev[2].location = "Daugavpils Universitāte, Vienības iela 13";
    ev[2].categories = "lekcija";
    ev[2].last_modified = 1446000000LL; /* 2015-10-28T02:40:00Z */
    ev[2].sequence = 3;
    s = make(RIGA, ev, 3);
    cal = parse(s);
    for (int i = 0; i < 2; i++) {
        vev = nth_event(cal, i);
        ck_assert_ptr_null(has(vev, ICAL_DESCRIPTION_PROPERTY));
        ck_assert_ptr_null(has(vev, ICAL_LOCATION_PROPERTY));
        ck_assert_ptr_null(has(vev, ICAL_CATEGORIES_PROPERTY));
        ck_assert_ptr_null(has(vev, ICAL_LASTMODIFIED_PROPERTY));
        ck_assert_ptr_null(has(vev, ICAL_SEQUENCE_PROPERTY)); /* 0: the default */
        ck_assert_ptr_nonnull(has(vev, ICAL_DTEND_PROPERTY));
    }
    ck_assert_ptr_null(has(nth_event(cal, 1), ICAL_SUMMARY_PROPERTY));
    vev = nth_event(cal, 2);
    ck_assert_str_eq(icalcomponent_get_description(vev), "Apraksts");
    ck_assert_str_eq(icalcomponent_get_location(vev), ev[2].location);
    ck_assert_str_eq(text_of(vev, ICAL_CATEGORIES_PROPERTY), "lekcija");
    ck_assert_ptr_nonnull(strstr(s, "\r\nLAST-MODIFIED:20151028T024000Z\r\n"));
    ck_assert_int_eq(icalcomponent_get_sequence(vev), 3);
    ck_assert_int_eq((long long)icaltime_as_timet(
                         icalproperty_get_lastmodified(has(vev, ICAL_LASTMODIFIED_PROPERTY))),
                     1446000000LL);
    icalcomponent_free(cal);
    free(s);
}
END_TEST

START_TEST(test_instant)
{
    /* RFC 5545 wants DTEND later than DTSTART: an instant is written without. */
    struct ical_event e = event("now@saiets", "2015-11-05T10:00", "2015-11-05T10:00",
                                "Reģistrācija sākas");
    char *s = make(RIGA, &e, 1);
    icalcomponent *cal = parse(s);

    ck_assert_ptr_nonnull(has(nth_event(cal, 0), ICAL_DTSTART_PROPERTY));
    ck_assert_ptr_null(has(nth_event(cal, 0), ICAL_DTEND_PROPERTY));
    icalcomponent_free(cal);
    free(s);
}
END_TEST

START_TEST(test_wall_clock_order)
{
    /* Ordered on the wall clock, as written: 02:50-03:10 on the night the
     * clocks skip 03:00-04:00 is accepted and written unchanged. */
    struct ical_event e = event("gap@saiets", "2016-03-27T02:50", "2016-03-27T03:10",
                                "Nakts");
    char *s = make(RIGA, &e, 1);

    ck_assert_ptr_nonnull(strstr(s, "DTSTART;TZID=Europe/Riga:20160327T025000\r\n"));
    ck_assert_ptr_nonnull(strstr(s, "DTEND;TZID=Europe/Riga:20160327T031000\r\n"));
    free(s);
    e.end_local = "2016-03-27T02:49";
    refused("n", RIGA, &e, 1, STAMP, "end before start");
}
END_TEST

START_TEST(test_empty_calendar)
{
    char *s = make(RIGA, NULL, 0);
    icalcomponent *cal = parse(s);

    ck_assert_int_eq(count(cal, ICAL_VEVENT_COMPONENT), 0);
    ck_assert_int_eq(count(cal, ICAL_VTIMEZONE_COMPONENT), 1);
    ck_assert_str_eq(x_of(cal, "X-WR-CALNAME"), "Saiets: Daugavpils, 2015");
    ck_assert_int_eq(icalcomponent_get_method(cal), ICAL_METHOD_PUBLISH);
    check_lines(s);
    icalcomponent_free(cal);
    free(s);
}
END_TEST

START_TEST(test_deterministic)
{
    struct ical_event ev[2] = {
        event("a@saiets", "2015-11-05T10:00", "2015-11-05T11:00", "Viens"),
        event("b@saiets", "2015-11-06T10:00", "2015-11-06T11:00", "Divi"),
    };
    char *a = make(RIGA, ev, 2), *b, *c;

    ical_release(); /* a reloaded cache gives the same bytes */
    b = make(RIGA, ev, 2);
    ck_assert_str_eq(a, b);
    ev[1].summary = "Trīs";
    c = make(RIGA, ev, 2);
    ck_assert_str_ne(a, c);
    free(c);
    free(b);
    free(a);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ical");
    TCase *tc = tcase_create("calendar");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_invalid_args);
    tcase_add_test(tc, test_structure);
    tcase_add_test(tc, test_dst);
    tcase_add_test(tc, test_other_zones);
    tcase_add_test(tc, test_latvian);
    tcase_add_test(tc, test_escaping);
    tcase_add_test(tc, test_control_characters);
    tcase_add_test(tc, test_folding);
    tcase_add_test(tc, test_edge_blanks);
    tcase_add_test(tc, test_long_latvian_line);
    tcase_add_test(tc, test_optional_fields);
    tcase_add_test(tc, test_instant);
    tcase_add_test(tc, test_wall_clock_order);
    tcase_add_test(tc, test_empty_calendar);
    tcase_add_test(tc, test_deterministic);
    suite_add_tcase(s, tc);
    return s;
}
