/* test_plugin_manifest.c - unit tests for core/plugin/plugin_manifest (and
 * plugin_name): manifests, semantic versions, settings.
 *
 * Must never: accept a manifest that breaks a rule (each rule has its own
 * refusal below, which must name the key), leave anything allocated after a
 * refusal, order versions other than semver.org does, or let an organizer's
 * setting through that its schema does not allow. */
#include "plugin_manifest.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "plugin_name.h"

/* A manifest that uses every feature; tests change one member at a time. */
static const char good_manifest[] =
    "{\n"
    "  \"name\": \"tea-break\",\n"
    "  \"version\": \"1.2.0-rc.1+build.5\",\n"
    "  \"api\": 1,\n"
    "  \"title\": {\"lv\": \"  Kafijas pauze \", \"en\": \"Coffee break\"},\n"
    "  \"description\": {\"lv\": \"Pauzes darba k\\u0101rt\\u012bb\\u0101.\\nAr t\\u0113ju.\",\n"
    "                  \"en\": \"Breaks in the agenda.\"},\n"
    "  \"priority\": 10,\n"
    "  \"reads\": [\"meetings\", \"agenda\"],\n"
    "  \"author\": \"J\\u0101nis B\\u0113rzi\\u0146\\u0161\",\n"
    "  \"license\": \"MIT\",\n"
    "  \"homepage\": \"https://example.org/tea-break\",\n"
    "  \"settings\": {\n"
    "    \"minutes\": {\"type\": \"integer\", \"default\": 15, \"min\": 5, \"max\": 60,\n"
    "                \"title\": {\"lv\": \"Min\\u016btes\", \"en\": \"Minutes\"}},\n"
    "    \"ratio\": {\"type\": \"number\", \"default\": 0.5, \"min\": 0, \"max\": 1,\n"
    "              \"title\": {\"lv\": \"Da\\u013ca\", \"en\": \"Ratio\"}},\n"
    "    \"enabled\": {\"type\": \"boolean\", \"default\": true,\n"
    "                \"title\": {\"lv\": \"Iesl\\u0113gts\", \"en\": \"Enabled\"},\n"
    "                \"description\": {\"lv\": \"Vai r\\u0101d\\u012bt.\", \"en\": \"Show it.\"}},\n"
    "    \"drink\": {\"type\": \"string\", \"default\": \"tea\", \"options\": [\"tea\", \"coffee\"],\n"
    "              \"title\": {\"lv\": \"Dz\\u0113riens\", \"en\": \"Drink\"}},\n"
    "    \"note\": {\"type\": \"string\", \"default\": \"\", \"max_length\": 20,\n"
    "             \"title\": {\"lv\": \"Piez\\u012bme\", \"en\": \"Note\"}},\n"
    "    \"size\": {\"type\": \"integer\", \"default\": 2, \"options\": [1, 2, 3],\n"
    "             \"title\": {\"lv\": \"Izm\\u0113rs\", \"en\": \"Size\"}}\n"
    "  }\n"
    "}\n";

static const char minimal_manifest[] =
    "{\"name\": \"ab\", \"version\": \"0.1.0\", \"api\": 1,"
    " \"title\": {\"lv\": \"A\", \"en\": \"A\"},"
    " \"description\": {\"lv\": \"B\", \"en\": \"B\"}}";

static struct plugin_manifest m;
static struct err e;

static void setup(void)
{
    memset(&m, 0, sizeof m);
    err_clear(&e);
}

static void teardown(void) { plugin_manifest_clear(&m); }

static int parse_text(const char *text)
{
    return plugin_manifest_parse(text, strlen(text), &m, &e);
}

/* n copies of the UTF-8 character c (malloc'd). */
static char *repeat(const char *c, size_t n)
{
    size_t len = strlen(c);
    char *s = malloc(len * n + 1);

    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * len, c, len);
    s[len * n] = '\0';
    return s;
}

/* Parses the good manifest with the member at the dotted path set to v
 * (stolen; NULL removes it).  Every segment but the last must exist. */
static int with_value(const char *path, json_t *v)
{
    json_t *root = json_loads(good_manifest, 0, NULL), *obj;
    char segs[160], *seg, *next;
    char *text;
    int rc;

    ck_assert_ptr_nonnull(root);
    snprintf(segs, sizeof segs, "%s", path);
    obj = root;
    seg = segs;
    while ((next = strchr(seg, '.')) != NULL) {
        *next = '\0';
        obj = json_object_get(obj, seg);
        ck_assert_msg(json_is_object(obj), "no object at %s in %s", seg, path);
        seg = next + 1;
    }
    if (v == NULL)
        json_object_del(obj, seg);
    else
        ck_assert_int_eq(json_object_set_new(obj, seg, v), 0);
    text = json_dumps(root, 0);
    ck_assert_ptr_nonnull(text);
    json_decref(root);
    rc = parse_text(text);
    free(text);
    return rc;
}

/* The same with v given as JSON text (NULL removes the member). */
static int with(const char *path, const char *value_json)
{
    json_t *v = NULL;

    if (value_json != NULL) {
        v = json_loads(value_json, JSON_DECODE_ANY, NULL);
        ck_assert_msg(v != NULL, "bad test JSON: %s", value_json);
    }
    return with_value(path, v);
}

/* A refusal that names `key` at the start of its message and in e.field,
 * with nothing left allocated. */
#define EXPECT_REFUSED(rc, key)                                                \
    do {                                                                       \
        char quoted_[160];                                                     \
        ck_assert_int_eq((rc), -1);                                            \
        ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);                          \
        ck_assert_str_eq(e.field, (key));                                      \
        snprintf(quoted_, sizeof quoted_, "manifest.json: \"%s\" ", (key));    \
        ck_assert_msg(strncmp(e.message, quoted_, strlen(quoted_)) == 0,       \
                      "message '%s' does not name %s", e.message, (key));      \
        ck_assert_ptr_null(m.settings);                                        \
        ck_assert_str_eq(m.name, "");                                          \
        err_clear(&e);                                                         \
    } while (0)

