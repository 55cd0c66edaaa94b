/* meeting.c - meeting rules and storage; see meeting.h. */
#include "meeting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "directory.h"
#include "events.h"
#include "form.h"
#include "timeutil.h"

#define MEETING_COLUMNS                                                        \
    "id, title, network_id, host_id, city, starts_on, ends_on, timezone,"      \
    " capacity, opens_at, closes_at, status, form_json, confirmed_count,"      \
    " waitlist_count, waitlist_next, created_at, updated_at,"                 \
    " " MEETING_HAS_VISITS("meetings.id") ", plugin_form_json, confirm_email,"  \
    " confirm_minutes"

static const char *const meeting_fields[] = {
    "title", "network", "host", "city", "starts_on", "ends_on", "timezone",
    "capacity", "registration_opens_at", "registration_closes_at", "status",
    "fields", "confirm_email", "confirm_minutes", NULL};
static const char *const meeting_readonly[] = {
    "id", "confirmed", "waitlisted", "seats_left", "created_at", "updated_at",
    "plugin_fields", NULL};

void meeting_clear(struct meeting *m)
{
    json_decref(m->form);
    json_decref(m->plugin_form);
    m->form = m->plugin_form = NULL;
}

json_t *meeting_form(const struct meeting *m)
{
    json_t *all;

    if (m->plugin_form == NULL || json_array_size(m->plugin_form) == 0)
        return json_incref(m->form);
    all = json_array();
    json_array_extend(all, m->form);
    json_array_extend(all, m->plugin_form);
    return all;
}

static int by_plugin(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(json_array_get(*(json_t *const *)a, 0),
                                                      "plugin"));
    const char *y = json_string_value(json_object_get(json_array_get(*(json_t *const *)b, 0),
                                                      "plugin"));

    return strcmp(x ? x : "", y ? y : "");
}

/* The plugins' lists of fields (plugin_form_json: "[...],[...]" in plugin
 * name order, kept by db/006_plugin_fields.sql's triggers; NULL for none)
 * as one list.  Sorted again: group_concat's order is SQLite's habit, not
 * its promise. */
static json_t *plugin_form_from(sqlite3_stmt *st, int col)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    json_t *out = json_array(), *lists = NULL, **list = NULL;
    size_t i, n;
    char *wrapped;

    if (out == NULL || text == NULL)
        return out;
    if ((wrapped = malloc(strlen(text) + 3)) != NULL) {
        sprintf(wrapped, "[%s]", text);
        lists = json_loads(wrapped, 0, NULL);
        free(wrapped);
    }
    n = json_array_size(lists);
    if (n > 0 && (list = malloc(n * sizeof *list)) != NULL) {
        for (i = 0; i < n; i++)
            list[i] = json_array_get(lists, i);
        qsort(list, n, sizeof *list, by_plugin);
        for (i = 0; i < n; i++)
            json_array_extend(out, list[i]);
    }
    free(list);
    json_decref(lists);
    return out;
}

static void meeting_from_row(sqlite3_stmt *st, struct meeting *m)
{
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(st, 0);
    snprintf(m->title, sizeof m->title, "%s", db_text(st, 1));
    m->network_id = sqlite3_column_int64(st, 2);
    m->host_id = sqlite3_column_int64(st, 3);
    snprintf(m->city, sizeof m->city, "%s", db_text(st, 4));
    snprintf(m->starts_on, sizeof m->starts_on, "%s", db_text(st, 5));
    snprintf(m->ends_on, sizeof m->ends_on, "%s", db_text(st, 6));
    snprintf(m->timezone, sizeof m->timezone, "%s", db_text(st, 7));
    m->capacity = sqlite3_column_int64(st, 8);
    m->has_opens_at = sqlite3_column_type(st, 9) != SQLITE_NULL;
    m->opens_at = sqlite3_column_int64(st, 9);
    m->has_closes_at = sqlite3_column_type(st, 10) != SQLITE_NULL;
    m->closes_at = sqlite3_column_int64(st, 10);
    snprintf(m->status, sizeof m->status, "%s", db_text(st, 11));
    m->form = json_loads(db_text(st, 12), 0, NULL);
    if (m->form == NULL)
        m->form = json_array();
    m->confirmed = sqlite3_column_int64(st, 13);
    m->waitlisted = sqlite3_column_int64(st, 14);
    m->waitlist_next = sqlite3_column_int64(st, 15);
    m->created_at = sqlite3_column_int64(st, 16);
    m->updated_at = sqlite3_column_int64(st, 17);
    m->has_visits = sqlite3_column_int(st, 18);
    m->plugin_form = plugin_form_from(st, 19);
    m->confirm_email = sqlite3_column_int(st, 20);
    m->confirm_minutes = sqlite3_column_int64(st, 21);
}

