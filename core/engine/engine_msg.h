/* engine_msg.h - the error messages of the pure engines (seat allocation,
 * transport): one helper that formats into the caller's (err, errsz), so
 * that every engine fills that argument the same way.  libc only. */
#ifndef SAIETS_ENGINE_MSG_H
#define SAIETS_ENGINE_MSG_H

#include <stddef.h>

/* Formats like snprintf into buf, at most n bytes, NUL-terminated; buf NULL
 * or n 0 writes nothing.  Returns -1, so that a failing check can end with
 * `return eng_msgf(err, errsz, ...);`. */
int eng_msgf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
