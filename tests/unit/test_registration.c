/* test_registration.c - unit tests for core/registration and the seat rules
 * of core/meeting, on a real migrated SQLite database in a temp directory.
 *
 * Must never: confirm more registrations than the capacity, let the seat
 * counters drift from the rows, skip or reorder the waiting list, register
 * one e-mail twice for a meeting (whatever its case), register outside the
 * window, or leave rows behind from a request it refused. */
#include "registration.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "directory.h"
#include "meeting.h"
#include "testdb.h"
#include "token.h"

#define NOW 1446000000LL /* 2015-10-28T02:40:00Z */
#define ORG_RIGA "Rīgas pilsētas pašvaldība"

static struct testdb t;
static struct db *db;
static struct err e;

static void setup(void)
{
    ck_assert_int_eq(token_init(), 0);
    db = testdb_open(&t);
    err_clear(&e);
}

static void teardown(void)
{
    testdb_cleanup(&t);
    db = NULL;
}

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);

    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, je.text);
    return v;
}

/* JSON text from a printf format. */
static json_t *Jf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *Jf(const char *fmt, ...)
{
    char text[4096];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return J(text);
}

static void begin(void) { ck_assert_int_eq(db_begin(db), 0); }
static void commit(void) { ck_assert_int_eq(db_commit(db), 0); }

/* Creates a meeting (its own transaction) from the JSON members in extra
 * (",\"status\":\"draft\"" or ""); returns its id. */
static long long new_meeting(long long capacity, const char *extra)
{
    json_t *in = Jf("{\"title\":\"Izglītības un kultūras tīkla sanāksme\","
                    "\"starts_on\":\"2015-11-05\",\"ends_on\":\"2015-11-06\","
                    "\"capacity\":%lld%s}",
                    capacity, extra);
    long long id = 0;

    begin();
    ck_assert_msg(meeting_create(db, in, NOW, "account:1", &id, &e) == 0, "meeting_create: %s",
                  e.message);
    commit();
    ck_assert_int_gt(id, 0);
    json_decref(in);
    return id;
}

/* reg_create in its own transaction (rolled back on failure): the id, or
 * -1 with e set.  token may be NULL. */
static long long try_reg_json(long long mid, json_t *in, long long now, char *token)
{
    char tok[TOKEN_MAX_LEN + 1];
    struct registration out, stored;
    json_t *a, *b;
    long long id;
    int rc;

    err_clear(&e);
    memset(&out, 0, sizeof out);
    begin();
    rc = reg_create(db, mid, in, now, &out, token ? token : tok, &e);
    if (rc != 0) {
        ck_assert_int_eq(rc, -1);
        ck_assert_int_ne(e.code, ERR_NONE);
        db_rollback(db);
        return -1;
    }
    commit();
    id = out.id;
    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(out.meeting_id, mid);
    /* What reg_create hands back is the row as stored. */
    ck_assert_int_eq(reg_load(db, id, &stored, &e), 0);
    a = reg_to_json(&out);
    b = reg_to_json(&stored);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    if (!json_equal(a, b)) {
        char ta[2048], tb[2048];
        size_t na = json_dumpb(a, ta, sizeof ta - 1, JSON_SORT_KEYS);
        size_t nb = json_dumpb(b, tb, sizeof tb - 1, JSON_SORT_KEYS);
        ta[na < sizeof ta ? na : sizeof ta - 1] = '\0';
        tb[nb < sizeof tb ? nb : sizeof tb - 1] = '\0';
        json_decref(a);
        json_decref(b);
        reg_clear(&stored);
        reg_clear(&out);
        ck_abort_msg("reg_create gave %.2000s, stored is %.2000s", ta, tb);
    }
    ck_assert_int_eq(out.person_id, stored.person_id);
    json_decref(a);
    json_decref(b);
    reg_clear(&stored);
    reg_clear(&out);
    return id;
}

static long long try_reg(long long mid, const char *first, const char *last,
                         const char *email, const char *org)
{
    json_t *in = json_pack("{s:s, s:s, s:s, s:s}", "first_name", first, "last_name", last,
                           "email", email, "organisation", org);
    long long id;

    ck_assert_ptr_nonnull(in);
    id = try_reg_json(mid, in, NOW, NULL);
    json_decref(in);
    return id;
}

/* Registers person number i ("p<i>@example.lv"); must succeed. */
static long long reg_n(long long mid, int i)
{
    char first[32], email[64];
    long long id;

    snprintf(first, sizeof first, "Dalībnieks%d", i);
    snprintf(email, sizeof email, "p%d@example.lv", i);
    id = try_reg(mid, first, "Bērziņš", email, "Daugavpils valstspilsētas pašvaldība");
    ck_assert_msg(id > 0, "registration %d: %s", i, e.message);
    return id;
}

static int try_cancel(long long rid)
{
    int rc;

    err_clear(&e);
    begin();
    rc = reg_cancel(db, rid, NOW + 10, NULL, &e);
    if (rc == 0)
        commit();
    else
        db_rollback(db);
    return rc;
}

static int try_patch(long long rid, const char *json)
{
    json_t *in = J(json);
    int rc;

    err_clear(&e);
    begin();
    rc = reg_patch(db, rid, in, NOW + 20, NULL, &e);
    if (rc == 0)
        commit();
    else
        db_rollback(db);
    json_decref(in);
    return rc;
}

static int try_meeting_patch(long long mid, const char *json)
{
    json_t *in = J(json);
    int rc;

    err_clear(&e);
    begin();
    rc = meeting_patch(db, mid, in, NOW + 30, "account:1", &e);
    if (rc == 0)
        commit();
    else
        db_rollback(db);
    json_decref(in);
    return rc;
}

#define EXPECT_ERR(rc, code_, field_)                                               \
    do {                                                                            \
        ck_assert_int_eq((rc), -1);                                                 \
        ck_assert_msg(e.code == (code_), "got %s (%s), want %s",                   \
                      err_code_name(e.code), e.message, err_code_name(code_));      \
        ck_assert_str_eq(e.field, (field_));                                        \
    } while (0)

