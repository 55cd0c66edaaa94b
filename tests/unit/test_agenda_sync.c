/* test_agenda_sync.c - unit tests for core/agenda_sync (bringing an agenda
 * script's declared programme into the database), on a real migrated
 * database, applied the way the server applies it: in a savepoint that a
 * refusal rolls back.
 *
 * Must never: touch an item made by hand or by another script, match an
 * item by anything but its script and key, change anything (rows, revision
 * counters, audit log) when the same declaration is applied again, or leave
 * any of a refused declaration behind. */
#include "agenda.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "meeting.h"
#include "registration.h"
#include "testdb.h"
#include "venue.h"
#include "visit.h"
#include "visit_allocation.h"

#define NOW 1446000000LL
#define LATER (NOW + 3600)

static struct testdb t;
static struct db *db;
static struct err e;
static long long meeting, hall, hand, other_open;

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);

    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, je.text);
    return v;
}

/* Applies declared (taken) as script name, as the server does: in a
 * savepoint, rolled back when refused.  Returns the diff, or NULL with e
 * set. */
static json_t *apply_as(long long mid, const char *name, json_t *declared, long long now,
                        const char *actor)
{
    json_t *diff = (json_t *)&diff; /* must be set to NULL on refusal */
    int rc;

    err_clear(&e);
    ck_assert_int_eq(db_exec(db, "SAVEPOINT script"), 0);
    rc = agenda_script_sync(db, mid, name, declared, now, actor, &diff, &e);
    if (rc < 0) {
        ck_assert_int_eq(rc, -1);
        ck_assert_ptr_null(diff);
        ck_assert_int_ne(e.code, ERR_NONE);
        ck_assert_int_eq(db_exec(db, "ROLLBACK TO script"), 0);
    } else {
        ck_assert_int_eq(rc, 0);
        ck_assert_ptr_nonnull(diff);
    }
    ck_assert_int_eq(db_exec(db, "RELEASE script"), 0);
    json_decref(declared);
    return rc < 0 ? NULL : diff;
}

static json_t *apply(json_t *declared, long long now, const char *actor)
{
    json_t *diff = apply_as(meeting, "talks", declared, now, actor);

    ck_assert_msg(diff != NULL, "sync refused: %s", e.message);
    return diff;
}

/* The first version of script "talks": a venue of its own, a travel time,
 * and three items, one with every optional field. */
static json_t *talks_v1(void)
{
    return J("{\"venues\":[{\"name\":\"Rotko centrs\",\"kind\":\"museum\",\"capacity\":80}],"
             " \"travel\":[{\"from\":\"Domes zāle\",\"to\":\"Rotko centrs\",\"minutes\":10}],"
             " \"items\":["
             "  {\"key\":\"d1/open\",\"starts_at\":\"2015-11-05T10:00\","
             "   \"ends_at\":\"2015-11-05T10:20\",\"kind\":\"opening\",\"title\":\"Atklāšana\","
             "   \"venue\":\"Domes zāle\"},"
             "  {\"key\":\"d1/talk\",\"starts_at\":\"2015-11-05T10:30\","
             "   \"ends_at\":\"2015-11-05T11:30\",\"kind\":\"talk\",\"title\":\"Lekcija\","
             "   \"description\":\"Par skolām\",\"venue\":\"Rotko centrs\",\"track\":\"a\","
             "   \"speakers\":[{\"name\":\"Anna Bērziņa\"}],\"expected_attendance\":40},"
             "  {\"key\":\"d2/walk\",\"starts_at\":\"2015-11-06T09:00\","
             "   \"ends_at\":\"2015-11-06T10:00\",\"kind\":\"cultural\",\"title\":\"Pastaiga\"}]}");
}

