/* cli_plugin_test.c - `saiets plugin test PATH`: runs a plugin's
 * tests/NAME.lua files against a real server on a scratch database.
 *
 * The runner makes a database in a fresh temporary folder, installs the
 * plugin, creates an organizer and an admin token and one meeting with the
 * plugin enabled, then starts this same binary as `saiets serve` on a free
 * loopback port.  Each test file runs in a sandbox of its own (a larger
 * budget than a plugin's: tests make many requests) with one global, `test`:
 *
 *   test.meeting_id, test.plugin, test.organizer, test.admin
 *   test.http(method, path, body, token) -> {status = N, body = ...}
 *   test.register(fields [, meeting_id]) -> the answer of POST .../registrations
 *   test.route(method, path, body, token) -> test.http on the plugin's route path
 *   test.eq(got, want, message)          -> raises "message: got X, want Y"
 *
 * A file passes when it runs to its end.  The server and the folder are
 * removed at the end; the exit status is 0 when every file passed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "cli.h"
#include "lua_json.h"
#include "lua_sandbox.h"
#include "meeting.h"
#include "plugin_files.h"
#include "plugin_set.h"
#include "plugin_store.h"

#define TEST_MAX_FILES 64
#define TEST_HTTP_TIMEOUT_S 10

struct runner {
    char dir[512];
    char db_path[600];
    char organizer[TOKEN_MAX_LEN + 1];
    char admin[TOKEN_MAX_LEN + 1];
    char plugin[64];
    long long meeting_id;
    int port;
    pid_t server;
    FILE *server_out; /* kept open: the server may still write to its stdout */
};

/* --- the scratch database --------------------------------------------------- */

static int scratch_setup(struct runner *r, const struct plugin_files *files)
{
    struct db *db;
    struct err e;
    json_t *out = NULL, *m;
    long long now = (long long)time(NULL);
    int rc = -1;

    if ((db = open_migrated(r->db_path, DB_CREATE)) == NULL)
        return -1;
    err_clear(&e);
    if (db_begin(db) < 0)
        goto out;
    m = json_pack("{s:s, s:s, s:s, s:i, s:s}", "title", "Plugin test meeting", "starts_on",
                  "2030-05-06", "ends_on", "2030-05-07", "capacity", 1000, "city", "Daugavpils");
    if (auth_token_create(db, ROLE_ORGANIZER, "plugin-test organizer", now, r->organizer, &e) < 0 ||
        auth_token_create(db, ROLE_ADMIN, "plugin-test admin", now, r->admin, &e) < 0 ||
        plugin_install(db, files, now, "cli", &out, &e) < 0 ||
        meeting_create(db, m, now, "cli", &r->meeting_id, &e) < 0) {
        json_decref(m);
        db_rollback(db);
        goto out;
    }
    json_decref(m);
    snprintf(r->plugin, sizeof r->plugin, "%s", json_string_value(json_object_get(out, "name")));
    json_decref(out);
    out = NULL;
    if (plugin_meeting_put(db, r->meeting_id, r->plugin, NULL, now, "cli", &out, &e) < 0 ||
        db_commit(db) < 0) {
        db_rollback(db);
        goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        fprintf(stderr, "saiets: plugin test: %s%s%s\n", e.field, e.field[0] ? ": " : "",
                e.message[0] ? e.message : "cannot set up the scratch database");
    json_decref(out);
    plugin_rt_free();
    db_close(db);
    return rc;
}

/* Starts `saiets serve` on the scratch database and reads its port from the
 * "listening on" line. */
static int server_start(struct runner *r)
{
    int out[2];
    char line[256], exe[4096];
    ssize_t n;
    FILE *f;

    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || pipe(out) < 0)
        return -1;
    exe[n] = '\0';
    r->server = fork();
    if (r->server < 0)
        return -1;
    if (r->server == 0) {
        int devnull = open("/dev/null", O_WRONLY);

        dup2(out[1], STDOUT_FILENO);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO);
        close(out[0]);
        /* A test registers as many people as it needs: no rate limit. */
        execl(exe, exe, "serve", "--db", r->db_path, "--bind", "127.0.0.1", "--port", "0",
              "--quiet", "--rate-limit", "off", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    f = fdopen(out[0], "r");
    while (f && fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "listening on http://127.0.0.1:");

        if (p) {
            r->port = atoi(p + strlen("listening on http://127.0.0.1:"));
            break;
        }
    }
    r->server_out = f;
    return r->port > 0 ? 0 : -1;
}

