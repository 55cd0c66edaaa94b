/* lua_pattern.c - string.find, match, gmatch and gsub with Lua 5.4's
 * semantics, charged step by step; see lua_pattern.h.
 *
 * The matcher is a backtracking interpreter over the pattern text, as Lua's
 * own is, and has to be: which match a backtracking search finds first,
 * errors raised only when the search reaches the broken part of a pattern
 * ("x%" finds nothing in "abc" without complaint) and "pattern too complex"
 * (more than 200 nested matcher calls) are all results the scripts can see.
 * So the recursion happens exactly where Lua's does: at a capture's start
 * and end, at a '?' that matched, and at each turn of a '*', '+' or '-'
 * repetition; everything else continues in the same call.
 *
 * What is ours: the step counter and its charge function, character
 * classes from a table for the C locale, a specialised loop for the longest
 * run of a repeated item, skipping the start positions where the pattern's
 * first item cannot match (no call, no side effect: the result is the
 * same), and a plain search that is linear in the subject. */
#include "lua_pattern.h"

#include <lauxlib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef LUA_MAXCAPTURES
#define PM_MAXCAPTURES LUA_MAXCAPTURES
#else
#define PM_MAXCAPTURES 32 /* Lua's default */
#endif
#define PM_MAXDEPTH 200    /* Lua's MAXCCALLS: nested matcher calls */
#define PM_ESC '%'
#define PM_OPEN (-1)       /* capture length while the capture is open */
#define PM_POSITION (-2)   /* capture length of a position capture "()" */
#define PM_NO_MATCH SIZE_MAX

#define uc(c) ((unsigned char)(c))

/* --- character classes, C locale ---------------------------------------- */

enum {
    PM_ALPHA = 1 << 0,
    PM_DIGIT = 1 << 1,
    PM_LOWER = 1 << 2,
    PM_UPPER = 1 << 3,
    PM_SPACE = 1 << 4,
    PM_CNTRL = 1 << 5,
    PM_PUNCT = 1 << 6,
    PM_XDIGIT = 1 << 7,
    PM_GRAPH = 1 << 8,
    PM_ZERO = 1 << 9,
    PM_SPECIAL = 1 << 10 /* one of ^$*+?.([%- : a pattern with none is plain */
};

#define PM_IN(c, lo, hi) ((c) >= (lo) && (c) <= (hi))
#define PM_IS_UPPER(c) PM_IN(c, 'A', 'Z')
#define PM_IS_LOWER(c) PM_IN(c, 'a', 'z')
#define PM_IS_DIGIT(c) PM_IN(c, '0', '9')
#define PM_IS_ALNUM(c) (PM_IS_UPPER(c) || PM_IS_LOWER(c) || PM_IS_DIGIT(c))
#define PM_IS_GRAPH(c) PM_IN(c, 0x21, 0x7e)
#define PM_IS_SPECIAL(c)                                                                   \
    ((c) == '^' || (c) == '$' || (c) == '*' || (c) == '+' || (c) == '?' || (c) == '.' ||    \
     (c) == '(' || (c) == '[' || (c) == '%' || (c) == '-')
#define PM_FLAGS(c)                                                                        \
    ((PM_IS_UPPER(c) || PM_IS_LOWER(c) ? PM_ALPHA : 0) | (PM_IS_DIGIT(c) ? PM_DIGIT : 0) |  \
     (PM_IS_LOWER(c) ? PM_LOWER : 0) | (PM_IS_UPPER(c) ? PM_UPPER : 0) |                    \
     ((c) == ' ' || PM_IN(c, '\t', '\r') ? PM_SPACE : 0) |                                  \
     ((c) < 0x20 || (c) == 0x7f ? PM_CNTRL : 0) |                                           \
     (PM_IS_GRAPH(c) && !PM_IS_ALNUM(c) ? PM_PUNCT : 0) |                                   \
     (PM_IS_DIGIT(c) || PM_IN(c, 'a', 'f') || PM_IN(c, 'A', 'F') ? PM_XDIGIT : 0) |         \
     (PM_IS_GRAPH(c) ? PM_GRAPH : 0) | ((c) == 0 ? PM_ZERO : 0) |                           \
     (PM_IS_SPECIAL(c) ? PM_SPECIAL : 0))
#define PM_F4(c) PM_FLAGS(c), PM_FLAGS((c) + 1), PM_FLAGS((c) + 2), PM_FLAGS((c) + 3)
#define PM_F16(c) PM_F4(c), PM_F4((c) + 4), PM_F4((c) + 8), PM_F4((c) + 12)
#define PM_F64(c) PM_F16(c), PM_F16((c) + 16), PM_F16((c) + 32), PM_F16((c) + 48)

