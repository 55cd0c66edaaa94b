/* registration.c - registration rules and storage; see registration.h. */
#include "registration.h"


#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

#include "audit.h"
#include "directory.h"
#include "events.h"
#include "form.h"
#include "json_out.h"
#include "meeting.h"
#include "textfold.h"
#include "timeutil.h"
#include "visit.h"

#define REG_COLUMNS                                                              \
    "r.id, r.meeting_id, r.person_id, r.first_name, r.last_name, r.email,"      \
    " r.organisation_id, r.organisation_name, r.position, r.phone,"             \
    " r.answers_json, r.status, r.created_at, r.updated_at, r.lang, r.hold_until"

static const char *const reg_writable[] = {
    "first_name", "last_name", "email", "organisation", "organisation_id",
    "position", "phone", "answers", "visit_preferences", "lang", NULL};
static const char *const reg_readonly[] = {
    "id", "meeting", "meeting_id", "status", "waitlist_position", "created_at",
    "updated_at", "manage_token", "site_visits", "email_pending", "hold_until", NULL};

void reg_clear(struct registration *r)
{
    json_decref(r->answers);
    r->answers = NULL;
}

int reg_email_ok(const char *s)
{
    const char *at = strchr(s, '@'), *dot;

    if (at == NULL || at == s || strchr(at + 1, '@'))
        return 0;
    dot = strrchr(at + 1, '.');
    if (dot == NULL || dot == at + 1 || dot[1] == '\0')
        return 0;
    for (; *s; s++)
        if (*s == ' ' || *s == ',' || *s == ';' || *s == '<' || *s == '>' ||
            *s == '"')
            return 0;
    return 1;
}

int reg_phone_ok(const char *s)
{
    size_t n = 0;
    int digits = 0, plus = 0;

    for (; *s; s++, n++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (*s == '+' && !plus && digits == 0)
            plus = 1;
        else if (*s != ' ' && *s != '-' && *s != '(' && *s != ')' && *s != '.')
            return 0;
    }
    return n <= REG_PHONE_MAX && digits >= REG_PHONE_MIN_DIGITS;
}

/* A row of REG_COLUMNS followed by the waiting-list position. */
static void reg_from_row(sqlite3_stmt *st, struct registration *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->meeting_id = sqlite3_column_int64(st, 1);
    r->person_id = sqlite3_column_int64(st, 2);
    snprintf(r->first_name, sizeof r->first_name, "%s", db_text(st, 3));
    snprintf(r->last_name, sizeof r->last_name, "%s", db_text(st, 4));
    snprintf(r->email, sizeof r->email, "%s", db_text(st, 5));
    r->organisation_id = sqlite3_column_int64(st, 6);
    snprintf(r->organisation, sizeof r->organisation, "%s", db_text(st, 7));
    snprintf(r->position, sizeof r->position, "%s", db_text(st, 8));
    snprintf(r->phone, sizeof r->phone, "%s", db_text(st, 9));
    r->answers = json_loads(db_text(st, 10), 0, NULL);
    if (r->answers == NULL)
        r->answers = json_object();
    snprintf(r->status, sizeof r->status, "%s", db_text(st, 11));
    r->created_at = sqlite3_column_int64(st, 12);
    r->updated_at = sqlite3_column_int64(st, 13);
    snprintf(r->lang, sizeof r->lang, "%s", strcmp(db_text(st, 14), "en") ? "lv" : "en");
    r->hold_until = sqlite3_column_int64(st, 15);
    r->waitlist_position = sqlite3_column_int64(st, 16);
}

int reg_load(struct db *db, long long id, struct registration *r, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db,
        "SELECT " REG_COLUMNS ", CASE WHEN r.status = 'waitlisted' THEN"
        " (SELECT count(*) FROM registrations w WHERE w.meeting_id = r.meeting_id"
        "  AND w.status = 'waitlisted' AND w.waitlist_seq <= r.waitlist_seq)"
        " ELSE 0 END,"
        " " MEETING_HAS_VISITS("r.meeting_id")
        " FROM registrations r WHERE r.id = ?");
    int rc;

    memset(r, 0, sizeof *r);
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        reg_from_row(st, r);
        r->has_visits = sqlite3_column_int(st, 17);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return err_set(e, ERR_NOT_FOUND, NULL, "no registration %lld", id);
    if (rc != SQLITE_ROW)
        return db_fail(db, e);
    return 0;
}

