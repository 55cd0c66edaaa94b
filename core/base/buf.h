/* buf.h - a growable byte buffer for building responses (JSON text, CSV, logs).
 *
 * Owns its memory; buf_free() releases it.  On allocation failure the buffer
 * enters a sticky "oom" state: later appends are no-ops and buf_ok() is false,
 * so callers check once at the end instead of after every append. */
#ifndef SAIETS_BUF_H
#define SAIETS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data;   /* NUL-terminated when len > 0 (or after buf_cstr) */
    size_t len;
    size_t cap;
    int oom;
};

#define BUF_INIT {NULL, 0, 0, 0}

void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *buf_cstr(struct buf *b); /* "" for an empty buffer */
/* s (NULL: nothing) with & < > " ' written as HTML entities. */
void buf_put_html(struct buf *b, const char *s);
int buf_ok(const struct buf *b);
void buf_reset(struct buf *b);       /* len = 0, keeps memory */
void buf_free(struct buf *b);

#endif