/* What <ctype.h> answers in the C locale, for every byte; bytes >= 0x80
 * are in no class. */
static const unsigned short pm_ctype[256] = {PM_F64(0), PM_F64(64), PM_F64(128),
                                             PM_F64(192)};

/* The flags a class letter (after '%') stands for; 0 for any other byte,
 * which then stands for itself. */
static unsigned pm_class_mask(int cl)
{
    switch (cl) {
    case 'a': case 'A': return PM_ALPHA;
    case 'c': case 'C': return PM_CNTRL;
    case 'd': case 'D': return PM_DIGIT;
    case 'g': case 'G': return PM_GRAPH;
    case 'l': case 'L': return PM_LOWER;
    case 'p': case 'P': return PM_PUNCT;
    case 's': case 'S': return PM_SPACE;
    case 'u': case 'U': return PM_UPPER;
    case 'w': case 'W': return PM_ALPHA | PM_DIGIT;
    case 'x': case 'X': return PM_XDIGIT;
    case 'z': case 'Z': return PM_ZERO;
    default: return 0;
    }
}

/* c against "%cl": a class (upper case for its complement) or a byte. */
static int pm_class_test(int c, int cl)
{
    unsigned mask = pm_class_mask(cl);

    if (mask == 0)
        return c == cl;
    return ((pm_ctype[c] & mask) != 0) == PM_IS_LOWER(cl);
}

/* c against the set "[...]" from p (its '[') to close (its ']'). */
static int pm_set_test(int c, const char *p, const char *close)
{
    int want = 1;

    p++;
    if (*p == '^') {
        want = 0;
        p++;
    }
    /* The first byte is a member even when it is ']' ("[]]"). */
    for (; p < close; p++) {
        if (*p == PM_ESC) {
            p++;
            if (pm_class_test(c, uc(*p)))
                return want;
        } else if (p[1] == '-' && p + 2 < close) {
            if (uc(p[0]) <= c && c <= uc(p[2]))
                return want;
            p += 2;
        } else if (uc(*p) == c) {
            return want;
        }
    }
    return !want;
}

/* c against the single-character item [p, ep). */
static int pm_item_test(int c, const char *p, const char *ep)
{
    switch (*p) {
    case '.': return 1;
    case PM_ESC: return pm_class_test(c, uc(p[1]));
    case '[': return pm_set_test(c, p, ep - 1);
    default: return uc(*p) == c;
    }
}

/* The end of the single-character item at p, or NULL when it is malformed
 * ('%' at the end, '[' without its ']'). */
static const char *pm_item_scan(const char *p, const char *pat_end)
{
    char first = *p++;

    if (first == PM_ESC)
        return p == pat_end ? NULL : p + 1;
    if (first != '[')
        return p;
    if (p < pat_end && *p == '^')
        p++;
    do { /* the first byte is taken whatever it is, even ']' */
        if (p == pat_end)
            return NULL;
        if (*p++ == PM_ESC && p < pat_end)
            p++; /* an escaped byte, maybe ']' */
    } while (p == pat_end || *p != ']');
    return p + 1;
}

/* --- the matcher's state and its charging ------------------------------- */

struct pm_capture {
    const char *start;
    ptrdiff_t len; /* bytes, or PM_OPEN, or PM_POSITION */
};

struct pm {
    lua_State *L;
    lpat_charge_fn charge; /* NULL: count, charge nobody */
    const char *subj, *subj_end;
    const char *pat_end;
    int depth_left; /* nested matcher calls still allowed */
    int ncap;       /* captures started (closed or not) */
    unsigned tick;  /* steps left before the next charge */
    struct pm_capture cap[PM_MAXCAPTURES];
};

/* The first single-character item a match must start with, if the pattern
 * has one: positions where it fails need no matcher call. */
struct pm_lead {
    enum { PM_LEAD_NONE, PM_LEAD_BYTE, PM_LEAD_CLASS, PM_LEAD_SET } kind;
    int byte;      /* PM_LEAD_BYTE */
    unsigned mask; /* PM_LEAD_CLASS: the class's flags ... */
    int want;      /* ... and whether they must be set (0: the complement) */
    const char *p, *ep; /* PM_LEAD_SET: the item */
};