/* o[key] = text, or null for NULL / "" when empty_is_null. */
static void set_text(json_t *o, const char *key, const char *text, int empty_is_null)
{
    json_object_set_new_nocheck(o, key, text && (text[0] || !empty_is_null)
                                            ? json_string(text) : json_null());
}

/* Built key by key: json_pack parses its format on every call, which cost
 * as much as the rest of the registration's answer. */
json_t *reg_to_json(const struct registration *r)
{
    char created[32], updated[32];
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    tu_format_utc(r->created_at, created);
    tu_format_utc(r->updated_at, updated);
    json_object_set_new_nocheck(o, "id", json_integer(r->id));
    json_object_set_new_nocheck(o, "meeting", json_integer(r->meeting_id));
    set_text(o, "first_name", r->first_name, 0);
    set_text(o, "last_name", r->last_name, 0);
    set_text(o, "email", r->email, 0);
    set_text(o, "organisation", r->organisation, 0);
    json_object_set_new_nocheck(o, "organisation_id", r->organisation_id > 0
                                                          ? json_integer(r->organisation_id)
                                                          : json_null());
    set_text(o, "position", r->position, 1);
    set_text(o, "phone", r->phone, 1);
    json_object_set_nocheck(o, "answers", r->answers ? r->answers : json_null());
    set_text(o, "status", r->status, 0);
    set_text(o, "lang", r->lang[0] ? r->lang : "lv", 0);
    set_text(o, "created_at", created, 0);
    set_text(o, "updated_at", updated, 0);
    if (strcmp(r->status, "waitlisted") == 0)
        json_object_set_new_nocheck(o, "waitlist_position",
                                    json_integer(r->waitlist_position));
    if (r->hold_until > 0 && strcmp(r->status, "cancelled") != 0) {
        char until[32];

        tu_format_utc(r->hold_until, until);
        json_object_set_new_nocheck(o, "email_pending", json_true());
        set_text(o, "hold_until", until, 0);
    }
    /* A value that could not be made (out of memory, invalid UTF-8 from
     * outside) is missing: refuse the whole, as json_pack did. */
    if (json_object_size(o) < 13) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *reg_row_json(sqlite3_stmt *st, void *arg)
{
    struct registration r;
    json_t *o;

    (void)arg;
    reg_from_row(st, &r);
    o = reg_to_json(&r);
    reg_clear(&r);
    return o;
}

json_t *reg_list_json(struct db *db, long long meeting_id, const char *status)
{
    /* The window function numbers the waiting list in one pass. */
    sqlite3_stmt *st = db_stmt(db,
        "SELECT " REG_COLUMNS ", CASE WHEN r.status = 'waitlisted' THEN"
        " row_number() OVER (PARTITION BY r.status ORDER BY r.waitlist_seq)"
        " ELSE 0 END FROM registrations r WHERE r.meeting_id = ?1"
        " AND (?2 IS NULL OR r.status = ?2)");

    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, meeting_id);
    if (status)
        sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    return db_rows_json(st, reg_row_json, NULL);
}

int reg_token_matches(struct db *db, long long id, const uint8_t hash[TOKEN_HASH_LEN])
{
    sqlite3_stmt *st = db_stmt(db, "SELECT token_hash, mail_token_hash FROM registrations"
                                   " WHERE id = ?");
    int rc, match = 0;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        for (int i = 0; i < 2; i++)
            match |= sqlite3_column_bytes(st, i) == TOKEN_HASH_LEN &&
                     token_hash_equal(sqlite3_column_blob(st, i), hash);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? match : rc == SQLITE_DONE ? 0 : -1;
}

int reg_mail_token_new(struct db *db, long long id, char token[TOKEN_MAX_LEN + 1],
                       struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "UPDATE registrations SET mail_token_hash = ?"
                                   " WHERE id = ? AND status <> 'cancelled'");
    struct token_secret secret;

    token[0] = '\0';
    if (st == NULL)
        return db_fail(db, e);
    token_secret_new(&secret);
    sqlite3_bind_blob(st, 1, secret.hash, TOKEN_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (db_changes(db) == 0)
        return 0;
    token_format(TOKEN_REGISTRATION, id, &secret, token);
    return 1;
}