#define EXPECT_ACCEPTED(rc)                                                    \
    do {                                                                       \
        ck_assert_msg((rc) == 0, "refused: %s", e.message);                    \
        plugin_manifest_clear(&m);                                             \
    } while (0)

/* --- good manifests ------------------------------------------------------- */

START_TEST(test_good_manifest)
{
    json_t *s;

    ck_assert_msg(parse_text(good_manifest) == 0, "refused: %s", e.message);
    ck_assert_str_eq(m.name, "tea-break");
    ck_assert_str_eq(m.version, "1.2.0-rc.1+build.5");
    ck_assert_int_eq(m.semver.major, 1);
    ck_assert_int_eq(m.semver.minor, 2);
    ck_assert_int_eq(m.semver.patch, 0);
    ck_assert_str_eq(m.semver.pre, "rc.1");
    ck_assert_int_eq(m.api, 1);
    ck_assert_str_eq(m.title_lv, "Kafijas pauze"); /* trimmed */
    ck_assert_str_eq(m.title_en, "Coffee break");
    ck_assert_str_eq(m.description_lv, "Pauzes darba k\xc4\x81rt\xc4\xab"
                                       "b\xc4\x81.\nAr t\xc4\x93ju.");
    ck_assert_int_eq(m.priority, 10);
    ck_assert_uint_eq(m.reads, PLUGIN_READ_MEETINGS | PLUGIN_READ_AGENDA);
    ck_assert_str_eq(m.license, "MIT");
    ck_assert_str_eq(m.homepage, "https://example.org/tea-break");
    ck_assert_int_eq(json_object_size(m.settings), 6);
    s = json_object_get(m.settings, "minutes");
    ck_assert_str_eq(json_string_value(json_object_get(s, "type")), "integer");
    ck_assert_int_eq(json_integer_value(json_object_get(s, "default")), 15);
    ck_assert_ptr_null(json_object_get(s, "max_length"));
    /* Strings always carry their max_length: 200 when not given. */
    s = json_object_get(m.settings, "drink");
    ck_assert_int_eq(json_integer_value(json_object_get(s, "max_length")), 200);
    ck_assert_int_eq(json_array_size(json_object_get(s, "options")), 2);
    s = json_object_get(m.settings, "note");
    ck_assert_int_eq(json_integer_value(json_object_get(s, "max_length")), 20);
    s = json_object_get(m.settings, "enabled");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(s, "description"), "en")),
                     "Show it.");
}
END_TEST

START_TEST(test_minimal_manifest_defaults)
{
    ck_assert_msg(parse_text(minimal_manifest) == 0, "refused: %s", e.message);
    ck_assert_int_eq(m.priority, 0);
    ck_assert_uint_eq(m.reads, 0);
    ck_assert_str_eq(m.author, "");
    ck_assert_str_eq(m.homepage, "");
    ck_assert(json_is_object(m.settings));
    ck_assert_int_eq(json_object_size(m.settings), 0);
}
END_TEST

START_TEST(test_limits_accepted)
{
    char *s;
    json_t *v;

    EXPECT_ACCEPTED(with("priority", "-1000"));
    EXPECT_ACCEPTED(with("priority", "1000"));
    EXPECT_ACCEPTED(with("reads", "[]"));
    EXPECT_ACCEPTED(with("reads", "[\"meetings\", \"registrations\", \"organisations\","
                                  " \"agenda\", \"site_visits\"]"));
    EXPECT_ACCEPTED(with("settings", "{}"));
    EXPECT_ACCEPTED(with("homepage", "\"http://example.org\""));
    EXPECT_ACCEPTED(with("author", "\"\""));
    /* Lengths count characters, not bytes: 120 two-byte characters pass. */
    s = repeat("\xc4\x81", PLUGIN_TITLE_MAX);
    EXPECT_ACCEPTED(with_value("title.lv", json_string(s)));
    free(s);
    s = repeat("\xc4\x81", PLUGIN_DESCRIPTION_MAX);
    EXPECT_ACCEPTED(with_value("description.en", json_string(s)));
    free(s);
    /* 32 settings are allowed. */
    v = json_object();
    for (int i = 0; i < PLUGIN_SETTINGS_MAX; i++) {
        char key[16];
        snprintf(key, sizeof key, "s%d", i);
        json_object_set_new(v, key, json_pack("{s:s, s:b, s:{s:s, s:s}}", "type", "boolean",
                                              "default", 0, "title", "lv", "x", "en", "x"));
    }
    EXPECT_ACCEPTED(with_value("settings", v));
}
END_TEST

START_TEST(test_to_json)
{
    json_t *j, *reads;

    ck_assert_int_eq(parse_text(good_manifest), 0);
    j = plugin_manifest_to_json(&m);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "name")), "tea-break");
    ck_assert_str_eq(json_string_value(json_object_get(j, "version")), "1.2.0-rc.1+build.5");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "api")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "title"), "lv")),
                     "Kafijas pauze");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "description"), "en")),
                     "Breaks in the agenda.");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "priority")), 10);
    reads = json_object_get(j, "reads");
    ck_assert_int_eq(json_array_size(reads), 2);
    ck_assert_str_eq(json_string_value(json_array_get(reads, 0)), "meetings");
    ck_assert_str_eq(json_string_value(json_array_get(reads, 1)), "agenda");
    ck_assert(json_equal(json_object_get(j, "settings"), m.settings));
    ck_assert_str_eq(json_string_value(json_object_get(j, "license")), "MIT");
    json_decref(j);
    plugin_manifest_clear(&m);

    /* Informational keys appear only when given. */
    ck_assert_int_eq(parse_text(minimal_manifest), 0);
    j = plugin_manifest_to_json(&m);
    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_null(json_object_get(j, "author"));
    ck_assert_ptr_null(json_object_get(j, "homepage"));
    ck_assert_int_eq(json_array_size(json_object_get(j, "reads")), 0);
    ck_assert_int_eq(json_object_size(json_object_get(j, "settings")), 0);
    json_decref(j);
}
END_TEST

