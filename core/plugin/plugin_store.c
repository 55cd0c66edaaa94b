/* plugin_store.c - installing, upgrading, enabling and removing plugins;
 * see plugin_store.h. */
#include "plugin_store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "audit.h"
#include "meeting.h"
#include "plugin_hooks.h"
#include "plugin_locale.h"
#include "plugin_manifest.h"
#include "plugin_name.h"
#include "plugin_sql.h"
#include "plugin_vm.h"

#define SHA256_HEX (crypto_hash_sha256_BYTES * 2 + 1)

/* SHA-256 over the files in path order: each path, a NUL, its length as 8
 * bytes (little-endian) and its bytes, so that no two packages that differ
 * hash alike by moving bytes between files. */
static void files_sha256(const struct plugin_files *f, char hex[SHA256_HEX])
{
    crypto_hash_sha256_state st;
    unsigned char out[crypto_hash_sha256_BYTES];

    crypto_hash_sha256_init(&st);
    for (size_t i = 0; i < f->n; i++) {
        unsigned char len[8];
        unsigned long long n = f->v[i].len;

        for (int k = 0; k < 8; k++)
            len[k] = (unsigned char)(n >> (8 * k));
        crypto_hash_sha256_update(&st, (const unsigned char *)f->v[i].path,
                                  strlen(f->v[i].path) + 1);
        crypto_hash_sha256_update(&st, len, sizeof len);
        crypto_hash_sha256_update(&st, f->v[i].data, f->v[i].len);
    }
    crypto_hash_sha256_final(&st, out);
    sodium_bin2hex(hex, SHA256_HEX, out, sizeof out);
}

/* Each locale file the package has, parsed: {"lv": {...}, "en": {...}}. */
static int locales_parse(const struct plugin_files *f, json_t **out, struct err *e)
{
    static const char *const langs[] = {"lv", "en"};
    json_t *all = json_object();

    *out = NULL;
    if (all == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        char path[32];
        const struct plugin_file *file;
        json_t *v;

        snprintf(path, sizeof path, "locale/%s.json", langs[i]);
        if ((file = plugin_files_get(f, path)) == NULL)
            continue;
        if ((v = plugin_locale_parse(langs[i], (const char *)file->data, file->len, e)) == NULL) {
            json_decref(all);
            return -1;
        }
        json_object_set_new(all, langs[i], v);
    }
    *out = all;
    return 0;
}

/* Only the files the API knows, so that a typo ("migration/...") is not
 * silently ignored. */
static int paths_check(const struct plugin_files *f, struct err *e)
{
    for (size_t i = 0; i < f->n; i++) {
        const char *p = f->v[i].path;
        size_t n = strlen(p);

        if (strcmp(p, "manifest.json") == 0 || strcmp(p, "plugin.lua") == 0 ||
            strcmp(p, "README.md") == 0 || strcmp(p, "locale/lv.json") == 0 ||
            strcmp(p, "locale/en.json") == 0 || strncmp(p, "tests/", 6) == 0 ||
            strncmp(p, "docs/", 5) == 0 || strcmp(p, "LICENSE") == 0)
            continue;
        if (strncmp(p, "migrations/", 11) == 0 && n > 15 && strchr(p + 11, '/') == NULL &&
            strcmp(p + n - 4, ".sql") == 0 && p[11] >= '0' && p[11] <= '9' && p[12] >= '0' &&
            p[12] <= '9' && p[13] >= '0' && p[13] <= '9' && p[14] == '_')
            continue;
        return err_set(e, ERR_INVALID_PLUGIN, NULL,
                       "%s: not a file a plugin may hold (manifest.json, plugin.lua, "
                       "migrations/NNN_name.sql, locale/lv.json, locale/en.json, tests/, "
                       "docs/, README.md, LICENSE)", p);
    }
    return 0;
}

/* No two installed plugins whose table prefixes overlap ("a" and "a-b":
 * p_a_ would reach p_a_b_'s tables). */
static int name_clash(struct db *db, const char *name, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT name FROM plugins WHERE name <> ?1");
    char mine[PLUGIN_TABLE_PREFIX_MAX], theirs[PLUGIN_TABLE_PREFIX_MAX];
    int rc, clash = 0;

    if (st == NULL)
        return db_fail(db, e);
    plugin_table_prefix(name, mine);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    while (!clash && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t a, b;

        plugin_table_prefix(db_text(st, 0), theirs);
        a = strlen(mine);
        b = strlen(theirs);
        if (strncmp(mine, theirs, a < b ? a : b) == 0) {
            clash = 1;
            err_set(e, ERR_INVALID_PLUGIN, "name",
                    "the plugin %s is installed, and its tables (%s...) and this one's "
                    "(%s...) would overlap: choose another name",
                    db_text(st, 0), theirs, mine);
        }
    }
    sqlite3_reset(st);
    return clash ? -1 : 0;
}

