/* outbox.c - queued e-mail messages: which events mail whom, and the
 * states of the queue; see outbox.h.
 *
 * On the registration path (a new registration's confirmation) the cost is
 * one INSERT whose data is written by hand: no JSON object is built there. */
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "registration.h"

static int enabled = 1;

/* A repeat registration tells the address at most once in this many seconds. */
#define AGAIN_EVERY 60

void outbox_set_enabled(int on) { enabled = on != 0; }
int outbox_enabled(void) { return enabled; }

static const char *lang_of(const char *lang)
{
    return lang && strcmp(lang, "en") == 0 ? "en" : "lv";
}

/* A message whose address and name the caller has at hand. */
struct outbox_msg {
    const char *kind;
    long long meeting_id;      /* 0: none */
    long long registration_id; /* 0: none */
    const char *lang;          /* "lv" or "en" (anything else: "lv") */
    const char *to_addr;
    const char *to_name;       /* "" or NULL: none */
};

/* The INSERT of a message whose address and name the caller has at hand
 * (a new registration's, on the busiest path: no SELECT). */
static int insert(struct db *db, const struct outbox_msg *m, const char *data_text,
                  long long now, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO outbox(created_at, meeting_id, registration_id,"
                                   " kind, lang, to_addr, to_name, data_json, next_attempt_at)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?1)");

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, now);
    if (m->meeting_id > 0)
        sqlite3_bind_int64(st, 2, m->meeting_id);
    if (m->registration_id > 0)
        sqlite3_bind_int64(st, 3, m->registration_id);
    sqlite3_bind_text(st, 4, m->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, lang_of(m->lang), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, m->to_addr, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, m->to_name ? m->to_name : "", -1, SQLITE_STATIC);
    if (data_text)
        sqlite3_bind_text(st, 8, data_text, -1, SQLITE_STATIC);
    return db_step_done(st) < 0 ? db_fail(db, e) : 0;
}

int outbox_to_registration(struct db *db, long long registration_id, const char *kind,
                           const char *data, long long now, struct err *e)
{
    sqlite3_stmt *st;

    if (!enabled)
        return 0;
    st = db_stmt(db, "INSERT INTO outbox(created_at, meeting_id, registration_id, kind, lang,"
                     " to_addr, to_name, data_json, next_attempt_at)"
                     " SELECT ?1, meeting_id, id, ?2, lang, email, first_name || ' ' || last_name,"
                     " ?3, ?1 FROM registrations WHERE id = ?4");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    if (data)
        sqlite3_bind_text(st, 3, data, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, registration_id);
    return db_step_done(st) < 0 ? db_fail(db, e) : 0;
}

/* A new registration: its confirmation or waiting-list message, with a
 * manage link (its token is made when the message is sent). */
int outbox_on_new_registration(struct db *db, const struct event *ev, void *arg,
                               struct err *e)
{
    const struct registration *r = ev->registration;
    char name[2 * sizeof r->first_name + 2], data[64];
    struct outbox_msg m;

    (void)arg;
    if (!enabled || r == NULL || (ev->manage_token == NULL && r->hold_until == 0))
        return 0;
    snprintf(name, sizeof name, "%s %s", r->first_name, r->last_name);
    snprintf(data, sizeof data, "{\"link\":true,\"position\":%lld}", r->waitlist_position);
    m = (struct outbox_msg){.kind = r->hold_until > 0 ? "registration.pending"
                                    : ev->type == EVENT_REGISTRATION_CONFIRMED
                                        ? "registration.confirmed" : "registration.waitlisted",
                            .meeting_id = ev->meeting_id, .registration_id = r->id,
                            .lang = r->lang, .to_addr = r->email, .to_name = name};
    return insert(db, &m, data, ev->now, e);
}

/* Promoted or cancelled: the message goes to the registration's address as
 * stored, in its language; one statement. */
int outbox_on_registration_change(struct db *db, const struct event *ev, void *arg,
                                  struct err *e)
{
    const char *kind = ev->type == EVENT_REGISTRATION_PROMOTED ? "registration.promoted"
                                                               : "registration.cancelled";
    char data[64];

    (void)arg;
    if (!enabled)
        return 0;
    /* An unconfirmed registration that expired was told when it was made
     * that it would: no message to an address that never answered. */
    if (ev->type == EVENT_REGISTRATION_CANCELLED && ev->actor &&
        strcmp(ev->actor, OUTBOX_ACTOR_EXPIRY) == 0)
        return 0;
    /* Who cancelled: an organizer's account, or the person (actor NULL or
     * "registration:N"). */
    snprintf(data, sizeof data, "{\"by_organizer\":%s}",
             ev->actor && strncmp(ev->actor, "account:", 8) == 0 ? "true" : "false");
    return outbox_to_registration(db, ev->registration_id, kind, data, ev->now, e);
}

