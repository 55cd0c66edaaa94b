/* transport.h - the transport plan of one site-visit slot: which vehicle
 * takes which group from the venue of the item before the slot to its
 * option's venue and back to the venue of the item after, when it leaves
 * and arrives, and who is on board.
 *
 * Pure computation: no database, no libevent, no globals, no I/O.  Every
 * input belongs to the caller and is not kept; the plan is one malloc()ed
 * block that the caller releases with tp_plan_free() and that points
 * nowhere into the input.  Thread-safe.
 *
 * The rules:
 *
 * 1. Input.  1..TP_MAX_GROUPS groups (the options of the slot) with distinct
 *    option ids > 0 and venue ids > 0; 0..TP_MAX_VEHICLES vehicles with
 *    distinct ids > 0 and 1..TP_MAX_SEATS seats; travel times -1 (unknown)
 *    or 0..TP_MAX_TRAVEL minutes; at most TP_MAX_PEOPLE people in all,
 *    registration ids > 0, nobody in two groups; times 0..TP_MAX_TIME with
 *    starts_at <= ends_at.  Anything else returns -1 with an English
 *    message in err.  The times of the items before and after are not
 *    checked against the visit: an agenda that leaves no time is a
 *    problem of the plan (rule 3), not bad input.
 *
 * 2. Rides.  A group needs a ride out when the slot has a previous venue
 *    (prev_venue_id != 0) other than the group's and travel_out is not 0;
 *    a ride back likewise with next_venue_id and travel_back.  A group that
 *    needs a ride either way needs seats for all its people; a group with
 *    no people needs nothing.  An unknown travel time (-1) still needs its
 *    ride, so the group's vehicles are kept for it, but no leg is planned
 *    that way: transport_travel_unknown says so.
 *
 * 3. Times.  Out: arrive at starts_at, so leave at starts_at - travel_out;
 *    never before prev_ends_at, though: then leave at prev_ends_at and
 *    arrive that much later (transport_too_late, with the minutes late).
 *    Back: leave at ends_at, arrive at ends_at + travel_back; after
 *    next_starts_at that is transport_back_late.  All the vehicles of a
 *    group leave together.  Times are unix seconds, travel in minutes.
 *
 * 4. Vehicles.  A vehicle serves one group for the whole slot: it takes it
 *    out, waits, and brings the same people back.  The groups travel at
 *    about the same time to different places, so no vehicle makes a second
 *    trip.  The plan minimises, in this order: the people without a seat,
 *    the vehicles used, the seats of the vehicles used.  So a group larger
 *    than any vehicle is split over several, and a plan that seats
 *    everyone is found whenever one exists.  This is exact when (groups
 *    that need a ride) x (product over the distinct seat counts of
 *    (n+1)(n+2)/2, n vehicles having that count) <= TP_EXACT_STEPS: any
 *    fleet of up to 12 vehicles, or of up to 200 vehicles of one size.
 *    Beyond that a greedy rule decides (plan->exact is 0): groups with the
 *    most riders first, each takes the smallest free vehicle that holds
 *    the rest of its people, else the largest free one, until it is seated
 *    or no vehicle is free.
 *
 * 5. Loading.  A group's vehicles are filled largest first with its people
 *    in the order given (that order is the escort list); when seats run
 *    short the people at the end of the list are left without one:
 *    people[seated..npeople-1] of that group.
 *
 * 6. Problems, at most three a group: one about the ride out, one about
 *    seats, one about the ride back, in that order, by group in the order
 *    given.  Codes are stable; messages are English sentences naming the
 *    group by tp_group.name, else "option <id>".
 *      transport_travel_unknown  the ride's travel time is -1 (count 0)
 *      transport_too_late        out: arrives count minutes after starts_at
 *      transport_seats_short     count of the group's people have no seat,
 *                                and the fleet has fewer seats than the
 *                                slot has riders (or no vehicles at all)
 *      transport_vehicles_short  count of the group's people have no seat
 *                                although the seats would do: a vehicle
 *                                carries one group, and there are fewer
 *                                vehicles than groups, or sizes that do
 *                                not fit
 *      transport_back_late       back: arrives count minutes after
 *                                next_starts_at
 *    Minutes late are rounded up (a second late is a minute late).
 *
 * 7. Determinism.  The plan depends only on the values and their order.
 *    Among equally good assignments, the group given first takes the
 *    vehicles given first: the most vehicles of the seat count met first
 *    in the vehicle list, and of a seat count, the vehicles in list order.
 *    Legs come out first, then back; within a direction by group, and
 *    within a group in loading order. */
#ifndef SAIETS_TRANSPORT_H
#define SAIETS_TRANSPORT_H

