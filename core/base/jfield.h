/* jfield.h - reading fields out of untrusted JSON objects (jansson).
 *
 * Every reader validates type and bounds and reports a struct err that names
 * the field, so handlers and domain code read like a list of rules.  Text is
 * copied, trimmed of surrounding white space, into caller-owned fixed
 * buffers: input sizes are bounded by construction.  A reader leaves its
 * output untouched when the key is absent (so PATCH can apply onto the
 * current values), and empties text outputs on an explicit null. */
#ifndef SAIETS_JFIELD_H
#define SAIETS_JFIELD_H

#include <jansson.h>
#include <stddef.h>

#include "errors.h"

/* Results of the readers below. */
#define JF_ABSENT 0   /* key not present */
#define JF_SET 1      /* value read into *out */
#define JF_NULL 2     /* explicit null (only with JF_NULLABLE) */

/* Flags. */
#define JF_REQUIRED 1u   /* absent, null or empty -> missing_field */
#define JF_NULLABLE 2u   /* null is allowed and reported as JF_NULL */
#define JF_MULTILINE 4u  /* allow LF and TAB inside text */
#define JF_NO_BIDI 8u    /* refuse bidirectional formatting (names: jf_text_has_bidi) */

/* Bytes needed to hold `chars` UTF-8 characters plus a NUL. */
#define JF_TEXT_BYTES(chars) ((chars) * 4 + 1)

/* Refuses keys not in `allowed` (unknown_field) and keys in `forbidden`
 * (forbidden_field).  Either list may be NULL; lists end with NULL. */
int jf_check_keys(json_t *obj, const char *const *allowed,
                  const char *const *forbidden, struct err *e);

/* Text of at most max_chars characters (after trimming), without control
 * characters.  dst must hold JF_TEXT_BYTES(max_chars). */
int jf_text(json_t *obj, const char *key, unsigned flags, size_t max_chars,
            char *dst, size_t dstsz, struct err *e);

int jf_int(json_t *obj, const char *key, unsigned flags, long long min,
           long long max, long long *out, struct err *e);

int jf_bool(json_t *obj, const char *key, unsigned flags, int *out,
            struct err *e);

/* A date YYYY-MM-DD that exists in the calendar; dst holds 11 bytes. */
int jf_date(json_t *obj, const char *key, unsigned flags, char dst[11],
            struct err *e);

/* An RFC 3339 time with an explicit offset, as unix seconds. */
int jf_time(json_t *obj, const char *key, unsigned flags, long long *out,
            struct err *e);

/* Number of UTF-8 characters in a valid UTF-8 string. */
size_t jf_utf8_chars(const char *s);

/* 1 when s has a control character (C0, DEL or C1; TAB and LF are allowed
 * if multiline), else 0. */
int jf_text_has_controls(const char *s, int multiline);

/* 1 when s has a bidirectional formatting character: the embeddings and
 * overrides U+202A-U+202E, the isolates U+2066-U+2069, or the marks U+200E,
 * U+200F, U+061C; else 0.  In a name they reverse or reorder how a list
 * shows it and the text around it, invisibly. */
int jf_text_has_bidi(const char *s);

#endif
