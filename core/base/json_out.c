/* json_out.c - compact JSON text from jansson values; see json_out.h. */
#include "json_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 for the bytes a JSON string must escape: '"', '\\' and controls. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
};

/* s[0..n) is valid UTF-8: jansson checks every string it is given. */
static void put_string(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0, i = 0;

    buf_putc(b, '"');
    for (;;) {
        char esc[6];
        size_t len = 2;

        while (i < n && !needs_escape[u[i]])
            i++;
        buf_append(b, s + run, i - run);
        if (i == n)
            break;
        esc[0] = '\\';
        switch (u[i]) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[u[i] >> 4];
            esc[5] = hex[u[i] & 15];
            len = 6;
        }
        buf_append(b, esc, len);
        run = ++i;
    }
    buf_putc(b, '"');
}

/* The shortest of 15, 16 and 17 significant digits that reads back as
 * the same double: 56.51, not jansson's "%.17g" 56.509999999999998 (17
 * digits always read back, but show the binary fraction's noise).  Then
 * as jansson: ".0" when that reads as an integer, and the exponent without
 * '+' or leading zeros ("1e300", "1e-05" as "1e-5"). */
static int put_real(struct buf *b, double d)
{
    char text[40];
    int n = 0;

    if (!isfinite(d))
        return -1;
    for (int digits = 15; digits <= 17; digits++) {
        n = snprintf(text, sizeof text, "%.*g", digits, d);
        if (n < 0 || (size_t)n >= sizeof text - 2)
            return -1;
        /* strtod before the comma below: both in the same locale */
        if (digits == 17 || strtod(text, NULL) == d)
            break;
    }
    for (char *p = text; *p; p++)
        if (*p == ',') /* a locale's decimal comma */
            *p = '.';
    if (strpbrk(text, ".eE") == NULL) {
        memcpy(text + n, ".0", 3);
        n += 2;
    } else {
        char *e = strchr(text, 'e'), *digits, *from;

        if (e != NULL) {
            digits = e + 1;
            if (*digits == '-')
                digits++;
            from = digits;
            if (*from == '+')
                from++;
            if (e[1] == '+')
                digits = e + 1;
            while (*from == '0' && from[1] != '\0')
                from++;
            memmove(digits, from, strlen(from) + 1);
            n = (int)strlen(text);
        }
    }
    buf_append(b, text, (size_t)n);
    return 0;
}

static void put_integer(struct buf *b, json_int_t v)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    do
        tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        tmp[sizeof tmp - 1 - n++] = '-';
    buf_append(b, tmp + sizeof tmp - n, (size_t)n);
}

static int put_value(struct buf *b, const json_t *v, int depth)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *item;
        int first = 1;

        if (depth >= JSON_OUT_MAX_DEPTH)
            return -1;
        buf_putc(b, '{');
        json_object_foreach((json_t *)v, key, item) {
            if (!first)
                buf_putc(b, ',');
            first = 0;
            put_string(b, key, strlen(key));
            buf_putc(b, ':');
            if (put_value(b, item, depth + 1) < 0)
                return -1;
        }
        buf_putc(b, '}');
        return 0;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);

        if (depth >= JSON_OUT_MAX_DEPTH)
            return -1;
        buf_putc(b, '[');
        for (size_t i = 0; i < n; i++) {
            if (i > 0)
                buf_putc(b, ',');
            if (put_value(b, json_array_get(v, i), depth + 1) < 0)
                return -1;
        }
        buf_putc(b, ']');
        return 0;
    }
    case JSON_STRING:
        put_string(b, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER:
        put_integer(b, json_integer_value(v));
        return 0;
    case JSON_REAL:
        return put_real(b, json_real_value(v));
    case JSON_TRUE:
        buf_append(b, "true", 4);
        return 0;
    case JSON_FALSE:
        buf_append(b, "false", 5);
        return 0;
    case JSON_NULL:
        buf_append(b, "null", 4);
        return 0;
    }
    return -1;
}

int json_out(struct buf *b, const json_t *v)
{
    size_t start = b->len;

    if (v == NULL || put_value(b, v, 0) < 0 || !buf_ok(b)) {
        b->len = start;
        if (b->data)
            b->data[start] = '\0';
        return -1;
    }
    return 0;
}

char *json_out_text(const json_t *v)
{
    struct buf b = BUF_INIT;

    if (json_out(&b, v) < 0) {
        buf_free(&b);
        return NULL;
    }
    return b.data; /* json_out wrote at least "0": never empty */
}
