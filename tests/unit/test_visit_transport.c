/* test_visit_transport.c - unit tests for core/visit_transport (the site
 * visits' transport plan as read from the database), on a real migrated
 * database: a meeting with a hall and schools, travel times, a plenary item
 * before and after a site-visit slot, an allocation and vehicles.  The
 * planner's own rules are tested in test_transport.c; these tests check
 * that the right groups, venues, times and vehicles reach it and that its
 * plan comes back as the JSON the API serves.
 *
 * Must never: take "from"/"to" from an item of a track or of another day,
 * put a person in a group other than their allocated option, lose people
 * from the escort lists, show times in another zone than the meeting's, or
 * hide a problem from /agenda/problems. */
#include "visit_transport.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "check_main.h"
#include "meeting.h"
#include "registration.h"
#include "review.h"
#include "testdb.h"
#include "venue.h"
#include "visit.h"
#include "visit_allocation.h"

#define NOW 1446000000LL

static struct testdb t;
static struct db *db;
static struct err e;
static long long meeting, hall, school_a, school_b, school_c, slot, slot_item, opt_a, opt_b;
static long long closing;        /* the plenary item after the slot */
static long long a_people[3], b_people[2];

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &je);

    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, je.text);
    return v;
}

/* Strict readers of the plan's JSON: the member must be there with its type. */
static const char *S(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    ck_assert_msg(json_is_string(v), "\"%s\" is not a string", k);
    return json_string_value(v);
}

static long long I(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    ck_assert_msg(json_is_integer(v), "\"%s\" is not an integer", k);
    return json_integer_value(v);
}

static json_t *A(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    ck_assert_msg(json_is_array(v), "\"%s\" is not a list", k);
    return v;
}

/* The "name"s of a list of people, joined with ", ". */
static const char *names(json_t *people)
{
    static char out[1024];
    size_t i, n = 0;
    json_t *p;

    out[0] = '\0';
    json_array_foreach(people, i, p) {
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? ", " : "", S(p, "name"));
        ck_assert_uint_lt(n, sizeof out);
    }
    return out;
}

static long long venue(const char *name)
{
    json_t *in = json_pack("{s:s, s:s}", "name", name, "kind", "school");
    long long id;

    ck_assert_msg(venue_create(db, in, NOW, NULL, &id, &e) == 0, "%s", e.message);
    json_decref(in);
    return id;
}

static long long item(const char *json)
{
    json_t *in = J(json);
    long long id = 0;

    ck_assert_msg(agenda_item_create(db, meeting, in, "organizer", NULL, NOW, NULL, &id, &e) == 0,
                  "agenda_item_create: %s", e.message);
    json_decref(in);
    return id;
}

/* A confirmed registration that ranks the slot's options as prefs (a JSON
 * list of option ids). */
static long long person(const char *first, const char *last, const char *prefs)
{
    char text[600];
    json_t *in;
    struct registration r;
    char token[TOKEN_MAX_LEN + 1];
    long long id;

    snprintf(text, sizeof text,
             "{\"first_name\":\"%s\",\"last_name\":\"%s\",\"email\":\"%s.%s@example.lv\","
             "\"organisation\":\"Skola\",\"visit_preferences\":{\"%lld\":%s}}",
             first, last, first, last, slot, prefs);
    in = J(text);
    memset(&r, 0, sizeof r);
    ck_assert_msg(reg_create(db, meeting, in, NOW, &r, token, &e) == 0, "%s", e.message);
    id = r.id;
    ck_assert_str_eq(r.status, "confirmed");
    reg_clear(&r);
    json_decref(in);
    return id;
}

static long long vehicle(const char *name, int seats)
{
    json_t *in = json_pack("{s:s, s:i}", "name", name, "seats", seats);
    long long id;

    ck_assert_msg(vehicle_create(db, meeting, in, NOW, NULL, &id, &e) == 0, "%s", e.message);
    json_decref(in);
    return id;
}