/* Finds or adds the person with this e-mail; returns the id or -1. */
static long long person_ensure(struct db *db, const char *email, long long now)
{
    char key[JF_TEXT_BYTES(REG_EMAIL_MAX) * 3];

    if (text_fold(email, key, sizeof key) < 0)
        return -1;
    return db_find_or_insert(db, "SELECT id FROM people WHERE email_key = ?1",
                             "INSERT INTO people(email_key, email, created_at)"
                             " VALUES (?1, ?2, ?3)",
                             key, email, now);
}

/* 1 when the person holds a live registration for the meeting other than
 * `except`, 0 when not, -1 on error. */
/* The id of the person's live registration in the meeting other than
 * except; 0 when there is none, -1 on a storage error. */
static long long person_registered(struct db *db, long long meeting_id,
                                   long long person_id, long long except)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id FROM registrations WHERE meeting_id = ?"
                                   " AND person_id = ? AND status <> 'cancelled'"
                                   " AND id <> ?");
    long long id = 0;
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_int64(st, 2, person_id);
    sqlite3_bind_int64(st, 3, except);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? id : rc == SQLITE_DONE ? 0 : -1;
}

/* "lang": the language of the person's messages, "lv" (the default) or "en". */
static int reg_lang_apply(json_t *in, struct registration *r, int creating, struct err *e)
{
    char lang[JF_TEXT_BYTES(2)];
    int has = jf_text(in, "lang", 0, 2, lang, sizeof lang, e);

    if (has < 0)
        return -1;
    if (has != JF_SET) {
        if (creating)
            snprintf(r->lang, sizeof r->lang, "lv");
        return 0;
    }
    if (strcmp(lang, "lv") && strcmp(lang, "en"))
        return err_set(e, ERR_INVALID_FIELD, "lang", "lang: must be \"lv\" or \"en\"");
    memcpy(r->lang, lang, 3); /* "lv" or "en", checked above */
    return 0;
}

/* Reads the participant's fields present in `in` onto *r, resolves the
 * organisation, checks answers against the form and the e-mail address for
 * duplicates.  Shared by create and patch. */