/* Everything a sync may write, as one text: items, venues, travel, audit. */
static char *snapshot(void)
{
    static const char *const queries[] = {
        "SELECT json_group_array(json_array(id, meeting_id, source, source_key, starts_local,"
        " ends_local, starts_at, ends_at, kind, title, description, venue_id, track,"
        " speakers_json, expected_attendance, created_at, updated_at, sequence))"
        " FROM (SELECT * FROM agenda_items ORDER BY id)",
        "SELECT json_group_array(json_array(id, name)) FROM (SELECT * FROM venues ORDER BY id)",
        "SELECT json_group_array(json_array(from_id, to_id, minutes, explicit))"
        " FROM (SELECT * FROM venue_travel ORDER BY from_id, to_id)",
        "SELECT json_group_array(json_array(id, actor, action, object, detail))"
        " FROM (SELECT * FROM audit_log ORDER BY id)",
        NULL};
    size_t n = 0, cap = 0;
    char *out = NULL;

    for (int q = 0; queries[q]; q++) {
        sqlite3_stmt *st;
        const char *text;
        size_t len;

        ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db), queries[q], -1, &st, NULL), SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        text = (const char *)sqlite3_column_text(st, 0);
        len = strlen(text);
        if (n + len + 2 > cap) {
            cap = (n + len + 2) * 2;
            out = realloc(out, cap);
            ck_assert_ptr_nonnull(out);
        }
        memcpy(out + n, text, len);
        n += len;
        out[n++] = '\n';
        out[n] = '\0';
        sqlite3_finalize(st);
    }
    return out;
}

static void expect_same(const char *before, const char *after, const char *what)
{
    ck_assert_msg(strcmp(before, after) == 0, "%s changed the database:\n%s\nbecame\n%s", what,
                  before, after);
}

/* The id of the item of source with key; 0 when there is none. */
static long long item_id(const char *source, const char *key)
{
    if (testdb_int(db, "SELECT count(*) FROM agenda_items WHERE source = '%s'"
                       " AND source_key = '%s'", source, key) == 0)
        return 0;
    return testdb_int(db, "SELECT id FROM agenda_items WHERE source = '%s' AND source_key = '%s'",
                      source, key);
}

/* The published item (what GET .../agenda/items/ID answers). */
static json_t *published(long long id)
{
    json_t *o = agenda_item_json(db, meeting, id, &e);

    ck_assert_msg(o != NULL, "item %lld: %s", id, e.message);
    return o;
}

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

/* The entry of a diff list with this key. */
static json_t *entry(json_t *diff, const char *list, const char *key)
{
    json_t *x, *found = NULL;
    size_t i;

    json_array_foreach(A(diff, list), i, x)
        if (strcmp(S(x, "key"), key) == 0) {
            ck_assert_ptr_null(found);
            found = x;
        }
    ck_assert_msg(found != NULL, "%s has no \"%s\"", list, key);
    return found;
}

/* A meeting on 5-6 Nov 2015 with the hall; an item made by hand, and one
 * of another script with the key "talks" uses too. */
static void setup(void)
{
    json_t *in, *diff;

    db = testdb_open(&t);
    err_clear(&e);
    in = J("{\"title\":\"Tīkla sanāksme\",\"starts_on\":\"2015-11-05\",\"ends_on\":\"2015-11-06\","
           "\"capacity\":50}");
    ck_assert_int_eq(meeting_create(db, in, NOW, NULL, &meeting, &e), 0);
    json_decref(in);
    in = J("{\"name\":\"Domes zāle\",\"kind\":\"hall\",\"capacity\":100}");
    ck_assert_int_eq(venue_create(db, in, NOW, NULL, &hall, &e), 0);
    json_decref(in);
    in = J("{\"starts_at\":\"2015-11-05T12:00\",\"ends_at\":\"2015-11-05T13:00\","
           "\"kind\":\"meal\",\"title\":\"Pusdienas\"}");
    ck_assert_int_eq(agenda_item_create(db, meeting, in, "organizer", NULL, NOW, NULL, &hand, &e),
                     0);
    json_decref(in);
    diff = apply_as(meeting, "other",
                    J("{\"items\":[{\"key\":\"d1/open\",\"starts_at\":\"2015-11-05T08:00\","
                      "\"ends_at\":\"2015-11-05T08:30\",\"kind\":\"other\","
                      "\"title\":\"Reģistrācija\"}]}"),
                    NOW, NULL);
    ck_assert_ptr_nonnull(diff);
    json_decref(diff);
    other_open = item_id("script:other", "d1/open");
    ck_assert_int_gt(other_open, 0);
}