/* Where registration reg sits in slot s: an option id, 0 waiting, -1 none. */
static long long place(long long reg, long long s)
{
    json_t *places = visit_places_json(db, reg), *p;
    long long out = -1;
    size_t i;

    json_array_foreach(places, i, p)
        if (I(p, "slot_id") == s)
            out = json_is_integer(json_object_get(p, "option_id"))
                      ? json_integer_value(json_object_get(p, "option_id")) : 0;
    json_decref(places);
    return out;
}

static void allocate(long long s)
{
    json_t *out = NULL;

    ck_assert_msg(visit_allocate(db, meeting, s, 0, NOW, NULL, &out, &e) == 0, "%s", e.message);
    json_decref(out);
}

/* The plan of the meeting; fails the test when there is none. */
static json_t *plan(void)
{
    json_t *p;

    err_clear(&e);
    p = visit_transport_plan_json(db, meeting, &e);
    ck_assert_msg(p != NULL, "no plan: %s", e.message);
    ck_assert_int_eq(I(p, "meeting"), meeting);
    return p;
}

/* The one slot of plan p whose "slot" is s. */
static json_t *slot_of(json_t *p, long long s)
{
    json_t *x, *found = NULL;
    size_t i;

    json_array_foreach(A(p, "slots"), i, x)
        if (I(x, "slot") == s) {
            ck_assert_ptr_null(found);
            found = x;
        }
    ck_assert_msg(found != NULL, "slot %lld not in the plan", s);
    return found;
}

/* On 6 Nov 2015 (Riga, +02:00): the opening in the hall 08:00-09:00, the
 * slot 09:20-11:10 with options at schools A (20 minutes from the hall) and
 * B (15 minutes), the closing in the hall from 11:40.  Distractors that must
 * not be taken for the venue before: an item of a track at school C that
 * ends at 09:10, and a plenary item at school C the day before.  Three
 * people go to A, two to B, as they asked. */
static void setup(void)
{
    json_t *in, *s;
    char text[800], pa[40], pb[40];

    db = testdb_open(&t);
    err_clear(&e);
    in = J("{\"title\":\"Tīkla sanāksme\",\"starts_on\":\"2015-11-05\",\"ends_on\":\"2015-11-06\","
           "\"capacity\":50}");
    ck_assert_int_eq(meeting_create(db, in, NOW, NULL, &meeting, &e), 0);
    json_decref(in);
    hall = venue("Domes zāle");
    school_a = venue("Saules skola");
    school_b = venue("Poļu ģimnāzija");
    school_c = venue("Krievu licejs");
    ck_assert_int_eq(venue_set_travel(db, hall, school_a, 20, NOW, NULL, &e), 0);
    ck_assert_int_eq(venue_set_travel(db, hall, school_b, 15, NOW, NULL, &e), 0);
    ck_assert_int_eq(venue_set_travel(db, school_a, school_b, 10, NOW, NULL, &e), 0);

    snprintf(text, sizeof text,
             "{\"starts_at\":\"2015-11-05T16:00\",\"ends_at\":\"2015-11-05T18:00\","
             "\"kind\":\"talk\",\"title\":\"Vakarā\",\"venue_id\":%lld}", school_c);
    item(text);
    snprintf(text, sizeof text,
             "{\"starts_at\":\"2015-11-06T08:00\",\"ends_at\":\"2015-11-06T09:00\","
             "\"kind\":\"opening\",\"title\":\"Atklāšana\",\"venue_id\":%lld}", hall);
    item(text);
    snprintf(text, sizeof text,
             "{\"starts_at\":\"2015-11-06T08:30\",\"ends_at\":\"2015-11-06T09:10\","
             "\"kind\":\"talk\",\"title\":\"Sekcija\",\"venue_id\":%lld,\"track\":\"b\"}",
             school_c);
    item(text);
    snprintf(text, sizeof text,
             "{\"starts_at\":\"2015-11-06T11:40\",\"ends_at\":\"2015-11-06T12:30\","
             "\"kind\":\"discussion\",\"title\":\"Noslēgums\",\"venue_id\":%lld}", hall);
    closing = item(text);

    snprintf(text, sizeof text,
             "{\"starts_at\":\"2015-11-06T09:20\",\"ends_at\":\"2015-11-06T11:10\","
             "\"title\":\"Skolu apmeklējumi\",\"options\":["
             "{\"venue_id\":%lld,\"topic\":\"Teātris\",\"host\":\"Direktore\",\"capacity\":3},"
             "{\"venue_id\":%lld,\"topic\":\"Valodas\",\"host\":\"Direktors\",\"capacity\":3}]}",
             school_a, school_b);
    in = J(text);
    ck_assert_msg(visit_slot_create(db, meeting, in, NOW, NULL, &slot, &e) == 0, "%s", e.message);
    json_decref(in);
    s = visit_slot_json(db, meeting, slot, &e);
    ck_assert_ptr_nonnull(s);
    slot_item = I(s, "agenda_item_id");
    opt_a = I(json_array_get(A(s, "options"), 0), "id");
    opt_b = I(json_array_get(A(s, "options"), 1), "id");
    json_decref(s);

    snprintf(pa, sizeof pa, "[%lld,%lld]", opt_a, opt_b);
    snprintf(pb, sizeof pb, "[%lld,%lld]", opt_b, opt_a);
    /* Registered out of alphabetical order: the escort lists sort them. */
    a_people[2] = person("Olga", "Ozols", pa);
    a_people[0] = person("Anna", "Berzina", pa);
    b_people[1] = person("Viktors", "Vitols", pb);
    a_people[1] = person("Lauma", "Liepa", pa);
    b_people[0] = person("Juris", "Abols", pb);
    allocate(slot);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(place(a_people[i], slot), opt_a);
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(place(b_people[i], slot), opt_b);
}

