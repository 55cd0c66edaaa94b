/* test_router.c - route tables and path matching (core/http/router.c). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "router.h"

static void h_list(struct http_ctx *c) { (void)c; }
static void h_create(struct http_ctx *c) { (void)c; }
static void h_get(struct http_ctx *c) { (void)c; }
static void h_item(struct http_ctx *c) { (void)c; }
static void h_ics(struct http_ctx *c) { (void)c; }

static const struct route table[] = {
    {"/api/v1/meetings", ROUTE_GET, h_list},
    {"/api/v1/meetings", ROUTE_POST, h_create},
    {"/api/v1/meetings/{id}", ROUTE_GET, h_get},
    {"/api/v1/meetings/{id}/agenda/{id}", ROUTE_PATCH, h_item},
    {"/api/v1/meetings/{id}/agenda/{id}", ROUTE_DELETE, h_item},
    {"/api/v1/meetings/{id}/agenda.ics", ROUTE_GET, h_ics},
    {NULL, 0, NULL},
};

static struct router *r;

static void setup(void)
{
    r = router_new();
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(router_add(r, table), 0);
}

static void teardown(void) { router_free(r); }

START_TEST(test_literal_routes_by_method)
{
    struct route_match m;

    ck_assert_int_eq(router_find(r, ROUTE_GET, "/api/v1/meetings", &m), 1);
    ck_assert(m.route->handler == h_list);
    ck_assert_int_eq(router_find(r, ROUTE_POST, "/api/v1/meetings", &m), 1);
    ck_assert(m.route->handler == h_create);
    ck_assert_uint_eq(m.allowed, ROUTE_GET | ROUTE_POST);
}
END_TEST

START_TEST(test_ids_are_captured_in_order)
{
    struct route_match m;

    ck_assert_int_eq(router_find(r, ROUTE_PATCH, "/api/v1/meetings/12/agenda/345", &m), 1);
    ck_assert(m.route->handler == h_item);
    ck_assert_int_eq(m.ids[0], 12);
    ck_assert_int_eq(m.ids[1], 345);
    ck_assert_int_eq(router_find(r, ROUTE_GET, "/api/v1/meetings/7/agenda.ics", &m), 1);
    ck_assert(m.route->handler == h_ics);
    ck_assert_int_eq(m.ids[0], 7);
    ck_assert_int_eq(m.ids[1], 0);
}
END_TEST

START_TEST(test_wrong_method_lists_allowed)
{
    struct route_match m;
    char allow[64];

    ck_assert_int_eq(router_find(r, ROUTE_PUT, "/api/v1/meetings/3/agenda/4", &m), 0);
    ck_assert_ptr_null(m.route);
    ck_assert_uint_eq(m.allowed, ROUTE_PATCH | ROUTE_DELETE);
    router_allow_text(m.allowed, allow, sizeof allow);
    ck_assert_str_eq(allow, "PATCH, DELETE");
}
END_TEST

START_TEST(test_bad_ids)
{
    static const char *const bad[] = {
        "/api/v1/meetings/0", "/api/v1/meetings/-1", "/api/v1/meetings/1x",
        "/api/v1/meetings/1234567890123456", "/api/v1/meetings/%31",
    };
    struct route_match m;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(router_find(r, ROUTE_GET, bad[i], &m) == 0, "%s matched", bad[i]);
        ck_assert_msg(m.bad_id == 1, "%s: bad_id not set", bad[i]);
        ck_assert_uint_eq(m.allowed, 0);
    }
    /* 15 digits is the most an id may have. */
    ck_assert_int_eq(router_find(r, ROUTE_GET, "/api/v1/meetings/123456789012345", &m), 1);
    ck_assert_int_eq(m.ids[0], 123456789012345LL);
}
END_TEST

START_TEST(test_no_route)
{
    static const char *const none[] = {
        "/", "/api/v1/meeting", "/api/v1/meetings/1/", "/api/v1/meetings/1/agenda",
        "/api/v1/meetingsX", "/api/v1/meetings/1/agenda/2/x", "",
    };
    struct route_match m;

    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        ck_assert_msg(router_find(r, ROUTE_GET, none[i], &m) == 0, "'%s' matched", none[i]);
        ck_assert_msg(m.allowed == 0 && m.bad_id == 0, "'%s': allowed %u bad_id %d",
                      none[i], m.allowed, m.bad_id);
    }
}
END_TEST

START_TEST(test_malformed_tables_refused)
{
    static const struct route no_slash[] = {{"api", ROUTE_GET, h_get}, {NULL, 0, NULL}};
    static const struct route half_segment[] = {{"/m{id}", ROUTE_GET, h_get}, {NULL, 0, NULL}};
    static const struct route other_param[] = {{"/m/{x}", ROUTE_GET, h_get}, {NULL, 0, NULL}};
    static const struct route two_methods[] = {{"/m", ROUTE_GET | ROUTE_POST, h_get},
                                               {NULL, 0, NULL}};
    static const struct route no_handler[] = {{"/m", ROUTE_GET, NULL}, {NULL, 0, NULL}};
    static const struct route three_ids[] = {{"/a/{id}/b/{id}/c/{id}", ROUTE_GET, h_get},
                                             {NULL, 0, NULL}};
    static const struct route twice[] = {{"/m/{id}", ROUTE_GET, h_get},
                                         {"/m/{id}", ROUTE_GET, h_item}, {NULL, 0, NULL}};
    struct router *t = router_new();

    ck_assert_int_eq(router_add(t, no_slash), -1);
    ck_assert_int_eq(router_add(t, half_segment), -1);
    ck_assert_int_eq(router_add(t, other_param), -1);
    ck_assert_int_eq(router_add(t, two_methods), -1);
    ck_assert_int_eq(router_add(t, no_handler), -1);
    ck_assert_int_eq(router_add(t, three_ids), -1);
    ck_assert_int_eq(router_add(t, twice), -1);
    router_free(t);
}
END_TEST

