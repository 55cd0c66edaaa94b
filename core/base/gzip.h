/* gzip.h - gzip bodies (RFC 1952) with zlib, and reading Accept-Encoding.
 *
 * Used for cached renders (an agenda of 120 items is 57 KB of JSON and
 * about 5 KB gzipped): compressed once per data generation, then sent by
 * reference to every client that accepts gzip. */
#ifndef SAIETS_GZIP_H
#define SAIETS_GZIP_H

#include <stddef.h>

/* Bodies shorter than this are sent as they are: gzip would save less
 * than its own header and the client's work. */
#define GZ_MIN_BYTES 1024

/* A gzip member holding in[0..len); malloc'd, *outlen set, or NULL when
 * out of memory. */
char *gz_compress(const char *in, size_t len, size_t *outlen);

/* 1 when an Accept-Encoding value (NULL: header absent) accepts gzip:
 * "gzip" or "x-gzip" or "*" listed without q=0, case-insensitively. */
int gz_accepted(const char *accept_encoding);

#endif
