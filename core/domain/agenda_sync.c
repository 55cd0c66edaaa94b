/* agenda_sync.c - bringing a script's declared programme into the
 * database: the venues it declares, the travel times it gives, and its
 * items, matched to the ones it made before by their keys.  Items made by
 * hand or by other scripts are never touched, so applying the same script
 * twice changes nothing the second time.  See agenda.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "agenda_internal.h"
#include "audit.h"
#include "events.h"
#include "jfield.h"
#include "textfold.h"
#include "venue.h"

int agenda_script_name_ok(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > 64 || !((name[0] >= 'a' && name[0] <= 'z') ||
                              (name[0] >= '0' && name[0] <= '9')))
        return 0;
    for (size_t i = 1; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* Re-labels an error about one declared thing: "items[key].title: ...". */
static int scoped(struct err *e, const char *what, const char *key)
{
    struct err inner = *e;

    return err_set(e, inner.code == ERR_INTERNAL ? ERR_INTERNAL : ERR_SCRIPT,
                   inner.field, "%s '%s': %s", what, key, inner.message);
}

/* Creates the declared venues that do not exist yet; seen collects folded
 * names to refuse a venue declared twice. */
static int add_venues(struct db *db, json_t *venues, long long now, const char *actor,
                        json_t *added, json_t *seen, struct err *e)
{
    char key[1024];
    size_t i;
    json_t *v;

    if (venues && !json_is_array(venues))
        return err_set(e, ERR_SCRIPT, "venues", "venues: must be a list");
    json_array_foreach(venues, i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        long long id;
        int rc;

        if (name == NULL)
            return err_set(e, ERR_SCRIPT, "venues", "venue %zu: has no name", i + 1);
        /* Names are matched without case (as the server stores them): a second
         * declaration of one venue would be silently ignored. */
        if (text_fold(name, key, sizeof key) == 0) {
            json_t *before = json_object_get(seen, key);

            if (before)
                return err_set(e, ERR_SCRIPT, "venues",
                               "venue '%s' is declared twice ('%s' before it; names are "
                               "compared without regard to case)", name,
                               json_string_value(before));
            json_object_set_new(seen, key, json_string(name));
        }
        rc = venue_find(db, name, &id);
        if (rc < 0)
            return db_fail(db, e);
        if (rc == 1)
            continue; /* venues are shared: a script adds, never rewrites */
        if (venue_create(db, v, now, actor, &id, e) < 0)
            return scoped(e, "venue", name);
        json_array_append_new(added, json_string(name));
    }
    return 0;
}

static int sync_venues(struct db *db, json_t *venues, long long now, const char *actor,
                       json_t *added, struct err *e)
{
    json_t *seen = json_object();
    int rc = add_venues(db, venues, now, actor, added, seen, e);

    json_decref(seen);
    return rc;
}

static int venue_id_of(struct db *db, const char *name, long long *id, struct err *e)
{
    int rc = name ? venue_find(db, name, id) : 0;

    if (rc < 0)
        return db_fail(db, e);
    if (rc == 0)
        return err_set(e, ERR_SCRIPT, "venue", "unknown venue '%s'", name ? name : "");
    return 0;
}

static int sync_travel(struct db *db, json_t *travel, long long now, const char *actor,
                       struct err *e)
{
    size_t i;
    json_t *t;

    if (travel && !json_is_array(travel))
        return err_set(e, ERR_SCRIPT, "travel", "travel: must be a list");
    json_array_foreach(travel, i, t) {
        const char *from = json_string_value(json_object_get(t, "from"));
        const char *to = json_string_value(json_object_get(t, "to"));
        json_t *m = json_object_get(t, "minutes");
        long long a, b;

        if (!json_is_integer(m))
            return err_set(e, ERR_SCRIPT, "travel", "travel %zu: minutes must be a whole"
                           " number", i + 1);
        if (venue_id_of(db, from, &a, e) < 0 || venue_id_of(db, to, &b, e) < 0)
            return -1;
        if (venue_travel_minutes(db, a, b) == json_integer_value(m))
            continue;
        if (venue_set_travel(db, a, b, json_integer_value(m), now, actor, e) < 0)
            return -1;
    }
    return 0;
}

/* The API form of a declared item: "venue" (a name) becomes "venue_id",
 * "key" goes. */
