/* events.h - the domain's one event point.
 *
 * A domain function that changes something others may care about (a
 * registration confirmed, a meeting changed...) describes it in a struct
 * event and calls events_emit(); it does not call the modules that react.
 * Those subscribe once at start: first the core subscribers, in the fixed
 * order set in core_subscribers.c, later plugins.
 * Subscribers run in the caller's transaction (the writer's), in order of
 * subscription; the first that fails stops the rest, and its error, with
 * its own code, goes back to the caller, whose job is then rolled back.
 *
 * The table is changed only before the writer thread starts or on the
 * writer thread itself, which is the only thread that emits. */
#ifndef SAIETS_EVENTS_H
#define SAIETS_EVENTS_H

#include "db.h"
#include "errors.h"

struct meeting;
struct registration;

enum event_type {
    EVENT_REGISTRATION_VALIDATE,   /* a registration is about to be made or changed:
                                      a subscriber may refuse it (nothing is stored) */
    EVENT_REGISTRATION_CONFIRMED,  /* a new registration took a seat */
    EVENT_REGISTRATION_WAITLISTED, /* a new registration joined the waiting list */
    EVENT_REGISTRATION_PROMOTED,   /* a waiting registration got a seat */
    EVENT_REGISTRATION_CANCELLED,  /* a registration was cancelled */
    EVENT_REGISTRATION_AGAIN,      /* with e-mail confirmation on, someone registered
                                      again with the address of a live registration
                                      (registration_id): nothing was made */
    EVENT_MEETING_CHANGED,         /* a meeting's row was updated */
    EVENT_AGENDA_CHANGED,          /* items of a meeting's agenda were made, changed or removed */
    EVENT_ALLOCATION_DONE,         /* a site-visit slot was allocated (and stored) */
    EVENT_VISIT_SEATS_ADDED,       /* a site-visit option got seats (new, or more capacity) */
    EVENT_VISIT_PINNED,            /* an organizer pinned a registration to an option */
    EVENT__COUNT
};

/* What happened.  Fields not listed for an event are 0 or NULL. */
struct event {
    enum event_type type;
    long long now;         /* the request time, Unix seconds */
    const char *actor;     /* who caused it ("account:3", "registration:9"), or NULL */
    long long meeting_id;  /* every event */
    long long registration_id; /* registration.*, site_visit.pinned */
    int was_confirmed;     /* registration.cancelled: it held a seat */
    int has_visits;        /* registration.*: the meeting has site-visit slots; when
                              it has none, site-visit subscribers have nothing to do */
    const struct meeting *meeting; /* meeting.changed: the meeting as now stored */
    int zone_changed;      /* meeting.changed: its time zone is another one */
    long long slot_id;     /* allocation.done, site_visit.* */
    long long option_id;   /* site_visit.* */
    /* registration.validate: the registration as it would be stored (id 0
     * and status "confirmed" or "waitlisted" when it is new); a new
     * registration's confirmed / waitlisted: the registration as stored.
     * NULL for the others (subscribers load it by registration_id). */
    const struct registration *registration;
    /* a new registration's confirmed / waitlisted: its manage token, in
     * clear this once (only its hash is stored); NULL otherwise */
    const char *manage_token;
};

/* Returns 0, or -1 with *e set (the emitter's job fails with that error). */
typedef int (*event_handler)(struct db *db, const struct event *ev, void *arg,
                             struct err *e);

#define EVENTS_MAX_SUBSCRIBERS 64

/* Adds fn after the subscribers of `type` so far; `name` (static storage)
 * names it in errors.  0, or -1 when the table is full. */
int events_subscribe(enum event_type type, const char *name, event_handler fn, void *arg);

/* Removes every subscription whose name is `name`; returns how many. */
int events_unsubscribe(const char *name);

/* Calls the subscribers of ev->type in order; 0, or -1 with *e set by the
 * first that failed (internal_error naming it if it set nothing). */
int events_emit(struct db *db, const struct event *ev, struct err *e);

/* "registration.confirmed", ... as plugins will know them. */
const char *event_name(enum event_type type);


#endif
