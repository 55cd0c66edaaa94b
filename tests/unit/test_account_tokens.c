/* test_account_tokens.c - unit tests for core/domain/account_tokens (the
 * admin's list, create and revoke of account tokens) and token_use (their
 * last use, batched in memory), on a real migrated database.
 *
 * Must never: list a secret or hash, accept a bad name or role, let a
 * revoked token resolve, audit a revocation that changed nothing, or move a
 * last use backwards. */
#include "account_tokens.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "check_main.h"
#include "testdb.h"
#include "token_use.h"

#define NOW 1446000000LL

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

/* acct_token_create in a transaction: 0 with *out, or -1 with e. */
static int create(const char *json, json_t **out)
{
    json_t *in = json_loads(json, 0, NULL);
    int rc;

    ck_assert_ptr_nonnull(in);
    err_clear(&e);
    ck_assert_int_eq(db_begin(db), 0);
    rc = acct_token_create(db, in, NOW, "account:1", out, &e);
    if (rc == 0)
        ck_assert_int_eq(db_commit(db), 0);
    else
        db_rollback(db);
    json_decref(in);
    return rc;
}

static int revoke(long long id, long long now)
{
    json_t *out = NULL;
    int rc;

    err_clear(&e);
    ck_assert_int_eq(db_begin(db), 0);
    rc = acct_token_revoke(db, id, now, "account:1", &out, &e);
    if (rc == 0) {
        ck_assert_int_eq(db_commit(db), 0);
        ck_assert_int_eq(json_integer_value(json_object_get(out, "id")), id);
        ck_assert(json_is_true(json_object_get(out, "revoked")));
    } else {
        db_rollback(db);
    }
    json_decref(out);
    return rc;
}

static void bearer(const char *token, char *out, size_t n)
{
    snprintf(out, n, "Bearer %s", token);
}

START_TEST(test_bad_input_refused)
{
    static const struct {
        const char *json;
        enum err_code code;
        const char *field;
    } cases[] = {
        {"{}", ERR_MISSING_FIELD, "name"},
        {"{\"role\":\"admin\"}", ERR_MISSING_FIELD, "name"},
        {"{\"name\":\"  \",\"role\":\"admin\"}", ERR_MISSING_FIELD, "name"},
        {"{\"name\":\"A\"}", ERR_MISSING_FIELD, "role"},
        {"{\"name\":\"A\",\"role\":\"root\"}", ERR_INVALID_FIELD, "role"},
        {"{\"name\":\"A\",\"role\":\"Admin\"}", ERR_INVALID_FIELD, "role"},
        {"{\"name\":\"A\",\"role\":1}", ERR_INVALID_FIELD, "role"},
        {"{\"name\":5,\"role\":\"admin\"}", ERR_INVALID_FIELD, "name"},
        {"{\"name\":\"a\\u0007b\",\"role\":\"admin\"}", ERR_INVALID_FIELD, "name"},
        {"{\"name\":\"a\\nb\",\"role\":\"admin\"}", ERR_INVALID_FIELD, "name"},
        {"{\"name\":\"a\\u0085b\",\"role\":\"admin\"}", ERR_INVALID_FIELD, "name"},
        {"{\"name\":\"A\",\"role\":\"admin\",\"token\":\"x\"}", ERR_UNKNOWN_FIELD, "token"},
    };
    char longname[202];
    json_t *out = NULL;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(create(cases[i].json, &out) == -1, "accepted %s", cases[i].json);
        ck_assert_msg(e.code == cases[i].code, "%s: code %d", cases[i].json, e.code);
        ck_assert_str_eq(e.field, cases[i].field);
        ck_assert_ptr_null(out);
    }
    /* 100 characters (two bytes each) pass, 101 do not. */
    memset(longname, 0, sizeof longname);
    for (int i = 0; i < 100; i++)
        memcpy(longname + 2 * i, "\xc4\x81", 2); /* ā */
    {
        char json[512];
        snprintf(json, sizeof json, "{\"name\":\"%s\",\"role\":\"organizer\"}", longname);
        ck_assert_int_eq(create(json, &out), 0);
        json_decref(out);
        snprintf(json, sizeof json, "{\"name\":\"%sx\",\"role\":\"organizer\"}", longname);
        ck_assert_int_eq(create(json, &out), -1);
        ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
    }
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM api_tokens"), 1);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM accounts"), 1);
}
END_TEST