/* Status and waiting-list position of registration rid, via reg_load. */
static void expect_reg(long long rid, const char *status, long long position)
{
    struct registration r;

    ck_assert_int_eq(reg_load(db, rid, &r, &e), 0);
    ck_assert_msg(strcmp(r.status, status) == 0, "registration %lld is %s, want %s", rid,
                  r.status, status);
    ck_assert_msg(r.waitlist_position == position,
                  "registration %lld at position %lld, want %lld", rid, r.waitlist_position,
                  position);
    reg_clear(&r);
}

/* The meeting's counters equal the rows they count, and capacity holds. */
static void expect_counters(long long mid, long long confirmed, long long waitlisted)
{
    struct meeting m;
    long long rc_conf, rc_wait;

    ck_assert_int_eq(meeting_load(db, mid, &m, &e), 0);
    rc_conf = testdb_int(db, "SELECT count(*) FROM registrations WHERE meeting_id = %lld"
                             " AND status = 'confirmed'", mid);
    rc_wait = testdb_int(db, "SELECT count(*) FROM registrations WHERE meeting_id = %lld"
                             " AND status = 'waitlisted'", mid);
    ck_assert_msg(m.confirmed == rc_conf, "confirmed counter %lld, rows %lld", m.confirmed,
                  rc_conf);
    ck_assert_msg(m.waitlisted == rc_wait, "waitlisted counter %lld, rows %lld", m.waitlisted,
                  rc_wait);
    ck_assert_int_eq(m.confirmed, confirmed);
    ck_assert_int_eq(m.waitlisted, waitlisted);
    ck_assert_int_le(m.confirmed, m.capacity);
    /* A waiting list only while the meeting is full. */
    if (m.waitlisted > 0)
        ck_assert_int_eq(m.confirmed, m.capacity);
    /* Positions are 1..n without gaps, in queue order, in reg_list_json too. */
    {
        json_t *list = reg_list_json(db, mid, "waitlisted"), *r;
        size_t i;
        int *seen = calloc((size_t)rc_wait + 1, sizeof *seen);

        ck_assert_ptr_nonnull(list);
        ck_assert_ptr_nonnull(seen);
        ck_assert_int_eq((long long)json_array_size(list), rc_wait);
        json_array_foreach(list, i, r) {
            long long pos = json_integer_value(json_object_get(r, "waitlist_position"));
            long long id = json_integer_value(json_object_get(r, "id"));
            ck_assert_int_ge(pos, 1);
            ck_assert_int_le(pos, rc_wait);
            ck_assert_int_eq(seen[pos], 0);
            seen[pos] = 1;
            expect_reg(id, "waitlisted", pos);
        }
        free(seen);
        json_decref(list);
    }
    meeting_clear(&m);
}

static long long count_rows(void)
{
    return testdb_int(db, "SELECT (SELECT count(*) FROM registrations) * 1000000"
                          " + (SELECT count(*) FROM people) * 1000"
                          " + (SELECT count(*) FROM audit_log)");
}

/* --- refusals first ------------------------------------------------------- */

START_TEST(test_create_invalid)
{
    long long mid = new_meeting(10, "");
    json_t *in;

    ck_assert_int_eq(try_reg(mid + 100, "Ilze", "Bērziņa", "ilze@example.lv", "X"), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);

    in = J("[\"Ilze\"]");
    EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_BAD_JSON, "");
    json_decref(in);

    in = J("{\"last_name\":\"Bērziņa\",\"email\":\"ilze@example.lv\",\"organisation\":\"X\"}");
    EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_MISSING_FIELD, "first_name");
    json_decref(in);
    in = J("{\"first_name\":\"  \",\"last_name\":\"Bērziņa\",\"email\":\"ilze@example.lv\","
           "\"organisation\":\"X\"}");
    EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_MISSING_FIELD, "first_name");
    json_decref(in);
    in = J("{\"first_name\":\"Ilze\",\"last_name\":\"Bērziņa\",\"email\":\"ilze@example.lv\"}");
    EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_MISSING_FIELD, "organisation");
    json_decref(in);
    in = J("{\"first_name\":\"Ilze\",\"last_name\":\"Bērziņa\",\"email\":\"ilze@example.lv\","
           "\"organisation\":\"\"}");
    EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_MISSING_FIELD, "organisation");
    json_decref(in);
    ck_assert_int_eq(try_reg(mid, "Ilze", "Bērziņa", "ilze.example.lv", "X"), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    ck_assert_str_eq(e.field, "email");
    ck_assert_int_eq(try_reg(mid, "Ilze", "Bērziņa", "ilze@example", "X"), -1);
    ck_assert_str_eq(e.field, "email");
    ck_assert_int_eq(try_reg(mid, "Ilze", "Bērziņa", "il ze@example.lv", "X"), -1);
    ck_assert_str_eq(e.field, "email");
    in = J("{\"first_name\":\"Ilze\",\"last_name\":\"Bērziņa\",\"email\":\"ilze@example.lv\","
           "\"organisation_id\":999}");
    EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_INVALID_FIELD, "organisation_id");
    json_decref(in);
    in = J("{\"first_name\":\"Ilze\",\"last_name\":\"Bērziņa\",\"email\":\"ilze@example.lv\","
           "\"organisation\":\"X\",\"nickname\":\"I\"}");
    EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_UNKNOWN_FIELD, "nickname");
    json_decref(in);
    in = J("{\"first_name\":\"Ilze\",\"last_name\":\"Bērziņa\",\"email\":\"ilze@example.lv\","
           "\"organisation\":\"X\",\"status\":\"confirmed\"}");
    EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_FORBIDDEN_FIELD, "status");
    json_decref(in);
    in = J("{\"first_name\":\"Ilze\",\"last_name\":\"Bērziņa\",\"email\":\"ilze@example.lv\","
           "\"organisation\":\"X\",\"answers\":{\"diet\":\"vegan\"}}");
    EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_UNKNOWN_FIELD, "answers.diet");
    json_decref(in);

    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM registrations"), 0);
    expect_counters(mid, 0, 0);
}
END_TEST

