/* visit.c - site-visit slots, options, preferences, pins and vehicles; see
 * visit.h. */
#include "visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "audit.h"
#include "events.h"
#include "jfield.h"
#include "meeting.h"
#include "timeutil.h"
#include "venue.h"

static const char *const slot_fields_item[] = {"agenda_item_id", "options", NULL};
static const char *const slot_fields_new[] = {"starts_at", "ends_at", "title", "description",
                                              "options", NULL};
static const char *const option_fields[] = {"venue_id", "topic", "host", "capacity",
                                            "min_size", NULL};

/* ---- slots ----------------------------------------------------------------- */

/* The agenda item a slot hangs on: an existing site_visit item of the
 * meeting, or a new one made from the body. */
static int slot_item(struct db *db, long long meeting_id, json_t *in, long long now,
                     const char *actor, long long *item, struct err *e)
{
    sqlite3_stmt *st;
    json_t *body;
    int rc;

    if (json_object_get(in, "agenda_item_id") != NULL) {
        if (jf_check_keys(in, slot_fields_item, NULL, e) < 0 ||
            jf_int(in, "agenda_item_id", JF_REQUIRED, 1, (long long)1 << 53, item, e) < 0)
            return -1;
        st = db_stmt(db, "SELECT kind FROM agenda_items WHERE id = ? AND meeting_id = ?");
        if (st == NULL)
            return db_fail(db, e);
        sqlite3_bind_int64(st, 1, *item);
        sqlite3_bind_int64(st, 2, meeting_id);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && strcmp(db_text(st, 0), "site_visit") != 0)
            rc = -2;
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            return err_set(e, ERR_INVALID_FIELD, "agenda_item_id",
                           "agenda_item_id: meeting %lld has no agenda item %lld",
                           meeting_id, *item);
        if (rc == -2)
            return err_set(e, ERR_INVALID_FIELD, "agenda_item_id",
                           "agenda_item_id: item %lld is not of kind site_visit", *item);
        return rc == SQLITE_ROW ? 0 : db_fail(db, e);
    }
    if (jf_check_keys(in, slot_fields_new, NULL, e) < 0)
        return -1;
    body = json_pack("{s:s}", "kind", "site_visit");
    if (body == NULL)
        return db_fail(db, e);
    for (const char *const *k = slot_fields_new; *k; k++)
        if (strcmp(*k, "options") != 0 && json_object_get(in, *k))
            json_object_set(body, *k, json_object_get(in, *k));
    rc = agenda_item_create(db, meeting_id, body, "organizer", NULL, now, actor, item, e);
    json_decref(body);
    return rc;
}

struct option_row {
    long long venue, capacity, min_size; /* min_size -1: none */
    char topic[JF_TEXT_BYTES(VISIT_TOPIC_MAX)], host[JF_TEXT_BYTES(VISIT_HOST_MAX)];
};

/* Reads the fields of option o present in it onto *r (its current values
 * when patching; req is JF_REQUIRED when creating) and checks the whole. */
static int option_read(json_t *o, const char *field, unsigned req, struct option_row *r,
                       struct db *db, struct err *e)
{
    static const char *const patch_fields[] = {"id", "venue_id", "topic", "host", "capacity",
                                               "min_size", NULL};
    struct err tmp;
    int rc;