static void teardown(void)
{
    testdb_cleanup(&t);
    db = NULL;
}

/* Checks a leg's direction, option, vehicle, venues, times and people. */
static void expect_leg(json_t *leg, const char *dir, long long option, long long veh,
                       const char *veh_name, long long from, long long to, const char *depart,
                       const char *arrive, const char *people)
{
    json_t *stops = A(leg, "stops");

    ck_assert_str_eq(S(leg, "direction"), dir);
    ck_assert_int_eq(I(leg, "option_id"), option);
    ck_assert_int_eq(I(leg, "vehicle_id"), veh);
    ck_assert_str_eq(S(leg, "vehicle"), veh_name);
    ck_assert_int_eq(I(leg, "from_venue_id"), from);
    ck_assert_int_eq(I(leg, "to_venue_id"), to);
    ck_assert_str_eq(S(leg, "depart"), depart);
    ck_assert_str_eq(S(leg, "arrive"), arrive);
    ck_assert_str_eq(names(A(leg, "people")), people);
    ck_assert_int_eq(I(leg, "passengers"), (long long)json_array_size(A(leg, "people")));
    /* One group per vehicle: one stop, the option's, with everyone aboard. */
    ck_assert_uint_eq(json_array_size(stops), 1);
    ck_assert_int_eq(I(json_array_get(stops, 0), "option_id"), option);
    ck_assert_str_eq(S(json_array_get(stops, 0), strcmp(dir, "out") == 0 ? "arrive" : "depart"),
                     strcmp(dir, "out") == 0 ? arrive : depart);
    ck_assert_str_eq(names(A(json_array_get(stops, 0), "people")), people);
}

