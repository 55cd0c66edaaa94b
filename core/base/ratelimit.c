/* ratelimit.c - token buckets per client address, and the client behind
 * trusted proxies; see ratelimit.h. */
#include "ratelimit.h"

#include <arpa/inet.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

void rl_addr_v4(const unsigned char b[4], struct rl_addr *out)
{
    memcpy(out->b, v4_prefix, 12);
    memcpy(out->b + 12, b, 4);
}

void rl_addr_v6(const unsigned char b[16], struct rl_addr *out) { memcpy(out->b, b, 16); }

int rl_addr_is_v4(const struct rl_addr *a) { return memcmp(a->b, v4_prefix, 12) == 0; }

void rl_addr_key(const struct rl_addr *a, struct rl_addr *key)
{
    *key = *a;
    if (!rl_addr_is_v4(a))
        memset(key->b + 8, 0, 8);
}

int rl_addr_parse(const char *s, size_t len, struct rl_addr *out)
{
    char text[48]; /* INET6_ADDRSTRLEN is 46 */
    unsigned char b[16];

    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
        s++;
        len -= 2;
        if (memchr(s, ':', len) == NULL)
            return -1; /* brackets are for IPv6 only */
    }
    if (len == 0 || len >= sizeof text)
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    if (strchr(text, ':') == NULL) {
        if (inet_pton(AF_INET, text, b) != 1)
            return -1;
        rl_addr_v4(b, out);
        return 0;
    }
    if (inet_pton(AF_INET6, text, b) != 1)
        return -1;
    rl_addr_v6(b, out);
    return 0;
}

void rl_addr_format(const struct rl_addr *a, char *out, size_t n)
{
    if (rl_addr_is_v4(a) ? inet_ntop(AF_INET, a->b + 12, out, (socklen_t)n) == NULL
                         : inet_ntop(AF_INET6, a->b, out, (socklen_t)n) == NULL)
        snprintf(out, n, "?");
}

/* --- trusted proxies ------------------------------------------------------ */

static int prefix_eq(const struct rl_addr *a, const struct rl_addr *net, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;

    if (memcmp(a->b, net->b, whole) != 0)
        return 0;
    if (rest == 0)
        return 1;
    return ((a->b[whole] ^ net->b[whole]) & (0xff00u >> rest) & 0xff) == 0;
}

int rl_trusted_parse(const char *list, struct rl_trusted *out, char *err, size_t errlen)
{
    const char *p = list;
    struct rl_trusted tmp, *t = &tmp; /* *out changes only when all is well */

    memset(t, 0, sizeof *t);
    for (;;) {
        const char *start, *slash;
        size_t len, alen;
        struct rl_addr a;
        unsigned bits;

        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '\0') {
            *out = tmp;
            return 0;
        }
        start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != ',')
            p++;
        len = (size_t)(p - start);
        slash = memchr(start, '/', len);
        alen = slash ? (size_t)(slash - start) : len;
        if (rl_addr_parse(start, alen, &a) < 0)
            goto bad;
        bits = 128;
        if (slash) {
            const char *d = slash + 1;
            unsigned v = 0, max = rl_addr_is_v4(&a) ? 32 : 128;

            if (d == start + len || start + len - d > 3)
                goto bad;
            for (; d < start + len; d++) {
                if (*d < '0' || *d > '9')
                    goto bad;
                v = v * 10 + (unsigned)(*d - '0');
            }
            if (v > max)
                goto bad;
            bits = rl_addr_is_v4(&a) ? 96 + v : v;
        }
        if (t->n == RL_TRUSTED_MAX) {
            snprintf(err, errlen, "more than %d trusted proxies", RL_TRUSTED_MAX);
            return -1;
        }
        t->e[t->n].net = a;
        t->e[t->n].bits = bits;
        t->n++;
        continue;
    bad:
        snprintf(err, errlen, "'%.*s' is not an IP address or ADDRESS/BITS",
                 (int)(len > 60 ? 60 : len), start);
        return -1;
    }
}

int rl_trusted_has(const struct rl_trusted *t, const struct rl_addr *a)
{
    for (size_t i = 0; i < t->n; i++)
        if (prefix_eq(a, &t->e[i].net, t->e[i].bits))
            return 1;
    return 0;
}

#define RL_XFF_HEADERS_MAX 16

enum rl_client_from rl_client(const struct rl_trusted *t, const struct rl_addr *peer,
                              const char *const *xff, size_t nxff, struct rl_addr *client)
{
    struct rl_addr a, last;
    int any = 0;

    *client = *peer;
    if (nxff == 0 || t->n == 0 || !rl_trusted_has(t, peer))
        return RL_FROM_PEER;
    if (nxff > RL_XFF_HEADERS_MAX)
        return RL_FROM_PEER_MALFORMED;
    /* Right to left over the headers and their elements. */
    for (size_t h = nxff; h-- > 0;) {
        const char *s = xff[h], *end = s + strlen(s);

        for (;;) {
            const char *e = end, *b;

            while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            b = e;
            while (b > s && b[-1] != ',')
                b--;
            while (b < e && (*b == ' ' || *b == '\t'))
                b++;
            if (rl_addr_parse(b, (size_t)(e - b), &a) < 0)
                return RL_FROM_PEER_MALFORMED; /* an empty element too */
            if (!rl_trusted_has(t, &a)) {
                *client = a;
                return RL_FROM_FORWARDED;
            }
            last = a;
            any = 1;
            while (b > s && b[-1] != ',')
                b--;
            if (b == s)
                break;
            end = b - 1; /* before the comma */
        }
    }
    if (any)
        *client = last; /* proxies all the way: the first of them */
    return RL_FROM_FORWARDED;
}

