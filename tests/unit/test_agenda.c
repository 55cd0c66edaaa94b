/* test_agenda.c - unit tests for core/agenda*: local times across the DST
 * change, item validation, the conflict checks (a pure function, tested on
 * arrays) and script sync (diffs, idempotence, items of others untouched),
 * on a real migrated SQLite database in a temp directory. */
#include "agenda.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "meeting.h"
#include "testdb.h"
#include "timeutil.h"
#include "venue.h"

#define NOW 1446000000LL

static struct testdb t;
static struct db *db;
static struct err e;
static long long meeting, hall, school;

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &je);

    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, je.text);
    return v;
}

static void setup(void)
{
    json_t *in;

    db = testdb_open(&t);
    err_clear(&e);
    in = J("{\"title\":\"Sanāksme\",\"starts_on\":\"2015-10-24\",\"ends_on\":\"2015-11-06\","
           "\"capacity\":60}");
    ck_assert_int_eq(meeting_create(db, in, NOW, NULL, &meeting, &e), 0);
    json_decref(in);
    in = J("{\"name\":\"Domes zāle\",\"kind\":\"hall\",\"capacity\":50}");
    ck_assert_int_eq(venue_create(db, in, NOW, NULL, &hall, &e), 0);
    json_decref(in);
    in = J("{\"name\":\"Saules skola\",\"kind\":\"school\",\"capacity\":20}");
    ck_assert_int_eq(venue_create(db, in, NOW, NULL, &school, &e), 0);
    json_decref(in);
    ck_assert_int_eq(venue_set_travel(db, hall, school, 20, NOW, NULL, &e), 0);
}

static void teardown(void)
{
    testdb_cleanup(&t);
    db = NULL;
}

static long long add_item(const char *json)
{
    json_t *in = J(json);
    long long id = 0;
    int rc = agenda_item_create(db, meeting, in, "organizer", NULL, NOW, NULL, &id, &e);

    json_decref(in);
    ck_assert_msg(rc == 0, "add_item: %s", e.message);
    return id;
}

/* ---- time ----------------------------------------------------------------- */

START_TEST(test_dst_change_2015)
{
    long long a, b;
    char local[17];

    /* Riga left summer time on 25 Oct 2015 at 04:00 EEST. */
    ck_assert_int_eq(tu_local_to_utc("Europe/Riga", "2015-10-24T10:00", &a), 0);
    ck_assert_int_eq(tu_local_to_utc("Europe/Riga", "2015-10-26T10:00", &b), 0);
    ck_assert_int_eq(a, 1445670000); /* 07:00Z, +03:00 */
    ck_assert_int_eq(b, 1445846400); /* 08:00Z, +02:00 */
    ck_assert_int_eq(tu_utc_to_local("Europe/Riga", a, local), 0);
    ck_assert_str_eq(local, "2015-10-24T10:00");
    ck_assert_int_eq(tu_utc_to_local("Europe/Riga", 1445734800, local), 0); /* 01:00Z */
    ck_assert_str_eq(local, "2015-10-25T03:00"); /* still summer time */
    ck_assert_int_eq(tu_utc_to_local("Europe/Riga", 1445742000, local), 0); /* 03:00Z */
    ck_assert_str_eq(local, "2015-10-25T05:00");
    /* 03:00-03:59 happened twice that night: the first (summer) one counts. */
    ck_assert_int_eq(tu_local_to_utc("Europe/Riga", "2015-10-25T03:30", &a), 0);
    ck_assert_int_eq(a, 1445733000); /* 00:30Z, +03:00 */
    ck_assert_int_eq(tu_local_to_utc("Europe/Riga", "2015-10-25T04:00", &a), 0);
    ck_assert_int_eq(a, 1445738400); /* 02:00Z, +02:00 */
    /* 03:30 on 29 Mar 2015 never happened (03:00 -> 04:00): the offset
     * before the change reads it, as 01:30Z = 04:30 summer time. */
    ck_assert_int_eq(tu_local_to_utc("Europe/Riga", "2015-03-29T03:30", &a), 0);
    ck_assert_int_eq(a, 1427592600);
    ck_assert_int_eq(tu_local_to_utc("Mars/Olympus", "2015-10-24T10:00", &a), -1);
    ck_assert_int_eq(tu_local_to_utc("Europe/Riga", "2015-10-24 10:00", &a), -1);
    ck_assert_int_eq(tu_local_to_utc("Europe/Riga", "2015-10-24T24:00", &a), -1);
}
END_TEST

