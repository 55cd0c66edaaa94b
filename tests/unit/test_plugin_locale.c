/* test_plugin_locale.c - unit tests for core/plugin/plugin_locale (a plugin's
 * message files and saiets.t lookups).
 *
 * Must never: accept a locale file that breaks a bound, substitute inside
 * substituted text, append more than PLUGIN_LOCALE_OUT_MAX bytes or cut a
 * character in two, or skip a step of the fallback (requested language, lv,
 * en, the key). */
#include "plugin_locale.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

static struct err e;
static struct buf out;

static void setup(void)
{
    err_clear(&e);
    buf_reset(&out);
}

static void teardown(void) { buf_free(&out); }

static json_t *parse(const char *lang, const char *text)
{
    return plugin_locale_parse(lang, text, strlen(text), &e);
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

/* A locale file {key: value} parsed (value stolen); returns the result. */
static json_t *parse_one(const char *key, json_t *value)
{
    json_t *obj = json_object();
    char *text;
    json_t *r;

    ck_assert_int_eq(json_object_set_new(obj, key, value), 0);
    text = json_dumps(obj, 0);
    json_decref(obj);
    r = parse("lv", text);
    free(text);
    return r;
}

#define EXPECT_REFUSED(result, field_, needle)                                 \
    do {                                                                       \
        json_t *r_ = (result);                                                 \
        ck_assert_ptr_null(r_);                                                \
        ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);                          \
        ck_assert_str_eq(e.field, (field_));                                   \
        ck_assert_msg(strstr(e.message, (needle)) != NULL,                     \
                      "message '%s' lacks '%s'", e.message, (needle));         \
        err_clear(&e);                                                         \
    } while (0)

/* The text of the buffer, then emptied for the next check. */
static const char *taken(void)
{
    static char copy[PLUGIN_LOCALE_OUT_MAX + 1];

    ck_assert(buf_ok(&out));
    ck_assert_uint_le(out.len, PLUGIN_LOCALE_OUT_MAX);
    memcpy(copy, buf_cstr(&out), out.len + 1);
    buf_reset(&out);
    return copy;
}

/* --- validation ------------------------------------------------------------ */

START_TEST(test_parse_good)
{
    json_t *l = parse("lv", "{\"greeting\": \"Sveiki, {name}!\", "
                            "\"agenda.break-title_2\": \"Pauze\\nar t\\u0113ju\", "
                            "\"empty\": \"\"}");

    ck_assert_msg(l != NULL, "%s", e.message);
    ck_assert_str_eq(json_string_value(json_object_get(l, "greeting")), "Sveiki, {name}!");
    ck_assert_str_eq(json_string_value(json_object_get(l, "agenda.break-title_2")),
                     "Pauze\nar t\xc4\x93ju");
    json_decref(l);
    l = parse("ltg", "{}");
    ck_assert_ptr_nonnull(l);
    json_decref(l);
}
END_TEST

START_TEST(test_parse_refuses_file)
{
    EXPECT_REFUSED(parse("lv", "{\"a\": \"x\",\n \"b\": }"), "", "locale/lv.json: line 2");
    EXPECT_REFUSED(parse("en", "[\"a\"]"), "", "locale/en.json: must be a JSON object");
    EXPECT_REFUSED(parse("lv", ""), "", "locale/lv.json");
    EXPECT_REFUSED(plugin_locale_parse("lv", NULL, 0, &e), "", "locale/lv.json");
    EXPECT_REFUSED(parse("lv", "{\"a\": \"x\", \"a\": \"y\"}"), "a",
                   "locale/lv.json: \"a\" is given twice");
}
END_TEST

START_TEST(test_parse_refuses_language)
{
    EXPECT_REFUSED(parse("LV", "{}"), "", "\"LV\" is not a language code");
    EXPECT_REFUSED(parse("l", "{}"), "", "is not a language code");
    EXPECT_REFUSED(parse("latv", "{}"), "", "is not a language code");
    EXPECT_REFUSED(parse("../x", "{}"), "", "is not a language code");
    EXPECT_REFUSED(parse(NULL, "{}"), "", "is not a language code");
}
END_TEST