static void teardown(void)
{
    testdb_cleanup(&t);
    db = NULL;
}

START_TEST(test_first_apply_creates_the_declared_items)
{
    char *others = NULL, *after;
    json_t *diff, *o, *x;
    long long open, talk, walk, rotko;

    /* The rows of the hand-made and the other script's items. */
    {
        sqlite3_stmt *st;

        ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db),
                                            "SELECT json_group_array(json_array(id, source,"
                                            " source_key, starts_at, title, updated_at,"
                                            " sequence)) FROM agenda_items",
                                            -1, &st, NULL),
                         SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        others = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }

    diff = apply(talks_v1(), NOW, "account:1");
    ck_assert_str_eq(S(diff, "script"), "talks");
    ck_assert_uint_eq(json_array_size(A(diff, "added")), 3);
    ck_assert_uint_eq(json_array_size(A(diff, "changed")), 0);
    ck_assert_uint_eq(json_array_size(A(diff, "removed")), 0);
    ck_assert_int_eq(I(diff, "unchanged"), 0);
    ck_assert_uint_eq(json_array_size(A(diff, "venues_added")), 1);
    ck_assert_str_eq(json_string_value(json_array_get(A(diff, "venues_added"), 0)),
                     "Rotko centrs");

    open = item_id("script:talks", "d1/open");
    talk = item_id("script:talks", "d1/talk");
    walk = item_id("script:talks", "d2/walk");
    ck_assert(open > 0 && talk > 0 && walk > 0);
    ck_assert_int_ne(open, other_open); /* same key, other script: a new item */
    ck_assert_int_eq(I(entry(diff, "added", "d1/open"), "id"), open);
    ck_assert_int_eq(I(entry(diff, "added", "d1/talk"), "id"), talk);
    x = json_object_get(entry(diff, "added", "d2/walk"), "item");
    ck_assert_str_eq(S(x, "title"), "Pastaiga");
    json_decref(diff);

    ck_assert_int_eq(venue_find(db, "Rotko centrs", &rotko), 1);
    ck_assert_int_eq(venue_travel_minutes(db, hall, rotko), 10);
    ck_assert_int_eq(venue_travel_minutes(db, rotko, hall), 10);

    /* The items as published. */
    o = published(open);
    ck_assert_str_eq(S(o, "starts_at"), "2015-11-05T10:00");
    ck_assert_str_eq(S(o, "ends_at"), "2015-11-05T10:20");
    ck_assert_str_eq(S(o, "starts_at_utc"), "2015-11-05T08:00:00Z");
    ck_assert_str_eq(S(o, "kind"), "opening");
    ck_assert_str_eq(S(o, "title"), "Atklāšana");
    ck_assert_int_eq(I(o, "venue_id"), hall);
    ck_assert_str_eq(S(o, "source"), "script:talks");
    ck_assert_int_eq(I(o, "sequence"), 0);
    json_decref(o);
    o = published(talk);
    ck_assert_int_eq(I(o, "venue_id"), rotko);
    ck_assert_str_eq(S(o, "venue_name"), "Rotko centrs");
    ck_assert_str_eq(S(o, "track"), "a");
    ck_assert_str_eq(S(o, "description"), "Par skolām");
    ck_assert_int_eq(I(o, "expected_attendance"), 40);
    ck_assert_str_eq(S(json_array_get(A(o, "speakers"), 0), "name"), "Anna Bērziņa");
    json_decref(o);
    o = published(walk);
    ck_assert(json_is_null(json_object_get(o, "venue_id")));
    ck_assert(json_is_null(json_object_get(o, "track")));
    json_decref(o);

    /* Nothing else was touched; 5 items in all. */
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items"), 5);
    {
        sqlite3_stmt *st;

        ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db),
                                            "SELECT json_group_array(json_array(id, source,"
                                            " source_key, starts_at, title, updated_at,"
                                            " sequence)) FROM agenda_items"
                                            " WHERE source <> 'script:talks'",
                                            -1, &st, NULL),
                         SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        after = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    expect_same(others, after, "the first apply");
    free(others);
    free(after);

    /* One audit entry for the apply, naming the meeting and the counts. */
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log WHERE action = 'agenda.script'"
                                    " AND actor = 'account:1' AND object = 'meeting:%lld'"
                                    " AND json_extract(detail, '$.added') = 3"
                                    " AND json_extract(detail, '$.script') = 'talks'",
                                meeting),
                     1);
}
END_TEST