static void pm_init(struct pm *m, lua_State *L, lpat_charge_fn charge, const char *s,
                    size_t ls, const char *p, size_t lp)
{
    m->L = L;
    m->charge = charge;
    m->subj = s;
    m->subj_end = s + ls;
    m->pat_end = p + lp;
    m->depth_left = PM_MAXDEPTH;
    m->ncap = 0;
    m->tick = LPAT_CHARGE_CHUNK;
}

/* Charges the steps counted since the last charge plus `more`; may raise. */
static void pm_settle(struct pm *m, size_t more)
{
    size_t steps = (LPAT_CHARGE_CHUNK - m->tick) + more;

    m->tick = LPAT_CHARGE_CHUNK;
    if (m->charge != NULL && steps > 0)
        m->charge(m->L, (unsigned long)steps);
}

/* One step: a byte tested, an item entered, a call made. */
static inline void pm_step(struct pm *m)
{
    if (--m->tick == 0)
        pm_settle(m, 0);
}

/* n steps at once (a run scanned, bytes compared). */
static inline void pm_spend(struct pm *m, size_t n)
{
    if (n < m->tick)
        m->tick -= (unsigned)n;
    else
        pm_settle(m, n);
}

/* Charges what is left over when a call ends. */
static void pm_finish(struct pm *m)
{
    if (m->tick != LPAT_CHARGE_CHUNK)
        pm_settle(m, 0);
}

static const char *pm_item_end(struct pm *m, const char *p)
{
    const char *ep = pm_item_scan(p, m->pat_end);

    if (ep == NULL) {
        if (*p == PM_ESC)
            luaL_error(m->L, "malformed pattern (ends with '%%')");
        luaL_error(m->L, "malformed pattern (missing ']')");
    }
    return ep;
}

/* --- matching ----------------------------------------------------------- */

static const char *pm_match(struct pm *m, const char *s, const char *p);

/* How many bytes from s on match the item [p, ep), all in a row. */
static size_t pm_run_length(const struct pm *m, const char *s, const char *p, const char *ep)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t max = (size_t)(m->subj_end - s), n = 0;

    if (*p == '.')
        return max;
    if (*p == '[') {
        while (n < max && pm_set_test(u[n], p, ep - 1))
            n++;
        return n;
    }
    if (*p == PM_ESC && pm_class_mask(uc(p[1])) != 0) {
        unsigned mask = pm_class_mask(uc(p[1]));
        int want = PM_IS_LOWER(uc(p[1]));

        while (n < max && ((pm_ctype[u[n]] & mask) != 0) == want)
            n++;
        return n;
    }
    {
        unsigned char byte = uc(*p == PM_ESC ? p[1] : *p);

        while (n < max && u[n] == byte)
            n++;
        return n;
    }
}

/* "x*" (and "x+" after its first byte): the longest run first, then one
 * byte less at a time. */
static const char *pm_greedy(struct pm *m, const char *s, const char *p, const char *ep)
{
    size_t i = pm_run_length(m, s, p, ep);

    pm_spend(m, i + 1);
    for (;;) {
        const char *r = pm_match(m, s + i, ep + 1);

        if (r != NULL)
            return r;
        if (i == 0)
            return NULL;
        i--;
    }
}

/* "x-": the shortest run first, then one byte more at a time. */
static const char *pm_lazy(struct pm *m, const char *s, const char *p, const char *ep)
{
    for (;;) {
        const char *r = pm_match(m, s, ep + 1);

        if (r != NULL)
            return r;
        pm_step(m);
        if (s < m->subj_end && pm_item_test(uc(*s), p, ep))
            s++;
        else
            return NULL;
    }
}

/* "(" or "()" at s; p is the pattern after it. */
static const char *pm_open_capture(struct pm *m, const char *s, const char *p, ptrdiff_t kind)
{
    int level = m->ncap;
    const char *r;

    if (level >= PM_MAXCAPTURES)
        luaL_error(m->L, "too many captures");
    m->cap[level].start = s;
    m->cap[level].len = kind;
    m->ncap = level + 1;
    r = pm_match(m, s, p);
    if (r == NULL)
        m->ncap--; /* undone: the search goes back past it */
    return r;
}

/* ")" at s closes the innermost open capture; p is the pattern after it. */
static const char *pm_close_capture(struct pm *m, const char *s, const char *p)
{
    int level = m->ncap - 1;
    const char *r;

    while (level >= 0 && m->cap[level].len != PM_OPEN)
        level--;
    if (level < 0)
        luaL_error(m->L, "invalid pattern capture");
    m->cap[level].len = s - m->cap[level].start;
    r = pm_match(m, s, p);
    if (r == NULL)
        m->cap[level].len = PM_OPEN;
    return r;
}

