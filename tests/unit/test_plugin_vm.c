/* test_plugin_vm.c - a plugin's sandbox and host table (core/plugin/plugin_vm.c)
 * and what its SQL may touch (core/plugin/plugin_sql.c): loading errors
 * name file and line, the host table cannot be changed, hooks and routes
 * run with refuse/fail, and SQLite's authorizer keeps the plugin to its own
 * tables and the views its manifest reads. */
#include "plugin_vm.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "plugin_reg_view.h"
#include "plugin_manifest.h"
#include "plugin_sql.h"
#include "testdb.h"

static struct testdb t;
static struct db *db;
static struct err e;

static void setup(void)
{
    db = testdb_open(&t);
    err_clear(&e);
    ck_assert_int_eq(db_exec(db, "CREATE TABLE p_demo_notes (id INTEGER PRIMARY KEY, note TEXT);"
                                 "CREATE TABLE p_other_secrets (x TEXT);"
                                 "INSERT INTO p_other_secrets VALUES ('hidden');"
                                 "INSERT INTO meetings (id, title, starts_on, ends_on, capacity,"
                                 " created_at, updated_at) VALUES (1, 'M', '2030-01-01',"
                                 " '2030-01-02', 10, 0, 0), (2, 'N', '2030-01-01',"
                                 " '2030-01-02', 10, 0, 0);"),
                     0);
}

static void teardown(void) { testdb_cleanup(&t); }

static struct plugin_vm *load(const char *lua, unsigned reads)
{
    struct plugin_code code = {"demo", "1.0.0", reads, lua, strlen(lua), NULL, NULL};

    return plugin_vm_load(&code, &e);
}

/* Runs the first route of a plugin whose route body is `body`; returns the
 * call's rc and leaves the result in *call. */
static int run_route(const char *body, unsigned reads, struct plugin_call *call)
{
    char lua[4096];
    struct plugin_vm *vm;
    json_t *req = json_object();
    int rc;

    snprintf(lua, sizeof lua,
             "saiets.route('GET', '/x', function(req)\n%s\nend, {auth = 'public'})", body);
    vm = load(lua, reads);
    ck_assert_msg(vm != NULL, "load: %s", e.message);
    memset(call, 0, sizeof *call);
    call->db = db;
    call->meeting_id = 1;
    call->lang = "lv";
    rc = plugin_vm_route(vm, 0, req, call, &e);
    json_decref(req);
    plugin_vm_free(vm);
    return rc;
}

/* The route must fail and its message hold `want`. */
static void route_refused(const char *body, unsigned reads, const char *want)
{
    struct plugin_call call;

    ck_assert_msg(run_route(body, reads, &call) == -1, "%s: ran", body);
    ck_assert_int_eq(e.code, ERR_PLUGIN_FAILED);
    ck_assert_msg(strstr(e.message, want) != NULL, "%s: message '%s' lacks '%s'", body,
                  e.message, want);
    json_decref(call.result);
}

START_TEST(test_load_errors_name_file_and_line)
{
    ck_assert_ptr_null(load("local x = 1\nlocal y = (\n", 0));
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    ck_assert_msg(strstr(e.message, "demo/plugin.lua:") != NULL, "%s", e.message);
    ck_assert_ptr_null(load("\n\nerror('boom')", 0));
    ck_assert_msg(strstr(e.message, "demo/plugin.lua:3: boom") != NULL, "%s", e.message);
    ck_assert_ptr_null(load("saiets.on('registration.nope', function() end)", 0));
    ck_assert_msg(strstr(e.message, "unknown event 'registration.nope'") != NULL, "%s",
                  e.message);
    ck_assert_ptr_null(load("saiets.route('GET', 'x/../y', function() end)", 0));
    ck_assert_msg(strstr(e.message, "must start with '/'") != NULL, "%s", e.message);
    ck_assert_ptr_null(load("saiets.route('GET', '/a', function() end, {auth = 'root'})", 0));
    ck_assert_msg(strstr(e.message, "auth must be") != NULL, "%s", e.message);
    ck_assert_ptr_null(load("saiets.db.one('SELECT 1')", 0));
    ck_assert_msg(strstr(e.message, "no database while plugin.lua loads") != NULL, "%s",
                  e.message);
    ck_assert_ptr_null(load("while true do end", 0));
    ck_assert_msg(strstr(e.message, "budget") != NULL || strstr(e.message, "time") != NULL,
                  "%s", e.message);
}
END_TEST