START_TEST(test_parse_refuses_too_large)
{
    size_t n = PLUGIN_LOCALE_MAX_BYTES + 1;
    char *text = malloc(n + 1);

    ck_assert_ptr_nonnull(text);
    memset(text, ' ', n);
    memcpy(text, "{}", 2);
    text[n] = '\0';
    EXPECT_REFUSED(plugin_locale_parse("lv", text, n, &e), "", "larger than 262144 bytes");
    free(text);
}
END_TEST

START_TEST(test_parse_refuses_too_many_keys)
{
    json_t *obj = json_object(), *l;
    char *text;

    for (int i = 0; i <= PLUGIN_LOCALE_MAX_KEYS; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        json_object_set_new(obj, key, json_string("x"));
    }
    text = json_dumps(obj, 0);
    EXPECT_REFUSED(parse("lv", text), "", "has 501 messages, at most 500");
    free(text);
    /* 500 are fine. */
    json_object_del(obj, "k0");
    text = json_dumps(obj, 0);
    l = parse("lv", text);
    ck_assert_msg(l != NULL, "%s", e.message);
    json_decref(l);
    free(text);
    json_decref(obj);
}
END_TEST

START_TEST(test_parse_refuses_keys)
{
    char *k = repeat("k", PLUGIN_LOCALE_KEY_MAX + 1);
    json_t *l;

    EXPECT_REFUSED(parse_one("Greeting", json_string("x")), "", "\"Greeting\" is not a message key");
    EXPECT_REFUSED(parse_one("1x", json_string("x")), "", "\"1x\" is not a message key");
    EXPECT_REFUSED(parse_one("", json_string("x")), "", "is not a message key");
    EXPECT_REFUSED(parse_one("a b", json_string("x")), "", "is not a message key");
    EXPECT_REFUSED(parse_one(k, json_string("x")), "", "is not a message key");
    k[PLUGIN_LOCALE_KEY_MAX] = '\0';
    l = parse_one(k, json_string("x"));
    ck_assert_msg(l != NULL, "%s", e.message);
    json_decref(l);
    free(k);
}
END_TEST

START_TEST(test_parse_refuses_values)
{
    char *s = repeat("\xe2\x82\xac", PLUGIN_LOCALE_TEXT_MAX + 1);
    json_t *l;

    EXPECT_REFUSED(parse_one("count", json_integer(5)), "count",
                   "locale/lv.json: \"count\" must be a text");
    EXPECT_REFUSED(parse_one("count", json_null()), "count", "\"count\" must be a text");
    EXPECT_REFUSED(parse_one("count", json_pack("{s:s}", "one", "x")), "count",
                   "\"count\" must be a text");
    EXPECT_REFUSED(parse_one("bell", json_string("ding\a")), "bell",
                   "\"bell\" has control characters");
    EXPECT_REFUSED(parse_one("long", json_string(s)), "long",
                   "\"long\" is longer than 2000 characters");
    /* 2000 characters of three bytes each are fine. */
    s[PLUGIN_LOCALE_TEXT_MAX * 3] = '\0';
    l = parse_one("long", json_string(s));
    ck_assert_msg(l != NULL, "%s", e.message);
    json_decref(l);
    free(s);
}
END_TEST

START_TEST(test_key_and_lang_ok)
{
    ck_assert_int_eq(plugin_locale_key_ok("a"), 1);
    ck_assert_int_eq(plugin_locale_key_ok("a.b-c_9"), 1);
    ck_assert_int_eq(plugin_locale_key_ok(".a"), 0);
    ck_assert_int_eq(plugin_locale_key_ok(NULL), 0);
    ck_assert_int_eq(plugin_locale_lang_ok("lv"), 1);
    ck_assert_int_eq(plugin_locale_lang_ok("ltg"), 1);
    ck_assert_int_eq(plugin_locale_lang_ok("l1"), 0);
    ck_assert_int_eq(plugin_locale_lang_ok(""), 0);
}
END_TEST

/* --- formatting ---------------------------------------------------------------- */

static const char *format(const char *tmpl, const char *args_json)
{
    json_t *args = args_json ? json_loads(args_json, 0, NULL) : NULL;

    ck_assert(args_json == NULL || args != NULL);
    ck_assert_int_eq(plugin_locale_format(tmpl, args, &out), 0);
    json_decref(args);
    return taken();
}