START_TEST(test_reapply_is_a_noop)
{
    json_t *diff, *again;
    char *before, *after;

    json_decref(apply(talks_v1(), NOW, "account:1"));
    before = snapshot();

    /* Later, by someone else, with the hall's name in other case: nothing
     * changes, not even updated_at, the revision counters or the audit log. */
    again = talks_v1();
    json_object_set_new(json_array_get(A(again, "items"), 0), "venue", json_string("DOMES ZĀLE"));
    diff = apply(again, LATER, "account:2");
    ck_assert_str_eq(S(diff, "script"), "talks");
    ck_assert_uint_eq(json_array_size(A(diff, "added")), 0);
    ck_assert_uint_eq(json_array_size(A(diff, "changed")), 0);
    ck_assert_uint_eq(json_array_size(A(diff, "removed")), 0);
    ck_assert_uint_eq(json_array_size(A(diff, "venues_added")), 0);
    ck_assert_int_eq(I(diff, "unchanged"), 3);
    json_decref(diff);
    after = snapshot();
    expect_same(before, after, "applying the same script again");
    free(after);

    /* A dry run (no actor) is no different. */
    diff = apply(talks_v1(), LATER, NULL);
    ck_assert_int_eq(I(diff, "unchanged"), 3);
    json_decref(diff);
    after = snapshot();
    expect_same(before, after, "a dry run of the same script");
    free(after);
    free(before);
}
END_TEST

START_TEST(test_changes_follow_the_keys)
{
    json_t *v2, *items, *diff, *x, *o;
    long long open, talk, walk, added;

    json_decref(apply(talks_v1(), NOW, NULL));
    open = item_id("script:talks", "d1/open");
    talk = item_id("script:talks", "d1/talk");
    walk = item_id("script:talks", "d2/walk");

    /* v2: a new title, a moved talk, the walk gone, a new item. */
    v2 = talks_v1();
    items = A(v2, "items");
    json_object_set_new(json_array_get(items, 0), "title", json_string("Svinīgā atklāšana"));
    json_object_set_new(json_array_get(items, 1), "starts_at", json_string("2015-11-05T10:40"));
    json_object_set_new(json_array_get(items, 1), "ends_at", json_string("2015-11-05T11:40"));
    json_array_remove(items, 2);
    json_array_append_new(items, J("{\"key\":\"d2/close\",\"starts_at\":\"2015-11-06T15:00\","
                                   "\"ends_at\":\"2015-11-06T16:00\",\"kind\":\"discussion\","
                                   "\"title\":\"Noslēgums\",\"venue\":\"Domes zāle\"}"));
    diff = apply(v2, LATER, "account:1");

    ck_assert_uint_eq(json_array_size(A(diff, "changed")), 2);
    ck_assert_uint_eq(json_array_size(A(diff, "added")), 1);
    ck_assert_uint_eq(json_array_size(A(diff, "removed")), 1);
    ck_assert_int_eq(I(diff, "unchanged"), 0);
    ck_assert_uint_eq(json_array_size(A(diff, "venues_added")), 0);
    x = entry(diff, "changed", "d1/open");
    ck_assert_int_eq(I(x, "id"), open);
    ck_assert_str_eq(S(json_object_get(x, "before"), "title"), "Atklāšana");
    ck_assert_str_eq(S(json_object_get(x, "after"), "title"), "Svinīgā atklāšana");
    x = entry(diff, "changed", "d1/talk");
    ck_assert_int_eq(I(x, "id"), talk);
    ck_assert_str_eq(S(json_object_get(x, "before"), "starts_at"), "2015-11-05T10:30");
    ck_assert_str_eq(S(json_object_get(x, "after"), "starts_at"), "2015-11-05T10:40");
    x = entry(diff, "removed", "d2/walk");
    ck_assert_int_eq(I(x, "id"), walk);
    ck_assert_str_eq(S(json_object_get(x, "item"), "title"), "Pastaiga");
    added = I(entry(diff, "added", "d2/close"), "id");
    json_decref(diff);

    /* The same rows, changed, one revision further (calendars see it). */
    ck_assert_int_eq(item_id("script:talks", "d1/open"), open);
    ck_assert_int_eq(item_id("script:talks", "d1/talk"), talk);
    ck_assert_int_eq(item_id("script:talks", "d2/walk"), 0);
    ck_assert_int_eq(item_id("script:talks", "d2/close"), added);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items WHERE id = %lld", walk), 0);
    o = published(open);
    ck_assert_str_eq(S(o, "title"), "Svinīgā atklāšana");
    ck_assert_int_eq(I(o, "sequence"), 1);
    json_decref(o);
    o = published(talk);
    ck_assert_str_eq(S(o, "starts_at"), "2015-11-05T10:40");
    ck_assert_str_eq(S(o, "ends_at"), "2015-11-05T11:40");
    ck_assert_str_eq(S(o, "description"), "Par skolām"); /* the rest as it was */
    ck_assert_int_eq(I(o, "sequence"), 1);
    json_decref(o);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items"), 5);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log WHERE action = 'agenda.script'"
                                    " AND json_extract(detail, '$.changed') = 2"
                                    " AND json_extract(detail, '$.added') = 1"
                                    " AND json_extract(detail, '$.removed') = 1"),
                     1);
}
END_TEST

