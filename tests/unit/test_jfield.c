/* test_jfield.c - unit tests for core/jfield (reading untrusted JSON fields).
 *
 * Must never: accept a value of the wrong type, count length in bytes where
 * the rule says characters, let control characters through, or touch the
 * output when the key is absent (PATCH applies onto current values). */
#include "jfield.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

static json_t *obj;
static struct err e;

static void setup(void)
{
    obj = json_object();
    err_clear(&e);
}

static void teardown(void)
{
    json_decref(obj);
    obj = NULL;
}

/* obj = {key: v} (v stolen). */
static void put(const char *key, json_t *v)
{
    json_object_clear(obj);
    ck_assert_int_eq(json_object_set_new(obj, key, v), 0);
}

/* n copies of the UTF-8 character c. */
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

#define EXPECT_ERR(rc, code_, field_)                                          \
    do {                                                                       \
        ck_assert_int_eq((rc), -1);                                            \
        ck_assert_int_eq(e.code, (code_));                                     \
        ck_assert_str_eq(e.field, (field_));                                   \
        ck_assert_str_ne(e.message, "");                                       \
        err_clear(&e);                                                         \
    } while (0)

/* --- jf_text ------------------------------------------------------------ */

START_TEST(test_text_wrong_types)
{
    char dst[JF_TEXT_BYTES(20)] = "keep";

    put("name", json_integer(5));
    EXPECT_ERR(jf_text(obj, "name", 0, 20, dst, sizeof dst, &e), ERR_INVALID_FIELD, "name");
    put("name", json_true());
    EXPECT_ERR(jf_text(obj, "name", 0, 20, dst, sizeof dst, &e), ERR_INVALID_FIELD, "name");
    put("name", json_real(1.5));
    EXPECT_ERR(jf_text(obj, "name", JF_REQUIRED, 20, dst, sizeof dst, &e),
               ERR_INVALID_FIELD, "name");
    put("name", json_pack("[s]", "x"));
    EXPECT_ERR(jf_text(obj, "name", 0, 20, dst, sizeof dst, &e), ERR_INVALID_FIELD, "name");
    put("name", json_pack("{s:s}", "a", "x"));
    EXPECT_ERR(jf_text(obj, "name", 0, 20, dst, sizeof dst, &e), ERR_INVALID_FIELD, "name");
    /* An embedded NUL would cut the text short behind the caller's back. */
    put("name", json_stringn("ab\0cd", 5));
    EXPECT_ERR(jf_text(obj, "name", 0, 20, dst, sizeof dst, &e), ERR_INVALID_FIELD, "name");
}
END_TEST

START_TEST(test_text_absent)
{
    char dst[JF_TEXT_BYTES(20)] = "keep";

    put("other", json_string("x"));
    ck_assert_int_eq(jf_text(obj, "name", 0, 20, dst, sizeof dst, &e), JF_ABSENT);
    ck_assert_str_eq(dst, "keep");
    ck_assert_int_eq(jf_text(obj, "name", JF_NULLABLE | JF_MULTILINE, 20, dst, sizeof dst, &e),
                     JF_ABSENT);
    ck_assert_str_eq(dst, "keep");
    ck_assert_int_eq(e.code, ERR_NONE);
    EXPECT_ERR(jf_text(obj, "name", JF_REQUIRED, 20, dst, sizeof dst, &e),
               ERR_MISSING_FIELD, "name");
}
END_TEST

START_TEST(test_text_null)
{
    char dst[JF_TEXT_BYTES(20)] = "keep";

    put("city", json_null());
    /* Not nullable: null is a wrong value, not a missing one. */
    EXPECT_ERR(jf_text(obj, "city", 0, 20, dst, sizeof dst, &e), ERR_INVALID_FIELD, "city");
    EXPECT_ERR(jf_text(obj, "city", JF_REQUIRED, 20, dst, sizeof dst, &e),
               ERR_MISSING_FIELD, "city");
    EXPECT_ERR(jf_text(obj, "city", JF_REQUIRED | JF_NULLABLE, 20, dst, sizeof dst, &e),
               ERR_MISSING_FIELD, "city");
    strcpy(dst, "keep");
    ck_assert_int_eq(jf_text(obj, "city", JF_NULLABLE, 20, dst, sizeof dst, &e), JF_NULL);
    ck_assert_str_eq(dst, ""); /* explicit null empties the output */
}
END_TEST