START_TEST(test_plan_of_a_slot)
{
    long long bus = vehicle("Autobuss", 4), mini = vehicle("Mikroautobuss", 2);
    long long spare = vehicle("Rezerve", 50);
    json_t *p = plan(), *s, *from, *to, *legs, *veh, *v;

    ck_assert_uint_eq(json_array_size(A(p, "slots")), 1);
    s = slot_of(p, slot);
    ck_assert_int_eq(I(s, "agenda_item_id"), slot_item);
    ck_assert_str_eq(S(s, "title"), "Skolu apmeklējumi");
    ck_assert_str_eq(S(s, "starts_at"), "2015-11-06T09:20"); /* local, not UTC */
    ck_assert_str_eq(S(s, "ends_at"), "2015-11-06T11:10");

    /* From the opening (not the track's item nor the day before's), to the
     * closing. */
    from = json_object_get(s, "from");
    to = json_object_get(s, "to");
    ck_assert_int_eq(I(from, "venue_id"), hall);
    ck_assert_str_eq(S(from, "venue_name"), "Domes zāle");
    ck_assert_str_eq(S(from, "ends_at"), "2015-11-06T09:00");
    ck_assert_int_eq(I(to, "venue_id"), hall);
    ck_assert_str_eq(S(to, "starts_at"), "2015-11-06T11:40");

    ck_assert(json_is_true(json_object_get(s, "exact")));
    ck_assert_int_eq(I(s, "riders"), 5);
    ck_assert_int_eq(I(s, "seated"), 5);
    ck_assert_int_eq(I(s, "unseated"), 0);
    ck_assert_int_eq(I(s, "multi_stop_routes"), 0);
    ck_assert_uint_eq(json_array_size(A(s, "problems")), 0);

    /* A's three take the 4-seat bus, B's two the 2-seat one: the fewest seats
     * that carry everyone.  A leaves at 09:00 (20 minutes, and not before the
     * opening ends), B at 09:05; both are back before 11:40. */
    legs = A(s, "legs");
    ck_assert_uint_eq(json_array_size(legs), 4);
    expect_leg(json_array_get(legs, 0), "out", opt_a, bus, "Autobuss", hall, school_a,
               "2015-11-06T09:00", "2015-11-06T09:20", "Anna Berzina, Lauma Liepa, Olga Ozols");
    expect_leg(json_array_get(legs, 1), "out", opt_b, mini, "Mikroautobuss", hall, school_b,
               "2015-11-06T09:05", "2015-11-06T09:20", "Juris Abols, Viktors Vitols");
    expect_leg(json_array_get(legs, 2), "back", opt_a, bus, "Autobuss", school_a, hall,
               "2015-11-06T11:10", "2015-11-06T11:30", "Anna Berzina, Lauma Liepa, Olga Ozols");
    expect_leg(json_array_get(legs, 3), "back", opt_b, mini, "Mikroautobuss", school_b, hall,
               "2015-11-06T11:10", "2015-11-06T11:25", "Juris Abols, Viktors Vitols");

    /* Every vehicle of the meeting, in order; the spare one unused. */
    veh = A(s, "vehicles");
    ck_assert_uint_eq(json_array_size(veh), 3);
    v = json_array_get(veh, 0);
    ck_assert_int_eq(I(v, "vehicle_id"), bus);
    ck_assert_int_eq(I(v, "seats"), 4);
    ck_assert_int_eq(I(v, "option_id"), opt_a);
    ck_assert_int_eq(I(v, "load"), 3);
    ck_assert_int_eq(I(v, "seats_used_out"), 3);
    ck_assert_int_eq(I(v, "seats_used_back"), 3);
    ck_assert_uint_eq(json_array_size(A(v, "option_ids")), 1);
    ck_assert_str_eq(names(A(v, "escort_list")), "Anna Berzina, Lauma Liepa, Olga Ozols");
    ck_assert_int_eq(I(json_array_get(A(v, "escort_list"), 0), "registration_id"), a_people[0]);
    v = json_array_get(veh, 1);
    ck_assert_int_eq(I(v, "vehicle_id"), mini);
    ck_assert_int_eq(I(v, "option_id"), opt_b);
    ck_assert_str_eq(names(A(v, "escort_list")), "Juris Abols, Viktors Vitols");
    v = json_array_get(veh, 2);
    ck_assert_int_eq(I(v, "vehicle_id"), spare);
    ck_assert_str_eq(S(v, "vehicle"), "Rezerve");
    ck_assert(json_is_null(json_object_get(v, "option_id")));
    ck_assert_int_eq(I(v, "load"), 0);
    ck_assert_uint_eq(json_array_size(A(v, "option_ids")), 0);
    ck_assert_uint_eq(json_array_size(A(v, "escort_list")), 0);
    json_decref(p);

    /* The plan follows the fleet at the next read: without the small bus,
     * the spare one takes B. */
    ck_assert_int_eq(vehicle_delete(db, meeting, mini, NOW, NULL, &e), 0);
    p = plan();
    s = slot_of(p, slot);
    ck_assert_int_eq(I(s, "seated"), 5);
    ck_assert_int_eq(I(json_array_get(A(s, "legs"), 1), "vehicle_id"), spare);
    ck_assert_uint_eq(json_array_size(A(s, "vehicles")), 2);
    json_decref(p);
}
END_TEST

