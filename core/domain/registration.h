/* registration.h - registrations: seats, the waiting list, changes and
 * cancellation.  Every function here runs inside the caller's transaction
 * and keeps the meeting's seat counters in step with the rows it changes,
 * so capacity is exact however many requests arrive at once. */
#ifndef SAIETS_REGISTRATION_H
#define SAIETS_REGISTRATION_H

#include <jansson.h>

#include "db.h"
#include "errors.h"
#include "jfield.h"
#include "token.h"

#define REG_NAME_MAX 200
#define REG_EMAIL_MAX 254
#define REG_PHONE_MAX 32
#define REG_PHONE_MIN_DIGITS 5

struct registration {
    long long id;
    long long meeting_id;
    long long person_id;
    char first_name[JF_TEXT_BYTES(REG_NAME_MAX)];
    char last_name[JF_TEXT_BYTES(REG_NAME_MAX)];
    char email[JF_TEXT_BYTES(REG_EMAIL_MAX)];
    long long organisation_id; /* 0: not a known organisation */
    char organisation[JF_TEXT_BYTES(REG_NAME_MAX)];
    char position[JF_TEXT_BYTES(REG_NAME_MAX)];
    char phone[JF_TEXT_BYTES(REG_PHONE_MAX)];
    json_t *answers; /* owned */
    char status[12];
    char lang[3];                /* "lv" or "en": the language of its messages */
    /* E-mail confirmation (reg_mail.h): the place is held until hold_until
     * (0: not held), unless the link mailed is opened first. */
    long long hold_until;
    long long waitlist_position; /* 0 unless waitlisted */
    long long created_at, updated_at;
    /* Its meeting has site-visit slots (set by reg_create and reg_load).
     * Without them it has no preferences, pins or places, for sure: they
     * all name a slot, so nothing about site visits need be read. */
    int has_visits;
};

void reg_clear(struct registration *r);

/* 0, or -1 with not_found. */
int reg_load(struct db *db, long long id, struct registration *r, struct err *e);

/* Registers for a meeting from a JSON body.  On success *out is the new
 * registration as stored (release it with reg_clear) and token its manage
 * token (shown once, stored hashed).
 * When the meeting asks for e-mail confirmation, out->hold_until is set and
 * token is "" (the link is mailed); an address registered already gets no
 * second registration but a message (out->id 0): the caller answers both
 * alike, so that nobody learns who is registered. */
int reg_create(struct db *db, long long meeting_id, json_t *in, long long now,
               struct registration *out, char token[TOKEN_MAX_LEN + 1], struct err *e);

/* Changes the participant's own fields; actor is recorded in the audit log
 * when it is an organizer ("account:N"), NULL for the participant. */
int reg_patch(struct db *db, long long id, json_t *in, long long now,
              const char *actor, struct err *e);

/* Cancels; a freed seat goes to the first waitlisted registration. */
int reg_cancel(struct db *db, long long id, long long now, const char *actor,
               struct err *e);

/* An organizer moves a waitlisted registration ahead of the queue: it is
 * confirmed now (registration.promoted, as meeting_promote emits it).  When
 * the meeting is full its capacity grows by one first (meeting.changed), so
 * the counters stay true; *grew says whether it did and *capacity is the
 * meeting's capacity afterwards.  409 not_waitlisted for another status. */
int reg_promote(struct db *db, long long id, long long now, const char *actor, int *grew,
                long long *capacity, struct err *e);

/* 1 when registration id exists and its manage token's (or its last
 * message's token's) secret hashes to
 * hash, 0 when not, -1 on a storage error. */
int reg_token_matches(struct db *db, long long id, const uint8_t hash[TOKEN_HASH_LEN]);

/* A new manage token for a message (its hash replaces the last message's;
 * the token the registration's answer gave keeps working).  1 with token
 * set, 0 when the registration is gone or cancelled (no token), -1 with *e
 * set.  Writer connection. */
int reg_mail_token_new(struct db *db, long long id, char token[TOKEN_MAX_LEN + 1],
                       struct err *e);

json_t *reg_to_json(const struct registration *r);

/* All registrations of a meeting as JSON objects, unsorted; status may be
 * NULL for all. */
json_t *reg_list_json(struct db *db, long long meeting_id, const char *status);

/* 1 for a plausible e-mail address (one @, a dotted domain, no spaces). */
int reg_email_ok(const char *s);

/* 1 for a plausible phone number: REG_PHONE_MAX characters at most, of
 * digits (REG_PHONE_MIN_DIGITS at least), spaces, hyphens, parentheses and
 * dots, and at most one + before the first digit ("+371 29123456",
 * "(+371) 2912-3456"). */
int reg_phone_ok(const char *s);

#endif