START_TEST(test_missing_rows)
{
    struct registration r;

    ck_assert_int_eq(try_cancel(12345), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
    ck_assert_int_eq(try_patch(12345, "{\"first_name\":\"X\"}"), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
    ck_assert_int_eq(reg_load(db, 12345, &r, &e), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
    reg_clear(&r);
    ck_assert_int_eq(try_meeting_patch(777, "{\"capacity\":5}"), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
}
END_TEST

START_TEST(test_failed_create_leaves_no_rows)
{
    long long mid = new_meeting(1, ",\"fields\":[{\"key\":\"diet\",\"label\":{\"lv\":\"Ēdiens\"},"
                                   "\"type\":\"choice\",\"required\":true,"
                                   "\"options\":[\"any\",\"vegan\"]}]");
    long long before;
    struct registration out;
    char tok[TOKEN_MAX_LEN + 1];
    static const char *const bad[] = {
        /* duplicate e-mail (the person exists already) */
        "{\"first_name\":\"B\",\"last_name\":\"B\",\"email\":\"A@EXAMPLE.LV\","
        "\"organisation\":\"Jauna organizācija\",\"answers\":{\"diet\":\"any\"}}",
        /* a new person, but the answers are wrong */
        "{\"first_name\":\"C\",\"last_name\":\"C\",\"email\":\"c@example.lv\","
        "\"organisation\":\"Jauna organizācija\",\"answers\":{\"diet\":\"meat\"}}",
        /* a new person, required answer missing */
        "{\"first_name\":\"C\",\"last_name\":\"C\",\"email\":\"c@example.lv\","
        "\"organisation\":\"Jauna organizācija\"}",
        /* a new person, bad phone */
        "{\"first_name\":\"C\",\"last_name\":\"C\",\"email\":\"c@example.lv\","
        "\"organisation\":\"Jauna organizācija\",\"phone\":\"+371\\u0007\","
        "\"answers\":{\"diet\":\"any\"}}",
        NULL};
    json_t *in = J("{\"first_name\":\"A\",\"last_name\":\"A\",\"email\":\"a@example.lv\","
                   "\"organisation\":\"X\",\"answers\":{\"diet\":\"any\"}}");

    ck_assert_int_gt(try_reg_json(mid, in, NOW, NULL), 0);
    json_decref(in);
    before = count_rows();
    for (const char *const *p = bad; *p; p++) {
        in = J(*p);
        err_clear(&e);
        begin();
        ck_assert_msg(reg_create(db, mid, in, NOW, &out, tok, &e) == -1, "accepted %s", *p);
        /* Nothing written by the refused call, even before the rollback. */
        ck_assert_msg(count_rows() == before, "%s left rows behind", *p);
        expect_counters(mid, 1, 0);
        db_rollback(db);
        json_decref(in);
    }
    ck_assert_int_eq(count_rows(), before);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM organisations"), 0);
}
END_TEST

/* --- capacity and the waiting list --------------------------------------- */

START_TEST(test_capacity_and_waitlist)
{
    long long mid = new_meeting(2, "");
    long long r[5];

    for (int i = 0; i < 5; i++)
        r[i] = reg_n(mid, i);
    expect_reg(r[0], "confirmed", 0);
    expect_reg(r[1], "confirmed", 0);
    expect_reg(r[2], "waitlisted", 1);
    expect_reg(r[3], "waitlisted", 2);
    expect_reg(r[4], "waitlisted", 3);
    expect_counters(mid, 2, 3);
}
END_TEST

START_TEST(test_cancel_confirmed_promotes)
{
    long long mid = new_meeting(2, "");
    long long r[5];

    for (int i = 0; i < 5; i++)
        r[i] = reg_n(mid, i);
    ck_assert_int_eq(try_cancel(r[0]), 0);
    expect_reg(r[0], "cancelled", 0);
    expect_reg(r[1], "confirmed", 0);
    expect_reg(r[2], "confirmed", 0); /* the first waitlisted got the seat */
    expect_reg(r[3], "waitlisted", 1);
    expect_reg(r[4], "waitlisted", 2);
    expect_counters(mid, 2, 2);
    ck_assert_int_eq(try_cancel(r[2]), 0); /* the promoted one leaves too */
    expect_reg(r[3], "confirmed", 0);
    expect_reg(r[4], "waitlisted", 1);
    expect_counters(mid, 2, 1);
    ck_assert_int_eq(try_cancel(r[1]), 0);
    ck_assert_int_eq(try_cancel(r[3]), 0);
    expect_reg(r[4], "confirmed", 0);
    expect_counters(mid, 1, 0);
    ck_assert_int_eq(try_cancel(r[4]), 0);
    expect_counters(mid, 0, 0);
}
END_TEST

START_TEST(test_cancel_waitlisted_closes_gap)
{
    long long mid = new_meeting(2, "");
    long long r[6];

    for (int i = 0; i < 6; i++)
        r[i] = reg_n(mid, i);
    ck_assert_int_eq(try_cancel(r[3]), 0); /* position 2 of 4 */
    expect_reg(r[3], "cancelled", 0);
    expect_reg(r[0], "confirmed", 0);
    expect_reg(r[1], "confirmed", 0);
    expect_reg(r[2], "waitlisted", 1);
    expect_reg(r[4], "waitlisted", 2);
    expect_reg(r[5], "waitlisted", 3);
    expect_counters(mid, 2, 3);
    ck_assert_int_eq(try_cancel(r[2]), 0); /* the head of the queue */
    expect_reg(r[4], "waitlisted", 1);
    expect_reg(r[5], "waitlisted", 2);
    expect_counters(mid, 2, 2);
    /* A newcomer joins at the end. */
    {
        long long n = reg_n(mid, 10);
        expect_reg(n, "waitlisted", 3);
        expect_counters(mid, 2, 3);
    }
}
END_TEST

START_TEST(test_cancel_twice)
{
    long long mid = new_meeting(1, "");
    long long a = reg_n(mid, 0), b = reg_n(mid, 1);

    ck_assert_int_eq(try_cancel(a), 0);
    EXPECT_ERR(try_cancel(a), ERR_ALREADY_CANCELLED, "");
    ck_assert_int_eq(try_cancel(b), 0);
    EXPECT_ERR(try_cancel(b), ERR_ALREADY_CANCELLED, "");
    expect_counters(mid, 0, 0);
    /* A cancelled registration cannot be changed either. */
    EXPECT_ERR(try_patch(a, "{\"first_name\":\"Jānis\"}"), ERR_ALREADY_CANCELLED, "");
    expect_reg(a, "cancelled", 0);
}
END_TEST

/* --- e-mail --------------------------------------------------------------- */

START_TEST(test_duplicate_email)
{
    long long mid = new_meeting(1, ""), other = new_meeting(5, "");
    long long a;

    a = try_reg(mid, "Anna", "Ābola", "anna@example.lv", ORG_RIGA);
    ck_assert_int_gt(a, 0);
    EXPECT_ERR(try_reg(mid, "Anna", "Ābola", "anna@example.lv", ORG_RIGA), ERR_DUPLICATE_EMAIL,
               "email");
    EXPECT_ERR(try_reg(mid, "Anna", "Ābola", "ANNA@Example.LV", ORG_RIGA), ERR_DUPLICATE_EMAIL,
               "email");
    EXPECT_ERR(try_reg(mid, "Anna", "Ābola", "  anna@example.lv ", ORG_RIGA),
               ERR_DUPLICATE_EMAIL, "email");
    /* Latvian letters fold too. */
    ck_assert_int_gt(try_reg(mid, "Ā", "Ābols", "ĀBOLS@x.lv", ORG_RIGA), 0);
    EXPECT_ERR(try_reg(mid, "ā", "ābols", "ābols@x.lv", ORG_RIGA), ERR_DUPLICATE_EMAIL, "email");
    ck_assert_int_gt(try_reg(mid, "Š", "Šņore", "šņore@x.lv", ORG_RIGA), 0);
    EXPECT_ERR(try_reg(mid, "Š", "Šņore", "ŠŅORE@X.LV", ORG_RIGA), ERR_DUPLICATE_EMAIL, "email");
    /* A different address is a different person. */
    ck_assert_int_gt(try_reg(mid, "A", "Ābols", "abols@x.lv", ORG_RIGA), 0);
    /* The same person may register for another meeting. */
    ck_assert_int_gt(try_reg(other, "Anna", "Ābola", "Anna@example.lv", ORG_RIGA), 0);
    expect_counters(mid, 1, 3);
    expect_counters(other, 1, 0);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM people"), 4);
}
END_TEST

START_TEST(test_reregister_after_cancel)
{
    long long mid = new_meeting(1, "");
    long long a = try_reg(mid, "Anna", "Ābola", "anna@example.lv", ORG_RIGA), b, a2;
    struct registration r1, r2;

    ck_assert_int_gt(a, 0);
    b = reg_n(mid, 1);
    ck_assert_int_eq(try_cancel(a), 0); /* b is promoted */
    expect_reg(b, "confirmed", 0);
    a2 = try_reg(mid, "Anna", "Ābola", "ANNA@example.lv", ORG_RIGA);
    ck_assert_msg(a2 > 0, "re-registering: %s", e.message);
    ck_assert_int_ne(a2, a);
    expect_reg(a2, "waitlisted", 1);
    expect_reg(a, "cancelled", 0);
    ck_assert_int_eq(reg_load(db, a, &r1, &e), 0);
    ck_assert_int_eq(reg_load(db, a2, &r2, &e), 0);
    ck_assert_int_eq(r1.person_id, r2.person_id); /* the same person */
    reg_clear(&r1);
    reg_clear(&r2);
    /* ...but not a third time while live. */
    EXPECT_ERR(try_reg(mid, "Anna", "Ābola", "anna@example.lv", ORG_RIGA), ERR_DUPLICATE_EMAIL,
               "email");
    expect_counters(mid, 1, 1);
}
END_TEST

/* --- the registration window ---------------------------------------------- */

START_TEST(test_window_status)
{
    long long draft = new_meeting(5, ",\"status\":\"draft\"");
    long long closed = new_meeting(5, ",\"status\":\"closed\"");

    EXPECT_ERR(try_reg(draft, "A", "B", "a@example.lv", "X"), ERR_REGISTRATION_NOT_OPEN, "");
    EXPECT_ERR(try_reg(closed, "A", "B", "a@example.lv", "X"), ERR_REGISTRATION_CLOSED, "");
    ck_assert_int_eq(try_meeting_patch(draft, "{\"status\":\"open\"}"), 0);
    ck_assert_int_gt(try_reg(draft, "A", "B", "a@example.lv", "X"), 0);
    ck_assert_int_eq(try_meeting_patch(draft, "{\"status\":\"closed\"}"), 0);
    EXPECT_ERR(try_reg(draft, "C", "D", "c@example.lv", "X"), ERR_REGISTRATION_CLOSED, "");
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM registrations"), 1);
    expect_counters(draft, 1, 0);
    expect_counters(closed, 0, 0);
}
END_TEST

START_TEST(test_window_times)
{
    /* Opens 2015-10-01T09:00:00+03:00 (1443679200), closes
     * 2015-11-01T00:00:00Z (1446336000). */
    long long mid = new_meeting(5, ",\"registration_opens_at\":\"2015-10-01T09:00:00+03:00\","
                                   "\"registration_closes_at\":\"2015-11-01T00:00:00Z\"");
    json_t *in = J("{\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"a@example.lv\","
                   "\"organisation\":\"X\"}");

    EXPECT_ERR(try_reg_json(mid, in, 1443679200LL - 1, NULL), ERR_REGISTRATION_NOT_OPEN, "");
    EXPECT_ERR(try_reg_json(mid, in, 0, NULL), ERR_REGISTRATION_NOT_OPEN, "");
    EXPECT_ERR(try_reg_json(mid, in, 1446336000LL, NULL), ERR_REGISTRATION_CLOSED, "");
    EXPECT_ERR(try_reg_json(mid, in, 1446336000LL + 86400, NULL), ERR_REGISTRATION_CLOSED, "");
    ck_assert_int_gt(try_reg_json(mid, in, 1443679200LL, NULL), 0); /* the first second */
    json_decref(in);
    in = J("{\"first_name\":\"C\",\"last_name\":\"D\",\"email\":\"c@example.lv\","
           "\"organisation\":\"X\"}");
    ck_assert_int_gt(try_reg_json(mid, in, 1446336000LL - 1, NULL), 0); /* the last second */
    json_decref(in);
    /* Clearing the bound opens the window again. */
    ck_assert_int_eq(try_meeting_patch(mid, "{\"registration_closes_at\":null}"), 0);
    in = J("{\"first_name\":\"E\",\"last_name\":\"F\",\"email\":\"e@example.lv\","
           "\"organisation\":\"X\"}");
    ck_assert_int_gt(try_reg_json(mid, in, 1446336000LL + 86400, NULL), 0);
    json_decref(in);
    expect_counters(mid, 3, 0);
}
END_TEST

/* --- PATCH ------------------------------------------------------------------ */

START_TEST(test_phone_format)
{
    static const char *const good[] = {"+371 29123456", "29123456", "+371 29 123 456",
                                       "+371-2912-3456", "(+371) 2912 3456", "67.123.456",
                                       "12345", "+1 (555) 010-9999", "00371 29123456",
                                       "1234567890123456789012345678901", /* 31 */
                                       "12345678901234567890123456789012", /* 32 */
                                       NULL};
    static const char *const bad[] = {"abc", "", "1234", "+371", "+ 371 2", "29-12",
                                      "2912345a", "2912 3456 ext 7", "+371+29123456",
                                      "371 +29123456", "29123456;", "=29123456",
                                      "2912\xC2\xA0" "3456", "123456789012345678901234567890123",
                                      "1\n2345", "1-2-3-4", "+371 29123456 +",
                                      NULL};

    for (const char *const *p = good; *p; p++)
        ck_assert_msg(reg_phone_ok(*p), "refused [%s]", *p);
    for (const char *const *p = bad; *p; p++)
        ck_assert_msg(!reg_phone_ok(*p), "accepted [%s]", *p);
}
END_TEST

/* Names that a list would show reversed or reordered, and phone numbers
 * that are none, are refused naming the field; so is a patch to them. */
START_TEST(test_names_and_phone_refused)
{
    long long mid = new_meeting(10, "");
    long long a;
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"first_name\":\"\\u202eazlI\",\"last_name\":\"B\",\"email\":\"c@example.lv\","
         "\"organisation\":\"X\"}", "first_name"},
        {"{\"first_name\":\"I\",\"last_name\":\"B\\u2067x\\u2069\",\"email\":\"c@example.lv\","
         "\"organisation\":\"X\"}", "last_name"},
        {"{\"first_name\":\"I\",\"last_name\":\"B\",\"email\":\"c@example.lv\","
         "\"organisation\":\"Skola \\u202d1\"}", "organisation"},
        {"{\"first_name\":\"I\",\"last_name\":\"B\",\"email\":\"c@example.lv\","
         "\"organisation\":\"X\",\"position\":\"\\u200fvad\\u012bt\\u0101ja\"}", "position"},
        {"{\"first_name\":\"I\",\"last_name\":\"B\",\"email\":\"c@example.lv\","
         "\"organisation\":\"X\",\"phone\":\"abc\"}", "phone"},
        {NULL, NULL}};
    json_t *in;

    for (int i = 0; bad[i].body; i++) {
        in = J(bad[i].body);
        EXPECT_ERR(try_reg_json(mid, in, NOW, NULL), ERR_INVALID_FIELD, bad[i].field);
        json_decref(in);
    }
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM registrations"), 0);
    a = try_reg(mid, "Anna", "Ābola", "anna@example.lv", "X");
    ck_assert_int_gt(a, 0);
    EXPECT_ERR(try_patch(a, "{\"last_name\":\"\\u202e\\u0101lob\\u0100\"}"), ERR_INVALID_FIELD,
               "last_name");
    EXPECT_ERR(try_patch(a, "{\"phone\":\"12\"}"), ERR_INVALID_FIELD, "phone");
    ck_assert_int_eq(try_patch(a, "{\"phone\":\" +371 2000 0000 \"}"), 0);
    ck_assert_int_eq(try_patch(a, "{\"phone\":\"\"}"), 0);
}
END_TEST

START_TEST(test_patch_refusals)
{
    long long mid = new_meeting(5, "");
    long long a = try_reg(mid, "Anna", "Ābola", "anna@example.lv", ORG_RIGA);
    long long b = try_reg(mid, "Jānis", "Bērziņš", "janis@example.lv", ORG_RIGA);

    ck_assert_int_gt(a, 0);
    ck_assert_int_gt(b, 0);
    EXPECT_ERR(try_patch(b, "{\"status\":\"cancelled\"}"), ERR_FORBIDDEN_FIELD, "status");
    EXPECT_ERR(try_patch(b, "{\"id\":1}"), ERR_FORBIDDEN_FIELD, "id");
    EXPECT_ERR(try_patch(b, "{\"meeting\":2}"), ERR_FORBIDDEN_FIELD, "meeting");
    EXPECT_ERR(try_patch(b, "{\"waitlist_position\":1}"), ERR_FORBIDDEN_FIELD,
               "waitlist_position");
    EXPECT_ERR(try_patch(b, "{\"manage_token\":\"x\"}"), ERR_FORBIDDEN_FIELD, "manage_token");
    EXPECT_ERR(try_patch(b, "{\"created_at\":\"x\"}"), ERR_FORBIDDEN_FIELD, "created_at");
    EXPECT_ERR(try_patch(b, "{\"nickname\":\"J\"}"), ERR_UNKNOWN_FIELD, "nickname");
    EXPECT_ERR(try_patch(b, "{\"email\":\"anna@example.lv\"}"), ERR_DUPLICATE_EMAIL, "email");
    EXPECT_ERR(try_patch(b, "{\"email\":\"ANNA@EXAMPLE.LV\"}"), ERR_DUPLICATE_EMAIL, "email");
    EXPECT_ERR(try_patch(b, "{\"email\":\"not an address\"}"), ERR_INVALID_FIELD, "email");
    EXPECT_ERR(try_patch(b, "{\"first_name\":\"\"}"), ERR_MISSING_FIELD, "first_name");
    EXPECT_ERR(try_patch(b, "{\"first_name\":null}"), ERR_INVALID_FIELD, "first_name");
    EXPECT_ERR(try_patch(b, "[]"), ERR_BAD_JSON, "");
    {
        struct registration r;
        ck_assert_int_eq(reg_load(db, b, &r, &e), 0);
        ck_assert_str_eq(r.email, "janis@example.lv");
        ck_assert_str_eq(r.first_name, "Jānis");
        ck_assert_str_eq(r.status, "confirmed");
        reg_clear(&r);
    }
}
END_TEST

START_TEST(test_patch_applies)
{
    long long mid = new_meeting(5, ",\"fields\":[{\"key\":\"diet\",\"label\":{\"lv\":\"Ē\"},"
                                   "\"type\":\"choice\",\"options\":[\"any\",\"vegan\"]}]");
    long long a = try_reg(mid, "Anna", "Ābola", "anna@example.lv", ORG_RIGA);
    long long b = try_reg(mid, "Jānis", "Bērziņš", "janis@example.lv", "Cita iestāde");
    struct registration r;
    long long audit_before;

    ck_assert_int_gt(a, 0);
    ck_assert_int_gt(b, 0);
    /* Own address in another case: still the same person, allowed. */
    ck_assert_int_eq(try_patch(b, "{\"email\":\"JANIS@example.lv\"}"), 0);
    /* A fresh address. */
    ck_assert_int_eq(try_patch(b, "{\"email\":\"janis.b@example.lv\",\"position\":\"skolotājs\","
                                  "\"phone\":\"+371 20000000\",\"answers\":{\"diet\":\"vegan\"}}"),
                     0);
    ck_assert_int_eq(reg_load(db, b, &r, &e), 0);
    ck_assert_str_eq(r.email, "janis.b@example.lv");
    ck_assert_str_eq(r.position, "skolotājs");
    ck_assert_str_eq(r.phone, "+371 20000000");
    ck_assert_str_eq(r.first_name, "Jānis"); /* untouched */
    ck_assert_str_eq(r.organisation, "Cita iestāde");
    ck_assert_str_eq(json_string_value(json_object_get(r.answers, "diet")), "vegan");
    ck_assert_int_eq(r.updated_at, NOW + 20);
    ck_assert_int_eq(r.created_at, NOW);
    reg_clear(&r);
    /* The old address is free again for this meeting. */
    ck_assert_int_gt(try_reg(mid, "Jānis", "Otrs", "janis@example.lv", "X"), 0);
    /* null clears optional fields; answers are replaced as a whole. */
    ck_assert_int_eq(try_patch(b, "{\"position\":null,\"phone\":null,\"answers\":{}}"), 0);
    ck_assert_int_eq(reg_load(db, b, &r, &e), 0);
    ck_assert_str_eq(r.position, "");
    ck_assert_str_eq(r.phone, "");
    ck_assert_uint_eq(json_object_size(r.answers), 0);
    reg_clear(&r);
    EXPECT_ERR(try_patch(b, "{\"answers\":{\"diet\":\"meat\"}}"), ERR_INVALID_FIELD,
               "answers.diet");
    /* An organizer's change is audited, the participant's is not. */
    audit_before = testdb_int(db, "SELECT count(*) FROM audit_log");
    {
        json_t *in = J("{\"last_name\":\"Bērziņš-Kalniņš\"}");
        begin();
        ck_assert_int_eq(reg_patch(db, b, in, NOW + 40, "account:7", &e), 0);
        commit();
        json_decref(in);
    }
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log"), audit_before + 1);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log WHERE actor = 'account:7'"
                                    " AND action = 'registration.update'"
                                    " AND object = 'registration:%lld'", b),
                     1);
    expect_counters(mid, 3, 0);
}
END_TEST