    err_clear(&tmp);
    if (!json_is_object(o) ||
        jf_check_keys(o, req ? option_fields : patch_fields, NULL, &tmp) < 0 ||
        jf_int(o, "venue_id", req, 1, (long long)1 << 53, &r->venue, &tmp) < 0 ||
        jf_text(o, "topic", req, VISIT_TOPIC_MAX, r->topic, sizeof r->topic, &tmp) < 0 ||
        jf_text(o, "host", req, VISIT_HOST_MAX, r->host, sizeof r->host, &tmp) < 0 ||
        jf_int(o, "capacity", req, 1, 1000, &r->capacity, &tmp) < 0 ||
        (rc = jf_int(o, "min_size", JF_NULLABLE, 0, 1000, &r->min_size, &tmp)) < 0)
        return err_set(e, ERR_INVALID_FIELD, field,
                       "%s: {venue_id, topic, host, capacity 1-1000, min_size?}%s%s", field,
                       tmp.message[0] ? " - " : "", tmp.message);
    if (rc == JF_NULL)
        r->min_size = -1;
    if (!r->topic[0] || !r->host[0])
        return err_set(e, ERR_INVALID_FIELD, field, "%s: topic and host may not be empty",
                       field);
    if (r->min_size > r->capacity)
        return err_set(e, ERR_INVALID_FIELD, field, "%s: min_size is above capacity", field);
    rc = venue_exists(db, r->venue);
    if (rc != 1)
        return rc < 0 ? db_fail(db, e)
                      : err_set(e, ERR_INVALID_FIELD, field, "%s: no venue %lld", field,
                                r->venue);
    return 0;
}

static int option_insert(struct db *db, long long slot, int position, json_t *o,
                         const char *field, struct err *e)
{
    struct option_row r;
    sqlite3_stmt *st;

    memset(&r, 0, sizeof r);
    r.min_size = -1;
    if (option_read(o, field, JF_REQUIRED, &r, db, e) < 0)
        return -1;
    st = db_stmt(db, "INSERT INTO visit_options(slot_id, position, venue_id, topic, host,"
                     " capacity, min_size) VALUES (?,?,?,?,?,?,?)");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, slot);
    sqlite3_bind_int(st, 2, position);
    sqlite3_bind_int64(st, 3, r.venue);
    sqlite3_bind_text(st, 4, r.topic, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, r.host, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, r.capacity);
    if (r.min_size >= 0)
        sqlite3_bind_int64(st, 7, r.min_size);
    return db_step_done(st) < 0 ? db_fail(db, e) : 0;
}

/* Option `option` of the slot has new seats: announced, so that the
 * allocation gives them to the slot's waiting list at once. */
static int seats_added(struct db *db, long long meeting_id, long long slot, long long option,
                       long long now, struct err *e)
{
    struct event ev = {.type = EVENT_VISIT_SEATS_ADDED, .now = now, .meeting_id = meeting_id,
                       .slot_id = slot, .option_id = option};

    return events_emit(db, &ev, e);
}

/* Changes option o["id"] of the slot: more seats go to its waiting list at
 * once; fewer than the people placed there is refused (in_use). */