START_TEST(test_item_across_dst_lasts_its_real_length)
{
    /* 02:30 to 04:30 local on the night of the change is three hours. */
    long long id = add_item("{\"starts_at\":\"2015-10-25T02:30\",\"ends_at\":\"2015-10-25T04:30\","
                            "\"kind\":\"other\",\"title\":\"Nakts\"}");
    json_t *o = agenda_item_json(db, meeting, id, &e);

    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(json_string_value(json_object_get(o, "starts_at_utc")),
                     "2015-10-24T23:30:00Z");
    ck_assert_str_eq(json_string_value(json_object_get(o, "ends_at_utc")),
                     "2015-10-25T02:30:00Z");
    json_decref(o);
}
END_TEST

/* Patches the meeting the way the server does: in a transaction that a
 * refusal rolls back. */
static int patch_meeting(const char *json)
{
    json_t *in = J(json);
    int rc;

    ck_assert_int_eq(db_begin(db), 0);
    err_clear(&e);
    rc = meeting_patch(db, meeting, in, NOW, NULL, &e);
    if (rc == 0)
        ck_assert_int_eq(db_commit(db), 0);
    else
        db_rollback(db);
    json_decref(in);
    return rc;
}

static const char *item_text(long long id, const char *key, char *buf, size_t n)
{
    json_t *o = agenda_item_json(db, meeting, id, &e);

    ck_assert_ptr_nonnull(o);
    snprintf(buf, n, "%s", json_string_value(json_object_get(o, key)));
    json_decref(o);
    return buf;
}

START_TEST(test_meeting_zone_change_moves_the_instants)
{
    long long id = add_item("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
                            "\"kind\":\"talk\",\"title\":\"Runa\"}");
    char buf[40];

    ck_assert_str_eq(item_text(id, "starts_at_utc", buf, sizeof buf), "2015-11-05T08:00:00Z");
    ck_assert_int_eq(patch_meeting("{\"timezone\":\"Europe/London\"}"), 0);
    /* The wall time is what the organizer wrote; the instant follows the zone. */
    ck_assert_str_eq(item_text(id, "starts_at", buf, sizeof buf), "2015-11-05T10:00");
    ck_assert_str_eq(item_text(id, "starts_at_utc", buf, sizeof buf), "2015-11-05T10:00:00Z");
    ck_assert_str_eq(item_text(id, "ends_at_utc", buf, sizeof buf), "2015-11-05T11:00:00Z");
    /* A title change leaves the instants alone. */
    ck_assert_int_eq(patch_meeting("{\"title\":\"Cita\"}"), 0);
    ck_assert_str_eq(item_text(id, "starts_at_utc", buf, sizeof buf), "2015-11-05T10:00:00Z");
}
END_TEST

