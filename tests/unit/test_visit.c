/* test_visit.c - unit tests for core/visit* (the database side of site
 * visits): slot validation, preferences, an allocation stored and read
 * back, and the small changes after it (a cancelled seat goes to the
 * best-ranked waiting person, a late registration takes the best free
 * seat, pins move people), on a real migrated database.  The optimisation
 * itself is tested in test_seat_alloc.c. */
#include "visit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "check_main.h"
#include "meeting.h"
#include "registration.h"
#include "testdb.h"
#include "venue.h"
#include "visit_allocation.h"

#define NOW 1446000000LL

static struct testdb t;
static struct db *db;
static struct err e;
static long long meeting, hall, school_a, school_b, slot, opt_a, opt_b;

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &je);

    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, je.text);
    return v;
}

static long long venue(const char *name)
{
    json_t *in = json_pack("{s:s, s:s}", "name", name, "kind", "school");
    long long id;

    ck_assert_int_eq(venue_create(db, in, NOW, NULL, &id, &e), 0);
    json_decref(in);
    return id;
}

/* A registration with prefs (a JSON list of option ids, or NULL). */
static long long person(const char *email, const char *prefs)
{
    char text[400];
    json_t *in;
    struct registration r;
    char token[TOKEN_MAX_LEN + 1];
    long long id;

    if (prefs)
        snprintf(text, sizeof text, "{\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"%s\","
                 "\"organisation\":\"Org\",\"visit_preferences\":{\"%lld\":%s}}",
                 email, slot, prefs);
    else
        snprintf(text, sizeof text, "{\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"%s\","
                 "\"organisation\":\"Org\"}", email);
    in = J(text);
    err_clear(&e);
    ck_assert_msg(reg_create(db, meeting, in, NOW, &r, token, &e) == 0, "%s", e.message);
    id = r.id;
    reg_clear(&r);
    json_decref(in);
    return id;
}

/* Where registration reg sits in the slot: an option id, 0 waiting, -1 none. */
static long long place(long long reg)
{
    json_t *places = visit_places_json(db, reg), *p = json_array_get(places, 0);
    long long out = -1;

    if (p)
        out = json_is_integer(json_object_get(p, "option_id"))
                  ? json_integer_value(json_object_get(p, "option_id")) : 0;
    json_decref(places);
    return out;
}

static void setup(void)
{
    json_t *in, *s;
    char text[600];

    db = testdb_open(&t);
    err_clear(&e);
    in = J("{\"title\":\"Tīkla sanāksme\",\"starts_on\":\"2015-11-05\",\"ends_on\":\"2015-11-06\","
           "\"capacity\":50}");
    ck_assert_int_eq(meeting_create(db, in, NOW, NULL, &meeting, &e), 0);
    json_decref(in);
    hall = venue("Domes zāle");
    school_a = venue("Saules skola");
    school_b = venue("Poļu ģimnāzija");
    snprintf(text, sizeof text,
             "{\"starts_at\":\"2015-11-06T09:20\",\"ends_at\":\"2015-11-06T11:10\","
             "\"title\":\"Skolu apmeklējumi\",\"options\":["
             "{\"venue_id\":%lld,\"topic\":\"Teātris\",\"host\":\"Direktore\",\"capacity\":2},"
             "{\"venue_id\":%lld,\"topic\":\"Valodas\",\"host\":\"Direktors\",\"capacity\":2}]}",
             school_a, school_b);
    in = J(text);
    ck_assert_msg(visit_slot_create(db, meeting, in, NOW, NULL, &slot, &e) == 0, "%s", e.message);
    json_decref(in);
    s = visit_slot_json(db, meeting, slot, &e);
    ck_assert_ptr_nonnull(s);
    opt_a = json_integer_value(json_object_get(json_array_get(json_object_get(s, "options"), 0), "id"));
    opt_b = json_integer_value(json_object_get(json_array_get(json_object_get(s, "options"), 1), "id"));
    json_decref(s);
}

static void teardown(void)
{
    testdb_cleanup(&t);
    db = NULL;
}

