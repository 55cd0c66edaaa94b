/* plugin_json.h - loading the JSON files of a plugin package.
 *
 * manifest.json and locale/xx.json are untrusted text.  They are loaded the
 * same way: bounded in size, duplicate keys refused (which of two "api"
 * values counts would otherwise be the parser's choice), and refusals that
 * name the file, and the key where jansson says which. */
#ifndef SAIETS_PLUGIN_JSON_H
#define SAIETS_PLUGIN_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "errors.h"

/* Parses len bytes of text (NULL: none) as one JSON object of at most
 * max_bytes.  Returns it (new reference), or NULL with *e set:
 * ERR_INVALID_PLUGIN, the message starting with `file: `; for a duplicate
 * key the field is that key. */
json_t *plugin_json_load(const char *file, const char *text, size_t len, size_t max_bytes,
                         struct err *e);

#endif
