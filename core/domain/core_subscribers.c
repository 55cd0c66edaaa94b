/* core_subscribers.c - how the core's own modules react to domain events,
 * and in which order.  This file is the only place that knows both the
 * emitters' events and the reacting modules, so that neither includes the
 * other (meeting.c does not know the agenda, registration.c does not know
 * the allocation).
 *
 * The order, per event (plugins come after all of these):
 *   registration.confirmed  1. site visits: a place in every allocated slot
 *   registration.promoted   1. site visits: a place in every allocated slot
 *   registration.cancelled  1. site visits: seats freed go to the slots'
 *                              waiting lists; only then (in reg_cancel) does
 *                              the meeting's waiting list move up
 *   meeting.changed         1. agenda: items follow a new zone; a date
 *                              change may not strand items
 *   site_visit.seats_added  1. allocation: the slot's waiting list fills them
 *   site_visit.pinned       1. allocation: the person moves to the pinned
 *                              option now if the slot is allocated
 * and last, for registration.confirmed, .waitlisted, .promoted and
 * .cancelled: mail (outbox.c queues the person's message); then for those and
 * allocation.done, site_visit.seats_added and .pinned: mail of site-visit
 * places that changed.  agenda.changed has no core subscriber. */
#include "core_subscribers.h"

#include <pthread.h>

#include "agenda.h"
#include "events.h"
#include "meeting.h"
#include "outbox.h"
#include "visit_allocation.h"

static int visits_on_confirmed(struct db *db, const struct event *ev, void *arg,
                               struct err *e)
{
    (void)arg;
    return ev->has_visits ? visit_on_confirmed(db, ev->registration_id, ev->now, e) : 0;
}

static int visits_on_cancelled(struct db *db, const struct event *ev, void *arg,
                               struct err *e)
{
    (void)arg;
    return ev->has_visits ? visit_on_cancelled(db, ev->registration_id, ev->now, e) : 0;
}

static int allocation_on_seats_added(struct db *db, const struct event *ev, void *arg,
                                     struct err *e)
{
    (void)arg;
    if (visit_fill_seats(db, ev->slot_id, ev->option_id, ev->now) < 0)
        return db_fail(db, e);
    return 0;
}

static int allocation_on_pinned(struct db *db, const struct event *ev, void *arg,
                                struct err *e)
{
    (void)arg;
    return visit_place_pinned(db, ev->slot_id, ev->registration_id, ev->option_id, ev->now, e);
}

static int agenda_on_meeting_changed(struct db *db, const struct event *ev, void *arg,
                                     struct err *e)
{
    (void)arg;
    return agenda_follow_meeting(db, ev->meeting, ev->zone_changed, e);
}

static void subscribe(void)
{
    events_subscribe(EVENT_REGISTRATION_CONFIRMED, "core:site-visits", visits_on_confirmed, NULL);
    events_subscribe(EVENT_REGISTRATION_PROMOTED, "core:site-visits", visits_on_confirmed, NULL);
    events_subscribe(EVENT_REGISTRATION_CANCELLED, "core:site-visits", visits_on_cancelled, NULL);
    events_subscribe(EVENT_MEETING_CHANGED, "core:agenda", agenda_on_meeting_changed, NULL);
    events_subscribe(EVENT_VISIT_SEATS_ADDED, "core:site-visits", allocation_on_seats_added, NULL);
    events_subscribe(EVENT_VISIT_PINNED, "core:site-visits", allocation_on_pinned, NULL);
    /* mail last: it reads nothing the others change */
    events_subscribe(EVENT_REGISTRATION_CONFIRMED, "core:mail", outbox_on_new_registration, NULL);
    events_subscribe(EVENT_REGISTRATION_WAITLISTED, "core:mail", outbox_on_new_registration,
                     NULL);
    events_subscribe(EVENT_REGISTRATION_PROMOTED, "core:mail", outbox_on_registration_change,
                     NULL);
    events_subscribe(EVENT_REGISTRATION_CANCELLED, "core:mail", outbox_on_registration_change,
                     NULL);
    events_subscribe(EVENT_REGISTRATION_AGAIN, "core:mail", outbox_on_registration_again, NULL);
    events_subscribe(EVENT_REGISTRATION_CONFIRMED, "core:mail", outbox_on_visit_places, NULL);
    events_subscribe(EVENT_REGISTRATION_PROMOTED, "core:mail", outbox_on_visit_places, NULL);
    events_subscribe(EVENT_REGISTRATION_CANCELLED, "core:mail", outbox_on_visit_places, NULL);
    events_subscribe(EVENT_ALLOCATION_DONE, "core:mail", outbox_on_visit_places, NULL);
    events_subscribe(EVENT_VISIT_SEATS_ADDED, "core:mail", outbox_on_visit_places, NULL);
    events_subscribe(EVENT_VISIT_PINNED, "core:mail", outbox_on_visit_places, NULL);
}

void events_subscribe_core(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, subscribe);
}