static int option_update(struct db *db, long long meeting_id, long long slot, json_t *o,
                         const char *field, long long now, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT venue_id, topic, host, capacity, min_size,"
                                   " assigned_count FROM visit_options"
                                   " WHERE id = ? AND slot_id = ?");
    long long id = json_integer_value(json_object_get(o, "id")), placed = 0, old_cap;
    struct option_row r;
    int rc;

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, slot);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        r.venue = sqlite3_column_int64(st, 0);
        snprintf(r.topic, sizeof r.topic, "%s", db_text(st, 1));
        snprintf(r.host, sizeof r.host, "%s", db_text(st, 2));
        r.capacity = sqlite3_column_int64(st, 3);
        r.min_size = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
        placed = sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? err_set(e, ERR_INVALID_FIELD, field,
                                           "%s: slot %lld has no option %lld", field, slot, id)
                                 : db_fail(db, e);
    old_cap = r.capacity;
    if (option_read(o, field, 0, &r, db, e) < 0)
        return -1;
    if (r.capacity < placed)
        return err_set(e, ERR_IN_USE, field,
                       "%s: %lld people are placed in option %lld; move some (pins) before "
                       "lowering its capacity to %lld", field, placed, id, r.capacity);
    st = db_stmt(db, "UPDATE visit_options SET venue_id = ?, topic = ?, host = ?, capacity = ?,"
                     " min_size = ? WHERE id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, r.venue);
    sqlite3_bind_text(st, 2, r.topic, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, r.host, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, r.capacity);
    if (r.min_size >= 0)
        sqlite3_bind_int64(st, 5, r.min_size);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int64(st, 6, id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    return r.capacity > old_cap ? seats_added(db, meeting_id, slot, id, now, e) : 0;
}

int visit_slot_patch(struct db *db, long long meeting_id, long long slot_id, json_t *in,
                     long long now, const char *actor, struct err *e)
{
    static const char *const fields[] = {"options", NULL};
    sqlite3_stmt *st;
    json_t *options, *o;
    int next = 0, count = 0;
    size_t i;

    if (visit_slot_check(db, meeting_id, slot_id, e) < 0)
        return -1;
    if (!json_is_object(in))
        return err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
    if (jf_check_keys(in, fields, NULL, e) < 0)
        return -1;
    options = json_object_get(in, "options");
    if (!json_is_array(options) || json_array_size(options) > VISIT_OPTIONS_MAX)
        return err_set(e, ERR_INVALID_FIELD, "options",
                       "options: a list of changed options ({\"id\", ...}) and new ones");
    st = db_stmt(db, "SELECT count(*), coalesce(max(position) + 1, 0) FROM visit_options"
                     " WHERE slot_id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, slot_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        count = sqlite3_column_int(st, 0);
        next = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    json_array_foreach(options, i, o) {
        char field[48];

        snprintf(field, sizeof field, "options[%zu]", i);
        if (json_is_integer(json_object_get(o, "id"))) {
            if (option_update(db, meeting_id, slot_id, o, field, now, e) < 0)
                return -1;
        } else if (json_object_get(o, "id") != NULL) {
            return err_set(e, ERR_INVALID_FIELD, field, "%s: id must be an option id", field);
        } else {
            if (++count > VISIT_OPTIONS_MAX)
                return err_set(e, ERR_INVALID_FIELD, "options", "options: at most %d in a slot",
                               VISIT_OPTIONS_MAX);
            if (option_insert(db, slot_id, next++, o, field, e) < 0 ||
                seats_added(db, meeting_id, slot_id, db_last_id(db), now, e) < 0)
                return -1;
        }
    }
    return audit_record(db, now, actor, "visit.slot.update", "visit_slot", slot_id, in, e);
}

int visit_slot_create(struct db *db, long long meeting_id, json_t *in, long long now,
                      const char *actor, long long *id, struct err *e)
{
    json_t *options;
    sqlite3_stmt *st;
    long long item;
    size_t i;

    if (meeting_check(db, meeting_id, e) < 0)
        return -1;
    if (!json_is_object(in))
        return err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
    options = json_object_get(in, "options");
    if (!json_is_array(options) || json_array_size(options) == 0 ||
        json_array_size(options) > VISIT_OPTIONS_MAX)
        return err_set(e, options ? ERR_INVALID_FIELD : ERR_MISSING_FIELD, "options",
                       "options: a list of 1 to %d options", VISIT_OPTIONS_MAX);
    if (slot_item(db, meeting_id, in, now, actor, &item, e) < 0)
        return -1;
    st = db_stmt(db, "INSERT INTO visit_slots(meeting_id, agenda_item_id, created_at,"
                     " updated_at) VALUES (?, ?, ?3, ?3) ON CONFLICT DO NOTHING");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_int64(st, 2, item);
    sqlite3_bind_int64(st, 3, now);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (db_changes(db) == 0)
        return err_set(e, ERR_IN_USE, "agenda_item_id",
                       "agenda_item_id: item %lld has its site-visit options already", item);
    *id = db_last_id(db);
    for (i = 0; i < json_array_size(options); i++) {
        char field[48];

        snprintf(field, sizeof field, "options[%zu]", i);
        if (option_insert(db, *id, (int)i, json_array_get(options, i), field, e) < 0)
            return -1;
    }
    return audit_record(db, now, actor, "visit.slot.create", "visit_slot", *id, in, e);
}

static json_t *option_row_json(sqlite3_stmt *st, void *arg)
{
    long long cap = sqlite3_column_int64(st, 5), used = sqlite3_column_int64(st, 7);

    (void)arg;
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:o, s:I, s:I}",
                     "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "venue_id", (json_int_t)sqlite3_column_int64(st, 1),
                     "venue_name", db_text(st, 2), "topic", db_text(st, 3),
                     "host", db_text(st, 4), "capacity", (json_int_t)cap,
                     "min_size", db_json_column(st, 6), "assigned", (json_int_t)used,
                     "free", (json_int_t)(cap - used));
}