START_TEST(test_full_router_refuses_more)
{
    static struct route many[ROUTER_MAX_ROUTES + 2];
    struct router *t = router_new();

    static char patterns[ROUTER_MAX_ROUTES + 1][16];

    for (int i = 0; i <= ROUTER_MAX_ROUTES; i++) {
        snprintf(patterns[i], sizeof patterns[i], "/x%d", i);
        many[i] = (struct route){patterns[i], ROUTE_GET, h_get};
    }
    many[ROUTER_MAX_ROUTES + 1] = (struct route){NULL, 0, NULL};
    ck_assert_int_eq(router_add(t, many), -1);
    router_free(t);
}
END_TEST

/* "{id}.ics": the id runs to the first '.', the rest must be the suffix. */
START_TEST(test_id_with_suffix)
{
    static const struct route ics[] = {
        {"/cal/{id}.ics", ROUTE_GET, h_ics},
        {NULL, 0, NULL},
    };
    struct router *t = router_new();
    struct route_match m;

    ck_assert_int_eq(router_add(t, ics), 0);
    ck_assert_int_eq(router_find(t, ROUTE_GET, "/cal/42.ics", &m), 1);
    ck_assert_int_eq(m.ids[0], 42);
    ck_assert_int_eq(router_find(t, ROUTE_GET, "/cal/42.ics.x", &m), 0);
    ck_assert_int_eq(m.bad_id, 0);
    ck_assert_int_eq(router_find(t, ROUTE_GET, "/cal/42", &m), 0);
    ck_assert_int_eq(router_find(t, ROUTE_GET, "/cal/x.ics", &m), 0);
    ck_assert_int_eq(m.bad_id, 1);
    ck_assert_int_eq(router_find(t, ROUTE_GET, "/cal/.ics", &m), 0);
    ck_assert_int_eq(m.bad_id, 1);
    router_free(t);
}
END_TEST

/* {name}: one text segment; {*}: the rest of the path. */
START_TEST(test_names_and_rest)
{
    static const struct route named[] = {
        {"/api/v1/admin/plugins/{name}", ROUTE_GET, h_get},
        {"/api/v1/meetings/{id}/plugins/{name}", ROUTE_PUT, h_item},
        {"/api/v1/meetings/{id}/plugins/{name}/{*}", ROUTE_GET, h_list},
        {"/api/v1/meetings/{id}/plugins/{name}/{*}", ROUTE_POST, h_create},
        {NULL, 0, NULL},
    };
    static const struct route two_names[] = {{"/a/{name}/{name}", ROUTE_GET, h_get},
                                             {NULL, 0, NULL}};
    static const struct route rest_inside[] = {{"/a/{*}/b", ROUTE_GET, h_get},
                                               {NULL, 0, NULL}};
    struct router *t = router_new();
    struct route_match m;

    ck_assert_int_eq(router_add(t, named), 0);
    ck_assert_int_eq(router_find(t, ROUTE_GET, "/api/v1/admin/plugins/municipality-quota", &m), 1);
    ck_assert_str_eq(m.name, "municipality-quota");
    ck_assert_ptr_null(m.rest);
    ck_assert_int_eq(router_find(t, ROUTE_GET, "/api/v1/admin/plugins/Bad_Name", &m), 0);
    ck_assert_int_eq(router_find(t, ROUTE_GET, "/api/v1/meetings/3/plugins/cp/activities/7/signups",
                                 &m), 1);
    ck_assert_ptr_eq(m.route->handler, h_list);
    ck_assert_int_eq(m.ids[0], 3);
    ck_assert_str_eq(m.name, "cp");
    ck_assert_str_eq(m.rest, "/activities/7/signups");
    ck_assert_int_eq(router_find(t, ROUTE_DELETE, "/api/v1/meetings/3/plugins/cp/x", &m), 0);
    ck_assert_uint_eq(m.allowed, ROUTE_GET | ROUTE_POST);
    /* {*} needs at least one segment */
    ck_assert_int_eq(router_find(t, ROUTE_GET, "/api/v1/meetings/3/plugins/cp", &m), 0);
    ck_assert_uint_eq(m.allowed, ROUTE_PUT);
    ck_assert_int_eq(router_add(t, two_names), -1);
    ck_assert_int_eq(router_add(t, rest_inside), -1);
    router_free(t);
}
END_TEST

/* A path deeper than any route can be is simply not found. */
START_TEST(test_deep_path_not_found)
{
    char path[512] = "";
    struct route_match m;

    for (int i = 0; i < 40; i++)
        strcat(path, "/a");
    ck_assert_int_eq(router_find(r, ROUTE_GET, path, &m), 0);
    ck_assert_int_eq(m.allowed, 0);
    ck_assert_int_eq(router_find(r, ROUTE_GET, "api/v1/meetings", &m), 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("match");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_literal_routes_by_method);
    tcase_add_test(tc, test_ids_are_captured_in_order);
    tcase_add_test(tc, test_wrong_method_lists_allowed);
    tcase_add_test(tc, test_bad_ids);
    tcase_add_test(tc, test_no_route);
    tcase_add_test(tc, test_malformed_tables_refused);
    tcase_add_test(tc, test_full_router_refuses_more);
    tcase_add_test(tc, test_id_with_suffix);
    tcase_add_test(tc, test_deep_path_not_found);
    tcase_add_test(tc, test_names_and_rest);
    suite_add_tcase(s, tc);
    return s;
}
