/* visit_changes.c - what later events do to a stored site-visit
 * allocation: a freed seat goes to the best-ranked waiting person, a late
 * registration takes the best free seat, a pin moves its person; see
 * visit_allocation.h for the rules.  Keeps assigned_count in step with the
 * rows, like the allocation run itself. */
#include "visit_allocation.h"

#include <stdio.h>
#include <stdlib.h>

/* Runs fn(slot, reg) for the slot id in the first column of every row of
 * st (bound to reg as ?1, not yet stepped).  The ids are read whole first:
 * fn changes the tables st reads.  0, or -1 at the first failure. */
static int each_slot(struct db *db, sqlite3_stmt *st, long long reg, long long now,
                     int (*fn)(struct db *, long long slot, long long reg, long long now))
{
    long long *ids = NULL;
    int n = 0, cap = 0, rc;

    sqlite3_bind_int64(st, 1, reg);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            long long *g = realloc(ids, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *g);
            if (g == NULL)
                break;
            ids = g;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    rc = rc == SQLITE_DONE ? 0 : -1;
    for (int i = 0; i < n && rc == 0; i++)
        rc = fn(db, ids[i], reg, now);
    free(ids);
    return rc;
}

/* The seat at option_id is free: the waiting person who ranked it best
 * (earliest on the list among equals; unranked after ranked) takes it.
 * 1 when someone did, 0 when nobody waits (or it is full), -1 on error. */
static int seat_freed(struct db *db, long long slot_id, long long option_id, long long now)
{
    sqlite3_stmt *pick = db_stmt(db, "SELECT a.registration_id, p.rank, v.name"
                                     " FROM visit_assignments a"
                                     " JOIN visit_options o ON o.id = ?2"
                                     " JOIN venues v ON v.id = o.venue_id"
                                     " LEFT JOIN visit_preferences p"
                                     "  ON p.registration_id = a.registration_id"
                                     "  AND p.option_id = o.id"
                                     " WHERE a.slot_id = ?1 AND a.option_id IS NULL"
                                     "  AND o.assigned_count < o.capacity"
                                     " ORDER BY p.rank IS NULL, p.rank, a.waitlist_seq LIMIT 1");
    sqlite3_stmt *up, *cnt;
    long long reg;
    char line[300];
    int rank, rc;

    if (pick == NULL)
        return -1;
    sqlite3_bind_int64(pick, 1, slot_id);
    sqlite3_bind_int64(pick, 2, option_id);
    rc = sqlite3_step(pick);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(pick);
        return rc == SQLITE_DONE ? 0 : -1;
    }
    reg = sqlite3_column_int64(pick, 0);
    rank = sqlite3_column_type(pick, 1) == SQLITE_NULL ? 0 : sqlite3_column_int(pick, 1);
    snprintf(line, sizeof line, "moved up from the waiting list when a seat at %s was freed",
             db_text(pick, 2));
    sqlite3_reset(pick);
    up = db_stmt(db, "UPDATE visit_assignments SET option_id = ?, waitlist_seq = NULL,"
                     " rank = ?, why = 'promoted', explanation = ?, updated_at = ?"
                     " WHERE registration_id = ? AND slot_id = ?");
    cnt = db_stmt(db, "UPDATE visit_options SET assigned_count = assigned_count + 1"
                      " WHERE id = ?");
    if (up == NULL || cnt == NULL)
        return -1;
    sqlite3_bind_int64(up, 1, option_id);
    if (rank > 0)
        sqlite3_bind_int(up, 2, rank);
    else
        sqlite3_bind_null(up, 2);
    sqlite3_bind_text(up, 3, line, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(up, 4, now);
    sqlite3_bind_int64(up, 5, reg);
    sqlite3_bind_int64(up, 6, slot_id);
    sqlite3_bind_int64(cnt, 1, option_id);
    return db_step_done(up) < 0 || db_step_done(cnt) < 0 ? -1 : 1;
}

int visit_fill_seats(struct db *db, long long slot_id, long long option_id, long long now)
{
    int rc;

    while ((rc = seat_freed(db, slot_id, option_id, now)) == 1)
        ;
    return rc;
}

/* Takes registration reg out of its place in slot (a seat or the waiting
 * list); a seat it frees goes on to the waiting list. */
