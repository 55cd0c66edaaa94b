/* test_auth.c - unit tests for core/auth (bearer tokens to principals), on a
 * real migrated SQLite database in a temp directory.
 *
 * Must never: resolve a token to another account, role or registration than
 * the one it was made for, accept a wrong, malformed, revoked or unknown
 * token, let a manage token open any registration but its own or act as an
 * organizer, or leave a principal with rights after refusing its token. */
#include "auth.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "meeting.h"
#include "registration.h"
#include "testdb.h"

#define NOW 1446000000LL /* 2015-10-28T02:40:00Z */

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

/* auth_token_create in its own transaction; the token in out. */
static void new_account(enum role role, const char *name, char out[TOKEN_MAX_LEN + 1])
{
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_msg(auth_token_create(db, role, name, NOW, out, &e) == 0,
                  "auth_token_create: %s", e.message);
    ck_assert_int_eq(db_commit(db), 0);
}

/* A meeting with a registration; returns the registration's id and its
 * manage token in out. */
static long long new_registration(long long mid, const char *email, char out[TOKEN_MAX_LEN + 1])
{
    json_t *in = json_pack("{s:s, s:s, s:s, s:s}", "first_name", "Anna", "last_name",
                           "Bērziņa", "email", email, "organisation", "Daugavpils skola");
    struct registration r;
    long long id;

    ck_assert_ptr_nonnull(in);
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_msg(reg_create(db, mid, in, NOW, &r, out, &e) == 0, "reg_create: %s", e.message);
    ck_assert_int_eq(db_commit(db), 0);
    json_decref(in);
    id = r.id;
    reg_clear(&r);
    ck_assert_int_gt(id, 0);
    return id;
}

static long long new_meeting(void)
{
    json_t *in = json_pack("{s:s, s:s, s:s, s:i}", "title", "Sanāksme", "starts_on",
                           "2015-11-05", "ends_on", "2015-11-06", "capacity", 10);
    long long id = 0;

    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_msg(meeting_create(db, in, NOW, "account:1", &id, &e) == 0, "meeting_create: %s",
                  e.message);
    ck_assert_int_eq(db_commit(db), 0);
    json_decref(in);
    return id;
}

/* "Bearer TOKEN" */
static const char *bearer(const char *token)
{
    static char h[16 + TOKEN_MAX_LEN];

    snprintf(h, sizeof h, "Bearer %s", token);
    return h;
}

/* The header must be refused with code; the principal is left with no rights. */
static void expect_refused(const char *header, enum err_code code)
{
    struct principal p;

    err_clear(&e);
    memset(&p, 0x5a, sizeof p);
    ck_assert_msg(auth_resolve(db, header, &p, &e) == -1, "accepted \"%s\"", header);
    ck_assert_msg(e.code == code, "\"%s\": %s (%s), not %s", header, err_code_name(e.code),
                  e.message, err_code_name(code));
    ck_assert_int_eq(p.kind, PRINCIPAL_NONE);
    ck_assert_int_eq(p.role, ROLE_NONE);
    ck_assert_int_eq(p.account_id, 0);
    ck_assert_int_eq(p.registration_id, 0);
    ck_assert_str_eq(p.actor, "anonymous");
    ck_assert(!auth_is_organizer(&p));
    ck_assert(!auth_is_admin(&p));
    ck_assert(!auth_may_manage(&p, 1));
}

/* Replaces the character at i of a token by another one of the alphabet. */
static void flip(char *token, size_t i)
{
    token[i] = token[i] == 'A' ? 'B' : 'A';
}

START_TEST(test_no_header_is_anonymous)
{
    struct principal p;

    memset(&p, 0x5a, sizeof p);
    ck_assert_int_eq(auth_resolve(db, NULL, &p, &e), 0);
    ck_assert_int_eq(e.code, ERR_NONE);
    ck_assert_int_eq(p.kind, PRINCIPAL_NONE);
    ck_assert_int_eq(p.role, ROLE_NONE);
    ck_assert_str_eq(p.actor, "anonymous");
    ck_assert(!auth_is_organizer(&p));
    ck_assert(!auth_is_admin(&p));
    ck_assert(!auth_may_manage(&p, 1));
}
END_TEST