static json_t *options_json(struct db *db, long long slot_id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT o.id, o.venue_id, v.name, o.topic, o.host,"
                                   " o.capacity, o.min_size, o.assigned_count"
                                   " FROM visit_options o JOIN venues v ON v.id = o.venue_id"
                                   " WHERE o.slot_id = ? ORDER BY o.position");

    if (st)
        sqlite3_bind_int64(st, 1, slot_id);
    return db_rows_json(st, option_row_json, NULL);
}

#define SLOT_COLUMNS                                                                       \
    "s.id, s.agenda_item_id, i.title, i.starts_local, i.ends_local, s.allocated_at,"       \
    " (SELECT count(*) FROM visit_assignments a WHERE a.slot_id = s.id"                    \
    "  AND a.option_id IS NULL)"

/* A row of SLOT_COLUMNS with its options; arg is the struct db. */
static json_t *slot_row_json(sqlite3_stmt *st, void *arg)
{
    char when[32] = "";

    if (sqlite3_column_type(st, 5) != SQLITE_NULL)
        tu_format_utc(sqlite3_column_int64(st, 5), when);
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:I, s:o}", "id",
                     (json_int_t)sqlite3_column_int64(st, 0), "agenda_item_id",
                     (json_int_t)sqlite3_column_int64(st, 1), "title", db_text(st, 2),
                     "starts_at", db_text(st, 3), "ends_at", db_text(st, 4), "allocated_at",
                     when[0] ? json_string(when) : json_null(), "waiting",
                     (json_int_t)sqlite3_column_int64(st, 6), "options",
                     options_json(arg, sqlite3_column_int64(st, 0)));
}

json_t *visit_slot_json(struct db *db, long long meeting_id, long long slot_id,
                        struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT " SLOT_COLUMNS " FROM visit_slots s"
                                   " JOIN agenda_items i ON i.id = s.agenda_item_id"
                                   " WHERE s.id = ? AND s.meeting_id = ?");
    json_t *o = NULL;
    int rc;

    if (st == NULL) {
        db_fail(db, e);
        return NULL;
    }
    sqlite3_bind_int64(st, 1, slot_id);
    sqlite3_bind_int64(st, 2, meeting_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        o = slot_row_json(st, db);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        err_set(e, ERR_NOT_FOUND, NULL, "meeting %lld has no site-visit slot %lld",
                meeting_id, slot_id);
    else if (o == NULL)
        db_fail(db, e);
    return o;
}

json_t *visit_slots_json(struct db *db, long long meeting_id, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT " SLOT_COLUMNS " FROM visit_slots s"
                                   " JOIN agenda_items i ON i.id = s.agenda_item_id"
                                   " WHERE s.meeting_id = ? ORDER BY i.starts_at, s.id");
    json_t *list;

    if (st)
        sqlite3_bind_int64(st, 1, meeting_id);
    if ((list = db_rows_json(st, slot_row_json, db)) == NULL) {
        db_fail(db, e);
        return NULL;
    }
    return json_pack("{s:I, s:o}", "meeting", (json_int_t)meeting_id, "slots", list);
}

/* ---- preferences ------------------------------------------------------------ */

/* 1 when option belongs to slot, 0 not, -1 error. */
static int option_in_slot(struct db *db, long long option, long long slot)
{
    return db_exists(db, "SELECT 1 FROM visit_options WHERE id = ? AND slot_id = ?", option,
                     slot);
}

static int slot_in_meeting(struct db *db, long long slot, long long meeting_id)
{
    return db_exists(db, "SELECT 1 FROM visit_slots WHERE id = ? AND meeting_id = ?", slot,
                     meeting_id);
}

int visit_slot_check(struct db *db, long long meeting_id, long long slot_id, struct err *e)
{
    int rc = slot_in_meeting(db, slot_id, meeting_id);

    if (rc == 1)
        return 0;
    return rc == 0 ? err_set(e, ERR_NOT_FOUND, NULL, "meeting %lld has no site-visit slot %lld",
                             meeting_id, slot_id)
                   : db_fail(db, e);
}

