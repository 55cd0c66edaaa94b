/* test_ratelimit.c - unit tests for core/base/ratelimit.c (token buckets per
 * client address, the client behind trusted proxies).
 *
 * Must never: let one address past its burst, fail to give tokens back with
 * time, say a Retry-After after which the request is still refused, grow
 * past its capacity however many addresses come, let IPv6 addresses of one
 * /64 escape each other's bucket, or believe X-Forwarded-For from anyone
 * but a trusted proxy. */
#include "ratelimit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

static struct rl_addr addr(const char *s)
{
    struct rl_addr a;

    ck_assert_msg(rl_addr_parse(s, strlen(s), &a) == 0, "cannot parse %s", s);
    return a;
}

/* How many of n requests at now_ms pass. */
static int passes(struct ratelimit *rl, const char *who, int n, double now_ms)
{
    struct rl_addr a = addr(who);
    int ok = 0, retry;

    for (int i = 0; i < n; i++)
        ok += rl_take(rl, &a, now_ms, &retry);
    return ok;
}

START_TEST(test_parse_addresses)
{
    struct rl_addr a;
    char text[64];
    static const char *const bad[] = {
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4:80", "[1.2.3.4]", "::g",
        "1:2:3:4:5:6:7:8:9", "unknown", " 1.2.3.4", "1.2.3.4 ", "[::1]:80", "fe80::1%eth0",
        "[::1", "::1]", "[]", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};

    ck_assert_int_eq(rl_addr_parse("192.0.2.7", 9, &a), 0);
    ck_assert(rl_addr_is_v4(&a));
    rl_addr_format(&a, text, sizeof text);
    ck_assert_str_eq(text, "192.0.2.7");
    /* len bounds the text: the rest is not read */
    ck_assert_int_eq(rl_addr_parse("10.0.0.1, 10.0.0.2", 8, &a), 0);
    rl_addr_format(&a, text, sizeof text);
    ck_assert_str_eq(text, "10.0.0.1");
    ck_assert_int_eq(rl_addr_parse("2001:db8::1", 11, &a), 0);
    ck_assert(!rl_addr_is_v4(&a));
    rl_addr_format(&a, text, sizeof text);
    ck_assert_str_eq(text, "2001:db8::1");
    ck_assert_int_eq(rl_addr_parse("[2001:db8::2]", 13, &a), 0);
    rl_addr_format(&a, text, sizeof text);
    ck_assert_str_eq(text, "2001:db8::2");
    /* an IPv4-mapped IPv6 address is the IPv4 address */
    {
        struct rl_addr m = addr("::ffff:192.0.2.7"), v = addr("192.0.2.7");

        ck_assert(rl_addr_is_v4(&m));
        ck_assert_mem_eq(m.b, v.b, 16);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(rl_addr_parse(bad[i], strlen(bad[i]), &a) == -1, "'%s' was taken",
                      bad[i]);
}
END_TEST

START_TEST(test_keys)
{
    struct rl_addr a = addr("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), k;
    char text[64];

    rl_addr_key(&a, &k);
    rl_addr_format(&k, text, sizeof text);
    ck_assert_str_eq(text, "2001:db8:1:2::");
    a = addr("192.0.2.200");
    rl_addr_key(&a, &k);
    ck_assert_mem_eq(k.b, a.b, 16); /* IPv4: the whole address */
}
END_TEST

START_TEST(test_burst_then_refused)
{
    struct ratelimit *rl = rl_new(64, 30, 30);
    struct rl_addr a = addr("192.0.2.1");
    int retry = -1;

    ck_assert_ptr_nonnull(rl);
    /* a delegation of 20 within a second, then 10 more: all pass */
    ck_assert_int_eq(passes(rl, "192.0.2.1", 20, 1000), 20);
    ck_assert_int_eq(passes(rl, "192.0.2.1", 10, 1500), 10);
    /* 31st: refused; the next token is due in 2 s (30 a minute) */
    ck_assert_int_eq(rl_take(rl, &a, 1500, &retry), 0);
    ck_assert_int_eq(retry, 2);
    ck_assert_int_eq(passes(rl, "192.0.2.1", 100, 1500), 0);
    rl_free(rl);
}
END_TEST

START_TEST(test_refill_with_the_clock)
{
    struct ratelimit *rl = rl_new(64, 5, 60); /* one a second */
    struct rl_addr a = addr("198.51.100.9");
    int retry = -1;

    ck_assert_int_eq(passes(rl, "198.51.100.9", 5, 0), 5);
    ck_assert_int_eq(rl_take(rl, &a, 0, &retry), 0);
    ck_assert_int_eq(retry, 1);
    ck_assert_int_eq(rl_take(rl, &a, 999, &retry), 0); /* not yet */
    ck_assert_int_eq(retry, 1);                         /* never 0 */
    ck_assert_int_eq(rl_take(rl, &a, 1000, &retry), 1); /* exactly the Retry-After */
    ck_assert_int_eq(rl_take(rl, &a, 1000, &retry), 0);
    /* 2.5 s: two tokens and a half */
    ck_assert_int_eq(passes(rl, "198.51.100.9", 3, 3500), 2);
    /* a long pause fills the bucket up to the burst, not beyond */
    ck_assert_int_eq(passes(rl, "198.51.100.9", 10, 3600000), 5);
    /* a clock that goes back gives nothing */
    ck_assert_int_eq(passes(rl, "198.51.100.9", 1, 1000), 0);
    rl_free(rl);
}
END_TEST

/* Whatever the rate, waiting the Retry-After we said lets one through. */
START_TEST(test_retry_after_is_enough)
{
    static const double rates[] = {1, 7, 29, 30, 61, 600, 6000};

    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        struct ratelimit *rl = rl_new(8, 3, rates[r]);
        struct rl_addr a = addr("203.0.113.3");
        double now = 12345.678;
        int retry = 0;

        for (int round = 0; round < 20; round++) {
            while (rl_take(rl, &a, now, &retry))
                ;
            ck_assert_int_ge(retry, 1);
            ck_assert_int_le(retry, 60 / rates[r] + 1);
            now += retry * 1000.0;
            ck_assert_msg(rl_take(rl, &a, now, &retry) == 1, "rate %g: refused after its "
                          "Retry-After", rates[r]);
        }
        rl_free(rl);
    }
}
END_TEST

START_TEST(test_addresses_apart)
{
    struct ratelimit *rl = rl_new(64, 3, 1);

    ck_assert_int_eq(passes(rl, "192.0.2.1", 10, 0), 3);
    ck_assert_int_eq(passes(rl, "192.0.2.2", 10, 0), 3); /* the neighbour has its own */
    /* IPv6: one /64 is one client */
    ck_assert_int_eq(passes(rl, "2001:db8:0:1::1", 2, 0), 2);
    ck_assert_int_eq(passes(rl, "2001:db8:0:1:ffff:ffff:ffff:ffff", 5, 0), 1);
    ck_assert_int_eq(passes(rl, "[2001:db8:0:1::abcd]", 5, 0), 0);
    ck_assert_int_eq(passes(rl, "2001:db8:0:2::1", 5, 0), 3); /* the next /64 */
    /* the IPv4 address written as IPv6 is the same client */
    ck_assert_int_eq(passes(rl, "::ffff:192.0.2.1", 1, 0), 0);
    rl_free(rl);
}
END_TEST

START_TEST(test_many_addresses_bounded)
{
    enum { CAP = 100 };
    struct ratelimit *rl = rl_new(CAP, 2, 60);
    struct rl_addr a;
    struct rl_stats st;
    unsigned char v4[4];
    int retry;

    /* 50,000 addresses, one request each: the table never grows */
    for (unsigned i = 0; i < 50000; i++) {
        v4[0] = 10;
        v4[1] = (unsigned char)(i >> 16);
        v4[2] = (unsigned char)(i >> 8);
        v4[3] = (unsigned char)i;
        rl_addr_v4(v4, &a);
        ck_assert_int_eq(rl_take(rl, &a, i, &retry), 1);
        st = rl_stats(rl);
        ck_assert_uint_le(st.buckets, CAP);
    }
    st = rl_stats(rl);
    ck_assert_uint_eq(st.buckets, CAP);
    ck_assert_uint_eq(st.capacity, CAP);
    ck_assert_uint_eq(st.evicted, 50000 - CAP);
    /* the last CAP addresses are remembered: each has one token left */
    for (unsigned i = 50000 - CAP; i < 50000; i++) {
        v4[1] = (unsigned char)(i >> 16);
        v4[2] = (unsigned char)(i >> 8);
        v4[3] = (unsigned char)i;
        rl_addr_v4(v4, &a);
        ck_assert_int_eq(rl_take(rl, &a, 50000, &retry), 1);
        ck_assert_int_eq(rl_take(rl, &a, 50000, &retry), 0);
    }
    ck_assert_uint_eq(rl_stats(rl).evicted, 50000 - CAP);
    rl_free(rl);
}
END_TEST

/* A full table forgets the least recently used bucket: an address still in
 * use keeps its empty bucket however many others come once each. */
START_TEST(test_eviction_least_recently_used)
{
    struct ratelimit *rl = rl_new(4, 2, 1);
    struct rl_addr busy = addr("192.0.2.99");
    char who[32];
    int retry;

    ck_assert_int_eq(passes(rl, "192.0.2.99", 5, 0), 2);
    for (int i = 1; i <= 30; i++) {
        snprintf(who, sizeof who, "198.51.100.%d", i);
        ck_assert_int_eq(passes(rl, who, 1, i), 1);
        /* the busy one keeps coming back, so it is never the oldest */
        ck_assert_int_eq(rl_take(rl, &busy, i, &retry), 0);
    }
    /* the ones forgotten were full (one request each, then a long time),
     * but not yet: 1 a minute, bucket 2 */
    ck_assert_uint_eq(rl_stats(rl).evicted, 27);
    ck_assert_uint_eq(rl_stats(rl).evicted_early, 27);
    ck_assert_uint_eq(rl_stats(rl).buckets, 4);
    /* the oldest of those left is 198.51.100.28, then .29 and .30: a new
     * address takes .28's bucket; .29 still has its bucket (1 token) */
    ck_assert_int_eq(passes(rl, "203.0.113.1", 1, 31), 1);
    ck_assert_int_eq(passes(rl, "198.51.100.29", 2, 31), 1);
    /* the busy one again: still refused (its bucket was never forgotten) */
    ck_assert_int_eq(rl_take(rl, &busy, 32, &retry), 0);
    ck_assert_int_ge(retry, 1);
    rl_free(rl);
}
END_TEST

START_TEST(test_new_refuses_nonsense)
{
    ck_assert_ptr_null(rl_new(1, 30, 30));
    ck_assert_ptr_null(rl_new(64, 0, 30));
    ck_assert_ptr_null(rl_new(64, 30, 0));
    ck_assert_ptr_null(rl_new(64, 30, 0.5));
    rl_free(NULL);
}
END_TEST

START_TEST(test_trusted_list)
{
    struct rl_trusted t;
    char err[200], big[2000];
    struct rl_addr a;

    ck_assert_int_eq(rl_trusted_parse("127.0.0.1, ::1", &t, err, sizeof err), 0);
    ck_assert_uint_eq(t.n, 2);
    a = addr("127.0.0.1");
    ck_assert(rl_trusted_has(&t, &a));
    a = addr("::ffff:127.0.0.1");
    ck_assert(rl_trusted_has(&t, &a));
    a = addr("::1");
    ck_assert(rl_trusted_has(&t, &a));
    a = addr("127.0.0.2");
    ck_assert(!rl_trusted_has(&t, &a));
    ck_assert_int_eq(rl_trusted_parse("10.0.0.0/8 192.168.1.0/25,2001:db8::/32", &t, err,
                                      sizeof err), 0);
    ck_assert_uint_eq(t.n, 3);
    a = addr("10.255.1.2");
    ck_assert(rl_trusted_has(&t, &a));
    a = addr("11.0.0.0");
    ck_assert(!rl_trusted_has(&t, &a));
    a = addr("192.168.1.127");
    ck_assert(rl_trusted_has(&t, &a));
    a = addr("192.168.1.128");
    ck_assert(!rl_trusted_has(&t, &a));
    a = addr("2001:db8:ffff::1");
    ck_assert(rl_trusted_has(&t, &a));
    a = addr("2001:db9::1");
    ck_assert(!rl_trusted_has(&t, &a));
    ck_assert_int_eq(rl_trusted_parse("", &t, err, sizeof err), 0);
    ck_assert_uint_eq(t.n, 0);
    ck_assert_int_eq(rl_trusted_parse(" , ", &t, err, sizeof err), 0);
    ck_assert_uint_eq(t.n, 0);
    /* refused, with the item named */
    ck_assert_int_eq(rl_trusted_parse("127.0.0.1, proxy.example", &t, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "'proxy.example'"));
    ck_assert_int_eq(rl_trusted_parse("10.0.0.0/33", &t, err, sizeof err), -1);
    ck_assert_int_eq(rl_trusted_parse("10.0.0.0/", &t, err, sizeof err), -1);
    ck_assert_int_eq(rl_trusted_parse("10.0.0.0/x", &t, err, sizeof err), -1);
    ck_assert_int_eq(rl_trusted_parse("10.0.0.0/0008", &t, err, sizeof err), -1);
    ck_assert_int_eq(rl_trusted_parse("::/129", &t, err, sizeof err), -1);
    ck_assert_int_eq(rl_trusted_parse("/8", &t, err, sizeof err), -1);
    big[0] = '\0';
    for (int i = 0; i <= RL_TRUSTED_MAX; i++)
        snprintf(big + strlen(big), sizeof big - strlen(big), "10.0.0.%d ", i);
    ck_assert_int_eq(rl_trusted_parse(big, &t, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "more than"));
}
END_TEST

/* rl_client's answer for a peer and headers, as text. */
static const char *client_of(const struct rl_trusted *t, const char *peer,
                             const char *const *xff, size_t n, enum rl_client_from *from)
{
    static char text[64];
    struct rl_addr p = addr(peer), c;

    *from = rl_client(t, &p, xff, n, &c);
    rl_addr_format(&c, text, sizeof text);
    return text;
}

START_TEST(test_forwarded_for)
{
    struct rl_trusted t;
    enum rl_client_from from;
    char err[100];

    ck_assert_int_eq(rl_trusted_parse("127.0.0.1, ::1, 10.0.0.0/8", &t, err, sizeof err), 0);
    {
        const char *h[] = {"203.0.113.5"};

        /* an untrusted peer: its header is not read */
        ck_assert_str_eq(client_of(&t, "198.51.100.1", h, 1, &from), "198.51.100.1");
        ck_assert_int_eq(from, RL_FROM_PEER);
        /* a trusted one: the client it names */
        ck_assert_str_eq(client_of(&t, "127.0.0.1", h, 1, &from), "203.0.113.5");
        ck_assert_int_eq(from, RL_FROM_FORWARDED);
        /* no header: the peer */
        ck_assert_str_eq(client_of(&t, "127.0.0.1", h, 0, &from), "127.0.0.1");
        ck_assert_int_eq(from, RL_FROM_PEER);
    }
    {
        /* what the client wrote comes first; the right-most untrusted
         * address is the one our proxies saw */
        const char *h[] = {"1.1.1.1, 2.2.2.2,203.0.113.5 ,\t10.1.2.3"};

        ck_assert_str_eq(client_of(&t, "::1", h, 1, &from), "203.0.113.5");
        ck_assert_int_eq(from, RL_FROM_FORWARDED);
    }
    {
        /* garbage the client sent left of it is not read */
        const char *h[] = {"<script>, , unknown, 203.0.113.5"};

        ck_assert_str_eq(client_of(&t, "127.0.0.1", h, 1, &from), "203.0.113.5");
        ck_assert_int_eq(from, RL_FROM_FORWARDED);
    }
    {
        /* several headers are one list, in their order */
        const char *h[] = {"1.1.1.1", "203.0.113.5, 10.0.0.1", "10.0.0.2"};

        ck_assert_str_eq(client_of(&t, "127.0.0.1", h, 3, &from), "203.0.113.5");
        const char *h2[] = {"203.0.113.6", "10.0.0.1", "10.0.0.2"};
        ck_assert_str_eq(client_of(&t, "127.0.0.1", h2, 3, &from), "203.0.113.6");
    }
    {
        /* IPv6 clients, bare or in brackets */
        const char *h[] = {"2001:db8::7"}, *h2[] = {"[2001:db8::8]"};

        ck_assert_str_eq(client_of(&t, "127.0.0.1", h, 1, &from), "2001:db8::7");
        ck_assert_str_eq(client_of(&t, "127.0.0.1", h2, 1, &from), "2001:db8::8");
    }
    {
        /* every address a trusted proxy: the left-most */
        const char *h[] = {"10.0.0.9, 10.0.0.1"};

        ck_assert_str_eq(client_of(&t, "127.0.0.1", h, 1, &from), "10.0.0.9");
        ck_assert_int_eq(from, RL_FROM_FORWARDED);
    }
    {
        /* malformed where it is read: the peer */
        static const char *const bad[] = {"", " ", "203.0.113.5,", "203.0.113.5:4711",
                                          "unknown", "203.0.113.5, junk", "1.1.1.1,,10.0.0.1",
                                          "[2001:db8::1]:443", "2001:db8::1%eth0"};

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            const char *h[] = {bad[i]};

            ck_assert_msg(strcmp(client_of(&t, "127.0.0.1", h, 1, &from), "127.0.0.1") == 0,
                          "'%s' gave another client", bad[i]);
            ck_assert_int_eq(from, RL_FROM_PEER_MALFORMED);
        }
    }
    {
        /* more headers than anyone sends: the peer */
        const char *h[17];

        for (int i = 0; i < 17; i++)
            h[i] = "203.0.113.5";
        ck_assert_str_eq(client_of(&t, "127.0.0.1", h, 17, &from), "127.0.0.1");
        ck_assert_int_eq(from, RL_FROM_PEER_MALFORMED);
        ck_assert_str_eq(client_of(&t, "127.0.0.1", h, 16, &from), "203.0.113.5");
    }
    {
        /* no trusted proxies: nobody's header is read */
        const char *h[] = {"203.0.113.5"};

        rl_trusted_parse("", &t, err, sizeof err);
        ck_assert_str_eq(client_of(&t, "127.0.0.1", h, 1, &from), "127.0.0.1");
        ck_assert_int_eq(from, RL_FROM_PEER);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("ratelimit");

    tcase_add_test(tc, test_parse_addresses);
    tcase_add_test(tc, test_keys);
    tcase_add_test(tc, test_burst_then_refused);
    tcase_add_test(tc, test_refill_with_the_clock);
    tcase_add_test(tc, test_retry_after_is_enough);
    tcase_add_test(tc, test_addresses_apart);
    tcase_add_test(tc, test_many_addresses_bounded);
    tcase_add_test(tc, test_eviction_least_recently_used);
    tcase_add_test(tc, test_new_refuses_nonsense);
    tcase_add_test(tc, test_trusted_list);
    tcase_add_test(tc, test_forwarded_for);
    suite_add_tcase(s, tc);
    return s;
}