static int leave_slot(struct db *db, long long slot_id, long long reg, long long now)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT option_id FROM visit_assignments"
                                   " WHERE registration_id = ? AND slot_id = ?");
    sqlite3_stmt *del, *cnt;
    long long option = 0;
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, reg);
    sqlite3_bind_int64(st, 2, slot_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        option = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 0 : -1;
    del = db_stmt(db, "DELETE FROM visit_assignments WHERE registration_id = ? AND slot_id = ?");
    cnt = db_stmt(db, "UPDATE visit_options SET assigned_count = assigned_count - 1"
                      " WHERE id = ?");
    if (del == NULL || cnt == NULL)
        return -1;
    sqlite3_bind_int64(del, 1, reg);
    sqlite3_bind_int64(del, 2, slot_id);
    if (db_step_done(del) < 0)
        return -1;
    if (option == 0)
        return 0;
    sqlite3_bind_int64(cnt, 1, option);
    if (db_step_done(cnt) < 0)
        return -1;
    return seat_freed(db, slot_id, option, now) < 0 ? -1 : 0;
}

int visit_on_cancelled(struct db *db, long long registration_id, long long now,
                       struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT slot_id FROM visit_assignments"
                                   " WHERE registration_id = ?");
    static const char *const cleanup[] = {
        "DELETE FROM visit_preferences WHERE registration_id = ?",
        "DELETE FROM visit_pins WHERE registration_id = ?"};

    if (st == NULL || each_slot(db, st, registration_id, now, leave_slot) < 0)
        return db_fail(db, e);
    for (size_t i = 0; i < sizeof cleanup / sizeof cleanup[0]; i++) {
        st = db_stmt(db, cleanup[i]);
        if (st == NULL)
            return db_fail(db, e);
        sqlite3_bind_int64(st, 1, registration_id);
        if (db_step_done(st) < 0)
            return db_fail(db, e);
    }
    return 0;
}

/* Places reg in allocated slot: the best-ranked option with a free seat,
 * else any free seat (first in the slot's order), else the waiting list. */