START_TEST(test_others_items_are_kept)
{
    json_t *diff, *in;
    char *before, *after;

    json_decref(apply(talks_v1(), NOW, NULL));

    /* An organizer's edit of a script's item is the script's to undo: the
     * next apply puts back what the script says. */
    in = J("{\"title\":\"Ar roku\"}");
    ck_assert_int_eq(agenda_item_patch(db, meeting, item_id("script:talks", "d1/open"), in, NOW,
                                       NULL, &e),
                     0);
    json_decref(in);
    diff = apply(talks_v1(), LATER, NULL);
    ck_assert_uint_eq(json_array_size(A(diff, "changed")), 1);
    ck_assert_str_eq(S(json_object_get(entry(diff, "changed", "d1/open"), "after"), "title"),
                     "Atklāšana");
    ck_assert_int_eq(I(diff, "unchanged"), 2);
    json_decref(diff);

    /* A script that declares nothing any more removes its own items only. */
    before = snapshot();
    diff = apply(J("{\"items\":[]}"), LATER, NULL);
    ck_assert_uint_eq(json_array_size(A(diff, "removed")), 3);
    ck_assert_uint_eq(json_array_size(A(diff, "added")), 0);
    json_decref(diff);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items"), 2);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items WHERE id = %lld"
                                    " AND source = 'organizer' AND title = 'Pusdienas'",
                                hand),
                     1);
    ck_assert_int_eq(item_id("script:other", "d1/open"), other_open);
    /* Venues are shared: the script's venue stays. */
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM venues WHERE name = 'Rotko centrs'"), 1);
    after = snapshot();
    ck_assert_str_ne(before, after);
    free(before);
    free(after);

    /* And the other script, applied again as it was, finds its item as it
     * left it. */
    diff = apply_as(meeting, "other",
                    J("{\"items\":[{\"key\":\"d1/open\",\"starts_at\":\"2015-11-05T08:00\","
                      "\"ends_at\":\"2015-11-05T08:30\",\"kind\":\"other\","
                      "\"title\":\"Reģistrācija\"}]}"),
                    LATER, NULL);
    ck_assert_ptr_nonnull(diff);
    ck_assert_int_eq(I(diff, "unchanged"), 1);
    ck_assert_uint_eq(json_array_size(A(diff, "changed")), 0);
    json_decref(diff);
}
END_TEST

/* A declaration that must be refused: json as it is, or v1 with a new
 * venue, a changed and an added item (all written before the bad part is
 * reached) and the bad item, venue or travel entry appended. */
