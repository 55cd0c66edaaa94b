/* plugin_settings.c - the settings schema a manifest declares, and a
 * meeting's settings checked against it; see plugin_manifest.h.
 *
 * One function, value_ok, decides what a setting accepts, and one,
 * describe_allowed, says it in words; the schema's own default and options
 * and an organizer's values all go through the same two, so the rules cannot
 * drift apart. */
#include "plugin_manifest.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plugin_manifest_internal.h"

enum setting_type { SET_INTEGER, SET_NUMBER, SET_BOOLEAN, SET_STRING, SET_UNKNOWN };

static const char *const type_names[] = {"integer", "number", "boolean", "string", NULL};

static const char *const schema_members[] = {"type", "default", "min", "max", "options",
                                             "max_length", "title", "description", NULL};
#define SCHEMA_MEMBERS_TEXT "type, default, min, max, options, max_length, title, description"

/* "settings." and a key: the path of a setting, and the prefix of its
 * members' paths (which fit in 96 bytes, struct err's field). */
#define SETTING_PATH_BYTES (9 + PLUGIN_SETTING_KEY_MAX + 1)

static int out_of_memory(struct err *e)
{
    return err_set(e, ERR_INTERNAL, NULL, "out of memory");
}

static enum setting_type type_named(const char *name)
{
    for (int i = 0; name != NULL && type_names[i]; i++)
        if (strcmp(type_names[i], name) == 0)
            return (enum setting_type)i;
    return SET_UNKNOWN;
}

static enum setting_type type_of(json_t *schema)
{
    return type_named(json_string_value(json_object_get(schema, "type")));
}

static int setting_key_ok(const char *k)
{
    size_t n = strlen(k);

    if (n == 0 || n > PLUGIN_SETTING_KEY_MAX || k[0] < 'a' || k[0] > 'z')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
            return 0;
    return 1;
}

/* --- what a setting accepts -------------------------------------------- */

/* v (a number of the setting's type) within min and max; integers are
 * compared as integers, so that 2^53 + 1 is not rounded into range. */
static int in_range(json_t *schema, json_t *v, enum setting_type t)
{
    json_t *min = json_object_get(schema, "min"), *max = json_object_get(schema, "max");

    if (t == SET_INTEGER)
        return (min == NULL || json_integer_value(v) >= json_integer_value(min)) &&
               (max == NULL || json_integer_value(v) <= json_integer_value(max));
    return (min == NULL || json_number_value(v) >= json_number_value(min)) &&
           (max == NULL || json_number_value(v) <= json_number_value(max));
}

static int string_ok(json_t *schema, json_t *v)
{
    json_int_t max = json_integer_value(json_object_get(schema, "max_length"));
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);

    /* A character has at most 4 bytes: a longer text need not be counted. */
    if (strlen(s) != len || (json_int_t)len > max * 4)
        return 0;
    return (json_int_t)jf_utf8_chars(s) <= max && !jf_text_has_controls(s, 1);
}

static int listed(json_t *list, json_t *v)
{
    size_t i;
    json_t *o;

    json_array_foreach(list, i, o) if (json_equal(o, v)) return 1;
    return 0;
}

/* 1 when the (normalised) schema allows v. */
static int value_ok(json_t *schema, json_t *v)
{
    enum setting_type t = type_of(schema);
    json_t *options = json_object_get(schema, "options");
    int ok = 0;

    switch (t) {
    case SET_INTEGER:
        ok = json_is_integer(v) && in_range(schema, v, t);
        break;
    case SET_NUMBER:
        ok = json_is_number(v) && isfinite(json_number_value(v)) && in_range(schema, v, t);
        break;
    case SET_BOOLEAN:
        ok = json_is_boolean(v);
        break;
    case SET_STRING:
        ok = json_is_string(v) && string_ok(schema, v);
        break;
    case SET_UNKNOWN:
        break;
    }
    return ok && (options == NULL || listed(options, v));
}

/* --- what a setting accepts, in words ----------------------------------- */

/* A bounded text that is appended to; whatever does not fit is cut. */
struct words {
    char *p;
    size_t size, len;
};