START_TEST(test_slot_validation)
{
    static const char *const bad[] = {
        "{\"options\":[]}",
        "{\"starts_at\":\"2015-11-06T09:00\",\"ends_at\":\"2015-11-06T10:00\",\"title\":\"x\"}",
        "{\"starts_at\":\"2015-11-06T09:00\",\"ends_at\":\"2015-11-06T10:00\",\"title\":\"x\","
        "\"options\":[{\"venue_id\":999,\"topic\":\"t\",\"host\":\"h\",\"capacity\":5}]}",
        "{\"starts_at\":\"2015-11-06T09:00\",\"ends_at\":\"2015-11-06T10:00\",\"title\":\"x\","
        "\"options\":[{\"venue_id\":1,\"topic\":\"t\",\"host\":\"h\",\"capacity\":0}]}",
        "{\"starts_at\":\"2015-11-06T09:00\",\"ends_at\":\"2015-11-06T10:00\",\"title\":\"x\","
        "\"options\":[{\"venue_id\":1,\"topic\":\"t\",\"host\":\"h\",\"capacity\":5,"
        "\"min_size\":6}]}",
        "{\"starts_at\":\"2015-11-06T09:00\",\"ends_at\":\"2015-11-06T10:00\",\"title\":\"x\","
        "\"options\":[{\"venue_id\":1,\"topic\":\"t\",\"capacity\":5}]}",
        NULL};
    long long id;

    for (int i = 0; bad[i]; i++) {
        json_t *in = J(bad[i]);

        err_clear(&e);
        ck_assert_msg(visit_slot_create(db, meeting, in, NOW, NULL, &id, &e) == -1, "%s", bad[i]);
        ck_assert_msg(e.code == ERR_INVALID_FIELD || e.code == ERR_MISSING_FIELD, "%s: %s",
                      bad[i], e.message);
        json_decref(in);
    }
}
END_TEST

START_TEST(test_preferences_validated)
{
    long long reg = person("a@x.lv", NULL);
    char text[200];
    json_t *in, *got;

    snprintf(text, sizeof text, "{\"%lld\":[%lld,%lld]}", slot, opt_b, opt_a);
    in = J(text);
    ck_assert_int_eq(visit_prefs_set(db, reg, meeting, in, &e), 0);
    json_decref(in);
    got = visit_prefs_json(db, reg);
    snprintf(text, sizeof text, "%lld", slot);
    ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(got, text), 0)), opt_b);
    json_decref(got);
    {
        static const char *const bad[] = {"{\"999\":[1]}", "{\"x\":[1]}", "[]", NULL};
        for (int i = 0; bad[i]; i++) {
            in = J(bad[i]);
            err_clear(&e);
            ck_assert_int_eq(visit_prefs_set(db, reg, meeting, in, &e), -1);
            ck_assert_str_eq(e.field, "visit_preferences");
            json_decref(in);
        }
    }
    snprintf(text, sizeof text, "{\"%lld\":[%lld,%lld]}", slot, opt_a, opt_a);
    in = J(text);
    ck_assert_int_eq(visit_prefs_set(db, reg, meeting, in, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.message, "twice"));
    json_decref(in);
}
END_TEST