static int hook_cmp(const void *a, const void *b)
{
    return plugin_manifest_hook_order(a, b);
}

START_TEST(test_hook_order)
{
    struct plugin_manifest list[4];

    memset(list, 0, sizeof list);
    snprintf(list[0].name, sizeof list[0].name, "zeta");
    list[0].priority = 0;
    snprintf(list[1].name, sizeof list[1].name, "beta");
    list[1].priority = 0;
    snprintf(list[2].name, sizeof list[2].name, "late");
    list[2].priority = -5;
    snprintf(list[3].name, sizeof list[3].name, "first");
    list[3].priority = 100;
    qsort(list, 4, sizeof list[0], hook_cmp);
    ck_assert_str_eq(list[0].name, "first");
    ck_assert_str_eq(list[1].name, "beta");
    ck_assert_str_eq(list[2].name, "zeta");
    ck_assert_str_eq(list[3].name, "late");
}
END_TEST

START_TEST(test_read_names)
{
    ck_assert_uint_eq(plugin_read_bit("site_visits"), PLUGIN_READ_SITE_VISITS);
    ck_assert_uint_eq(plugin_read_bit("organisations"), PLUGIN_READ_ORGANISATIONS);
    ck_assert_uint_eq(plugin_read_bit("visits"), 0);
    ck_assert_uint_eq(plugin_read_bit(NULL), 0);
    ck_assert_str_eq(plugin_read_name(PLUGIN_READ_REGISTRATIONS), "registrations");
    ck_assert_ptr_null(plugin_read_name(PLUGIN_READ_MEETINGS | PLUGIN_READ_AGENDA));
    ck_assert_ptr_null(plugin_read_name(0));
}
END_TEST

/* --- refusals: the file ---------------------------------------------------- */

