/* plugin_locale.h - a plugin's messages (locale/xx.json) and looking them up.
 *
 * A plugin ships its texts per language, as a flat JSON object of message
 * keys to texts: {"greeting": "Sveiki, {name}!"}.  The files are untrusted
 * and checked here with every size bounded.  Plugins look texts up with
 * saiets.t(key, args), which comes down to plugin_locale_text: the requested
 * language, then lv (the site's own), then en, then the key itself, so that a
 * missing translation shows something findable instead of nothing.
 *
 * Pure functions: no files, no Lua. */
#ifndef SAIETS_PLUGIN_LOCALE_H
#define SAIETS_PLUGIN_LOCALE_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "errors.h"

#define PLUGIN_LOCALE_MAX_BYTES (256 * 1024) /* of one locale file */
#define PLUGIN_LOCALE_MAX_KEYS 500
#define PLUGIN_LOCALE_KEY_MAX 64             /* [a-z][a-z0-9_.-]{0,63} */
#define PLUGIN_LOCALE_TEXT_MAX 2000          /* characters of one message */
#define PLUGIN_LOCALE_ARG_MAX 64             /* characters of a {placeholder} name */
#define PLUGIN_LOCALE_OUT_MAX (16 * 1024)    /* bytes one lookup may append */

/* 1 for a language code as the files are named: [a-z]{2,3} ("lv", "ltg"). */
int plugin_locale_lang_ok(const char *lang);

/* 1 for a message key: [a-z][a-z0-9_.-]{0,63}. */
int plugin_locale_key_ok(const char *key);

/* Checks locale/LANG.json (len bytes, at most PLUGIN_LOCALE_MAX_BYTES): an
 * object of at most PLUGIN_LOCALE_MAX_KEYS message keys, each to a text of at
 * most PLUGIN_LOCALE_TEXT_MAX characters without control characters other
 * than line breaks and tabs; duplicate keys refused.  Returns it (new
 * reference), or NULL with *e set: ERR_INVALID_PLUGIN, field the message key
 * when one is to blame, the message naming the file and the key. */
json_t *plugin_locale_parse(const char *lang, const char *text, size_t len, struct err *e);

/* Appends tmpl with each {name} replaced by args[name] (args: an object, or
 * NULL): a string as it is, an integer in decimal, a real with up to 15
 * significant digits, a boolean as true or false.  A placeholder without
 * such an argument (or whose argument is null, a list or an object) stays
 * as written; substituted text is not scanned again.  A name is 1 to
 * PLUGIN_LOCALE_ARG_MAX of [A-Za-z0-9_].  At most PLUGIN_LOCALE_OUT_MAX
 * bytes are appended, cut between characters.  0, or -1 when out of memory. */
int plugin_locale_format(const char *tmpl, json_t *args, struct buf *out);

/* Appends the text of key: from locales[lang] (lang may be NULL), else
 * locales["lv"], else locales["en"], formatted with args as above; when no
 * language has the key, the key itself (bounded, without substitution).
 * locales is an object of language code -> parsed locale, any of them may
 * be absent.  0, or -1 when out of memory. */
int plugin_locale_text(json_t *locales, const char *lang, const char *key, json_t *args,
                       struct buf *out);

#endif