static void server_stop(struct runner *r)
{
    if (r->server > 0) {
        kill(r->server, SIGTERM);
        waitpid(r->server, NULL, 0);
        r->server = 0;
    }
    if (r->server_out)
        fclose(r->server_out);
    r->server_out = NULL;
}

static void scratch_remove(struct runner *r)
{
    static const char *const names[] = {"test.db", "test.db-wal", "test.db-shm"};
    char path[700];

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", r->dir, names[i]);
        unlink(path);
    }
    rmdir(r->dir);
}

/* --- test.http ---------------------------------------------------------------- */

struct exchange {
    struct event_base *base;
    int status;
    struct evbuffer *body;
};

static void on_response(struct evhttp_request *req, void *arg)
{
    struct exchange *x = arg;

    if (req) {
        x->status = evhttp_request_get_response_code(req);
        evbuffer_add_buffer(x->body, evhttp_request_get_input_buffer(req));
    }
    event_base_loopexit(x->base, NULL);
}

static enum evhttp_cmd_type cmd_of(const char *m)
{
    if (strcmp(m, "POST") == 0)
        return EVHTTP_REQ_POST;
    if (strcmp(m, "PUT") == 0)
        return EVHTTP_REQ_PUT;
    if (strcmp(m, "PATCH") == 0)
        return EVHTTP_REQ_PATCH;
    if (strcmp(m, "DELETE") == 0)
        return EVHTTP_REQ_DELETE;
    return EVHTTP_REQ_GET;
}

/* test.http(method, path, body, token) -> {status, body} */
static int t_http(lua_State *L)
{
    struct runner *r = lua_touserdata(L, lua_upvalueindex(1));
    const char *method = luaL_checkstring(L, 1), *path = luaL_checkstring(L, 2);
    const char *token = luaL_optstring(L, 4, NULL);
    struct exchange x = {0};
    struct evhttp_connection *conn;
    struct evhttp_request *req;
    char err[200], *text = NULL, auth[TOKEN_MAX_LEN + 16];
    json_t *body = NULL;

    if (path[0] != '/')
        return luaL_error(L, "test.http: the path must start with '/'");
    if (!lua_isnoneornil(L, 3) && (body = lj_to_json(L, 3, NULL, err, sizeof err)) == NULL)
        return luaL_error(L, "test.http: %s", err);
    text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    x.base = event_base_new();
    x.body = evbuffer_new();
    conn = x.base ? evhttp_connection_base_new(x.base, NULL, "127.0.0.1", (ev_uint16_t)r->port)
                  : NULL;
    req = conn ? evhttp_request_new(on_response, &x) : NULL;
    if (req == NULL) {
        free(text);
        return luaL_error(L, "test.http: out of memory");
    }
    evhttp_connection_set_timeout(conn, TEST_HTTP_TIMEOUT_S);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "127.0.0.1");
    if (token) {
        snprintf(auth, sizeof auth, "Bearer %s", token);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Authorization", auth);
    }
    if (text) {
        char len[24];

        /* libevent adds Content-Length to POST and PUT only */
        snprintf(len, sizeof len, "%zu", strlen(text));
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                          "application/json");
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Length", len);
        evbuffer_add(evhttp_request_get_output_buffer(req), text, strlen(text));
    }
    free(text);
    evhttp_make_request(conn, req, cmd_of(method), path);
    event_base_dispatch(x.base);
    evhttp_connection_free(conn);
    event_base_free(x.base);
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, x.status);
    lua_setfield(L, -2, "status");
    {
        size_t len = evbuffer_get_length(x.body);
        json_t *v = json_loadb((const char *)evbuffer_pullup(x.body, -1), len, 0, NULL);

        if (v && lj_push_json(L, v, NULL, err, sizeof err) == 0)
            lua_setfield(L, -2, "body");
        else
            lua_pushlstring(L, (const char *)evbuffer_pullup(x.body, -1), len),
                lua_setfield(L, -2, "body");
        json_decref(v);
    }
    evbuffer_free(x.body);
    if (x.status == 0)
        return luaL_error(L, "test.http: %s %s: no answer", method, path);
    return 1;
}

/* test.eq(got, want, message) for numbers, strings and booleans. */
static int t_eq(lua_State *L)
{
    const char *msg = luaL_optstring(L, 3, "test.eq");

    if (lua_compare(L, 1, 2, LUA_OPEQ))
        return 0;
    luaL_tolstring(L, 1, NULL);
    luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "%s: got %s, want %s", msg, lua_tostring(L, -2), lua_tostring(L, -1));
}

