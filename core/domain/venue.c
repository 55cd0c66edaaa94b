/* venue.c - venues and travel times; see venue.h. */
#include "venue.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "jfield.h"
#include "textfold.h"

static const char *const venue_fields[] = {"name", "address", "kind", "capacity",
                                           "lat", "lon", "contact_role", NULL};
static const char *const venue_readonly[] = {"id", "travel", "created_at",
                                             "updated_at", NULL};
static const char *const venue_kinds[] = {
    "hall", "school", "museum", "theatre", "fortress", "restaurant", "hotel",
    "church", "library", "outdoor", "office", "other", NULL};

struct venue {
    char name[JF_TEXT_BYTES(VENUE_NAME_MAX)];
    char address[JF_TEXT_BYTES(300)];
    char kind[JF_TEXT_BYTES(20)];
    long long capacity; /* 0: unknown */
    double lat, lon;
    int has_coords;
    char contact_role[JF_TEXT_BYTES(200)];
};

static int read_coord(json_t *in, const char *key, double min, double max,
                      double *out, int *present, struct err *e)
{
    json_t *v = json_object_get(in, key);

    if (v == NULL)
        return 0;
    if (json_is_null(v)) {
        *present = -1;
        return 0;
    }
    if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max)
        return err_set(e, ERR_INVALID_FIELD, key, "%s: a number from %g to %g", key,
                       min, max);
    *out = json_number_value(v);
    *present = 1;
    return 0;
}

/* Applies the fields present in `in` onto *v (current or default values). */
static int venue_apply(json_t *in, struct venue *v, int creating, struct err *e)
{
    int has_lat = 0, has_lon = 0, found = 0, rc;
    double lat = v->lat, lon = v->lon;

    if (!json_is_object(in))
        return err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
    if (jf_check_keys(in, venue_fields, venue_readonly, e) < 0 ||
        jf_text(in, "name", creating ? JF_REQUIRED : 0, VENUE_NAME_MAX, v->name,
                sizeof v->name, e) < 0 ||
        jf_text(in, "address", JF_NULLABLE, 300, v->address, sizeof v->address, e) < 0 ||
        jf_text(in, "contact_role", JF_NULLABLE, 200, v->contact_role,
                sizeof v->contact_role, e) < 0)
        return -1;
    if (v->name[0] == '\0')
        return err_set(e, ERR_MISSING_FIELD, "name", "name: required");
    rc = jf_text(in, "kind", 0, 20, v->kind, sizeof v->kind, e);
    if (rc < 0)
        return -1;
    for (const char *const *k = venue_kinds; *k; k++)
        found |= strcmp(*k, v->kind) == 0;
    if (!found)
        return err_set(e, ERR_INVALID_FIELD, "kind",
                       "kind: one of hall, school, museum, theatre, fortress, restaurant,"
                       " hotel, church, library, outdoor, office, other");
    rc = jf_int(in, "capacity", JF_NULLABLE, 1, 1000000, &v->capacity, e);
    if (rc < 0)
        return -1;
    if (rc == JF_NULL)
        v->capacity = 0;
    if (read_coord(in, "lat", -90, 90, &lat, &has_lat, e) < 0 ||
        read_coord(in, "lon", -180, 180, &lon, &has_lon, e) < 0)
        return -1;
    if (has_lat < 0 || has_lon < 0) {
        if (!(has_lat < 0 && has_lon < 0))
            return err_set(e, ERR_INVALID_FIELD, "lat", "lat, lon: clear both or neither");
        v->has_coords = 0;
    } else if (has_lat || has_lon) {
        if (!(has_lat && has_lon) && !v->has_coords)
            return err_set(e, ERR_INVALID_FIELD, has_lat ? "lon" : "lat",
                           "lat, lon: give both coordinates");
        v->lat = lat;
        v->lon = lon;
        v->has_coords = 1;
    }
    return 0;
}

static void bind_venue(sqlite3_stmt *st, const struct venue *v, const char *key,
                       long long now)
{
    sqlite3_bind_text(st, 1, v->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    db_bind_text_or_null(st, 3, v->address);
    sqlite3_bind_text(st, 4, v->kind, -1, SQLITE_STATIC);
    if (v->capacity > 0)
        sqlite3_bind_int64(st, 5, v->capacity);
    if (v->has_coords) {
        sqlite3_bind_double(st, 6, v->lat);
        sqlite3_bind_double(st, 7, v->lon);
    }
    db_bind_text_or_null(st, 8, v->contact_role);
    sqlite3_bind_int64(st, 9, now);
}

/* Runs an INSERT/UPDATE of a venue; the name's unique key gives 409. */
static int venue_store(struct db *db, sqlite3_stmt *st, const struct venue *v,
                       struct err *e)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return err_set(e, ERR_DUPLICATE_NAME, "name",
                       "name: a venue called '%s' exists", v->name);
    if (rc != SQLITE_DONE)
        return db_fail(db, e);
    return 0;
}