START_TEST(test_allocate_cancel_late_pin)
{
    char prefs_a[40], prefs_b[40];
    long long r[5], late;
    json_t *out;

    snprintf(prefs_a, sizeof prefs_a, "[%lld,%lld]", opt_a, opt_b);
    snprintf(prefs_b, sizeof prefs_b, "[%lld,%lld]", opt_b, opt_a);
    r[0] = person("r0@x.lv", prefs_a);
    r[1] = person("r1@x.lv", prefs_a);
    r[2] = person("r2@x.lv", prefs_b);
    r[3] = person("r3@x.lv", prefs_a);
    r[4] = person("r4@x.lv", prefs_b); /* the fifth of four seats waits */
    ck_assert_int_eq(place(r[0]), -1);  /* nothing before the allocation */

    /* a dry run stores nothing */
    ck_assert_int_eq(visit_allocate(db, meeting, slot, 1, NOW, NULL, &out, &e), 0);
    ck_assert_int_eq(json_array_size(json_object_get(out, "waiting")), 1);
    json_decref(out);
    ck_assert_int_eq(place(r[0]), -1);

    ck_assert_int_eq(visit_allocate(db, meeting, slot, 0, NOW, NULL, &out, &e), 0);
    json_decref(out);
    ck_assert_int_eq(place(r[0]), opt_a);
    ck_assert_int_eq(place(r[1]), opt_a);
    ck_assert_int_eq(place(r[2]), opt_b);
    ck_assert_int_eq(place(r[3]), opt_b); /* A is full with people who came first */
    ck_assert_int_eq(place(r[4]), 0);     /* the latest waits */

    /* r0 cancels: the seat at A goes to the waiting person (r4 ranked it 2nd);
     * nobody seated moves. */
    ck_assert_int_eq(reg_cancel(db, r[0], NOW, NULL, &e), 0);
    ck_assert_int_eq(place(r[0]), -1);
    ck_assert_int_eq(place(r[4]), opt_a);
    ck_assert_int_eq(place(r[3]), opt_b);

    /* a late registration: no free seat, so the waiting list */
    late = person("late@x.lv", prefs_b);
    ck_assert_int_eq(place(late), 0);
    /* r2 cancels: the late one ranked B first and takes it */
    ck_assert_int_eq(reg_cancel(db, r[2], NOW, NULL, &e), 0);
    ck_assert_int_eq(place(late), opt_b);

    /* pins: A is full, so pinning r3 there is refused; after r1 cancels it works
     * and r3's seat at B goes to nobody (no one waits) */
    err_clear(&e);
    ck_assert_int_eq(visit_pin(db, meeting, slot, r[3], opt_a, NOW, NULL, &e), -1);
    ck_assert_int_eq(e.code, ERR_IN_USE);
    ck_assert_int_eq(reg_cancel(db, r[1], NOW, NULL, &e), 0);
    ck_assert_int_eq(visit_pin(db, meeting, slot, r[3], opt_a, NOW, NULL, &e), 0);
    ck_assert_int_eq(place(r[3]), opt_a);
    /* a new allocation keeps the pin */
    ck_assert_int_eq(visit_allocate(db, meeting, slot, 0, NOW, NULL, &out, &e), 0);
    json_decref(out);
    ck_assert_int_eq(place(r[3]), opt_a);
    /* the slot's item cannot be deleted while it holds places */
    {
        json_t *s = visit_slot_json(db, meeting, slot, &e);
        long long item = json_integer_value(json_object_get(s, "agenda_item_id"));

        json_t *talk = J("{\"kind\":\"talk\"}");

        json_decref(s);
        err_clear(&e);
        ck_assert_int_eq(agenda_item_delete(db, meeting, item, NOW, NULL, &e), -1);
        ck_assert_int_eq(e.code, ERR_IN_USE);
        /* nor stop being a site visit */
        err_clear(&e);
        ck_assert_int_eq(agenda_item_patch(db, meeting, item, talk, NOW, NULL, &e), -1);
        ck_assert_str_eq(e.field, "kind");
        json_decref(talk);
    }
}
END_TEST

START_TEST(test_counts_stay_in_step)
{
    /* assigned_count always equals the rows, whatever happened */
    char prefs[40];
    long long r[6];
    json_t *out, *s, *o;
    size_t i;

    snprintf(prefs, sizeof prefs, "[%lld]", opt_a);
    for (int k = 0; k < 6; k++) {
        char email[32];
        snprintf(email, sizeof email, "p%d@x.lv", k);
        r[k] = person(email, k % 2 ? prefs : NULL);
    }
    ck_assert_int_eq(visit_allocate(db, meeting, slot, 0, NOW, NULL, &out, &e), 0);
    json_decref(out);
    ck_assert_int_eq(reg_cancel(db, r[0], NOW, NULL, &e), 0);
    ck_assert_int_eq(reg_cancel(db, r[3], NOW, NULL, &e), 0);
    out = visit_allocation_json(db, meeting, slot, &e);
    s = visit_slot_json(db, meeting, slot, &e);
    json_array_foreach(json_object_get(out, "options"), i, o) {
        json_t *so = json_array_get(json_object_get(s, "options"), i);
        ck_assert_int_eq(json_array_size(json_object_get(o, "people")),
                         json_integer_value(json_object_get(so, "assigned")));
        ck_assert_int_le(json_integer_value(json_object_get(so, "assigned")), 2);
    }
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(out, "summary"),
                                                        "seated")), 4);
    json_decref(out);
    json_decref(s);
}
END_TEST