START_TEST(test_text_empty_and_blank)
{
    char dst[JF_TEXT_BYTES(20)] = "keep";

    put("name", json_string(""));
    EXPECT_ERR(jf_text(obj, "name", JF_REQUIRED, 20, dst, sizeof dst, &e),
               ERR_MISSING_FIELD, "name");
    ck_assert_int_eq(jf_text(obj, "name", 0, 20, dst, sizeof dst, &e), JF_SET);
    ck_assert_str_eq(dst, "");
    /* Only white space counts as empty once trimmed. */
    put("name", json_string(" \t\r\n "));
    EXPECT_ERR(jf_text(obj, "name", JF_REQUIRED, 20, dst, sizeof dst, &e),
               ERR_MISSING_FIELD, "name");
    strcpy(dst, "keep");
    ck_assert_int_eq(jf_text(obj, "name", 0, 20, dst, sizeof dst, &e), JF_SET);
    ck_assert_str_eq(dst, "");
}
END_TEST

START_TEST(test_text_trimmed)
{
    char dst[JF_TEXT_BYTES(20)];

    put("name", json_string("  \t Ilze  Bērziņa \r\n"));
    ck_assert_int_eq(jf_text(obj, "name", JF_REQUIRED, 20, dst, sizeof dst, &e), JF_SET);
    ck_assert_str_eq(dst, "Ilze  Bērziņa"); /* inner spaces are kept */
    /* Trimming happens before the length rule: 5 characters + padding. */
    put("name", json_string("     Ābols     "));
    ck_assert_int_eq(jf_text(obj, "name", 0, 5, dst, JF_TEXT_BYTES(5), &e), JF_SET);
    ck_assert_str_eq(dst, "Ābols");
}
END_TEST

START_TEST(test_text_length_in_characters)
{
    char dst[JF_TEXT_BYTES(200)];
    char *s;

    /* 200 two-byte letters: 400 bytes, 200 characters: allowed. */
    s = repeat("ā", 200);
    put("name", json_string(s));
    ck_assert_int_eq(jf_text(obj, "name", JF_REQUIRED, 200, dst, sizeof dst, &e), JF_SET);
    ck_assert_str_eq(dst, s);
    ck_assert_uint_eq(jf_utf8_chars(dst), 200);
    free(s);
    /* 201 of them: refused. */
    s = repeat("ā", 201);
    put("name", json_string(s));
    EXPECT_ERR(jf_text(obj, "name", JF_REQUIRED, 200, dst, sizeof dst, &e),
               ERR_INVALID_FIELD, "name");
    free(s);
    /* 200 four-byte characters fill the buffer exactly. */
    s = repeat("\xF0\x9F\x98\x80", 200);
    put("name", json_string(s));
    ck_assert_int_eq(jf_text(obj, "name", 0, 200, dst, sizeof dst, &e), JF_SET);
    ck_assert_str_eq(dst, s);
    free(s);
    s = repeat("\xF0\x9F\x98\x80", 201);
    put("name", json_string(s));
    EXPECT_ERR(jf_text(obj, "name", 0, 200, dst, sizeof dst, &e), ERR_INVALID_FIELD, "name");
    free(s);
    /* ASCII at the edge. */
    s = repeat("a", 200);
    put("name", json_string(s));
    ck_assert_int_eq(jf_text(obj, "name", 0, 200, dst, sizeof dst, &e), JF_SET);
    free(s);
    s = repeat("a", 201);
    put("name", json_string(s));
    EXPECT_ERR(jf_text(obj, "name", 0, 200, dst, sizeof dst, &e), ERR_INVALID_FIELD, "name");
    free(s);
    /* Far too long for the buffer: refused, not overflowed. */
    s = repeat("ž", 5000);
    put("name", json_string(s));
    EXPECT_ERR(jf_text(obj, "name", 0, 200, dst, sizeof dst, &e), ERR_INVALID_FIELD, "name");
    free(s);
}
END_TEST