/* A slot id written as a JSON object key: decimal, no sign, no zeros first. */
static int parse_slot_key(const char *k, long long *out)
{
    long long v = 0;

    if (*k < '1' || *k > '9' || strlen(k) > 15)
        return -1;
    for (; *k; k++) {
        if (*k < '0' || *k > '9')
            return -1;
        v = v * 10 + (*k - '0');
    }
    *out = v;
    return 0;
}

int visit_prefs_set(struct db *db, long long registration_id, long long meeting_id,
                    json_t *prefs, struct err *e)
{
    static const char field[] = "visit_preferences";
    const char *key;
    json_t *list;

    if (!json_is_object(prefs))
        return err_set(e, ERR_INVALID_FIELD, field,
                       "%s: an object {\"SLOT_ID\": [OPTION_ID, ...]}", field);
    json_object_foreach(prefs, key, list) {
        sqlite3_stmt *del, *ins;
        long long slot;
        size_t i, j;
        int rc;

        if (parse_slot_key(key, &slot) < 0 || (rc = slot_in_meeting(db, slot, meeting_id)) == 0)
            return err_set(e, ERR_INVALID_FIELD, field,
                           "%s: \"%.20s\" is not a site-visit slot of meeting %lld", field, key,
                           meeting_id);
        if (rc < 0)
            return db_fail(db, e);
        if (!json_is_array(list) || json_array_size(list) > VISIT_OPTIONS_MAX)
            return err_set(e, ERR_INVALID_FIELD, field, "%s: slot %lld: a list of option ids",
                           field, slot);
        for (i = 0; i < json_array_size(list); i++) {
            json_t *v = json_array_get(list, i);

            if (!json_is_integer(v) || json_integer_value(v) < 1 ||
                (rc = option_in_slot(db, json_integer_value(v), slot)) == 0)
                return err_set(e, ERR_INVALID_FIELD, field,
                               "%s: slot %lld has no option %s", field, slot,
                               json_is_integer(v) ? "with that id" : "like that");
            if (rc < 0)
                return db_fail(db, e);
            for (j = 0; j < i; j++)
                if (json_integer_value(json_array_get(list, j)) == json_integer_value(v))
                    return err_set(e, ERR_INVALID_FIELD, field,
                                   "%s: slot %lld: option %lld is ranked twice", field, slot,
                                   (long long)json_integer_value(v));
        }
        del = db_stmt(db, "DELETE FROM visit_preferences WHERE registration_id = ?"
                          " AND slot_id = ?");
        ins = db_stmt(db, "INSERT INTO visit_preferences(registration_id, slot_id, rank,"
                          " option_id) VALUES (?,?,?,?)");
        if (del == NULL || ins == NULL)
            return db_fail(db, e);
        sqlite3_bind_int64(del, 1, registration_id);
        sqlite3_bind_int64(del, 2, slot);
        rc = db_step_done(del);
        for (i = 0; rc == 0 && i < json_array_size(list); i++) {
            sqlite3_bind_int64(ins, 1, registration_id);
            sqlite3_bind_int64(ins, 2, slot);
            sqlite3_bind_int64(ins, 3, (long long)i + 1);
            sqlite3_bind_int64(ins, 4, json_integer_value(json_array_get(list, i)));
            rc = db_step_done(ins);
        }
        if (rc < 0)
            return db_fail(db, e);
    }
    return 0;
}

json_t *visit_prefs_json(struct db *db, long long registration_id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT slot_id, option_id FROM visit_preferences"
                                   " WHERE registration_id = ? ORDER BY slot_id, rank");
    json_t *out = json_object();
    char key[24];

    if (st == NULL || out == NULL)
        return out;
    sqlite3_bind_int64(st, 1, registration_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_t *list;

        snprintf(key, sizeof key, "%lld", sqlite3_column_int64(st, 0));
        if ((list = json_object_get(out, key)) == NULL) {
            list = json_array();
            json_object_set_new(out, key, list);
        }
        json_array_append_new(list, json_integer(sqlite3_column_int64(st, 1)));
    }
    sqlite3_reset(st);
    return out;
}

