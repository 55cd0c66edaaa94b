/* audit.c - audit log rows; see audit.h. */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>

#include "timeutil.h"

int audit_add(struct db *db, long long now, const char *actor, const char *action,
              const char *object, json_t *detail)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO audit_log(at, actor, action, object,"
                                   " detail) VALUES (?, ?, ?, ?, ?)");
    char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    int rc;

    if (st == NULL) {
        free(text);
        return -1;
    }
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, object, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, text ? text : "{}", -1, SQLITE_TRANSIENT);
    rc = db_step_done(st);
    free(text);
    return rc;
}

int audit_record(struct db *db, long long now, const char *actor, const char *action,
                 const char *kind, long long id, json_t *detail, struct err *e)
{
    char object[48];

    if (actor == NULL)
        return 0;
    snprintf(object, sizeof object, "%s:%lld", kind, id);
    return audit_add(db, now, actor, action, object, detail) < 0 ? db_fail(db, e) : 0;
}

static json_t *entry_json(sqlite3_stmt *st, void *arg)
{
    json_t *detail = json_loads(db_text(st, 5), 0, NULL);
    char at[32];

    (void)arg;
    tu_format_utc(sqlite3_column_int64(st, 1), at);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}",
                     "id", (json_int_t)sqlite3_column_int64(st, 0), "at", at,
                     "actor", db_text(st, 2), "action", db_text(st, 3),
                     "object", db_text(st, 4), "detail", detail ? detail : json_object());
}

json_t *audit_list(struct db *db, long long before, int limit)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, at, actor, action, object, detail"
                                   " FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?");

    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, before > 0 ? before : (long long)1 << 62);
    sqlite3_bind_int(st, 2, limit);
    return db_rows_json(st, entry_json, NULL);
}