int meeting_load(struct db *db, long long id, struct meeting *m, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT " MEETING_COLUMNS " FROM meetings WHERE id = ?");
    int rc;

    memset(m, 0, sizeof *m);
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        meeting_from_row(st, m);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return err_set(e, ERR_NOT_FOUND, NULL, "no meeting %lld", id);
    if (rc != SQLITE_ROW)
        return db_fail(db, e);
    return 0;
}

int meeting_check(struct db *db, long long id, struct err *e)
{
    int rc = db_exists(db, "SELECT 1 FROM meetings WHERE id = ?", id, 0);

    if (rc < 0)
        return db_fail(db, e);
    return rc ? 0 : err_set(e, ERR_NOT_FOUND, NULL, "no meeting %lld", id);
}

int meeting_visibility(struct db *db, long long id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT status = 'draft' FROM meetings WHERE id = ?");
    int rc, draft = 0;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        draft = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? (draft ? MEETING_DRAFT : MEETING_PUBLIC)
                            : rc == SQLITE_DONE ? MEETING_NONE : -1;
}

static json_t *time_or_null(int has, long long t)
{
    char buf[32];

    if (!has)
        return json_null();
    tu_format_utc(t, buf);
    return json_string(buf);
}

static json_t *id_or_null(long long id) { return id > 0 ? json_integer(id) : json_null(); }

json_t *meeting_to_json(const struct meeting *m)
{
    char created[32], updated[32];
    json_t *o;

    tu_format_utc(m->created_at, created);
    tu_format_utc(m->updated_at, updated);
    o = json_pack(
        "{s:I, s:s, s:o, s:o, s:s?, s:s, s:s, s:s, s:I, s:o, s:o, s:s, s:O, s:o,"
        " s:I, s:I, s:I, s:s, s:s}",
        "id", (json_int_t)m->id, "title", m->title,
        "network", id_or_null(m->network_id), "host", id_or_null(m->host_id),
        "city", m->city[0] ? m->city : NULL, "starts_on", m->starts_on,
        "ends_on", m->ends_on, "timezone", m->timezone,
        "capacity", (json_int_t)m->capacity,
        "registration_opens_at", time_or_null(m->has_opens_at, m->opens_at),
        "registration_closes_at", time_or_null(m->has_closes_at, m->closes_at),
        "status", m->status, "fields", m->form,
        "plugin_fields", m->plugin_form ? json_incref(m->plugin_form) : json_array(),
        "confirmed", (json_int_t)m->confirmed,
        "waitlisted", (json_int_t)m->waitlisted,
        "seats_left", (json_int_t)(m->capacity - m->confirmed),
        "created_at", created, "updated_at", updated);
    if (o) {
        json_object_set_new(o, "confirm_email", json_boolean(m->confirm_email));
        json_object_set_new(o, "confirm_minutes", json_integer(m->confirm_minutes));
    }
    return o;
}

static json_t *meeting_row_json(sqlite3_stmt *st, void *arg)
{
    struct meeting m;
    json_t *o;

    (void)arg;
    meeting_from_row(st, &m);
    o = meeting_to_json(&m);
    meeting_clear(&m);
    return o;
}