START_TEST(test_refuses_bad_json)
{
    ck_assert_int_eq(parse_text("{\"name\": \"ab\",\n \"api\": }"), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    ck_assert_msg(strstr(e.message, "manifest.json: line 2") != NULL, "%s", e.message);
    ck_assert_ptr_null(m.settings);
    err_clear(&e);

    ck_assert_int_eq(parse_text(""), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    err_clear(&e);
    ck_assert_int_eq(plugin_manifest_parse(NULL, 0, &m, &e), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    err_clear(&e);
    /* Trailing text after the object. */
    ck_assert_int_eq(parse_text("{} {}"), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
}
END_TEST

START_TEST(test_refuses_non_object)
{
    ck_assert_int_eq(parse_text("[1, 2]"), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    ck_assert_str_eq(e.message, "manifest.json: must be a JSON object");
}
END_TEST

START_TEST(test_refuses_too_large)
{
    /* Valid JSON, padded with spaces beyond the bound. */
    size_t n = PLUGIN_MANIFEST_MAX_BYTES + 1;
    char *text = malloc(n + 1);

    ck_assert_ptr_nonnull(text);
    memset(text, ' ', n);
    memcpy(text, minimal_manifest, strlen(minimal_manifest));
    text[n] = '\0';
    ck_assert_int_eq(plugin_manifest_parse(text, n, &m, &e), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    ck_assert_msg(strstr(e.message, "larger than 65536 bytes") != NULL, "%s", e.message);
    err_clear(&e);
    /* The same text within the bound is fine. */
    ck_assert_int_eq(plugin_manifest_parse(text, n - 1, &m, &e), 0);
    free(text);
}
END_TEST

START_TEST(test_refuses_duplicate_keys)
{
    EXPECT_REFUSED(parse_text("{\"name\": \"ab\", \"api\": 1, \"api\": 2}"), "api");
    /* Deeper down too: the parser names the key, not its path. */
    ck_assert_int_eq(parse_text("{\"settings\": {\"a\": {\"min\": 1, \"min\": 2}}}"), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    ck_assert_str_eq(e.field, "min");
    ck_assert_str_eq(e.message, "manifest.json: \"min\" is given twice in one object "
                                "(line 1, column 35)");
}
END_TEST

START_TEST(test_refuses_unknown_key)
{
    EXPECT_REFUSED(with("prority", "5"), "prority");
    EXPECT_ACCEPTED(with("author", "\"x\"")); /* informational keys are known */
}
END_TEST

/* --- refusals: the members -------------------------------------------------- */

START_TEST(test_refuses_name)
{
    char *s;

    EXPECT_REFUSED(with("name", NULL), "name");
    EXPECT_REFUSED(with("name", "\"Tea-break\""), "name");
    EXPECT_REFUSED(with("name", "\"t\""), "name");
    EXPECT_REFUSED(with("name", "\"9tea\""), "name");
    EXPECT_REFUSED(with("name", "\"tea_break\""), "name");
    EXPECT_REFUSED(with("name", "5"), "name");
    s = repeat("a", PLUGIN_NAME_MAX + 1);
    EXPECT_REFUSED(with_value("name", json_string(s)), "name");
    s[PLUGIN_NAME_MAX] = '\0';
    EXPECT_ACCEPTED(with_value("name", json_string(s)));
    free(s);
}
END_TEST

START_TEST(test_refuses_version)
{
    EXPECT_REFUSED(with("version", NULL), "version");
    EXPECT_REFUSED(with("version", "\"1.2\""), "version");
    EXPECT_REFUSED(with("version", "\"v1.2.0\""), "version");
    EXPECT_REFUSED(with("version", "1.2"), "version");
    ck_assert_int_eq(with("version", "\"01.2.0\""), -1);
    ck_assert_str_eq(e.message, "manifest.json: \"version\" must be semver like 1.2.0 "
                                "(MAJOR.MINOR.PATCH, optionally -prerelease and +build, "
                                "at most 64 characters)");
}
END_TEST

START_TEST(test_refuses_api)
{
    EXPECT_REFUSED(with("api", NULL), "api");
    EXPECT_REFUSED(with("api", "\"1\""), "api");
    EXPECT_REFUSED(with("api", "1.0"), "api");
    EXPECT_REFUSED(with("api", "0"), "api");
    ck_assert_int_eq(with("api", "2"), -1);
    ck_assert_str_eq(e.message, "manifest.json: \"api\" must be 1: this server supports "
                                "plugin API version 1 only");
}
END_TEST

START_TEST(test_refuses_title)
{
    char *s;

    EXPECT_REFUSED(with("title", NULL), "title");
    EXPECT_REFUSED(with("title", "\"Coffee break\""), "title");
    EXPECT_REFUSED(with("title.en", NULL), "title.en");
    EXPECT_REFUSED(with("title.lv", "\"   \""), "title.lv");
    EXPECT_REFUSED(with("title.lv", "null"), "title.lv");
    EXPECT_REFUSED(with("title.en", "5"), "title.en");
    EXPECT_REFUSED(with("title.en", "\"two\\nlines\""), "title.en");
    EXPECT_REFUSED(with("title.ru", "\"\\u041f\\u0435\\u0440\\u0435\\u0440\\u044b\\u0432\""),
                   "title.ru");
    s = repeat("\xc4\x81", PLUGIN_TITLE_MAX + 1);
    EXPECT_REFUSED(with_value("title.lv", json_string(s)), "title.lv");
    free(s);
}
END_TEST

START_TEST(test_refuses_description)
{
    char *s;

    EXPECT_REFUSED(with("description", NULL), "description");
    EXPECT_REFUSED(with("description", "[]"), "description");
    EXPECT_REFUSED(with("description.lv", NULL), "description.lv");
    EXPECT_REFUSED(with("description.en", "\" \\n \""), "description.en");
    EXPECT_REFUSED(with("description.en", "\"bell\\u0007\""), "description.en");
    s = repeat("x", PLUGIN_DESCRIPTION_MAX + 1);
    EXPECT_REFUSED(with_value("description.en", json_string(s)), "description.en");
    free(s);
}
END_TEST

START_TEST(test_refuses_priority)
{
    EXPECT_REFUSED(with("priority", "1001"), "priority");
    EXPECT_REFUSED(with("priority", "-1001"), "priority");
    EXPECT_REFUSED(with("priority", "1.5"), "priority");
    EXPECT_REFUSED(with("priority", "\"5\""), "priority");
    EXPECT_REFUSED(with("priority", "null"), "priority");
}
END_TEST

START_TEST(test_refuses_reads)
{
    EXPECT_REFUSED(with("reads", "\"meetings\""), "reads");
    EXPECT_REFUSED(with("reads", "[\"meetings\", \"passwords\"]"), "reads[1]");
    EXPECT_REFUSED(with("reads", "[\"agenda\", \"meetings\", \"agenda\"]"), "reads[2]");
    EXPECT_REFUSED(with("reads", "[5]"), "reads[0]");
    EXPECT_REFUSED(with("reads", "[\"Meetings\"]"), "reads[0]");
}
END_TEST

START_TEST(test_refuses_informational)
{
    char *s;

    EXPECT_REFUSED(with("author", "5"), "author");
    s = repeat("a", PLUGIN_AUTHOR_MAX + 1);
    EXPECT_REFUSED(with_value("author", json_string(s)), "author");
    free(s);
    EXPECT_REFUSED(with("license", "[\"MIT\"]"), "license");
    EXPECT_REFUSED(with("homepage", "\"javascript:alert(1)\""), "homepage");
    EXPECT_REFUSED(with("homepage", "\"https://example.org/a b\""), "homepage");
    EXPECT_REFUSED(with("homepage", "\"https://example.org/\\\"x\""), "homepage");
}
END_TEST

/* --- refusals: the settings schema ----------------------------------------- */

START_TEST(test_refuses_settings_shape)
{
    json_t *v;
    char *key;

    EXPECT_REFUSED(with("settings", "[]"), "settings");
    EXPECT_REFUSED(with("settings.Minutes", "{}"), "settings.Minutes");
    EXPECT_REFUSED(with("settings.9lives", "{}"), "settings.9lives");
    EXPECT_REFUSED(with("settings.with-dash", "{}"), "settings.with-dash");
    key = repeat("k", PLUGIN_SETTING_KEY_MAX + 1);
    {
        char path[80];
        snprintf(path, sizeof path, "settings.%s", key);
        EXPECT_REFUSED(with_value(path, json_pack("{s:s, s:b, s:{s:s, s:s}}", "type",
                                                  "boolean", "default", 0, "title", "lv", "x",
                                                  "en", "x")),
                       path);
    }
    free(key);
    EXPECT_REFUSED(with("settings.minutes", "15"), "settings.minutes");
    EXPECT_REFUSED(with("settings.minutes.colour", "\"red\""), "settings.minutes.colour");
    /* 33 settings are too many. */
    v = json_object();
    for (int i = 0; i <= PLUGIN_SETTINGS_MAX; i++) {
        char k[16];
        snprintf(k, sizeof k, "s%d", i);
        json_object_set_new(v, k, json_pack("{s:s, s:b, s:{s:s, s:s}}", "type", "boolean",
                                            "default", 0, "title", "lv", "x", "en", "x"));
    }
    EXPECT_REFUSED(with_value("settings", v), "settings");
}
END_TEST

START_TEST(test_refuses_setting_type_title_default)
{
    EXPECT_REFUSED(with("settings.minutes.type", NULL), "settings.minutes.type");
    EXPECT_REFUSED(with("settings.minutes.type", "\"date\""), "settings.minutes.type");
    EXPECT_REFUSED(with("settings.minutes.title", NULL), "settings.minutes.title");
    EXPECT_REFUSED(with("settings.minutes.title.en", NULL), "settings.minutes.title.en");
    EXPECT_REFUSED(with("settings.enabled.description.lv", "\"\""),
                   "settings.enabled.description.lv");
    EXPECT_REFUSED(with("settings.minutes.default", NULL), "settings.minutes.default");
    EXPECT_REFUSED(with("settings.minutes.default", "null"), "settings.minutes.default");
}
END_TEST

START_TEST(test_refuses_setting_default_invalid)
{
    /* A default must pass its own schema, as an organizer's value would. */
    EXPECT_REFUSED(with("settings.minutes.default", "15.0"), "settings.minutes.default");
    EXPECT_REFUSED(with("settings.minutes.default", "61"), "settings.minutes.default");
    EXPECT_REFUSED(with("settings.minutes.default", "\"15\""), "settings.minutes.default");
    EXPECT_REFUSED(with("settings.ratio.default", "1.5"), "settings.ratio.default");
    EXPECT_REFUSED(with("settings.enabled.default", "1"), "settings.enabled.default");
    EXPECT_REFUSED(with("settings.drink.default", "\"juice\""), "settings.drink.default");
    EXPECT_REFUSED(with("settings.size.default", "4"), "settings.size.default");
    EXPECT_REFUSED(with("settings.note.default", "\"123456789012345678901\""),
                   "settings.note.default");
    EXPECT_REFUSED(with("settings.note.default", "\"tab\\u0001\""), "settings.note.default");
    ck_assert_int_eq(with("settings.minutes.default", "61"), -1);
    ck_assert_str_eq(e.message, "manifest.json: \"settings.minutes.default\" must be a JSON "
                                "integer (like 3, not 3.0) from 5 to 60");
}
END_TEST

START_TEST(test_refuses_setting_bounds)
{
    EXPECT_REFUSED(with("settings.minutes.min", "70"), "settings.minutes.min"); /* > max */
    EXPECT_REFUSED(with("settings.minutes.min", "5.0"), "settings.minutes.min");
    EXPECT_REFUSED(with("settings.minutes.max", "\"60\""), "settings.minutes.max");
    EXPECT_REFUSED(with("settings.ratio.max", "-0.5"), "settings.ratio.min"); /* min > max */
    EXPECT_REFUSED(with("settings.enabled.min", "0"), "settings.enabled.min");
    EXPECT_REFUSED(with("settings.drink.max", "3"), "settings.drink.max");
    /* min == max and a real bound for a number are fine. */
    EXPECT_ACCEPTED(with("settings.ratio.min", "0.5"));
    EXPECT_ACCEPTED(with("settings.ratio.max", "0.75"));
}
END_TEST

START_TEST(test_refuses_setting_options)
{
    EXPECT_REFUSED(with("settings.enabled.options", "[true]"), "settings.enabled.options");
    EXPECT_REFUSED(with("settings.ratio.options", "[0.5]"), "settings.ratio.options");
    EXPECT_REFUSED(with("settings.drink.options", "[]"), "settings.drink.options");
    EXPECT_REFUSED(with("settings.drink.options", "\"tea\""), "settings.drink.options");
    EXPECT_REFUSED(with("settings.drink.options", "[\"tea\", \"coffee\", \"tea\"]"),
                   "settings.drink.options[2]");
    EXPECT_REFUSED(with("settings.drink.options", "[\"tea\", 5]"), "settings.drink.options[1]");
    EXPECT_REFUSED(with("settings.size.options", "[1, 2.5]"), "settings.size.options[1]");
    /* Options must meet the other constraints too. */
    EXPECT_REFUSED(with("settings.minutes.options", "[15, 90]"), "settings.minutes.options[1]");
    EXPECT_REFUSED(with("settings.note.options", "[\"\", \"123456789012345678901\"]"),
                   "settings.note.options[1]");
    EXPECT_ACCEPTED(with("settings.minutes.options", "[5, 15, 60]"));
}
END_TEST

START_TEST(test_refuses_setting_max_length)
{
    EXPECT_REFUSED(with("settings.minutes.max_length", "10"), "settings.minutes.max_length");
    EXPECT_REFUSED(with("settings.note.max_length", "0"), "settings.note.max_length");
    EXPECT_REFUSED(with("settings.note.max_length", "2001"), "settings.note.max_length");
    EXPECT_REFUSED(with("settings.note.max_length", "20.0"), "settings.note.max_length");
    EXPECT_ACCEPTED(with("settings.note.max_length", "2000"));
}
END_TEST

/* --- semver ------------------------------------------------------------------ */

START_TEST(test_semver_valid)
{
    /* From the examples around semver.org's grammar. */
    static const char *const valid[] = {
        "0.0.4", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.1.2+meta",
        "1.1.2+meta-valid", "1.0.0-alpha", "1.0.0-beta", "1.0.0-alpha.beta",
        "1.0.0-alpha.beta.1", "1.0.0-alpha.1", "1.0.0-alpha0.valid", "1.0.0-alpha.0valid",
        "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay", "1.0.0-rc.1+build.1",
        "2.0.0-rc.1+build.123", "1.2.3-beta", "10.2.3-DEV-SNAPSHOT", "1.2.3-SNAPSHOT-123",
        "2.0.0+build.1848", "2.0.1-alpha.1227", "1.0.0-alpha+beta",
        "1.2.3----RC-SNAPSHOT.12.9.1--.12+788", "1.2.3----R-S.12.9.1--.12+meta",
        "1.0.0+0.build.1-rc.10000aaa-kk-0.1", "1.0.0-0A.is.legal", "1.0.0+001",
        "2147483647.2147483647.2147483647", NULL};
    struct semver v;

    for (int i = 0; valid[i]; i++)
        ck_assert_msg(semver_parse(valid[i], &v) == 0, "refused %s", valid[i]);
}
END_TEST

START_TEST(test_semver_invalid)
{
    static const char *const invalid[] = {
        "", "1", "1.2", "1.2.3.4", "1.2.3-0123", "1.2.3-0123.0123", "1.1.2+.123",
        "+invalid", "-invalid", "-invalid+invalid", "-invalid.01", "alpha", "alpha.beta",
        "alpha.beta.1", "alpha.1", "alpha+beta", "alpha_beta", "alpha.", "alpha..",
        "beta", "1.0.0-alpha_beta", "-alpha.", "1.0.0-alpha..", "1.0.0-alpha..1",
        "1.0.0-alpha...1", "1.0.0-alpha....1", "1.0.0-alpha.....1", "1.0.0-alpha......1",
        "1.0.0-alpha.......1", "01.1.1", "1.01.1", "1.1.01", "1.2", "1.2.3.DEV",
        "1.2-SNAPSHOT", "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788", "1.2-RC-SNAPSHOT",
        "-1.0.3-gamma+b7718", "+justmeta", "9.8.7+meta+meta", "9.8.7-whatever+meta+meta",
        "99999999999999999999999.999999999999999999.99999999999999999",
        "2147483648.0.0", "1.2.3-", "1.2.3+", "1.2.3-+b", " 1.2.3", "1.2.3 ", "v1.2.3",
        "1.2.3-a\xc4\x81", "1.-2.3", "1.2.+3", NULL};
    struct semver v;

    memset(&v, 0x55, sizeof v);
    for (int i = 0; invalid[i]; i++) {
        ck_assert_msg(semver_parse(invalid[i], &v) == -1, "accepted %s", invalid[i]);
        ck_assert_int_eq(v.major, 0x55555555); /* untouched */
    }
    ck_assert_int_eq(semver_parse(NULL, &v), -1);
}
END_TEST

START_TEST(test_semver_length_bound)
{
    char s[SEMVER_MAX + 2];
    struct semver v;

    /* "1.0.0-" then 'a's up to exactly SEMVER_MAX characters: accepted. */
    memset(s, 'a', sizeof s);
    memcpy(s, "1.0.0-", 6);
    s[SEMVER_MAX] = '\0';
    ck_assert_int_eq(semver_parse(s, &v), 0);
    ck_assert_uint_eq(strlen(v.pre), SEMVER_MAX - 6);
    s[SEMVER_MAX] = 'a';
    s[SEMVER_MAX + 1] = '\0';
    ck_assert_int_eq(semver_parse(s, &v), -1);
}
END_TEST

START_TEST(test_semver_fields)
{
    struct semver v;

    ck_assert_int_eq(semver_parse("10.20.3-rc.1+b.5", &v), 0);
    ck_assert_int_eq(v.major, 10);
    ck_assert_int_eq(v.minor, 20);
    ck_assert_int_eq(v.patch, 3);
    ck_assert_str_eq(v.pre, "rc.1");
    ck_assert_str_eq(v.build, "b.5");
    ck_assert_int_eq(semver_parse("1.2.3+x-y", &v), 0);
    ck_assert_str_eq(v.pre, "");
    ck_assert_str_eq(v.build, "x-y");
}
END_TEST

static int cmp_texts(const char *a, const char *b)
{
    struct semver va, vb;

    ck_assert_msg(semver_parse(a, &va) == 0, "bad %s", a);
    ck_assert_msg(semver_parse(b, &vb) == 0, "bad %s", b);
    return semver_compare(&va, &vb);
}

START_TEST(test_semver_order)
{
    /* Ascending, from semver.org section 11, extended at both ends. */
    static const char *const chain[] = {
        "0.9.9", "1.0.0-0", "1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-alpha",
        "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
        "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.9.0", "1.10.0", "2.0.0", "2.1.0",
        "2.1.1", "10.0.0", NULL};

    for (int i = 0; chain[i]; i++)
        for (int j = 0; chain[j]; j++) {
            int c = cmp_texts(chain[i], chain[j]);
            if (i < j)
                ck_assert_msg(c < 0, "%s should be older than %s", chain[i], chain[j]);
            else if (i > j)
                ck_assert_msg(c > 0, "%s should be newer than %s", chain[i], chain[j]);
            else
                ck_assert_int_eq(c, 0);
        }
}
END_TEST

START_TEST(test_semver_order_details)
{
    /* Build metadata does not count. */
    ck_assert_int_eq(cmp_texts("1.0.0+a", "1.0.0+b"), 0);
    ck_assert_int_eq(cmp_texts("1.0.0-rc.1+x", "1.0.0-rc.1"), 0);
    /* Numeric identifiers compare as numbers of any length. */
    ck_assert_int_lt(cmp_texts("1.0.0-alpha.9999", "1.0.0-alpha.99999999999999999999"), 0);
    ck_assert_int_lt(cmp_texts("1.0.0-alpha.99999999999999999998",
                               "1.0.0-alpha.99999999999999999999"), 0);
    /* Alphanumeric identifiers compare as ASCII, so "a10" before "a2". */
    ck_assert_int_lt(cmp_texts("1.0.0-a10", "1.0.0-a2"), 0);
    ck_assert_int_lt(cmp_texts("1.0.0-B", "1.0.0-a"), 0);
    /* A prefix is older. */
    ck_assert_int_lt(cmp_texts("1.0.0-alpha", "1.0.0-alphabet"), 0);
    ck_assert_int_lt(cmp_texts("1.0.0-999", "1.0.0-0a"), 0);
}
END_TEST

/* --- plugin_name ------------------------------------------------------------- */

START_TEST(test_plugin_name_ok)
{
    ck_assert_int_eq(plugin_name_ok("ab"), 1);
    ck_assert_int_eq(plugin_name_ok("tea-break"), 1);
    ck_assert_int_eq(plugin_name_ok("a1-"), 1);
    /* 40 characters, then 41. */
    ck_assert_int_eq(plugin_name_ok("a23456789-123456789-123456789-1234567890"), 1);
    ck_assert_int_eq(plugin_name_ok("a23456789-123456789-123456789-12345678901"), 0);
    ck_assert_int_eq(plugin_name_ok(NULL), 0);
    ck_assert_int_eq(plugin_name_ok(""), 0);
    ck_assert_int_eq(plugin_name_ok("a"), 0);
    ck_assert_int_eq(plugin_name_ok("Ab"), 0);
    ck_assert_int_eq(plugin_name_ok("aB"), 0);
    ck_assert_int_eq(plugin_name_ok("1a"), 0);
    ck_assert_int_eq(plugin_name_ok("-a"), 0);
    ck_assert_int_eq(plugin_name_ok("a_b"), 0);
    ck_assert_int_eq(plugin_name_ok("a b"), 0);
    ck_assert_int_eq(plugin_name_ok("a/b"), 0);
    ck_assert_int_eq(plugin_name_ok("\xc4\x81" "b"), 0);
}
END_TEST

START_TEST(test_plugin_table_prefix)
{
    char out[PLUGIN_TABLE_PREFIX_MAX];
    const char *longest = "a23456789-123456789-123456789-1234567890";

    plugin_table_prefix("tea-break", out);
    ck_assert_str_eq(out, "p_tea_break_");
    plugin_table_prefix("ab", out);
    ck_assert_str_eq(out, "p_ab_");
    ck_assert(plugin_name_ok(longest));
    plugin_table_prefix(longest, out);
    ck_assert_str_eq(out, "p_a23456789_123456789_123456789_1234567890_");
    ck_assert_uint_eq(strlen(out) + 1, sizeof out); /* the longest fills it exactly */
}
END_TEST

/* --- a meeting's settings ------------------------------------------------------ */

static json_t *schema;

static void settings_setup(void)
{
    setup();
    ck_assert_int_eq(parse_text(good_manifest), 0);
    schema = m.settings;
}

/* plugin_settings_check on the JSON text given (NULL: no settings). */
static json_t *check_given(const char *given_json)
{
    json_t *given = NULL, *out;

    if (given_json) {
        given = json_loads(given_json, JSON_DECODE_ANY, NULL);
        ck_assert_msg(given != NULL, "bad test JSON: %s", given_json);
    }
    out = plugin_settings_check(schema, given, &e);
    json_decref(given);
    return out;
}

#define EXPECT_SETTING_ERR(given_json, code_, field_)                          \
    do {                                                                       \
        json_t *out_ = check_given(given_json);                                \
        ck_assert_ptr_null(out_);                                              \
        ck_assert_int_eq(e.code, (code_));                                     \
        ck_assert_str_eq(e.field, (field_));                                   \
        ck_assert_msg(strncmp(e.message, field_ ": ", strlen(field_ ": ")) == 0, \
                      "message '%s' does not name %s", e.message, field_);     \
    } while (0)

START_TEST(test_settings_defaults)
{
    json_t *out = check_given(NULL), *expected;

    ck_assert_ptr_nonnull(out);
    expected = json_loads("{\"minutes\": 15, \"ratio\": 0.5, \"enabled\": true, "
                          "\"drink\": \"tea\", \"note\": \"\", \"size\": 2}", 0, NULL);
    ck_assert(json_equal(out, expected));
    /* A new object: changing it leaves the schema's defaults alone. */
    json_object_set_new(out, "minutes", json_integer(30));
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(schema, "minutes"),
                                                        "default")), 15);
    json_decref(out);
    /* JSON null for the whole object, or for one value, means the default. */
    out = check_given("null");
    ck_assert(json_equal(out, expected));
    json_decref(out);
    out = check_given("{\"minutes\": null}");
    ck_assert(json_equal(out, expected));
    json_decref(out);
    json_decref(expected);
}
END_TEST

START_TEST(test_settings_given_values)
{
    json_t *out = check_given("{\"minutes\": 60, \"ratio\": 1, \"enabled\": false, "
                              "\"drink\": \"coffee\", \"note\": \"two\\nlines\", \"size\": 3}");

    ck_assert_msg(out != NULL, "%s", e.message);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "minutes")), 60);
    ck_assert(json_is_number(json_object_get(out, "ratio"))); /* an integer is a number */
    ck_assert(json_is_false(json_object_get(out, "enabled")));
    ck_assert_str_eq(json_string_value(json_object_get(out, "drink")), "coffee");
    ck_assert_str_eq(json_string_value(json_object_get(out, "note")), "two\nlines");
    json_decref(out);
    /* Partly given: the rest are defaults; 20 characters of two bytes each fit. */
    out = check_given("{\"ratio\": 0.25, \"note\": \"\\u0101\\u0101\\u0101\\u0101\\u0101"
                      "\\u0101\\u0101\\u0101\\u0101\\u0101\\u0101\\u0101\\u0101\\u0101\\u0101"
                      "\\u0101\\u0101\\u0101\\u0101\\u0101\"}");
    ck_assert_msg(out != NULL, "%s", e.message);
    ck_assert_int_eq(json_object_size(out), 6);
    ck_assert(json_real_value(json_object_get(out, "ratio")) == 0.25);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "minutes")), 15);
    json_decref(out);
}
END_TEST