static void words_add(struct words *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void words_add(struct words *w, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (w->len + 1 >= w->size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(w->p + w->len, w->size - w->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->len = w->len + (size_t)n >= w->size ? w->size - 1 : w->len + (size_t)n;
}

static void words_number(struct words *w, json_t *v)
{
    if (json_is_integer(v))
        words_add(w, "%lld", (long long)json_integer_value(v));
    else
        words_add(w, "%.15g", json_number_value(v));
}

static void describe_range(json_t *schema, struct words *w)
{
    json_t *min = json_object_get(schema, "min"), *max = json_object_get(schema, "max");

    if (min && max) {
        words_add(w, " from ");
        words_number(w, min);
        words_add(w, " to ");
        words_number(w, max);
    } else if (min) {
        words_add(w, " of at least ");
        words_number(w, min);
    } else if (max) {
        words_add(w, " of at most ");
        words_number(w, max);
    }
}

static void describe_options(json_t *options, struct words *w)
{
    size_t i;
    json_t *o;

    words_add(w, "one of: ");
    json_array_foreach(options, i, o) {
        /* Leave room to say that the list goes on. */
        if (w->len + 48 >= w->size) {
            words_add(w, "...");
            return;
        }
        if (i > 0)
            words_add(w, ", ");
        if (json_is_string(o))
            words_add(w, "\"%.40s\"", json_string_value(o));
        else
            words_number(w, o);
    }
}

/* What the schema allows, in words, to follow "must be ". */
static void describe_allowed(json_t *schema, char *dst, size_t size)
{
    struct words w = {dst, size, 0};
    json_t *options = json_object_get(schema, "options");

    dst[0] = '\0';
    if (options != NULL) {
        describe_options(options, &w);
        return;
    }
    switch (type_of(schema)) {
    case SET_INTEGER:
        words_add(&w, "a JSON integer (like 3, not 3.0)");
        describe_range(schema, &w);
        break;
    case SET_NUMBER:
        words_add(&w, "a finite number");
        describe_range(schema, &w);
        break;
    case SET_BOOLEAN:
        words_add(&w, "true or false");
        break;
    case SET_STRING:
        words_add(&w, "a text of at most %lld characters without control characters "
                      "(line breaks and tabs are allowed)",
                  (long long)json_integer_value(json_object_get(schema, "max_length")));
        break;
    case SET_UNKNOWN:
        words_add(&w, "valid");
        break;
    }
}

/* --- the schema of one setting -------------------------------------------- */

static int check_members(json_t *def, const char *path, struct err *e)
{
    char sub[96];
    struct err tmp;

    if (jf_check_keys(def, schema_members, NULL, &tmp) == 0)
        return 0;
    snprintf(sub, sizeof sub, "%s.%.32s", path, tmp.field);
    return manifest_fail(e, sub, "is not a known member (known: " SCHEMA_MEMBERS_TEXT ")");
}

static enum setting_type read_type(json_t *def, const char *path, struct err *e)
{
    enum setting_type t = type_named(json_string_value(json_object_get(def, "type")));
    char sub[96];

    if (t == SET_UNKNOWN) {
        snprintf(sub, sizeof sub, "%s.type", path);
        manifest_fail(e, sub, "must be one of: integer, number, boolean, string");
    }
    return t;
}

/* out[member] = {"lv": lv, "en": en}. */
static int set_lv_en(json_t *out, const char *member, const char *lv, const char *en,
                     struct err *e)
{
    if (json_object_set_new(out, member, json_pack("{s:s, s:s}", "lv", lv, "en", en)) < 0)
        return out_of_memory(e);
    return 0;
}

/* title (required) and description (optional), each in lv and en. */
static int read_setting_texts(json_t *def, const char *path, json_t *out, struct err *e)
{
    char lv[JF_TEXT_BYTES(PLUGIN_DESCRIPTION_MAX)], en[JF_TEXT_BYTES(PLUGIN_DESCRIPTION_MAX)];
    char sub[96];
    int rc;

    snprintf(sub, sizeof sub, "%s.title", path);
    rc = manifest_read_lv_en(def, "title", sub, PLUGIN_TITLE_MAX, 0, lv, en, e);
    if (rc == JF_ABSENT)
        return manifest_fail(e, sub, "is required: {\"lv\": \"...\", \"en\": \"...\"}");
    if (rc < 0 || set_lv_en(out, "title", lv, en, e) < 0)
        return -1;
    snprintf(sub, sizeof sub, "%s.description", path);
    rc = manifest_read_lv_en(def, "description", sub, PLUGIN_DESCRIPTION_MAX, 1, lv, en, e);
    if (rc < 0 || (rc == JF_SET && set_lv_en(out, "description", lv, en, e) < 0))
        return -1;
    return 0;
}

/* max_length: strings only; always present in a string's normalised schema. */
static int read_max_length(json_t *def, enum setting_type t, const char *path, json_t *out,
                           struct err *e)
{
    json_t *v = json_object_get(def, "max_length");
    json_int_t n = PLUGIN_SETTING_LENGTH_DEFAULT;
    char sub[96];

    snprintf(sub, sizeof sub, "%s.max_length", path);
    if (v != NULL) {
        if (t != SET_STRING)
            return manifest_fail(e, sub, "is only for string settings");
        n = json_integer_value(v);
        if (!json_is_integer(v) || n < 1 || n > PLUGIN_SETTING_LENGTH_MAX)
            return manifest_fail(e, sub, "must be an integer from 1 to %d (default %d)",
                                 PLUGIN_SETTING_LENGTH_MAX, PLUGIN_SETTING_LENGTH_DEFAULT);
    }
    if (t == SET_STRING && json_object_set_new(out, "max_length", json_integer(n)) < 0)
        return out_of_memory(e);
    return 0;
}

/* def[member] ("min" or "max") into out, when given. */
static int read_bound(json_t *def, const char *member, enum setting_type t, const char *path,
                      json_t *out, struct err *e)
{
    json_t *v = json_object_get(def, member);
    char sub[96];

    if (v == NULL)
        return 0;
    snprintf(sub, sizeof sub, "%s.%s", path, member);
    if (t != SET_INTEGER && t != SET_NUMBER)
        return manifest_fail(e, sub, "is only for integer and number settings");
    if (t == SET_INTEGER && !json_is_integer(v))
        return manifest_fail(e, sub, "must be a JSON integer (like 3, not 3.0)");
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return manifest_fail(e, sub, "must be a finite number");
    if (json_object_set_new(out, member, json_copy(v)) < 0)
        return out_of_memory(e);
    return 0;
}

static int read_bounds(json_t *def, enum setting_type t, const char *path, json_t *out,
                       struct err *e)
{
    json_t *min, *max;
    char sub[96];
    int inverted;

    if (read_bound(def, "min", t, path, out, e) < 0 || read_bound(def, "max", t, path, out, e) < 0)
        return -1;
    min = json_object_get(out, "min");
    max = json_object_get(out, "max");
    if (min == NULL || max == NULL)
        return 0;
    inverted = t == SET_INTEGER ? json_integer_value(min) > json_integer_value(max)
                                : json_number_value(min) > json_number_value(max);
    snprintf(sub, sizeof sub, "%s.min", path);
    return inverted ? manifest_fail(e, sub, "must not be greater than max") : 0;
}

/* options: strings and integers only; each valid for the rest of the schema. */
static int read_options(json_t *def, enum setting_type t, const char *path, json_t *out,
                        struct err *e)
{
    json_t *opts = json_object_get(def, "options"), *o, *list;
    char sub[96], allowed[160];
    size_t i;

    if (opts == NULL)
        return 0;
    snprintf(sub, sizeof sub, "%s.options", path);
    if (t != SET_STRING && t != SET_INTEGER)
        return manifest_fail(e, sub, "is only for string and integer settings");
    if (!json_is_array(opts) || json_array_size(opts) == 0 ||
        json_array_size(opts) > PLUGIN_SETTING_OPTIONS_MAX)
        return manifest_fail(e, sub, "must be a list of 1 to %d distinct values",
                             PLUGIN_SETTING_OPTIONS_MAX);
    describe_allowed(out, allowed, sizeof allowed); /* before options join the schema */
    list = json_array();
    if (list == NULL)
        return out_of_memory(e);
    json_array_foreach(opts, i, o) {
        snprintf(sub, sizeof sub, "%s.options[%zu]", path, i);
        if (!value_ok(out, o) || listed(list, o)) {
            int twice = value_ok(out, o);
            json_decref(list);
            return twice ? manifest_fail(e, sub, "is listed twice")
                         : manifest_fail(e, sub, "must be %s", allowed);
        }
        if (json_array_append_new(list, json_copy(o)) < 0) {
            json_decref(list);
            return out_of_memory(e);
        }
    }
    if (json_object_set_new(out, "options", list) < 0)
        return out_of_memory(e);
    return 0;
}

/* default: required, and valid for the schema read so far (all of it). */
static int read_default(json_t *def, const char *path, json_t *out, struct err *e)
{
    json_t *v = json_object_get(def, "default");
    char sub[96], allowed[160];

    snprintf(sub, sizeof sub, "%s.default", path);
    if (v == NULL)
        return manifest_fail(e, sub, "is required");
    if (!value_ok(out, v)) {
        describe_allowed(out, allowed, sizeof allowed);
        return manifest_fail(e, sub, "must be %s", allowed);
    }
    if (json_object_set_new(out, "default", json_copy(v)) < 0)
        return out_of_memory(e);
    return 0;
}

/* One setting's schema, normalised; NULL with *e set. */
static json_t *parse_setting(const char *key, json_t *def, struct err *e)
{
    enum setting_type t;
    json_t *out;
    char path[SETTING_PATH_BYTES];

    snprintf(path, sizeof path, "settings.%s", key); /* the key is checked: it fits */
    if (!json_is_object(def)) {
        manifest_fail(e, path, "must be an object {\"type\": ..., \"default\": ..., "
                               "\"title\": {\"lv\": ..., \"en\": ...}}");
        return NULL;
    }
    if (check_members(def, path, e) < 0)
        return NULL;
    t = read_type(def, path, e);
    if (t == SET_UNKNOWN)
        return NULL;
    out = json_pack("{s:s}", "type", type_names[t]);
    if (out == NULL) {
        out_of_memory(e);
        return NULL;
    }
    /* Constraints before the default, which must meet all of them. */
    if (read_setting_texts(def, path, out, e) < 0 || read_max_length(def, t, path, out, e) < 0 ||
        read_bounds(def, t, path, out, e) < 0 || read_options(def, t, path, out, e) < 0 ||
        read_default(def, path, out, e) < 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

json_t *plugin_settings_schema(json_t *settings, struct err *e)
{
    const char *key;
    json_t *def, *out;
    char path[96];

    if (!json_is_object(settings)) {
        manifest_fail(e, "settings", "must be an object of setting key -> {\"type\": ..., "
                                     "\"default\": ..., \"title\": ...}");
        return NULL;
    }
    if (json_object_size(settings) > PLUGIN_SETTINGS_MAX) {
        manifest_fail(e, "settings", "may declare at most %d settings", PLUGIN_SETTINGS_MAX);
        return NULL;
    }
    out = json_object();
    if (out == NULL) {
        out_of_memory(e);
        return NULL;
    }
    json_object_foreach(settings, key, def) {
        json_t *parsed;
        if (!setting_key_ok(key)) {
            snprintf(path, sizeof path, "settings.%.60s", key);
            manifest_fail(e, path, "is not a setting key: [a-z][a-z0-9_]{0,39}");
            goto fail;
        }
        parsed = parse_setting(key, def, e);
        if (parsed == NULL)
            goto fail;
        if (json_object_set_new(out, key, parsed) < 0) {
            out_of_memory(e);
            goto fail;
        }
    }
    return out;
fail:
    json_decref(out);
    return NULL;
}

/* --- a meeting's settings --------------------------------------------------- */

static int refuse_unknown_settings(json_t *schema, json_t *given, struct err *e)
{
    const char *key;
    json_t *v;
    char field[96];

    json_object_foreach(given, key, v) {
        (void)v;
        if (json_object_get(schema, key) == NULL) {
            snprintf(field, sizeof field, "settings.%.60s", key);
            return err_set(e, ERR_UNKNOWN_FIELD, field, "%s: this plugin has no such setting",
                           field);
        }
    }
    return 0;
}

json_t *plugin_settings_check(json_t *schema, json_t *given, struct err *e)
{
    const char *key;
    json_t *def, *out;
    char field[96], allowed[160];

    if (given != NULL && !json_is_null(given) && !json_is_object(given)) {
        err_set(e, ERR_INVALID_FIELD, "settings", "settings: must be an object");
        return NULL;
    }
    if (json_is_object(given) && refuse_unknown_settings(schema, given, e) < 0)
        return NULL;
    out = json_object();
    if (out == NULL) {
        out_of_memory(e);
        return NULL;
    }
    json_object_foreach(schema, key, def) {
        json_t *v = json_object_get(given, key); /* NULL when given is not an object */
        if (v == NULL || json_is_null(v)) {
            v = json_object_get(def, "default");
        } else if (!value_ok(def, v)) {
            snprintf(field, sizeof field, "settings.%s", key);
            describe_allowed(def, allowed, sizeof allowed);
            err_set(e, ERR_INVALID_FIELD, field, "%s: must be %s", field, allowed);
            goto fail;
        }
        if (json_object_set_new(out, key, json_copy(v)) < 0) {
            out_of_memory(e);
            goto fail;
        }
    }
    return out;
fail:
    json_decref(out);
    return NULL;
}