START_TEST(test_group_larger_than_a_vehicle_is_split)
{
    long long v1 = vehicle("Auto 1", 2), v2 = vehicle("Auto 2", 2), v3 = vehicle("Auto 3", 2);
    json_t *p = plan(), *s = slot_of(p, slot), *legs = A(s, "legs");

    /* A (3) takes the first two, filled in list order; B (2) the third. */
    ck_assert_int_eq(I(s, "seated"), 5);
    ck_assert_int_eq(I(s, "multi_stop_routes"), 0);
    ck_assert_uint_eq(json_array_size(A(s, "problems")), 0);
    ck_assert_uint_eq(json_array_size(legs), 6);
    expect_leg(json_array_get(legs, 0), "out", opt_a, v1, "Auto 1", hall, school_a,
               "2015-11-06T09:00", "2015-11-06T09:20", "Anna Berzina, Lauma Liepa");
    expect_leg(json_array_get(legs, 1), "out", opt_a, v2, "Auto 2", hall, school_a,
               "2015-11-06T09:00", "2015-11-06T09:20", "Olga Ozols");
    expect_leg(json_array_get(legs, 2), "out", opt_b, v3, "Auto 3", hall, school_b,
               "2015-11-06T09:05", "2015-11-06T09:20", "Juris Abols, Viktors Vitols");
    expect_leg(json_array_get(legs, 3), "back", opt_a, v1, "Auto 1", school_a, hall,
               "2015-11-06T11:10", "2015-11-06T11:30", "Anna Berzina, Lauma Liepa");
    expect_leg(json_array_get(legs, 4), "back", opt_a, v2, "Auto 2", school_a, hall,
               "2015-11-06T11:10", "2015-11-06T11:30", "Olga Ozols");
    expect_leg(json_array_get(legs, 5), "back", opt_b, v3, "Auto 3", school_b, hall,
               "2015-11-06T11:10", "2015-11-06T11:25", "Juris Abols, Viktors Vitols");
    json_decref(p);
}
END_TEST

/* Every problem of the plan, as /agenda/problems lists them. */
static json_t *problems(void)
{
    json_t *list = json_array();

    err_clear(&e);
    ck_assert_int_eq(visit_transport_problems(db, meeting, list, &e), 0);
    return list;
}

/* The problem with this code for this option, which must be there once. */
static json_t *problem(json_t *list, const char *code, long long option)
{
    json_t *x, *found = NULL;
    size_t i;

    json_array_foreach(list, i, x)
        if (strcmp(S(x, "code"), code) == 0 && I(x, "option_id") == option) {
            ck_assert_msg(found == NULL, "%s twice for option %lld", code, option);
            found = x;
        }
    ck_assert_msg(found != NULL, "no %s for option %lld", code, option);
    ck_assert_uint_eq(json_array_size(A(found, "items")), 1);
    ck_assert_int_eq(json_integer_value(json_array_get(A(found, "items"), 0)), slot_item);
    return found;
}