json_t *meeting_list_json(struct db *db, int with_drafts)
{
    return db_rows_json(db_stmt(db, with_drafts
                                        ? "SELECT " MEETING_COLUMNS " FROM meetings"
                                          " ORDER BY starts_on, id"
                                        : "SELECT " MEETING_COLUMNS " FROM meetings"
                                          " WHERE status <> 'draft' ORDER BY starts_on, id"),
                        meeting_row_json, NULL);
}

/* Reads the writable fields present in `in` onto *m (which holds the current
 * or default values) and checks the rules that involve several fields. */
static int meeting_apply(struct db *db, struct meeting *m, json_t *in,
                         int creating, struct err *e)
{
    unsigned req = creating ? JF_REQUIRED : 0;
    char status[JF_TEXT_BYTES(8)];
    json_t *fields;
    int rc, y, mo, d, y2, mo2, d2;
    long long days;

    if (!json_is_object(in))
        return err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
    if (jf_check_keys(in, meeting_fields, meeting_readonly, e) < 0)
        return -1;
    if (jf_text(in, "title", req, MEETING_TITLE_MAX, m->title, sizeof m->title, e) < 0)
        return -1;
    if (!creating && json_object_get(in, "title") && m->title[0] == '\0')
        return err_set(e, ERR_MISSING_FIELD, "title", "title: required");
    if (jf_text(in, "city", JF_NULLABLE, 200, m->city, sizeof m->city, e) < 0)
        return -1;
    if (jf_date(in, "starts_on", req, m->starts_on, e) < 0)
        return -1;
    if (jf_date(in, "ends_on", req, m->ends_on, e) < 0)
        return -1;
    if (jf_int(in, "capacity", req, 1, MEETING_CAPACITY_MAX, &m->capacity, e) < 0)
        return -1;
    if (jf_bool(in, "confirm_email", 0, &m->confirm_email, e) < 0 ||
        jf_int(in, "confirm_minutes", 0, 5, 24 * 60, &m->confirm_minutes, e) < 0)
        return -1;
    rc = jf_int(in, "network", JF_NULLABLE, 1, (long long)1 << 53, &m->network_id, e);
    if (rc < 0)
        return -1;
    if (rc == JF_NULL)
        m->network_id = 0;
    if (rc == JF_SET && dir_network_exists(db, m->network_id) != 1)
        return err_set(e, ERR_INVALID_FIELD, "network", "network: no network %lld",
                       m->network_id);
    rc = jf_int(in, "host", JF_NULLABLE, 1, (long long)1 << 53, &m->host_id, e);
    if (rc < 0)
        return -1;
    if (rc == JF_NULL)
        m->host_id = 0;
    if (rc == JF_SET) {
        char name[JF_TEXT_BYTES(ORG_NAME_MAX)];
        if (dir_org_get(db, m->host_id, name) != 1)
            return err_set(e, ERR_INVALID_FIELD, "host", "host: no organisation %lld",
                           m->host_id);
    }
    {
        char tz[JF_TEXT_BYTES(64)];
        rc = jf_text(in, "timezone", 0, 64, tz, sizeof tz, e);
        if (rc < 0)
            return -1;
        if (rc == JF_SET) {
            if (!tu_zone_known(tz))
                return err_set(e, ERR_INVALID_FIELD, "timezone",
                               "timezone: '%s' is not a known time zone", tz);
            snprintf(m->timezone, sizeof m->timezone, "%s", tz);
        }
    }
    rc = jf_time(in, "registration_opens_at", JF_NULLABLE, &m->opens_at, e);
    if (rc < 0)
        return -1;
    if (rc != JF_ABSENT)
        m->has_opens_at = rc == JF_SET;
    rc = jf_time(in, "registration_closes_at", JF_NULLABLE, &m->closes_at, e);
    if (rc < 0)
        return -1;
    if (rc != JF_ABSENT)
        m->has_closes_at = rc == JF_SET;
    rc = jf_text(in, "status", 0, 8, status, sizeof status, e);
    if (rc < 0)
        return -1;
    if (rc == JF_SET) {
        if (strcmp(status, "draft") && strcmp(status, "open") && strcmp(status, "closed"))
            return err_set(e, ERR_INVALID_FIELD, "status",
                           "status: must be draft, open or closed");
        snprintf(m->status, sizeof m->status, "%s", status);
    }
    fields = json_object_get(in, "fields");
    if (fields) {
        json_t *parsed = json_is_null(fields) ? json_array() : form_parse(fields, e);
        if (parsed == NULL)
            return -1;
        json_decref(m->form);
        m->form = parsed;
    }
    /* Rules across fields. */
    tu_parse_date(m->starts_on, &y, &mo, &d);
    tu_parse_date(m->ends_on, &y2, &mo2, &d2);
    days = tu_days_from_civil(y2, mo2, d2) - tu_days_from_civil(y, mo, d);
    if (days < 0)
        return err_set(e, ERR_INVALID_FIELD, "ends_on",
                       "ends_on: must not be before starts_on");
    if (days >= MEETING_MAX_DAYS)
        return err_set(e, ERR_INVALID_FIELD, "ends_on",
                       "ends_on: a meeting lasts at most %d days", MEETING_MAX_DAYS);
    if (m->has_opens_at && m->has_closes_at && m->opens_at >= m->closes_at)
        return err_set(e, ERR_INVALID_FIELD, "registration_closes_at",
                       "registration_closes_at: must be after registration_opens_at");
    return 0;
}