struct bad_case {
    const char *what;
    const char *json;     /* replaces the whole declaration when set */
    const char *item;     /* else: an item appended after the good ones */
    const char *venue;    /* or: a venue appended */
    const char *travel;   /* or: a travel entry appended */
    enum err_code code;   /* ERR_NONE: any refusal */
    const char *mention;  /* the message must name it; NULL: not checked */
};

static const struct bad_case bad_cases[] = {
    {"an item that ends before it starts", NULL,
     "{\"key\":\"bad/time\",\"starts_at\":\"2015-11-05T15:00\",\"ends_at\":\"2015-11-05T14:00\","
     "\"kind\":\"talk\",\"title\":\"x\"}", NULL, NULL, ERR_SCRIPT, "bad/time"},
    {"an item outside the meeting's days", NULL,
     "{\"key\":\"bad/day\",\"starts_at\":\"2015-11-07T10:00\",\"ends_at\":\"2015-11-07T11:00\","
     "\"kind\":\"talk\",\"title\":\"x\"}", NULL, NULL, ERR_SCRIPT, "bad/day"},
    {"an unknown kind", NULL,
     "{\"key\":\"bad/kind\",\"starts_at\":\"2015-11-05T15:00\",\"ends_at\":\"2015-11-05T16:00\","
     "\"kind\":\"party\",\"title\":\"x\"}", NULL, NULL, ERR_SCRIPT, "bad/kind"},
    {"an unknown member", NULL,
     "{\"key\":\"bad/member\",\"starts_at\":\"2015-11-05T15:00\",\"ends_at\":\"2015-11-05T16:00\","
     "\"kind\":\"talk\",\"title\":\"x\",\"colour\":\"red\"}", NULL, NULL, ERR_SCRIPT,
     "bad/member"},
    {"an unknown venue", NULL,
     "{\"key\":\"bad/venue\",\"starts_at\":\"2015-11-05T15:00\",\"ends_at\":\"2015-11-05T16:00\","
     "\"kind\":\"talk\",\"title\":\"x\",\"venue\":\"Nav tādas\"}", NULL, NULL, ERR_SCRIPT,
     "Nav tādas"},
    {"a venue that is not a name", NULL,
     "{\"key\":\"bad/venue\",\"starts_at\":\"2015-11-05T15:00\",\"ends_at\":\"2015-11-05T16:00\","
     "\"kind\":\"talk\",\"title\":\"x\",\"venue\":7}", NULL, NULL, ERR_SCRIPT, "bad/venue"},
    {"an item without a key", NULL,
     "{\"starts_at\":\"2015-11-05T15:00\",\"ends_at\":\"2015-11-05T16:00\",\"kind\":\"talk\","
     "\"title\":\"x\"}", NULL, NULL, ERR_SCRIPT, "key"},
    {"an empty key", NULL,
     "{\"key\":\"\",\"starts_at\":\"2015-11-05T15:00\",\"ends_at\":\"2015-11-05T16:00\","
     "\"kind\":\"talk\",\"title\":\"x\"}", NULL, NULL, ERR_SCRIPT, "key"},
    {"a key that is not text", NULL,
     "{\"key\":5,\"starts_at\":\"2015-11-05T15:00\",\"ends_at\":\"2015-11-05T16:00\","
     "\"kind\":\"talk\",\"title\":\"x\"}", NULL, NULL, ERR_SCRIPT, "key"},
    {"a key used twice", NULL,
     "{\"key\":\"d1/talk\",\"starts_at\":\"2015-11-05T15:00\",\"ends_at\":\"2015-11-05T16:00\","
     "\"kind\":\"talk\",\"title\":\"x\"}", NULL, NULL, ERR_SCRIPT, "d1/talk"},
    {"a venue without a name", NULL, NULL, "{\"kind\":\"hall\"}", NULL, ERR_SCRIPT, NULL},
    {"a venue declared twice", NULL, NULL, "{\"name\":\"rotko CENTRS\",\"kind\":\"hall\"}", NULL,
     ERR_SCRIPT, "declared twice"},
    {"a bad venue", NULL, NULL, "{\"name\":\"Jauna\",\"kind\":\"spaceship\"}", NULL, ERR_SCRIPT,
     "Jauna"},
    {"travel minutes that are not a number", NULL, NULL, NULL,
     "{\"from\":\"Domes zāle\",\"to\":\"Rotko centrs\",\"minutes\":\"10\"}", ERR_SCRIPT, NULL},
    {"travel to an unknown venue", NULL, NULL, NULL,
     "{\"from\":\"Domes zāle\",\"to\":\"Nav tādas\",\"minutes\":10}", ERR_SCRIPT, "Nav tādas"},
    {"negative travel minutes", NULL, NULL, NULL,
     "{\"from\":\"Domes zāle\",\"to\":\"Rotko centrs\",\"minutes\":-5}", ERR_NONE, NULL},
    {"items that are not a list", "{\"items\":{}}", NULL, NULL, NULL, ERR_SCRIPT, "items"},
    {"venues that are not a list", "{\"venues\":\"Domes zāle\",\"items\":[]}", NULL, NULL, NULL,
     ERR_SCRIPT, "venues"},
    {"travel that is not a list", "{\"travel\":7,\"items\":[]}", NULL, NULL, NULL, ERR_SCRIPT,
     "travel"},
    {"a declaration that is not an object", "[]", NULL, NULL, NULL, ERR_SCRIPT, NULL},
};