START_TEST(test_seats_short)
{
    long long van = vehicle("Mikroautobuss", 3);
    json_t *p = plan(), *s = slot_of(p, slot), *list, *x, *all;
    size_t i;

    /* Three seats for five: A's three ride, B's two have none. */
    ck_assert_int_eq(I(s, "riders"), 5);
    ck_assert_int_eq(I(s, "seated"), 3);
    ck_assert_int_eq(I(s, "unseated"), 2);
    ck_assert_uint_eq(json_array_size(A(s, "legs")), 2);
    ck_assert_int_eq(I(json_array_get(A(s, "legs"), 0), "vehicle_id"), van);
    ck_assert_int_eq(I(json_array_get(A(s, "legs"), 0), "option_id"), opt_a);
    ck_assert_uint_eq(json_array_size(A(s, "problems")), 1);
    json_decref(p);

    list = problems();
    ck_assert_uint_eq(json_array_size(list), 1);
    x = problem(list, "transport_seats_short", opt_b);
    ck_assert_msg(strstr(S(x, "message"), "Poļu ģimnāzija") != NULL, "%s", S(x, "message"));

    /* The meeting's problems (review_problems) list it too. */
    all = review_problems(db, meeting, &e);
    ck_assert_ptr_nonnull(all);
    {
        int seen = 0;

        json_array_foreach(all, i, x)
            if (json_is_string(json_object_get(x, "code")) &&
                strcmp(S(x, "code"), "transport_seats_short") == 0)
                seen++;
        ck_assert_int_eq(seen, 1);
    }
    json_decref(all);
    json_decref(list);

    /* No vehicles at all: everyone is short of a seat. */
    ck_assert_int_eq(vehicle_delete(db, meeting, van, NOW, NULL, &e), 0);
    p = plan();
    s = slot_of(p, slot);
    ck_assert_int_eq(I(s, "seated"), 0);
    ck_assert_int_eq(I(s, "unseated"), 5);
    ck_assert_uint_eq(json_array_size(A(s, "legs")), 0);
    ck_assert_uint_eq(json_array_size(A(s, "vehicles")), 0);
    json_decref(p);
    list = problems();
    ck_assert_uint_eq(json_array_size(list), 2);
    problem(list, "transport_seats_short", opt_a);
    problem(list, "transport_seats_short", opt_b);
    json_decref(list);
}
END_TEST

START_TEST(test_late_out_and_back)
{
    json_t *in, *p, *s, *list, *x;

    vehicle("Autobuss", 4);
    vehicle("Mikroautobuss", 2);
    /* B is 30 minutes from the hall now, and the closing starts at 11:35:
     * B cannot leave before the opening ends at 09:00, so it arrives at 09:30,
     * 10 minutes late, and is back at 11:40, 5 minutes late.  A is on time. */
    ck_assert_int_eq(venue_set_travel(db, hall, school_b, 30, NOW, NULL, &e), 0);
    in = J("{\"starts_at\":\"2015-11-06T11:35\"}");
    ck_assert_msg(agenda_item_patch(db, meeting, closing, in, NOW, NULL, &e) == 0, "%s",
                  e.message);
    json_decref(in);

    p = plan();
    s = slot_of(p, slot);
    ck_assert_int_eq(I(s, "seated"), 5);
    expect_leg(json_array_get(A(s, "legs"), 1), "out", opt_b,
               I(json_array_get(A(s, "legs"), 1), "vehicle_id"), "Mikroautobuss", hall, school_b,
               "2015-11-06T09:00", "2015-11-06T09:30", "Juris Abols, Viktors Vitols");
    expect_leg(json_array_get(A(s, "legs"), 3), "back", opt_b,
               I(json_array_get(A(s, "legs"), 3), "vehicle_id"), "Mikroautobuss", school_b, hall,
               "2015-11-06T11:10", "2015-11-06T11:40", "Juris Abols, Viktors Vitols");
    json_decref(p);

    list = problems();
    ck_assert_uint_eq(json_array_size(list), 2);
    x = problem(list, "transport_too_late", opt_b);
    ck_assert_msg(strstr(S(x, "message"), "10 min") != NULL, "%s", S(x, "message"));
    x = problem(list, "transport_back_late", opt_b);
    ck_assert_msg(strstr(S(x, "message"), "5 min") != NULL, "%s", S(x, "message"));
    /* Out comes before back (the planner's order). */
    ck_assert_str_eq(S(json_array_get(list, 0), "code"), "transport_too_late");
    json_decref(list);
}
END_TEST