START_TEST(test_host_table_read_only)
{
    ck_assert_ptr_null(load("saiets.on = nil", 0));
    ck_assert_msg(strstr(e.message, "read-only") != NULL, "%s", e.message);
    ck_assert_ptr_null(load("saiets.db.one = print", 0));
    ck_assert_msg(strstr(e.message, "read-only") != NULL, "%s", e.message);
    ck_assert_ptr_null(load("rawset(saiets, 'on', 1)", 0));
    ck_assert_ptr_null(load("setmetatable(saiets, {})", 0));
    ck_assert_ptr_null(load("assert(getmetatable(saiets) == 'saiets'); saiets.x = 1", 0));
    ck_assert_msg(strstr(e.message, "read-only") != NULL, "%s", e.message);
}
END_TEST

START_TEST(test_hooks_and_refusal)
{
    struct plugin_vm *vm = load(
        "local seen = 0\n"
        "saiets.on('registration.confirmed', function(ev) seen = seen + ev.n end)\n"
        "saiets.on('registration.validate', function(ev)\n"
        "  if ev.n > 1 then return saiets.refuse('organisation', 'too many: ' .. ev.n) end\n"
        "end)\n"
        "saiets.route('GET', '/seen', function(req) return {status = 200, body = {seen = seen}} end)",
        0);
    struct plugin_call call = {.db = db, .meeting_id = 1};
    json_t *ev = json_pack("{s:i}", "n", 1), *ev2 = json_pack("{s:i}", "n", 2), *req = json_object();

    ck_assert_msg(vm != NULL, "%s", e.message);
    ck_assert(plugin_vm_has_hook(vm, PLUGIN_EV_CONFIRMED));
    ck_assert(!plugin_vm_has_hook(vm, PLUGIN_EV_CANCELLED));
    ck_assert_int_eq(plugin_vm_hook(vm, PLUGIN_EV_CONFIRMED, ev, &call, &e), 0);
    ck_assert_int_eq(plugin_vm_hook(vm, PLUGIN_EV_VALIDATE, ev, &call, &e), 0);
    ck_assert(!call.refused);
    ck_assert_int_eq(plugin_vm_hook(vm, PLUGIN_EV_VALIDATE, ev2, &call, &e), 0);
    ck_assert(call.refused);
    ck_assert_str_eq(call.field, "organisation");
    ck_assert_str_eq(call.message, "too many: 2");
    memset(&call, 0, sizeof call);
    call.db = db;
    ck_assert_int_eq(plugin_vm_route(vm, 0, req, &call, &e), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(call.result, "body"),
                                                        "seen")),
                     1);
    json_decref(call.result);
    json_decref(ev);
    json_decref(ev2);
    json_decref(req);
    plugin_vm_free(vm);
}
END_TEST

static void push_view(lua_State *L, void *arg)
{
    lua_createtable(L, 0, 1);
    plugin_reg_view_push(L, arg);
    lua_setfield(L, -2, "registration");
}

START_TEST(test_registration_view)
{
    struct plugin_vm *vm = load(
        "kept = nil\n"
        "saiets.on('registration.confirmed', function(ev)\n"
        "  local r = ev.registration\n"
        "  assert(type(r) == 'userdata')\n"
        "  assert(r.id == 7 and r.meeting == 1 and r.first_name == 'Ilze', 'fields')\n"
        "  assert(r.organisation == 'Rēzeknes novads' and r.organisation_id == saiets.json.null)\n"
        "  assert(r.position == saiets.json.null and r.phone == '+371 2000')\n"
        "  assert(r.status == 'waitlisted' and r.waitlist_position == 3)\n"
        "  assert(r.created_at == '2030-01-01T00:00:00Z', r.created_at)\n"
        "  assert(r.answers.diet == 'zivs' and r.answers == r.answers)\n"
        "  assert(r.nope == nil)\n"
        "  local keys = {}\n"
        "  for k, v in pairs(r) do keys[#keys + 1] = k end\n"
        "  assert(table.concat(keys, ',') == 'id,meeting,first_name,last_name,email,organisation,'\n"
        "    .. 'organisation_id,position,phone,status,waitlist_position,created_at,updated_at,'\n"
        "    .. 'answers', table.concat(keys, ','))\n"
        "  assert(not pcall(function() r.status = 'confirmed' end))\n"
        "  assert(getmetatable(r) == 'saiets.registration')\n"
        "  if kept then assert(kept.first_name == 'Ilze' and kept.answers.diet == 'zivs') end\n"
        "  kept = r\n"
        "end)\n",
        0);
    struct plugin_call call = {.db = db, .meeting_id = 1};
    struct registration r;

    ck_assert_msg(vm != NULL, "%s", e.message);
    memset(&r, 0, sizeof r);
    r.id = 7;
    r.meeting_id = 1;
    strcpy(r.first_name, "Ilze");
    strcpy(r.last_name, "Bērziņa");
    strcpy(r.email, "ilze@example.lv");
    strcpy(r.organisation, "Rēzeknes novads");
    strcpy(r.phone, "+371 2000");
    strcpy(r.status, "waitlisted");
    r.waitlist_position = 3;
    r.created_at = r.updated_at = 1893456000;
    r.answers = json_pack("{s:s}", "diet", "zivs");
    for (int i = 0; i < 2; i++)
        ck_assert_msg(plugin_vm_hook_push(vm, PLUGIN_EV_CONFIRMED, push_view, &r, &call, &e) == 0,
                      "%s", e.message);
    json_decref(r.answers);
    plugin_vm_free(vm);
}
END_TEST

