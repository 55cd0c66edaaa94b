/* test_calsecret.c - unit tests for core/domain/calsecret (the secret
 * calendar URL of a registration), on a real migrated database.
 *
 * Must never: accept a secret that is not the registration's current one
 * (another registration's mac, a flipped character, an old generation, a
 * cancelled registration, a malformed or differently spelled one), give two
 * databases the same key, or store anything that opens a calendar. */
#include "calsecret.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "meeting.h"
#include "registration.h"
#include "testdb.h"

#define NOW 1446000000LL

static struct testdb t;
static struct db *db;
static struct err e;

static void setup(void)
{
    ck_assert_int_eq(token_init(), 0);
    calsecret_forget_key();
    db = testdb_open(&t);
    err_clear(&e);
}

static void teardown(void)
{
    testdb_cleanup(&t);
    calsecret_forget_key();
    db = NULL;
}

static long long new_meeting(void)
{
    json_t *in = json_pack("{s:s, s:s, s:s, s:i}", "title", "Sanāksme", "starts_on",
                           "2015-11-05", "ends_on", "2015-11-06", "capacity", 10);
    long long id = 0;

    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_msg(meeting_create(db, in, NOW, "account:1", &id, &e) == 0, "%s", e.message);
    ck_assert_int_eq(db_commit(db), 0);
    json_decref(in);
    return id;
}

static long long new_registration(long long mid, const char *email)
{
    json_t *in = json_pack("{s:s, s:s, s:s, s:s}", "first_name", "Anna", "last_name",
                           "Bērziņa", "email", email, "organisation", "Daugavpils skola");
    char token[TOKEN_MAX_LEN + 1];
    struct registration r;
    long long id;

    memset(&r, 0, sizeof r);
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_msg(reg_create(db, mid, in, NOW, &r, token, &e) == 0, "%s", e.message);
    ck_assert_int_eq(db_commit(db), 0);
    json_decref(in);
    id = r.id;
    reg_clear(&r);
    return id;
}

/* The secret part of a URL: after "/cal/". */
static const char *secret_of(const char *url)
{
    ck_assert_int_eq(strncmp(url, "/cal/", 5), 0);
    return url + 5;
}

static int resolves(const char *secret, long long *id)
{
    int rc = calsecret_resolve(db, secret, id, &e);

    ck_assert_int_ge(rc, 0);
    return rc;
}

START_TEST(test_url_shape_and_resolve)
{
    long long mid = new_meeting(), r1 = new_registration(mid, "a@example.lv"), id = 0;
    char url[CALSECRET_URL_MAX], cur[CALSECRET_URL_MAX], want[32];

    ck_assert_int_eq(calsecret_url(db, r1, 0, url, &e), 0);
    snprintf(want, sizeof want, "/cal/%lld_", r1);
    ck_assert_int_eq(strncmp(url, want, strlen(want)), 0);
    ck_assert_uint_eq(strlen(url), strlen(want) + CALSECRET_MAC_CHARS + 4);
    ck_assert_str_eq(url + strlen(url) - 4, ".ics");
    /* A new registration's URL is generation 0's: what the 201 shows. */
    ck_assert_int_eq(calsecret_current_url(db, r1, cur, &e), 1);
    ck_assert_str_eq(cur, url);
    ck_assert_int_eq(resolves(secret_of(url), &id), 1);
    ck_assert_int_eq(id, r1);
    /* The same inputs give the same URL. */
    ck_assert_int_eq(calsecret_url(db, r1, 0, cur, &e), 0);
    ck_assert_str_eq(cur, url);
}
END_TEST