/* --- meeting capacity ------------------------------------------------------ */

START_TEST(test_meeting_capacity_changes)
{
    long long mid = new_meeting(2, "");
    long long r[6];

    for (int i = 0; i < 6; i++)
        r[i] = reg_n(mid, i);
    expect_counters(mid, 2, 4);
    EXPECT_ERR(try_meeting_patch(mid, "{\"capacity\":1}"), ERR_CAPACITY_BELOW_CONFIRMED,
               "capacity");
    expect_counters(mid, 2, 4);
    /* Raising promotes in order. */
    ck_assert_int_eq(try_meeting_patch(mid, "{\"capacity\":4}"), 0);
    expect_reg(r[2], "confirmed", 0);
    expect_reg(r[3], "confirmed", 0);
    expect_reg(r[4], "waitlisted", 1);
    expect_reg(r[5], "waitlisted", 2);
    expect_counters(mid, 4, 2);
    EXPECT_ERR(try_meeting_patch(mid, "{\"capacity\":3}"), ERR_CAPACITY_BELOW_CONFIRMED,
               "capacity");
    /* Down to exactly the confirmed count is fine; nobody is promoted. */
    ck_assert_int_eq(try_meeting_patch(mid, "{\"capacity\":4,\"title\":\"Jauns nosaukums\"}"), 0);
    expect_counters(mid, 4, 2);
    /* Far more seats than people: everyone in. */
    ck_assert_int_eq(try_meeting_patch(mid, "{\"capacity\":100}"), 0);
    for (int i = 0; i < 6; i++)
        expect_reg(r[i], "confirmed", 0);
    expect_counters(mid, 6, 0);
    /* Then a newcomer is confirmed straight away. */
    expect_reg(reg_n(mid, 20), "confirmed", 0);
    expect_counters(mid, 7, 0);
    EXPECT_ERR(try_meeting_patch(mid, "{\"capacity\":0}"), ERR_INVALID_FIELD, "capacity");
    EXPECT_ERR(try_meeting_patch(mid, "{\"capacity\":6}"), ERR_CAPACITY_BELOW_CONFIRMED,
               "capacity");
}
END_TEST