START_TEST(test_route_fail_and_errors)
{
    struct plugin_call call;

    ck_assert_int_eq(run_route("return saiets.fail(409, 'full', 'no seats left')", 0, &call), 0);
    ck_assert(call.failed);
    ck_assert_int_eq(call.status, 409);
    ck_assert_str_eq(call.code, "full");
    ck_assert_str_eq(call.message, "no seats left");
    route_refused("local t = nil; return t.x", 0, "demo/plugin.lua:2:");
    route_refused("return nil", 0, "returned nothing");
    route_refused("return {f = function() end}", 0, "not plain data");
    /* pcall cannot swallow the budget */
    route_refused("while true do pcall(function() while true do end end) end", 0, "budget");
}
END_TEST

/* The sandbox a plugin gets: no way out, budgets that hold, plain data only. */
START_TEST(test_isolation_and_budgets)
{
    static const struct {
        const char *body, *want;
    } bad[] = {
        {"return io.open('/etc/passwd')", "io"},
        {"return os.execute('true')", "execute"},
        {"return require('os')", "require"},
        {"return load('return 1')()", "load"},
        {"return dofile('/etc/passwd')", "dofile"},
        {"return debug.getinfo(1)", "debug"},
        {"return string.dump(print)", "dump"},
        {"return collectgarbage()", "collectgarbage"},
        /* a limit: memory, or under a slow build the clock first */
        {"local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100000) .. i end", "exceeded"},
        {"local s = ('x'):rep(1024) while true do s = s .. s end", "memory"},
        {"local t = {} t.self = t return {status = 200, body = t}", "contains itself"},
        {"local t = {} local c = t for i = 1, 100 do c.x = {} c = c.x end "
         "return {status = 200, body = t}", "nested too deeply"},
        {"return {status = 200, body = {s = '\xff'}}", "UTF-8"},
        {"getmetatable('').__index = {}", "attempt to index"},
        {"_G.saiets = nil return {status = 200, body = {}}", ""},
    };
    char body[512];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct plugin_call call;

        snprintf(body, sizeof body, "%s", bad[i].body);
        if (bad[i].want[0] == '\0') {
            /* replacing its own global changes nothing for the host */
            ck_assert_int_eq(run_route(body, 0, &call), 0);
            json_decref(call.result);
            continue;
        }
        route_refused(body, 0, bad[i].want);
    }
}
END_TEST

/* saiets.time in the meeting's zone (Europe/Riga: UTC+2 in November). */
START_TEST(test_time_in_the_meeting_zone)
{
    struct plugin_call call;
    json_t *body;

    ck_assert_int_eq(run_route("return {status = 200, body = {\n"
                               "  zone = saiets.time.zone(),\n"
                               "  wall = saiets.time.to_local('2015-11-05T08:00:00Z'),\n"
                               "  wall2 = saiets.time.to_local(1446710400),\n"
                               "  utc = saiets.time.to_utc('2015-11-05T10:00')}}",
                               0, &call),
                     0);
    body = json_object_get(call.result, "body");
    ck_assert_str_eq(json_string_value(json_object_get(body, "zone")), "Europe/Riga");
    ck_assert_str_eq(json_string_value(json_object_get(body, "wall")), "2015-11-05T10:00");
    ck_assert_str_eq(json_string_value(json_object_get(body, "wall2")), "2015-11-05T10:00");
    ck_assert_int_eq(json_integer_value(json_object_get(body, "utc")), 1446710400);
    json_decref(call.result);
    route_refused("return saiets.time.to_utc('soon')", 0, "wall time");
}
END_TEST

