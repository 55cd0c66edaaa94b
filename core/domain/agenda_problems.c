/* agenda_problems.c - conflicts in a programme: double-booked venues and
 * speakers, too little time to travel, more people than seats.  The checks
 * are a pure function over an array (agenda_find_problems) so that they can
 * be tested without a database; agenda_problems() feeds it stored items.
 * Problems are warnings: they never stop an item from being saved. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "meeting.h"
#include "textfold.h"
#include "venue.h"

static int overlap(const struct agenda_slot *a, const struct agenda_slot *b)
{
    return a->starts_at < b->ends_at && b->starts_at < a->ends_at;
}

static int plenary(const struct agenda_slot *s) { return s->track == NULL || !s->track[0]; }

static void add_problem(json_t *list, const char *code, json_t *ids, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends a problem; past AGENDA_PROBLEMS_MAX the list ends with one
 * more_problems entry instead, so that a pathological programme (a
 * thousand talks at once) gives a bounded answer. */
static void add_problem(json_t *list, const char *code, json_t *ids, const char *fmt, ...)
{
    char msg[600];
    va_list ap;

    if (json_array_size(list) >= AGENDA_PROBLEMS_MAX) {
        if (json_array_size(list) == AGENDA_PROBLEMS_MAX)
            json_array_append_new(list, json_pack("{s:s, s:s, s:[]}", "code", "more_problems",
                                                  "message", "there are more problems than "
                                                  "these; fix some and look again", "items"));
        json_decref(ids);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "code", code, "message",
                                          msg, "items", ids));
}

static int full(json_t *list) { return json_array_size(list) > AGENDA_PROBLEMS_MAX; }

static json_t *pair(long long a, long long b) { return json_pack("[I, I]", (json_int_t)a, (json_int_t)b); }

/* The speaker of a whose folded name is key, as a wrote it. */
static const char *speaker_name(const struct agenda_slot *a, const char *key)
{
    char k[1024];
    size_t i;
    json_t *sp;

    json_array_foreach(a->speakers, i, sp) {
        const char *name = json_string_value(json_object_get(sp, "name"));
        if (name && text_fold(name, k, sizeof k) == 0 && strcmp(k, key) == 0)
            return name;
    }
    return key;
}

/* Files item i under key in groups ({key: [i, ...]}, in item order). */
static void group_add(json_t *groups, const char *key, size_t i)
{
    json_t *list = json_object_get(groups, key);

    if (list == NULL) {
        list = json_array();
        json_object_set_new(groups, key, list);
    }
    /* An item naming one speaker twice is filed once. */
    if (json_array_size(list) == 0 ||
        (size_t)json_integer_value(json_array_get(list, json_array_size(list) - 1)) != i)
        json_array_append_new(list, json_integer((json_int_t)i));
}

/* Overlapping pairs within each group: items sorted by start, so once b
 * starts after a ends no later b overlaps.  Work is the size of the groups
 * plus the overlapping pairs, which are the problems (and those are
 * capped). */
static void check_groups(const struct agenda_slot *s, json_t *groups, int speakers,
                         json_t *out)
{
    const char *key;
    json_t *list;

    json_object_foreach(groups, key, list) {
        size_t n = json_array_size(list);

        for (size_t x = 0; x < n && !full(out); x++) {
            const struct agenda_slot *a = &s[json_integer_value(json_array_get(list, x))];

            for (size_t y = x + 1; y < n && !full(out); y++) {
                const struct agenda_slot *b = &s[json_integer_value(json_array_get(list, y))];

                if (b->starts_at >= a->ends_at)
                    break;
                if (!overlap(a, b))
                    continue;
                if (speakers)
                    add_problem(out, "speaker_double_booked", pair(a->id, b->id),
                                "%s speaks at '%s' and at '%s' at the same time",
                                speaker_name(a, key), a->title, b->title);
                else
                    add_problem(out, "venue_double_booked", pair(a->id, b->id),
                                "'%s' and '%s' take place in the same venue at the same time",
                                a->title, b->title);
            }
        }
    }
}

static void check_pairs(const struct agenda_slot *s, size_t n, json_t *out)
{
    json_t *venues = json_object(), *people = json_object();
    char key[1024];

    for (size_t i = 0; i < n && venues && people; i++) {
        size_t k;
        json_t *sp;

        if (s[i].venue_id > 0) {
            snprintf(key, sizeof key, "%lld", s[i].venue_id);
            group_add(venues, key, i);
        }
        /* Each name is folded once (not once per pair of items). */
        json_array_foreach(s[i].speakers, k, sp) {
            const char *name = json_string_value(json_object_get(sp, "name"));
            if (name && text_fold(name, key, sizeof key) == 0)
                group_add(people, key, i);
        }
    }
    if (venues && people) {
        check_groups(s, venues, 0, out);
        check_groups(s, people, 1, out);
    }
    json_decref(venues);
    json_decref(people);
}

/* Consecutive items at venues in the sequence of one track (its own items
 * and the plenary ones); `seen` keeps a pair from being told twice when it
 * is in several tracks' sequences. */
