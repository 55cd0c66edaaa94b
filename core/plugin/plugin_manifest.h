/* plugin_manifest.h - a plugin's manifest.json: what it is and what it needs.
 *
 * An admin installs plugins written by others, so the manifest is untrusted
 * input: it is parsed with every size bounded, strictly (an unknown key is an
 * error, not ignored, so a misspelt "prority" does not silently mean 0), and
 * every refusal names the key: `manifest.json: "version" must be semver like
 * 1.2.0`, code ERR_INVALID_PLUGIN, field the key's path ("settings.seats.min").
 *
 * The manifest also declares the plugin's settings: a small schema checked
 * here, in C, both when the plugin is installed (the schema itself) and when
 * an organizer sets a meeting's values (plugin_settings_check).
 *
 * Pure functions: no storage, no Lua.  The format is described in
 * docs/plugins.md. */
#ifndef SAIETS_PLUGIN_MANIFEST_H
#define SAIETS_PLUGIN_MANIFEST_H

#include <jansson.h>
#include <stddef.h>

#include "errors.h"
#include "jfield.h"
#include "plugin_name.h"

/* --- semantic versions (semver.org 2.0.0) ------------------------------- */

#define SEMVER_MAX 64 /* characters of a whole version text, build included */

struct semver {
    int major, minor, patch;
    char pre[SEMVER_MAX + 1];   /* prerelease identifiers ("rc.1"), "" for a release */
    char build[SEMVER_MAX + 1]; /* build metadata, "" when none; ignored in order */
};

/* Parses MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]: numbers without leading
 * zeros that fit an int; prerelease and build are dot-separated non-empty
 * [0-9A-Za-z-] identifiers, numeric prerelease ones without leading zeros.
 * At most SEMVER_MAX characters.  0, or -1 (with *v untouched). */
int semver_parse(const char *s, struct semver *v);

/* Semver precedence: <0 when a is older than b, 0 when equal (build
 * metadata ignored), >0 when newer.  A prerelease is older than its release;
 * numeric identifiers compare as numbers and are older than alphanumeric. */
int semver_compare(const struct semver *a, const struct semver *b);

/* --- the manifest -------------------------------------------------------- */

#define PLUGIN_MANIFEST_MAX_BYTES (64 * 1024)
#define PLUGIN_API_MIN 1 /* plugin API versions this server supports */
#define PLUGIN_API_MAX 1
#define PLUGIN_TITLE_MAX 120        /* characters, after trimming */
#define PLUGIN_DESCRIPTION_MAX 1000 /* characters, after trimming */
#define PLUGIN_PRIORITY_MIN (-1000)
#define PLUGIN_PRIORITY_MAX 1000
#define PLUGIN_AUTHOR_MAX 200
#define PLUGIN_LICENSE_MAX 100
#define PLUGIN_HOMEPAGE_MAX 500

/* Host data a plugin may read ("reads"), one bit each. */
enum plugin_read {
    PLUGIN_READ_MEETINGS = 1u << 0,
    PLUGIN_READ_REGISTRATIONS = 1u << 1,
    PLUGIN_READ_ORGANISATIONS = 1u << 2,
    PLUGIN_READ_AGENDA = 1u << 3,
    PLUGIN_READ_SITE_VISITS = 1u << 4,
};
#define PLUGIN_READ_COUNT 5

/* The bit of a "reads" name ("site_visits"), or 0 for an unknown name. */
unsigned plugin_read_bit(const char *name);
/* The name of one PLUGIN_READ_* bit, or NULL. */
const char *plugin_read_name(unsigned bit);

struct plugin_manifest {
    char name[PLUGIN_NAME_MAX + 1];       /* plugin_name_ok */
    char version[SEMVER_MAX + 1];         /* as written */
    struct semver semver;                 /* the same, parsed */
    int api;                              /* PLUGIN_API_MIN..PLUGIN_API_MAX */
    /* Trimmed texts; titles are one line, descriptions may have line breaks. */
    char title_lv[JF_TEXT_BYTES(PLUGIN_TITLE_MAX)];
    char title_en[JF_TEXT_BYTES(PLUGIN_TITLE_MAX)];
    char description_lv[JF_TEXT_BYTES(PLUGIN_DESCRIPTION_MAX)];
    char description_en[JF_TEXT_BYTES(PLUGIN_DESCRIPTION_MAX)];
    int priority;                         /* hooks: higher first, then by name; 0 */
    unsigned reads;                       /* PLUGIN_READ_* bits; 0 when absent */
    /* Informational, "" when absent. */
    char author[JF_TEXT_BYTES(PLUGIN_AUTHOR_MAX)];
    char license[JF_TEXT_BYTES(PLUGIN_LICENSE_MAX)];
    char homepage[JF_TEXT_BYTES(PLUGIN_HOMEPAGE_MAX)]; /* http:// or https:// */
    /* The settings schema, normalised (see plugin_settings_schema): an
     * object, never NULL after a successful parse ({} when none). */
    json_t *settings;
};

/* Parses and checks manifest.json (len bytes of text, at most
 * PLUGIN_MANIFEST_MAX_BYTES).  *m is overwritten: clear a previous manifest
 * first.  0, or -1 with *e set (ERR_INVALID_PLUGIN) and *m cleared. */
int plugin_manifest_parse(const char *text, size_t len, struct plugin_manifest *m,
                          struct err *e);

/* Frees what *m holds and zeroes it; safe on a zeroed or cleared manifest. */
void plugin_manifest_clear(struct plugin_manifest *m);

/* The manifest for the admin listing (new reference, NULL when out of
 * memory): name, version, api, title {lv,en}, description {lv,en}, priority,
 * reads (names, in the order of enum plugin_read), settings (the normalised
 * schema), and author, license, homepage when given. */
json_t *plugin_manifest_to_json(const struct plugin_manifest *m);

/* Hook order, for qsort: <0 when a's hooks run before b's (higher priority
 * first, then by name). */
int plugin_manifest_hook_order(const struct plugin_manifest *a,
                               const struct plugin_manifest *b);

/* --- settings ------------------------------------------------------------- */

#define PLUGIN_SETTINGS_MAX 32         /* settings per plugin */
#define PLUGIN_SETTING_KEY_MAX 40      /* [a-z][a-z0-9_]{0,39} */
#define PLUGIN_SETTING_OPTIONS_MAX 50
#define PLUGIN_SETTING_LENGTH_DEFAULT 200 /* a string's max_length when not given */
#define PLUGIN_SETTING_LENGTH_MAX 2000

/* Checks the "settings" member of a manifest and returns it normalised (new
 * reference): per key {type, default, title {lv,en}, and when given or
 * implied: description {lv,en}, min, max, options, max_length (always for
 * strings)}.  NULL with *e set (ERR_INVALID_PLUGIN, field "settings.KEY...").
 * plugin_manifest_parse calls this; it is public for tests and tools. */
json_t *plugin_settings_schema(json_t *settings, struct err *e);

/* Checks a meeting's settings given by an organizer (an object; NULL or a
 * JSON null for none) against a normalised schema and returns a NEW complete
 * object: every setting of the schema, the given value or else its default
 * (a value given as null also means the default).  NULL with *e set: ERR_UNKNOWN_FIELD for a key the
 * schema lacks, ERR_INVALID_FIELD for a value it does not allow (field
 * "settings.KEY", the message says what is allowed), ERR_INTERNAL when out
 * of memory. */
json_t *plugin_settings_check(json_t *schema, json_t *given, struct err *e);

#endif