START_TEST(test_text_controls)
{
    static const char *const bad[] = {"a\x01z", "a\x1bz", "a\x7fz", "a\x1fz",
                                      "a\rz", "\x08", NULL};
    char dst[JF_TEXT_BYTES(20)];

    for (const char *const *p = bad; *p; p++) {
        put("position", json_string(*p));
        EXPECT_ERR(jf_text(obj, "position", 0, 20, dst, sizeof dst, &e),
                   ERR_INVALID_FIELD, "position");
        /* CR and the others stay refused with JF_MULTILINE. */
        EXPECT_ERR(jf_text(obj, "position", JF_MULTILINE, 20, dst, sizeof dst, &e),
                   ERR_INVALID_FIELD, "position");
    }
    /* LF and TAB inside the text: only with JF_MULTILINE. */
    put("note", json_string("line 1\nline\t2"));
    EXPECT_ERR(jf_text(obj, "note", 0, 20, dst, sizeof dst, &e), ERR_INVALID_FIELD, "note");
    ck_assert_int_eq(jf_text(obj, "note", JF_MULTILINE, 20, dst, sizeof dst, &e), JF_SET);
    ck_assert_str_eq(dst, "line 1\nline\t2");
}
END_TEST

/* Regression (core/base/jfield.c jf_text_has_controls, fixed):
 * Unicode's control characters (category Cc) include C1, U+0080-U+009F;
 * U+009B is a terminal's CSI.  jfield.h promises text "without control
 * characters". */
START_TEST(test_text_c1_controls)
{
    char dst[JF_TEXT_BYTES(20)];

    put("position", json_string("a\xC2\x9B" "31mz")); /* U+009B CSI */
    EXPECT_ERR(jf_text(obj, "position", 0, 20, dst, sizeof dst, &e),
               ERR_INVALID_FIELD, "position");
    put("position", json_string("a\xC2\x85z")); /* U+0085 NEL */
    EXPECT_ERR(jf_text(obj, "position", JF_MULTILINE, 20, dst, sizeof dst, &e),
               ERR_INVALID_FIELD, "position");
}
END_TEST

/* Bidirectional formatting characters reverse how a list shows a name
 * ("\u202Enosnivad" shows as "davinson"); names refuse them (JF_NO_BIDI),
 * other text keeps them. */
START_TEST(test_text_bidi)
{
    static const char *const bad[] = {
        "a\xE2\x80\xAAz", /* U+202A LRE */
        "a\xE2\x80\xABz", /* U+202B RLE */
        "a\xE2\x80\xACz", /* U+202C PDF */
        "a\xE2\x80\xADz", /* U+202D LRO */
        "\xE2\x80\xAEnosnivaD", /* U+202E RLO */
        "a\xE2\x81\xA6z", /* U+2066 LRI */
        "a\xE2\x81\xA7z", /* U+2067 RLI */
        "a\xE2\x81\xA8z", /* U+2068 FSI */
        "a\xE2\x81\xA9z", /* U+2069 PDI */
        "a\xE2\x80\x8Ez", /* U+200E LRM */
        "a\xE2\x80\x8Fz", /* U+200F RLM */
        "a\xD8\x9Cz",      /* U+061C ALM */
        NULL};
    char dst[JF_TEXT_BYTES(20)];

    for (const char *const *p = bad; *p; p++) {
        put("last_name", json_string(*p));
        ck_assert_int_eq(jf_text(obj, "last_name", JF_NO_BIDI, 20, dst, sizeof dst, &e), -1);
        ck_assert_ptr_nonnull(strstr(e.message, "bidirectional"));
        EXPECT_ERR(jf_text(obj, "last_name", JF_NO_BIDI, 20, dst, sizeof dst, &e),
                   ERR_INVALID_FIELD, "last_name");
        ck_assert_int_eq(jf_text(obj, "last_name", 0, 20, dst, sizeof dst, &e), JF_SET);
        ck_assert_int_ne(jf_text_has_bidi(*p), 0);
    }
    /* neighbours in the same blocks are ordinary text */
    put("last_name", json_string("Bērziņa\xE2\x80\x94Kalniņa\xE2\x80\xAF\xE2\x81\xA0"
                                 "\xE2\x80\x8D\xD8\x9B"));
    ck_assert_int_eq(jf_text(obj, "last_name", JF_NO_BIDI, 40, dst, sizeof dst, &e), JF_SET);
    ck_assert_int_eq(jf_text_has_bidi("Ģirts \xE2\x80\x9ESaules skola\xE2\x80\x9D"), 0);
    ck_assert_int_eq(jf_text_has_bidi(""), 0);
}
END_TEST