/* Binds *m to ?1..?13 of st, an INSERT or an UPDATE of a meeting (and
 * id to ?14 unless it is 0), and runs it. */
static int write_meeting(struct db *db, sqlite3_stmt *st, const struct meeting *m,
                         long long id, struct err *e)
{
    char *form = json_dumps(m->form, JSON_COMPACT);
    int rc;

    if (st == NULL || form == NULL) {
        free(form);
        return db_fail(db, e);
    }
    sqlite3_bind_text(st, 1, m->title, -1, SQLITE_STATIC);
    if (m->network_id > 0)
        sqlite3_bind_int64(st, 2, m->network_id);
    if (m->host_id > 0)
        sqlite3_bind_int64(st, 3, m->host_id);
    db_bind_text_or_null(st, 4, m->city);
    sqlite3_bind_text(st, 5, m->starts_on, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, m->ends_on, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, m->timezone, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, m->capacity);
    if (m->has_opens_at)
        sqlite3_bind_int64(st, 9, m->opens_at);
    if (m->has_closes_at)
        sqlite3_bind_int64(st, 10, m->closes_at);
    sqlite3_bind_text(st, 11, m->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, form, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, m->updated_at);
    if (id != 0)
        sqlite3_bind_int64(st, 14, id);
    sqlite3_bind_int(st, 15, m->confirm_email);
    sqlite3_bind_int64(st, 16, m->confirm_minutes);
    rc = db_step_done(st);
    free(form);
    return rc < 0 ? db_fail(db, e) : 0;
}

int meeting_create(struct db *db, json_t *in, long long now, const char *actor,
                   long long *id, struct err *e)
{
    struct meeting m;
    sqlite3_stmt *st;
    int rc = -1;

    memset(&m, 0, sizeof m);
    strcpy(m.timezone, "Europe/Riga");
    strcpy(m.status, "open");
    m.confirm_minutes = 30;
    m.form = json_array();
    if (meeting_apply(db, &m, in, 1, e) < 0)
        goto out;
    m.updated_at = now;
    st = db_stmt(db, "INSERT INTO meetings(title, network_id, host_id, city,"
                     " starts_on, ends_on, timezone, capacity, opens_at, closes_at,"
                     " status, form_json, updated_at, created_at, confirm_email,"
                     " confirm_minutes) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?13,"
                     "?15,?16)");
    if (write_meeting(db, st, &m, 0, e) < 0)
        goto out;
    *id = db_last_id(db);
    if (audit_record(db, now, actor, "meeting.create", "meeting", *id, in, e) < 0)
        goto out;
    rc = 0;
out:
    meeting_clear(&m);
    return rc;
}