static json_t *api_form(struct db *db, json_t *item, struct err *e)
{
    json_t *in = json_deep_copy(item), *venue;
    long long id;

    if (in == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    json_object_del(in, "key");
    venue = json_object_get(in, "venue");
    if (venue && !json_is_null(venue)) {
        if (!json_is_string(venue) || venue_id_of(db, json_string_value(venue), &id, e) < 0) {
            if (e->code == ERR_NONE)
                err_set(e, ERR_SCRIPT, "venue", "venue: must be a venue's name");
            json_decref(in);
            return NULL;
        }
        json_object_set_new(in, "venue_id", json_integer(id));
    }
    json_object_del(in, "venue");
    return in;
}

/* key -> [id, normalised item] of the items this script made before. */
static json_t *existing_items(struct db *db, long long meeting_id, const char *source)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT " ITEM_COLUMNS " FROM agenda_items i"
                                   " LEFT JOIN venues v ON v.id = i.venue_id"
                                   " WHERE i.meeting_id = ? AND i.source = ?");
    json_t *map = json_object();
    int rc;

    if (st == NULL || map == NULL) {
        json_decref(map);
        return NULL;
    }
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 14);
        if (key)
            json_object_set_new(map, key, json_pack("[I, o]", (json_int_t)sqlite3_column_int64(st, 0),
                                                    agenda_row_normal(st)));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(map);
        return NULL;
    }
    return map;
}

static int sync_items(struct db *db, const struct meeting *m, const char *source,
                      json_t *items, long long now, json_t *diff, struct err *e)
{
    json_t *before = existing_items(db, m->id, source), *seen = json_object();
    json_t *added = json_object_get(diff, "added"), *changed = json_object_get(diff, "changed");
    json_t *removed = json_object_get(diff, "removed"), *item, *old;
    long long unchanged = 0;
    const char *key;
    size_t i;
    int rc = -1;

    if (before == NULL || seen == NULL) {
        db_fail(db, e);
        goto out;
    }
    if (items && !json_is_array(items)) {
        err_set(e, ERR_SCRIPT, "items", "items: must be a list");
        goto out;
    }
    json_array_foreach(items, i, item) {
        struct agenda_times t;
        json_t *in, *n;
        long long id;

        key = json_string_value(json_object_get(item, "key"));
        if (key == NULL || key[0] == '\0' || strlen(key) > 200) {
            err_set(e, ERR_SCRIPT, "key", "item %zu: needs a key of 1-200 characters", i + 1);
            goto out;
        }
        if (json_object_get(seen, key)) {
            err_set(e, ERR_SCRIPT, "key", "item '%s': the key is used twice", key);
            goto out;
        }
        json_object_set_new(seen, key, json_true());
        in = api_form(db, item, e);
        n = in ? agenda_item_validate(db, m, in, &t, e) : NULL;
        json_decref(in);
        if (n == NULL) {
            scoped(e, "item", key);
            goto out;
        }
        old = json_object_get(before, key);
        if (old == NULL) {
            if (agenda_item_insert(db, m->id, n, &t, source, key, now, &id, e) == 0)
                json_array_append_new(added, json_pack("{s:s, s:I, s:O}", "key", key, "id",
                                                       (json_int_t)id, "item", n));
        } else if (json_equal(json_array_get(old, 1), n)) {
            unchanged++;
        } else {
            id = json_integer_value(json_array_get(old, 0));
            if (agenda_item_update(db, id, n, &t, now, e) == 0)
                json_array_append_new(changed, json_pack("{s:s, s:I, s:O, s:O}", "key", key,
                                                         "id", (json_int_t)id, "before",
                                                         json_array_get(old, 1), "after", n));
            else
                scoped(e, "item", key);
        }
        json_decref(n);
        if (e->code != ERR_NONE)
            goto out;
    }
    json_object_foreach(before, key, old) {
        long long id = json_integer_value(json_array_get(old, 0));
        if (json_object_get(seen, key))
            continue;
        if (agenda_item_remove(db, id, e) < 0)
            goto out;
        json_array_append_new(removed, json_pack("{s:s, s:I, s:O}", "key", key, "id",
                                                 (json_int_t)id, "item",
                                                 json_array_get(old, 1)));
    }
    json_object_set_new(diff, "unchanged", json_integer(unchanged));
    rc = 0;
out:
    json_decref(seen);
    json_decref(before);
    return rc;
}