/* ---- pins ----------------------------------------------------------------------- */

int visit_pin(struct db *db, long long meeting_id, long long slot_id,
              long long registration_id, long long option_id, long long now,
              const char *actor, struct err *e)
{
    sqlite3_stmt *st;
    json_t *detail;
    int rc;

    if (visit_slot_check(db, meeting_id, slot_id, e) < 0)
        return -1;
    rc = db_exists(db, "SELECT 1 FROM registrations WHERE id = ? AND meeting_id = ?"
                       " AND status = 'confirmed'", registration_id, meeting_id);
    if (rc != 1)
        return rc == 0
                   ? err_set(e, ERR_INVALID_FIELD, "registration_id",
                             "registration_id: no confirmed registration %lld in meeting %lld",
                             registration_id, meeting_id)
                   : db_fail(db, e);
    if (option_id != 0 && (rc = option_in_slot(db, option_id, slot_id)) != 1)
        return rc < 0 ? db_fail(db, e)
                      : err_set(e, ERR_INVALID_FIELD, "option_id",
                                "option_id: slot %lld has no option %lld", slot_id, option_id);
    st = option_id ? db_stmt(db, "INSERT INTO visit_pins(registration_id, slot_id, option_id)"
                                 " VALUES (?1, ?2, ?3) ON CONFLICT (registration_id, slot_id)"
                                 " DO UPDATE SET option_id = ?3")
                   : db_stmt(db, "DELETE FROM visit_pins WHERE registration_id = ?1"
                                 " AND slot_id = ?2");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, registration_id);
    sqlite3_bind_int64(st, 2, slot_id);
    if (option_id)
        sqlite3_bind_int64(st, 3, option_id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (option_id) {
        struct event ev = {.type = EVENT_VISIT_PINNED, .now = now, .actor = actor,
                           .meeting_id = meeting_id, .slot_id = slot_id,
                           .registration_id = registration_id, .option_id = option_id};

        if (events_emit(db, &ev, e) < 0)
            return -1;
    }
    detail = json_pack("{s:I, s:I}", "registration_id", (json_int_t)registration_id,
                       "option_id", (json_int_t)option_id);
    rc = audit_record(db, now, actor, option_id ? "visit.pin" : "visit.unpin", "visit_slot", slot_id,
               detail, e);
    json_decref(detail);
    return rc;
}

int visit_pin_apply(struct db *db, long long meeting_id, long long slot_id, json_t *in,
                    long long now, const char *actor, struct err *e)
{
    static const char *const fields[] = {"registration_id", "option_id", NULL};
    long long reg = 0, option = 0;
    int rc;

    if (!json_is_object(in))
        return err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
    if (jf_check_keys(in, fields, NULL, e) < 0 ||
        jf_int(in, "registration_id", JF_REQUIRED, 1, (long long)1 << 53, &reg, e) < 0 ||
        (rc = jf_int(in, "option_id", JF_NULLABLE, 1, (long long)1 << 53, &option, e)) < 0)
        return -1;
    if (rc == JF_ABSENT)
        return err_set(e, ERR_MISSING_FIELD, "option_id",
                       "option_id: an option of the slot, or null to remove the pin");
    return visit_pin(db, meeting_id, slot_id, reg, rc == JF_NULL ? 0 : option, now, actor, e);
}

/* ---- vehicles ------------------------------------------------------------------- */

