/* jfield.c - validated field readers for JSON objects; see jfield.h. */
#include "jfield.h"

#include <string.h>

#include "timeutil.h"

size_t jf_utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

int jf_text_has_controls(const char *s, int multiline)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == 0x7F)
            return 1;
        /* C1 controls U+0080-U+009F are 0xC2 0x80-0x9F in (valid) UTF-8. */
        if (c == 0xC2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9F)
            return 1;
        if (c < 0x20 && !(multiline && (c == '\n' || c == '\t')))
            return 1;
    }
    return 0;
}

int jf_text_has_bidi(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;

    for (; *u; u++) {
        if (u[0] == 0xD8 && u[1] == 0x9C) /* U+061C */
            return 1;
        if (u[0] != 0xE2)
            continue;
        if (u[1] == 0x80 && (u[2] == 0x8E || u[2] == 0x8F || (u[2] >= 0xAA && u[2] <= 0xAE)))
            return 1; /* U+200E, U+200F, U+202A-U+202E */
        if (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)
            return 1; /* U+2066-U+2069 */
    }
    return 0;
}

static int in_list(const char *key, const char *const *list)
{
    if (list == NULL)
        return 0;
    for (; *list; list++)
        if (strcmp(*list, key) == 0)
            return 1;
    return 0;
}

int jf_check_keys(json_t *obj, const char *const *allowed,
                  const char *const *forbidden, struct err *e)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v) {
        (void)v;
        if (in_list(key, forbidden))
            return err_set(e, ERR_FORBIDDEN_FIELD, key,
                           "%s: may not be changed here", key);
        if (allowed && !in_list(key, allowed))
            return err_set(e, ERR_UNKNOWN_FIELD, key, "%s: unknown field", key);
    }
    return 0;
}

/* Shared head of every reader: absent / null / required handling.
 * Returns JF_SET when the caller should read *v, else a final result. */
static int jf_lookup(json_t *obj, const char *key, unsigned flags, json_t **v,
                     struct err *e)
{
    *v = json_object_get(obj, key);
    if (*v == NULL) {
        if (flags & JF_REQUIRED)
            return err_set(e, ERR_MISSING_FIELD, key, "%s: required", key);
        return JF_ABSENT;
    }
    if (json_is_null(*v)) {
        if (flags & JF_REQUIRED)
            return err_set(e, ERR_MISSING_FIELD, key, "%s: required", key);
        if (flags & JF_NULLABLE)
            return JF_NULL;
        return err_set(e, ERR_INVALID_FIELD, key, "%s: may not be null", key);
    }
    return JF_SET;
}

int jf_text(json_t *obj, const char *key, unsigned flags, size_t max_chars,
            char *dst, size_t dstsz, struct err *e)
{
    json_t *v;
    const char *s;
    size_t len;
    int rc;

    rc = jf_lookup(obj, key, flags, &v, e);
    if (rc == JF_NULL)
        dst[0] = '\0';
    if (rc != JF_SET)
        return rc;
    if (!json_is_string(v))
        return err_set(e, ERR_INVALID_FIELD, key, "%s: must be a string", key);
    s = json_string_value(v);
    len = json_string_length(v);
    if (strlen(s) != len)
        return err_set(e, ERR_INVALID_FIELD, key, "%s: contains a NUL character", key);
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                       s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    if (len == 0 && (flags & JF_REQUIRED))
        return err_set(e, ERR_MISSING_FIELD, key, "%s: required", key);
    if (len >= dstsz)
        return err_set(e, ERR_INVALID_FIELD, key,
                       "%s: longer than %zu characters", key, max_chars);
    memcpy(dst, s, len);
    dst[len] = '\0';
    if (jf_utf8_chars(dst) > max_chars)
        return err_set(e, ERR_INVALID_FIELD, key,
                       "%s: longer than %zu characters", key, max_chars);
    if (jf_text_has_controls(dst, (flags & JF_MULTILINE) != 0))
        return err_set(e, ERR_INVALID_FIELD, key,
                       "%s: contains control characters", key);
    if ((flags & JF_NO_BIDI) && jf_text_has_bidi(dst))
        return err_set(e, ERR_INVALID_FIELD, key,
                       "%s: contains bidirectional formatting characters "
                       "(U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C)", key);
    return JF_SET;
}

int jf_int(json_t *obj, const char *key, unsigned flags, long long min,
           long long max, long long *out, struct err *e)
{
    json_t *v;
    long long n;
    int rc;

    rc = jf_lookup(obj, key, flags, &v, e);
    if (rc != JF_SET)
        return rc;
    if (!json_is_integer(v))
        return err_set(e, ERR_INVALID_FIELD, key, "%s: must be an integer", key);
    n = json_integer_value(v);
    if (n < min || n > max)
        return err_set(e, ERR_INVALID_FIELD, key,
                       "%s: must be between %lld and %lld", key, min, max);
    *out = n;
    return JF_SET;
}

int jf_bool(json_t *obj, const char *key, unsigned flags, int *out,
            struct err *e)
{
    json_t *v;
    int rc;

    rc = jf_lookup(obj, key, flags, &v, e);
    if (rc != JF_SET)
        return rc;
    if (!json_is_boolean(v))
        return err_set(e, ERR_INVALID_FIELD, key, "%s: must be true or false", key);
    *out = json_is_true(v);
    return JF_SET;
}

int jf_date(json_t *obj, const char *key, unsigned flags, char dst[11],
            struct err *e)
{
    json_t *v;
    int rc, y, m, d;

    rc = jf_lookup(obj, key, flags, &v, e);
    if (rc == JF_NULL)
        dst[0] = '\0';
    if (rc != JF_SET)
        return rc;
    if (!json_is_string(v) || tu_parse_date(json_string_value(v), &y, &m, &d) < 0)
        return err_set(e, ERR_INVALID_FIELD, key,
                       "%s: must be a date YYYY-MM-DD", key);
    memcpy(dst, json_string_value(v), 10);
    dst[10] = '\0';
    return JF_SET;
}

int jf_time(json_t *obj, const char *key, unsigned flags, long long *out,
            struct err *e)
{
    json_t *v;
    int rc;

    rc = jf_lookup(obj, key, flags, &v, e);
    if (rc != JF_SET)
        return rc;
    if (!json_is_string(v) || tu_parse_rfc3339(json_string_value(v), out) < 0)
        return err_set(e, ERR_INVALID_FIELD, key,
                       "%s: must be an RFC 3339 time with offset, "
                       "e.g. 2015-10-01T09:00:00+03:00", key);
    return JF_SET;
}