START_TEST(test_account_tokens_resolve_to_their_account_and_role)
{
    char admin[TOKEN_MAX_LEN + 1], org[TOKEN_MAX_LEN + 1], second[TOKEN_MAX_LEN + 1];
    struct principal p;

    new_account(ROLE_ADMIN, "Valde", admin);
    new_account(ROLE_ORGANIZER, "Birojs", org);
    ck_assert_int_eq(strncmp(admin, "sa_", 3), 0);
    ck_assert_int_eq(strncmp(org, "sa_", 3), 0);
    ck_assert_str_ne(admin, org);
    /* Only hashes are stored: no column holds the token or its secret. */
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM accounts"), 2);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM api_tokens WHERE length(token_hash) = 32"
                                    " AND revoked_at IS NULL"),
                     2);
    {
        uint8_t hash[TOKEN_HASH_LEN];
        enum token_kind kind;
        long long id;
        sqlite3_stmt *st;

        ck_assert_int_eq(token_parse(admin, &kind, &id, hash), 0);
        ck_assert_int_eq(kind, TOKEN_ACCOUNT);
        ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db),
                                            "SELECT token_hash FROM api_tokens WHERE id = ?", -1,
                                            &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(st, 1, id);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_column_bytes(st, 0), TOKEN_HASH_LEN);
        ck_assert(memcmp(sqlite3_column_blob(st, 0), hash, TOKEN_HASH_LEN) == 0);
        sqlite3_finalize(st);
    }

    ck_assert_int_eq(auth_resolve(db, bearer(admin), &p, &e), 0);
    ck_assert_int_eq(p.kind, PRINCIPAL_ACCOUNT);
    ck_assert_int_eq(p.role, ROLE_ADMIN);
    ck_assert_int_eq(p.account_id, testdb_int(db, "SELECT id FROM accounts WHERE name = 'Valde'"));
    ck_assert_str_eq(p.actor, "account:1");
    ck_assert(auth_is_admin(&p));
    ck_assert(auth_is_organizer(&p));
    ck_assert(auth_may_manage(&p, 12345));

    ck_assert_int_eq(auth_resolve(db, bearer(org), &p, &e), 0);
    ck_assert_int_eq(p.kind, PRINCIPAL_ACCOUNT);
    ck_assert_int_eq(p.role, ROLE_ORGANIZER);
    ck_assert_int_eq(p.account_id, 2);
    ck_assert_str_eq(p.actor, "account:2");
    ck_assert(!auth_is_admin(&p));
    ck_assert(auth_is_organizer(&p));
    ck_assert(auth_may_manage(&p, 12345));
    ck_assert_int_eq(p.registration_id, 0);

    /* A token names its api_tokens row, not the account: a second token of
     * account 1 made after account 2's (row 3) still resolves to account 1. */
    {
        struct token_secret s;
        sqlite3_stmt *st;

        token_secret_new(&s);
        ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db),
                                            "INSERT INTO api_tokens(id, account_id, token_hash,"
                                            " created_at) VALUES (3, 1, ?, 0)",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_blob(st, 1, s.hash, TOKEN_HASH_LEN, SQLITE_STATIC);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        token_format(TOKEN_ACCOUNT, 3, &s, second);
    }
    ck_assert_int_eq(auth_resolve(db, bearer(second), &p, &e), 0);
    ck_assert_int_eq(p.account_id, 1);
    ck_assert_int_eq(p.role, ROLE_ADMIN);
    ck_assert_str_eq(p.actor, "account:1");

    /* The scheme is case-insensitive and spaces before the token are skipped. */
    {
        char h[64 + TOKEN_MAX_LEN];

        snprintf(h, sizeof h, "bearer   %s", org);
        ck_assert_int_eq(auth_resolve(db, h, &p, &e), 0);
        ck_assert_int_eq(p.account_id, 2);
    }
}
END_TEST

