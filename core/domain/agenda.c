/* agenda.c - agenda items: their rules, rows and JSON, and how they follow a
 * change of their meeting; see agenda.h.  The conflicts between items are
 * agenda_problems.c's, bringing a script's items in is agenda_sync.c's. */
#include "agenda.h"
#include "agenda_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "events.h"
#include "jfield.h"
#include "meeting.h"
#include "textfold.h"
#include "timeutil.h"
#include "venue.h"

#define TITLE_MAX 200
#define DESCRIPTION_MAX 4000
#define TRACK_MAX 100
#define SPEAKERS_MAX 20
#define KEY_MAX 200

static const char *const item_kinds[] = {"opening", "talk", "lecture", "discussion",
                                         "break", "meal", "site_visit", "cultural",
                                         "travel", "other", NULL};
static const char *const item_fields[] = {"starts_at", "ends_at", "kind", "title",
                                          "description", "venue_id", "track", "speakers",
                                          "expected_attendance", NULL};
static const char *const item_readonly[] = {"id", "meeting", "source", "key",
                                            "starts_at_utc", "ends_at_utc", "venue_name",
                                            "created_at", "updated_at", "sequence", NULL};

/* ---- validation ----------------------------------------------------------- */

static int kind_ok(const char *k)
{
    for (const char *const *p = item_kinds; *p; p++)
        if (strcmp(*p, k) == 0)
            return 1;
    return 0;
}

static json_t *text_or_null(const char *s) { return s[0] ? json_string(s) : json_null(); }

/* [{"name", "role"?, "organisation"?}] -> a normalised copy, or NULL. */
static json_t *read_speakers(json_t *v, struct err *e)
{
    static const char *const allowed[] = {"name", "role", "organisation", NULL};
    char name[JF_TEXT_BYTES(200)], role[JF_TEXT_BYTES(200)], org[JF_TEXT_BYTES(200)];
    json_t *out, *s;
    size_t i;

    if (v == NULL || json_is_null(v))
        return json_array();
    if (!json_is_array(v) || json_array_size(v) > SPEAKERS_MAX) {
        err_set(e, ERR_INVALID_FIELD, "speakers", "speakers: a list of at most %d",
                SPEAKERS_MAX);
        return NULL;
    }
    out = json_array();
    json_array_foreach(v, i, s) {
        struct err tmp;
        char field[64];
        snprintf(field, sizeof field, "speakers[%zu]", i);
        err_clear(&tmp);
        role[0] = org[0] = '\0';
        if (!json_is_object(s) || jf_check_keys(s, allowed, NULL, &tmp) < 0 ||
            jf_text(s, "name", JF_REQUIRED, 200, name, sizeof name, &tmp) < 0 ||
            jf_text(s, "role", JF_NULLABLE, 200, role, sizeof role, &tmp) < 0 ||
            jf_text(s, "organisation", JF_NULLABLE, 200, org, sizeof org, &tmp) < 0) {
            err_set(e, ERR_INVALID_FIELD, field,
                    "%s: {name, role?, organisation?} with texts of up to 200 "
                    "characters%s%s", field, tmp.message[0] ? " - " : "", tmp.message);
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, json_pack("{s:s, s:o, s:o}", "name", name, "role",
                                             text_or_null(role), "organisation",
                                             text_or_null(org)));
    }
    return out;
}

static int read_local(json_t *in, const char *key, const struct meeting *m,
                      char out[17], long long *utc, struct err *e)
{
    /* longer than the 16 of the form, so that an instant written with
     * seconds or an offset gets the message that says the form */
    char buf[JF_TEXT_BYTES(40)];
    int y, mo, d, h, mi;

    if (jf_text(in, key, JF_REQUIRED, 40, buf, sizeof buf, e) < 0)
        return -1;
    if (tu_parse_local(buf, &y, &mo, &d, &h, &mi) < 0)
        return err_set(e, ERR_INVALID_FIELD, key,
                       "%s: a local time YYYY-MM-DDTHH:MM in %s, without seconds or offset",
                       key, m->timezone);
    if (strncmp(buf, m->starts_on, 10) < 0 || strncmp(buf, m->ends_on, 10) > 0)
        return err_set(e, ERR_INVALID_FIELD, key,
                       "%s: outside the meeting's days (%s to %s)", key, m->starts_on,
                       m->ends_on);
    if (tu_local_to_utc(m->timezone, buf, utc) < 0)
        return err_set(e, ERR_INVALID_FIELD, key, "%s: not a time in %s", key,
                       m->timezone);
    memcpy(out, buf, 17);
    return 0;
}