int venue_create(struct db *db, json_t *in, long long now, const char *actor,
                 long long *id, struct err *e)
{
    struct venue v;
    char key[JF_TEXT_BYTES(VENUE_NAME_MAX) * 3];
    sqlite3_stmt *st;

    memset(&v, 0, sizeof v);
    strcpy(v.kind, "other");
    if (venue_apply(in, &v, 1, e) < 0)
        return -1;
    if (text_fold(v.name, key, sizeof key) < 0)
        return err_set(e, ERR_INVALID_FIELD, "name", "name: cannot be read");
    st = db_stmt(db, "INSERT INTO venues(name, name_key, address, kind, capacity, lat,"
                     " lon, contact_role, created_at, updated_at)"
                     " VALUES (?,?,?,?,?,?,?,?,?9,?9)");
    if (st == NULL)
        return db_fail(db, e);
    bind_venue(st, &v, key, now);
    if (venue_store(db, st, &v, e) < 0)
        return -1;
    *id = db_last_id(db);
    return audit_record(db, now, actor, "venue.create", "venue", *id, in, e);
}

static int venue_load(struct db *db, long long id, struct venue *v, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT name, address, kind, capacity, lat, lon,"
                                   " contact_role FROM venues WHERE id = ?");
    int rc;

    memset(v, 0, sizeof *v);
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(v->name, sizeof v->name, "%s", db_text(st, 0));
        snprintf(v->address, sizeof v->address, "%s", db_text(st, 1));
        snprintf(v->kind, sizeof v->kind, "%s", db_text(st, 2));
        v->capacity = sqlite3_column_int64(st, 3);
        v->has_coords = sqlite3_column_type(st, 4) != SQLITE_NULL;
        v->lat = sqlite3_column_double(st, 4);
        v->lon = sqlite3_column_double(st, 5);
        snprintf(v->contact_role, sizeof v->contact_role, "%s", db_text(st, 6));
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return err_set(e, ERR_NOT_FOUND, NULL, "no venue %lld", id);
    if (rc != SQLITE_ROW)
        return db_fail(db, e);
    return 0;
}

int venue_patch(struct db *db, long long id, json_t *in, long long now,
                const char *actor, struct err *e)
{
    struct venue v;
    char key[JF_TEXT_BYTES(VENUE_NAME_MAX) * 3];
    sqlite3_stmt *st;

    if (venue_load(db, id, &v, e) < 0 || venue_apply(in, &v, 0, e) < 0)
        return -1;
    if (text_fold(v.name, key, sizeof key) < 0)
        return err_set(e, ERR_INVALID_FIELD, "name", "name: cannot be read");
    st = db_stmt(db, "UPDATE venues SET name=?, name_key=?, address=?, kind=?, capacity=?,"
                     " lat=?, lon=?, contact_role=?, updated_at=? WHERE id=?10");
    if (st == NULL)
        return db_fail(db, e);
    bind_venue(st, &v, key, now);
    sqlite3_bind_int64(st, 10, id);
    if (venue_store(db, st, &v, e) < 0)
        return -1;
    return audit_record(db, now, actor, "venue.update", "venue", id, in, e);
}

int venue_exists(struct db *db, long long id)
{
    return db_exists(db, "SELECT 1 FROM venues WHERE id = ?", id, 0);
}

int venue_delete(struct db *db, long long id, long long now, const char *actor,
                 struct err *e)
{
    sqlite3_stmt *st;
    long long uses = 0;
    int rc = venue_exists(db, id);

    if (rc < 0)
        return db_fail(db, e);
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "no venue %lld", id);
    st = db_stmt(db, "SELECT (SELECT count(*) FROM agenda_items WHERE venue_id = ?1)"
                     " + (SELECT count(*) FROM visit_options WHERE venue_id = ?1)");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        uses = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return db_fail(db, e);
    if (uses > 0)
        return err_set(e, ERR_IN_USE, NULL,
                       "%lld agenda item(s) or site-visit option(s) take place at this "
                       "venue; move them first",
                       uses);
    st = db_stmt(db, "DELETE FROM venues WHERE id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    return audit_record(db, now, actor, "venue.delete", "venue", id, NULL, e);
}