int outbox_on_registration_again(struct db *db, const struct event *ev, void *arg,
                                 struct err *e)
{
    sqlite3_stmt *st;

    (void)arg;
    if (!enabled)
        return 0;
    /* At most one a minute: a stranger cannot flood the address. */
    st = db_stmt(db, "UPDATE registrations SET again_queued_at = ?1 WHERE id = ?2"
                     " AND (again_queued_at IS NULL OR again_queued_at <= ?1 - ?3)");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, ev->now);
    sqlite3_bind_int64(st, 2, ev->registration_id);
    sqlite3_bind_int(st, 3, AGAIN_EVERY);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (db_changes(db) == 0)
        return 0;
    return outbox_to_registration(db, ev->registration_id, "registration.again",
                                  "{\"link\":true}", ev->now, e);
}

/* Site-visit places: the confirmed people of the meeting (narrowed to a
 * slot or a registration) whose place differs from what they were last
 * told get one message each (it lists all their places); then what they are
 * told is recorded.  Both statements read the same rows. */
#define PLACES_CHANGED                                                                  \
    " FROM visit_assignments a JOIN visit_slots s ON s.id = a.slot_id"                  \
    " JOIN registrations r ON r.id = a.registration_id"                                 \
    " WHERE s.meeting_id = ?2 AND (?3 = 0 OR a.slot_id = ?3)"                           \
    " AND (?4 = 0 OR a.registration_id = ?4) AND a.option_id IS NOT NULL"               \
    " AND r.status = 'confirmed' AND a.option_id IS NOT (SELECT t.option_id"            \
    "  FROM visit_places_told t WHERE t.registration_id = a.registration_id"            \
    "  AND t.slot_id = a.slot_id)"

/* 1 when the same event queued a message that lists the person's places
 * (a new registration's confirmation, a promotion): no second message then.
 * Known from the event itself, so nothing searches the outbox, which keeps
 * every message it ever sent.  A confirmation queued by an earlier change
 * and not sent yet is not looked for: whoever an allocation moves in those
 * seconds hears of it twice, with the same places (both are rendered when
 * they are sent). */
static int places_listed(const struct event *ev)
{
    if (ev->type == EVENT_REGISTRATION_PROMOTED)
        return 1;
    return ev->type == EVENT_REGISTRATION_CONFIRMED && ev->manage_token != NULL;
}

int outbox_on_visit_places(struct db *db, const struct event *ev, void *arg, struct err *e)
{
    long long slot = 0, reg = 0;
    sqlite3_stmt *ins, *told;

    (void)arg;
    switch (ev->type) {
    case EVENT_REGISTRATION_CONFIRMED:
    case EVENT_REGISTRATION_PROMOTED:
        if (!ev->has_visits)
            return 0;
        reg = ev->registration_id;
        break;
    case EVENT_REGISTRATION_CANCELLED:
        if (!ev->has_visits)
            return 0;
        break; /* seats freed in any slot: others may have moved up */
    case EVENT_VISIT_PINNED:
        reg = ev->registration_id;
        slot = ev->slot_id;
        break;
    default:
        slot = ev->slot_id;
        break;
    }
    ins = db_stmt(db, "INSERT INTO outbox(created_at, meeting_id, registration_id, kind, lang,"
                      " to_addr, to_name, next_attempt_at)"
                      " SELECT DISTINCT ?1, r.meeting_id, r.id, 'visit.place', r.lang, r.email,"
                      " r.first_name || ' ' || r.last_name, ?1" PLACES_CHANGED);
    told = db_stmt(db, "INSERT OR REPLACE INTO visit_places_told(registration_id, slot_id,"
                       " option_id) SELECT a.registration_id, a.slot_id, a.option_id"
                       PLACES_CHANGED);
    if (ins == NULL || told == NULL)
        return db_fail(db, e);
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = i == 0 ? ins : told;

        if (i == 0 && (!enabled || places_listed(ev)))
            continue;
        sqlite3_bind_int64(st, 1, ev->now);
        sqlite3_bind_int64(st, 2, ev->meeting_id);
        sqlite3_bind_int64(st, 3, slot);
        sqlite3_bind_int64(st, 4, reg);
        if (db_step_done(st) < 0)
            return db_fail(db, e);
    }
    return 0;
}