static void check_travel(const struct agenda_slot *s, size_t n, const char *track,
                         const struct agenda_places *p, json_t *seen, json_t *out)
{
    const struct agenda_slot *prev = NULL;

    for (size_t i = 0; i < n; i++) {
        const struct agenda_slot *cur = &s[i];
        char key[64];
        int minutes;

        if (cur->venue_id <= 0 ||
            !(plenary(cur) || (track && cur->track && strcmp(cur->track, track) == 0)))
            continue;
        if (prev && prev->venue_id != cur->venue_id &&
            (minutes = p->travel(p->ctx, prev->venue_id, cur->venue_id)) >= 0 &&
            cur->starts_at - prev->ends_at < minutes * 60LL) {
            snprintf(key, sizeof key, "%lld-%lld", prev->id, cur->id);
            if (json_object_get(seen, key) == NULL) {
                json_object_set_new(seen, key, json_true());
                add_problem(out, "travel_too_short", pair(prev->id, cur->id),
                            "'%s' starts %lld minute(s) after '%s' ends, but getting "
                            "there takes %d minute(s)", cur->title,
                            (cur->starts_at - prev->ends_at) / 60, prev->title, minutes);
            }
        }
        prev = cur;
    }
}

json_t *agenda_find_problems(const struct agenda_slot *s, size_t n,
                             const struct agenda_places *p, long long plenary_expected)
{
    json_t *out = json_array(), *seen = json_object(), *tracks = json_object();
    const char *track;
    json_t *v;

    if (out == NULL || seen == NULL || tracks == NULL)
        goto fail;
    check_pairs(s, n, out);
    for (size_t i = 0; i < n; i++)
        if (!plenary(&s[i]))
            json_object_set_new(tracks, s[i].track, json_true());
    check_travel(s, n, NULL, p, seen, out); /* the plenary sequence alone */
    json_object_foreach(tracks, track, v) {
        (void)v;
        check_travel(s, n, track, p, seen, out);
    }
    for (size_t i = 0; i < n; i++) {
        long long expected = s[i].expected >= 0 ? s[i].expected
                             : plenary(&s[i]) ? plenary_expected : -1;
        long long seats = s[i].venue_id > 0 ? p->capacity(p->ctx, s[i].venue_id) : 0;
        if (seats > 0 && expected > seats)
            add_problem(out, "over_capacity", json_pack("[I]", (json_int_t)s[i].id),
                        "'%s' expects %lld people but its venue seats %lld", s[i].title,
                        expected, seats);
    }
    json_decref(tracks);
    json_decref(seen);
    return out;
fail:
    json_decref(tracks);
    json_decref(seen);
    json_decref(out);
    return NULL;
}

/* ---- from the database ------------------------------------------------------ */

static int db_travel(void *ctx, long long a, long long b)
{
    return venue_travel_minutes(ctx, a, b);
}

static long long db_capacity(void *ctx, long long venue)
{
    sqlite3_stmt *st = db_stmt(ctx, "SELECT capacity FROM venues WHERE id = ?");
    long long seats = 0;

    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, venue);
    if (sqlite3_step(st) == SQLITE_ROW)
        seats = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return seats;
}

/* A row of agenda_problems' SELECT, kept as JSON so that the slots can
 * point into it. */
static json_t *slot_row_json(sqlite3_stmt *st, void *arg)
{
    json_t *sp = json_loads(db_text(st, 5), 0, NULL);

    (void)arg;
    return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:s}",
                     "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "s", (json_int_t)sqlite3_column_int64(st, 1),
                     "e", (json_int_t)sqlite3_column_int64(st, 2),
                     "v", (json_int_t)sqlite3_column_int64(st, 3),
                     "track", db_json_column(st, 4),
                     "speakers", sp ? sp : json_array(),
                     "x", (json_int_t)(sqlite3_column_type(st, 6) == SQLITE_NULL
                                           ? -1 : sqlite3_column_int64(st, 6)),
                     "title", db_text(st, 7));
}

json_t *agenda_problems(struct db *db, long long meeting_id, struct err *e)
{
    struct agenda_places places = {db_travel, db_capacity, db};
    struct agenda_slot *slots = NULL;
    struct meeting m;
    json_t *rows = NULL, *out = NULL, *r;
    sqlite3_stmt *st;
    size_t n = 0, i;

    if (meeting_load(db, meeting_id, &m, e) < 0)
        return NULL;
    st = db_stmt(db, "SELECT id, starts_at, ends_at, venue_id, track, speakers_json,"
                     " expected_attendance, title FROM agenda_items WHERE meeting_id = ?"
                     " ORDER BY starts_at, id");
    if (st)
        sqlite3_bind_int64(st, 1, meeting_id);
    rows = db_rows_json(st, slot_row_json, NULL);
    if (rows == NULL)
        goto fail;
    n = json_array_size(rows);
    slots = calloc(n ? n : 1, sizeof *slots);
    if (slots == NULL)
        goto fail;
    json_array_foreach(rows, i, r) {
        slots[i].id = json_integer_value(json_object_get(r, "id"));
        slots[i].starts_at = json_integer_value(json_object_get(r, "s"));
        slots[i].ends_at = json_integer_value(json_object_get(r, "e"));
        slots[i].venue_id = json_integer_value(json_object_get(r, "v"));
        slots[i].track = json_string_value(json_object_get(r, "track"));
        slots[i].speakers = json_object_get(r, "speakers");
        slots[i].expected = json_integer_value(json_object_get(r, "x"));
        slots[i].title = json_string_value(json_object_get(r, "title"));
    }
    out = agenda_find_problems(slots, n, &places, m.confirmed);
    if (out == NULL)
        goto fail;
    goto done;
fail:
    json_decref(out);
    out = NULL;
    err_set(e, ERR_INTERNAL, NULL, "could not check the agenda");
done:
    free(slots);
    json_decref(rows);
    meeting_clear(&m);
    return out;
}