int venue_set_travel(struct db *db, long long a, long long b, long long minutes,
                     long long now, const char *actor, struct err *e)
{
    sqlite3_stmt *there, *back;
    json_t *detail;
    int ra, rb;

    if (a == b)
        return err_set(e, ERR_INVALID_FIELD, NULL, "a venue is no distance from itself");
    if (minutes < 0 || minutes > 1440)
        return err_set(e, ERR_INVALID_FIELD, "minutes", "minutes: 0 to 1440");
    ra = venue_exists(db, a);
    rb = venue_exists(db, b);
    if (ra < 0 || rb < 0)
        return db_fail(db, e);
    if (!ra || !rb)
        return err_set(e, ERR_NOT_FOUND, NULL, "no venue %lld", ra ? b : a);
    there = db_stmt(db, "INSERT INTO venue_travel(from_id, to_id, minutes, explicit)"
                        " VALUES (?1, ?2, ?3, 1) ON CONFLICT(from_id, to_id)"
                        " DO UPDATE SET minutes = ?3, explicit = 1");
    /* The mirror only fills in or follows a mirror, never an explicit value. */
    back = db_stmt(db, "INSERT INTO venue_travel(from_id, to_id, minutes, explicit)"
                       " VALUES (?2, ?1, ?3, 0) ON CONFLICT(from_id, to_id)"
                       " DO UPDATE SET minutes = ?3 WHERE explicit = 0");
    if (there == NULL || back == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(there, 1, a);
    sqlite3_bind_int64(there, 2, b);
    sqlite3_bind_int64(there, 3, minutes);
    sqlite3_bind_int64(back, 1, a);
    sqlite3_bind_int64(back, 2, b);
    sqlite3_bind_int64(back, 3, minutes);
    if (db_step_done(there) < 0 || db_step_done(back) < 0)
        return db_fail(db, e);
    detail = json_pack("{s:I, s:I}", "to", (json_int_t)b, "minutes", (json_int_t)minutes);
    ra = audit_record(db, now, actor, "venue.travel", "venue", a, detail, e);
    json_decref(detail);
    return ra;
}

json_t *venue_travel_put(struct db *db, long long a, long long b, json_t *in, long long now,
                         const char *actor, struct err *e)
{
    static const char *const fields[] = {"minutes", NULL};
    long long minutes;

    if (!json_is_object(in)) {
        err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
        return NULL;
    }
    if (jf_check_keys(in, fields, NULL, e) < 0 ||
        jf_int(in, "minutes", JF_REQUIRED, 0, 1440, &minutes, e) < 0 ||
        venue_set_travel(db, a, b, minutes, now, actor, e) < 0)
        return NULL;
    return json_pack("{s:I, s:I, s:I}", "from", (json_int_t)a, "to", (json_int_t)b,
                     "minutes", (json_int_t)minutes);
}

int venue_travel_minutes(struct db *db, long long a, long long b)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT minutes FROM venue_travel"
                                   " WHERE from_id = ? AND to_id = ?");
    int m = -1;

    if (a == b)
        return 0;
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    if (sqlite3_step(st) == SQLITE_ROW)
        m = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return m;
}

int venue_find(struct db *db, const char *name, long long *id)
{
    char key[JF_TEXT_BYTES(VENUE_NAME_MAX) * 3];
    sqlite3_stmt *st;
    int rc;

    if (text_fold(name, key, sizeof key) < 0)
        return 0;
    st = db_stmt(db, "SELECT id FROM venues WHERE name_key = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* A row of VENUE_COLUMNS (below). */
static json_t *venue_row_json(sqlite3_stmt *st, void *arg)
{
    (void)arg;
    return json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:o}",
                     "id", (json_int_t)sqlite3_column_int64(st, 0), "name", db_text(st, 1),
                     "address", db_json_column(st, 2), "kind", db_text(st, 3),
                     "capacity", db_json_column(st, 4), "lat", db_json_column(st, 5),
                     "lon", db_json_column(st, 6), "contact_role", db_json_column(st, 7));
}

static json_t *travel_row_json(sqlite3_stmt *st, void *arg)
{
    (void)arg;
    return json_pack("{s:I, s:I}", "to", (json_int_t)sqlite3_column_int64(st, 0),
                     "minutes", (json_int_t)sqlite3_column_int64(st, 1));
}

#define VENUE_COLUMNS "id, name, address, kind, capacity, lat, lon, contact_role"

json_t *venue_json(struct db *db, long long id, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT " VENUE_COLUMNS " FROM venues WHERE id = ?");
    json_t *o = NULL, *travel;
    int rc;

    if (st == NULL) {
        db_fail(db, e);
        return NULL;
    }
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        o = venue_row_json(st, NULL);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) {
        err_set(e, ERR_NOT_FOUND, NULL, "no venue %lld", id);
        return NULL;
    }
    if (o == NULL) {
        db_fail(db, e);
        return NULL;
    }
    st = db_stmt(db, "SELECT to_id, minutes FROM venue_travel WHERE from_id = ?"
                     " ORDER BY to_id");
    if (st)
        sqlite3_bind_int64(st, 1, id);
    travel = db_rows_json(st, travel_row_json, NULL);
    if (travel == NULL) {
        json_decref(o);
        db_fail(db, e);
        return NULL;
    }
    json_object_set_new(o, "travel", travel);
    return o;
}

json_t *venue_list_json(struct db *db)
{
    return db_rows_json(db_stmt(db, "SELECT " VENUE_COLUMNS " FROM venues ORDER BY id"),
                        venue_row_json, NULL);
}