static int reg_apply(struct db *db, struct registration *r, json_t *in,
                     json_t *form, int creating, long long now, struct err *e)
{
    unsigned req = creating ? JF_REQUIRED : 0;
    char org[JF_TEXT_BYTES(REG_NAME_MAX)];
    json_t *answers;
    long long org_id = 0;
    int has_org, has_org_id, has_phone;
    long long dup;

    if (!json_is_object(in))
        return err_set(e, ERR_BAD_JSON, NULL, "the body must be a JSON object");
    if (jf_check_keys(in, reg_writable, reg_readonly, e) < 0)
        return -1;
    /* Names refuse bidirectional formatting: a list would show them (and
     * the cells after them) reversed or reordered. */
    if (jf_text(in, "first_name", req | JF_NO_BIDI, REG_NAME_MAX, r->first_name,
                sizeof r->first_name, e) < 0 ||
        jf_text(in, "last_name", req | JF_NO_BIDI, REG_NAME_MAX, r->last_name,
                sizeof r->last_name, e) < 0 ||
        jf_text(in, "email", req, REG_EMAIL_MAX, r->email, sizeof r->email, e) < 0 ||
        jf_text(in, "position", JF_NULLABLE | JF_NO_BIDI, REG_NAME_MAX, r->position,
                sizeof r->position, e) < 0 ||
        (has_phone = jf_text(in, "phone", JF_NULLABLE, REG_PHONE_MAX, r->phone,
                             sizeof r->phone, e)) < 0)
        return -1;
    /* Only a phone given now is checked: a stored one from before the rule
     * does not block a change to other fields. */
    if (has_phone == JF_SET && r->phone[0] != '\0' && !reg_phone_ok(r->phone))
        return err_set(e, ERR_INVALID_FIELD, "phone",
                       "phone: not a phone number (digits, at least %d, with spaces, "
                       "hyphens, parentheses or dots and an optional leading +; at most "
                       "%d characters)", REG_PHONE_MIN_DIGITS, REG_PHONE_MAX);
    if (reg_lang_apply(in, r, creating, e) < 0)
        return -1;
    if (r->first_name[0] == '\0')
        return err_set(e, ERR_MISSING_FIELD, "first_name", "first_name: required");
    if (r->last_name[0] == '\0')
        return err_set(e, ERR_MISSING_FIELD, "last_name", "last_name: required");
    if (!reg_email_ok(r->email))
        return err_set(e, ERR_INVALID_FIELD, "email",
                       "email: not a valid e-mail address");
    has_org = jf_text(in, "organisation", JF_NO_BIDI, REG_NAME_MAX, org, sizeof org, e);
    if (has_org < 0)
        return -1;
    has_org_id = jf_int(in, "organisation_id", 0, 1, (long long)1 << 53, &org_id, e);
    if (has_org_id < 0)
        return -1;
    if (has_org_id == JF_SET) {
        if (dir_org_get(db, org_id, r->organisation) != 1)
            return err_set(e, ERR_INVALID_FIELD, "organisation_id",
                           "organisation_id: no organisation %lld", org_id);
        r->organisation_id = org_id;
    } else if (has_org == JF_SET) {
        if (org[0] == '\0')
            return err_set(e, ERR_MISSING_FIELD, "organisation", "organisation: required");
        switch (dir_org_find(db, org, &org_id, r->organisation)) {
        case 1:
            r->organisation_id = org_id;
            break;
        case 0:
            r->organisation_id = 0;
            snprintf(r->organisation, sizeof r->organisation, "%s", org);
            break;
        default:
            return db_fail(db, e);
        }
    } else if (creating) {
        return err_set(e, ERR_MISSING_FIELD, "organisation",
                       "organisation: required (a name, or organisation_id)");
    }
    answers = json_object_get(in, "answers");
    if (answers && json_is_null(answers))
        answers = NULL;
    if (answers || creating) {
        if (form_check_answers(form, answers, e) < 0)
            return -1;
        json_decref(r->answers);
        r->answers = answers ? json_deep_copy(answers) : json_object();
        /* Drop explicit nulls: they mean "no answer". */
        {
            const char *k;
            json_t *v;
            void *tmp;
            json_object_foreach_safe(r->answers, tmp, k, v) {
                if (json_is_null(v))
                    json_object_del(r->answers, k);
            }
        }
    }
    if (creating || json_object_get(in, "email")) {
        long long person = person_ensure(db, r->email, now);
        if (person < 0)
            return db_fail(db, e);
        /* A new registration's duplicate is refused by the unique index on
         * insert (one statement fewer on the busiest path); a changed
         * e-mail is checked here, where the index would be too late to
         * tell from other constraint failures. */
        dup = creating ? 0 : person_registered(db, r->meeting_id, person, r->id);
        if (dup < 0)
            return db_fail(db, e);
        if (dup)
            return err_set(e, ERR_DUPLICATE_EMAIL, "email",
                           "email: already registered for this meeting");
        r->person_id = person;
    }
    return 0;
}

/* Runs st, an INSERT or an UPDATE of a registration.  The unique index on
 * a meeting's live registrations of one person refuses a second one. */
static int write_registration(struct db *db, sqlite3_stmt *st, struct err *e)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return err_set(e, ERR_DUPLICATE_EMAIL, "email",
                       "email: already registered for this meeting");
    return rc == SQLITE_DONE ? 0 : db_fail(db, e);
}

static int window_check(const struct meeting *m, long long now, struct err *e)
{
    if (strcmp(m->status, "draft") == 0)
        return err_set(e, ERR_REGISTRATION_NOT_OPEN, NULL,
                       "registration for this meeting has not opened yet");
    if (strcmp(m->status, "closed") == 0)
        return err_set(e, ERR_REGISTRATION_CLOSED, NULL,
                       "registration for this meeting is closed");
    if (m->has_opens_at && now < m->opens_at) {
        char at[32];
        tu_format_utc(m->opens_at, at);
        return err_set(e, ERR_REGISTRATION_NOT_OPEN, NULL,
                       "registration opens at %s", at);
    }
    if (m->has_closes_at && now >= m->closes_at) {
        char at[32];
        tu_format_utc(m->closes_at, at);
        return err_set(e, ERR_REGISTRATION_CLOSED, NULL,
                       "registration closed at %s", at);
    }
    return 0;
}

/* reg_apply against the meeting's whole form, its plugins' fields included. */
static int reg_apply_meeting(struct db *db, struct registration *r, json_t *in,
                             const struct meeting *m, int creating, long long now,
                             struct err *e)
{
    json_t *form = meeting_form(m);
    int rc = reg_apply(db, r, in, form, creating, now, e);

