/* agenda_internal.h - what agenda.c shares with agenda_sync.c: validation of
 * one item and its rows.  Not for other modules: they use agenda.h. */
#ifndef SAIETS_AGENDA_INTERNAL_H
#define SAIETS_AGENDA_INTERNAL_H

#include "agenda.h"
#include "meeting.h"

#define ITEM_COLUMNS                                                               \
    "i.id, i.starts_local, i.ends_local, i.starts_at, i.ends_at, i.kind, i.title," \
    " i.description, i.venue_id, v.name, i.track, i.speakers_json,"                \
    " i.expected_attendance, i.source, i.source_key, i.meeting_id, i.updated_at,"  \
    " i.sequence"

struct agenda_times {
    char starts_local[17], ends_local[17];
    long long starts_at, ends_at; /* unix seconds */
};

/* Checks a whole item (API form: venue_id) and returns its normalised form
 * (new reference) with its times, or NULL with e set. */
json_t *agenda_item_validate(struct db *db, const struct meeting *m, json_t *in,
                             struct agenda_times *t, struct err *e);

/* The normalised form of a row selected with ITEM_COLUMNS. */
json_t *agenda_row_normal(sqlite3_stmt *st);

int agenda_item_insert(struct db *db, long long meeting_id, json_t *n,
                       const struct agenda_times *t, const char *source,
                       const char *key, long long now, long long *id, struct err *e);
int agenda_item_update(struct db *db, long long id, json_t *n,
                       const struct agenda_times *t, long long now, struct err *e);
int agenda_item_remove(struct db *db, long long id, struct err *e);

#endif