#define AUDIENCE                                                                        \
    " FROM registrations r WHERE r.meeting_id = ?2 AND ((?3 = 0 AND r.status = 'confirmed')" \
    " OR (?3 = 1 AND r.status = 'waitlisted') OR (?3 = 2 AND r.status = 'confirmed'"       \
    " AND EXISTS (SELECT 1 FROM visit_assignments a WHERE a.registration_id = r.id"        \
    " AND a.option_id = ?4)))"

int outbox_broadcast(struct db *db, long long meeting_id, enum outbox_audience to,
                     long long option_id, const json_t *data, int queue, long long now,
                     long long *count, struct err *e)
{
    sqlite3_stmt *cnt = db_stmt(db, "SELECT count(*)" AUDIENCE),
                 *ins = NULL;
    char *text = NULL;
    int rc;

    *count = 0;
    if (to == OUTBOX_TO_OPTION) {
        rc = db_exists(db, "SELECT 1 FROM visit_options o JOIN visit_slots s ON s.id = o.slot_id"
                           " WHERE o.id = ? AND s.meeting_id = ?", option_id, meeting_id);
        if (rc < 0)
            return db_fail(db, e);
        if (rc == 0)
            return err_set(e, ERR_NOT_FOUND, "option_id",
                           "option_id: no site-visit option %lld in meeting %lld", option_id,
                           meeting_id);
    }
    for (int pass = 0; pass < (queue ? 2 : 1); pass++) {
        sqlite3_stmt *st = cnt;

        if (pass == 1) {
            if (!enabled)
                break;
            ins = db_stmt(db, "INSERT INTO outbox(created_at, meeting_id, registration_id, kind,"
                              " lang, to_addr, to_name, data_json, next_attempt_at)"
                              " SELECT ?1, r.meeting_id, r.id, 'organizer.message', r.lang,"
                              " r.email, r.first_name || ' ' || r.last_name, ?5, ?1" AUDIENCE);
            text = json_dumps(data, JSON_COMPACT);
            if (ins == NULL || text == NULL) {
                free(text);
                return ins == NULL ? db_fail(db, e) : err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
            st = ins;
            sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
        }
        if (st == NULL)
            return db_fail(db, e);
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int64(st, 2, meeting_id);
        sqlite3_bind_int(st, 3, (int)to);
        sqlite3_bind_int64(st, 4, option_id);
        rc = sqlite3_step(st);
        if (pass == 0 && rc == SQLITE_ROW)
            *count = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            free(text);
            return db_fail(db, e);
        }
    }
    free(text);
    return 0;
}

int outbox_plugin_message(struct db *db, long long meeting_id, long long registration_id,
                          const char *plugin, const char *const subject[2],
                          const char *const text[2], long long now, struct err *e)
{
    char *data[2] = {NULL, NULL};
    sqlite3_stmt *st;
    int rc = -1;

    if (!enabled)
        return 0;
    for (int l = 0; l < 2; l++) {
        json_t *o;

        if (strlen(text[l]) > (size_t)OUTBOX_TEXT_MAX * 4 || strlen(subject[l]) > 4 * 200 ||
            strchr(subject[l], '\n')) {
            err_set(e, ERR_INVALID_FIELD, NULL, "a subject is one line, a text at most %d"
                    " characters", OUTBOX_TEXT_MAX);
            goto out;
        }
        o = json_pack("{s:s, s:s, s:s}", "subject", subject[l], "text", text[l], "plugin",
                      plugin);
        data[l] = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (data[l] == NULL) {
            err_set(e, ERR_INVALID_FIELD, NULL, "a subject and a text must be UTF-8 text");
            goto out;
        }
    }
    st = db_stmt(db, "INSERT INTO outbox(created_at, meeting_id, registration_id, kind, lang,"
                     " to_addr, to_name, data_json, next_attempt_at)"
                     " SELECT ?1, meeting_id, id, 'plugin.message', lang, email,"
                     " first_name || ' ' || last_name,"
                     " CASE lang WHEN 'en' THEN ?5 ELSE ?4 END, ?1"
                     " FROM registrations WHERE id = ?2 AND meeting_id = ?3"
                     " AND status <> 'cancelled'");
    if (st == NULL) {
        db_fail(db, e);
        goto out;
    }
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, registration_id);
    sqlite3_bind_int64(st, 3, meeting_id);
    sqlite3_bind_text(st, 4, data[0], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, data[1], -1, SQLITE_STATIC);
    if (db_step_done(st) < 0) {
        db_fail(db, e);
        goto out;
    }
    rc = db_changes(db) > 0;