START_TEST(test_small_group_is_flagged)
{
    char text[400];
    long long s2, reg;
    json_t *in, *out;

    snprintf(text, sizeof text,
             "{\"starts_at\":\"2015-11-05T14:00\",\"ends_at\":\"2015-11-05T15:00\","
             "\"title\":\"Muzejs\",\"options\":[{\"venue_id\":%lld,\"topic\":\"t\","
             "\"host\":\"h\",\"capacity\":5,\"min_size\":2}]}", hall);
    in = J(text);
    ck_assert_int_eq(visit_slot_create(db, meeting, in, NOW, NULL, &s2, &e), 0);
    json_decref(in);
    reg = person("solo@x.lv", NULL);
    ck_assert_int_gt(reg, 0);
    ck_assert_int_eq(visit_allocate(db, meeting, s2, 0, NOW, NULL, &out, &e), 0);
    ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(out, "options"), 0),
                                           "below_min_size")));
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(out, "summary"),
                                                        "groups_below_min_size")), 1);
    json_decref(out);
}
END_TEST

START_TEST(test_patch_options_moves_the_waiting_list)
{
    char prefs[40], text[300];
    long long r[6], v;
    json_t *in, *out;

    snprintf(prefs, sizeof prefs, "[%lld,%lld]", opt_a, opt_b);
    for (int k = 0; k < 6; k++) {
        char email[32];
        snprintf(email, sizeof email, "w%d@x.lv", k);
        r[k] = person(email, prefs);
    }
    ck_assert_int_eq(visit_allocate(db, meeting, slot, 0, NOW, NULL, &out, &e), 0);
    json_decref(out);
    ck_assert_int_eq(place(r[4]), 0);
    ck_assert_int_eq(place(r[5]), 0);
    /* fewer seats than people placed: refused, nothing changes */
    snprintf(text, sizeof text, "{\"options\":[{\"id\":%lld,\"capacity\":1}]}", opt_a);
    in = J(text);
    err_clear(&e);
    ck_assert_int_eq(visit_slot_patch(db, meeting, slot, in, NOW, NULL, &e), -1);
    ck_assert_int_eq(e.code, ERR_IN_USE);
    json_decref(in);
    /* one more seat at A: the first waiting person takes it at once */
    snprintf(text, sizeof text, "{\"options\":[{\"id\":%lld,\"capacity\":3,"
             "\"topic\":\"Jauns\"}]}", opt_a);
    in = J(text);
    ck_assert_int_eq(visit_slot_patch(db, meeting, slot, in, NOW, NULL, &e), 0);
    json_decref(in);
    ck_assert_int_eq(place(r[4]), opt_a);
    ck_assert_int_eq(place(r[5]), 0);
    /* a new option: the last one waiting goes there */
    snprintf(text, sizeof text, "{\"options\":[{\"venue_id\":%lld,\"topic\":\"Zāle\","
             "\"host\":\"Vadītājs\",\"capacity\":4}]}", hall);
    in = J(text);
    ck_assert_int_eq(visit_slot_patch(db, meeting, slot, in, NOW, NULL, &e), 0);
    json_decref(in);
    ck_assert_int_gt(place(r[5]), 0);
    /* vehicles: change, duplicate name, delete */
    in = J("{\"name\":\"Autobuss\",\"seats\":30}");
    ck_assert_int_eq(vehicle_create(db, meeting, in, NOW, NULL, &v, &e), 0);
    json_decref(in);
    in = J("{\"name\":\"Mikroautobuss\",\"seats\":20}");
    ck_assert_int_eq(vehicle_create(db, meeting, in, NOW, NULL, &v, &e), 0);
    json_decref(in);
    in = J("{\"name\":\"Autobuss\"}");
    err_clear(&e);
    ck_assert_int_eq(vehicle_patch(db, meeting, v, in, NOW, NULL, &e), -1);
    ck_assert_int_eq(e.code, ERR_DUPLICATE_NAME);
    json_decref(in);
    in = J("{\"seats\":25}");
    ck_assert_int_eq(vehicle_patch(db, meeting, v, in, NOW, NULL, &e), 0);
    json_decref(in);
    ck_assert_int_eq(vehicle_delete(db, meeting, v, NOW, NULL, &e), 0);
    err_clear(&e);
    ck_assert_int_eq(vehicle_delete(db, meeting, v, NOW, NULL, &e), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("visit");
    TCase *tc = tcase_create("core");

    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_slot_validation);
    tcase_add_test(tc, test_preferences_validated);
    tcase_add_test(tc, test_allocate_cancel_late_pin);
    tcase_add_test(tc, test_counts_stay_in_step);
    tcase_add_test(tc, test_small_group_is_flagged);
    tcase_add_test(tc, test_patch_options_moves_the_waiting_list);
    suite_add_tcase(s, tc);
    return s;
}
