/* directory.c - organisations and networks; see directory.h. */
#include "directory.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "log.h"
#include "textfold.h"

static const char *const org_kinds[] = {"municipality", "association", "school",
                                        "museum", "agency", "company", "other",
                                        NULL};

static int kind_known(const char *kind)
{
    for (const char *const *k = org_kinds; *k; k++)
        if (strcmp(*k, kind) == 0)
            return 1;
    return 0;
}

static int kind_error(struct err *e)
{
    return err_set(e, ERR_INVALID_FIELD, "kind",
                   "kind: must be one of municipality, association, school, "
                   "museum, agency, company, other");
}

int dir_org_find(struct db *db, const char *name, long long *id,
                 char canon[JF_TEXT_BYTES(ORG_NAME_MAX)])
{
    char key[JF_TEXT_BYTES(ORG_NAME_MAX) * 3];
    sqlite3_stmt *st;
    int rc;

    if (text_fold(name, key, sizeof key) < 0)
        return 0;
    st = db_stmt(db, "SELECT id, name FROM organisations WHERE name_key = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        if (canon)
            snprintf(canon, JF_TEXT_BYTES(ORG_NAME_MAX), "%s", db_text(st, 1));
        sqlite3_reset(st);
        return 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int dir_org_get(struct db *db, long long id, char name[JF_TEXT_BYTES(ORG_NAME_MAX)])
{
    sqlite3_stmt *st = db_stmt(db, "SELECT name FROM organisations WHERE id = ?");
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(name, JF_TEXT_BYTES(ORG_NAME_MAX), "%s", db_text(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int org_insert(struct db *db, const char *name, const char *kind,
                      long long now, long long *id)
{
    char key[JF_TEXT_BYTES(ORG_NAME_MAX) * 3];
    sqlite3_stmt *st;

    if (text_fold(name, key, sizeof key) < 0)
        return -1;
    st = db_stmt(db, "INSERT INTO organisations(name, name_key, kind, created_at)"
                     " VALUES (?, ?, ?, ?)");
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    if (db_step_done(st) < 0)
        return -1;
    *id = db_last_id(db);
    return 0;
}

int dir_org_create(struct db *db, json_t *in, long long now, const char *actor,
                   long long *id, struct err *e)
{
    static const char *const allowed[] = {"name", "kind", NULL};
    char name[JF_TEXT_BYTES(ORG_NAME_MAX)], kind[JF_TEXT_BYTES(20)] = "other";
    long long existing;

    if (jf_check_keys(in, allowed, NULL, e) < 0 ||
        jf_text(in, "name", JF_REQUIRED | JF_NO_BIDI, ORG_NAME_MAX, name, sizeof name, e) < 0 ||
        jf_text(in, "kind", 0, 20, kind, sizeof kind, e) < 0)
        return -1;
    if (kind[0] == '\0')
        strcpy(kind, "other");
    if (!kind_known(kind))
        return kind_error(e);
    switch (dir_org_find(db, name, &existing, NULL)) {
    case 1:
        return err_set(e, ERR_DUPLICATE_NAME, "name",
                       "name: an organisation with this name exists (id %lld)",
                       existing);
    case 0:
        break;
    default:
        return db_fail(db, e);
    }
    if (org_insert(db, name, kind, now, id) < 0)
        return db_fail(db, e);
    return audit_record(db, now, actor, "organisation.create", "organisation", *id, in, e);
}

/* A text field a PATCH may leave out but not empty: JF_ABSENT, JF_SET or -1. */
static int patch_text(json_t *in, const char *key, size_t max, char *dst, size_t dstsz,
                      struct err *e)
{
    int rc = jf_text(in, key, 0, max, dst, dstsz, e);

    if (rc == JF_SET && dst[0] == '\0')
        return err_set(e, ERR_MISSING_FIELD, key, "%s: may not be empty", key);
    return rc;
}

/* The two text columns of the row sql (with one ? for id) selects, into a
 * and b: 0, not_found naming what ("organisation", "network"), or a
 * storage error. */
static int two_texts(struct db *db, const char *sql, long long id, const char *what, char *a,
                     size_t asz, char *b, size_t bsz, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(a, asz, "%s", db_text(st, 0));
        snprintf(b, bsz, "%s", db_text(st, 1));
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return err_set(e, ERR_NOT_FOUND, NULL, "no %s %lld", what, id);
    return rc == SQLITE_ROW ? 0 : db_fail(db, e);
}

int dir_org_patch(struct db *db, long long id, json_t *in, long long now,
                  const char *actor, struct err *e)
{
    static const char *const allowed[] = {"name", "kind", NULL};
    char name[JF_TEXT_BYTES(ORG_NAME_MAX)], kind[JF_TEXT_BYTES(20)];
    char key[JF_TEXT_BYTES(ORG_NAME_MAX) * 3];
    sqlite3_stmt *st;
    long long other;

    if (two_texts(db, "SELECT name, kind FROM organisations WHERE id = ?", id, "organisation",
                  name, sizeof name, kind, sizeof kind, e) < 0)
        return -1;
    if (jf_check_keys(in, allowed, NULL, e) < 0 ||
        patch_text(in, "name", ORG_NAME_MAX, name, sizeof name, e) < 0 ||
        patch_text(in, "kind", 20, kind, sizeof kind, e) < 0)
        return -1;
    if (!kind_known(kind))
        return kind_error(e);
    switch (dir_org_find(db, name, &other, NULL)) {
    case 1:
        if (other != id)
            return err_set(e, ERR_DUPLICATE_NAME, "name",
                           "name: an organisation with this name exists (id %lld)", other);
        break;
    case 0:
        break;
    default:
        return db_fail(db, e);
    }
    if (text_fold(name, key, sizeof key) < 0)
        return err_set(e, ERR_INVALID_FIELD, "name", "name: cannot be compared");
    st = db_stmt(db, "UPDATE organisations SET name = ?, name_key = ?, kind = ? WHERE id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    return audit_record(db, now, actor, "organisation.update", "organisation", id, in, e);
}

long long dir_org_ensure(struct db *db, const char *name, const char *kind,
                         long long now)
{
    long long id;
    int rc = dir_org_find(db, name, &id, NULL);

    if (rc == 1)
        return id;
    if (rc < 0 || org_insert(db, name, kind, now, &id) < 0)
        return -1;
    return id;
}

static json_t *org_row(sqlite3_stmt *st, void *arg)
{
    (void)arg;
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "name", db_text(st, 1), "kind", db_text(st, 2));
}

json_t *dir_org_list(struct db *db)
{
    return db_rows_json(db_stmt(db, "SELECT id, name, kind FROM organisations"), org_row,
                        NULL);
}

json_t *dir_org_json(struct db *db, long long id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, name, kind FROM organisations WHERE id = ?");
    json_t *o = NULL;

    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        o = org_row(st, NULL);
    sqlite3_reset(st);
    return o;
}

json_t *dir_org_get_json(struct db *db, long long id, struct err *e)
{
    json_t *o = dir_org_json(db, id);

    if (o == NULL) {
        switch (db_exists(db, "SELECT 1 FROM organisations WHERE id = ?", id, 0)) {
        case 0:
            err_set(e, ERR_NOT_FOUND, NULL, "no organisation %lld", id);
            break;
        case 1:
            err_set(e, ERR_INTERNAL, NULL, "out of memory");
            break;
        default:
            db_fail(db, e);
        }
    }
    return o;
}

int dir_network_exists(struct db *db, long long id)
{
    return db_exists(db, "SELECT 1 FROM networks WHERE id = ?", id, 0);
}

long long dir_network_ensure(struct db *db, const char *name, long long now)
{
    return db_find_or_insert(db, "SELECT id FROM networks WHERE name = ?1",
                             "INSERT INTO networks(name, created_at) VALUES (?1, ?3)",
                             name, NULL, now);
}

int dir_network_add_member(struct db *db, long long network, long long org)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO network_members"
                                   "(network_id, organisation_id) VALUES (?, ?)");

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, network);
    sqlite3_bind_int64(st, 2, org);
    return db_step_done(st);
}

static json_t *network_row(sqlite3_stmt *st, void *arg)
{
    (void)arg;
    return json_pack("{s:I, s:s, s:o, s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "name", db_text(st, 1), "description", db_json_column(st, 3),
                     "members", (json_int_t)sqlite3_column_int64(st, 2));
}

json_t *dir_network_list(struct db *db)
{
    return db_rows_json(db_stmt(db, "SELECT n.id, n.name, count(m.organisation_id),"
                                    " n.description"
                                    " FROM networks n LEFT JOIN network_members m"
                                    " ON m.network_id = n.id GROUP BY n.id ORDER BY n.id"),
                        network_row, NULL);
}

json_t *dir_network_json(struct db *db, long long id, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT n.id, n.name, (SELECT count(*) FROM network_members m"
                                   " WHERE m.network_id = n.id), n.description"
                                   " FROM networks n WHERE n.id = ?");
    json_t *o = NULL;
    int rc;

    if (st == NULL) {
        db_fail(db, e);
        return NULL;
    }
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && (o = network_row(st, NULL)) == NULL)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        err_set(e, ERR_NOT_FOUND, NULL, "no network %lld", id);
    else if (rc != SQLITE_ROW)
        db_fail(db, e);
    return o;
}

/* 1 with *other set when a network other than id (0: none) has this name,
 * compared by case fold; 0 when none; -1 on a storage error.  Networks are
 * few, and their table has no folded key: the names are folded here. */
static int network_name_taken(struct db *db, const char *name, long long id, long long *other)
{
    char want[JF_TEXT_BYTES(NETWORK_NAME_MAX) * 3], have[JF_TEXT_BYTES(NETWORK_NAME_MAX) * 3];
    sqlite3_stmt *st = db_stmt(db, "SELECT id, name FROM networks");
    int rc, taken = 0;

    if (st == NULL)
        return -1;
    if (text_fold(name, want, sizeof want) < 0)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_int64(st, 0) == id)
            continue;
        if (text_fold(db_text(st, 1), have, sizeof have) == 0 && strcmp(want, have) == 0) {
            *other = sqlite3_column_int64(st, 0);
            taken = 1;
            break;
        }
    }
    sqlite3_reset(st);
    if (!taken && rc != SQLITE_DONE)
        return -1;
    return taken;
}