START_TEST(test_meeting_days_cannot_leave_items_behind)
{
    long long id = add_item("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
                            "\"kind\":\"talk\",\"title\":\"Runa\"}");
    struct meeting m;
    char buf[40];

    ck_assert_int_eq(patch_meeting("{\"ends_on\":\"2015-11-04\"}"), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    ck_assert_str_eq(e.field, "ends_on");
    ck_assert_ptr_nonnull(strstr(e.message, "Runa"));
    ck_assert_int_eq(patch_meeting("{\"starts_on\":\"2015-11-06\", \"timezone\":\"UTC\"}"), -1);
    ck_assert_str_eq(e.field, "starts_on");
    /* Nothing of the refused changes stays. */
    ck_assert_int_eq(meeting_load(db, meeting, &m, &e), 0);
    ck_assert_str_eq(m.ends_on, "2015-11-06");
    ck_assert_str_eq(m.timezone, "Europe/Riga");
    meeting_clear(&m);
    ck_assert_str_eq(item_text(id, "starts_at_utc", buf, sizeof buf), "2015-11-05T08:00:00Z");
    /* Days that still hold every item are fine. */
    ck_assert_int_eq(patch_meeting("{\"starts_on\":\"2015-11-05\", \"ends_on\":\"2015-11-05\"}"), 0);
}
END_TEST

/* ---- validation ------------------------------------------------------------- */

static void refused(const char *json, enum err_code code, const char *field)
{
    json_t *in = J(json);
    long long id = 0;

    err_clear(&e);
    ck_assert_int_eq(agenda_item_create(db, meeting, in, "organizer", NULL, NOW, NULL, &id, &e), -1);
    ck_assert_int_eq(e.code, code);
    ck_assert_str_eq(e.field, field);
    json_decref(in);
}

START_TEST(test_item_validation)
{
    refused("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T09:00\","
            "\"kind\":\"talk\",\"title\":\"x\"}", ERR_INVALID_FIELD, "ends_at");
    refused("{\"starts_at\":\"2015-11-07T10:00\",\"ends_at\":\"2015-11-07T11:00\","
            "\"kind\":\"talk\",\"title\":\"x\"}", ERR_INVALID_FIELD, "starts_at");
    refused("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
            "\"kind\":\"party\",\"title\":\"x\"}", ERR_INVALID_FIELD, "kind");
    refused("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
            "\"kind\":\"talk\",\"title\":\"x\",\"venue_id\":999}", ERR_INVALID_FIELD,
            "venue_id");
    refused("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
            "\"kind\":\"talk\"}", ERR_MISSING_FIELD, "title");
    refused("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
            "\"kind\":\"talk\",\"title\":\"x\",\"source\":\"script:x\"}",
            ERR_FORBIDDEN_FIELD, "source");
    refused("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
            "\"kind\":\"talk\",\"title\":\"x\",\"speakers\":[{\"role\":\"x\"}]}",
            ERR_INVALID_FIELD, "speakers[0]");
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items"), 0);
}
END_TEST

START_TEST(test_patch_checks_the_whole_item)
{
    long long id = add_item("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
                            "\"kind\":\"talk\",\"title\":\"Runa\"}");
    json_t *in = J("{\"starts_at\":\"2015-11-05T12:00\"}"), *o;

    ck_assert_int_eq(agenda_item_patch(db, meeting, id, in, NOW, NULL, &e), -1);
    ck_assert_str_eq(e.field, "ends_at");
    json_decref(in);
    in = J("{\"ends_at\":\"2015-11-05T12:30\",\"title\":\"Garāka runa\"}");
    ck_assert_int_eq(agenda_item_patch(db, meeting, id, in, NOW, NULL, &e), 0);
    json_decref(in);
    o = agenda_item_json(db, meeting, id, &e);
    ck_assert_str_eq(json_string_value(json_object_get(o, "title")), "Garāka runa");
    ck_assert_str_eq(json_string_value(json_object_get(o, "starts_at")), "2015-11-05T10:00");
    json_decref(o);
}
END_TEST

/* ---- conflicts (pure) ---------------------------------------------------------- */

static int travel_20(void *ctx, long long a, long long b)
{
    (void)ctx;
    return (a == 1 && b == 2) || (a == 2 && b == 1) ? 20 : -1;
}

static long long seats(void *ctx, long long v)
{
    (void)ctx;
    return v == 1 ? 50 : v == 2 ? 20 : 0;
}

static const struct agenda_places places = {travel_20, seats, NULL};

#define H(h, m) (1446710400LL + (h) * 3600 + (m) * 60)

static int count_code(json_t *problems, const char *code)
{
    size_t i;
    json_t *p;
    int n = 0;

    json_array_foreach(problems, i, p)
        n += strcmp(json_string_value(json_object_get(p, "code")), code) == 0;
    return n;
}

START_TEST(test_conflicts)
{
    json_t *anna = J("[{\"name\":\"Anna Liepa\"}]"), *anna2 = J("[{\"name\":\"ANNA LIEPA\"}]");
    json_t *none = J("[]"), *p;
    struct agenda_slot s[] = {
        /* id  start       end         venue track speakers expected title */
        {1, H(9, 0), H(10, 0), 1, NULL, anna, -1, "Atklāšana"},
        {2, H(9, 30), H(10, 30), 1, "A", none, 10, "Pārklājas zālē"},
        {3, H(9, 45), H(10, 15), 2, "B", anna2, 10, "Anna divās vietās"},
        {4, H(10, 10), H(11, 0), 2, NULL, none, -1, "Pēc 10 min citā vietā"},
        {5, H(12, 0), H(13, 0), 2, "A", none, 30, "Par daudz cilvēku"},
    };
    size_t n = sizeof s / sizeof s[0];

    p = agenda_find_problems(s, n, &places, 40);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(count_code(p, "venue_double_booked"), 2); /* 1-2 hall, 3-4 school */
    ck_assert_int_eq(count_code(p, "speaker_double_booked"), 1);
    /* plenary 1 (hall, ends 10:00) -> plenary 4 (school, 10:10): 10 < 20 min;
     * told once although it lies in the sequences of tracks A and B */
    ck_assert_int_eq(count_code(p, "travel_too_short"), 3);
    /* item 4: plenary at a 20-seat school expects the 40 confirmed; item 5: 30 > 20 */
    ck_assert_int_eq(count_code(p, "over_capacity"), 2);
    json_decref(p);

    /* No venue, no travel check; unknown travel time, no problem either. */
    s[3].venue_id = 0;
    p = agenda_find_problems(s, n, &places, 0);
    ck_assert_int_eq(count_code(p, "over_capacity"), 1);
    json_decref(p);
    p = agenda_find_problems(s, 0, &places, 0);
    ck_assert_int_eq(json_array_size(p), 0);
    json_decref(p);
    json_decref(anna);
    json_decref(anna2);
    json_decref(none);
}
END_TEST

START_TEST(test_problems_are_capped)
{
    /* A thousand parallel talks with the same twenty speakers: the list stops
     * at AGENDA_PROBLEMS_MAX and says there are more. */
    enum { N = 1000 };
    struct agenda_slot *s = calloc(N, sizeof *s);
    json_t *speakers = json_array(), *p;

    ck_assert_ptr_nonnull(s);
    for (int k = 0; k < 20; k++)
        json_array_append_new(speakers, json_pack("{s:s}", "name", k ? "Cits" : "Dace Ozoliņa"));
    for (int i = 0; i < N; i++) {
        s[i].id = i + 1;
        s[i].starts_at = H(10, 0);
        s[i].ends_at = H(11, 0);
        s[i].track = "t";
        s[i].speakers = speakers;
        s[i].expected = -1;
        s[i].title = "T";
    }
    p = agenda_find_problems(s, N, &places, 0);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq((int)json_array_size(p), AGENDA_PROBLEMS_MAX + 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(p, AGENDA_PROBLEMS_MAX),
                                                       "code")), "more_problems");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(p, 0), "code")),
                     "speaker_double_booked");
    json_decref(p);
    json_decref(speakers);
    free(s);
}
END_TEST