int vehicle_create(struct db *db, long long meeting_id, json_t *in, long long now,
                   const char *actor, long long *id, struct err *e)
{
    static const char *const fields[] = {"name", "seats", NULL};
    char name[JF_TEXT_BYTES(100)];
    long long seats = 0;
    sqlite3_stmt *st;

    if (meeting_check(db, meeting_id, e) < 0)
        return -1;
    if (!json_is_object(in))
        return err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
    if (jf_check_keys(in, fields, NULL, e) < 0 ||
        jf_text(in, "name", JF_REQUIRED, 100, name, sizeof name, e) < 0 ||
        jf_int(in, "seats", JF_REQUIRED, 1, 500, &seats, e) < 0)
        return -1;
    st = db_stmt(db, "INSERT INTO vehicles(meeting_id, name, seats, created_at)"
                     " VALUES (?,?,?,?) ON CONFLICT DO NOTHING");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, seats);
    sqlite3_bind_int64(st, 4, now);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (db_changes(db) == 0)
        return err_set(e, ERR_DUPLICATE_NAME, "name", "name: meeting %lld has a vehicle "
                       "called '%s' already", meeting_id, name);
    *id = db_last_id(db);
    return audit_record(db, now, actor, "vehicle.create", "vehicle", *id, in, e);
}

static json_t *vehicle_row_json(sqlite3_stmt *st, void *arg)
{
    (void)arg;
    return json_pack("{s:I, s:s, s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "name", db_text(st, 1), "seats", (json_int_t)sqlite3_column_int64(st, 2));
}

json_t *vehicles_json(struct db *db, long long meeting_id, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, name, seats FROM vehicles WHERE meeting_id = ?"
                                   " ORDER BY id");
    json_t *list;

    if (st)
        sqlite3_bind_int64(st, 1, meeting_id);
    if ((list = db_rows_json(st, vehicle_row_json, NULL)) == NULL) {
        db_fail(db, e);
        return NULL;
    }
    return json_pack("{s:I, s:o}", "meeting", (json_int_t)meeting_id, "vehicles", list);
}

json_t *vehicle_json(struct db *db, long long meeting_id, long long id, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, name, seats FROM vehicles WHERE id = ?"
                                   " AND meeting_id = ?");
    json_t *o = NULL;
    int rc;

    if (st == NULL) {
        db_fail(db, e);
        return NULL;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, meeting_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        o = vehicle_row_json(st, NULL);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        err_set(e, ERR_NOT_FOUND, NULL, "meeting %lld has no vehicle %lld", meeting_id, id);
    else if (rc != SQLITE_ROW)
        db_fail(db, e);
    else if (o == NULL)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
    return o;
}

int vehicle_patch(struct db *db, long long meeting_id, long long id, json_t *in, long long now,
                  const char *actor, struct err *e)
{
    static const char *const fields[] = {"name", "seats", NULL};
    static const char *const readonly[] = {"id", NULL};
    char name[JF_TEXT_BYTES(100)];
    long long seats = 0;
    sqlite3_stmt *st = db_stmt(db, "SELECT name, seats FROM vehicles WHERE id = ?"
                                   " AND meeting_id = ?");
    int rc;

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, meeting_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(name, sizeof name, "%s", db_text(st, 0));
        seats = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? err_set(e, ERR_NOT_FOUND, NULL,
                                           "meeting %lld has no vehicle %lld", meeting_id, id)
                                 : db_fail(db, e);
    if (!json_is_object(in))
        return err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
    if (jf_check_keys(in, fields, readonly, e) < 0 ||
        jf_text(in, "name", 0, 100, name, sizeof name, e) < 0 ||
        jf_int(in, "seats", 0, 1, 500, &seats, e) < 0)
        return -1;
    if (name[0] == '\0')
        return err_set(e, ERR_MISSING_FIELD, "name", "name: required");
    st = db_stmt(db, "UPDATE OR IGNORE vehicles SET name = ?, seats = ? WHERE id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, seats);
    sqlite3_bind_int64(st, 3, id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (db_changes(db) == 0)
        return err_set(e, ERR_DUPLICATE_NAME, "name", "name: meeting %lld has a vehicle "
                       "called '%s' already", meeting_id, name);
    return audit_record(db, now, actor, "vehicle.update", "vehicle", id, in, e);
}

int vehicle_delete(struct db *db, long long meeting_id, long long id, long long now,
                   const char *actor, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "DELETE FROM vehicles WHERE id = ? AND meeting_id = ?");

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, meeting_id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (db_changes(db) == 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "meeting %lld has no vehicle %lld", meeting_id, id);
    return audit_record(db, now, actor, "vehicle.delete", "vehicle", id, NULL, e);
}