START_TEST(test_invalid_declarations_write_nothing)
{
    const struct bad_case *c = &bad_cases[_i];
    json_t *d, *diff;
    char *before, *after;

    json_decref(apply(talks_v1(), NOW, NULL));
    before = snapshot();

    if (c->json) {
        d = J(c->json);
    } else {
        /* What a half-written sync would leave: a new venue, a changed and
         * an added item. */
        d = talks_v1();
        json_array_append_new(A(d, "venues"), J("{\"name\":\"Jauna zāle\",\"kind\":\"hall\"}"));
        json_object_set_new(json_array_get(A(d, "items"), 0), "title", json_string("Cits"));
        json_array_append_new(A(d, "items"),
                              J("{\"key\":\"d2/new\",\"starts_at\":\"2015-11-06T11:00\","
                                "\"ends_at\":\"2015-11-06T12:00\",\"kind\":\"talk\","
                                "\"title\":\"Jauns\"}"));
        if (c->item)
            json_array_append_new(A(d, "items"), J(c->item));
        if (c->venue)
            json_array_append_new(A(d, "venues"), J(c->venue));
        if (c->travel)
            json_array_append_new(A(d, "travel"), J(c->travel));
    }
    diff = apply_as(meeting, "talks", d, LATER, "account:1");
    ck_assert_msg(diff == NULL, "%s: accepted", c->what);
    if (c->code != ERR_NONE)
        ck_assert_msg(e.code == c->code, "%s: %s (%s), not %s", c->what, err_code_name(e.code),
                      e.message, err_code_name(c->code));
    if (c->mention)
        ck_assert_msg(strstr(e.message, c->mention) != NULL, "%s: \"%s\" does not name %s",
                      c->what, e.message, c->mention);
    after = snapshot();
    expect_same(before, after, c->what);
    free(before);
    free(after);
}
END_TEST

START_TEST(test_refused_before_anything)
{
    char *before, *after;

    json_decref(apply(talks_v1(), NOW, NULL));
    before = snapshot();
    /* Script names: [a-z0-9][a-z0-9_.-]{0,63}. */
    ck_assert_ptr_null(apply_as(meeting, "Talks", talks_v1(), LATER, NULL));
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    ck_assert_str_eq(e.field, "name");
    ck_assert_ptr_null(apply_as(meeting, "", talks_v1(), LATER, NULL));
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    ck_assert_ptr_null(apply_as(meeting, "-talks", talks_v1(), LATER, NULL));
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    ck_assert_ptr_null(apply_as(meeting, "talks/x", talks_v1(), LATER, NULL));
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    ck_assert_ptr_null(apply_as(meeting, "a2345678901234567890123456789012345678901234567890"
                                         "12345678901234x", talks_v1(), LATER, NULL));
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    ck_assert(agenda_script_name_ok("daugavpils-2015"));
    ck_assert(agenda_script_name_ok("a.b_c-9"));
    /* A meeting that does not exist. */
    ck_assert_ptr_null(apply_as(999999, "talks", talks_v1(), LATER, NULL));
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
    after = snapshot();
    expect_same(before, after, "a refused name or meeting");
    free(before);
    free(after);
}
END_TEST

