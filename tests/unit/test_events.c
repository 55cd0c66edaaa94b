/* test_events.c - the domain's event point (core/domain/events.c) and the
 * emitters that use it: subscribers run in order, in the emitter's
 * transaction; the first failure stops the rest and its error, with its own
 * code, is the emitter's; nothing of a failed change stays. */
#include "events.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "meeting.h"
#include "registration.h"
#include "testdb.h"
#include "token.h"

#define NOW 1446000000LL

static struct testdb t;
static struct db *db;
static struct err e;
static char trace[256];

static void setup(void)
{
    ck_assert_int_eq(token_init(), 0);
    db = testdb_open(&t);
    err_clear(&e);
    trace[0] = '\0';
}

static void teardown(void)
{
    testdb_cleanup(&t);
    db = NULL;
}

/* Appends its name (arg) to trace and succeeds. */
static int note(struct db *d, const struct event *ev, void *arg, struct err *er)
{
    (void)d;
    (void)er;
    snprintf(trace + strlen(trace), sizeof trace - strlen(trace), "%s%s:%lld",
             trace[0] ? " " : "", (const char *)arg, ev->registration_id);
    return 0;
}

static int refuse_in_use(struct db *d, const struct event *ev, void *arg, struct err *er)
{
    (void)d;
    (void)ev;
    (void)arg;
    return err_set(er, ERR_IN_USE, "seat", "a subscriber says no");
}

static int fail_silently(struct db *d, const struct event *ev, void *arg, struct err *er)
{
    (void)d;
    (void)ev;
    (void)arg;
    (void)er;
    return -1;
}

static long long new_meeting(long long capacity)
{
    json_t *in = json_pack("{s:s, s:s, s:s, s:I}", "title", "Sanāksme", "starts_on",
                           "2015-11-05", "ends_on", "2015-11-06", "capacity",
                           (json_int_t)capacity);
    long long id = 0;

    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_msg(meeting_create(db, in, NOW, NULL, &id, &e) == 0, "%s", e.message);
    ck_assert_int_eq(db_commit(db), 0);
    json_decref(in);
    return id;
}

/* Registers person n; returns the id, or 0 with e set (rolled back). */
static long long try_register(long long meeting, int n)
{
    char email[64], token[TOKEN_MAX_LEN + 1];
    struct registration r;
    json_t *in;
    int rc;

    snprintf(email, sizeof email, "p%d@example.lv", n);
    in = json_pack("{s:s, s:s, s:s, s:s}", "first_name", "Ilze", "last_name", "Bērziņa",
                   "email", email, "organisation", "Rēzeknes pilsētas pašvaldība");
    ck_assert_int_eq(db_begin(db), 0);
    rc = reg_create(db, meeting, in, NOW, &r, token, &e);
    json_decref(in);
    if (rc < 0) {
        db_rollback(db);
        return 0;
    }
    ck_assert_int_eq(db_commit(db), 0);
    reg_clear(&r);
    return r.id;
}

START_TEST(test_order_of_subscription)
{
    struct event ev = {.type = EVENT_REGISTRATION_CONFIRMED, .registration_id = 7};

    ck_assert_int_eq(events_subscribe(EVENT_REGISTRATION_CONFIRMED, "first", note, "a"), 0);
    ck_assert_int_eq(events_subscribe(EVENT_REGISTRATION_CONFIRMED, "second", note, "b"), 0);
    ck_assert_int_eq(events_subscribe(EVENT_REGISTRATION_CANCELLED, "other", note, "c"), 0);
    ck_assert_int_eq(events_emit(db, &ev, &e), 0);
    ck_assert_str_eq(trace, "a:7 b:7");
    ck_assert_int_eq(events_unsubscribe("first"), 1);
    trace[0] = '\0';
    ck_assert_int_eq(events_emit(db, &ev, &e), 0);
    ck_assert_str_eq(trace, "b:7");
    ck_assert_str_eq(event_name(EVENT_REGISTRATION_PROMOTED), "registration.promoted");
}
END_TEST

START_TEST(test_first_failure_stops_the_rest)
{
    struct event ev = {.type = EVENT_AGENDA_CHANGED, .meeting_id = 1};

    events_subscribe(EVENT_AGENDA_CHANGED, "before", note, "a");
    events_subscribe(EVENT_AGENDA_CHANGED, "veto", refuse_in_use, NULL);
    events_subscribe(EVENT_AGENDA_CHANGED, "after", note, "z");
    ck_assert_int_eq(events_emit(db, &ev, &e), -1);
    ck_assert_int_eq(e.code, ERR_IN_USE);
    ck_assert_str_eq(e.field, "seat");
    ck_assert_str_eq(trace, "a:0");
}
END_TEST