START_TEST(test_others_and_tampered_refused)
{
    long long mid = new_meeting(), r1 = new_registration(mid, "a@example.lv"),
              r2 = new_registration(mid, "b@example.lv"), id = 0;
    char u1[CALSECRET_URL_MAX], u2[CALSECRET_URL_MAX], s[CALSECRET_URL_MAX * 2];
    const char *mac1;

    ck_assert_int_eq(calsecret_url(db, r1, 0, u1, &e), 0);
    ck_assert_int_eq(calsecret_url(db, r2, 0, u2, &e), 0);
    ck_assert_str_ne(u1, u2);
    mac1 = strchr(u1, '_') + 1;
    /* r1's mac under r2's id, and under an id that does not exist. */
    snprintf(s, sizeof s, "%lld_%s", r2, mac1);
    ck_assert_int_eq(resolves(s, &id), 0);
    snprintf(s, sizeof s, "%d_%s", 424242, mac1);
    ck_assert_int_eq(resolves(s, &id), 0);
    /* Every character of the mac flipped, one at a time. */
    for (size_t i = 0; i < CALSECRET_MAC_CHARS; i++) {
        snprintf(s, sizeof s, "%s", secret_of(u1));
        char *c = strchr(s, '_') + 1 + i;
        *c = *c == 'A' ? 'B' : 'A';
        ck_assert_msg(resolves(s, &id) == 0, "flipped at %zu accepted", i);
    }
    /* Malformed: no .ics, leading zero, no id, short, long, bad characters,
     * an upper-case suffix, empty. */
    snprintf(s, sizeof s, "%s", secret_of(u1));
    s[strlen(s) - 4] = '\0';
    ck_assert_int_eq(resolves(s, &id), 0);
    snprintf(s, sizeof s, "0%s", secret_of(u1));
    ck_assert_int_eq(resolves(s, &id), 0);
    snprintf(s, sizeof s, "_%s", mac1);
    ck_assert_int_eq(resolves(s, &id), 0);
    snprintf(s, sizeof s, "%lld_%.*s.ics", r1, CALSECRET_MAC_CHARS - 1, mac1);
    ck_assert_int_eq(resolves(s, &id), 0);
    snprintf(s, sizeof s, "%lld_A%s", r1, mac1);
    ck_assert_int_eq(resolves(s, &id), 0);
    snprintf(s, sizeof s, "%lld_%.*s=.ics", r1, CALSECRET_MAC_CHARS - 1, mac1);
    ck_assert_int_eq(resolves(s, &id), 0);
    snprintf(s, sizeof s, "%lld_%.*s.ICS", r1, CALSECRET_MAC_CHARS, mac1);
    ck_assert_int_eq(resolves(s, &id), 0);
    ck_assert_int_eq(resolves("", &id), 0);
    ck_assert_int_eq(resolves("1234567890123456789_x.ics", &id), 0);
    /* The genuine one still works. */
    ck_assert_int_eq(resolves(secret_of(u1), &id), 1);
    ck_assert_int_eq(id, r1);
}
END_TEST

START_TEST(test_rotate_retires_the_old_url)
{
    long long mid = new_meeting(), r1 = new_registration(mid, "a@example.lv"), id = 0;
    char old[CALSECRET_URL_MAX], fresh[CALSECRET_URL_MAX], cur[CALSECRET_URL_MAX];

    ck_assert_int_eq(calsecret_current_url(db, r1, old, &e), 1);
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_msg(calsecret_rotate(db, r1, NOW + 1, "account:1", fresh, &e) == 0, "%s",
                  e.message);
    ck_assert_int_eq(db_commit(db), 0);
    ck_assert_str_ne(old, fresh);
    ck_assert_int_eq(resolves(secret_of(old), &id), 0);
    ck_assert_int_eq(resolves(secret_of(fresh), &id), 1);
    ck_assert_int_eq(calsecret_current_url(db, r1, cur, &e), 1);
    ck_assert_str_eq(cur, fresh);
    ck_assert_int_eq(testdb_int(db, "SELECT calendar_gen FROM registrations WHERE id = %lld",
                                r1), 1);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log WHERE action ="
                                    " 'registration.calendar_secret'"), 1);
    /* A participant's rotation is not audited (actor NULL). */
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_int_eq(calsecret_rotate(db, r1, NOW + 2, NULL, fresh, &e), 0);
    ck_assert_int_eq(db_commit(db), 0);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log WHERE action ="
                                    " 'registration.calendar_secret'"), 1);
    ck_assert_int_eq(resolves(secret_of(cur), &id), 0);
    ck_assert_int_eq(resolves(secret_of(fresh), &id), 1);
}
END_TEST