int meeting_patch(struct db *db, long long id, json_t *in, long long now,
                  const char *actor, struct err *e)
{
    struct meeting m;
    struct event changed;
    sqlite3_stmt *st;
    char zone[sizeof m.timezone];
    int rc = -1;

    if (meeting_load(db, id, &m, e) < 0)
        return -1;
    memcpy(zone, m.timezone, sizeof zone);
    if (meeting_apply(db, &m, in, 0, e) < 0)
        goto out;
    if (m.capacity < m.confirmed) {
        err_set(e, ERR_CAPACITY_BELOW_CONFIRMED, "capacity",
                "capacity: %lld registrations are confirmed already; cancel some "
                "before lowering the capacity to %lld", m.confirmed, m.capacity);
        goto out;
    }
    m.updated_at = now;
    st = db_stmt(db, "UPDATE meetings SET title=?, network_id=?, host_id=?, city=?,"
                     " starts_on=?, ends_on=?, timezone=?, capacity=?, opens_at=?,"
                     " closes_at=?, status=?, form_json=?, updated_at=?, confirm_email=?15,"
                     " confirm_minutes=?16 WHERE id=?14");
    if (write_meeting(db, st, &m, id, e) < 0)
        goto out;
    changed = (struct event){.type = EVENT_MEETING_CHANGED, .now = now, .actor = actor,
                             .meeting_id = id, .meeting = &m,
                             .zone_changed = strcmp(zone, m.timezone) != 0};
    /* Raised capacity moves the waiting list after the subscribers (the
     * agenda) have accepted the change. */
    if (events_emit(db, &changed, e) < 0 || meeting_promote(db, id, now, actor, e) < 0)
        goto out;
    if (audit_record(db, now, actor, "meeting.update", "meeting", id, in, e) < 0)
        goto out;
    rc = 0;
out:
    meeting_clear(&m);
    return rc;
}

int meeting_confirm_waitlisted(struct db *db, long long meeting_id, long long registration_id,
                               int has_visits, long long now, const char *actor,
                               struct err *e)
{
    sqlite3_stmt *up = db_stmt(db, "UPDATE registrations SET status = 'confirmed',"
                                   " waitlist_seq = NULL, updated_at = ? WHERE id = ?");
    sqlite3_stmt *cnt = db_stmt(db, "UPDATE meetings SET confirmed_count = confirmed_count + 1,"
                                    " waitlist_count = waitlist_count - 1 WHERE id = ?");
    struct event ev;

    if (up == NULL || cnt == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(up, 1, now);
    sqlite3_bind_int64(up, 2, registration_id);
    sqlite3_bind_int64(cnt, 1, meeting_id);
    if (db_step_done(up) < 0 || db_step_done(cnt) < 0)
        return db_fail(db, e);
    ev = (struct event){.type = EVENT_REGISTRATION_PROMOTED, .now = now, .actor = actor,
                        .meeting_id = meeting_id, .registration_id = registration_id,
                        .has_visits = has_visits};
    return events_emit(db, &ev, e);
}

int meeting_promote(struct db *db, long long meeting_id, long long now, const char *actor,
                    struct err *e)
{
    sqlite3_stmt *pick;
    int promoted = 0;

    for (;;) {
        long long reg = 0;
        int rc, has_visits = 0;

        pick = db_stmt(db, "SELECT r.id, " MEETING_HAS_VISITS("m.id")
                           " FROM meetings m JOIN registrations r"
                           " ON r.meeting_id = m.id AND r.status = 'waitlisted'"
                           " WHERE m.id = ? AND m.confirmed_count < m.capacity"
                           " ORDER BY r.waitlist_seq LIMIT 1");
        if (pick == NULL)
            return db_fail(db, e);
        sqlite3_bind_int64(pick, 1, meeting_id);
        rc = sqlite3_step(pick);
        if (rc == SQLITE_ROW) {
            reg = sqlite3_column_int64(pick, 0);
            has_visits = sqlite3_column_int(pick, 1);
        }
        sqlite3_reset(pick);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return db_fail(db, e);
        if (reg == 0)
            return promoted;
        if (meeting_confirm_waitlisted(db, meeting_id, reg, has_visits, now, actor, e) < 0)
            return -1;
        promoted++;
    }
}