/* "%1".."%9" (and "%0", refused) at s: the same bytes as that capture. */
static const char *pm_backref(struct pm *m, const char *s, int digit)
{
    int l = digit - '1';
    size_t len;

    if (l < 0 || l >= m->ncap || m->cap[l].len == PM_OPEN)
        luaL_error(m->L, "invalid capture index %%%d", l + 1);
    /* A position capture's length converts to a huge size: never matches. */
    len = (size_t)m->cap[l].len;
    if ((size_t)(m->subj_end - s) < len)
        return NULL;
    pm_spend(m, len);
    return memcmp(m->cap[l].start, s, len) == 0 ? s + len : NULL;
}

/* "%bxy" at s, with p at x: from an x to its balancing y. */
static const char *pm_balance(struct pm *m, const char *s, const char *p)
{
    const char *from = s;
    int depth = 1;

    if (p >= m->pat_end - 1)
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->subj_end || *s != p[0])
        return NULL;
    while (++s < m->subj_end) {
        if (*s == p[1]) {
            if (--depth == 0) {
                pm_spend(m, (size_t)(s - from));
                return s + 1;
            }
        } else if (*s == p[0]) {
            depth++;
        }
    }
    pm_spend(m, (size_t)(s - from));
    return NULL;
}

/* "%f[set]" at s, with p after the "%f": the pattern after the set when s
 * is a frontier (the byte before not in the set, the byte at s in it; both
 * are '\0' past the subject's ends), else NULL. */
static const char *pm_frontier(struct pm *m, const char *s, const char *p)
{
    const char *ep;
    int before, at;

    if (p == m->pat_end || *p != '[')
        luaL_error(m->L, "missing '[' after '%%f' in pattern");
    ep = pm_item_end(m, p);
    before = s == m->subj ? 0 : uc(s[-1]);
    at = s < m->subj_end ? uc(*s) : 0;
    if (!pm_set_test(before, p, ep - 1) && pm_set_test(at, p, ep - 1))
        return ep;
    return NULL;
}

static const char *pm_leave(struct pm *m, const char *s)
{
    m->depth_left++;
    return s;
}

/* A single-character item at p with its quantifier, if any, at s. */
static const char *pm_single(struct pm *m, const char *s, const char *p, const char **next)
{
    const char *ep = pm_item_end(m, p);
    int quant = ep < m->pat_end ? *ep : '\0';

    *next = NULL;
    if (s >= m->subj_end || !pm_item_test(uc(*s), p, ep)) {
        if (quant == '*' || quant == '?' || quant == '-')
            *next = ep + 1; /* zero repetitions: go on with the rest */
        return NULL;
    }
    switch (quant) {
    case '?': {
        const char *r = pm_match(m, s + 1, ep + 1);

        if (r == NULL)
            *next = ep + 1;
        return r;
    }
    case '+': return pm_greedy(m, s + 1, p, ep);
    case '*': return pm_greedy(m, s, p, ep);
    case '-': return pm_lazy(m, s, p, ep);
    default: *next = ep; return s + 1;
    }
}

/* The end of a match of p at s, or NULL.  Items that need no backtracking
 * continue in this call; the rest recurse, as Lua's matcher does. */
static const char *pm_match(struct pm *m, const char *s, const char *p)
{
    if (m->depth_left-- == 0)
        luaL_error(m->L, "pattern too complex");
    pm_step(m);
    while (p != m->pat_end) {
        const char *next, *r;

        pm_step(m);
        switch (*p) {
        case '(':
            if (p + 1 < m->pat_end && p[1] == ')')
                return pm_leave(m, pm_open_capture(m, s, p + 2, PM_POSITION));
            return pm_leave(m, pm_open_capture(m, s, p + 1, PM_OPEN));
        case ')':
            return pm_leave(m, pm_close_capture(m, s, p + 1));
        case '$':
            if (p + 1 == m->pat_end)
                return pm_leave(m, s == m->subj_end ? s : NULL);
            break; /* a '$' elsewhere is a byte */
        case PM_ESC:
            if (p + 1 == m->pat_end)
                break; /* pm_item_end raises */
            if (p[1] == 'b') {
                if ((s = pm_balance(m, s, p + 2)) == NULL)
                    return pm_leave(m, NULL);
                p += 4;
                continue;
            }
            if (p[1] == 'f') {
                if ((p = pm_frontier(m, s, p + 2)) == NULL)
                    return pm_leave(m, NULL);
                continue;
            }
            if (PM_IS_DIGIT(uc(p[1]))) {
                if ((s = pm_backref(m, s, uc(p[1]))) == NULL)
                    return pm_leave(m, NULL);
                p += 2;
                continue;
            }
            break;
        default:
            break;
        }
        r = pm_single(m, s, p, &next);
        if (next == NULL)
            return pm_leave(m, r);
        if (r != NULL)
            s = r;
        p = next;
    }
    return pm_leave(m, s);
}