START_TEST(test_utf8_helpers)
{
    ck_assert_uint_eq(jf_utf8_chars(""), 0);
    ck_assert_uint_eq(jf_utf8_chars("abc"), 3);
    ck_assert_uint_eq(jf_utf8_chars("Ģirts Ķīsis"), 11);
    ck_assert_uint_eq(jf_utf8_chars("\xF0\x9F\x98\x80x"), 2);
    ck_assert_int_eq(jf_text_has_controls("", 0), 0);
    ck_assert_int_eq(jf_text_has_controls("Rēzekne", 0), 0);
    ck_assert_int_ne(jf_text_has_controls("a\tb", 0), 0);
    ck_assert_int_eq(jf_text_has_controls("a\tb\nc", 1), 0);
    ck_assert_int_ne(jf_text_has_controls("a\r\nb", 1), 0);
    ck_assert_int_ne(jf_text_has_controls("\x7f", 1), 0);
}
END_TEST

/* --- jf_int -------------------------------------------------------------- */

START_TEST(test_int_not_integers)
{
    long long v = 77;

    put("capacity", json_real(1.5));
    EXPECT_ERR(jf_int(obj, "capacity", 0, 1, 10, &v, &e), ERR_INVALID_FIELD, "capacity");
    put("capacity", json_real(3.0)); /* a real, even a whole one */
    EXPECT_ERR(jf_int(obj, "capacity", 0, 1, 10, &v, &e), ERR_INVALID_FIELD, "capacity");
    put("capacity", json_string("3"));
    EXPECT_ERR(jf_int(obj, "capacity", 0, 1, 10, &v, &e), ERR_INVALID_FIELD, "capacity");
    put("capacity", json_true());
    EXPECT_ERR(jf_int(obj, "capacity", 0, 1, 10, &v, &e), ERR_INVALID_FIELD, "capacity");
    put("capacity", json_false());
    EXPECT_ERR(jf_int(obj, "capacity", 0, 0, 10, &v, &e), ERR_INVALID_FIELD, "capacity");
    put("capacity", json_array());
    EXPECT_ERR(jf_int(obj, "capacity", 0, 0, 10, &v, &e), ERR_INVALID_FIELD, "capacity");
    put("capacity", json_null());
    EXPECT_ERR(jf_int(obj, "capacity", 0, 0, 10, &v, &e), ERR_INVALID_FIELD, "capacity");
    EXPECT_ERR(jf_int(obj, "capacity", JF_REQUIRED, 0, 10, &v, &e),
               ERR_MISSING_FIELD, "capacity");
    ck_assert_int_eq(v, 77);
}
END_TEST