START_TEST(test_format_placeholders)
{
    ck_assert_str_eq(format("Sveiki, {name}!", "{\"name\": \"Anna\"}"), "Sveiki, Anna!");
    ck_assert_str_eq(format("{n} vietas, {r}, {b}", "{\"n\": 12, \"r\": 0.5, \"b\": true}"),
                     "12 vietas, 0.5, true");
    ck_assert_str_eq(format("{a}{a}{B_2}", "{\"a\": \"x\", \"B_2\": \"y\"}"), "xxy");
    ck_assert_str_eq(format("no placeholders", "{\"a\": 1}"), "no placeholders");
    ck_assert_str_eq(format("", "{\"a\": 1}"), "");
}
END_TEST

START_TEST(test_format_leaves_unknown)
{
    /* Unknown names, no arguments, and values without a text stay as written. */
    ck_assert_str_eq(format("Hi {name}", "{}"), "Hi {name}");
    ck_assert_str_eq(format("Hi {name}", NULL), "Hi {name}");
    ck_assert_str_eq(format("{a} {b} {c}", "{\"a\": null, \"b\": [1], \"c\": {}}"),
                     "{a} {b} {c}");
    /* Not placeholders at all. */
    ck_assert_str_eq(format("{ a } {} { {a", "{\"a\": \"x\"}"), "{ a } {} { {a");
    ck_assert_str_eq(format("{{a}}", "{\"a\": \"x\"}"), "{x}");
    ck_assert_str_eq(format("{a-b}", "{\"a-b\": \"x\"}"), "{a-b}");
}
END_TEST

START_TEST(test_format_not_recursive)
{
    /* An argument's own braces are text, not another placeholder. */
    ck_assert_str_eq(format("{a}", "{\"a\": \"{b}\", \"b\": \"x\"}"), "{b}");
}
END_TEST

START_TEST(test_format_name_bound)
{
    char tmpl[PLUGIN_LOCALE_ARG_MAX + 8], *name = repeat("n", PLUGIN_LOCALE_ARG_MAX + 1);
    json_t *args = json_object();

    /* A 65-character name is not a placeholder; 64 is. */
    json_object_set_new(args, name, json_string("long"));
    snprintf(tmpl, sizeof tmpl, "{%s}", name);
    ck_assert_int_eq(plugin_locale_format(tmpl, args, &out), 0);
    ck_assert_str_eq(taken(), tmpl);
    name[PLUGIN_LOCALE_ARG_MAX] = '\0';
    json_object_set_new(args, name, json_string("ok"));
    snprintf(tmpl, sizeof tmpl, "{%s}", name);
    ck_assert_int_eq(plugin_locale_format(tmpl, args, &out), 0);
    ck_assert_str_eq(taken(), "ok");
    json_decref(args);
    free(name);
}
END_TEST

START_TEST(test_format_output_bound)
{
    /* 9 copies of 1,000 three-byte characters: 27,000 bytes, cut at 16,384
     * rounded down to a whole character (16,383). */
    char *big = repeat("\xe2\x82\xac", 1000);
    json_t *args = json_pack("{s:s}", "x", big);
    const char *r;

    ck_assert_int_eq(plugin_locale_format("{x}{x}{x}{x}{x}{x}{x}{x}{x}", args, &out), 0);
    ck_assert_uint_eq(out.len, (PLUGIN_LOCALE_OUT_MAX / 3) * 3);
    r = taken();
    ck_assert_uint_eq((unsigned char)r[strlen(r) - 3], 0xe2);
    /* The bound is per call: text already in the buffer does not count. */
    buf_puts(&out, "abc");
    ck_assert_int_eq(plugin_locale_format("{x}{x}{x}{x}{x}{x}{x}{x}{x}", args, &out), 0);
    ck_assert_uint_eq(out.len, 3 + (PLUGIN_LOCALE_OUT_MAX / 3) * 3);
    buf_reset(&out);
    json_decref(args);
    free(big);
}
END_TEST

/* --- lookup and fallback --------------------------------------------------------- */

static json_t *locales;

