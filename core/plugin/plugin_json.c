/* plugin_json.c - loading a plugin's JSON files; see plugin_json.h. */
#include "plugin_json.h"

#include <string.h>

/* The key jansson names in a duplicate key error (its text ends with
 * near '"KEY"'), into key[size]; 0 when it names none. */
static int duplicate_key(const json_error_t *je, char *key, size_t size)
{
    const char *p = strstr(je->text, "near '\"");
    const char *end;
    size_t n;

    if (json_error_code(je) != json_error_duplicate_key || p == NULL)
        return 0;
    p += strlen("near '\"");
    end = strrchr(p, '"');
    if (end == NULL || end == p)
        return 0;
    n = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
    memcpy(key, p, n);
    key[n] = '\0';
    return 1;
}

static void set_parse_error(const char *file, const json_error_t *je, struct err *e)
{
    char key[64];

    if (duplicate_key(je, key, sizeof key))
        err_set(e, ERR_INVALID_PLUGIN, key,
                "%s: \"%s\" is given twice in one object (line %d, column %d)", file, key,
                je->line, je->column);
    else
        err_set(e, ERR_INVALID_PLUGIN, NULL, "%s: line %d, column %d: %s", file, je->line,
                je->column, je->text);
}

json_t *plugin_json_load(const char *file, const char *text, size_t len, size_t max_bytes,
                         struct err *e)
{
    json_error_t je;
    json_t *root;

    if (text == NULL)
        len = 0;
    if (len > max_bytes) {
        err_set(e, ERR_INVALID_PLUGIN, NULL, "%s: larger than %zu bytes", file, max_bytes);
        return NULL;
    }
    root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        set_parse_error(file, &je, e);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        err_set(e, ERR_INVALID_PLUGIN, NULL, "%s: must be a JSON object", file);
        return NULL;
    }
    return root;
}