/* Checks a whole item (API input or a merge of a patch onto a stored item)
 * and returns its normalised form (new reference) or NULL. */
json_t *agenda_item_validate(struct db *db, const struct meeting *m, json_t *in,
                             struct agenda_times *t, struct err *e)
{
    char kind[JF_TEXT_BYTES(16)], title[JF_TEXT_BYTES(TITLE_MAX)],
        track[JF_TEXT_BYTES(TRACK_MAX)];
    char *description = NULL;
    long long venue = 0, expected = -1;
    json_t *speakers = NULL, *out = NULL;
    size_t dsz = JF_TEXT_BYTES(DESCRIPTION_MAX);
    int rc;

    track[0] = '\0';
    if (!json_is_object(in)) {
        err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
        return NULL;
    }
    if (jf_check_keys(in, item_fields, item_readonly, e) < 0 ||
        read_local(in, "starts_at", m, t->starts_local, &t->starts_at, e) < 0 ||
        read_local(in, "ends_at", m, t->ends_local, &t->ends_at, e) < 0)
        return NULL;
    if (t->ends_at <= t->starts_at) {
        err_set(e, ERR_INVALID_FIELD, "ends_at", "ends_at: must be after starts_at");
        return NULL;
    }
    if (jf_text(in, "kind", JF_REQUIRED, 16, kind, sizeof kind, e) < 0)
        return NULL;
    if (!kind_ok(kind)) {
        err_set(e, ERR_INVALID_FIELD, "kind",
                "kind: one of opening, talk, lecture, discussion, break, meal, "
                "site_visit, cultural, travel, other");
        return NULL;
    }
    if (jf_text(in, "title", JF_REQUIRED, TITLE_MAX, title, sizeof title, e) < 0 ||
        jf_text(in, "track", JF_NULLABLE, TRACK_MAX, track, sizeof track, e) < 0)
        return NULL;
    description = calloc(1, dsz);
    if (description == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    if (jf_text(in, "description", JF_NULLABLE | JF_MULTILINE, DESCRIPTION_MAX,
                description, dsz, e) < 0)
        goto out;
    rc = jf_int(in, "venue_id", JF_NULLABLE, 1, (long long)1 << 53, &venue, e);
    if (rc < 0)
        goto out;
    if (rc == JF_SET) {
        int ok = venue_exists(db, venue);
        if (ok != 1) {
            err_set(e, ok < 0 ? ERR_INTERNAL : ERR_INVALID_FIELD, "venue_id",
                    "venue_id: no venue %lld", venue);
            goto out;
        }
    } else {
        venue = 0;
    }
    rc = jf_int(in, "expected_attendance", JF_NULLABLE, 0, 100000, &expected, e);
    if (rc < 0)
        goto out;
    if (rc != JF_SET)
        expected = -1;
    speakers = read_speakers(json_object_get(in, "speakers"), e);
    if (speakers == NULL)
        goto out;
    out = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:O, s:o}",
                    "starts_at", t->starts_local, "ends_at", t->ends_local,
                    "kind", kind, "title", title,
                    "description", text_or_null(description),
                    "venue_id", venue > 0 ? json_integer(venue) : json_null(),
                    "track", text_or_null(track), "speakers", speakers,
                    "expected_attendance",
                    expected >= 0 ? json_integer(expected) : json_null());
    if (out == NULL)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
out:
    json_decref(speakers);
    free(description);
    return out;
}

/* ---- rows ------------------------------------------------------------------ */

/* The normalised (input) form of a stored item: what a script or a patch is
 * compared with. */
json_t *agenda_row_normal(sqlite3_stmt *st)
{
    json_t *speakers = json_loads(db_text(st, 11), 0, NULL);

    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
                     "starts_at", db_text(st, 1), "ends_at", db_text(st, 2),
                     "kind", db_text(st, 5), "title", db_text(st, 6),
                     "description", db_json_column(st, 7),
                     "venue_id", db_json_column(st, 8), "track", db_json_column(st, 10),
                     "speakers", speakers ? speakers : json_array(),
                     "expected_attendance", db_json_column(st, 12));
}

/* The published form: the normalised one plus ids, UTC times, the venue's
 * name and where the item came from. */
