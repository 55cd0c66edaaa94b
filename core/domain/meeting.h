/* meeting.h - meetings: their rules, their rows and their JSON form.
 *
 * Seat counters (confirmed, waitlisted) live on the meeting row and are only
 * changed by registration.c and meeting_promote(), inside the transaction
 * that changes the registrations they count. */
#ifndef SAIETS_MEETING_H
#define SAIETS_MEETING_H

#include <jansson.h>

#include "db.h"
#include "errors.h"
#include "jfield.h"

#define MEETING_TITLE_MAX 200
#define MEETING_CAPACITY_MAX 100000
#define MEETING_MAX_DAYS 31

/* SQL: 1 when the meeting whose id is the column `id_col` has site-visit
 * slots (an index lookup), for queries that want to know with their row. */
#define MEETING_HAS_VISITS(id_col) \
    "EXISTS (SELECT 1 FROM visit_slots s WHERE s.meeting_id = " id_col ")"

struct meeting {
    long long id;
    char title[JF_TEXT_BYTES(MEETING_TITLE_MAX)];
    long long network_id; /* 0: none */
    long long host_id;    /* 0: none */
    char city[JF_TEXT_BYTES(200)];
    char starts_on[11];
    char ends_on[11];
    char timezone[JF_TEXT_BYTES(64)];
    long long capacity;
    long long opens_at, closes_at; /* valid when has_opens_at / has_closes_at */
    int has_opens_at, has_closes_at;
    char status[JF_TEXT_BYTES(8)];
    json_t *form; /* owned: parsed custom field list */
    /* owned: the fields its enabled plugins add (saiets.form.field), keyed
     * "PLUGIN.key" and marked with "plugin"; read with the row, written
     * only by db/006_plugin_fields.sql's triggers when a plugin changes */
    json_t *plugin_form;
    long long confirmed, waitlisted, waitlist_next;
    long long created_at, updated_at;
    int has_visits; /* it has site-visit slots (read with the row, never stored) */
    /* E-mail confirmation: a new registration holds its place for
     * confirm_minutes until the link mailed to it is opened (reg_mail.h). */
    int confirm_email;
    long long confirm_minutes;
};

/* Releases what a loaded meeting owns (the forms). */
void meeting_clear(struct meeting *m);

/* The whole registration form, the meeting's fields then its plugins': what
 * answers are checked against and exports show (a new reference). */
json_t *meeting_form(const struct meeting *m);

/* 0, or -1 with not_found / internal_error. */
int meeting_load(struct db *db, long long id, struct meeting *m, struct err *e);
/* The same answer without loading the row: 0 when meeting id exists. */
int meeting_check(struct db *db, long long id, struct err *e);
/* Whether meeting id exists and is a draft: MEETING_NONE, MEETING_PUBLIC
 * (open or closed) or MEETING_DRAFT; -1 on a storage error. */
enum { MEETING_NONE, MEETING_PUBLIC, MEETING_DRAFT };
int meeting_visibility(struct db *db, long long id);

/* Creates from a JSON object (see docs/api.md); *id set. */
int meeting_create(struct db *db, json_t *in, long long now, const char *actor,
                   long long *id, struct err *e);

/* Applies a partial update; raising capacity promotes from the waiting list. */
int meeting_patch(struct db *db, long long id, json_t *in, long long now,
                  const char *actor, struct err *e);

/* Confirms one waitlisted registration of the meeting (its counters move
 * with it) and announces it as registration.promoted: meeting_promote's
 * step, and an organizer's promotion ahead of the queue. */
int meeting_confirm_waitlisted(struct db *db, long long meeting_id, long long registration_id,
                               int has_visits, long long now, const char *actor,
                               struct err *e);

/* Confirms waitlisted registrations, first come first served, while seats
 * are free, each announced as registration.promoted.  Returns how many were
 * promoted, or -1 with *e set (a subscriber's own error included). */
int meeting_promote(struct db *db, long long meeting_id, long long now, const char *actor,
                    struct err *e);

json_t *meeting_to_json(const struct meeting *m);
/* Every meeting, or (with_drafts 0) those that are not drafts. */
json_t *meeting_list_json(struct db *db, int with_drafts);

#endif