START_TEST(test_settings_unknown_key)
{
    EXPECT_SETTING_ERR("{\"minutes\": 20, \"colour\": \"red\"}", ERR_UNKNOWN_FIELD,
                       "settings.colour");
}
END_TEST

START_TEST(test_settings_not_object)
{
    EXPECT_SETTING_ERR("[1]", ERR_INVALID_FIELD, "settings");
}
END_TEST

START_TEST(test_settings_integer)
{
    EXPECT_SETTING_ERR("{\"minutes\": 20.0}", ERR_INVALID_FIELD, "settings.minutes");
    ck_assert_str_eq(e.message, "settings.minutes: must be a JSON integer (like 3, not 3.0) "
                                "from 5 to 60");
    EXPECT_SETTING_ERR("{\"minutes\": 61}", ERR_INVALID_FIELD, "settings.minutes");
    EXPECT_SETTING_ERR("{\"minutes\": 4}", ERR_INVALID_FIELD, "settings.minutes");
    EXPECT_SETTING_ERR("{\"minutes\": \"20\"}", ERR_INVALID_FIELD, "settings.minutes");
    EXPECT_SETTING_ERR("{\"minutes\": true}", ERR_INVALID_FIELD, "settings.minutes");
    EXPECT_SETTING_ERR("{\"size\": 4}", ERR_INVALID_FIELD, "settings.size");
    ck_assert_str_eq(e.message, "settings.size: must be one of: 1, 2, 3");
}
END_TEST

