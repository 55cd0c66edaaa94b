/* ratelimit.h - token buckets per client address for the public writes
 * (registration, "lost my link", plugins' public routes), and who the
 * client is when a trusted reverse proxy stands in front of the server.
 *
 * Plain C on libc and libsodium (the keyed hash): no HTTP library, no
 * clock of its own.  The caller passes the time (the server passes the
 * monotonic time it read once when the request arrived), so that tests
 * drive the clock and the request path makes no extra system call.
 *
 * Memory is fixed when the table is made: a full table forgets its least
 * recently used bucket for a new address, so that a client with many
 * addresses cannot make it grow.  A bucket untouched for burst/rate is
 * full again, and forgetting it changes nothing; the least recently used
 * one is the first to get there.  Lookups take one keyed hash (SipHash),
 * so that chosen addresses cannot pile up in one hash chain.
 *
 * Addresses are 16 bytes, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d).  An
 * IPv4 client is one address; an IPv6 client is its /64, the block one
 * home or office is given (it holds more addresses than anyone can use). */
#ifndef SAIETS_RATELIMIT_H
#define SAIETS_RATELIMIT_H

#include <stddef.h>

struct rl_addr {
    unsigned char b[16];
};

/* "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1" or "[2001:db8::1]", len
 * bytes of s (no port, no spaces, no zone): 0, or -1 when it is none. */
int rl_addr_parse(const char *s, size_t len, struct rl_addr *out);
void rl_addr_v4(const unsigned char b[4], struct rl_addr *out);
void rl_addr_v6(const unsigned char b[16], struct rl_addr *out);
int rl_addr_is_v4(const struct rl_addr *a);
/* The bucket's key: an IPv4 address whole, an IPv6 address's /64. */
void rl_addr_key(const struct rl_addr *a, struct rl_addr *key);
/* Text of a (inet_ntop; IPv4 dotted); out holds 46 bytes at least. */
void rl_addr_format(const struct rl_addr *a, char *out, size_t n);

/* --- trusted proxies ------------------------------------------------------ */

#define RL_TRUSTED_MAX 32

struct rl_trusted {
    size_t n;
    struct {
        struct rl_addr net;
        unsigned bits; /* of the 16-byte form: an IPv4 /8 is 104 */
    } e[RL_TRUSTED_MAX];
};

/* "127.0.0.1, ::1, 10.0.0.0/8, 2001:db8::/48" (commas and/or spaces; ""
 * is none) into *t: 0, or -1 with the bad item named in err. */
int rl_trusted_parse(const char *list, struct rl_trusted *t, char *err, size_t errlen);
int rl_trusted_has(const struct rl_trusted *t, const struct rl_addr *a);

enum rl_client_from { RL_FROM_PEER, RL_FROM_FORWARDED, RL_FROM_PEER_MALFORMED };

/* The client behind peer (the TCP peer): the peer itself unless it is a
 * trusted proxy; from a trusted proxy, the right-most address of the
 * X-Forwarded-For values xff[0..nxff) (the headers in their order, read as
 * one list) that is not itself a trusted proxy, or the left-most one when
 * all are.  Only what trusted proxies appended is read: the part left of
 * the first untrusted address came from the client and may be anything.
 * An element that cannot be read among those, or more than 16 headers:
 * the peer (RL_FROM_PEER_MALFORMED). */
enum rl_client_from rl_client(const struct rl_trusted *t, const struct rl_addr *peer,
                              const char *const *xff, size_t nxff, struct rl_addr *client);

/* --- the buckets ---------------------------------------------------------- */

struct ratelimit;

/* A table of capacity buckets (at least 2) of burst tokens each, refilled
 * at per_minute tokens a minute (both >= 1); NULL when out of memory. */
struct ratelimit *rl_new(size_t capacity, double burst, double per_minute);
void rl_free(struct ratelimit *rl);

/* Takes a token from the client's bucket at now_ms (a monotonic clock's
 * milliseconds): 1, or 0 when it is empty, with *retry_after the whole
 * seconds (at least 1) after which the next token is there. */
int rl_take(struct ratelimit *rl, const struct rl_addr *client, double now_ms,
            int *retry_after);

struct rl_stats {
    size_t buckets;         /* in use, at most the capacity */
    size_t capacity;
    unsigned long long evicted;       /* forgotten for a new address */
    unsigned long long evicted_early; /* ...while not yet full again */
};
struct rl_stats rl_stats(const struct ratelimit *rl);

#endif