    json_decref(form);
    return rc;
}

int reg_create(struct db *db, long long meeting_id, json_t *in, long long now,
               struct registration *out, char token[TOKEN_MAX_LEN + 1], struct err *e)
{
    struct meeting m;
    struct registration r;
    struct event ev;
    struct token_secret secret;
    sqlite3_stmt *ins, *cnt;
    char *answers = NULL;
    int waitlisted, rc = -1;

    memset(&r, 0, sizeof r);
    if (meeting_load(db, meeting_id, &m, e) < 0)
        return -1;
    r.meeting_id = meeting_id;
    if (window_check(&m, now, e) < 0 || reg_apply_meeting(db, &r, in, &m, 1, now, e) < 0)
        goto out;
    if (m.confirm_email) {
        /* Asked before anything is written (plugins' hooks included): an
         * address registered already gets a message, not an error. */
        long long dup = person_registered(db, meeting_id, r.person_id, 0);

        if (dup < 0) {
            db_fail(db, e);
            goto out;
        }
        r.hold_until = now + m.confirm_minutes * 60;
        if (dup) {
            ev = (struct event){.type = EVENT_REGISTRATION_AGAIN, .now = now,
                                .meeting_id = meeting_id, .registration_id = dup};
            if (events_emit(db, &ev, e) < 0)
                goto out;
            memset(out, 0, sizeof *out);
            out->hold_until = r.hold_until;
            token[0] = '\0';
            rc = 0;
            goto out;
        }
    }
    waitlisted = m.confirmed >= m.capacity;
    snprintf(r.status, sizeof r.status, "%s", waitlisted ? "waitlisted" : "confirmed");
    r.created_at = r.updated_at = now;
    ev = (struct event){.type = EVENT_REGISTRATION_VALIDATE, .now = now,
                        .meeting_id = meeting_id, .registration = &r};
    if (events_emit(db, &ev, e) < 0)
        goto out;
    token_secret_new(&secret);
    answers = json_out_text(r.answers);
    ins = db_stmt(db, "INSERT INTO registrations(meeting_id, person_id, first_name,"
                      " last_name, email, organisation_id, organisation_name, position,"
                      " phone, answers_json, status, waitlist_seq, token_hash,"
                      " created_at, updated_at, lang, hold_until)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?14,?,?)");
    cnt = waitlisted
        ? db_stmt(db, "UPDATE meetings SET waitlist_count = waitlist_count + 1,"
                      " waitlist_next = waitlist_next + 1 WHERE id = ?")
        : db_stmt(db, "UPDATE meetings SET confirmed_count = confirmed_count + 1"
                      " WHERE id = ?");
    if (ins == NULL || cnt == NULL || answers == NULL) {
        db_fail(db, e);
        goto out;
    }
    sqlite3_bind_int64(ins, 1, meeting_id);
    sqlite3_bind_int64(ins, 2, r.person_id);
    sqlite3_bind_text(ins, 3, r.first_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, r.last_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 5, r.email, -1, SQLITE_STATIC);
    if (r.organisation_id > 0)
        sqlite3_bind_int64(ins, 6, r.organisation_id);
    sqlite3_bind_text(ins, 7, r.organisation, -1, SQLITE_STATIC);
    db_bind_text_or_null(ins, 8, r.position);
    db_bind_text_or_null(ins, 9, r.phone);
    sqlite3_bind_text(ins, 10, answers, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 11, waitlisted ? "waitlisted" : "confirmed", -1, SQLITE_STATIC);
    if (waitlisted)
        sqlite3_bind_int64(ins, 12, m.waitlist_next);
    sqlite3_bind_blob(ins, 13, secret.hash, TOKEN_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 14, now);
    sqlite3_bind_text(ins, 15, r.lang, -1, SQLITE_STATIC);
    if (r.hold_until > 0)
        sqlite3_bind_int64(ins, 16, r.hold_until);
    if (write_registration(db, ins, e) < 0)
        goto out;
    r.id = db_last_id(db);
    /* Held for e-mail confirmation: only the mailed link opens it (the
     * hash stored is of a secret nobody is given). */
    token_format(TOKEN_REGISTRATION, r.id, &secret, token);
    if (r.hold_until > 0) {
        sodium_memzero(token, TOKEN_MAX_LEN + 1);
        sodium_memzero(&secret, sizeof secret);
    }
    sqlite3_bind_int64(cnt, 1, meeting_id);
    if (db_step_done(cnt) < 0) {
        rc = db_fail(db, e);
        goto out;
    }
    /* Preferences first: the subscribers (a place in slots allocated
     * already) read them. */
    snprintf(r.status, sizeof r.status, "%s", waitlisted ? "waitlisted" : "confirmed");
    r.waitlist_position = waitlisted ? m.waitlisted + 1 : 0;
    ev = (struct event){.type = waitlisted ? EVENT_REGISTRATION_WAITLISTED
                                           : EVENT_REGISTRATION_CONFIRMED,
                        .now = now, .meeting_id = meeting_id, .registration_id = r.id,
                        .has_visits = m.has_visits, .registration = &r,
                        .manage_token = r.hold_until > 0 ? NULL : token};
    if ((json_object_get(in, "visit_preferences") &&
         visit_prefs_set(db, r.id, meeting_id, json_object_get(in, "visit_preferences"),
                         e) < 0) ||
        events_emit(db, &ev, e) < 0) {
        rc = -1;
        goto out;
    }
    /* The caller gets the row as stored, without reading it back. */
    snprintf(r.status, sizeof r.status, "%s", waitlisted ? "waitlisted" : "confirmed");
    r.waitlist_position = waitlisted ? m.waitlisted + 1 : 0;
    r.created_at = r.updated_at = now;
    r.has_visits = m.has_visits;
    *out = r;
    r.answers = NULL; /* now owned by *out */
    rc = 0;
out:
    free(answers);
    reg_clear(&r);
    meeting_clear(&m);
    return rc;
}