out:
    free(data[0]);
    free(data[1]);
    return rc;
}

/* --- the sender's side ------------------------------------------------- */

void outbox_row_clear(struct outbox_row *r)
{
    free(r->to_addr);
    free(r->to_name);
    json_decref(r->data);
    memset(r, 0, sizeof *r);
}

#define ROW_COLUMNS                                                                  \
    "id, created_at, coalesce(meeting_id, 0), coalesce(registration_id, 0), kind, lang," \
    " to_addr, to_name, data_json, attempts"

/* Reads up to max rows of st (bound) into rows[]; how many, or -1. */
static int read_rows(sqlite3_stmt *st, struct outbox_row *rows, int max)
{
    int n = 0, rc;

    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct outbox_row *r = &rows[n];
        const char *data = (const char *)sqlite3_column_text(st, 8);

        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(st, 0);
        r->created_at = sqlite3_column_int64(st, 1);
        r->meeting_id = sqlite3_column_int64(st, 2);
        r->registration_id = sqlite3_column_int64(st, 3);
        snprintf(r->kind, sizeof r->kind, "%s", db_text(st, 4));
        snprintf(r->lang, sizeof r->lang, "%s", lang_of(db_text(st, 5)));
        r->to_addr = strdup(db_text(st, 6));
        r->to_name = strdup(db_text(st, 7));
        r->data = data ? json_loads(data, 0, NULL) : NULL;
        r->attempts = sqlite3_column_int(st, 9);
        n++;
        if (r->to_addr == NULL || r->to_name == NULL) {
            sqlite3_reset(st);
            while (n > 0)
                outbox_row_clear(&rows[--n]);
            return -1;
        }
    }
    sqlite3_reset(st);
    return n;
}

int outbox_due(struct db *db, long long now, long long *fresh_from, struct outbox_row *rows,
               int max)
{
    sqlite3_stmt *st;
    int n, m;

    /* Where the new messages start: asked once (a scan) per sender. */
    if (*fresh_from <= 0) {
        st = db_stmt(db, "SELECT coalesce(min(id), (SELECT coalesce(max(id), 0) + 1"
                         " FROM outbox)) FROM outbox WHERE attempts = 0 AND state = 'queued'");
        if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
            if (st)
                sqlite3_reset(st);
            return -1;
        }
        *fresh_from = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    /* Tried already and due again (or left 'sending' by a crash): the
     * partial index outbox_retry, in (next_attempt_at, id) order. */
    st = db_stmt(db, "SELECT " ROW_COLUMNS " FROM outbox WHERE attempts > 0"
                     " AND (state = 'queued' OR state = 'sending') AND next_attempt_at <= ?"
                     " ORDER BY next_attempt_at, id LIMIT ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, max);
    if ((n = read_rows(st, rows, max)) < 0 || n == max)
        return n;
    /* New ones, by id from where the last look ended. */
    st = db_stmt(db, "SELECT " ROW_COLUMNS " FROM outbox WHERE id >= ? AND attempts = 0"
                     " AND state = 'queued' ORDER BY id LIMIT ?");
    if (st == NULL)
        return n;
    sqlite3_bind_int64(st, 1, *fresh_from);
    sqlite3_bind_int(st, 2, max - n);
    m = read_rows(st, rows + n, max - n);
    return m < 0 ? n : n + m;
}

void outbox_fresh_done(const struct outbox_row *rows, int n, long long *fresh_from)
{
    for (int i = 0; i < n; i++)
        if (rows[i].attempts == 0 && rows[i].id >= *fresh_from)
            *fresh_from = rows[i].id + 1;
}

int outbox_mark_sending(struct db *db, struct outbox_row *rows, int n, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "UPDATE outbox SET state = 'sending', attempts = attempts + 1"
                                   " WHERE id = ? AND (state = 'queued' OR state = 'sending')");

    if (st == NULL)
        return db_fail(db, e);
    for (int i = 0; i < n; i++) {
        rows[i].token[0] = '\0';
        sqlite3_bind_int64(st, 1, rows[i].id);
        if (db_step_done(st) < 0)
            return db_fail(db, e);
        if (rows[i].registration_id > 0 &&
            json_is_true(json_object_get(rows[i].data, "link")) &&
            reg_mail_token_new(db, rows[i].registration_id, rows[i].token, e) < 0)
            return -1;
    }
    return 0;
}

