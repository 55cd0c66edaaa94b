/*
 * naive_register.c - benchmark baseline: the obvious way to write "register for a
 * meeting" on libevent evhttp + jansson + SQLite, to compare Saiets against.
 *
 * POST /register with {"first_name","last_name","email","organisation"} (four non-empty
 * strings, else 422). Each request runs its own transaction:
 *   BEGIN IMMEDIATE; read the meeting's capacity and confirmed count; INSERT the
 *   registration as confirmed or waitlisted; UPDATE the counter; COMMIT.
 * Prepared statements are reused; journal_mode=WAL, synchronous=NORMAL, so a commit
 * is not fsynced (a power cut may lose the last commits). Saiets itself commits with
 * synchronous=FULL and group commit, i.e. it does strictly more durable work.
 * Answers 201 {"id":N,"status":"confirmed"|"waitlisted"}; a repeated e-mail (any case)
 * for the meeting is 409, like Saiets. It is not part of Saiets.
 *
 * usage: bench_naive_register --db FILE [--port N]    (N = 0 picks a free port)
 * Creates its schema and meeting 1 (capacity 1000000) if missing. Prints
 * "listening on http://127.0.0.1:PORT" once bound; stops on SIGINT/SIGTERM.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>
#include <sqlite3.h>

#define MEETING_ID 1
#define MEETING_CAPACITY 1000000
#define MAX_JSON_BODY (64 * 1024)
#define STR_(x) #x
#define STR(x) STR_(x)

static const char SCHEMA_SQL[] =
	"PRAGMA synchronous=NORMAL;"
	"PRAGMA foreign_keys=ON;"
	"CREATE TABLE IF NOT EXISTS meetings("
	"  id INTEGER PRIMARY KEY,"
	"  capacity INTEGER NOT NULL CHECK (capacity >= 0),"
	"  confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed >= 0));"
	"CREATE TABLE IF NOT EXISTS registrations("
	"  id INTEGER PRIMARY KEY,"
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
	"  first_name TEXT NOT NULL,"
	"  last_name TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  organisation TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted')),"
	"  created_at TEXT NOT NULL,"
	"  UNIQUE (meeting_id, email COLLATE NOCASE));"
	"INSERT OR IGNORE INTO meetings(id, capacity, confirmed)"
	"  VALUES (" STR(MEETING_ID) ", " STR(MEETING_CAPACITY) ", 0);";

struct app {
	sqlite3 *db;
	sqlite3_stmt *begin;
	sqlite3_stmt *get_meeting;
	sqlite3_stmt *insert_reg;
	sqlite3_stmt *bump_confirmed;
	sqlite3_stmt *commit;
	sqlite3_stmt *rollback;
};

/* Runs a statement that returns no row we need, and resets it. */
static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out)
{
	int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
	if (rc != SQLITE_OK)
		fprintf(stderr, "naive_register: prepare '%s': %s\n", sql, sqlite3_errmsg(db));
	return rc;
}

static void app_close(struct app *app)
{
	sqlite3_finalize(app->rollback);
	sqlite3_finalize(app->commit);
	sqlite3_finalize(app->bump_confirmed);
	sqlite3_finalize(app->insert_reg);
	sqlite3_finalize(app->get_meeting);
	sqlite3_finalize(app->begin);
	sqlite3_close(app->db);
	memset(app, 0, sizeof *app);
}

/* Opens the database, switches it to WAL, creates the schema, prepares statements. */
static int app_open(struct app *app, const char *path)
{
	int rc = -1;
	sqlite3_stmt *wal = NULL;
	char *err = NULL;
	const char *mode = NULL;

	memset(app, 0, sizeof *app);
	if (sqlite3_open_v2(path, &app->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "naive_register: open %s: %s\n", path,
			app->db ? sqlite3_errmsg(app->db) : "out of memory");
		goto cleanup;
	}
	sqlite3_busy_timeout(app->db, 5000);

	/* journal_mode answers with the mode in effect: make sure WAL really took. */
	if (prepare(app->db, "PRAGMA journal_mode=WAL", &wal) != SQLITE_OK)
		goto cleanup;
	if (sqlite3_step(wal) == SQLITE_ROW)
		mode = (const char *)sqlite3_column_text(wal, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		fprintf(stderr, "naive_register: cannot switch %s to WAL\n", path);
		goto cleanup;
	}

	if (sqlite3_exec(app->db, SCHEMA_SQL, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "naive_register: schema: %s\n", err ? err : "?");
		goto cleanup;
	}

	if (prepare(app->db, "BEGIN IMMEDIATE", &app->begin) != SQLITE_OK ||
	    prepare(app->db, "SELECT capacity, confirmed FROM meetings WHERE id = ?1",
		    &app->get_meeting) != SQLITE_OK ||
	    prepare(app->db,
		    "INSERT INTO registrations(meeting_id, first_name, last_name, email,"
		    " organisation, status, created_at)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
		    &app->insert_reg) != SQLITE_OK ||
	    prepare(app->db, "UPDATE meetings SET confirmed = confirmed + 1 WHERE id = ?1",
		    &app->bump_confirmed) != SQLITE_OK ||
	    prepare(app->db, "COMMIT", &app->commit) != SQLITE_OK ||
	    prepare(app->db, "ROLLBACK", &app->rollback) != SQLITE_OK)
		goto cleanup;
	rc = 0;

cleanup:
	sqlite3_free(err);
	sqlite3_finalize(wal);
	if (rc != 0)
		app_close(app);
	return rc;
}