static int try_promote(long long rid, int *grew, long long *capacity)
{
    int rc;

    err_clear(&e);
    begin();
    rc = reg_promote(db, rid, NOW + 40, "account:1", grew, capacity, &e);
    if (rc == 0)
        commit();
    else
        db_rollback(db);
    return rc;
}

static long long meeting_capacity(long long mid)
{
    return testdb_int(db, "SELECT capacity FROM meetings WHERE id = %lld", mid);
}

START_TEST(test_promote_ahead_of_queue)
{
    long long mid = new_meeting(2, "");
    long long r[5], cap = 0;
    int grew = -1;

    for (int i = 0; i < 5; i++)
        r[i] = reg_n(mid, i);
    /* The third in the queue goes first; the meeting was full, so it grows. */
    ck_assert_int_eq(try_promote(r[4], &grew, &cap), 0);
    ck_assert_int_eq(grew, 1);
    ck_assert_int_eq(cap, 3);
    ck_assert_int_eq(meeting_capacity(mid), 3);
    expect_reg(r[4], "confirmed", 0);
    expect_reg(r[2], "waitlisted", 1);
    expect_reg(r[3], "waitlisted", 2);
    expect_counters(mid, 3, 2);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log WHERE action ="
                                    " 'registration.promote' AND object = 'registration:%lld'"
                                    " AND json_extract(detail, '$.capacity_grew') = 1"
                                    " AND json_extract(detail, '$.waitlist_position') = 3",
                                r[4]), 1);
    /* A freed seat still goes to the head of the queue, not to a new seat. */
    ck_assert_int_eq(try_cancel(r[0]), 0);
    expect_reg(r[2], "confirmed", 0);
    expect_reg(r[3], "waitlisted", 1);
    expect_counters(mid, 3, 1);
    ck_assert_int_eq(meeting_capacity(mid), 3);
}
END_TEST