START_TEST(test_back_to_back_same_venue_is_fine)
{
    json_t *none = J("[]"), *p;
    struct agenda_slot s[] = {
        {1, H(9, 0), H(10, 0), 1, NULL, none, 10, "Viens"},
        {2, H(10, 0), H(11, 0), 1, NULL, none, 10, "Divi"},
        {3, H(11, 20), H(12, 0), 2, NULL, none, 10, "Trīs, 20 min vēlāk"},
    };

    p = agenda_find_problems(s, 3, &places, 10);
    ck_assert_int_eq(json_array_size(p), 0);
    json_decref(p);
    json_decref(none);
}
END_TEST

/* ---- script sync ------------------------------------------------------------- */

static json_t *declared(const char *title2, const char *start2)
{
    char text[2048];

    snprintf(text, sizeof text,
             "{\"venues\":[{\"name\":\"Rotko centrs\",\"kind\":\"museum\",\"capacity\":80}],"
             " \"travel\":[{\"from\":\"Domes zāle\",\"to\":\"Rotko centrs\",\"minutes\":10}],"
             " \"items\":["
             "  {\"key\":\"d1/open\",\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T10:20\","
             "   \"kind\":\"opening\",\"title\":\"Atklāšana\",\"venue\":\"Domes zāle\"},"
             "  {\"key\":\"d1/art\",\"starts_at\":\"%s\",\"ends_at\":\"2015-11-05T18:00\","
             "   \"kind\":\"cultural\",\"title\":\"%s\",\"venue\":\"Rotko centrs\"}]}",
             start2, title2);
    return J(text);
}