int reg_patch(struct db *db, long long id, json_t *in, long long now,
              const char *actor, struct err *e)
{
    struct registration r;
    struct meeting m;
    sqlite3_stmt *st;
    char *answers = NULL;
    int rc = -1;

    memset(&m, 0, sizeof m);
    if (reg_load(db, id, &r, e) < 0)
        return -1;
    if (strcmp(r.status, "cancelled") == 0) {
        err_set(e, ERR_ALREADY_CANCELLED, NULL, "this registration is cancelled");
        goto out;
    }
    if (meeting_load(db, r.meeting_id, &m, e) < 0 ||
        reg_apply_meeting(db, &r, in, &m, 0, now, e) < 0)
        goto out;
    r.updated_at = now;
    {
        struct event ev = {.type = EVENT_REGISTRATION_VALIDATE, .now = now, .actor = actor,
                           .meeting_id = r.meeting_id, .registration_id = id,
                           .registration = &r};

        if (events_emit(db, &ev, e) < 0)
            goto out;
    }
    answers = json_out_text(r.answers);
    st = db_stmt(db, "UPDATE registrations SET person_id=?, first_name=?, last_name=?,"
                     " email=?, organisation_id=?, organisation_name=?, position=?,"
                     " phone=?, answers_json=?, updated_at=?, lang=? WHERE id=?");
    if (st == NULL || answers == NULL) {
        db_fail(db, e);
        goto out;
    }
    sqlite3_bind_int64(st, 1, r.person_id);
    sqlite3_bind_text(st, 2, r.first_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r.last_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r.email, -1, SQLITE_STATIC);
    if (r.organisation_id > 0)
        sqlite3_bind_int64(st, 5, r.organisation_id);
    sqlite3_bind_text(st, 6, r.organisation, -1, SQLITE_STATIC);
    db_bind_text_or_null(st, 7, r.position);
    db_bind_text_or_null(st, 8, r.phone);
    sqlite3_bind_text(st, 9, answers, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, now);
    sqlite3_bind_text(st, 11, r.lang, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, id);
    if (write_registration(db, st, e) < 0)
        goto out;
    if (json_object_get(in, "visit_preferences") &&
        visit_prefs_set(db, id, r.meeting_id, json_object_get(in, "visit_preferences"), e) < 0) {
        rc = -1;
        goto out;
    }
    if (audit_record(db, now, actor, "registration.update", "registration", id, in, e) < 0)
        goto out;
    rc = 0;
out:
    free(answers);
    meeting_clear(&m);
    reg_clear(&r);
    return rc;
}