START_TEST(test_promote_refusals)
{
    long long mid = new_meeting(1, "");
    long long a = reg_n(mid, 0), b = reg_n(mid, 1), c = reg_n(mid, 2), cap = 0;
    int grew = 0;

    EXPECT_ERR(try_promote(a, &grew, &cap), ERR_NOT_WAITLISTED, "");
    ck_assert_int_eq(try_cancel(c), 0);
    EXPECT_ERR(try_promote(c, &grew, &cap), ERR_NOT_WAITLISTED, "");
    EXPECT_ERR(try_promote(999999, &grew, &cap), ERR_NOT_FOUND, "");
    /* Nothing changed by the refusals. */
    expect_reg(b, "waitlisted", 1);
    expect_counters(mid, 1, 1);
    ck_assert_int_eq(meeting_capacity(mid), 1);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log WHERE action ="
                                    " 'registration.promote'"), 0);
    /* b is promoted once; a second time it is confirmed already. */
    ck_assert_int_eq(try_promote(b, &grew, &cap), 0);
    ck_assert_int_eq(grew, 1);
    ck_assert_int_eq(cap, 2);
    expect_counters(mid, 2, 0);
    EXPECT_ERR(try_promote(b, &grew, &cap), ERR_NOT_WAITLISTED, "");
    expect_counters(mid, 2, 0);
}
END_TEST