/* The plugin's own tables must not point at host tables: a foreign key
 * with ON DELETE CASCADE (or one that blocks a delete) would reach into
 * host data, which the authorizer cannot see. */
static int foreign_keys_check(struct db *db, const char *name, struct err *e)
{
    char prefix[PLUGIN_TABLE_PREFIX_MAX], like[PLUGIN_TABLE_PREFIX_MAX + 8];
    sqlite3_stmt *tables = db_stmt(db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
                                       " AND name LIKE ?1 ESCAPE '\\'");
    int rc = 0;

    if (tables == NULL)
        return db_fail(db, e);
    plugin_table_prefix(name, prefix);
    {
        size_t o = 0;

        for (const char *p = prefix; *p && o + 3 < sizeof like; p++) {
            if (*p == '_' || *p == '%' || *p == '\\')
                like[o++] = '\\';
            like[o++] = *p;
        }
        like[o++] = '%';
        like[o] = '\0';
    }
    sqlite3_bind_text(tables, 1, like, -1, SQLITE_TRANSIENT);
    while (rc == 0 && sqlite3_step(tables) == SQLITE_ROW) {
        sqlite3_stmt *fk = NULL;
        char sql[200];

        snprintf(sql, sizeof sql, "SELECT \"table\" FROM pragma_foreign_key_list(?1)");
        if (sqlite3_prepare_v2(db_handle(db), sql, -1, &fk, NULL) != SQLITE_OK) {
            rc = db_fail(db, e);
            break;
        }
        sqlite3_bind_text(fk, 1, db_text(tables, 0), -1, SQLITE_TRANSIENT);
        while (rc == 0 && sqlite3_step(fk) == SQLITE_ROW)
            if (strncasecmp(db_text(fk, 0), prefix, strlen(prefix)) != 0)
                rc = err_set(e, ERR_INVALID_PLUGIN, NULL,
                             "migrations: the table %s has a foreign key to %s: a plugin's "
                             "tables may refer only to its own (%s...)",
                             db_text(tables, 0), db_text(fk, 0), prefix);
        sqlite3_finalize(fk);
    }
    sqlite3_reset(tables);
    return rc;
}