START_TEST(test_settings_number)
{
    EXPECT_SETTING_ERR("{\"ratio\": 1.5}", ERR_INVALID_FIELD, "settings.ratio");
    ck_assert_str_eq(e.message, "settings.ratio: must be a finite number from 0 to 1");
    EXPECT_SETTING_ERR("{\"ratio\": -0.001}", ERR_INVALID_FIELD, "settings.ratio");
    EXPECT_SETTING_ERR("{\"ratio\": \"0.5\"}", ERR_INVALID_FIELD, "settings.ratio");
}
END_TEST

START_TEST(test_settings_boolean)
{
    EXPECT_SETTING_ERR("{\"enabled\": \"true\"}", ERR_INVALID_FIELD, "settings.enabled");
    ck_assert_str_eq(e.message, "settings.enabled: must be true or false");
    EXPECT_SETTING_ERR("{\"enabled\": 1}", ERR_INVALID_FIELD, "settings.enabled");
}
END_TEST

START_TEST(test_settings_string)
{
    EXPECT_SETTING_ERR("{\"drink\": \"juice\"}", ERR_INVALID_FIELD, "settings.drink");
    ck_assert_str_eq(e.message, "settings.drink: must be one of: \"tea\", \"coffee\"");
    EXPECT_SETTING_ERR("{\"note\": \"123456789012345678901\"}", ERR_INVALID_FIELD,
                       "settings.note");
    ck_assert_str_eq(e.message, "settings.note: must be a text of at most 20 characters "
                                "without control characters (line breaks and tabs are "
                                "allowed)");
    EXPECT_SETTING_ERR("{\"note\": \"esc\\u001b\"}", ERR_INVALID_FIELD, "settings.note");
    EXPECT_SETTING_ERR("{\"note\": 5}", ERR_INVALID_FIELD, "settings.note");
}
END_TEST