/* The other scripts of the meeting that have items with the keys this one
 * adds, [{"script", "same_keys"}] by name: an edited copy of a script run
 * under another name (the file name) adds the whole programme a second
 * time, and this is how the one who runs it can tell. */
static json_t *other_scripts(struct db *db, long long meeting_id, const char *source,
                             json_t *added, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT substr(source, 8), count(*) FROM agenda_items"
                                   " WHERE meeting_id = ? AND source LIKE 'script:%'"
                                   " AND source <> ? AND source_key IN"
                                   " (SELECT value FROM json_each(?)) GROUP BY source"
                                   " ORDER BY source");
    json_t *keys = json_array(), *out = json_array(), *x;
    char *text = NULL;
    size_t i;
    int rc;

    if (st == NULL) {
        db_fail(db, e);
        goto fail;
    }
    json_array_foreach(added, i, x)
        json_array_append(keys, json_object_get(x, "key"));
    if (keys == NULL || out == NULL || (text = json_dumps(keys, 0)) == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto fail;
    }
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(out, json_pack("{s:s, s:I}", "script", db_text(st, 0),
                                             "same_keys",
                                             (json_int_t)sqlite3_column_int64(st, 1)));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        db_fail(db, e);
        goto fail;
    }
    free(text);
    json_decref(keys);
    return out;
fail:
    free(text);
    json_decref(keys);
    json_decref(out);
    return NULL;
}

int agenda_script_sync(struct db *db, long long meeting_id, const char *name,
                       json_t *declared, long long now, const char *actor,
                       json_t **diff, struct err *e)
{
    char source[80];
    struct meeting m;
    json_t *d;
    int changed, rc = -1;

    *diff = NULL;
    if (!agenda_script_name_ok(name))
        return err_set(e, ERR_INVALID_FIELD, "name",
                       "name: a script name is [a-z0-9][a-z0-9_.-]{0,63}");
    if (!json_is_object(declared))
        return err_set(e, ERR_SCRIPT, NULL, "the script declared nothing");
    if (meeting_load(db, meeting_id, &m, e) < 0)
        return -1;
    snprintf(source, sizeof source, "script:%s", name);
    d = json_pack("{s:s, s:[], s:[], s:[], s:I, s:[]}", "script", name, "added",
                  "changed", "removed", "unchanged", (json_int_t)0, "venues_added");
    if (d == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto out;
    }
    if (sync_venues(db, json_object_get(declared, "venues"), now, actor,
                    json_object_get(d, "venues_added"), e) < 0 ||
        sync_travel(db, json_object_get(declared, "travel"), now, actor, e) < 0 ||
        sync_items(db, &m, source, json_object_get(declared, "items"), now, d, e) < 0)
        goto out;
    {
        json_t *others = other_scripts(db, meeting_id, source, json_object_get(d, "added"), e);

        if (others == NULL || json_object_set_new(d, "other_scripts", others) < 0)
            goto out;
    }
    changed = json_array_size(json_object_get(d, "added")) ||
              json_array_size(json_object_get(d, "changed")) ||
              json_array_size(json_object_get(d, "removed"));
    if (actor && changed) {
        json_t *summary = json_pack("{s:s, s:I, s:I, s:I}", "script", name,
                                    "added", (json_int_t)json_array_size(json_object_get(d, "added")),
                                    "changed", (json_int_t)json_array_size(json_object_get(d, "changed")),
                                    "removed", (json_int_t)json_array_size(json_object_get(d, "removed")));
        int arc = audit_record(db, now, actor, "agenda.script", "meeting", meeting_id, summary,
                               e);
        json_decref(summary);
        if (arc < 0)
            goto out;
    }
    /* Announced only when applied: a dry run (no actor) is rolled back. */
    if (actor && changed) {
        struct event ev = {.type = EVENT_AGENDA_CHANGED, .now = now, .actor = actor,
                           .meeting_id = meeting_id};

        if (events_emit(db, &ev, e) < 0)
            goto out;
    }
    *diff = d;
    d = NULL;
    rc = 0;
out:
    json_decref(d);
    meeting_clear(&m);
    return rc;
}