static int place_late(struct db *db, long long slot_id, long long reg, long long now)
{
    sqlite3_stmt *pick = db_stmt(db, "SELECT o.id, p.rank, v.name FROM visit_options o"
                                     " JOIN venues v ON v.id = o.venue_id"
                                     " LEFT JOIN visit_preferences p"
                                     "  ON p.option_id = o.id AND p.registration_id = ?2"
                                     " WHERE o.slot_id = ?1 AND o.assigned_count < o.capacity"
                                     " ORDER BY p.rank IS NULL, p.rank, o.position LIMIT 1");
    sqlite3_stmt *ins, *st;
    long long option = 0, seq = 0;
    char line[300];
    int rank = 0, rc;

    if (pick == NULL)
        return -1;
    sqlite3_bind_int64(pick, 1, slot_id);
    sqlite3_bind_int64(pick, 2, reg);
    rc = sqlite3_step(pick);
    if (rc == SQLITE_ROW) {
        option = sqlite3_column_int64(pick, 0);
        rank = sqlite3_column_type(pick, 1) == SQLITE_NULL ? 0 : sqlite3_column_int(pick, 1);
        if (rank > 0)
            snprintf(line, sizeof line, "registered after the allocation: %s, choice %d, "
                     "had a free seat", db_text(pick, 2), rank);
        else
            snprintf(line, sizeof line, "registered after the allocation: %s had a free "
                     "seat", db_text(pick, 2));
    }
    sqlite3_reset(pick);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    if (option == 0) {
        st = db_stmt(db, "UPDATE visit_slots SET waitlist_next = waitlist_next + 1"
                         " WHERE id = ? RETURNING waitlist_next - 1");
        if (st == NULL)
            return -1;
        sqlite3_bind_int64(st, 1, slot_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            seq = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (seq == 0)
            return -1;
        snprintf(line, sizeof line, "registered after the allocation: every seat is taken, "
                 "on the waiting list");
    }
    ins = db_stmt(db, "INSERT INTO visit_assignments(registration_id, slot_id, option_id,"
                      " waitlist_seq, rank, why, explanation, updated_at)"
                      " VALUES (?,?,?,?,?,?,?,?)");
    if (ins == NULL)
        return -1;
    sqlite3_bind_int64(ins, 1, reg);
    sqlite3_bind_int64(ins, 2, slot_id);
    if (option) {
        sqlite3_bind_int64(ins, 3, option);
        sqlite3_bind_null(ins, 4);
    } else {
        sqlite3_bind_null(ins, 3);
        sqlite3_bind_int64(ins, 4, seq);
    }
    if (rank > 0)
        sqlite3_bind_int(ins, 5, rank);
    else
        sqlite3_bind_null(ins, 5);
    sqlite3_bind_text(ins, 6, option ? "late" : "waiting", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 7, line, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 8, now);
    if (db_step_done(ins) < 0)
        return -1;
    if (option == 0)
        return 0;
    st = db_stmt(db, "UPDATE visit_options SET assigned_count = assigned_count + 1"
                     " WHERE id = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, option);
    return db_step_done(st);
}

int visit_on_confirmed(struct db *db, long long registration_id, long long now,
                       struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT s.id FROM visit_slots s"
                                   " JOIN registrations r ON r.meeting_id = s.meeting_id"
                                   " WHERE r.id = ?1 AND s.allocated_at IS NOT NULL"
                                   " AND NOT EXISTS (SELECT 1 FROM visit_assignments a"
                                   "  WHERE a.slot_id = s.id AND a.registration_id = ?1)"
                                   " ORDER BY s.id");

    if (st == NULL || each_slot(db, st, registration_id, now, place_late) < 0)
        return db_fail(db, e);
    return 0;
}

int visit_place_pinned(struct db *db, long long slot_id, long long registration_id,
                       long long option_id, long long now, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT s.allocated_at IS NOT NULL,"
                                   " o.assigned_count >= o.capacity,"
                                   " (SELECT option_id FROM visit_assignments a"
                                   "  WHERE a.slot_id = s.id AND a.registration_id = ?3),"
                                   " v.name"
                                   " FROM visit_slots s JOIN visit_options o ON o.id = ?2"
                                   " JOIN venues v ON v.id = o.venue_id WHERE s.id = ?1");
    sqlite3_stmt *ins, *cnt;
    int allocated, full, rc;
    long long current;
    char line[300];

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, slot_id);
    sqlite3_bind_int64(st, 2, option_id);
    sqlite3_bind_int64(st, 3, registration_id);
    if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
        sqlite3_reset(st);
        return db_fail(db, e);
    }
    allocated = sqlite3_column_int(st, 0);
    full = sqlite3_column_int(st, 1);
    current = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 2);
    snprintf(line, sizeof line, "placed at %s by the organizers", db_text(st, 3));
    sqlite3_reset(st);
    if (!allocated)
        return 0;
    if (current != option_id && full)
        return err_set(e, ERR_IN_USE, "option_id",
                       "option_id: option %lld is full; pin someone elsewhere or raise its "
                       "capacity first", option_id);
    if (current != option_id && leave_slot(db, slot_id, registration_id, now) < 0)
        return db_fail(db, e);
    ins = db_stmt(db, "INSERT INTO visit_assignments(registration_id, slot_id, option_id,"
                      " waitlist_seq, rank, why, explanation, updated_at)"
                      " VALUES (?1, ?2, ?3, NULL, NULL, 'pinned', ?4, ?5)"
                      " ON CONFLICT (registration_id, slot_id) DO UPDATE SET why = 'pinned',"
                      " rank = NULL, explanation = ?4, updated_at = ?5");
    cnt = db_stmt(db, "UPDATE visit_options SET assigned_count = assigned_count + 1"
                      " WHERE id = ?");
    if (ins == NULL || cnt == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(ins, 1, registration_id);
    sqlite3_bind_int64(ins, 2, slot_id);
    sqlite3_bind_int64(ins, 3, option_id);
    sqlite3_bind_text(ins, 4, line, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 5, now);
    if (db_step_done(ins) < 0)
        return db_fail(db, e);
    if (current == option_id)
        return 0;
    sqlite3_bind_int64(cnt, 1, option_id);
    return db_step_done(cnt) < 0 ? db_fail(db, e) : 0;
}
