/* collate.c - ICU collation for sorting names; see collate.h.
 *
 * Must never: call back into ICU from the qsort comparator (sort keys are
 * built once per item), hand ICU a length that does not fit in int32_t, or
 * leave the caller's items half-sorted on failure. */
#include "collate.h"

#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucol.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

struct collate {
    UCollator *coll;
};

/* One item's precomputed keys.  key[f] points at the ICU sort key (in the
 * arena) when the string is valid UTF-8, else at the raw string itself. */
struct sort_entry {
    const char *key[2];
    size_t off[2];        /* offset of the sort key in the arena */
    unsigned char bad[2]; /* 1: not valid UTF-8 */
    long long id;
    size_t idx; /* position in the input: the last tie-breaker */
};

/* Buffers reused for every string of one collate_sort call. */
struct scratch {
    UChar *u16;
    size_t u16cap; /* in UChars */
    uint8_t *key;
    size_t keycap; /* in bytes */
};

static void set_err(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_err(char **err, const char *fmt, ...)
{
    struct buf m = BUF_INIT;
    va_list ap;
    char tmp[256];
    int n;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        goto fail;
    buf_puts(&m, tmp);
    if (!buf_ok(&m) || m.data == NULL)
        goto fail;
    *err = m.data; /* the buffer's memory becomes the caller's */
    return;
fail:
    buf_free(&m);
    *err = NULL;
}

struct collate *collate_open(const char *locale, char **err)
{
    struct collate *c = NULL;
    UErrorCode st = U_ZERO_ERROR;
    UErrorCode vst = U_ZERO_ERROR;
    const char *valid;

    if (err != NULL)
        *err = NULL;
    if (locale == NULL) {
        set_err(err, "collate: no locale given");
        goto fail;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        set_err(err, "collate: out of memory");
        goto fail;
    }
    c->coll = ucol_open(locale, &st);
    if (U_FAILURE(st) || c->coll == NULL) {
        set_err(err, "collate: cannot open a collator for locale \"%.64s\": %s",
                locale, u_errorName(st));
        goto fail;
    }
    /* ICU answers every locale, falling back to the root order when it has
     * no data.  That is right for a language without tailoring ("en"), but
     * for a locale ICU does not know at all it would hide a typo. */
    if (st == U_USING_DEFAULT_WARNING) {
        valid = ucol_getLocaleByType(c->coll, ULOC_VALID_LOCALE, &vst);
        if (U_FAILURE(vst) || valid == NULL || strcmp(valid, "root") == 0) {
            set_err(err, "collate: ICU has no collation data for locale \"%.64s\"",
                    locale);
            goto fail;
        }
    }
    return c;
fail:
    collate_close(c);
    return NULL;
}

void collate_close(struct collate *c)
{
    if (c == NULL)
        return;
    if (c->coll != NULL)
        ucol_close(c->coll);
    free(c);
}

/* Returns p grown to hold need elements of size sz (capacity *cap), or
 * NULL with p untouched.  Never more than INT32_MAX elements, so that the
 * capacity can be handed to ICU. */
static void *grow(void *p, size_t *cap, size_t need, size_t sz)
{
    size_t ncap;
    void *np;

    if (need <= *cap)
        return p;
    if (need > INT32_MAX || need > SIZE_MAX / sz)
        return NULL;
    ncap = *cap < 64 ? 64 : *cap;
    while (ncap < need)
        ncap = ncap > INT32_MAX / 2 ? INT32_MAX : ncap * 2;
    if (ncap > SIZE_MAX / sz)
        ncap = need;
    np = realloc(p, ncap * sz);
    if (np != NULL)
        *cap = ncap;
    return np;
}

/* Appends the sort key of s to the arena and stores its offset in *off, or
 * sets *bad when s is not valid UTF-8.  Returns 0, or -1 (oom, too long). */
static int make_key(const UCollator *coll, const char *s, struct scratch *sc,
                    struct buf *arena, size_t *off, unsigned char *bad)
{
    UErrorCode st = U_ZERO_ERROR;
    size_t len = strlen(s);
    int32_t ulen = 0;
    int32_t klen;
    void *np;
    int rc = -1;

    if (len >= INT32_MAX)
        goto out;
    /* UTF-16 never needs more units than UTF-8 has bytes: one pass is enough. */
    np = grow(sc->u16, &sc->u16cap, len + 1, sizeof *sc->u16);
    if (np == NULL)
        goto out;
    sc->u16 = np;
    u_strFromUTF8(sc->u16, (int32_t)sc->u16cap, &ulen, s, (int32_t)len, &st);
    if (U_FAILURE(st)) {
        *bad = 1;
        rc = 0;
        goto out;
    }
    klen = ucol_getSortKey(coll, sc->u16, ulen, sc->key, (int32_t)sc->keycap);
    if (klen > 0 && (size_t)klen > sc->keycap) {
        np = grow(sc->key, &sc->keycap, (size_t)klen, 1);
        if (np == NULL)
            goto out;
        sc->key = np;
        klen = ucol_getSortKey(coll, sc->u16, ulen, sc->key, (int32_t)sc->keycap);
    }
    /* klen counts the key's terminating NUL, which strcmp relies on. */
    if (klen <= 0 || (size_t)klen > sc->keycap || sc->key[klen - 1] != 0)
        goto out;
    *off = arena->len;
    buf_append(arena, sc->key, (size_t)klen);
    if (!buf_ok(arena))
        goto out;
    rc = 0;
out:
    return rc;
}

/* Sort keys are NUL-terminated byte strings without inner NULs, and ICU
 * defines their order as strcmp's, so no collator is needed here. */
static int entry_cmp(const void *pa, const void *pb)
{
    const struct sort_entry *a = pa;
    const struct sort_entry *b = pb;
    int f, r;

    for (f = 0; f < 2; f++) {
        if (a->bad[f] != b->bad[f])
            return a->bad[f] ? 1 : -1;
        r = strcmp(a->key[f], b->key[f]);
        if (r != 0)
            return r < 0 ? -1 : 1;
    }
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

int collate_sort(struct collate *c, struct collate_item *items, size_t n)
{
    struct sort_entry *e = NULL;
    struct collate_item *tmp = NULL;
    struct scratch sc = {NULL, 0, NULL, 0};
    struct buf arena = BUF_INIT;
    const char *s;
    size_t i;
    int f, rc = -1;

    if (n == 0)
        return 0;
    if (c == NULL || items == NULL)
        goto out;
    e = calloc(n, sizeof *e);
    tmp = calloc(n, sizeof *tmp);
    if (e == NULL || tmp == NULL)
        goto out;
    for (i = 0; i < n; i++) {
        for (f = 0; f < 2; f++) {
            s = f ? items[i].k2 : items[i].k1;
            if (s == NULL)
                s = "";
            if (make_key(c->coll, s, &sc, &arena, &e[i].off[f], &e[i].bad[f]) < 0)
                goto out;
            e[i].key[f] = s; /* replaced below by the sort key when valid */
        }
        e[i].id = items[i].id;
        e[i].idx = i;
    }
    /* The arena has stopped moving: turn offsets into pointers. */
    for (i = 0; i < n; i++)
        for (f = 0; f < 2; f++)
            if (!e[i].bad[f])
                e[i].key[f] = arena.data + e[i].off[f];
    qsort(e, n, sizeof *e, entry_cmp);
    for (i = 0; i < n; i++)
        tmp[i] = items[e[i].idx];
    memcpy(items, tmp, n * sizeof *items);
    rc = 0;
out:
    buf_free(&arena);
    free(sc.u16);
    free(sc.key);
    free(tmp);
    free(e);
    return rc;
}

/* Same notion of "valid" as make_key: u_strFromUTF8 accepts it.  A preflight
 * (no buffer) reports overflow for valid text and an error for invalid. */
static int utf8_valid(const char *s)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;

    u_strFromUTF8(NULL, 0, &n, s, -1, &st);
    return U_SUCCESS(st) || st == U_BUFFER_OVERFLOW_ERROR;
}

int collate_compare(struct collate *c, const char *a, const char *b)
{
    UErrorCode st = U_ZERO_ERROR;
    int va, vb, r;

    if (a == NULL)
        a = "";
    if (b == NULL)
        b = "";
    va = utf8_valid(a);
    vb = utf8_valid(b);
    if (va != vb)
        return va ? -1 : 1;
    if (va && c != NULL) {
        r = ucol_strcollUTF8(c->coll, a, -1, b, -1, &st);
        if (U_SUCCESS(st))
            return r < 0 ? -1 : r > 0 ? 1 : 0;
    }
    /* Both invalid, no collator, or ICU failed: bytes, deterministically. */
    r = strcmp(a, b);
    return r < 0 ? -1 : r > 0 ? 1 : 0;
}