long long outbox_backoff(int base, int attempts)
{
    long long s = base > 0 ? base : 30;

    for (int i = 1; i < attempts && s < 3600; i++)
        s *= 2;
    return s < 3600 ? s : 3600;
}

int outbox_record(struct db *db, long long id, enum outbox_result res, int attempts,
                  const char *why, long long now, long long retry_after, struct err *e)
{
    sqlite3_stmt *st;

    if (res == OUTBOX_RETRY && attempts >= OUTBOX_MAX_ATTEMPTS)
        res = OUTBOX_FAILED;
    switch (res) {
    case OUTBOX_SENT:
        st = db_stmt(db, "UPDATE outbox SET state = 'sent', sent_at = ?2, last_error = NULL"
                         " WHERE id = ?1 AND state = 'sending'");
        break;
    case OUTBOX_RETRY:
        st = db_stmt(db, "UPDATE outbox SET state = 'queued', next_attempt_at = ?2 + ?3,"
                         " last_error = ?4 WHERE id = ?1 AND state = 'sending'");
        break;
    default:
        st = db_stmt(db, "UPDATE outbox SET state = 'failed', last_error = ?4,"
                         " sent_at = NULL, next_attempt_at = ?2"
                         " WHERE id = ?1 AND state = 'sending'");
        break;
    }
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    if (res == OUTBOX_RETRY)
        sqlite3_bind_int64(st, 3, retry_after);
    if (res != OUTBOX_SENT)
        sqlite3_bind_text(st, 4, why ? why : "", -1, SQLITE_TRANSIENT);
    return db_step_done(st) < 0 ? db_fail(db, e) : 0;
}

json_t *outbox_status(struct db *db, int max_failures)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT state, count(*) FROM outbox GROUP BY state");
    json_t *o = json_pack("{s:i, s:i, s:i, s:i}", "queued", 0, "sending", 0, "sent", 0,
                          "failed", 0), *list;

    if (st == NULL || o == NULL) {
        json_decref(o);
        return NULL;
    }
    while (sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(o, db_text(st, 0), json_integer(sqlite3_column_int64(st, 1)));
    sqlite3_reset(st);
    st = db_stmt(db, "SELECT min(next_attempt_at) FROM outbox"
                     " WHERE state = 'queued' OR state = 'sending'"); /* admins only: a scan */
    if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        json_object_set_new(o, "next_attempt_at", json_integer(sqlite3_column_int64(st, 0)));
    if (st)
        sqlite3_reset(st);
    list = json_array();
    json_object_set_new(o, "failures", list);
    st = db_stmt(db, "SELECT id, kind, to_addr, attempts, last_error, next_attempt_at, state"
                     " FROM outbox WHERE last_error IS NOT NULL AND state <> 'sent'"
                     " ORDER BY id DESC LIMIT ?");
    if (st == NULL) {
        json_decref(o);
        return NULL;
    }
    sqlite3_bind_int(st, 1, max_failures);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:i, s:s, s:I, s:s}",
                                              "id", (json_int_t)sqlite3_column_int64(st, 0),
                                              "kind", db_text(st, 1), "to", db_text(st, 2),
                                              "attempts", sqlite3_column_int(st, 3),
                                              "error", db_text(st, 4),
                                              "at", (json_int_t)sqlite3_column_int64(st, 5),
                                              "state", db_text(st, 6)));
    sqlite3_reset(st);
    return o;
}

int outbox_queue_reminders(struct db *db, int days, long long now, struct err *e)
{
    sqlite3_stmt *st;

    if (!enabled || days <= 0)
        return 0;
    /* The meeting's first day within `days` days (dates as the meeting
     * writes them; a day's difference of zones does not matter here).  The
     * unique index outbox_one_reminder makes this idempotent. */
    st = db_stmt(db, "INSERT OR IGNORE INTO outbox(created_at, meeting_id, registration_id,"
                     " kind, lang, to_addr, to_name, next_attempt_at)"
                     " SELECT ?1, r.meeting_id, r.id, 'reminder', r.lang, r.email,"
                     " r.first_name || ' ' || r.last_name, ?1"
                     " FROM meetings m JOIN registrations r ON r.meeting_id = m.id"
                     " WHERE m.status <> 'draft' AND r.status = 'confirmed'"
                     " AND m.starts_on >= date(?1, 'unixepoch')"
                     " AND m.starts_on <= date(?1 + ?2 * 86400, 'unixepoch')"
                     " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.registration_id = r.id"
                     "                 AND o.kind = 'reminder')");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, days);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    return (int)db_changes(db);
}
