/* events.c - the subscriber table behind events_emit(); see events.h. */
#include <stddef.h>
#include <string.h>

#include "events.h"

struct subscriber {
    const char *name;
    event_handler fn;
    void *arg;
};

static struct subscriber table[EVENT__COUNT][EVENTS_MAX_SUBSCRIBERS];
static int count[EVENT__COUNT];

static const char *const names[EVENT__COUNT] = {
    [EVENT_REGISTRATION_VALIDATE] = "registration.validate",
    [EVENT_REGISTRATION_CONFIRMED] = "registration.confirmed",
    [EVENT_REGISTRATION_WAITLISTED] = "registration.waitlisted",
    [EVENT_REGISTRATION_PROMOTED] = "registration.promoted",
    [EVENT_REGISTRATION_CANCELLED] = "registration.cancelled",
    [EVENT_REGISTRATION_AGAIN] = "registration.again",
    [EVENT_MEETING_CHANGED] = "meeting.changed",
    [EVENT_AGENDA_CHANGED] = "agenda.changed",
    [EVENT_ALLOCATION_DONE] = "allocation.done",
    [EVENT_VISIT_SEATS_ADDED] = "site_visit.seats_added",
    [EVENT_VISIT_PINNED] = "site_visit.pinned",
};

const char *event_name(enum event_type type)
{
    return (unsigned)type < EVENT__COUNT ? names[type] : "unknown";
}

int events_subscribe(enum event_type type, const char *name, event_handler fn, void *arg)
{
    if ((unsigned)type >= EVENT__COUNT || name == NULL || fn == NULL ||
        count[type] == EVENTS_MAX_SUBSCRIBERS)
        return -1;
    table[type][count[type]++] = (struct subscriber){name, fn, arg};
    return 0;
}

int events_unsubscribe(const char *name)
{
    int removed = 0;

    for (int t = 0; t < EVENT__COUNT; t++) {
        int kept = 0;

        for (int i = 0; i < count[t]; i++) {
            if (strcmp(table[t][i].name, name) == 0)
                removed++;
            else
                table[t][kept++] = table[t][i];
        }
        count[t] = kept;
    }
    return removed;
}

int events_emit(struct db *db, const struct event *ev, struct err *e)
{
    /* A subscriber may not subscribe or unsubscribe while it runs, so the
     * count read here stays right for the whole loop. */
    for (int i = 0; i < count[ev->type]; i++) {
        const struct subscriber *s = &table[ev->type][i];

        err_clear(e);
        if (s->fn(db, ev, s->arg, e) < 0) {
            if (e->code == ERR_NONE)
                err_set(e, ERR_INTERNAL, NULL, "%s: %s failed", names[ev->type], s->name);
            return -1;
        }
    }
    return 0;
}