/* Reads name and description from in onto their current values (create: ""
 * and no description) and checks the name: 0 or -1. */
static int network_apply(struct db *db, json_t *in, long long id, int creating,
                         char name[JF_TEXT_BYTES(NETWORK_NAME_MAX)],
                         char desc[JF_TEXT_BYTES(NETWORK_DESCRIPTION_MAX)], struct err *e)
{
    static const char *const allowed[] = {"name", "description", NULL};
    long long other = 0;

    if (jf_check_keys(in, allowed, NULL, e) < 0)
        return -1;
    if (creating ? jf_text(in, "name", JF_REQUIRED, NETWORK_NAME_MAX, name,
                           JF_TEXT_BYTES(NETWORK_NAME_MAX), e) < 0
                 : patch_text(in, "name", NETWORK_NAME_MAX, name,
                              JF_TEXT_BYTES(NETWORK_NAME_MAX), e) < 0)
        return -1;
    if (jf_text(in, "description", JF_NULLABLE | JF_MULTILINE, NETWORK_DESCRIPTION_MAX, desc,
                JF_TEXT_BYTES(NETWORK_DESCRIPTION_MAX), e) < 0)
        return -1;
    switch (network_name_taken(db, name, id, &other)) {
    case 0:
        return 0;
    case 1:
        return err_set(e, ERR_DUPLICATE_NAME, "name",
                       "name: a network with this name exists (id %lld)", other);
    default:
        return db_fail(db, e);
    }
}