START_TEST(test_cancelled_and_unknown)
{
    long long mid = new_meeting(), r1 = new_registration(mid, "a@example.lv"), id = 0;
    char url[CALSECRET_URL_MAX], out[CALSECRET_URL_MAX];

    ck_assert_int_eq(calsecret_current_url(db, r1, url, &e), 1);
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_int_eq(reg_cancel(db, r1, NOW + 60, NULL, &e), 0);
    ck_assert_int_eq(db_commit(db), 0);
    ck_assert_int_eq(resolves(secret_of(url), &id), 0);
    ck_assert_int_eq(calsecret_current_url(db, r1, out, &e), 0);
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_int_eq(calsecret_rotate(db, r1, NOW, NULL, out, &e), -1);
    ck_assert_int_eq(e.code, ERR_ALREADY_CANCELLED);
    err_clear(&e);
    ck_assert_int_eq(calsecret_rotate(db, 999, NOW, NULL, out, &e), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
    db_rollback(db);
    ck_assert_int_eq(calsecret_current_url(db, 999, out, &e), 0);
}
END_TEST

START_TEST(test_key_is_random_per_database_and_nothing_usable_stored)
{
    struct testdb t2;
    struct db *db2;
    unsigned char k1[32], k2[32];
    char url[CALSECRET_URL_MAX];
    sqlite3_stmt *st;

    st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db), "SELECT key FROM calendar_key", -1,
                                        &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_bytes(st, 0), 32);
    memcpy(k1, sqlite3_column_blob(st, 0), 32);
    sqlite3_finalize(st);
    memset(&t2, 0, sizeof t2);
    db2 = testdb_open(&t2);
    ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db2), "SELECT key FROM calendar_key", -1,
                                        &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    memcpy(k2, sqlite3_column_blob(st, 0), 32);
    sqlite3_finalize(st);
    ck_assert(memcmp(k1, k2, 32) != 0);
    ck_assert_int_eq(testdb_int(db2, "SELECT count(*) FROM calendar_key"), 1);
    testdb_cleanup(&t2);
    /* The URL's mac is in no column of the registration. */
    long long r1 = new_registration(new_meeting(), "a@example.lv");
    ck_assert_int_eq(calsecret_url(db, r1, 0, url, &e), 0);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM registrations WHERE instr("
                                    "first_name || last_name || email || organisation_name"
                                    " || answers_json || hex(token_hash) || calendar_gen,"
                                    " '%.20s') > 0",
                                strchr(url, '_') + 1), 0);
}
END_TEST

START_TEST(test_missing_key_is_an_error_not_a_match)
{
    long long r1 = new_registration(new_meeting(), "a@example.lv"), id = 0;
    char url[CALSECRET_URL_MAX];

    ck_assert_int_eq(calsecret_url(db, r1, 0, url, &e), 0);
    calsecret_forget_key();
    ck_assert_int_eq(db_exec(db, "DELETE FROM calendar_key"), 0);
    ck_assert_int_eq(calsecret_resolve(db, secret_of(url), &id, &e), -1);
    ck_assert_int_eq(e.code, ERR_INTERNAL);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("calsecret");
    TCase *tc = tcase_create("calsecret");

    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_url_shape_and_resolve);
    tcase_add_test(tc, test_others_and_tampered_refused);
    tcase_add_test(tc, test_rotate_retires_the_old_url);
    tcase_add_test(tc, test_cancelled_and_unknown);
    tcase_add_test(tc, test_key_is_random_per_database_and_nothing_usable_stored);
    tcase_add_test(tc, test_missing_key_is_an_error_not_a_match);
    suite_add_tcase(s, tc);
    return s;
}