static int migrations_run(struct db *db, const struct plugin_files *f, const char *name,
                          unsigned reads, long long now, int *ran, struct err *e)
{
    sqlite3_stmt *done = db_stmt(db, "SELECT 1 FROM plugin_migrations WHERE plugin = ?1 AND name = ?2");
    sqlite3_stmt *mark = db_stmt(db, "INSERT INTO plugin_migrations (plugin, name, applied_at)"
                                     " VALUES (?1, ?2, ?3)");

    *ran = 0;
    if (done == NULL || mark == NULL)
        return db_fail(db, e);
    for (size_t i = 0; i < f->n; i++) { /* files are in path order: NNN_ sorts */
        const char *path = f->v[i].path, *mname = path + 11;
        struct plugin_sql_policy pol;
        char err[300];
        int seen;

        if (strncmp(path, "migrations/", 11) != 0)
            continue;
        sqlite3_bind_text(done, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(done, 2, mname, -1, SQLITE_STATIC);
        seen = sqlite3_step(done) == SQLITE_ROW;
        sqlite3_reset(done);
        if (seen)
            continue;
        if (memchr(f->v[i].data, '\0', f->v[i].len))
            return err_set(e, ERR_INVALID_PLUGIN, NULL, "%s: holds a NUL byte", path);
        plugin_sql_policy_init(&pol, name, reads, PLUGIN_SQL_MIGRATE);
        if (plugin_sql_run_script(db, &pol, (const char *)f->v[i].data, err, sizeof err) < 0)
            return err_set(e, ERR_INVALID_PLUGIN, NULL, "%s: %s", path, err);
        sqlite3_bind_text(mark, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(mark, 2, mname, -1, SQLITE_STATIC);
        sqlite3_bind_int64(mark, 3, now);
        if (db_step_done(mark) < 0)
            return db_fail(db, e);
        (*ran)++;
    }
    return foreign_keys_check(db, name, e);
}

static int files_store(struct db *db, const struct plugin_files *f, const char *name,
                       struct err *e)
{
    sqlite3_stmt *del = db_stmt(db, "DELETE FROM plugin_files WHERE plugin = ?1");
    sqlite3_stmt *ins = db_stmt(db, "INSERT INTO plugin_files (plugin, path, data) VALUES (?1, ?2, ?3)");

    if (del == NULL || ins == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(del, 1, name, -1, SQLITE_STATIC);
    if (db_step_done(del) < 0)
        return db_fail(db, e);
    for (size_t i = 0; i < f->n; i++) {
        sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, f->v[i].path, -1, SQLITE_STATIC);
        sqlite3_bind_blob(ins, 3, f->v[i].data, (int)f->v[i].len, SQLITE_STATIC);
        if (db_step_done(ins) < 0)
            return db_fail(db, e);
    }
    return 0;
}

/* Loads plugin.lua once, as the server will: its errors now, not later.
 * *fields is set to the registration fields it declares (new text). */
static int trial_load(const struct plugin_manifest *m, const struct plugin_files *f,
                      json_t *locales, char **fields, struct err *e)
{
    const struct plugin_file *lua = plugin_files_get(f, "plugin.lua");
    struct plugin_code code = {m->name, m->version, m->reads, (const char *)lua->data,
                               lua->len, json_object_get(locales, "lv"),
                               json_object_get(locales, "en")};
    struct plugin_vm *vm = plugin_vm_load(&code, e);

    if (vm == NULL)
        return -1;
    *fields = json_dumps(plugin_vm_form_fields(vm), JSON_COMPACT);
    plugin_vm_free(vm);
    return *fields ? 0 : err_set(e, ERR_INTERNAL, NULL, "out of memory");
}

int plugin_install(struct db *db, const struct plugin_files *files, long long now,
                   const char *actor, json_t **out, struct err *e)
{
    const struct plugin_file *mf = plugin_files_get(files, "manifest.json");
    struct plugin_manifest m;
    json_t *locales = NULL, *mjson = NULL, *detail;
    char sha[SHA256_HEX], *mtext = NULL, *fields = NULL;
    const char *change;
    sqlite3_stmt *st;
    int rc = -1, exists, ran = 0;

    *out = NULL;
    memset(&m, 0, sizeof m);
    if (mf == NULL || plugin_files_get(files, "plugin.lua") == NULL)
        return err_set(e, ERR_INVALID_PLUGIN, NULL,
                       "a plugin needs manifest.json and plugin.lua at its root");
    if (paths_check(files, e) < 0 ||
        plugin_manifest_parse((const char *)mf->data, mf->len, &m, e) < 0)
        return -1;
    if (locales_parse(files, &locales, e) < 0 || trial_load(&m, files, locales, &fields, e) < 0 ||
        name_clash(db, m.name, e) < 0)
        goto out;
    files_sha256(files, sha);
    st = db_stmt(db, "SELECT version, sha256 FROM plugins WHERE name = ?1");
    if (st == NULL) {
        db_fail(db, e);
        goto out;
    }
    sqlite3_bind_text(st, 1, m.name, -1, SQLITE_STATIC);
    exists = sqlite3_step(st) == SQLITE_ROW;
    if (exists) {
        struct semver old;
        int same_files = strcmp(db_text(st, 1), sha) == 0, cmp = 1;

        if (semver_parse(db_text(st, 0), &old) == 0)
            cmp = semver_compare(&m.semver, &old);
        if (!same_files && cmp <= 0) {
            err_set(e, ERR_INVALID_PLUGIN, "version",
                    "%s %s is installed: an upgrade needs a higher version than that, not %s",
                    m.name, db_text(st, 0), m.version);
            sqlite3_reset(st);
            goto out;
        }
        sqlite3_reset(st);
        if (same_files) {
            *out = plugin_show_json(db, m.name, e);
            if (*out)
                json_object_set_new(*out, "change", json_string("unchanged"));
            rc = *out ? 0 : -1;
            goto out;
        }
    }
    sqlite3_reset(st);
    mjson = plugin_manifest_to_json(&m);
    mtext = mjson ? json_dumps(mjson, JSON_COMPACT) : NULL;
    st = exists ? db_stmt(db, "UPDATE plugins SET version = ?2, manifest_json = ?3, sha256 = ?4,"
                              " updated_at = ?5, form_json = ?6 WHERE name = ?1")
                : db_stmt(db, "INSERT INTO plugins (name, version, manifest_json, sha256,"
                              " installed_at, updated_at, form_json)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)");
    if (mtext == NULL || st == NULL) {
        db_fail(db, e);
        goto out;
    }
    sqlite3_bind_text(st, 1, m.name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m.version, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, mtext, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, fields, -1, SQLITE_STATIC);
    if (db_step_done(st) < 0) {
        db_fail(db, e);
        goto out;
    }
    if (files_store(db, files, m.name, e) < 0 ||
        migrations_run(db, files, m.name, m.reads, now, &ran, e) < 0)
        goto out;
    change = exists ? "upgraded" : "installed";
    detail = json_pack("{s:s, s:s, s:s, s:i}", "version", m.version, "sha256", sha, "change",
                       change, "migrations_run", ran);
    rc = audit_record(db, now, actor, exists ? "plugin.upgrade" : "plugin.install", "plugin", 0,
                      detail, e);
    json_decref(detail);
    if (rc < 0)
        goto out;
    *out = plugin_show_json(db, m.name, e);
    if (*out == NULL) {
        rc = -1;
        goto out;
    }
    json_object_set_new(*out, "change", json_string(change));
    json_object_set_new(*out, "migrations_run", json_integer(ran));
    rc = 0;
out:
    free(mtext);
    free(fields);
    json_decref(mjson);
    json_decref(locales);
    plugin_manifest_clear(&m);
    return rc;
}

static int plugin_exists(struct db *db, const char *name, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM plugins WHERE name = ?1");
    int found;

    if (!plugin_name_ok(name))
        return err_set(e, ERR_NOT_FOUND, NULL, "no plugin is called that");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found ? 0 : err_set(e, ERR_NOT_FOUND, NULL, "the plugin %s is not installed", name);
}

int plugin_set_enabled(struct db *db, const char *name, int enabled, long long now,
                       const char *actor, struct err *e)
{
    plugin_hooks_changed();
    sqlite3_stmt *st;

    if (plugin_exists(db, name, e) < 0)
        return -1;
    st = db_stmt(db, "UPDATE plugins SET enabled = ?2, updated_at = ?3 WHERE name = ?1");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, enabled != 0);
    sqlite3_bind_int64(st, 3, now);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    return audit_record(db, now, actor, enabled ? "plugin.enable" : "plugin.disable", "plugin",
                        0, NULL, e);
}

int plugin_remove(struct db *db, const char *name, long long now, const char *actor,
                  struct err *e)
{
    plugin_hooks_changed();
    sqlite3_stmt *files, *meetings, *row;

    if (plugin_exists(db, name, e) < 0)
        return -1;
    files = db_stmt(db, "DELETE FROM plugin_files WHERE plugin = ?1");
    meetings = db_stmt(db, "DELETE FROM meeting_plugins WHERE plugin = ?1");
    row = db_stmt(db, "DELETE FROM plugins WHERE name = ?1");
    if (files == NULL || meetings == NULL || row == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(files, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(meetings, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(row, 1, name, -1, SQLITE_STATIC);
    if (db_step_done(files) < 0 || db_step_done(meetings) < 0 || db_step_done(row) < 0)
        return db_fail(db, e);
    return audit_record(db, now, actor, "plugin.remove", "plugin", 0, NULL, e);
}

static json_t *plugin_row_json(sqlite3_stmt *st, void *arg)
{
    json_t *manifest = json_loads(db_text(st, 2), 0, NULL), *o;

    (void)arg;
    if (manifest == NULL)
        return NULL;
    o = json_pack("{s:s, s:s, s:O, s:O, s:O, s:O, s:b, s:s, s:I, s:I}", "name", db_text(st, 0),
                  "version", db_text(st, 1), "title", json_object_get(manifest, "title"),
                  "description", json_object_get(manifest, "description"), "reads",
                  json_object_get(manifest, "reads"), "settings",
                  json_object_get(manifest, "settings"), "enabled", sqlite3_column_int(st, 3),
                  "sha256", db_text(st, 4), "installed_at",
                  (json_int_t)sqlite3_column_int64(st, 5), "updated_at",
                  (json_int_t)sqlite3_column_int64(st, 6));
    if (o) {
        json_t *fields = json_loads(db_text(st, 7), 0, NULL);
        json_object_set(o, "priority", json_object_get(manifest, "priority"));
        json_object_set_new(o, "fields", fields ? fields : json_array());
    }
    json_decref(manifest);
    return o;
}

/* Where the plugin is enabled, and where it was switched off for failing. */
static int add_meetings(struct db *db, json_t *plugin, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT meeting_id, enabled, failures, disabled_reason"
                                   " FROM meeting_plugins WHERE plugin = ?1 ORDER BY meeting_id");
    json_t *list = json_array();
    int rc;

    if (st == NULL || list == NULL) {
        json_decref(list);
        return db_fail(db, e);
    }
    sqlite3_bind_text(st, 1, json_string_value(json_object_get(plugin, "name")), -1,
                      SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(list, json_pack("{s:I, s:b, s:i, s:o}", "meeting_id",
                                              (json_int_t)sqlite3_column_int64(st, 0), "enabled",
                                              sqlite3_column_int(st, 1), "failures",
                                              sqlite3_column_int(st, 2), "disabled_reason",
                                              db_json_column(st, 3)));
    sqlite3_reset(st);
    json_object_set_new(plugin, "meetings", list);
    return rc == SQLITE_DONE ? 0 : db_fail(db, e);
}

json_t *plugin_list_json(struct db *db, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT name, version, manifest_json, enabled, sha256,"
                                   " installed_at, updated_at, form_json FROM plugins ORDER BY name");
    json_t *list, *p;
    size_t i;

    if (st == NULL) {
        db_fail(db, e);
        return NULL;
    }
    if ((list = db_rows_json(st, plugin_row_json, NULL)) == NULL) {
        db_fail(db, e);
        return NULL;
    }
    json_array_foreach(list, i, p)
        if (add_meetings(db, p, e) < 0) {
            json_decref(list);
            return NULL;
        }
    return list;
}

/* st (SELECT ... FROM plugins WHERE name = ?1) stepped onto the plugin's
 * row: 1, or 0 with not_found (reset) or -1 with a storage error. */
static int plugin_row(struct db *db, sqlite3_stmt *st, const char *name, struct err *e)
{
    if (!plugin_name_ok(name))
        return err_set(e, ERR_NOT_FOUND, NULL, "no plugin is called that"), 0;
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        return 1;
    sqlite3_reset(st);
    err_set(e, ERR_NOT_FOUND, NULL, "the plugin %s is not installed", name);
    return 0;
}

json_t *plugin_show_json(struct db *db, const char *name, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT name, version, manifest_json, enabled, sha256,"
                                   " installed_at, updated_at, form_json FROM plugins WHERE name = ?1");
    json_t *o;

    if (plugin_row(db, st, name, e) <= 0)
        return NULL;
    o = plugin_row_json(st, NULL);
    sqlite3_reset(st);
    if (o && add_meetings(db, o, e) < 0) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

/* The installed plugin's manifest (for its settings schema); NULL with e. */
static json_t *manifest_of(struct db *db, const char *name, int *enabled, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT manifest_json, enabled FROM plugins WHERE name = ?1");
    json_t *m;

    if (plugin_row(db, st, name, e) <= 0)
        return NULL;
    m = json_loads(db_text(st, 0), 0, NULL);
    *enabled = sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    if (m == NULL)
        err_set(e, ERR_INTERNAL, NULL, "the stored manifest of %s does not parse", name);
    return m;
}

int plugin_meeting_put(struct db *db, long long meeting_id, const char *name, json_t *body,
                       long long now, const char *actor, json_t **out, struct err *e)
{
    plugin_hooks_changed();
    json_t *manifest, *settings = NULL, *given;
    const char *key;
    json_t *v;
    char *text = NULL;
    sqlite3_stmt *st;
    int enabled = 0, rc = -1;

    *out = NULL;
    if (meeting_check(db, meeting_id, e) < 0)
        return -1;
    if ((manifest = manifest_of(db, name, &enabled, e)) == NULL)
        return -1;
    if (!enabled) {
        err_set(e, ERR_INVALID_FIELD, NULL,
                "the plugin %s is switched off on this server: an admin can switch it on",
                name);
        goto out;
    }
    json_object_foreach(body, key, v)
        if (strcmp(key, "settings") != 0) {
            err_set(e, ERR_UNKNOWN_FIELD, key, "only \"settings\" may be given");
            goto out;
        }
    given = json_object_get(body, "settings");
    if (given && !json_is_object(given) && !json_is_null(given)) {
        err_set(e, ERR_INVALID_FIELD, "settings", "settings must be an object");
        goto out;
    }
    if ((settings = plugin_settings_check(json_object_get(manifest, "settings"),
                                          json_is_object(given) ? given : NULL, e)) == NULL)
        goto out;
    text = json_dumps(settings, JSON_COMPACT);
    st = db_stmt(db, "INSERT INTO meeting_plugins (meeting_id, plugin, settings_json, enabled,"
                     " failures, disabled_reason, updated_at) VALUES (?1, ?2, ?3, 1, 0, NULL, ?4)"
                     " ON CONFLICT (meeting_id, plugin) DO UPDATE SET settings_json = ?3,"
                     " enabled = 1, failures = 0, disabled_reason = NULL, updated_at = ?4");
    if (st == NULL || text == NULL) {
        db_fail(db, e);
        goto out;
    }
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    if (db_step_done(st) < 0) {
        db_fail(db, e);
        goto out;
    }
    {
        json_t *detail = json_pack("{s:s, s:O}", "plugin", name, "settings", settings);

        rc = audit_record(db, now, actor, "meeting.plugin_enable", "meeting", meeting_id,
                          detail, e);
        json_decref(detail);
    }
    /* The plugin may now put back what it shows there (its agenda items). */
    if (rc == 0)
        rc = plugin_hooks_enabled(db, meeting_id, name, settings, e);
    if (rc == 0)
        *out = json_pack("{s:s, s:I, s:b, s:O}", "plugin", name, "meeting_id",
                         (json_int_t)meeting_id, "enabled", 1, "settings", settings);
out:
    free(text);
    json_decref(settings);
    json_decref(manifest);
    return rc;
}

int plugin_meeting_disable(struct db *db, long long meeting_id, const char *name,
                           long long now, const char *actor, struct err *e)
{
    plugin_hooks_changed();
    sqlite3_stmt *st = db_stmt(db, "UPDATE meeting_plugins SET enabled = 0, updated_at = ?3"
                                   " WHERE meeting_id = ?1 AND plugin = ?2 AND enabled = 1");
    json_t *detail;
    int rc;

    if (meeting_check(db, meeting_id, e) < 0)
        return -1;
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (db_changes(db) == 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "the plugin %s is not enabled for this meeting",
                       name);
    /* Its agenda items go with it; its own tables keep their data. */
    {
        char source[PLUGIN_NAME_MAX + 8];

        snprintf(source, sizeof source, "plugin:%s", name);
        if (agenda_remove_source(db, meeting_id, source, now, actor, e) < 0)
            return -1;
    }
    detail = json_pack("{s:s}", "plugin", name);
    rc = audit_record(db, now, actor, "meeting.plugin_disable", "meeting", meeting_id, detail, e);
    json_decref(detail);
    return rc;
}

static json_t *meeting_plugin_row(sqlite3_stmt *st, void *arg)
{
    json_t *settings = json_loads(db_text(st, 1), 0, NULL);

    (void)arg;
    return json_pack("{s:s, s:s?, s:o, s:b, s:i, s:o, s:I}", "plugin", db_text(st, 0),
                     "version", sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL : db_text(st, 5),
                     "settings", settings ? settings : json_object(), "enabled",
                     sqlite3_column_int(st, 2), "failures", sqlite3_column_int(st, 3),
                     "disabled_reason", db_json_column(st, 4), "updated_at",
                     (json_int_t)sqlite3_column_int64(st, 6));
}

json_t *plugin_meeting_list_json(struct db *db, long long meeting_id, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT mp.plugin, mp.settings_json, mp.enabled, mp.failures,"
                                   " mp.disabled_reason, p.version, mp.updated_at"
                                   " FROM meeting_plugins mp JOIN plugins p ON p.name = mp.plugin"
                                   " WHERE mp.meeting_id = ?1 ORDER BY mp.plugin");
    json_t *list;

    if (meeting_check(db, meeting_id, e) < 0)
        return NULL;
    if (st == NULL) {
        db_fail(db, e);
        return NULL;
    }
    sqlite3_bind_int64(st, 1, meeting_id);
    if ((list = db_rows_json(st, meeting_plugin_row, NULL)) == NULL)
        db_fail(db, e);
    return list;
}

int plugin_meeting_enabled(struct db *db, long long meeting_id, const char *name,
                           json_t **settings, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT mp.settings_json FROM meeting_plugins mp"
                                   " JOIN plugins p ON p.name = mp.plugin AND p.enabled = 1"
                                   " WHERE mp.meeting_id = ?1 AND mp.plugin = ?2 AND mp.enabled = 1");
    int found;

    if (settings)
        *settings = NULL;
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    if (found && settings)
        *settings = json_loads(db_text(st, 0), 0, NULL);
    sqlite3_reset(st);
    return found;
}
