/* seat_alloc.h - the site-visit seat allocation engine: who goes to which
 * parallel option of one slot, given capacities, ranked preferences, pins
 * and municipalities.
 *
 * Pure computation: no database, no libevent, no globals, no I/O.  Every
 * array belongs to the caller; sa_allocate() allocates scratch memory of
 * O(n * nopts) bytes and frees it before it returns.  Thread-safe as long as
 * the caller's arrays are not shared with a writer.
 *
 * The rules, in the order they are applied:
 *
 * 1. Input.  nopts is 1..SA_MAX_OPTIONS, every capacity >= 0, n is
 *    0..SA_MAX_PEOPLE.  A person's prefs are distinct option indexes, most
 *    wanted first (nprefs 0..nopts, 0 = no preferences).  pinned is -1 or an
 *    option index; municipality is >= 0 or -1 (unknown).  More pins on an
 *    option than it has seats is an error.  Errors return -1 and write an
 *    English message into err; `out` and `sum` are then undefined.
 *
 * 2. Who is seated (first come, first served).  Pinned people always are.
 *    The seats left after the pins go to the unpinned people in input order,
 *    which is registration order; whoever is left waits, keeping that order:
 *    the earliest registration without a seat is waiting_pos 1.
 *
 * 3. Where (exact).  A seated, unpinned person with preferences costs, at
 *    option o, the 1-based rank of o in their prefs, or nopts + 1 when they
 *    did not rank o; a person without preferences costs 0 everywhere (so
 *    they only ever take seats nobody with preferences could use better).
 *    The engine minimises the sum of the costs exactly, subject to the
 *    capacities and the pins.
 *
 * 4. Spread (exact).  Among the assignments with that minimal sum it picks
 *    one with the fewest same-municipality pairs in a group,
 *    sum over municipality m and option o of C(n_mo, 2), pinned people
 *    included: exchanges that leave the rank sum unchanged (a move into a
 *    free seat, a swap, a cycle of moves) are applied while one strictly
 *    lowers the pair count, and the search for them is complete, so none
 *    left means no better spread exists.  The rank sum is never touched.
 *
 * 5. Determinism.  Same input, same output: the computation depends only on
 *    the values and their order, never on addresses.  Ties go to the lower
 *    option index; when one of several people who are equally cheap to move
 *    must leave an option, the latest registration moves, so earlier
 *    registrations keep the seats they were given.
 *
 * 6. Explanations.  Every result carries a `why` code; sa_explain() turns it
 *    into one English line. */
#ifndef SAIETS_SEAT_ALLOC_H
#define SAIETS_SEAT_ALLOC_H

#include <stddef.h>

#define SA_MAX_OPTIONS 64      /* options in one slot (a bit mask each) */
#define SA_MAX_PEOPLE 1000000  /* people in one allocation */

struct sa_person {
    long long id;       /* registration id; carried for the caller, unused */
    int municipality;   /* >= 0, or -1 when unknown (never counted for spreading) */
    int pinned;         /* option index the organizers fixed, or -1 */
    int nprefs;         /* 0..nopts; 0 = gave no preferences */
    const int *prefs;   /* nprefs distinct option indexes, most wanted first */
};

enum sa_why {
    SA_WHY_FIRST,          /* got the 1st choice */
    SA_WHY_LOWER_FULL,     /* a lower choice: every better choice is full with
                              people who ranked it at least as high, or pinned */
    SA_WHY_LOWER_COSTLIER, /* a lower choice: a better one is full, and a seat
                              there would cost others more ranks than it gains */
    SA_WHY_UNRANKED,       /* an option not ranked: all ranked ones are full */
    SA_WHY_NO_PREFS,       /* gave no preferences: placed where seats were left */
    SA_WHY_PINNED,         /* placed by the organizers */
    SA_WHY_WAITING         /* no seat: on the waiting list */
};

struct sa_result {
    int option;       /* option index, or -1: on the waiting list */
    int rank;         /* 1-based rank of `option` in the prefs; 0 if unranked,
                         no preferences, or waiting */
    int waiting_pos;  /* 1-based position on the waiting list, 0 if seated */
    enum sa_why why;
    int full_option;  /* lower choice or unranked: the best-ranked option that
                         was full, else -1 */
    int full_rank;    /* its 1-based rank in the prefs, else 0 */
};

struct sa_summary {
    long long rank_sum;  /* what rule 3 minimised: the sum of the costs of the
                            seated, unpinned people (pinned people excluded) */
    int by_rank[SA_MAX_OPTIONS]; /* [r-1]: seated, unpinned people given their
                                    r-th choice */
    int unranked;        /* seated, unpinned, with prefs, at an unranked option */
    int no_prefs;        /* seated people without preferences, unpinned */
    int pinned;
    int seated;          /* everyone with a seat, pinned included */
    int waiting;
    long long same_municipality_pairs; /* rule 4's count, pinned included */
    long long pairs_before_spread;     /* the same count before rule 4 ran */
    int spread_exchanges;              /* exchanges rule 4 applied */
};

/* Allocates the n people to the nopts options with capacity[o] seats each,
 * following the rules above.  out must have room for n results (out[i] is
 * about people[i]); sum may be NULL.  Returns 0, or -1 with a message in err
 * (err may be NULL; errsz 0 writes nothing).
 *
 * Time: O(n * nopts^2 + m * nopts + m * nprefs * log n) for rule 3, where
 * m is the number of seat changes on the way (a small multiple of n in
 * practice, at most n * nopts), plus rule 4's rounds (each linear in the
 * people who could sit elsewhere at no rank cost, and Bellman-Ford over
 * nopts * municipalities nodes when the cheap exchanges run out).  Memory
 * O(n * nopts + municipalities * nopts).  10,000 people over 30 options
 * take tens of milliseconds (bench/alloc_bench.c). */
int sa_allocate(const int *capacity, int nopts, const struct sa_person *people, int n,
                struct sa_result *out, struct sa_summary *sum, char *err, size_t errsz);

/* Writes the one-line English explanation of r into buf (at most bufsz bytes,
 * always NUL-terminated when bufsz > 0), e.g. "1st choice", "2nd choice:
 * Polish Gymnasium (1st) is full with people who ranked it higher",
 * "waiting list, position 3: all seats are taken".  option_names[o] names
 * option o; option_names or an entry may be NULL ("option 3" is index 2).
 * Returns the length of the full line, like snprintf. */
int sa_explain(const struct sa_result *r, const char *const *option_names, char *buf,
               size_t bufsz);

/* The English name of a why code ("first choice", "pinned", ...), for logs
 * and exports; never NULL. */
const char *sa_why_name(enum sa_why why);

#endif