START_TEST(test_int_bounds)
{
    long long v = 77;

    put("capacity", json_integer(0));
    EXPECT_ERR(jf_int(obj, "capacity", 0, 1, 100000, &v, &e), ERR_INVALID_FIELD, "capacity");
    put("capacity", json_integer(-1));
    EXPECT_ERR(jf_int(obj, "capacity", 0, 1, 100000, &v, &e), ERR_INVALID_FIELD, "capacity");
    put("capacity", json_integer(100001));
    EXPECT_ERR(jf_int(obj, "capacity", 0, 1, 100000, &v, &e), ERR_INVALID_FIELD, "capacity");
    ck_assert_int_eq(v, 77); /* refused values are not stored */
    put("capacity", json_integer(1));
    ck_assert_int_eq(jf_int(obj, "capacity", 0, 1, 100000, &v, &e), JF_SET);
    ck_assert_int_eq(v, 1);
    put("capacity", json_integer(100000));
    ck_assert_int_eq(jf_int(obj, "capacity", JF_REQUIRED, 1, 100000, &v, &e), JF_SET);
    ck_assert_int_eq(v, 100000);
    put("capacity", json_integer(-5));
    ck_assert_int_eq(jf_int(obj, "capacity", 0, -5, -5, &v, &e), JF_SET);
    ck_assert_int_eq(v, -5);
}
END_TEST

START_TEST(test_int_absent_and_null)
{
    long long v = 77;

    put("other", json_integer(3));
    ck_assert_int_eq(jf_int(obj, "capacity", 0, 1, 10, &v, &e), JF_ABSENT);
    ck_assert_int_eq(v, 77);
    EXPECT_ERR(jf_int(obj, "capacity", JF_REQUIRED, 1, 10, &v, &e),
               ERR_MISSING_FIELD, "capacity");
    put("capacity", json_null());
    ck_assert_int_eq(jf_int(obj, "capacity", JF_NULLABLE, 1, 10, &v, &e), JF_NULL);
    ck_assert_int_eq(v, 77);
}
END_TEST

/* --- jf_bool ------------------------------------------------------------- */

START_TEST(test_bool)
{
    int b = 5;

    put("required", json_integer(1));
    EXPECT_ERR(jf_bool(obj, "required", 0, &b, &e), ERR_INVALID_FIELD, "required");
    put("required", json_string("true"));
    EXPECT_ERR(jf_bool(obj, "required", 0, &b, &e), ERR_INVALID_FIELD, "required");
    put("required", json_null());
    EXPECT_ERR(jf_bool(obj, "required", 0, &b, &e), ERR_INVALID_FIELD, "required");
    ck_assert_int_eq(jf_bool(obj, "required", JF_NULLABLE, &b, &e), JF_NULL);
    ck_assert_int_eq(b, 5);
    json_object_clear(obj);
    ck_assert_int_eq(jf_bool(obj, "required", 0, &b, &e), JF_ABSENT);
    ck_assert_int_eq(b, 5);
    EXPECT_ERR(jf_bool(obj, "required", JF_REQUIRED, &b, &e), ERR_MISSING_FIELD, "required");
    put("required", json_true());
    ck_assert_int_eq(jf_bool(obj, "required", 0, &b, &e), JF_SET);
    ck_assert_int_eq(b, 1);
    put("required", json_false());
    ck_assert_int_eq(jf_bool(obj, "required", JF_REQUIRED, &b, &e), JF_SET);
    ck_assert_int_eq(b, 0);
}
END_TEST

/* --- jf_date ------------------------------------------------------------- */