START_TEST(test_unknown_travel_and_no_item_after)
{
    /* A second slot on 5 Nov, 14:00-15:00, at school C, which has no travel
     * time to the hall: people come from lunch in the hall (ends 13:30) and
     * stay at C for the talk there at 16:00. */
    char text[600];
    json_t *in, *p, *s, *list;
    long long slot2, opt_c;

    vehicle("Autobuss", 10);
    snprintf(text, sizeof text,
             "{\"starts_at\":\"2015-11-05T12:30\",\"ends_at\":\"2015-11-05T13:30\","
             "\"kind\":\"meal\",\"title\":\"Pusdienas\",\"venue_id\":%lld}", hall);
    item(text);
    snprintf(text, sizeof text,
             "{\"starts_at\":\"2015-11-05T14:00\",\"ends_at\":\"2015-11-05T15:00\","
             "\"title\":\"Licejs\",\"options\":[{\"venue_id\":%lld,\"topic\":\"Mūzika\","
             "\"host\":\"Skolotāja\",\"capacity\":10}]}", school_c);
    in = J(text);
    ck_assert_msg(visit_slot_create(db, meeting, in, NOW, NULL, &slot2, &e) == 0, "%s",
                  e.message);
    json_decref(in);
    in = visit_slot_json(db, meeting, slot2, &e);
    opt_c = I(json_array_get(A(in, "options"), 0), "id");
    json_decref(in);
    allocate(slot2);
    ck_assert_int_eq(place(a_people[0], slot2), opt_c);

    p = plan();
    /* Slots by start: 5 Nov first. */
    ck_assert_uint_eq(json_array_size(A(p, "slots")), 2);
    ck_assert_int_eq(I(json_array_get(A(p, "slots"), 0), "slot"), slot2);
    ck_assert_int_eq(I(json_array_get(A(p, "slots"), 1), "slot"), slot);
    s = slot_of(p, slot2);
    ck_assert_int_eq(I(json_object_get(s, "from"), "venue_id"), hall);
    ck_assert_str_eq(S(json_object_get(s, "from"), "ends_at"), "2015-11-05T13:30");
    /* After it, the talk at C itself: nobody needs a ride back. */
    ck_assert_int_eq(I(json_object_get(s, "to"), "venue_id"), school_c);
    ck_assert_str_eq(S(json_object_get(s, "to"), "starts_at"), "2015-11-05T16:00");
    ck_assert_int_eq(I(s, "riders"), 5);
    ck_assert_uint_eq(json_array_size(A(s, "legs")), 0); /* no leg without a travel time */
    ck_assert_uint_eq(json_array_size(A(s, "problems")), 1);
    ck_assert_str_eq(S(json_array_get(A(s, "problems"), 0), "code"), "transport_travel_unknown");
    ck_assert_int_eq(I(json_array_get(A(s, "problems"), 0), "option_id"), opt_c);
    ck_assert_int_eq(json_integer_value(
                         json_array_get(A(json_array_get(A(s, "problems"), 0), "items"), 0)),
                     I(s, "agenda_item_id"));
    json_decref(p);

    /* With a travel time the ride out is planned. */
    ck_assert_int_eq(venue_set_travel(db, hall, school_c, 25, NOW, NULL, &e), 0);
    p = plan();
    s = slot_of(p, slot2);
    ck_assert_uint_eq(json_array_size(A(s, "problems")), 0);
    ck_assert_uint_eq(json_array_size(A(s, "legs")), 1);
    ck_assert_str_eq(S(json_array_get(A(s, "legs"), 0), "depart"), "2015-11-05T13:35");
    ck_assert_str_eq(S(json_array_get(A(s, "legs"), 0), "arrive"), "2015-11-05T14:00");
    ck_assert_int_eq(I(json_array_get(A(s, "legs"), 0), "passengers"), 5);
    /* Slot 1 has the one 10-seat vehicle now: it takes both groups on one
     * route, hall -> B (15) -> A (10), so A arrives 5 minutes late. */
    s = slot_of(p, slot);
    ck_assert_int_eq(I(s, "multi_stop_routes"), 1);
    ck_assert_int_eq(I(s, "seated"), 5);
    json_decref(p);
    list = problems();
    ck_assert_uint_eq(json_array_size(list), 1); /* none for slot 2 */
    problem(list, "transport_too_late", opt_a);
    json_decref(list);
}
END_TEST