START_TEST(test_create_list_revoke)
{
    json_t *a = NULL, *b = NULL, *list, *o;
    char h[TOKEN_MAX_LEN + 16];
    struct principal p;
    long long ida, idb;
    const char *tok;
    char *text;

    ck_assert_int_eq(create("{\"name\":\" Lapas \",\"role\":\"organizer\"}", &a), 0);
    ck_assert_int_eq(create("{\"name\":\"Valde\",\"role\":\"admin\"}", &b), 0);
    ida = json_integer_value(json_object_get(a, "id"));
    idb = json_integer_value(json_object_get(b, "id"));
    ck_assert_int_gt(ida, 0);
    ck_assert_int_gt(idb, ida);
    ck_assert_str_eq(json_string_value(json_object_get(a, "name")), "Lapas");
    ck_assert_str_eq(json_string_value(json_object_get(a, "role")), "organizer");
    ck_assert_str_eq(json_string_value(json_object_get(a, "created_at")), "2015-10-28T02:40:00Z");
    tok = json_string_value(json_object_get(a, "token"));
    ck_assert_int_eq(strncmp(tok, "sa_", 3), 0);
    /* The token works, with its role. */
    bearer(tok, h, sizeof h);
    ck_assert_int_eq(auth_resolve(db, h, &p, &e), 0);
    ck_assert_int_eq(p.role, ROLE_ORGANIZER);
    ck_assert_int_eq(p.token_id, ida);
    /* The list: both, no secret, no hash. */
    list = acct_token_list(db, NULL, &e);
    ck_assert_ptr_nonnull(list);
    ck_assert_uint_eq(json_array_size(list), 2);
    o = json_array_get(list, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(o, "id")), ida);
    ck_assert_uint_eq(json_object_size(o), 6);
    ck_assert(json_is_null(json_object_get(o, "last_used_at")));
    ck_assert(json_is_null(json_object_get(o, "revoked_at")));
    text = json_dumps(list, 0);
    ck_assert_ptr_null(strstr(text, tok + strlen(tok) - TOKEN_SECRET_LEN));
    ck_assert_ptr_null(strstr(text, "hash"));
    free(text);
    json_decref(list);
    /* Revoke: refused from now on; again changes nothing; unknown 404. */
    ck_assert_int_eq(revoke(ida, NOW + 10), 0);
    ck_assert_int_eq(auth_resolve(db, h, &p, &e), -1);
    ck_assert_int_eq(e.code, ERR_UNAUTHORIZED);
    ck_assert_int_eq(revoke(ida, NOW + 20), 0);
    ck_assert_int_eq(testdb_int(db, "SELECT revoked_at FROM api_tokens WHERE id = %lld", ida),
                     NOW + 10);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log WHERE action = 'token.revoke'"),
                     1);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM audit_log WHERE action = 'token.create'"
                                    " AND detail NOT LIKE '%%sa_%%'"), 2);
    ck_assert_int_eq(revoke(999, NOW), -1);
    ck_assert_int_eq(e.code, ERR_NOT_FOUND);
    /* The other token still works. */
    bearer(json_string_value(json_object_get(b, "token")), h, sizeof h);
    ck_assert_int_eq(auth_resolve(db, h, &p, &e), 0);
    ck_assert_int_eq(p.role, ROLE_ADMIN);
    list = acct_token_list(db, NULL, &e);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "revoked_at")),
                     "2015-10-28T02:40:10Z");
    json_decref(list);
    json_decref(a);
    json_decref(b);
}
END_TEST

START_TEST(test_token_use_batches)
{
    struct token_use *u = tuse_new();
    struct token_use_entry *list = NULL;
    json_t *a = NULL, *l;
    long long id;
    size_t n;

    ck_assert_ptr_nonnull(u);
    ck_assert_uint_eq(tuse_take(u, &list), 0);
    ck_assert_ptr_null(list);
    /* Many ids: the table grows; the latest time per id wins. */
    for (long long i = 1; i <= 1000; i++) {
        tuse_note(u, i, NOW + i);
        tuse_note(u, i, NOW); /* older: ignored */
    }
    tuse_note(u, 0, NOW);
    tuse_note(u, -5, NOW);
    ck_assert_int_eq(tuse_last(u, 500), NOW + 500);
    ck_assert_int_eq(tuse_last(u, 5000), 0);
    n = tuse_take(u, &list);
    ck_assert_uint_eq(n, 1000);
    free(list);
    ck_assert_uint_eq(tuse_take(u, &list), 0);
    ck_assert_int_eq(tuse_last(u, 500), NOW + 500); /* still known after the take */

    /* Stored: only forwards, and only for the token named. */
    ck_assert_int_eq(create("{\"name\":\"A\",\"role\":\"organizer\"}", &a), 0);
    id = json_integer_value(json_object_get(a, "id"));
    json_decref(a);
    tuse_note(u, id, NOW + 5000);
    n = tuse_take(u, &list);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(db_begin(db), 0);
    ck_assert_int_eq(tuse_store(db, list, n, &e), 0);
    ck_assert_int_eq(db_commit(db), 0);
    free(list);
    ck_assert_int_eq(testdb_int(db, "SELECT last_used_at FROM api_tokens WHERE id = %lld", id),
                     NOW + 5000);
    {
        struct token_use_entry old = {id, NOW + 100};
        ck_assert_int_eq(db_begin(db), 0);
        ck_assert_int_eq(tuse_store(db, &old, 1, &e), 0);
        ck_assert_int_eq(db_commit(db), 0);
    }
    ck_assert_int_eq(testdb_int(db, "SELECT last_used_at FROM api_tokens WHERE id = %lld", id),
                     NOW + 5000);
    /* The list shows the later of memory and the database. */
    tuse_note(u, id, NOW + 6000);
    l = acct_token_list(db, u, &e);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(l, 0), "last_used_at")),
                     "2015-10-28T04:20:00Z");
    json_decref(l);
    l = acct_token_list(db, NULL, &e);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(l, 0), "last_used_at")),
                     "2015-10-28T04:03:20Z");
    json_decref(l);
    tuse_free(u);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("account_tokens");
    TCase *tc = tcase_create("account_tokens");

    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_bad_input_refused);
    tcase_add_test(tc, test_create_list_revoke);
    tcase_add_test(tc, test_token_use_batches);
    suite_add_tcase(s, tc);
    return s;
}