START_TEST(test_date_invalid)
{
    static const char *const bad[] = {
        "2015-02-29", "2015-13-01", "2015-1-01", "2015-01-1", "2015-00-10",
        "2015-04-31", "2015-01-00", "1900-02-29", "20150101", "2015/01/01",
        "2015-01-01T00:00:00Z", " 2015-01-01", "2015-01-01 ", "", "2015-0a-01",
        "1899-12-31", "3000-01-01", NULL};
    char dst[11] = "keep";

    for (const char *const *p = bad; *p; p++) {
        put("starts_on", json_string(*p));
        ck_assert_msg(jf_date(obj, "starts_on", 0, dst, &e) == -1, "accepted \"%s\"", *p);
        ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
        ck_assert_str_eq(e.field, "starts_on");
        err_clear(&e);
    }
    put("starts_on", json_integer(20150101));
    EXPECT_ERR(jf_date(obj, "starts_on", 0, dst, &e), ERR_INVALID_FIELD, "starts_on");
    put("starts_on", json_null());
    EXPECT_ERR(jf_date(obj, "starts_on", JF_REQUIRED, dst, &e), ERR_MISSING_FIELD, "starts_on");
    ck_assert_str_eq(dst, "keep");
}
END_TEST

START_TEST(test_date_valid)
{
    static const char *const good[] = {"2016-02-29", "2000-02-29", "2015-11-05",
                                       "2015-12-31", "1900-01-01", "2999-12-31", NULL};
    char dst[11];

    for (const char *const *p = good; *p; p++) {
        put("starts_on", json_string(*p));
        ck_assert_msg(jf_date(obj, "starts_on", JF_REQUIRED, dst, &e) == JF_SET,
                      "refused \"%s\": %s", *p, e.message);
        ck_assert_str_eq(dst, *p);
    }
    strcpy(dst, "keep");
    json_object_clear(obj);
    ck_assert_int_eq(jf_date(obj, "starts_on", 0, dst, &e), JF_ABSENT);
    ck_assert_str_eq(dst, "keep");
    put("starts_on", json_null());
    ck_assert_int_eq(jf_date(obj, "starts_on", JF_NULLABLE, dst, &e), JF_NULL);
    ck_assert_str_eq(dst, "");
}
END_TEST

/* --- jf_time ------------------------------------------------------------- */

START_TEST(test_time_invalid)
{
    static const char *const bad[] = {
        "2015-11-05T10:00:00",        /* no offset */
        "2015-11-05T10:00",           /* no offset */
        "2015-11-05",                 /* a date */
        "2015-11-05T10:00:00+0200",   /* offset without colon */
        "2015-11-05T10:00:00+02",     /* short offset */
        "2015-11-05T10:00:00 +02:00", /* space */
        "2015-11-05T10:00:00Zjunk",
        "2015-11-05T24:00:00Z",
        "2015-11-05T10:60:00Z",
        "2015-02-29T10:00:00Z",       /* no such day */
        "2015-11-05T10:00:00.Z",      /* empty fraction */
        "",
        NULL};
    long long t = 77;

    for (const char *const *p = bad; *p; p++) {
        put("registration_opens_at", json_string(*p));
        ck_assert_msg(jf_time(obj, "registration_opens_at", 0, &t, &e) == -1,
                      "accepted \"%s\"", *p);
        ck_assert_int_eq(e.code, ERR_INVALID_FIELD);
        ck_assert_str_eq(e.field, "registration_opens_at");
        err_clear(&e);
    }
    put("registration_opens_at", json_integer(1446710400));
    EXPECT_ERR(jf_time(obj, "registration_opens_at", 0, &t, &e), ERR_INVALID_FIELD,
               "registration_opens_at");
    ck_assert_int_eq(t, 77);
}
END_TEST

START_TEST(test_time_offsets)
{
    /* All the same instant: 2015-11-05T08:00:00Z. */
    static const char *const same[] = {
        "2015-11-05T08:00:00Z", "2015-11-05T10:00:00+02:00",
        "2015-11-05T11:00:00+03:00", "2015-11-05T02:30:00-05:30",
        "2015-11-05T08:00:00.999Z", "2015-11-05T10:00:00.5+02:00",
        "2015-11-05T08:00Z", "2015-11-05T08:00:00+00:00", NULL};
    long long t;

    for (const char *const *p = same; *p; p++) {
        t = 0;
        put("at", json_string(*p));
        ck_assert_msg(jf_time(obj, "at", JF_REQUIRED, &t, &e) == JF_SET, "refused \"%s\"", *p);
        ck_assert_msg(t == 1446710400LL, "\"%s\" -> %lld", *p, t);
    }
    t = 77;
    json_object_clear(obj);
    ck_assert_int_eq(jf_time(obj, "at", JF_NULLABLE, &t, &e), JF_ABSENT);
    ck_assert_int_eq(t, 77);
    put("at", json_null());
    ck_assert_int_eq(jf_time(obj, "at", JF_NULLABLE, &t, &e), JF_NULL);
    ck_assert_int_eq(t, 77);
}
END_TEST