/* --- where a match can start -------------------------------------------- */

/* Fills lead from p's first single-character item, when every match must
 * start with a byte it accepts: not behind '*', '?' or '-', not a capture
 * end, an anchor, %b, %f or a back reference, and well formed (a malformed
 * one must raise its error at the first position, as in Lua).  Up to
 * PM_MAXCAPTURES leading '(' are looked through: a failed item there undoes
 * them without an error. */
static void pm_find_lead(const char *p, const char *pat_end, struct pm_lead *lead)
{
    const char *ep;
    int opened = 0;

    lead->kind = PM_LEAD_NONE;
    while (p < pat_end && *p == '(' && opened < PM_MAXCAPTURES) {
        p += (p + 1 < pat_end && p[1] == ')') ? 2 : 1;
        opened++;
    }
    if (p == pat_end || *p == '(' || *p == ')' || *p == '.' ||
        (*p == '$' && p + 1 == pat_end))
        return;
    if (*p == PM_ESC && (p + 1 == pat_end || p[1] == 'b' || p[1] == 'f' ||
                         PM_IS_DIGIT(uc(p[1]))))
        return;
    ep = pm_item_scan(p, pat_end);
    if (ep == NULL || (ep < pat_end && (*ep == '*' || *ep == '?' || *ep == '-')))
        return;
    if (*p == '[') {
        lead->kind = PM_LEAD_SET;
        lead->p = p;
        lead->ep = ep;
    } else if (*p == PM_ESC && pm_class_mask(uc(p[1])) != 0) {
        lead->kind = PM_LEAD_CLASS;
        lead->mask = pm_class_mask(uc(p[1]));
        lead->want = PM_IS_LOWER(uc(p[1]));
    } else {
        lead->kind = PM_LEAD_BYTE;
        lead->byte = uc(*p == PM_ESC ? p[1] : *p);
    }
}

/* The first position from `from` on where the lead item matches, or the
 * subject's end (where no single-character item matches). */
static const char *pm_next_start(struct pm *m, const struct pm_lead *lead, const char *from)
{
    const unsigned char *u = (const unsigned char *)from;
    const unsigned char *end = (const unsigned char *)m->subj_end;

    switch (lead->kind) {
    case PM_LEAD_BYTE: {
        const unsigned char *hit = memchr(u, lead->byte, (size_t)(end - u));

        u = hit != NULL ? hit : end;
        break;
    }
    case PM_LEAD_CLASS:
        while (u < end && ((pm_ctype[*u] & lead->mask) != 0) != lead->want)
            u++;
        break;
    case PM_LEAD_SET:
        while (u < end && !pm_set_test(*u, lead->p, lead->ep - 1))
            u++;
        break;
    case PM_LEAD_NONE:
        return from;
    }
    pm_spend(m, (size_t)(u - (const unsigned char *)from) + 1);
    return (const char *)u;
}

/* --- plain search -------------------------------------------------------- */

/* The maximal suffix of n under byte order (or its reverse): its start - 1
 * (SIZE_MAX for the whole needle) and its period.  Crochemore and Perrin's
 * computation, linear in nl. */
static size_t pm_max_suffix(const unsigned char *n, size_t nl, int reverse, size_t *period)
{
    size_t i = SIZE_MAX, j = 0, k = 1, per = 1;

    while (j + k < nl) {
        unsigned char a = n[i + k], b = n[j + k];

        if (a == b) {
            if (k == per) {
                j += per;
                k = 1;
            } else {
                k++;
            }
        } else if (reverse ? a < b : a > b) {
            j += k;
            k = 1;
            per = j - i;
        } else {
            i = j++;
            k = per = 1;
        }
    }
    *period = per;
    return i;
}