START_TEST(test_token_create_refuses_a_bad_role)
{
    char out[TOKEN_MAX_LEN + 1] = "";

    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_int_eq(auth_token_create(db, ROLE_NONE, "Neviens", NOW, out, &e), -1);
    ck_assert_int_eq(db_commit(db), 0);
    ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    ck_assert_str_eq(e.field, "role");
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM accounts"), 0);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM api_tokens"), 0);
}
END_TEST

START_TEST(test_wrong_and_malformed_tokens_refused)
{
    char admin[TOKEN_MAX_LEN + 1], org[TOKEN_MAX_LEN + 1], tok[TOKEN_MAX_LEN + 1];
    char h[128 + TOKEN_MAX_LEN];
    size_t n;

    new_account(ROLE_ADMIN, "Valde", admin);
    new_account(ROLE_ORGANIZER, "Birojs", org);
    n = strlen(admin);

    /* Not "Bearer TOKEN". */
    expect_refused("", ERR_UNAUTHORIZED);
    expect_refused("Bearer", ERR_UNAUTHORIZED);
    expect_refused("Bearer ", ERR_UNAUTHORIZED);
    expect_refused(admin, ERR_UNAUTHORIZED); /* no scheme */
    snprintf(h, sizeof h, "Basic %s", admin);
    expect_refused(h, ERR_UNAUTHORIZED);
    snprintf(h, sizeof h, "Bearer%s", admin);
    expect_refused(h, ERR_UNAUTHORIZED);
    snprintf(h, sizeof h, "Bearer %s ", admin); /* trailing blank */
    expect_refused(h, ERR_UNAUTHORIZED);
    snprintf(h, sizeof h, "Bearer %s %s", admin, admin);
    expect_refused(h, ERR_UNAUTHORIZED);

    /* Malformed tokens. */
    snprintf(tok, sizeof tok, "%.*s", (int)n - 1, admin); /* one character short */
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);
    snprintf(h, sizeof h, "Bearer %sA", admin); /* one too many */
    expect_refused(h, ERR_UNAUTHORIZED);
    snprintf(tok, sizeof tok, "%s", admin);
    tok[n - 5] = '+'; /* not base64url */
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);
    snprintf(tok, sizeof tok, "%s", admin);
    tok[1] = 'x'; /* unknown kind */
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);

    /* Well formed, but the secret differs in one character. */
    snprintf(tok, sizeof tok, "%s", admin);
    flip(tok, n - 10);
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);
    /* The right secret under another row's id, and under an id with no row. */
    snprintf(tok, sizeof tok, "sa_2_%s", admin + n - TOKEN_SECRET_LEN);
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);
    snprintf(tok, sizeof tok, "sa_999999_%s", admin + n - TOKEN_SECRET_LEN);
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);
    /* An account secret presented as a manage token of the same id. */
    snprintf(tok, sizeof tok, "sr_1_%s", admin + n - TOKEN_SECRET_LEN);
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);

    /* Refusals change nothing: the real tokens still work. */
    {
        struct principal p;

        ck_assert_int_eq(auth_resolve(db, bearer(admin), &p, &e), 0);
        ck_assert_int_eq(p.role, ROLE_ADMIN);
        ck_assert_int_eq(auth_resolve(db, bearer(org), &p, &e), 0);
        ck_assert_int_eq(p.role, ROLE_ORGANIZER);
    }
}
END_TEST

START_TEST(test_revoked_token_refused)
{
    char admin[TOKEN_MAX_LEN + 1], org[TOKEN_MAX_LEN + 1];
    struct principal p;

    new_account(ROLE_ADMIN, "Valde", admin);
    new_account(ROLE_ORGANIZER, "Birojs", org);
    ck_assert_int_eq(db_exec(db, "UPDATE api_tokens SET revoked_at = 1446000001 WHERE id = 2"), 0);
    expect_refused(bearer(org), ERR_UNAUTHORIZED);
    /* Only that token: the other account's still works. */
    ck_assert_int_eq(auth_resolve(db, bearer(admin), &p, &e), 0);
    ck_assert_int_eq(p.account_id, 1);
    /* A revoked token stays revoked even though its account remains. */
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM accounts WHERE id = 2"), 1);
    expect_refused(bearer(org), ERR_UNAUTHORIZED);
}
END_TEST