#include <stddef.h>

#define TP_MAX_GROUPS 64
#define TP_MAX_VEHICLES 200
#define TP_MAX_SEATS 10000          /* per vehicle */
#define TP_MAX_PEOPLE 100000        /* in one slot */
#define TP_MAX_TRAVEL 1440          /* minutes: a day */
#define TP_MAX_TIME 253402300799LL  /* 9999-12-31T23:59:59Z */
#define TP_EXACT_STEPS 40000000LL   /* rule 4; about 0.15 s at worst */
#define TP_MESSAGE_MAX 512          /* bytes, NUL included; cut at a whole character */

struct tp_group {            /* one option of the slot: who goes where */
    long long option_id;
    long long venue_id;      /* the option's venue */
    const char *name;        /* for messages ("Saules skola"); may be NULL */
    int travel_out;          /* minutes from the previous venue to this one; -1 unknown */
    int travel_back;         /* minutes from this venue to the next venue; -1 unknown */
    int npeople;
    const long long *people; /* registration ids, in escort-list order */
};

struct tp_vehicle {
    long long id;
    int seats;
};

struct tp_slot {
    long long starts_at, ends_at;  /* the visit */
    long long prev_venue_id;       /* 0: none (people start at their option) */
    long long prev_ends_at;        /* the item before ends: no departure earlier */
    long long next_venue_id;       /* 0: none (no ride back) */
    long long next_starts_at;      /* the item after starts: arrivals due by then */
    const char *prev_name, *next_name; /* for messages; may be NULL ("venue <id>") */
};

enum tp_dir { TP_OUT, TP_BACK };

struct tp_leg {
    enum tp_dir dir;
    int group;                /* index into the groups given */
    long long option_id;
    long long vehicle_id;
    long long from_venue_id, to_venue_id;
    long long depart, arrive;
    int npeople;
    const long long *people;  /* who is on board, in escort-list order (in the plan) */
};

struct tp_use {               /* one per vehicle, in the order given */
    long long vehicle_id;
    int seats;
    int group;                /* index of the group it serves, -1: unused */
    long long option_id;      /* that group's option, 0 when unused */
    int load;                 /* people on board (the same ones both ways) */
    int out, back;            /* seats taken each way: load, or 0 when the group
                                 needs no ride that way */
    const long long *people;  /* the load, in escort-list order (in the plan);
                                 NULL when unused */
};

struct tp_group_plan {        /* one per group, in the order given */
    long long option_id;
    int ride_out, ride_back;  /* rule 2: needs a ride that way */
    int riders;               /* npeople if it needs a ride, else 0 */
    int seated;               /* people[0..seated-1] of the group have a seat */
    int unseated;             /* riders - seated */
    int nvehicles;
    long long out_depart, out_arrive;   /* rule 3; 0 when no ride out or unknown */
    long long back_depart, back_arrive; /* rule 3; 0 when no ride back or unknown */
};

struct tp_problem {
    const char *code;         /* rule 6; a static string */
    int group;                /* index into the groups given */
    long long option_id;
    int count;                /* people without a seat, or minutes late; 0 */
    char message[TP_MESSAGE_MAX];
};

struct tp_plan {              /* every array below lives in the plan's block */
    int exact;                /* 1: the assignment is optimal (rule 4); 0: greedy */
    int riders, seated, unseated, vehicles_used;
    int nlegs;
    struct tp_leg *legs;
    int nuse;                 /* = the number of vehicles */
    struct tp_use *use;
    int ngroups;
    struct tp_group_plan *groups;
    int nproblems;
    struct tp_problem *problems;
};

/* Plans the slot following the rules above.  On success returns 0 and sets
 * *out to a plan the caller frees with tp_plan_free().  On bad input or
 * when memory runs out returns -1, sets *out to NULL and writes an English
 * message into err (err may be NULL; errsz 0 writes nothing).  vehicles
 * may be NULL when nvehicles is 0.
 *
 * Time: O(people log people) to check that nobody is listed twice, plus
 * the exact search of rule 4 (at most about TP_EXACT_STEPS cheap steps) or
 * the greedy rule (O(groups x vehicles^2)).  Memory: the
 * plan, O(people + vehicles + groups), and the search's table of
 * (groups + 1) x (product over seat counts of (n+1)) long longs. */
int tp_plan_slot(const struct tp_slot *slot, const struct tp_group *groups, int ngroups,
                 const struct tp_vehicle *vehicles, int nvehicles, struct tp_plan **out,
                 char *err, size_t errsz);

/* Releases a plan from tp_plan_slot(); NULL is fine. */
void tp_plan_free(struct tp_plan *plan);

#endif
