/* directory.c - organisations and networks; see directory.h. */
#include "directory.h"

#include <string.h>

#include "audit.h"
#include "log.h"
#include "textfold.h"

static const char *const org_kinds[] = {"municipality", "association", "school",
                                        "museum", "agency", "company", "other",
                                        NULL};

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
    int found = 0;

    if (jf_check_keys(in, allowed, NULL, e) < 0 ||
        jf_text(in, "name", JF_REQUIRED, ORG_NAME_MAX, name, sizeof name, e) < 0 ||
        jf_text(in, "kind", 0, 20, kind, sizeof kind, e) < 0)
        return -1;
    if (kind[0] == '\0')
        strcpy(kind, "other");
    for (const char *const *k = org_kinds; *k; k++)
        found |= strcmp(*k, kind) == 0;
    if (!found)
        return err_set(e, ERR_INVALID_FIELD, "kind",
                       "kind: must be one of municipality, association, school, "
                       "museum, agency, company, other");
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
    return json_pack("{s:I, s:s, s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "name", db_text(st, 1), "members",
                     (json_int_t)sqlite3_column_int64(st, 2));
}

json_t *dir_network_list(struct db *db)
{
    return db_rows_json(db_stmt(db, "SELECT n.id, n.name, count(m.organisation_id)"
                                    " FROM networks n LEFT JOIN network_members m"
                                    " ON m.network_id = n.id GROUP BY n.id ORDER BY n.id"),
                        network_row, NULL);
}
