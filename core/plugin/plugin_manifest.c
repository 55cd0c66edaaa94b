/* plugin_manifest.c - manifest.json and semantic versions; see plugin_manifest.h.
 * The settings schema is checked in plugin_settings.c. */
#include "plugin_manifest.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plugin_json.h"
#include "plugin_manifest_internal.h"

/* --- semver --------------------------------------------------------------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_identifier_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* 1 when s[0..n) is one or more digits and nothing else. */
static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

/* Reads MAJOR, MINOR or PATCH at *p (no leading zero, fits an int) and
 * moves *p past it. */
static int parse_version_number(const char **p, int *out)
{
    const char *s = *p;
    long long v = 0;

    if (!is_digit(*s) || (s[0] == '0' && is_digit(s[1])))
        return -1;
    for (; is_digit(*s); s++) {
        v = v * 10 + (*s - '0');
        if (v > INT_MAX)
            return -1;
    }
    *out = (int)v;
    *p = s;
    return 0;
}

/* 1 when s[0..n) is dot-separated non-empty [0-9A-Za-z-] identifiers; with
 * no_leading_zero, numeric ones are "0" or start with 1-9 (as the spec asks
 * of prerelease identifiers, not of build metadata). */
static int identifiers_ok(const char *s, size_t n, int no_leading_zero)
{
    size_t start = 0;

    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            size_t len = i - start;
            if (len == 0)
                return 0;
            if (no_leading_zero && len > 1 && s[start] == '0' && all_digits(s + start, len))
                return 0;
            start = i + 1;
        } else if (!is_identifier_char(s[i])) {
            return 0;
        }
    }
    return 1;
}

int semver_parse(const char *s, struct semver *v)
{
    struct semver r;
    const char *p = s;
    size_t n;

    if (s == NULL || strnlen(s, SEMVER_MAX + 1) > SEMVER_MAX)
        return -1;
    memset(&r, 0, sizeof r);
    if (parse_version_number(&p, &r.major) < 0 || *p++ != '.' ||
        parse_version_number(&p, &r.minor) < 0 || *p++ != '.' ||
        parse_version_number(&p, &r.patch) < 0)
        return -1;
    if (*p == '-') {
        p++;
        n = strcspn(p, "+");
        if (!identifiers_ok(p, n, 1))
            return -1;
        memcpy(r.pre, p, n); /* n <= SEMVER_MAX: the whole text is */
        p += n;
    }
    if (*p == '+') {
        p++;
        n = strlen(p);
        if (!identifiers_ok(p, n, 0))
            return -1;
        memcpy(r.build, p, n);
        p += n;
    }
    if (*p != '\0')
        return -1;
    *v = r;
    return 0;
}

static int sign_of(long long d) { return (d > 0) - (d < 0); }

/* One prerelease identifier against another (semver 11.4.1-11.4.3). */
static int identifier_compare(const char *a, size_t an, const char *b, size_t bn)
{
    int a_num = all_digits(a, an), b_num = all_digits(b, bn), c;

    if (a_num && b_num) {
        /* Without leading zeros the longer number is the larger: this
         * compares numbers of any length without converting them. */
        if (an != bn)
            return an < bn ? -1 : 1;
        return sign_of(memcmp(a, b, an));
    }
    if (a_num != b_num)
        return a_num ? -1 : 1;
    c = memcmp(a, b, an < bn ? an : bn);
    if (c != 0)
        return sign_of(c);
    return sign_of((long long)an - (long long)bn);
}

static int prerelease_compare(const char *a, const char *b)
{
    /* A release has no identifiers and is newer than its prereleases. */
    if (*a == '\0' || *b == '\0')
        return (*a == '\0') - (*b == '\0');
    while (*a && *b) {
        size_t an = strcspn(a, "."), bn = strcspn(b, ".");
        int c = identifier_compare(a, an, b, bn);
        if (c != 0)
            return c;
        a += an;
        b += bn;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
    }
    /* Equal so far: the one with more identifiers is newer. */
    return (*a != '\0') - (*b != '\0');
}

int semver_compare(const struct semver *a, const struct semver *b)
{
    if (a->major != b->major)
        return a->major < b->major ? -1 : 1;
    if (a->minor != b->minor)
        return a->minor < b->minor ? -1 : 1;
    if (a->patch != b->patch)
        return a->patch < b->patch ? -1 : 1;
    return prerelease_compare(a->pre, b->pre);
}