START_TEST(test_own_tables)
{
    struct plugin_call call;

    ck_assert_int_eq(run_route("local r = saiets.db.exec('INSERT INTO p_demo_notes (note) VALUES (?)', 'ā')\n"
                               "local one = saiets.db.one('SELECT note FROM p_demo_notes WHERE id = ?', r.last_id)\n"
                               "local all = saiets.db.rows('SELECT id, note FROM p_demo_notes')\n"
                               "return {status = 200, body = {n = #all, note = one.note, changes = r.changes}}",
                               0, &call),
                     0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(call.result, "body"), "note")),
                     "ā");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(call.result, "body"), "n")),
                     1);
    json_decref(call.result);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM p_demo_notes"), 1);
}
END_TEST

START_TEST(test_authorizer_refuses)
{
    static const struct {
        const char *sql, *want;
    } bad[] = {
        {"SELECT * FROM registrations", "reading the table registrations"},
        {"SELECT * FROM p_other_secrets", "reading the table p_other_secrets"},
        {"SELECT name FROM sqlite_master", "reading the table sqlite_master"},
        {"SELECT name FROM sqlite_schema", "reading the table"},
        {"SELECT * FROM saiets_registrations", "reading the table"},
        {"UPDATE meetings SET title = 'x'", "not allowed"},
        {"DELETE FROM p_other_secrets", "writing the table p_other_secrets"},
        {"INSERT INTO p_demo_notes (note) SELECT title FROM meetings", "reading the table meetings"},
        {"BEGIN", "BEGIN, COMMIT and ROLLBACK"},
        {"COMMIT", "BEGIN, COMMIT and ROLLBACK"},
        {"ROLLBACK", "BEGIN, COMMIT and ROLLBACK"},
        {"SAVEPOINT x", "savepoints"},
        {"RELEASE x", "savepoints"},
        {"PRAGMA writable_schema = 1", "PRAGMA"},
        {"PRAGMA table_info(registrations)", "PRAGMA"},
        {"ATTACH DATABASE ':memory:' AS x", "ATTACH"},
        {"VACUUM", "VACUUM"},
        {"CREATE TABLE p_demo_new (x)", "only a plugin's migrations may"},
        {"CREATE TEMP TABLE p_demo_t (x)", "not allowed"},
        {"CREATE VIEW p_demo_v AS SELECT * FROM registrations", "not allowed"},
        {"CREATE TRIGGER p_demo_tr AFTER INSERT ON p_demo_notes BEGIN DELETE FROM meetings; END",
         "not allowed"},
        {"DROP TABLE p_demo_notes", "not allowed"},
        {"SELECT load_extension('x')", "the function load_extension"},
        {"SELECT 1; SELECT 2", "one statement at a time"},
        {"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
         "ran too long"},
        /* a table named with no column read (count(*), SELECT 1): still checked */
        {"SELECT count(*) FROM api_tokens", "reading the table api_tokens"},
        {"SELECT 1 AS x FROM people", "reading the table people"},
        {"SELECT (SELECT count(*) FROM registrations) AS n", "reading the table registrations"},
        {"SELECT length(randomblob(100000000)) AS n", "too big"},
    };
    char body[512];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, "return saiets.db.rows(\"%s\")", bad[i].sql);
        route_refused(body, 0, bad[i].want);
    }
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM p_other_secrets"), 1);
}
END_TEST

/* A plugin that reads registrations sees its meeting's, through the view. */
START_TEST(test_views_scoped_to_the_meeting)
{
    struct plugin_call call;

    ck_assert_int_eq(db_exec(db, "INSERT INTO people (id, email, email_key, created_at)"
                                 " VALUES (1, 'a@x.lv', 'a@x.lv', 0), (2, 'b@x.lv', 'b@x.lv', 0);"
                                 "INSERT INTO registrations (meeting_id, person_id, first_name,"
                                 " last_name, email, organisation_name, status, token_hash,"
                                 " created_at, updated_at) VALUES"
                                 " (1, 1, 'A', 'A', 'a@x.lv', 'Rēzekne', 'confirmed', x'00', 0, 0),"
                                 " (2, 2, 'B', 'B', 'b@x.lv', 'Ludza', 'confirmed', x'00', 0, 0);"),
                     0);
    ck_assert_int_eq(run_route("local r = saiets.db.rows('SELECT organisation FROM saiets_registrations')\n"
                               "local m = saiets.db.one('SELECT title FROM saiets_meetings')\n"
                               "return {status = 200, body = {n = #r, org = r[1].organisation, title = m.title}}",
                               PLUGIN_READ_REGISTRATIONS | PLUGIN_READ_MEETINGS, &call),
                     0);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(call.result, "body"), "n")),
                     1);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(call.result, "body"), "org")),
                     "Rēzekne");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(call.result, "body"), "title")),
                     "M");
    json_decref(call.result);
    /* the host itself sees no rows through the views: no meeting */
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM saiets_registrations"), 0);
}
END_TEST