START_TEST(test_meeting_patch_refusals)
{
    long long mid = new_meeting(2, "");

    EXPECT_ERR(try_meeting_patch(mid, "{\"confirmed\":0}"), ERR_FORBIDDEN_FIELD, "confirmed");
    EXPECT_ERR(try_meeting_patch(mid, "{\"id\":9}"), ERR_FORBIDDEN_FIELD, "id");
    EXPECT_ERR(try_meeting_patch(mid, "{\"seats\":9}"), ERR_UNKNOWN_FIELD, "seats");
    EXPECT_ERR(try_meeting_patch(mid, "{\"status\":\"archived\"}"), ERR_INVALID_FIELD, "status");
    EXPECT_ERR(try_meeting_patch(mid, "{\"title\":\"\"}"), ERR_MISSING_FIELD, "title");
    EXPECT_ERR(try_meeting_patch(mid, "{\"ends_on\":\"2015-11-04\"}"), ERR_INVALID_FIELD,
               "ends_on");
    EXPECT_ERR(try_meeting_patch(mid, "{\"ends_on\":\"2015-12-06\"}"), ERR_INVALID_FIELD,
               "ends_on");
    EXPECT_ERR(try_meeting_patch(mid, "{\"timezone\":\"Mars/Olympus\"}"), ERR_INVALID_FIELD,
               "timezone");
    EXPECT_ERR(try_meeting_patch(mid, "{\"host\":99}"), ERR_INVALID_FIELD, "host");
    EXPECT_ERR(try_meeting_patch(mid, "{\"network\":99}"), ERR_INVALID_FIELD, "network");
    EXPECT_ERR(try_meeting_patch(mid, "{\"registration_opens_at\":\"2015-11-01T00:00:00Z\","
                                      "\"registration_closes_at\":\"2015-11-01T00:00:00Z\"}"),
               ERR_INVALID_FIELD, "registration_closes_at");
    EXPECT_ERR(try_meeting_patch(mid, "{\"fields\":[{\"key\":\"a\"}]}"), ERR_INVALID_FIELD,
               "fields[0].type");
}
END_TEST

/* --- organisations ----------------------------------------------------------- */

START_TEST(test_organisation_matching)
{
    long long mid = new_meeting(5, "");
    long long org, a, b, c;
    struct registration r;
    char tok[TOKEN_MAX_LEN + 1];
    json_t *in;

    begin();
    org = dir_org_ensure(db, ORG_RIGA, "municipality", NOW);
    ck_assert_int_gt(org, 0);
    ck_assert_int_eq(dir_org_ensure(db, "RĪGAS PILSĒTAS PAŠVALDĪBA", "municipality", NOW), org);
    commit();
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM organisations"), 1);

    a = try_reg(mid, "Anna", "Ābola", "anna@example.lv", "rīgas PILSĒTAS pašvaldība");
    ck_assert_int_gt(a, 0);
    ck_assert_int_eq(reg_load(db, a, &r, &e), 0);
    ck_assert_str_eq(r.organisation, ORG_RIGA); /* the canonical name */
    ck_assert_int_eq(r.organisation_id, org);
    reg_clear(&r);

    b = try_reg(mid, "Jānis", "Bērziņš", "janis@example.lv", "Biedrība \"Nezināma\"");
    ck_assert_int_gt(b, 0);
    ck_assert_int_eq(reg_load(db, b, &r, &e), 0);
    ck_assert_str_eq(r.organisation, "Biedrība \"Nezināma\""); /* kept as given */
    ck_assert_int_eq(r.organisation_id, 0);
    {
        json_t *o = reg_to_json(&r);
        ck_assert(json_is_null(json_object_get(o, "organisation_id")));
        json_decref(o);
    }
    reg_clear(&r);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM organisations"), 1); /* not added */
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM registrations WHERE id = %lld"
                                    " AND organisation_id IS NULL", b),
                     1);

    /* By id: the canonical name is stored. */
    in = json_pack("{s:s, s:s, s:s, s:I}", "first_name", "C", "last_name", "D", "email",
                   "c@example.lv", "organisation_id", (json_int_t)org);
    c = try_reg_json(mid, in, NOW, tok);
    json_decref(in);
    ck_assert_int_gt(c, 0);
    ck_assert_int_eq(reg_load(db, c, &r, &e), 0);
    ck_assert_str_eq(r.organisation, ORG_RIGA);
    ck_assert_int_eq(r.organisation_id, org);
    reg_clear(&r);

    /* PATCH to a known organisation in another case links it. */
    ck_assert_int_eq(try_patch(b, "{\"organisation\":\"  RĪGAS pilsētas PAŠVALDĪBA \"}"), 0);
    ck_assert_int_eq(reg_load(db, b, &r, &e), 0);
    ck_assert_str_eq(r.organisation, ORG_RIGA);
    ck_assert_int_eq(r.organisation_id, org);
    reg_clear(&r);
}
END_TEST

