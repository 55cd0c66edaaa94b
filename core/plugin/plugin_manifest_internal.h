/* plugin_manifest_internal.h - helpers shared by plugin_manifest.c and
 * plugin_settings.c, so that both word their refusals the same way. */
#ifndef SAIETS_PLUGIN_MANIFEST_INTERNAL_H
#define SAIETS_PLUGIN_MANIFEST_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "errors.h"

/* Sets ERR_INVALID_PLUGIN with field `path` and the message
 * `manifest.json: "PATH" <what>`; returns -1. */
int manifest_fail(struct err *e, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads obj[member], named `path` in messages, as a text in both languages:
 * {"lv": "...", "en": "..."}, each non-empty after trimming and at most
 * max_chars characters, no control characters (line breaks and tabs allowed
 * when multiline), no other members.  lv and en hold JF_TEXT_BYTES(max_chars)
 * bytes.  JF_ABSENT (outputs untouched), JF_SET, or -1 with *e set. */
int manifest_read_lv_en(json_t *obj, const char *member, const char *path,
                        size_t max_chars, int multiline, char *lv, char *en,
                        struct err *e);

#endif