/* Two-Way string matching: at most about 2 * hl comparisons, no memory. */
static const char *pm_two_way(struct pm *m, const char *hay, size_t hl, const char *needle,
                              size_t nl)
{
    const unsigned char *h = (const unsigned char *)hay, *n = (const unsigned char *)needle;
    size_t per, per2, crit, crit2, memory = 0, keep, pos = 0;

    /* The critical factorisation n = n[0..crit] n[crit+1..]. */
    crit = pm_max_suffix(n, nl, 0, &per);
    crit2 = pm_max_suffix(n, nl, 1, &per2);
    if (crit2 + 1 > crit + 1) {
        crit = crit2;
        per = per2;
    }
    pm_spend(m, 2 * nl);
    if (memcmp(n, n + per, crit + 1) == 0) {
        keep = nl - per; /* periodic: remember the part already compared */
    } else {
        keep = 0;
        /* not periodic: shift by max(|left|, |right|) + 1 after a miss */
        per = (crit + 1 > nl - crit - 1 ? crit + 1 : nl - crit - 1) + 1;
    }
    while (hl - pos >= nl) {
        size_t k = crit + 1 > memory ? crit + 1 : memory, from = k;

        while (k < nl && n[k] == h[pos + k]) /* the right part, left to right */
            k++;
        pm_spend(m, k - from + 1);
        if (k < nl) {
            pos += k - crit;
            memory = 0;
            continue;
        }
        for (k = crit + 1; k > memory && n[k - 1] == h[pos + k - 1]; k--) /* the left part */
            pm_step(m);
        if (k <= memory)
            return hay + pos;
        pos += per;
        memory = keep;
    }
    return NULL;
}

/* The first occurrence of needle in hay (both non-empty, nl <= hl).  Finds
 * candidates with memchr and verifies them, which is fastest on text; when
 * verifying has cost more than the haystack's length (a needle like
 * "aaaaab" in "aaaa..."), the rest goes to Two-Way, so the whole stays
 * linear in hl. */
static const char *pm_scan(struct pm *m, const char *hay, size_t hl, const char *needle,
                           size_t nl)
{
    const char *at = hay, *last = hay + (hl - nl); /* the last possible start */
    size_t verified = 0;

    while (at <= last) {
        const char *c = memchr(at, uc(needle[0]), (size_t)(last - at) + 1);

        if (c == NULL) {
            pm_spend(m, (size_t)(last - at) + 1);
            return NULL;
        }
        pm_spend(m, (size_t)(c - at) + 1);
        if (nl == 1)
            return c;
        if (c[nl - 1] == needle[nl - 1]) {
            pm_spend(m, nl);
            if (memcmp(c + 1, needle + 1, nl - 2) == 0)
                return c;
            verified += nl;
            if (verified > hl)
                return pm_two_way(m, c + 1, (size_t)(hay + hl - (c + 1)), needle, nl);
        }
        at = c + 1;
    }
    return NULL;
}

static const char *pm_plain_find(struct pm *m, const char *hay, size_t hl, const char *needle,
                                 size_t nl)
{
    if (nl == 0)
        return hay; /* the empty string is everywhere */
    if (nl > hl)
        return NULL;
    return pm_scan(m, hay, hl, needle, nl);
}

/* Lua treats a pattern without any of ^$*+?.([%- as plain text. */
static int pm_is_plain(struct pm *m, const char *p, size_t lp)
{
    size_t i = 0;

    while (i < lp && !(pm_ctype[uc(p[i])] & PM_SPECIAL))
        i++;
    pm_spend(m, i + 1);
    return i == lp;
}

/* --- captures out -------------------------------------------------------- */

/* Pushes capture i; with no captures at all, i == 0 is the whole match
 * [s, e). */
static void pm_push_capture(struct pm *m, int i, const char *s, const char *e)
{
    if (i >= m->ncap) {
        if (i != 0)
            luaL_error(m->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m->L, s, (size_t)(e - s));
    } else if (m->cap[i].len == PM_OPEN) {
        luaL_error(m->L, "unfinished capture");
    } else if (m->cap[i].len == PM_POSITION) {
        lua_pushinteger(m->L, (lua_Integer)(m->cap[i].start - m->subj) + 1);
    } else {
        lua_pushlstring(m->L, m->cap[i].start, (size_t)m->cap[i].len);
    }
}

/* Pushes all captures (s NULL: none for a match without captures, as
 * string.find wants), returns how many. */
static int pm_push_captures(struct pm *m, const char *s, const char *e)
{
    int n = (m->ncap == 0 && s != NULL) ? 1 : m->ncap;

    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++)
        pm_push_capture(m, i, s, e);
    return n;
}

/* --- the library functions ---------------------------------------------- */

struct pm_host {
    lpat_charge_fn charge;
};