/* --- manage tokens ------------------------------------------------------------- */

START_TEST(test_manage_token)
{
    long long mid = new_meeting(5, "");
    json_t *in = J("{\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"a@example.lv\","
                   "\"organisation\":\"X\"}");
    char tok[TOKEN_MAX_LEN + 1], tok2[TOKEN_MAX_LEN + 1];
    enum token_kind kind;
    long long id, pid = 0, id2;
    uint8_t hash[TOKEN_HASH_LEN];

    id = try_reg_json(mid, in, NOW, tok);
    json_decref(in);
    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(token_parse(tok, &kind, &pid, hash), 0);
    ck_assert_int_eq(kind, TOKEN_REGISTRATION);
    ck_assert_int_eq(pid, id);
    ck_assert_int_eq(reg_token_matches(db, id, hash), 1);
    in = J("{\"first_name\":\"C\",\"last_name\":\"D\",\"email\":\"c@example.lv\","
           "\"organisation\":\"X\"}");
    id2 = try_reg_json(mid, in, NOW, tok2);
    json_decref(in);
    ck_assert_int_gt(id2, 0);
    ck_assert_str_ne(tok, tok2);
    ck_assert_int_eq(reg_token_matches(db, id2, hash), 0); /* another row's secret */
    ck_assert_int_eq(reg_token_matches(db, 99999, hash), 0);
    /* Still valid after cancelling (it can read its registration). */
    ck_assert_int_eq(try_cancel(id), 0);
    ck_assert_int_eq(reg_token_matches(db, id, hash), 1);
    /* The listing holds both rows (the cancelled one too), and neither
     * token's secret nor its hash appears in it. */
    {
        json_t *list = reg_list_json(db, mid, NULL), *r;
        const char *secret = tok + strlen(tok) - TOKEN_SECRET_LEN;
        const char *secret2 = tok2 + strlen(tok2) - TOKEN_SECRET_LEN;
        int seen = 0, seen2 = 0;
        size_t i;

        ck_assert_ptr_nonnull(list);
        ck_assert(json_is_array(list));
        ck_assert_uint_eq(json_array_size(list), 2);
        json_array_foreach(list, i, r) {
            long long rid = json_integer_value(json_object_get(r, "id"));
            const char *status = json_string_value(json_object_get(r, "status"));
            char *text = json_dumps(r, 0);

            ck_assert_ptr_nonnull(text);
            ck_assert_ptr_nonnull(status);
            if (rid == id) {
                seen++;
                ck_assert_str_eq(status, "cancelled");
            } else {
                ck_assert_int_eq(rid, id2);
                seen2++;
                ck_assert_str_eq(status, "confirmed");
            }
            ck_assert_ptr_null(strstr(text, secret));
            ck_assert_ptr_null(strstr(text, secret2));
            ck_assert_ptr_null(json_object_get(r, "manage_token"));
            ck_assert_ptr_null(json_object_get(r, "token_hash"));
            free(text);
        }
        ck_assert_int_eq(seen, 1);
        ck_assert_int_eq(seen2, 1);
        json_decref(list);
    }
}
END_TEST

/* Regression (core/textfold.c text_fold, fixed):
 * A valid address whose Unicode case fold is long: U+FDFA folds (NFKC) to
 * 18 UTF-16 units, more than text_fold()'s 3x buffer.  Such input must be
 * registered (or refused with a 4xx), never answered internal_error. */
START_TEST(test_long_case_fold)
{
    long long mid = new_meeting(5, "");
    long long id, org;

    id = try_reg(mid, "Ali", "Ali", "\uFDFA\uFDFA\uFDFA\uFDFA\uFDFA@example.lv",
                 "\uFDFA\uFDFA\uFDFA\uFDFA\uFDFA biedr\u012Bba");
    ck_assert_msg(id > 0 || e.code != ERR_INTERNAL, "refused with %s: %s",
                  err_code_name(e.code), e.message);
    begin();
    org = dir_org_ensure(db, "\uFDFA\uFDFA\uFDFA\uFDFA\uFDFA biedr\u012Bba", "association", NOW);
    commit();
    ck_assert_msg(org > 0, "dir_org_ensure refused a valid name");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("registration");
    TCase *tc = tcase_create("rules"), *tf;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_test(tc, test_create_invalid);
    tcase_add_test(tc, test_missing_rows);
    tcase_add_test(tc, test_failed_create_leaves_no_rows);
    tcase_add_test(tc, test_capacity_and_waitlist);
    tcase_add_test(tc, test_cancel_confirmed_promotes);
    tcase_add_test(tc, test_cancel_waitlisted_closes_gap);
    tcase_add_test(tc, test_cancel_twice);
    tcase_add_test(tc, test_duplicate_email);
    tcase_add_test(tc, test_reregister_after_cancel);
    tcase_add_test(tc, test_window_status);
    tcase_add_test(tc, test_window_times);
    tcase_add_test(tc, test_phone_format);
    tcase_add_test(tc, test_names_and_phone_refused);
    tcase_add_test(tc, test_patch_refusals);
    tcase_add_test(tc, test_patch_applies);
    tcase_add_test(tc, test_meeting_capacity_changes);
    tcase_add_test(tc, test_promote_ahead_of_queue);
    tcase_add_test(tc, test_promote_refusals);
    tcase_add_test(tc, test_meeting_patch_refusals);
    tcase_add_test(tc, test_organisation_matching);
    tcase_add_test(tc, test_manage_token);
    suite_add_tcase(s, tc);

    /* Regressions: defects found by these tests and fixed. */
    tf = tcase_create("regressions");
    tcase_add_checked_fixture(tf, setup, teardown);
    tcase_add_unchecked_fixture(tf, testdb_base_setup, testdb_base_teardown);
    tcase_add_test(tf, test_long_case_fold);
    suite_add_tcase(s, tf);
    return s;
}