START_TEST(test_settings_schema_direct)
{
    /* The schema checker on its own, as tools use it. */
    json_t *in = json_loads("{\"limit\": {\"type\": \"number\", \"default\": 2, \"max\": 2.5,"
                            " \"title\": {\"lv\": \"L\", \"en\": \"L\"}}}", 0, NULL);
    json_t *out = plugin_settings_schema(in, &e);

    ck_assert_msg(out != NULL, "%s", e.message);
    ck_assert(json_is_object(json_object_get(json_object_get(out, "limit"), "title")));
    ck_assert_ptr_null(json_object_get(json_object_get(out, "limit"), "min"));
    json_decref(out);
    json_decref(in);
    ck_assert_ptr_null(plugin_settings_schema(NULL, &e));
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    ck_assert_str_eq(e.field, "settings");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("plugin_manifest");
    TCase *good = tcase_create("good"), *bad = tcase_create("refusals");
    TCase *ver = tcase_create("semver"), *name = tcase_create("names");
    TCase *set = tcase_create("settings");

    tcase_add_checked_fixture(good, setup, teardown);
    tcase_add_test(good, test_good_manifest);
    tcase_add_test(good, test_minimal_manifest_defaults);
    tcase_add_test(good, test_limits_accepted);
    tcase_add_test(good, test_to_json);
    tcase_add_test(good, test_hook_order);
    tcase_add_test(good, test_read_names);
    suite_add_tcase(s, good);

    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, test_refuses_bad_json);
    tcase_add_test(bad, test_refuses_non_object);
    tcase_add_test(bad, test_refuses_too_large);
    tcase_add_test(bad, test_refuses_duplicate_keys);
    tcase_add_test(bad, test_refuses_unknown_key);
    tcase_add_test(bad, test_refuses_name);
    tcase_add_test(bad, test_refuses_version);
    tcase_add_test(bad, test_refuses_api);
    tcase_add_test(bad, test_refuses_title);
    tcase_add_test(bad, test_refuses_description);
    tcase_add_test(bad, test_refuses_priority);
    tcase_add_test(bad, test_refuses_reads);
    tcase_add_test(bad, test_refuses_informational);
    tcase_add_test(bad, test_refuses_settings_shape);
    tcase_add_test(bad, test_refuses_setting_type_title_default);
    tcase_add_test(bad, test_refuses_setting_default_invalid);
    tcase_add_test(bad, test_refuses_setting_bounds);
    tcase_add_test(bad, test_refuses_setting_options);
    tcase_add_test(bad, test_refuses_setting_max_length);
    suite_add_tcase(s, bad);

    tcase_add_test(ver, test_semver_valid);
    tcase_add_test(ver, test_semver_invalid);
    tcase_add_test(ver, test_semver_length_bound);
    tcase_add_test(ver, test_semver_fields);
    tcase_add_test(ver, test_semver_order);
    tcase_add_test(ver, test_semver_order_details);
    suite_add_tcase(s, ver);

    tcase_add_test(name, test_plugin_name_ok);
    tcase_add_test(name, test_plugin_table_prefix);
    suite_add_tcase(s, name);

    tcase_add_checked_fixture(set, settings_setup, teardown);
    tcase_add_test(set, test_settings_defaults);
    tcase_add_test(set, test_settings_given_values);
    tcase_add_test(set, test_settings_unknown_key);
    tcase_add_test(set, test_settings_not_object);
    tcase_add_test(set, test_settings_integer);
    tcase_add_test(set, test_settings_number);
    tcase_add_test(set, test_settings_boolean);
    tcase_add_test(set, test_settings_string);
    tcase_add_test(set, test_settings_schema_direct);
    suite_add_tcase(s, set);
    return s;
}