static json_t *row_json(sqlite3_stmt *st)
{
    json_t *o = agenda_row_normal(st);
    char utc[32];

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
    tu_format_utc(sqlite3_column_int64(st, 3), utc);
    json_object_set_new(o, "starts_at_utc", json_string(utc));
    tu_format_utc(sqlite3_column_int64(st, 4), utc);
    json_object_set_new(o, "ends_at_utc", json_string(utc));
    json_object_set_new(o, "venue_name", db_json_column(st, 9));
    json_object_set_new(o, "source", json_string(db_text(st, 13)));
    tu_format_utc(sqlite3_column_int64(st, 16), utc);
    json_object_set_new(o, "updated_at", json_string(utc));
    json_object_set_new(o, "sequence", json_integer(sqlite3_column_int64(st, 17)));
    return o;
}

static sqlite3_stmt *item_select(struct db *db, long long meeting_id, long long id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT " ITEM_COLUMNS " FROM agenda_items i"
                                   " LEFT JOIN venues v ON v.id = i.venue_id"
                                   " WHERE i.id = ? AND i.meeting_id = ?");

    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, meeting_id);
    }
    return st;
}

json_t *agenda_item_json(struct db *db, long long meeting_id, long long id,
                         struct err *e)
{
    sqlite3_stmt *st = item_select(db, meeting_id, id);
    json_t *o = NULL;
    int rc;