START_TEST(test_silent_failure_is_named)
{
    struct event ev = {.type = EVENT_ALLOCATION_DONE};

    events_subscribe(EVENT_ALLOCATION_DONE, "plugin:quiet", fail_silently, NULL);
    ck_assert_int_eq(events_emit(db, &ev, &e), -1);
    ck_assert_int_eq(e.code, ERR_INTERNAL);
    ck_assert_ptr_nonnull(strstr(e.message, "allocation.done"));
    ck_assert_ptr_nonnull(strstr(e.message, "plugin:quiet"));
}
END_TEST

START_TEST(test_table_is_bounded)
{
    int added = 0;

    while (events_subscribe(EVENT_MEETING_CHANGED, "many", note, "m") == 0)
        ck_assert_int_le(++added, EVENTS_MAX_SUBSCRIBERS);
    ck_assert_int_eq(added, EVENTS_MAX_SUBSCRIBERS - 1); /* the core's agenda is one */
    ck_assert_int_eq(events_subscribe(EVENT__COUNT, "bad", note, NULL), -1);
    ck_assert_int_eq(events_subscribe(EVENT_MEETING_CHANGED, "bad", NULL, NULL), -1);
    ck_assert_int_eq(events_subscribe(EVENT_AGENDA_CHANGED, NULL, note, NULL), -1);
}
END_TEST

/* A registration that a subscriber refuses is not stored, and the client
 * hears the subscriber's own error. */
START_TEST(test_refused_registration_leaves_nothing)
{
    long long m = new_meeting(10);

    events_subscribe(EVENT_REGISTRATION_CONFIRMED, "veto", refuse_in_use, NULL);
    ck_assert_int_eq(try_register(m, 1), 0);
    ck_assert_int_eq(e.code, ERR_IN_USE);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM registrations"), 0);
    ck_assert_int_eq(testdb_int(db, "SELECT confirmed_count FROM meetings WHERE id = %lld", m),
                     0);
}
END_TEST

/* Cancelling a confirmed registration promotes the first waiting one: the
 * cancellation's subscribers run before the promotion's. */
START_TEST(test_cancel_then_promote_in_order)
{
    long long m = new_meeting(1), a, b;

    a = try_register(m, 1);
    b = try_register(m, 2);
    ck_assert(a > 0 && b > 0);
    events_subscribe(EVENT_REGISTRATION_CANCELLED, "cancelled", note, "cancelled");
    events_subscribe(EVENT_REGISTRATION_PROMOTED, "promoted", note, "promoted");
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_msg(reg_cancel(db, a, NOW, NULL, &e) == 0, "%s", e.message);
    ck_assert_int_eq(db_commit(db), 0);
    {
        char want[64];

        snprintf(want, sizeof want, "cancelled:%lld promoted:%lld", a, b);
        ck_assert_str_eq(trace, want);
    }
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM registrations WHERE id = %lld"
                                    " AND status = 'confirmed'", b), 1);
}
END_TEST

/* The bug this point fixed: meeting_promote dropped a subscriber's error
 * and its callers said "storage error".  Now the code comes through. */
START_TEST(test_promotion_error_keeps_its_code)
{
    long long m = new_meeting(1), b;
    json_t *more = json_pack("{s:I}", "capacity", (json_int_t)2);

    ck_assert(try_register(m, 1) > 0);
    b = try_register(m, 2);
    ck_assert(b > 0);
    events_subscribe(EVENT_REGISTRATION_PROMOTED, "veto", refuse_in_use, NULL);
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_int_eq(meeting_patch(db, m, more, NOW, NULL, &e), -1);
    db_rollback(db);
    json_decref(more);
    ck_assert_int_eq(e.code, ERR_IN_USE);
    ck_assert_str_eq(e.message, "a subscriber says no");
    ck_assert_int_eq(testdb_int(db, "SELECT capacity FROM meetings WHERE id = %lld", m), 1);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM registrations WHERE id = %lld"
                                    " AND status = 'waitlisted'", b), 1);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("events");
    TCase *tc = tcase_create("emit");

    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_order_of_subscription);
    tcase_add_test(tc, test_first_failure_stops_the_rest);
    tcase_add_test(tc, test_silent_failure_is_named);
    tcase_add_test(tc, test_table_is_bounded);
    tcase_add_test(tc, test_refused_registration_leaves_nothing);
    tcase_add_test(tc, test_cancel_then_promote_in_order);
    tcase_add_test(tc, test_promotion_error_keeps_its_code);
    suite_add_tcase(s, tc);
    return s;
}