START_TEST(test_migration_mode)
{
    static const char *const refused[] = {
        "CREATE TABLE registrations2 (x)",
        "CREATE INDEX p_demo_r ON registrations(email)",
        "CREATE INDEX other_name ON p_demo_items(name)",
        "DROP TABLE p_other_secrets",
        "SELECT * FROM sqlite_master",
        "INSERT INTO p_demo_items (name) SELECT title FROM meetings",
        "CREATE VIEW p_demo_v AS SELECT * FROM p_demo_items",
        "CREATE TRIGGER p_demo_t AFTER INSERT ON p_demo_items BEGIN SELECT 1; END",
        "BEGIN",
        "PRAGMA foreign_keys = OFF",
    };
    struct plugin_sql_policy p;
    char err[200];

    plugin_sql_policy_init(&p, "demo", 0, PLUGIN_SQL_MIGRATE);
    ck_assert_msg(plugin_sql_run_script(db, &p,
                                        "CREATE TABLE p_demo_items (id INTEGER PRIMARY KEY,"
                                        " name TEXT);\n"
                                        "CREATE INDEX p_demo_items_name ON p_demo_items(name);\n"
                                        "CREATE TABLE p_demo_pairs (a TEXT, b TEXT, PRIMARY KEY (a, b));\n"
                                        "CREATE TABLE p_demo_u (x TEXT UNIQUE);\n"
                                        "ALTER TABLE p_demo_items ADD COLUMN extra TEXT;\n"
                                        "INSERT INTO p_demo_items (name) VALUES ('x');",
                                        err, sizeof err) == 0,
                  "refused: %s", err);
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM p_demo_items"), 1);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        ck_assert_msg(plugin_sql_run_script(db, &p, refused[i], err, sizeof err) == -1,
                      "%s: allowed", refused[i]);
        ck_assert_msg(strstr(err, "not allowed") != NULL, "%s: %s", refused[i], err);
    }
    ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM p_other_secrets"), 1);
}
END_TEST

/* Loads lua, which must fail with a message holding want. */
static void load_refused(const char *lua, const char *want)
{
    ck_assert_msg(load(lua, 0) == NULL, "%s: loaded", lua);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    ck_assert_msg(strstr(e.message, want) != NULL, "%s: message '%s' lacks '%s'", lua,
                  e.message, want);
}

START_TEST(test_form_fields)
{
    struct plugin_vm *vm = load(
        "local k = saiets.form.field{key = 'diet', type = 'choice', required = true,\n"
        "  label = {lv = 'Ēdiens', en = 'Meal'}, options = {'fish', 'meat'}}\n"
        "assert(k == 'demo.diet', k)\n"
        "saiets.form.field{key = 'note', type = 'text', label = {en = 'Note'}}\n",
        0);
    json_t *fields, *f;

    ck_assert_msg(vm != NULL, "%s", e.message);
    fields = plugin_vm_form_fields(vm);
    ck_assert_int_eq(json_array_size(fields), 2);
    f = json_array_get(fields, 0);
    ck_assert_str_eq(json_string_value(json_object_get(f, "key")), "demo.diet");
    ck_assert_str_eq(json_string_value(json_object_get(f, "plugin")), "demo");
    ck_assert(json_is_true(json_object_get(f, "required")));
    ck_assert_int_eq(json_array_size(json_object_get(f, "options")), 2);
    f = json_array_get(fields, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(f, "max_length")), 500);
    plugin_vm_free(vm);

    load_refused("saiets.form.field{key = 'Diet', type = 'text', label = {en = 'x'}}",
                 "saiets.form.field.key");
    load_refused("saiets.form.field{key = 'd', type = 'colour', label = {en = 'x'}}",
                 "saiets.form.field.type");
    load_refused("saiets.form.field{key = 'd', type = 'choice', label = {en = 'x'}}",
                 "saiets.form.field.options");
    load_refused("saiets.form.field{key = 'd', type = 'text', label = {en = 'x'}, extra = 1}",
                 "saiets.form.field.extra");
    load_refused("saiets.form.field{key = 'd', type = 'text', label = {en = print}}",
                 "not plain data");
    load_refused("for i = 1, 2 do saiets.form.field{key = 'd', type = 'text',"
                 " label = {en = 'x'}} end", "'demo.d' is declared twice");
    load_refused("for i = 1, 11 do saiets.form.field{key = 'd' .. i, type = 'text',"
                 " label = {en = 'x'}} end", "at most 10 fields");
    vm = load("saiets.route('GET', '/x', function(req)\n"
              "  saiets.form.field{key = 'late', type = 'text', label = {en = 'x'}}\n"
              "end, {auth = 'public'})", 0);
    ck_assert_msg(vm != NULL, "%s", e.message);
    {
        struct plugin_call call = {.db = db, .meeting_id = 1, .lang = "lv"};
        json_t *req = json_object();

        ck_assert_int_eq(plugin_vm_route(vm, 0, req, &call, &e), -1);
        ck_assert_msg(strstr(e.message, "declared while plugin.lua loads") != NULL, "%s",
                      e.message);
        json_decref(req);
        json_decref(call.result);
    }
    plugin_vm_free(vm);
}
END_TEST