static lpat_charge_fn pm_charge_of(lua_State *L)
{
    const struct pm_host *h = lua_touserdata(L, lua_upvalueindex(1));

    return h != NULL ? h->charge : NULL;
}

/* Lua's rule for an initial position: negative counts from the end, 0 and
 * anything before the start mean 1. */
static size_t pm_start_index(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 1;
    return len + (size_t)pos + 1;
}

/* The first match of p in s from s + init on, or NULL; *start gets where. */
static const char *pm_search(struct pm *m, const char *from, const char *p, const char **start)
{
    int anchored = p < m->pat_end && *p == '^';
    struct pm_lead lead;

    if (anchored)
        p++;
    pm_find_lead(p, m->pat_end, &lead);
    for (;;) {
        const char *e;

        if (!anchored) {
            from = pm_next_start(m, &lead, from);
            if (from == m->subj_end && lead.kind != PM_LEAD_NONE)
                return NULL;
        }
        m->ncap = 0;
        if ((e = pm_match(m, from, p)) != NULL) {
            *start = from;
            return e;
        }
        if (anchored || from >= m->subj_end)
            return NULL;
        from++;
    }
}

static int pm_find_or_match(lua_State *L, int find)
{
    lpat_charge_fn charge = pm_charge_of(L);
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = pm_start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    const char *start = NULL, *e;
    struct pm m;

    if (init > ls) { /* starts after the end: nothing to find */
        luaL_pushfail(L);
        return 1;
    }
    pm_init(&m, L, charge, s, ls, p, lp);
    if (find && (lua_toboolean(L, 4) || pm_is_plain(&m, p, lp))) {
        e = pm_plain_find(&m, s + init, ls - init, p, lp);
        pm_finish(&m);
        if (e == NULL) {
            luaL_pushfail(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)(e - s) + 1);
        lua_pushinteger(L, (lua_Integer)(e - s) + (lua_Integer)lp);
        return 2;
    }
    e = pm_search(&m, s + init, p, &start);
    pm_finish(&m);
    if (e == NULL) {
        luaL_pushfail(L);
        return 1;
    }
    if (!find)
        return pm_push_captures(&m, start, e);
    lua_pushinteger(L, (lua_Integer)(start - s) + 1);
    lua_pushinteger(L, (lua_Integer)(e - s));
    return pm_push_captures(&m, NULL, NULL) + 2;
}

static int pm_find(lua_State *L) { return pm_find_or_match(L, 1); }

static int pm_match_fn(lua_State *L) { return pm_find_or_match(L, 0); }

/* --- gmatch -------------------------------------------------------------- */

struct pm_iter {
    size_t next;       /* offset where the next search starts */
    size_t last_end;   /* offset where the last match ended, or PM_NO_MATCH */
    const char *pat;
    struct pm_lead lead;
    struct pm m;
};

/* The iterator: upvalues are the subject, the pattern and the pm_iter. */
static int pm_gmatch_next(lua_State *L)
{
    struct pm_iter *it = lua_touserdata(L, lua_upvalueindex(3));
    struct pm *m = &it->m;
    const char *src;

    m->L = L;
    for (src = m->subj + it->next; src <= m->subj_end; src++) {
        const char *e;

        src = pm_next_start(m, &it->lead, src);
        if (src == m->subj_end && it->lead.kind != PM_LEAD_NONE)
            break;
        m->ncap = 0;
        e = pm_match(m, src, it->pat);
        /* An empty match where the last one ended is skipped (Lua 5.4). */
        if (e != NULL && (size_t)(e - m->subj) != it->last_end) {
            it->next = it->last_end = (size_t)(e - m->subj);
            pm_finish(m);
            return pm_push_captures(m, src, e);
        }
    }
    pm_finish(m);
    return 0;
}

static int pm_gmatch(lua_State *L)
{
    lpat_charge_fn charge = pm_charge_of(L);
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = pm_start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    struct pm_iter *it;

    lua_settop(L, 2); /* the subject and pattern become upvalues: they stay alive */
    it = lua_newuserdatauv(L, sizeof *it, 0);
    pm_init(&it->m, L, charge, s, ls, p, lp);
    it->next = init > ls ? ls + 1 : init;
    it->last_end = PM_NO_MATCH;
    it->pat = p; /* no anchor in gmatch: a leading '^' is a byte */
    pm_find_lead(p, p + lp, &it->lead);
    lua_pushcclosure(L, pm_gmatch_next, 3);
    return 1;
}

/* --- gsub ---------------------------------------------------------------- */