int dir_network_create(struct db *db, json_t *in, long long now, const char *actor,
                       long long *id, struct err *e)
{
    char name[JF_TEXT_BYTES(NETWORK_NAME_MAX)] = "";
    char desc[JF_TEXT_BYTES(NETWORK_DESCRIPTION_MAX)] = "";
    sqlite3_stmt *st;

    if (network_apply(db, in, 0, 1, name, desc, e) < 0)
        return -1;
    st = db_stmt(db, "INSERT INTO networks(name, description, created_at) VALUES (?, ?, ?)");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    db_bind_text_or_null(st, 2, desc);
    sqlite3_bind_int64(st, 3, now);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    *id = db_last_id(db);
    return audit_record(db, now, actor, "network.create", "network", *id, in, e);
}

int dir_network_patch(struct db *db, long long id, json_t *in, long long now,
                      const char *actor, struct err *e)
{
    char name[JF_TEXT_BYTES(NETWORK_NAME_MAX)] = "";
    char desc[JF_TEXT_BYTES(NETWORK_DESCRIPTION_MAX)] = "";
    sqlite3_stmt *st;

    if (two_texts(db, "SELECT name, description FROM networks WHERE id = ?", id, "network",
                  name, sizeof name, desc, sizeof desc, e) < 0)
        return -1;
    if (network_apply(db, in, id, 0, name, desc, e) < 0)
        return -1;
    st = db_stmt(db, "UPDATE networks SET name = ?, description = ? WHERE id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    db_bind_text_or_null(st, 2, desc);
    sqlite3_bind_int64(st, 3, id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    return audit_record(db, now, actor, "network.update", "network", id, in, e);
}