    if (st == NULL) {
        db_fail(db, e);
        return NULL;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        o = row_json(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        err_set(e, ERR_NOT_FOUND, NULL, "meeting %lld has no agenda item %lld",
                meeting_id, id);
    else if (o == NULL)
        db_fail(db, e);
    return o;
}

/* Binds the normalised item n and its times to ?1..?10 of an INSERT/UPDATE. */
static void bind_item(sqlite3_stmt *st, json_t *n, const struct agenda_times *t,
                      const char *speakers)
{
    json_t *v;

    sqlite3_bind_text(st, 1, t->starts_local, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, t->ends_local, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, t->starts_at);
    sqlite3_bind_int64(st, 4, t->ends_at);
    sqlite3_bind_text(st, 5, json_string_value(json_object_get(n, "kind")), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, json_string_value(json_object_get(n, "title")), -1,
                      SQLITE_TRANSIENT);
    db_bind_text_or_null(st, 7, json_string_value(json_object_get(n, "description")));
    if ((v = json_object_get(n, "venue_id")) && json_is_integer(v))
        sqlite3_bind_int64(st, 8, json_integer_value(v));
    db_bind_text_or_null(st, 9, json_string_value(json_object_get(n, "track")));
    sqlite3_bind_text(st, 10, speakers, -1, SQLITE_TRANSIENT);
    if ((v = json_object_get(n, "expected_attendance")) && json_is_integer(v))
        sqlite3_bind_int64(st, 11, json_integer_value(v));
}

int agenda_item_insert(struct db *db, long long meeting_id, json_t *n,
                       const struct agenda_times *t, const char *source, const char *key,
                       long long now, long long *id, struct err *e)
{
    char *speakers = json_dumps(json_object_get(n, "speakers"), JSON_COMPACT);
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO agenda_items(starts_local, ends_local,"
                                   " starts_at, ends_at, kind, title, description, venue_id,"
                                   " track, speakers_json, expected_attendance, meeting_id,"
                                   " source, source_key, created_at, updated_at)"
                                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?15,?15)");
    int rc;

    if (st == NULL || speakers == NULL) {
        free(speakers);
        return db_fail(db, e);
    }
    bind_item(st, n, t, speakers);
    sqlite3_bind_int64(st, 12, meeting_id);
    sqlite3_bind_text(st, 13, source, -1, SQLITE_STATIC);
    db_bind_text_or_null(st, 14, key);
    sqlite3_bind_int64(st, 15, now);
    rc = db_step_done(st);
    free(speakers);
    if (rc < 0)
        return db_fail(db, e);
    *id = db_last_id(db);
    return 0;
}

/* 1 when a site-visit slot hangs on item id (storage errors count as 1:
 * refusing is the safe answer). */
static int holds_visits(struct db *db, long long id)
{
    return db_exists(db, "SELECT 1 FROM visit_slots WHERE agenda_item_id = ?", id, 0) != 0;
}

int agenda_item_update(struct db *db, long long id, json_t *n, const struct agenda_times *t,
                       long long now, struct err *e)
{
    char *speakers = json_dumps(json_object_get(n, "speakers"), JSON_COMPACT);
    sqlite3_stmt *st = db_stmt(db, "UPDATE agenda_items SET starts_local=?, ends_local=?,"
                                   " starts_at=?, ends_at=?, kind=?, title=?, description=?,"
                                   " venue_id=?, track=?, speakers_json=?,"
                                   " expected_attendance=?, updated_at=?,"
                                   " sequence = sequence + 1 WHERE id=?");
    int rc;

    /* Its slot, options and people's places hang on the item: whoever
     * changes it (a patch, a script) may not make it something else. */
    if (strcmp(json_string_value(json_object_get(n, "kind")), "site_visit") != 0 &&
        holds_visits(db, id)) {
        free(speakers);
        return err_set(e, ERR_INVALID_FIELD, "kind",
                       "kind: item %lld holds site-visit options; it stays a site_visit", id);
    }
    if (st == NULL || speakers == NULL) {
        free(speakers);
        return db_fail(db, e);
    }
    bind_item(st, n, t, speakers);
    sqlite3_bind_int64(st, 12, now);
    sqlite3_bind_int64(st, 13, id);
    rc = db_step_done(st);
    free(speakers);
    if (rc < 0)
        return db_fail(db, e);
    return 0;
}

int agenda_item_remove(struct db *db, long long id, struct err *e)
{
    sqlite3_stmt *st;

    if (holds_visits(db, id))
        return err_set(e, ERR_IN_USE, NULL, "agenda item %lld holds site-visit options and "
                       "people's places in them; it cannot be removed", id);
    st = db_stmt(db, "DELETE FROM agenda_items WHERE id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    return db_step_done(st) < 0 ? db_fail(db, e) : 0;
}

/* An item was made, changed or removed: the audit line, then agenda.changed. */
static int item_changed(struct db *db, long long meeting_id, long long now,
                        const char *actor, const char *action, long long id,
                        json_t *detail, struct err *e)
{
    struct event ev = {.type = EVENT_AGENDA_CHANGED, .now = now, .actor = actor,
                       .meeting_id = meeting_id};

    if (audit_record(db, now, actor, action, "agenda_item", id, detail, e) < 0)
        return -1;
    return events_emit(db, &ev, e);
}

int agenda_item_create(struct db *db, long long meeting_id, json_t *in,
                       const char *source, const char *key, long long now,
                       const char *actor, long long *id, struct err *e)
{
    struct meeting m;
    struct agenda_times t;
    json_t *n;
    int rc = -1;

    if (meeting_load(db, meeting_id, &m, e) < 0)
        return -1;
    n = agenda_item_validate(db, &m, in, &t, e);
    if (n && agenda_item_insert(db, meeting_id, n, &t, source, key, now, id, e) == 0 &&
        item_changed(db, meeting_id, now, actor, "agenda.create", *id, in, e) == 0)
        rc = 0;
    json_decref(n);
    meeting_clear(&m);
    return rc;
}

int agenda_item_patch(struct db *db, long long meeting_id, long long id, json_t *in,
                      long long now, const char *actor, struct err *e)
{
    struct meeting m;
    struct agenda_times t;
    sqlite3_stmt *st;
    json_t *merged = NULL, *n = NULL;
    int rc = -1;

    if (!json_is_object(in))
        return err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
    if (jf_check_keys(in, item_fields, item_readonly, e) < 0 ||
        meeting_load(db, meeting_id, &m, e) < 0)
        return -1;
    st = item_select(db, meeting_id, id);
    if (st == NULL) {
        db_fail(db, e);
        goto out;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        merged = agenda_row_normal(st);
    sqlite3_reset(st);
    if (merged == NULL) {
        err_set(e, ERR_NOT_FOUND, NULL, "meeting %lld has no agenda item %lld",
                meeting_id, id);
        goto out;
    }
    /* A patch is the stored item with some fields replaced, checked whole. */
    json_object_update(merged, in);
    n = agenda_item_validate(db, &m, merged, &t, e);
    if (n && agenda_item_update(db, id, n, &t, now, e) == 0 &&
        item_changed(db, meeting_id, now, actor, "agenda.update", id, in, e) == 0)
        rc = 0;
out:
    json_decref(n);
    json_decref(merged);
    meeting_clear(&m);
    return rc;
}

int agenda_item_delete(struct db *db, long long meeting_id, long long id,
                       long long now, const char *actor, struct err *e)
{
    json_t *o = agenda_item_json(db, meeting_id, id, e);

    if (o == NULL)
        return -1;
    json_decref(o);
    if (agenda_item_remove(db, id, e) < 0)
        return -1;
    return item_changed(db, meeting_id, now, actor, "agenda.delete", id, NULL, e);
}

/* The id of the item (meeting, source, key), 0 when none, -1 on error. */
static long long keyed_id(struct db *db, long long meeting_id, const char *source,
                          const char *key, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id FROM agenda_items WHERE meeting_id = ?1"
                                   " AND source = ?2 AND source_key = ?3");
    long long id = 0;
    int rc;

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(db, e);
    return id;
}

/* 1 when the stored item id, checked as input, gives n again. */
static int unchanged(struct db *db, const struct meeting *m, long long id, const json_t *n)
{
    sqlite3_stmt *st = item_select(db, m->id, id);
    json_t *stored = NULL, *again = NULL;
    struct agenda_times t;
    struct err ignored;
    int same;

    if (st == NULL)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        stored = agenda_row_normal(st);
    sqlite3_reset(st);
    err_clear(&ignored);
    if (stored)
        again = agenda_item_validate(db, m, stored, &t, &ignored);
    same = again != NULL && json_equal(again, n);
    json_decref(again);
    json_decref(stored);
    return same;
}

int agenda_item_put_keyed(struct db *db, long long meeting_id, json_t *in, const char *source,
                          const char *key, long long now, const char *actor, long long *id,
                          struct err *e)
{
    struct meeting m;
    struct agenda_times t;
    json_t *n;
    int rc = -1;

    if ((*id = keyed_id(db, meeting_id, source, key, e)) < 0)
        return -1;
    if (*id == 0)
        return agenda_item_create(db, meeting_id, in, source, key, now, actor, id, e);
    if (meeting_load(db, meeting_id, &m, e) < 0)
        return -1;
    /* The whole item again, checked whole: what it leaves out is cleared. */
    n = agenda_item_validate(db, &m, in, &t, e);
    if (n && unchanged(db, &m, *id, n)) {
        rc = 0; /* the same again: no new SEQUENCE for every calendar */
    } else if (n && agenda_item_update(db, *id, n, &t, now, e) == 0 &&
               item_changed(db, meeting_id, now, actor, "agenda.update", *id, in, e) == 0) {
        rc = 0;
    }
    json_decref(n);
    meeting_clear(&m);
    return rc;
}

int agenda_item_remove_keyed(struct db *db, long long meeting_id, const char *source,
                             const char *key, long long now, const char *actor, struct err *e)
{
    long long id = keyed_id(db, meeting_id, source, key, e);

    if (id <= 0)
        return id < 0 ? -1 : 0;
    return agenda_item_delete(db, meeting_id, id, now, actor, e);
}

json_t *agenda_item_keyed_json(struct db *db, long long meeting_id, const char *source,
                               const char *key, struct err *e)
{
    long long id = keyed_id(db, meeting_id, source, key, e);

    if (id == 0)
        err_set(e, ERR_NOT_FOUND, NULL, "no agenda item %s of %s", key, source);
    return id > 0 ? agenda_item_json(db, meeting_id, id, e) : NULL;
}

int agenda_remove_source(struct db *db, long long meeting_id, const char *source, long long now,
                         const char *actor, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id FROM agenda_items WHERE meeting_id = ?1"
                                   " AND source = ?2 ORDER BY id LIMIT 1");
    long long id;
    int rc;

    /* One at a time: each delete goes through the rules (site visits). */
    for (;;) {
        if (st == NULL)
            return db_fail(db, e);
        sqlite3_bind_int64(st, 1, meeting_id);
        sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (rc != SQLITE_ROW)
            return rc == SQLITE_DONE ? 0 : db_fail(db, e);
        if (agenda_item_delete(db, meeting_id, id, now, actor, e) < 0)
            return -1;
    }
}

/* The first item outside m's days, as field (starts_on or ends_on) and a
 * message; 0 when there is none. */
static int item_outside_days(struct db *db, const struct meeting *m, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, title, starts_local, ends_local"
                                   " FROM agenda_items WHERE meeting_id = ?1"
                                   " AND (substr(starts_local, 1, 10) < ?2"
                                   " OR substr(ends_local, 1, 10) > ?3)"
                                   " ORDER BY starts_at LIMIT 1");
    int rc;

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, m->id);
    sqlite3_bind_text(st, 2, m->starts_on, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->ends_on, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int early = strncmp(db_text(st, 2), m->starts_on, 10) < 0;
        const char *field = early ? "starts_on" : "ends_on";

        err_set(e, ERR_INVALID_FIELD, field,
                "%s: agenda item %lld (%s, %s to %s) would fall outside the meeting's "
                "days; move or delete it first", field, sqlite3_column_int64(st, 0),
                db_text(st, 1), db_text(st, 2), db_text(st, 3));
    } else if (rc != SQLITE_DONE) {
        db_fail(db, e);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

struct wall_times {
    long long id;
    char starts[17], ends[17];
};

int agenda_follow_meeting(struct db *db, const struct meeting *m, int zone_changed,
                          struct err *e)
{
    sqlite3_stmt *st;
    struct wall_times *w = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;

    if (item_outside_days(db, m, e) < 0)
        return -1;
    if (!zone_changed)
        return 0;
    /* The wall times stay as organizers wrote them; their instants move.
     * They are read whole first: the updates change the index the SELECT
     * could walk. */
    st = db_stmt(db, "SELECT id, starts_local, ends_local FROM agenda_items"
                     " WHERE meeting_id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, m->id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            struct wall_times *g = realloc(w, (cap = cap ? 2 * cap : 64) * sizeof *w);
            if (g == NULL)
                break;
            w = g;
        }
        w[n].id = sqlite3_column_int64(st, 0);
        snprintf(w[n].starts, sizeof w[n].starts, "%s", db_text(st, 1));
        snprintf(w[n].ends, sizeof w[n].ends, "%s", db_text(st, 2));
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(w);
        return db_fail(db, e);
    }
    st = db_stmt(db, "UPDATE agenda_items SET starts_at = ?, ends_at = ?,"
                     " sequence = sequence + 1 WHERE id = ?");
    rc = st ? 0 : db_fail(db, e);
    for (size_t i = 0; i < n && rc == 0; i++) {
        long long a, b;

        if (tu_local_to_utc(m->timezone, w[i].starts, &a) < 0 ||
            tu_local_to_utc(m->timezone, w[i].ends, &b) < 0) {
            rc = err_set(e, ERR_INTERNAL, NULL, "time zone error");
            break;
        }
        /* Only a skipped hour can do this: 03:00 to 04:00 on a spring-forward
         * night is no time at all. */
        if (b <= a) {
            rc = err_set(e, ERR_INVALID_FIELD, "timezone",
                         "timezone: agenda item %lld (%s to %s) would not last any time "
                         "in %s", w[i].id, w[i].starts, w[i].ends, m->timezone);
            break;
        }
        sqlite3_bind_int64(st, 1, a);
        sqlite3_bind_int64(st, 2, b);
        sqlite3_bind_int64(st, 3, w[i].id);
        if (db_step_done(st) < 0)
            rc = db_fail(db, e);
    }
    free(w);
    return rc;
}

json_t *agenda_json(struct db *db, long long meeting_id, int plenary_only,
                    struct err *e)
{
    sqlite3_stmt *st;
    struct meeting m;
    json_t *days = NULL, *day = NULL, *out = NULL;
    char date[11] = "";
    int rc;

    if (meeting_load(db, meeting_id, &m, e) < 0)
        return NULL;
    st = db_stmt(db, "SELECT " ITEM_COLUMNS " FROM agenda_items i"
                     " LEFT JOIN venues v ON v.id = i.venue_id WHERE i.meeting_id = ?1"
                     " AND (?2 = 0 OR i.track IS NULL)"
                     " ORDER BY i.starts_at, coalesce(i.track, ''), i.id");
    days = json_array();
    if (st == NULL || days == NULL) {
        db_fail(db, e);
        goto out;
    }
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_int(st, 2, plenary_only);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (day == NULL || strncmp(date, db_text(st, 1), 10) != 0) {
            memcpy(date, db_text(st, 1), 10);
            date[10] = '\0';
            day = json_pack("{s:s, s:[]}", "date", date, "items");
            json_array_append_new(days, day);
        }
        json_array_append_new(json_object_get(day, "items"), row_json(st));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        db_fail(db, e);
        goto out;
    }
    out = json_pack("{s:I, s:s, s:s, s:O}", "meeting", (json_int_t)meeting_id,
                    "title", m.title, "timezone", m.timezone, "days", days);
out:
    json_decref(days);
    meeting_clear(&m);
    return out;
}