/* --- the buckets ---------------------------------------------------------- */

/* Indexes are stored plus one, so that 0 is "none" and a zeroed table is an
 * empty one (calloc'd pages cost no memory until a bucket is used). */
struct rl_entry {
    struct rl_addr key;
    double tokens;
    double last;     /* ms of the last refill */
    uint32_t chain;  /* next in the hash chain */
    uint32_t newer, older; /* the recency list */
};

struct ratelimit {
    struct rl_entry *e;
    uint32_t *heads;
    size_t cap, used, mask;
    uint32_t newest, oldest;
    double burst, per_ms;
    unsigned long long evicted, evicted_early;
    unsigned char hkey[crypto_shorthash_KEYBYTES];
};

struct ratelimit *rl_new(size_t capacity, double burst, double per_minute)
{
    struct ratelimit *rl;
    size_t heads = 1;

    if (capacity < 2 || capacity > (1u << 24) || !(burst >= 1) || !(per_minute >= 1) ||
        sodium_init() < 0)
        return NULL;
    while (heads < capacity)
        heads <<= 1;
    rl = calloc(1, sizeof *rl);
    if (rl == NULL)
        return NULL;
    rl->e = calloc(capacity, sizeof *rl->e);
    rl->heads = calloc(heads, sizeof *rl->heads);
    if (rl->e == NULL || rl->heads == NULL) {
        rl_free(rl);
        return NULL;
    }
    rl->cap = capacity;
    rl->mask = heads - 1;
    rl->burst = burst;
    rl->per_ms = per_minute / 60000.0;
    randombytes_buf(rl->hkey, sizeof rl->hkey);
    return rl;
}

void rl_free(struct ratelimit *rl)
{
    if (rl == NULL)
        return;
    free(rl->e);
    free(rl->heads);
    free(rl);
}

static size_t slot_of(const struct ratelimit *rl, const struct rl_addr *key)
{
    unsigned char h[crypto_shorthash_BYTES];
    uint64_t v;

    crypto_shorthash(h, key->b, sizeof key->b, rl->hkey);
    memcpy(&v, h, sizeof v);
    return (size_t)(v & rl->mask);
}

static void lru_unlink(struct ratelimit *rl, uint32_t i)
{
    struct rl_entry *x = &rl->e[i - 1];

    if (x->newer)
        rl->e[x->newer - 1].older = x->older;
    else
        rl->newest = x->older;
    if (x->older)
        rl->e[x->older - 1].newer = x->newer;
    else
        rl->oldest = x->newer;
    x->newer = x->older = 0;
}

static void lru_push(struct ratelimit *rl, uint32_t i)
{
    struct rl_entry *x = &rl->e[i - 1];

    x->newer = 0;
    x->older = rl->newest;
    if (rl->newest)
        rl->e[rl->newest - 1].newer = i;
    rl->newest = i;
    if (rl->oldest == 0)
        rl->oldest = i;
}

/* A bucket for a new key: an unused one, or the least recently used one,
 * taken out of its hash chain. */
static uint32_t take_slot(struct ratelimit *rl, double now_ms)
{
    uint32_t i, *pp;
    struct rl_entry *x;

    if (rl->used < rl->cap)
        return (uint32_t)++rl->used;
    i = rl->oldest;
    x = &rl->e[i - 1];
    lru_unlink(rl, i);
    for (pp = &rl->heads[slot_of(rl, &x->key)]; *pp != i; pp = &rl->e[*pp - 1].chain)
        ;
    *pp = x->chain;
    rl->evicted++;
    if (x->tokens + (now_ms - x->last) * rl->per_ms < rl->burst)
        rl->evicted_early++;
    return i;
}

int rl_take(struct ratelimit *rl, const struct rl_addr *client, double now_ms,
            int *retry_after)
{
    struct rl_addr key;
    struct rl_entry *x;
    size_t slot;
    uint32_t i;
    double need;

    rl_addr_key(client, &key);
    slot = slot_of(rl, &key);
    for (i = rl->heads[slot]; i; i = rl->e[i - 1].chain)
        if (memcmp(rl->e[i - 1].key.b, key.b, sizeof key.b) == 0)
            break;
    if (i == 0) {
        /* A new client: a full bucket, less this request. */
        i = take_slot(rl, now_ms);
        x = &rl->e[i - 1];
        x->key = key;
        x->tokens = rl->burst - 1;
        x->last = now_ms;
        x->chain = rl->heads[slot];
        rl->heads[slot] = i;
        lru_push(rl, i);
        return 1;
    }
    x = &rl->e[i - 1];
    if (rl->newest != i) {
        lru_unlink(rl, i);
        lru_push(rl, i);
    }
    if (now_ms > x->last) {
        x->tokens += (now_ms - x->last) * rl->per_ms;
        if (x->tokens > rl->burst)
            x->tokens = rl->burst;
        x->last = now_ms;
    }
    /* The margin: after exactly the Retry-After we said, sums of doubles
     * may fall a hair short of the token that is due. */
    if (x->tokens >= 1 - 1e-9) {
        x->tokens -= 1;
        if (x->tokens < 0)
            x->tokens = 0;
        return 1;
    }
    need = (1 - x->tokens) / rl->per_ms / 1000.0; /* seconds */
    *retry_after = need <= 1 ? 1 : need >= 86400 ? 86400 : (int)ceil(need);
    return 0;
}

struct rl_stats rl_stats(const struct ratelimit *rl)
{
    struct rl_stats s = {rl->used, rl->cap, rl->evicted, rl->evicted_early};

    return s;
}