/* Sends obj (which it consumes) as a JSON answer. */
static void send_json(struct evhttp_request *req, int code, const char *reason, json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	if (text == NULL) {
		evhttp_send_error(req, 500, "Internal Server Error");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/json");
	evbuffer_add(evhttp_request_get_output_buffer(req), text, strlen(text));
	free(text);
	evhttp_send_reply(req, code, reason, NULL);
}

static void send_error(struct evhttp_request *req, int code, const char *reason,
		       const char *err_code, const char *message, const char *field)
{
	json_t *err = json_pack("{s:s, s:s}", "code", err_code, "message", message);
	if (err != NULL && field != NULL)
		json_object_set_new(err, "field", json_string(field));
	send_json(req, code, reason, err ? json_pack("{s:o}", "error", err) : NULL);
}

enum reg_result { REG_OK, REG_DUPLICATE, REG_FAILED };

/*
 * The naive transaction, one per request. fields[] = first_name, last_name, email,
 * organisation. On REG_OK fills *id and *status.
 */
static enum reg_result register_one(struct app *app, const char *const fields[4],
				    sqlite3_int64 *id, const char **status)
{
	enum reg_result res = REG_FAILED;
	int in_tx = 0;
	int rc;
	sqlite3_int64 capacity;
	sqlite3_int64 confirmed;

	if (step_done(app->begin) != SQLITE_OK)
		goto cleanup;
	in_tx = 1;

	sqlite3_bind_int(app->get_meeting, 1, MEETING_ID);
	rc = sqlite3_step(app->get_meeting);
	capacity = sqlite3_column_int64(app->get_meeting, 0);
	confirmed = sqlite3_column_int64(app->get_meeting, 1);
	sqlite3_reset(app->get_meeting);
	if (rc != SQLITE_ROW)
		goto cleanup;
	*status = confirmed < capacity ? "confirmed" : "waitlisted";

	sqlite3_bind_int(app->insert_reg, 1, MEETING_ID);
	for (int i = 0; i < 4; i++)
		sqlite3_bind_text(app->insert_reg, i + 2, fields[i], -1, SQLITE_STATIC);
	sqlite3_bind_text(app->insert_reg, 6, *status, -1, SQLITE_STATIC);
	rc = sqlite3_step(app->insert_reg);
	if (rc != SQLITE_DONE)
		rc = sqlite3_extended_errcode(app->db);
	sqlite3_reset(app->insert_reg);
	sqlite3_clear_bindings(app->insert_reg);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		res = REG_DUPLICATE;
		goto cleanup;
	}
	if (rc != SQLITE_DONE)
		goto cleanup;
	*id = sqlite3_last_insert_rowid(app->db);

	if (strcmp(*status, "confirmed") == 0) {
		sqlite3_bind_int(app->bump_confirmed, 1, MEETING_ID);
		if (step_done(app->bump_confirmed) != SQLITE_OK)
			goto cleanup;
	}

	if (step_done(app->commit) != SQLITE_OK)
		goto cleanup;
	in_tx = 0;
	res = REG_OK;

cleanup:
	if (res == REG_FAILED)
		fprintf(stderr, "naive_register: %s\n", sqlite3_errmsg(app->db));
	if (in_tx && sqlite3_get_autocommit(app->db) == 0)
		step_done(app->rollback);
	return res;
}