int reg_cancel(struct db *db, long long id, long long now, const char *actor,
               struct err *e)
{
    struct registration r;
    struct event ev;
    sqlite3_stmt *st, *cnt;
    int was_confirmed, rc = -1;

    if (reg_load(db, id, &r, e) < 0)
        return -1;
    if (strcmp(r.status, "cancelled") == 0) {
        err_set(e, ERR_ALREADY_CANCELLED, NULL, "this registration is already cancelled");
        goto out;
    }
    was_confirmed = strcmp(r.status, "confirmed") == 0;
    st = db_stmt(db, "UPDATE registrations SET status = 'cancelled',"
                     " waitlist_seq = NULL, updated_at = ? WHERE id = ?");
    cnt = was_confirmed
        ? db_stmt(db, "UPDATE meetings SET confirmed_count = confirmed_count - 1"
                      " WHERE id = ?")
        : db_stmt(db, "UPDATE meetings SET waitlist_count = waitlist_count - 1"
                      " WHERE id = ?");
    if (st == NULL || cnt == NULL) {
        db_fail(db, e);
        goto out;
    }
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(cnt, 1, r.meeting_id);
    if (db_step_done(st) < 0 || db_step_done(cnt) < 0) {
        db_fail(db, e);
        goto out;
    }
    /* The subscribers free what the registration held (site-visit seats go
     * to the slots' waiting lists) before the meeting's waiting list moves
     * up, so a person promoted now can take one of those seats. */
    ev = (struct event){.type = EVENT_REGISTRATION_CANCELLED, .now = now, .actor = actor,
                        .meeting_id = r.meeting_id, .registration_id = id,
                        .was_confirmed = was_confirmed, .has_visits = r.has_visits};
    if (events_emit(db, &ev, e) < 0 ||
        (was_confirmed && meeting_promote(db, r.meeting_id, now, actor, e) < 0))
        goto out;
    if (audit_record(db, now, actor, "registration.cancel", "registration", id, NULL, e) < 0)
        goto out;
    rc = 0;
out:
    reg_clear(&r);
    return rc;
}

int reg_promote(struct db *db, long long id, long long now, const char *actor, int *grew,
                long long *capacity, struct err *e)
{
    struct registration r;
    struct meeting m;
    struct event ev;
    sqlite3_stmt *st;
    json_t *detail = NULL;
    long long position;
    int rc = -1, have_meeting = 0;

    *grew = 0;
    if (reg_load(db, id, &r, e) < 0)
        return -1;
    if (strcmp(r.status, "waitlisted") != 0) {
        err_set(e, ERR_NOT_WAITLISTED, NULL, "registration %lld is %s, not on the waiting list",
                id, r.status);
        goto out;
    }
    position = r.waitlist_position;
    if (meeting_load(db, r.meeting_id, &m, e) < 0)
        goto out;
    have_meeting = 1;
    if (m.confirmed >= m.capacity) {
        /* Full: one more seat, so that confirmed <= capacity stays true.  The
         * meeting changed, and says so like a PATCH would. */
        st = db_stmt(db, "UPDATE meetings SET capacity = capacity + 1, updated_at = ?"
                         " WHERE id = ?");
        if (st == NULL) {
            db_fail(db, e);
            goto out;
        }
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int64(st, 2, m.id);
        if (db_step_done(st) < 0) {
            db_fail(db, e);
            goto out;
        }
        m.capacity++;
        m.updated_at = now;
        *grew = 1;
        ev = (struct event){.type = EVENT_MEETING_CHANGED, .now = now, .actor = actor,
                            .meeting_id = m.id, .meeting = &m};
        if (events_emit(db, &ev, e) < 0)
            goto out;
    }
    *capacity = m.capacity;
    if (meeting_confirm_waitlisted(db, r.meeting_id, id, r.has_visits, now, actor, e) < 0)
        goto out;
    detail = json_pack("{s:I, s:b, s:I}", "waitlist_position", (json_int_t)position,
                       "capacity_grew", *grew, "capacity", (json_int_t)m.capacity);
    if (detail == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto out;
    }
    if (audit_record(db, now, actor, "registration.promote", "registration", id, detail, e) < 0)
        goto out;
    rc = 0;
out:
    json_decref(detail);
    if (have_meeting)
        meeting_clear(&m);
    reg_clear(&r);
    return rc;
}