START_TEST(test_manage_token_opens_its_registration_only)
{
    char t1[TOKEN_MAX_LEN + 1], t2[TOKEN_MAX_LEN + 1], tok[TOKEN_MAX_LEN + 1];
    long long mid = new_meeting();
    long long r1 = new_registration(mid, "anna@example.lv", t1);
    long long r2 = new_registration(mid, "janis@example.lv", t2);
    struct principal p;
    char want[48];
    size_t n = strlen(t1);

    ck_assert_int_eq(strncmp(t1, "sr_", 3), 0);
    ck_assert_int_ne(r1, r2);
    ck_assert_int_eq(auth_resolve(db, bearer(t1), &p, &e), 0);
    ck_assert_int_eq(p.kind, PRINCIPAL_REGISTRATION);
    ck_assert_int_eq(p.registration_id, r1);
    ck_assert_int_eq(p.role, ROLE_NONE);
    ck_assert_int_eq(p.account_id, 0);
    snprintf(want, sizeof want, "registration:%lld", r1);
    ck_assert_str_eq(p.actor, want);
    ck_assert(auth_may_manage(&p, r1));
    ck_assert(!auth_may_manage(&p, r2));
    ck_assert(!auth_may_manage(&p, 0));
    ck_assert(!auth_is_organizer(&p));
    ck_assert(!auth_is_admin(&p));

    ck_assert_int_eq(auth_resolve(db, bearer(t2), &p, &e), 0);
    ck_assert_int_eq(p.registration_id, r2);
    ck_assert(auth_may_manage(&p, r2));
    ck_assert(!auth_may_manage(&p, r1));

    /* r1's secret under r2's id, a changed secret, an unknown row, and a
     * manage secret presented as an account token. */
    snprintf(tok, sizeof tok, "sr_%lld_%s", r2, t1 + n - TOKEN_SECRET_LEN);
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);
    snprintf(tok, sizeof tok, "%s", t1);
    flip(tok, n - 1);
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);
    snprintf(tok, sizeof tok, "sr_424242_%s", t1 + n - TOKEN_SECRET_LEN);
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);
    snprintf(tok, sizeof tok, "sa_%lld_%s", r1, t1 + n - TOKEN_SECRET_LEN);
    expect_refused(bearer(tok), ERR_UNAUTHORIZED);

    /* A cancelled registration's token still reads its registration. */
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_int_eq(reg_cancel(db, r1, NOW + 60, NULL, &e), 0);
    ck_assert_int_eq(db_commit(db), 0);
    ck_assert_int_eq(auth_resolve(db, bearer(t1), &p, &e), 0);
    ck_assert_int_eq(p.registration_id, r1);
}
END_TEST

START_TEST(test_storage_error_is_not_unauthorized)
{
    char admin[TOKEN_MAX_LEN + 1];

    new_account(ROLE_ADMIN, "Valde", admin);
    ck_assert_int_eq(db_exec(db, "DROP TABLE api_tokens"), 0);
    expect_refused(bearer(admin), ERR_INTERNAL);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("tokens");

    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_no_header_is_anonymous);
    tcase_add_test(tc, test_account_tokens_resolve_to_their_account_and_role);
    tcase_add_test(tc, test_token_create_refuses_a_bad_role);
    tcase_add_test(tc, test_wrong_and_malformed_tokens_refused);
    tcase_add_test(tc, test_revoked_token_refused);
    tcase_add_test(tc, test_manage_token_opens_its_registration_only);
    tcase_add_test(tc, test_storage_error_is_not_unauthorized);
    suite_add_tcase(s, tc);
    return s;
}