/* --- jf_check_keys ------------------------------------------------------- */

static const char *const allowed[] = {"first_name", "email", NULL};
static const char *const forbidden[] = {"id", "status", NULL};

START_TEST(test_keys)
{
    json_t *o;

    ck_assert_int_eq(jf_check_keys(obj, allowed, forbidden, &e), 0);
    o = json_pack("{s:s, s:s}", "first_name", "Ilze", "email", "i@x.lv");
    ck_assert_int_eq(jf_check_keys(o, allowed, forbidden, &e), 0);
    json_decref(o);

    o = json_pack("{s:s, s:i}", "first_name", "Ilze", "x", 1);
    EXPECT_ERR(jf_check_keys(o, allowed, forbidden, &e), ERR_UNKNOWN_FIELD, "x");
    json_decref(o);

    o = json_pack("{s:s, s:s}", "email", "i@x.lv", "status", "confirmed");
    EXPECT_ERR(jf_check_keys(o, allowed, forbidden, &e), ERR_FORBIDDEN_FIELD, "status");
    json_decref(o);

    /* A forbidden key is not in the allowed list either: it is reported as
     * forbidden, not as unknown. */
    o = json_pack("{s:i}", "id", 3);
    EXPECT_ERR(jf_check_keys(o, allowed, forbidden, &e), ERR_FORBIDDEN_FIELD, "id");
    /* No allowed list: anything not forbidden goes. */
    EXPECT_ERR(jf_check_keys(o, NULL, forbidden, &e), ERR_FORBIDDEN_FIELD, "id");
    json_decref(o);
    o = json_pack("{s:i}", "whatever", 3);
    ck_assert_int_eq(jf_check_keys(o, NULL, forbidden, &e), 0);
    ck_assert_int_eq(jf_check_keys(o, NULL, NULL, &e), 0);
    EXPECT_ERR(jf_check_keys(o, allowed, NULL, &e), ERR_UNKNOWN_FIELD, "whatever");
    json_decref(o);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("jfield");
    TCase *tc = tcase_create("readers"), *tf;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_text_wrong_types);
    tcase_add_test(tc, test_text_absent);
    tcase_add_test(tc, test_text_null);
    tcase_add_test(tc, test_text_empty_and_blank);
    tcase_add_test(tc, test_text_trimmed);
    tcase_add_test(tc, test_text_length_in_characters);
    tcase_add_test(tc, test_text_controls);
    tcase_add_test(tc, test_text_c1_controls);
    tcase_add_test(tc, test_text_bidi);
    tcase_add_test(tc, test_utf8_helpers);
    tcase_add_test(tc, test_int_not_integers);
    tcase_add_test(tc, test_int_bounds);
    tcase_add_test(tc, test_int_absent_and_null);
    tcase_add_test(tc, test_bool);
    tcase_add_test(tc, test_date_invalid);
    tcase_add_test(tc, test_date_valid);
    tcase_add_test(tc, test_time_invalid);
    tcase_add_test(tc, test_time_offsets);
    tcase_add_test(tc, test_keys);
    suite_add_tcase(s, tc);

    /* Regressions: defects found by these tests and fixed. */
    tf = tcase_create("regressions");
    tcase_add_checked_fixture(tf, setup, teardown);
    tcase_add_test(tf, test_text_c1_controls);
    suite_add_tcase(s, tf);
    return s;
}
