/* plugin_locale.c - plugin message files and lookups; see plugin_locale.h. */
#include "plugin_locale.h"

#include <stdio.h>
#include <string.h>

#include "jfield.h"
#include "plugin_json.h"

static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

int plugin_locale_lang_ok(const char *lang)
{
    size_t n = 0;

    if (lang == NULL)
        return 0;
    while (n <= 3 && is_lower(lang[n]))
        n++;
    return lang[n] == '\0' && n >= 2 && n <= 3;
}

int plugin_locale_key_ok(const char *key)
{
    size_t n;

    if (key == NULL || !is_lower(key[0]))
        return 0;
    for (n = 1; key[n]; n++)
        if (n >= PLUGIN_LOCALE_KEY_MAX ||
            !(is_lower(key[n]) || is_digit(key[n]) || key[n] == '_' || key[n] == '.' ||
              key[n] == '-'))
            return 0;
    return 1;
}

/* --- checking a file --------------------------------------------------------- */

/* One message; -1 with *e set naming file and key. */
static int check_message(const char *file, const char *key, json_t *v, struct err *e)
{
    const char *s = json_string_value(v);

    if (!plugin_locale_key_ok(key))
        return err_set(e, ERR_INVALID_PLUGIN, NULL, "%s: \"%.64s\" is not a message key: "
                                                    "[a-z][a-z0-9_.-]{0,63}", file, key);
    if (s == NULL || strlen(s) != json_string_length(v))
        return err_set(e, ERR_INVALID_PLUGIN, key, "%s: \"%s\" must be a text", file, key);
    if (jf_utf8_chars(s) > PLUGIN_LOCALE_TEXT_MAX)
        return err_set(e, ERR_INVALID_PLUGIN, key, "%s: \"%s\" is longer than %d characters",
                       file, key, PLUGIN_LOCALE_TEXT_MAX);
    if (jf_text_has_controls(s, 1))
        return err_set(e, ERR_INVALID_PLUGIN, key, "%s: \"%s\" has control characters "
                                                   "(only line breaks and tabs are allowed)",
                       file, key);
    return 0;
}

static int check_messages(const char *file, json_t *root, struct err *e)
{
    const char *key;
    json_t *v;

    if (json_object_size(root) > PLUGIN_LOCALE_MAX_KEYS)
        return err_set(e, ERR_INVALID_PLUGIN, NULL, "%s: has %zu messages, at most %d are "
                                                    "allowed", file, json_object_size(root),
                       PLUGIN_LOCALE_MAX_KEYS);
    json_object_foreach(root, key, v) if (check_message(file, key, v, e) < 0) return -1;
    return 0;
}

json_t *plugin_locale_parse(const char *lang, const char *text, size_t len, struct err *e)
{
    char file[32];
    json_t *root;

    if (!plugin_locale_lang_ok(lang)) {
        err_set(e, ERR_INVALID_PLUGIN, NULL, "locale: \"%.8s\" is not a language code: "
                                             "two or three lower-case letters",
                lang ? lang : "");
        return NULL;
    }
    snprintf(file, sizeof file, "locale/%s.json", lang);
    root = plugin_json_load(file, text, len, PLUGIN_LOCALE_MAX_BYTES, e);
    if (root == NULL)
        return NULL;
    if (check_messages(file, root, e) < 0) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* --- formatting ------------------------------------------------------------- */

/* Appends to a buffer at most `room` more bytes, then nothing. */
struct bounded {
    struct buf *out;
    size_t room;
};

static void put(struct bounded *b, const char *s, size_t n)
{
    if (n > b->room) {
        n = b->room;
        /* Cut before a character, not inside one (s[n] exists: n < length). */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        b->room = 0;
    } else {
        b->room -= n;
    }
    buf_append(b->out, s, n);
}

static void put_str(struct bounded *b, const char *s) { put(b, s, strlen(s)); }

/* Length of the placeholder name at s (after '{') when a '}' closes it, else 0. */
static size_t placeholder_length(const char *s)
{
    size_t n = 0;

    while (n < PLUGIN_LOCALE_ARG_MAX &&
           (is_lower(s[n]) || is_digit(s[n]) || (s[n] >= 'A' && s[n] <= 'Z') || s[n] == '_'))
        n++;
    return n > 0 && s[n] == '}' ? n : 0;
}

/* Appends v when it is a kind that has a text; 0 when it has none. */
static int put_value(struct bounded *b, json_t *v)
{
    char num[64];

    if (json_is_string(v)) {
        put_str(b, json_string_value(v)); /* up to a NUL inside, never past the end */
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        put_str(b, num);
    } else if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.15g", json_real_value(v));
        put_str(b, num);
    } else if (json_is_boolean(v)) {
        put_str(b, json_is_true(v) ? "true" : "false");
    } else {
        return 0;
    }
    return 1;
}

int plugin_locale_format(const char *tmpl, json_t *args, struct buf *out)
{
    struct bounded b = {out, PLUGIN_LOCALE_OUT_MAX};
    char name[PLUGIN_LOCALE_ARG_MAX + 1];
    const char *p = tmpl ? tmpl : "";

    while (*p && b.room > 0) {
        const char *open = strchr(p, '{');
        size_t n;
        if (open == NULL) {
            put_str(&b, p);
            break;
        }
        put(&b, p, (size_t)(open - p));
        n = placeholder_length(open + 1);
        memcpy(name, open + 1, n);
        name[n] = '\0';
        if (n > 0 && put_value(&b, json_object_get(args, name))) {
            p = open + n + 2;
        } else {
            put(&b, "{", 1); /* not a placeholder we can fill: leave it as written */
            p = open + 1;
        }
    }
    return buf_ok(out) ? 0 : -1;
}

/* locales[lang][key] as a text, or NULL. */
static const char *message_in(json_t *locales, const char *lang, const char *key)
{
    if (lang == NULL)
        return NULL;
    return json_string_value(json_object_get(json_object_get(locales, lang), key));
}

int plugin_locale_text(json_t *locales, const char *lang, const char *key, json_t *args,
                       struct buf *out)
{
    const char *tmpl;
    struct bounded b = {out, PLUGIN_LOCALE_OUT_MAX};

    if (key == NULL)
        return buf_ok(out) ? 0 : -1;
    tmpl = message_in(locales, lang, key);
    if (tmpl == NULL)
        tmpl = message_in(locales, "lv", key);
    if (tmpl == NULL)
        tmpl = message_in(locales, "en", key);
    if (tmpl != NULL)
        return plugin_locale_format(tmpl, args, out);
    put_str(&b, key);
    return buf_ok(out) ? 0 : -1;
}