START_TEST(test_unallocated_slot_and_empty_meeting)
{
    json_t *in, *p, *s;
    long long other;

    vehicle("Autobuss", 4);
    /* Everyone cancels: the groups are empty and need no rides. */
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(reg_cancel(db, a_people[i], NOW, NULL, &e), 0);
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(reg_cancel(db, b_people[i], NOW, NULL, &e), 0);
    p = plan();
    s = slot_of(p, slot);
    ck_assert_int_eq(I(s, "riders"), 0);
    ck_assert_uint_eq(json_array_size(A(s, "legs")), 0);
    ck_assert_uint_eq(json_array_size(A(s, "problems")), 0);
    ck_assert_int_eq(I(json_array_get(A(s, "vehicles"), 0), "load"), 0);
    json_decref(p);

    /* A meeting without slots has an empty plan; an unknown one none. */
    in = J("{\"title\":\"Cita\",\"starts_on\":\"2015-12-01\",\"ends_on\":\"2015-12-01\","
           "\"capacity\":5}");
    ck_assert_int_eq(meeting_create(db, in, NOW, NULL, &other, &e), 0);
    json_decref(in);
    p = visit_transport_plan_json(db, other, &e);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(I(p, "meeting"), other);
    ck_assert_uint_eq(json_array_size(A(p, "slots")), 0);
    json_decref(p);
    err_clear(&e);
    ck_assert_ptr_null(visit_transport_plan_json(db, 999999, &e));
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
    err_clear(&e);
    in = json_array();
    ck_assert_int_eq(visit_transport_problems(db, 999999, in, &e), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
    ck_assert_uint_eq(json_array_size(in), 0);
    json_decref(in);
}
END_TEST

START_TEST(test_places_show_vehicle_and_departure)
{
    json_t *places, *pl;

    vehicle("Mikroautobuss", 3); /* A's three ride, B's two do not */
    places = visit_places_json(db, a_people[1]);
    ck_assert_uint_eq(json_array_size(places), 1);
    visit_transport_annotate(db, meeting, a_people[1], places);
    pl = json_array_get(places, 0);
    ck_assert_str_eq(S(pl, "vehicle"), "Mikroautobuss");
    ck_assert_str_eq(S(pl, "departs"), "2015-11-06T09:00");
    json_decref(places);

    places = visit_places_json(db, b_people[0]);
    visit_transport_annotate(db, meeting, b_people[0], places);
    pl = json_array_get(places, 0);
    ck_assert_int_eq(I(pl, "option_id"), opt_b);
    ck_assert_ptr_null(json_object_get(pl, "vehicle"));
    ck_assert_ptr_null(json_object_get(pl, "departs"));
    json_decref(places);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("visit_transport");
    TCase *tc = tcase_create("plan");

    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_plan_of_a_slot);
    tcase_add_test(tc, test_group_larger_than_a_vehicle_is_split);
    tcase_add_test(tc, test_seats_short);
    tcase_add_test(tc, test_late_out_and_back);
    tcase_add_test(tc, test_unknown_travel_and_no_item_after);
    tcase_add_test(tc, test_unallocated_slot_and_empty_meeting);
    tcase_add_test(tc, test_places_show_vehicle_and_departure);
    suite_add_tcase(s, tc);
    return s;
}