START_TEST(test_csv)
{
    struct plugin_call call;
    const char *text;

    ck_assert_int_eq(run_route("return {status = 200, body = saiets.csv({\n"
                               "  {'name', 'n', 'x', 'ok', 'none'},\n"
                               "  {'=SUM(A1)', -5, 2.5, true, saiets.json.null},\n"
                               "  {'a,b', 'say \"hi\"', nil, 'line\\nbreak'},\n"
                               "  {}})}",
                               0, &call),
                     0);
    text = json_string_value(json_object_get(call.result, "body"));
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "name,n,x,ok,none\r\n"
                           "'=SUM(A1),-5,2.5,true,\r\n"
                           "\"a,b\",\"say \"\"hi\"\"\",,\"line\nbreak\"\r\n"
                           "\r\n");
    json_decref(call.result);
    route_refused("return saiets.csv({{print}})", 0, "row 1, column 1 is a function");
    route_refused("return saiets.csv({'x'})", 0, "row 1 is not a list of cells");
    route_refused("return saiets.csv({{a = 1}})", 0, "not a column");
    route_refused("return saiets.csv({{0/0}})", 0, "not a finite number");
    route_refused("local big = string.rep('x', 1000000)\n"
                  "local rows = {}\n"
                  "for i = 1, 9 do rows[i] = {big} end\n"
                  "return saiets.csv(rows)", 0, "MiB of text");
}
END_TEST

START_TEST(test_route_match)
{
    json_t *p;

    ck_assert_int_eq(plugin_route_match("/activities/:activity/signups", "/activities/12/signups",
                                        &p),
                     1);
    ck_assert_str_eq(json_string_value(json_object_get(p, "activity")), "12");
    json_decref(p);
    ck_assert_int_eq(plugin_route_match("/activities", "/activities", &p), 1);
    json_decref(p);
    ck_assert_int_eq(plugin_route_match("/activities/:a", "/activities", &p), 0);
    ck_assert_int_eq(plugin_route_match("/activities/:a", "/activities/", &p), 0);
    ck_assert_int_eq(plugin_route_match("/activities", "/activities/1", &p), 0);
    ck_assert_int_eq(plugin_route_match("/a/b", "/a/c", &p), 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("plugin_vm");
    TCase *tc = tcase_create("vm");

    tcase_add_unchecked_fixture(tc, testdb_base_setup, testdb_base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_load_errors_name_file_and_line);
    tcase_add_test(tc, test_host_table_read_only);
    tcase_add_test(tc, test_hooks_and_refusal);
    tcase_add_test(tc, test_registration_view);
    tcase_add_test(tc, test_route_fail_and_errors);
    tcase_add_test(tc, test_own_tables);
    tcase_add_test(tc, test_isolation_and_budgets);
    tcase_add_test(tc, test_time_in_the_meeting_zone);
    tcase_add_test(tc, test_authorizer_refuses);
    tcase_add_test(tc, test_views_scoped_to_the_meeting);
    tcase_add_test(tc, test_migration_mode);
    tcase_add_test(tc, test_route_match);
    tcase_add_test(tc, test_form_fields);
    tcase_add_test(tc, test_csv);
    suite_add_tcase(s, tc);
    return s;
}
