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
 *    distinct ids > 0 and 1..TP_MAX_SEATS seats; travel times (travel_out,
 *    travel_back, travel_to) -1 (unknown) or 0..TP_MAX_TRAVEL minutes; at
 *    most TP_MAX_PEOPLE people in all, registration ids > 0, nobody in two
 *    groups; times 0..TP_MAX_TIME with starts_at <= ends_at.  Anything else
 *    returns -1 with an English message in err.  The times of the items
 *    before and after are not checked against the visit: an agenda that
 *    leaves no time is a problem of the plan (rule 3), not bad input.
 *
 * 2. Rides.  A group needs a ride out when the slot has a previous venue
 *    (prev_venue_id != 0) other than the group's and travel_out is not 0; a
 *    ride back likewise with next_venue_id and travel_back.  A group that
 *    needs a ride either way needs seats for all its people; a group with no
 *    people needs nothing.  An unknown travel time (-1) still needs its ride,
 *    so the group's vehicles are kept for it, but no leg is planned that way:
 *    transport_travel_unknown says so.
 *
 * 3. Routes and times.  A vehicle drives one route for the whole slot: out
 *    from the previous venue with stops at the venues of its groups (up to
 *    TP_MAX_STOPS), then, after the visit, it picks them up again and drives
 *    to the next venue.  The same people ride it both ways.  A route of one
 *    group: leave at starts_at - travel_out, never before prev_ends_at (then
 *    arrive that much later: transport_too_late, with the minutes late);
 *    back, leave at ends_at and arrive at ends_at + travel_back, after
 *    next_starts_at being transport_back_late.  A route of several groups (a
 *    multi-stop route) stops out at those that ride out and back at those
 *    that ride back (a group at the next item's venue rides out only), and
 *    needs known travel for every step, including from its last stop out to
 *    its first pick-up (tp_group.travel_to between venues, 0 for the same
 *    venue).  Out, the stops go in the order of the shortest route (ties: the
 *    groups' order given); it leaves at starts_at minus the whole route's
 *    minutes, never before prev_ends_at, so that the last stop is reached by
 *    starts_at and the earlier ones earlier.  Back, the pick-ups go in the
 *    order that reaches the next venue soonest (ties: the shortest, then the
 *    reverse of the way out, then the orders of the stops out,
 *    lexicographic); the first pick-up is at ends_at, or when the vehicle can
 *    be there from its last stop out if that is later.  A group's out_depart
 *    and back_depart are the first of its vehicles to leave, out_arrive and
 *    back_arrive the last to arrive.  Times are unix seconds, travel in
 *    minutes.
 *
 * 4. Vehicles.  No vehicle makes a second trip: the groups travel at about
 *    the same time to different places.  A group larger than a vehicle is
 *    split over several, and a vehicle of a multi-stop route carries people
 *    of several groups; no vehicle carries more people than its seats.  The
 *    plan minimises, in this order: (1) the people without a seat; (2) the
 *    person-minutes that multi-stop routes make people later than their own
 *    group's direct ride would (out and back); (3) the multi-stop routes; (4)
 *    the vehicles used; (5) the seats of the vehicles used; (6) the minutes
 *    driven on multi-stop routes (both ways).  So a plan of one group per
 *    vehicle is kept whenever it seats as many people, and groups share
 *    vehicles only to seat more.  One group per vehicle is solved exactly
 *    when (groups that need a ride) x (product over the distinct seat counts
 *    of (n+1)(n+2)/2, n vehicles having that count) <= TP_EXACT_STEPS: any
 *    fleet of up to 12 vehicles, or of up to 200 vehicles of one size; beyond
 *    that a greedy rule decides: groups with the most riders first, each
 *    takes the smallest free vehicle that holds the rest of its people, else
 *    the largest free one, until it is seated or no vehicle is free.  When
 *    that leaves people without a seat and some multi-stop route is possible,
 *    every combination of routes (vehicles of the same seats being
 *    interchangeable) is tried, seats going to the groups by a min-cost flow,
 *    if there are at most TP_ROUTE_GROUPS groups riding and TP_ROUTE_COMBOS
 *    combinations; else a greedy rule adds the groups, in the order given, as
 *    further stops to the vehicles with free seats (the least extra lateness
 *    first, then the most free seats), and plan->exact is 0.
 *
 * 5. Loading.  A group's people, in the order given (the escort list), fill
 *    its places, vehicles largest first (list order on ties); when seats run
 *    short the people at the end of the list are left without one:
 *    people[seated..npeople-1] of that group.  A vehicle's people are its
 *    stops' people in the order of its stops out.
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
 *                                although the seats would do: the
 *                                vehicles cannot be shared out to fit the
 *                                groups (at most TP_MAX_STOPS a route,
 *                                travel between the venues unknown, or
 *                                the greedy rule)
 *      transport_back_late       back: arrives count minutes after
 *                                next_starts_at
 *    Minutes late are rounded up (a second late is a minute late).
 *
 * 7. Determinism.  The plan depends only on the values and their order.
 *    Among equally good assignments, the group given first takes the
 *    vehicles given first: the most vehicles of the seat count met first
 *    in the vehicle list, and of a seat count, the vehicles in list order;
 *    among equally good combinations of routes, the first in the order
 *    tried (routes: one group, two, three, each in the groups' order; a
 *    seat count's vehicles in list order take routes in that order).
 *    Legs come out first, then back; within a direction by the first group
 *    of the vehicle's route out, and within a group in loading order. */
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
#define TP_MAX_STOPS 3              /* groups on one vehicle's route */
#define TP_ROUTE_GROUPS 8           /* rule 4: at most this many riding groups ... */
#define TP_ROUTE_COMBOS 20000       /* ... and route combinations for the exact search */
#define TP_MESSAGE_MAX 512          /* bytes, NUL included; cut at a whole character */

struct tp_group {            /* one option of the slot: who goes where */
    long long option_id;
    long long venue_id;      /* the option's venue */
    const char *name;        /* for messages ("Saules skola"); may be NULL */
    int travel_out;          /* minutes from the previous venue to this one; -1 unknown */
    int travel_back;         /* minutes from this venue to the next venue; -1 unknown */
    int npeople;
    const long long *people; /* registration ids, in escort-list order */
    const int *travel_to;    /* NULL, or one entry per group given: minutes from this
                                venue to that group's venue, -1 unknown (the entry
                                for this group is ignored); NULL: unknown, except 0
                                between groups at the same venue */
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

struct tp_stop {              /* one group's people at one stop of a route */
    int group;                /* index into the groups given */
    long long option_id, venue_id;
    long long at;             /* out legs: arrival; back legs: departure; in
                                 tp_use: 0 */
    int npeople;
    const long long *people;  /* who gets off (out) or on (back), in the plan */
};

struct tp_leg {
    enum tp_dir dir;
    int group;                /* index of the group of the first stop */
    long long option_id;      /* and its option */
    long long vehicle_id;
    long long from_venue_id, to_venue_id;  /* out: previous venue to the last stop;
                                              back: first pick-up to next venue */
    long long depart, arrive; /* of the whole leg */
    int npeople;
    const long long *people;  /* who is on board, by stop in the order driven, each
                                 stop's in escort-list order (in the plan) */
    int nstops;               /* 1..TP_MAX_STOPS, in the order driven */
    struct tp_stop stops[TP_MAX_STOPS];
};

struct tp_use {               /* one per vehicle, in the order given */
    long long vehicle_id;
    int seats;
    int group;                /* index of the group of its first stop out, -1: unused */
    long long option_id;      /* that group's option, 0 when unused */
    int load;                 /* people on board (the same ones both ways) */
    int out, back;            /* seats taken each way: the people of its groups
                                 that ride that way */
    const long long *people;  /* the load, by stop out, in escort-list order (in the
                                 plan); NULL when unused */
    int nstops;               /* groups served, 0 when unused */
    struct tp_stop stops[TP_MAX_STOPS]; /* the stops out in their order, then
                                           groups that ride back only; at is 0 */
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
    int multi_stop;           /* vehicles with a multi-stop route */
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
 * the greedy rule (O(groups x vehicles^2)), plus, when that leaves people
 * without a seat, TP_ROUTE_COMBOS small min-cost flows or the greedy rule
 * for routes (O(groups x vehicles)).  Memory: the
 * plan, O(people + vehicles + groups), and the search's table of
 * (groups + 1) x (product over seat counts of (n+1)) long longs. */
int tp_plan_slot(const struct tp_slot *slot, const struct tp_group *groups, int ngroups,
                 const struct tp_vehicle *vehicles, int nvehicles, struct tp_plan **out,
                 char *err, size_t errsz);

/* Releases a plan from tp_plan_slot(); NULL is fine. */
void tp_plan_free(struct tp_plan *plan);

#endif