static void on_register(struct evhttp_request *req, void *arg)
{
	static const char *const names[4] = {"first_name", "last_name", "email", "organisation"};
	struct app *app = arg;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *data = NULL;
	json_error_t jerr;
	json_t *body = NULL;
	const char *fields[4];
	sqlite3_int64 id = 0;
	const char *status = NULL;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
		send_error(req, 405, "Method Not Allowed", "method_not_allowed", "use POST", NULL);
		goto cleanup;
	}

	if (len > MAX_JSON_BODY) {
		send_error(req, 413, "Payload Too Large", "body_too_large", "body above 64 KiB",
			   NULL);
		goto cleanup;
	}
	data = len ? (const char *)evbuffer_pullup(in, -1) : "";
	body = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(body)) {
		send_error(req, 400, "Bad Request", "bad_json", "body must be a JSON object",
			   NULL);
		goto cleanup;
	}

	for (int i = 0; i < 4; i++) {
		fields[i] = json_string_value(json_object_get(body, names[i]));
		if (fields[i] == NULL || fields[i][0] == '\0') {
			send_error(req, 422, "Unprocessable Entity", "missing_field",
				   "required, a non-empty string", names[i]);
			goto cleanup;
		}
	}

	switch (register_one(app, fields, &id, &status)) {
	case REG_OK:
		send_json(req, 201, "Created",
			  json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", status));
		break;
	case REG_DUPLICATE:
		send_error(req, 409, "Conflict", "duplicate_email",
			   "this e-mail is already registered", "email");
		break;
	case REG_FAILED:
		send_error(req, 500, "Internal Server Error", "internal_error",
			   "storage failure", NULL);
		break;
	}

cleanup:
	json_decref(body);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	send_error(req, 404, "Not Found", "not_found", "unknown path", NULL);
}

static void on_signal(evutil_socket_t sig, short events, void *arg)
{
	(void)sig;
	(void)events;
	event_base_loopbreak(arg);
}

/* Parses "0".."65535"; returns -1 on anything else. */
static int parse_port(const char *s)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 65535)
		return -1;
	return (int)v;
}

/* The port actually bound (useful when 0 was asked for), or -1. */
static int bound_port(struct evhttp_bound_socket *handle)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof addr;
	evutil_socket_t fd = evhttp_bound_socket_get_fd(handle);
	if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0 || addr.sin_family != AF_INET)
		return -1;
	return ntohs(addr.sin_port);
}

int main(int argc, char **argv)
{
	int rc = EXIT_FAILURE;
	int port = 0;
	const char *db_path = NULL;
	struct app app = {0}; /* app_close() is safe on the zeroed struct */
	struct event_base *base = NULL;
	struct evhttp *http = NULL;
	struct evhttp_bound_socket *handle = NULL; /* owned by http */
	struct event *sigint_ev = NULL;
	struct event *sigterm_ev = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			port = parse_port(argv[++i]);
			if (port < 0) {
				fprintf(stderr, "naive_register: bad --port '%s'\n", argv[i]);
				goto cleanup;
			}
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db_path = argv[++i];
		} else {
			db_path = NULL;
			break;
		}
	}
	if (db_path == NULL) {
		fprintf(stderr, "usage: %s --db FILE [--port N]\n", argv[0]);
		goto cleanup;
	}

	signal(SIGPIPE, SIG_IGN);

	if (app_open(&app, db_path) != 0)
		goto cleanup;

	base = event_base_new();
	if (base == NULL) {
		fprintf(stderr, "naive_register: event_base_new failed\n");
		goto cleanup;
	}
	http = evhttp_new(base);
	if (http == NULL) {
		fprintf(stderr, "naive_register: evhttp_new failed\n");
		goto cleanup;
	}
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
						 EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_max_headers_size(http, 8192);
	evhttp_set_max_body_size(http, 1024 * 1024);
	if (evhttp_set_cb(http, "/register", on_register, &app) != 0) {
		fprintf(stderr, "naive_register: evhttp_set_cb failed\n");
		goto cleanup;
	}
	evhttp_set_gencb(http, on_other, NULL);

	handle = evhttp_bind_socket_with_handle(http, "127.0.0.1", (ev_uint16_t)port);
	if (handle == NULL) {
		fprintf(stderr, "naive_register: cannot bind 127.0.0.1:%d\n", port);
		goto cleanup;
	}
	port = bound_port(handle);
	if (port < 0) {
		fprintf(stderr, "naive_register: getsockname failed\n");
		goto cleanup;
	}

	sigint_ev = evsignal_new(base, SIGINT, on_signal, base);
	sigterm_ev = evsignal_new(base, SIGTERM, on_signal, base);
	if (sigint_ev == NULL || sigterm_ev == NULL || evsignal_add(sigint_ev, NULL) != 0 ||
	    evsignal_add(sigterm_ev, NULL) != 0) {
		fprintf(stderr, "naive_register: cannot install signal handlers\n");
		goto cleanup;
	}

	printf("listening on http://127.0.0.1:%d\n", port);
	fflush(stdout);

	if (event_base_dispatch(base) < 0) {
		fprintf(stderr, "naive_register: event loop failed\n");
		goto cleanup;
	}
	rc = EXIT_SUCCESS;

cleanup:
	if (sigterm_ev != NULL)
		event_free(sigterm_ev);
	if (sigint_ev != NULL)
		event_free(sigint_ev);
	if (http != NULL)
		evhttp_free(http);
	if (base != NULL)
		event_base_free(base);
	app_close(&app);
	return rc;
}
