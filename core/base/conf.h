/* conf.h - reads a configuration file of "key = value" lines.
 *
 * The format, all of it: one setting a line; blank lines and lines whose
 * first non-blank character is '#' are ignored; a key is [a-z0-9_]+; the
 * value is the rest of the line after '=', without the blanks around it,
 * and may be empty.  A key given twice is an error (a typo would otherwise
 * be silently overridden).  The file is untrusted input like any other:
 * at most CONF_FILE_MAX bytes, lines of at most CONF_LINE_MAX bytes, no
 * control characters but tab. */
#ifndef SAIETS_CONF_H
#define SAIETS_CONF_H

#include <stddef.h>

#define CONF_FILE_MAX (64 * 1024)
#define CONF_LINE_MAX 1024
#define CONF_KEYS_MAX 64

/* Called for each setting in file order; returns 0, or -1 after writing a
 * message (without the file and line) into err. */
typedef int (*conf_fn)(const char *key, const char *value, void *arg, char *err,
                       size_t errlen);

/* 0, or -1 with "FILE:LINE: message" (or "FILE: message") in err. */
int conf_read(const char *path, conf_fn fn, void *arg, char *err, size_t errlen);

#endif