/* --- shared helpers (plugin_manifest_internal.h) --------------------------- */

int manifest_fail(struct err *e, const char *path, const char *fmt, ...)
{
    char what[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return err_set(e, ERR_INVALID_PLUGIN, path, "manifest.json: \"%s\" %s", path, what);
}

/* texts[lang] into dst: required, trimmed, at most max_chars characters. */
static int read_one_language(json_t *texts, const char *lang, const char *path,
                             size_t max_chars, int multiline, char *dst, struct err *e)
{
    unsigned flags = JF_REQUIRED | (multiline ? JF_MULTILINE : 0u);
    char sub[96];
    struct err tmp;

    if (jf_text(texts, lang, flags, max_chars, dst, JF_TEXT_BYTES(max_chars), &tmp) >= 0)
        return 0;
    snprintf(sub, sizeof sub, "%s.%s", path, lang);
    if (tmp.code == ERR_MISSING_FIELD)
        return manifest_fail(e, sub, "is required and may not be empty");
    return manifest_fail(e, sub, "must be a text of at most %zu characters without "
                                 "control characters%s", max_chars,
                         multiline ? " (line breaks and tabs are allowed)" : "");
}

int manifest_read_lv_en(json_t *obj, const char *member, const char *path,
                        size_t max_chars, int multiline, char *lv, char *en,
                        struct err *e)
{
    static const char *const langs[] = {"lv", "en", NULL};
    json_t *texts = json_object_get(obj, member);
    char sub[96];
    struct err tmp;

    if (texts == NULL)
        return JF_ABSENT;
    if (!json_is_object(texts))
        return manifest_fail(e, path, "must be an object {\"lv\": \"...\", \"en\": \"...\"}");
    if (jf_check_keys(texts, langs, NULL, &tmp) < 0) {
        snprintf(sub, sizeof sub, "%s.%.16s", path, tmp.field);
        return manifest_fail(e, sub, "is not expected: the texts are in lv and en");
    }
    if (read_one_language(texts, "lv", path, max_chars, multiline, lv, e) < 0 ||
        read_one_language(texts, "en", path, max_chars, multiline, en, e) < 0)
        return -1;
    return JF_SET;
}

/* --- reads ------------------------------------------------------------------ */

static const char *const read_names[PLUGIN_READ_COUNT] = {
    "meetings", "registrations", "organisations", "agenda", "site_visits"};
#define READ_NAMES_TEXT "meetings, registrations, organisations, agenda, site_visits"

unsigned plugin_read_bit(const char *name)
{
    if (name == NULL)
        return 0;
    for (int i = 0; i < PLUGIN_READ_COUNT; i++)
        if (strcmp(read_names[i], name) == 0)
            return 1u << i;
    return 0;
}

const char *plugin_read_name(unsigned bit)
{
    for (int i = 0; i < PLUGIN_READ_COUNT; i++)
        if (bit == 1u << i)
            return read_names[i];
    return NULL;
}

/* --- the manifest's members ------------------------------------------------- */

static const char *const manifest_keys[] = {
    "name", "version", "api", "title", "description", "priority", "reads",
    "settings", "author", "license", "homepage", NULL};
#define MANIFEST_KEYS_TEXT                                                     \
    "name, version, api, title, description, priority, reads, settings, "     \
    "author, license, homepage"

/* The text of a JSON string without NUL characters inside, else NULL: a
 * NUL would make C see a shorter text than the one that was checked. */
static const char *plain_string(json_t *v)
{
    const char *s = json_string_value(v);

    return s != NULL && strlen(s) == json_string_length(v) ? s : NULL;
}

static int read_name(json_t *root, struct plugin_manifest *m, struct err *e)
{
    json_t *v = json_object_get(root, "name");
    const char *s = plain_string(v);

    if (v == NULL)
        return manifest_fail(e, "name", "is required");
    if (s == NULL || !plugin_name_ok(s))
        return manifest_fail(e, "name", "must match [a-z][a-z0-9-]{1,39}: 2-40 lower-case "
                                        "letters, digits and '-', starting with a letter");
    snprintf(m->name, sizeof m->name, "%s", s);
    return 0;
}

static int read_version(json_t *root, struct plugin_manifest *m, struct err *e)
{
    json_t *v = json_object_get(root, "version");
    const char *s = plain_string(v);

    if (v == NULL)
        return manifest_fail(e, "version", "is required");
    if (s == NULL || semver_parse(s, &m->semver) < 0)
        return manifest_fail(e, "version", "must be semver like 1.2.0 "
                                           "(MAJOR.MINOR.PATCH, optionally -prerelease "
                                           "and +build, at most %d characters)", SEMVER_MAX);
    snprintf(m->version, sizeof m->version, "%s", s);
    return 0;
}

static int read_api(json_t *root, struct plugin_manifest *m, struct err *e)
{
    json_t *v = json_object_get(root, "api");
    json_int_t n = json_integer_value(v);

    if (v == NULL)
        return manifest_fail(e, "api", "is required");
    if (!json_is_integer(v) || n < PLUGIN_API_MIN || n > PLUGIN_API_MAX) {
#if PLUGIN_API_MIN == PLUGIN_API_MAX
        return manifest_fail(e, "api", "must be %d: this server supports plugin API "
                                       "version %d only", PLUGIN_API_MIN, PLUGIN_API_MIN);
#else
        return manifest_fail(e, "api", "must be an integer from %d to %d: the plugin API "
                                       "versions this server supports",
                             PLUGIN_API_MIN, PLUGIN_API_MAX);
#endif
    }
    m->api = (int)n;
    return 0;
}

/* title and description: required, in lv and en. */
static int read_texts(json_t *root, struct plugin_manifest *m, struct err *e)
{
    int rc;

    rc = manifest_read_lv_en(root, "title", "title", PLUGIN_TITLE_MAX, 0, m->title_lv,
                             m->title_en, e);
    if (rc == JF_ABSENT)
        return manifest_fail(e, "title", "is required: {\"lv\": \"...\", \"en\": \"...\"}");
    if (rc < 0)
        return -1;
    rc = manifest_read_lv_en(root, "description", "description", PLUGIN_DESCRIPTION_MAX, 1,
                             m->description_lv, m->description_en, e);
    if (rc == JF_ABSENT)
        return manifest_fail(e, "description",
                             "is required: {\"lv\": \"...\", \"en\": \"...\"}");
    return rc < 0 ? -1 : 0;
}

static int read_priority(json_t *root, struct plugin_manifest *m, struct err *e)
{
    long long n = 0;
    struct err tmp;

    if (jf_int(root, "priority", 0, PLUGIN_PRIORITY_MIN, PLUGIN_PRIORITY_MAX, &n, &tmp) < 0)
        return manifest_fail(e, "priority", "must be an integer from %d to %d (hooks of a "
                                            "higher priority run first; default 0)",
                             PLUGIN_PRIORITY_MIN, PLUGIN_PRIORITY_MAX);
    m->priority = (int)n;
    return 0;
}

static int read_reads(json_t *root, struct plugin_manifest *m, struct err *e)
{
    json_t *list = json_object_get(root, "reads"), *v;
    unsigned bits = 0;
    char path[32];
    size_t i;

    if (list == NULL)
        return 0;
    if (!json_is_array(list))
        return manifest_fail(e, "reads", "must be a list of: " READ_NAMES_TEXT);
    json_array_foreach(list, i, v) {
        unsigned bit = plugin_read_bit(plain_string(v));
        snprintf(path, sizeof path, "reads[%zu]", i);
        if (bit == 0)
            return manifest_fail(e, path, "must be one of: " READ_NAMES_TEXT);
        if (bits & bit)
            return manifest_fail(e, path, "names \"%s\" a second time", plugin_read_name(bit));
        bits |= bit;
    }
    m->reads = bits;
    return 0;
}

/* An optional one-line text ("" when absent) of at most max_chars. */
static int read_info(json_t *root, const char *key, size_t max_chars, char *dst,
                     struct err *e)
{
    struct err tmp;

    if (jf_text(root, key, 0, max_chars, dst, JF_TEXT_BYTES(max_chars), &tmp) < 0)
        return manifest_fail(e, key, "must be a text of at most %zu characters without "
                                     "control characters", max_chars);
    return 0;
}

static int read_infos(json_t *root, struct plugin_manifest *m, struct err *e)
{
    if (read_info(root, "author", PLUGIN_AUTHOR_MAX, m->author, e) < 0 ||
        read_info(root, "license", PLUGIN_LICENSE_MAX, m->license, e) < 0 ||
        read_info(root, "homepage", PLUGIN_HOMEPAGE_MAX, m->homepage, e) < 0)
        return -1;
    /* The admin pages show the homepage as a link: no javascript: and the like. */
    if (m->homepage[0] && strncmp(m->homepage, "https://", 8) != 0 &&
        strncmp(m->homepage, "http://", 7) != 0)
        return manifest_fail(e, "homepage", "must be an address starting with https:// "
                                            "or http://");
    if (strpbrk(m->homepage, " \t\n\"<>") != NULL)
        return manifest_fail(e, "homepage", "must be an address without spaces, quotes "
                                            "or angle brackets");
    return 0;
}

static int read_settings(json_t *root, struct plugin_manifest *m, struct err *e)
{
    json_t *v = json_object_get(root, "settings");

    m->settings = v == NULL ? json_object() : plugin_settings_schema(v, e);
    if (m->settings == NULL && e->code == ERR_NONE)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    return m->settings == NULL ? -1 : 0;
}

static int check_manifest(json_t *root, struct plugin_manifest *m, struct err *e)
{
    struct err tmp;

    if (jf_check_keys(root, manifest_keys, NULL, &tmp) < 0)
        return manifest_fail(e, tmp.field, "is not a known key (known: " MANIFEST_KEYS_TEXT ")");
    if (read_name(root, m, e) < 0 || read_version(root, m, e) < 0 || read_api(root, m, e) < 0 ||
        read_texts(root, m, e) < 0 || read_priority(root, m, e) < 0 ||
        read_reads(root, m, e) < 0 || read_infos(root, m, e) < 0 ||
        read_settings(root, m, e) < 0)
        return -1;
    return 0;
}

int plugin_manifest_parse(const char *text, size_t len, struct plugin_manifest *m,
                          struct err *e)
{
    json_t *root;
    int rc;

    memset(m, 0, sizeof *m);
    root = plugin_json_load("manifest.json", text, len, PLUGIN_MANIFEST_MAX_BYTES, e);
    if (root == NULL)
        return -1;
    rc = check_manifest(root, m, e);
    json_decref(root);
    if (rc < 0)
        plugin_manifest_clear(m);
    return rc;
}

void plugin_manifest_clear(struct plugin_manifest *m)
{
    json_decref(m->settings);
    memset(m, 0, sizeof *m);
}

/* --- output ---------------------------------------------------------------- */

static json_t *reads_to_json(unsigned reads)
{
    json_t *list = json_array();

    for (int i = 0; list != NULL && i < PLUGIN_READ_COUNT; i++)
        if ((reads & (1u << i)) && json_array_append_new(list, json_string(read_names[i])) < 0) {
            json_decref(list);
            return NULL;
        }
    return list;
}

/* obj[key] = text unless text is empty; -1 when out of memory. */
static int set_info(json_t *obj, const char *key, const char *text)
{
    return text[0] ? json_object_set_new(obj, key, json_string(text)) : 0;
}

json_t *plugin_manifest_to_json(const struct plugin_manifest *m)
{
    json_t *out = json_pack("{s:s, s:s, s:i, s:{s:s, s:s}, s:{s:s, s:s}, s:i}",
                            "name", m->name, "version", m->version, "api", m->api,
                            "title", "lv", m->title_lv, "en", m->title_en,
                            "description", "lv", m->description_lv, "en",
                            m->description_en, "priority", m->priority);

    /* json_object_set_new takes its value even when it fails. */
    if (out == NULL ||
        json_object_set_new(out, "reads", reads_to_json(m->reads)) < 0 ||
        json_object_set_new(out, "settings",
                            m->settings ? json_incref(m->settings) : json_object()) < 0 ||
        set_info(out, "author", m->author) < 0 || set_info(out, "license", m->license) < 0 ||
        set_info(out, "homepage", m->homepage) < 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

int plugin_manifest_hook_order(const struct plugin_manifest *a,
                               const struct plugin_manifest *b)
{
    if (a->priority != b->priority)
        return a->priority > b->priority ? -1 : 1;
    return strcmp(a->name, b->name);
}