/* Lua helpers over test.http, run in the test's sandbox. */
static const char test_prelude[] =
    "local t = ...\n"
    "function t.register(fields, meeting_id)\n"
    "  return t.http('POST', '/api/v1/meetings/' .. (meeting_id or t.meeting_id) ..\n"
    "                '/registrations', fields)\n"
    "end\n"
    "function t.route(method, path, body, token)\n"
    "  return t.http(method, '/api/v1/meetings/' .. t.meeting_id .. '/plugins/' .. t.plugin ..\n"
    "                path, body, token)\n"
    "end\n";

static int t_setup(lua_State *L)
{
    struct runner *r = lua_touserdata(L, 1);

    lua_createtable(L, 0, 8);
    lua_pushinteger(L, r->meeting_id);
    lua_setfield(L, -2, "meeting_id");
    lua_pushstring(L, r->plugin);
    lua_setfield(L, -2, "plugin");
    lua_pushstring(L, r->organizer);
    lua_setfield(L, -2, "organizer");
    lua_pushstring(L, r->admin);
    lua_setfield(L, -2, "admin");
    lua_pushlightuserdata(L, r);
    lua_pushcclosure(L, t_http, 1);
    lua_setfield(L, -2, "http");
    lua_pushcfunction(L, t_eq);
    lua_setfield(L, -2, "eq");
    lj_open(L);
    lua_setfield(L, -2, "json");
    lua_pushvalue(L, -1);
    lua_setglobal(L, "test");
    return 1;
}

/* print() in a test writes to stdout, indented. */
static void print_line(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    printf("     %.*s\n", (int)len, line);
}

/* Runs one test file; 0 when it passed. */
static int run_file(struct runner *r, const char *name, const char *code, size_t len)
{
    struct lsb_limits lim = {(size_t)64 << 20, 200000000UL, 60000.0};
    char err[512];
    struct lsb *sb = lsb_new(&lim, err, sizeof err);
    lua_State *L;
    int rc = -1;

    if (sb == NULL) {
        printf("FAIL %s: %s\n", name, err);
        return -1;
    }
    L = lsb_state(sb);
    lsb_set_print(sb, print_line, NULL);
    lua_pushcfunction(L, t_setup);
    lua_pushlightuserdata(L, r);
    if (lsb_pcall(sb, 1, 1, err, sizeof err) == 0 &&
        lsb_load_host(sb, test_prelude, sizeof test_prelude - 1, "=test", err, sizeof err) == 0) {
        lua_insert(L, -2);
        /* stack: prelude, test */
        if (lsb_pcall(sb, 1, 0, err, sizeof err) == 0 &&
            lsb_load(sb, code, len, name, err, sizeof err) == 0 &&
            lsb_pcall(sb, 0, 0, err, sizeof err) == 0)
            rc = 0;
    }
    printf(rc == 0 ? "ok   %s\n" : "FAIL %s: %s\n", name, err);
    lsb_free(sb);
    return rc;
}

int plugin_test_run(const char *path)
{
    struct plugin_files files = {0};
    struct runner r = {0};
    const char *tmp = getenv("TMPDIR");
    struct err e;
    int failed = 0, ran = 0;

    err_clear(&e);
    if (plugin_files_from_dir(path, NULL, &files, &e) < 0) {
        fprintf(stderr, "saiets: %s\n", e.message);
        return 1;
    }
    snprintf(r.dir, sizeof r.dir, "%s/saiets-plugin-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(r.dir) == NULL) {
        fprintf(stderr, "saiets: cannot make a scratch folder: %s\n", strerror(errno));
        plugin_files_free(&files);
        return 1;
    }
    snprintf(r.db_path, sizeof r.db_path, "%s/test.db", r.dir);
    if (scratch_setup(&r, &files) < 0 || server_start(&r) < 0) {
        fprintf(stderr, "saiets: plugin test: the scratch server did not start\n");
        server_stop(&r);
        scratch_remove(&r);
        plugin_files_free(&files);
        return 1;
    }
    for (size_t i = 0; !failed && i < files.n; i++) {
        const char *p = files.v[i].path;
        size_t n = strlen(p);

        if (strncmp(p, "tests/", 6) != 0 || n < 10 || strcmp(p + n - 4, ".lua") != 0)
            continue;
        if (++ran > TEST_MAX_FILES)
            break;
        if (run_file(&r, p, (const char *)files.v[i].data, files.v[i].len) < 0)
            failed++;
    }
    server_stop(&r);
    scratch_remove(&r);
    plugin_files_free(&files);
    if (!failed && ran == 0) {
        fprintf(stderr, "saiets: plugin test: %s has no tests/*.lua\n", path);
        return 1;
    }
    printf("%d passed, %d failed\n", ran - failed, failed);
    return failed ? 1 : 0;
}