static void lookup_setup(void)
{
    setup();
    locales = json_pack("{s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:{s:s}}",
                        "lv", "a", "LV a", "b", "LV b {n}",
                        "en", "a", "EN a", "b", "EN b", "c", "EN c",
                        "ru", "a", "RU a");
    ck_assert_ptr_nonnull(locales);
}

static void lookup_teardown(void)
{
    json_decref(locales);
    teardown();
}

static const char *lookup(const char *lang, const char *key, json_t *args)
{
    ck_assert_int_eq(plugin_locale_text(locales, lang, key, args, &out), 0);
    return taken();
}

START_TEST(test_lookup_fallback)
{
    ck_assert_str_eq(lookup("ru", "a", NULL), "RU a");     /* requested */
    ck_assert_str_eq(lookup("ru", "b", NULL), "LV b {n}"); /* then lv */
    ck_assert_str_eq(lookup("ru", "c", NULL), "EN c");     /* then en */
    ck_assert_str_eq(lookup("ru", "d", NULL), "d");        /* then the key */
    ck_assert_str_eq(lookup("en", "a", NULL), "EN a");
    ck_assert_str_eq(lookup("en", "c", NULL), "EN c");
    ck_assert_str_eq(lookup("lv", "c", NULL), "EN c");
    ck_assert_str_eq(lookup("de", "a", NULL), "LV a"); /* a language without a file */
    ck_assert_str_eq(lookup(NULL, "a", NULL), "LV a");
}
END_TEST

START_TEST(test_lookup_substitutes)
{
    json_t *args = json_pack("{s:i}", "n", 3);

    ck_assert_str_eq(lookup("lv", "b", args), "LV b 3");
    /* The key itself is shown as it is, without substitution. */
    ck_assert_str_eq(lookup("lv", "missing {n}", args), "missing {n}");
    json_decref(args);
}
END_TEST

START_TEST(test_lookup_without_locales)
{
    ck_assert_int_eq(plugin_locale_text(NULL, "lv", "plain.key", NULL, &out), 0);
    ck_assert_str_eq(taken(), "plain.key");
    ck_assert_int_eq(plugin_locale_text(locales, "lv", NULL, NULL, &out), 0);
    ck_assert_str_eq(taken(), "");
}
END_TEST

START_TEST(test_lookup_key_bound)
{
    char *key = repeat("k", PLUGIN_LOCALE_OUT_MAX + 100);

    ck_assert_int_eq(plugin_locale_text(locales, "lv", key, NULL, &out), 0);
    ck_assert_uint_eq(out.len, PLUGIN_LOCALE_OUT_MAX);
    buf_reset(&out);
    free(key);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("plugin_locale");
    TCase *parse_tc = tcase_create("parse"), *fmt = tcase_create("format");
    TCase *look = tcase_create("lookup");

    tcase_add_checked_fixture(parse_tc, setup, teardown);
    tcase_add_test(parse_tc, test_parse_good);
    tcase_add_test(parse_tc, test_parse_refuses_file);
    tcase_add_test(parse_tc, test_parse_refuses_language);
    tcase_add_test(parse_tc, test_parse_refuses_too_large);
    tcase_add_test(parse_tc, test_parse_refuses_too_many_keys);
    tcase_add_test(parse_tc, test_parse_refuses_keys);
    tcase_add_test(parse_tc, test_parse_refuses_values);
    tcase_add_test(parse_tc, test_key_and_lang_ok);
    suite_add_tcase(s, parse_tc);

    tcase_add_checked_fixture(fmt, setup, teardown);
    tcase_add_test(fmt, test_format_placeholders);
    tcase_add_test(fmt, test_format_leaves_unknown);
    tcase_add_test(fmt, test_format_not_recursive);
    tcase_add_test(fmt, test_format_name_bound);
    tcase_add_test(fmt, test_format_output_bound);
    suite_add_tcase(s, fmt);

    tcase_add_checked_fixture(look, lookup_setup, lookup_teardown);
    tcase_add_test(look, test_lookup_fallback);
    tcase_add_test(look, test_lookup_substitutes);
    tcase_add_test(look, test_lookup_without_locales);
    tcase_add_test(look, test_lookup_key_bound);
    suite_add_tcase(s, look);
    return s;
}