/* Adds capture i (see pm_push_capture) to b. */
static void pm_add_capture(struct pm *m, luaL_Buffer *b, int i, const char *s, const char *e)
{
    if (i >= m->ncap) {
        if (i != 0)
            luaL_error(m->L, "invalid capture index %%%d", i + 1);
        luaL_addlstring(b, s, (size_t)(e - s));
    } else if (m->cap[i].len == PM_OPEN) {
        luaL_error(m->L, "unfinished capture");
    } else if (m->cap[i].len == PM_POSITION) {
        lua_pushinteger(m->L, (lua_Integer)(m->cap[i].start - m->subj) + 1);
        luaL_addvalue(b);
    } else {
        luaL_addlstring(b, m->cap[i].start, (size_t)m->cap[i].len);
    }
}

/* The replacement string (argument 3) for the match [s, e): "%0" the
 * match, "%1".."%9" captures, "%%" a '%'; any other '%' is an error. */
static void pm_add_template(struct pm *m, luaL_Buffer *b, const char *s, const char *e)
{
    size_t l;
    const char *t = lua_tolstring(m->L, 3, &l);
    const char *end = t + l, *pct;

    pm_spend(m, l);
    while ((pct = memchr(t, PM_ESC, (size_t)(end - t))) != NULL) {
        int c = pct + 1 < end ? uc(pct[1]) : -1;

        luaL_addlstring(b, t, (size_t)(pct - t));
        if (c == PM_ESC)
            luaL_addchar(b, PM_ESC);
        else if (c == '0')
            luaL_addlstring(b, s, (size_t)(e - s));
        else if (c != -1 && PM_IS_DIGIT(c))
            pm_add_capture(m, b, c - '1', s, e);
        else
            luaL_error(m->L, "invalid use of '%c' in replacement string", PM_ESC);
        t = pct + 2;
    }
    luaL_addlstring(b, t, (size_t)(end - t));
}

/* Adds the replacement for the match [s, e) as argument 3 of gsub asks
 * (kind: its type); 1 when something other than the match itself went in. */
static int pm_add_value(struct pm *m, luaL_Buffer *b, const char *s, const char *e, int kind)
{
    lua_State *L = m->L;

    if (kind == LUA_TFUNCTION) {
        int n;

        lua_pushvalue(L, 3);
        n = pm_push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (kind == LUA_TTABLE) {
        pm_push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        pm_add_template(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) { /* nil or false: keep the match */
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

static int pm_gsub(lua_State *L)
{
    lpat_charge_fn charge = pm_charge_of(L);
    size_t ls, lp;
    const char *src = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int kind = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    int anchored = lp > 0 && *p == '^';
    const char *last = NULL;
    lua_Integer n = 0;
    int changed = 0;
    struct pm_lead lead;
    struct pm m;
    luaL_Buffer b;

    luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION ||
                            kind == LUA_TTABLE,
                     3, "string/function/table");
    luaL_buffinit(L, &b);
    if (anchored) {
        p++;
        lp--;
    }
    pm_init(&m, L, charge, src, ls, p, lp);
    pm_find_lead(p, p + lp, &lead);
    if (anchored)
        lead.kind = PM_LEAD_NONE;
    while (n < max) {
        const char *e, *next = pm_next_start(&m, &lead, src);

        if (next != src) { /* bytes where no match starts: copied as they are */
            luaL_addlstring(&b, src, (size_t)(next - src));
            src = next;
        }
        m.ncap = 0;
        if ((e = pm_match(&m, src, p)) != NULL && e != last) {
            n++;
            changed = pm_add_value(&m, &b, src, e, kind) | changed;
            src = last = e;
        } else if (src < m.subj_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchored)
            break;
    }
    pm_finish(&m);
    if (!changed) {
        lua_pushvalue(L, 1); /* the subject as it was */
    } else {
        luaL_addlstring(&b, src, (size_t)(m.subj_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

/* --- registration -------------------------------------------------------- */

void lpat_register(lua_State *L, int idx, lpat_charge_fn charge)
{
    static const luaL_Reg fns[] = {{"find", pm_find},
                                   {"match", pm_match_fn},
                                   {"gmatch", pm_gmatch},
                                   {"gsub", pm_gsub},
                                   {NULL, NULL}};
    struct pm_host *h;

    lua_pushvalue(L, idx);
    h = lua_newuserdatauv(L, sizeof *h, 0);
    h->charge = charge;
    /* stack: table, host */
    luaL_setfuncs(L, fns, 1);
    lua_pop(L, 1);
}