static json_t *sync(json_t *d)
{
    json_t *diff = NULL;

    err_clear(&e);
    ck_assert_msg(agenda_script_sync(db, meeting, "demo", d, NOW, NULL, &diff, &e) == 0,
                  "sync: %s", e.message);
    json_decref(d);
    return diff;
}

static size_t n_of(json_t *diff, const char *what)
{
    return json_array_size(json_object_get(diff, what));
}

START_TEST(test_sync_idempotent)
{
    long long hand = add_item("{\"starts_at\":\"2015-11-05T12:00\",\"ends_at\":\"2015-11-05T13:00\","
                              "\"kind\":\"meal\",\"title\":\"Pusdienas\"}");
    json_t *diff = sync(declared("Rotko centrs", "2015-11-05T16:00"));

    ck_assert_int_eq(n_of(diff, "added"), 2);
    ck_assert_int_eq(n_of(diff, "venues_added"), 1);
    json_decref(diff);
    diff = sync(declared("Rotko centrs", "2015-11-05T16:00"));
    ck_assert_int_eq(n_of(diff, "added"), 0);
    ck_assert_int_eq(n_of(diff, "changed"), 0);
    ck_assert_int_eq(n_of(diff, "removed"), 0);
    ck_assert_int_eq(n_of(diff, "venues_added"), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(diff, "unchanged")), 2);
    json_decref(diff);
    /* a changed time keeps the item (same key, same id) */
    diff = sync(declared("Rotko centrs", "2015-11-05T16:30"));
    ck_assert_int_eq(n_of(diff, "changed"), 1);
    ck_assert_int_eq(n_of(diff, "added"), 0);
    json_decref(diff);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items"), 3);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items WHERE id = %lld"
                                    " AND source = 'organizer'", hand), 1);
    ck_assert_int_eq(testdb_int(db, "SELECT minutes FROM venue_travel v JOIN venues a"
                                    " ON a.id = v.to_id WHERE a.name = 'Rotko centrs'"), 10);
}
END_TEST

START_TEST(test_sync_removes_what_the_script_no_longer_makes)
{
    json_t *d = declared("Rotko centrs", "2015-11-05T16:00"), *diff;

    json_decref(sync(json_deep_copy(d)));
    json_array_remove(json_object_get(d, "items"), 1);
    diff = sync(d);
    ck_assert_int_eq(n_of(diff, "removed"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(diff, "removed"), 0), "key")),
                     "d1/art");
    json_decref(diff);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items"), 1);
}
END_TEST