START_TEST(test_item_holding_site_visits_is_not_removed)
{
    json_t *d, *in, *out = NULL;
    char text[400], token[TOKEN_MAX_LEN + 1], *before, *after;
    struct registration r;
    long long visit, slot, school;

    d = talks_v1();
    json_array_append_new(A(d, "items"),
                          J("{\"key\":\"d2/visit\",\"starts_at\":\"2015-11-06T11:00\","
                            "\"ends_at\":\"2015-11-06T12:00\",\"kind\":\"site_visit\","
                            "\"title\":\"Skolas\"}"));
    json_decref(apply(json_deep_copy(d), NOW, NULL));
    visit = item_id("script:talks", "d2/visit");
    ck_assert_int_gt(visit, 0);
    in = J("{\"name\":\"Saules skola\",\"kind\":\"school\"}");
    ck_assert_int_eq(venue_create(db, in, NOW, NULL, &school, &e), 0);
    json_decref(in);
    snprintf(text, sizeof text,
             "{\"agenda_item_id\":%lld,\"options\":[{\"venue_id\":%lld,\"topic\":\"t\","
             "\"host\":\"h\",\"capacity\":5}]}", visit, school);
    in = J(text);
    ck_assert_msg(visit_slot_create(db, meeting, in, NOW, NULL, &slot, &e) == 0, "%s", e.message);
    json_decref(in);
    in = J("{\"first_name\":\"Anna\",\"last_name\":\"Ozola\",\"email\":\"anna@example.lv\","
           "\"organisation\":\"Skola\"}");
    ck_assert_msg(reg_create(db, meeting, in, NOW, &r, token, &e) == 0, "%s", e.message);
    reg_clear(&r);
    json_decref(in);
    ck_assert_int_eq(visit_allocate(db, meeting, slot, 0, NOW, NULL, &out, &e), 0);
    json_decref(out);

    /* The script drops the visit: refused, and nothing else happens either. */
    before = snapshot();
    json_array_remove(A(d, "items"), 3);
    json_object_set_new(json_array_get(A(d, "items"), 0), "title", json_string("Cits"));
    ck_assert_ptr_null(apply_as(meeting, "talks", d, LATER, NULL));
    ck_assert_int_eq(e.code, ERR_IN_USE);
    after = snapshot();
    expect_same(before, after, "dropping an item that holds site visits");
    free(before);
    free(after);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM visit_slots WHERE agenda_item_id = %lld",
                                visit),
                     1);

    /* Nor may the script make it a talk: its slot and places hang on it. */
    d = talks_v1();
    json_array_append_new(A(d, "items"),
                          J("{\"key\":\"d2/visit\",\"starts_at\":\"2015-11-06T11:00\","
                            "\"ends_at\":\"2015-11-06T12:00\",\"kind\":\"talk\","
                            "\"title\":\"Skolas\"}"));
    before = snapshot();
    ck_assert_ptr_null(apply_as(meeting, "talks", d, LATER, NULL));
    ck_assert_int_eq(e.code, ERR_SCRIPT);
    ck_assert_msg(strstr(e.message, "d2/visit") && strstr(e.message, "stays a site_visit"),
                  "%s", e.message);
    after = snapshot();
    expect_same(before, after, "making an item that holds site visits a talk");
    free(before);
    free(after);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM agenda_items WHERE id = %lld"
                                    " AND kind = 'site_visit'", visit),
                     1);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("agenda_sync");
    TCase *tc = tcase_create("sync");

    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_first_apply_creates_the_declared_items);
    tcase_add_test(tc, test_reapply_is_a_noop);
    tcase_add_test(tc, test_changes_follow_the_keys);
    tcase_add_test(tc, test_others_items_are_kept);
    tcase_add_loop_test(tc, test_invalid_declarations_write_nothing, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_refused_before_anything);
    tcase_add_test(tc, test_item_holding_site_visits_is_not_removed);
    suite_add_tcase(s, tc);
    return s;
}