START_TEST(test_sync_refuses_bad_items_naming_them)
{
    json_t *d = J("{\"items\":[{\"key\":\"k1\",\"starts_at\":\"2015-11-05T10:00\","
                  "\"ends_at\":\"2015-11-05T09:00\",\"kind\":\"talk\",\"title\":\"x\"}]}");
    json_t *diff = NULL;

    ck_assert_int_eq(agenda_script_sync(db, meeting, "demo", d, NOW, NULL, &diff, &e), -1);
    ck_assert_int_eq(e.code, ERR_SCRIPT);
    ck_assert_ptr_nonnull(strstr(e.message, "k1"));
    ck_assert_ptr_null(diff);
    json_decref(d);
    d = J("{\"items\":[{\"key\":\"k\",\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
          "\"kind\":\"talk\",\"title\":\"x\",\"venue\":\"Nav tādas\"}]}");
    ck_assert_int_eq(agenda_script_sync(db, meeting, "demo", d, NOW, NULL, &diff, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.message, "Nav tādas"));
    ck_assert_int_eq(agenda_script_sync(db, meeting, "Bad Name", d, NOW, NULL, &diff, &e), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    json_decref(d);
    /* one venue declared twice, names differing only in case */
    d = J("{\"venues\":[{\"name\":\"Nový\",\"kind\":\"hall\"},"
          "{\"name\":\"nový\",\"kind\":\"school\"}]}");
    ck_assert_int_eq(agenda_script_sync(db, meeting, "demo", d, NOW, NULL, &diff, &e), -1);
    ck_assert_int_eq(e.code, ERR_SCRIPT);
    ck_assert_ptr_nonnull(strstr(e.message, "declared twice"));
    json_decref(d);
}
END_TEST

START_TEST(test_venue_in_use_and_travel_mirror)
{
    long long id = add_item("{\"starts_at\":\"2015-11-05T10:00\",\"ends_at\":\"2015-11-05T11:00\","
                            "\"kind\":\"talk\",\"title\":\"x\",\"venue_id\":1}");

    ck_assert_int_eq(venue_delete(db, hall, NOW, NULL, &e), -1);
    ck_assert_int_eq(e.code, ERR_IN_USE);
    ck_assert_int_eq(venue_travel_minutes(db, school, hall), 20); /* mirrored */
    ck_assert_int_eq(venue_set_travel(db, school, hall, 35, NOW, NULL, &e), 0);
    ck_assert_int_eq(venue_set_travel(db, hall, school, 25, NOW, NULL, &e), 0);
    ck_assert_int_eq(venue_travel_minutes(db, school, hall), 35); /* explicit kept */
    ck_assert_int_eq(venue_travel_minutes(db, hall, school), 25);
    ck_assert_int_eq(agenda_item_delete(db, meeting, id, NOW, NULL, &e), 0);
    ck_assert_int_eq(venue_delete(db, hall, NOW, NULL, &e), 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("agenda");
    TCase *tc = tcase_create("agenda");

    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_dst_change_2015);
    tcase_add_test(tc, test_item_across_dst_lasts_its_real_length);
    tcase_add_test(tc, test_meeting_zone_change_moves_the_instants);
    tcase_add_test(tc, test_meeting_days_cannot_leave_items_behind);
    tcase_add_test(tc, test_item_validation);
    tcase_add_test(tc, test_patch_checks_the_whole_item);
    tcase_add_test(tc, test_conflicts);
    tcase_add_test(tc, test_back_to_back_same_venue_is_fine);
    tcase_add_test(tc, test_problems_are_capped);
    tcase_add_test(tc, test_sync_idempotent);
    tcase_add_test(tc, test_sync_removes_what_the_script_no_longer_makes);
    tcase_add_test(tc, test_sync_refuses_bad_items_naming_them);
    tcase_add_test(tc, test_venue_in_use_and_travel_mirror);
    suite_add_tcase(s, tc);
    return s;
}
