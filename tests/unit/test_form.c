/* test_form.c - unit tests for core/form (custom registration fields).
 *
 * Must never: accept a definition docs/api.md ("Custom fields") refuses, blame
 * the wrong field path, or accept an answer the form does not allow. */
#include "form.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

static struct err e;

static void setup(void) { err_clear(&e); }

/* Parses JSON text (the test's own, so it must be valid). */
static json_t *J(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &je);

    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, je.text);
    return v;
}

/* form_parse(definition) must fail with code and field. */
static void expect_refused(const char *definition, enum err_code code, const char *field)
{
    json_t *in = J(definition);
    json_t *out;

    err_clear(&e);
    out = form_parse(in, &e);
    ck_assert_msg(out == NULL, "accepted %s", definition);
    ck_assert_msg(e.code == code && strcmp(e.field, field) == 0,
                  "%s: got %s field \"%s\" (%s), want %s field \"%s\"", definition,
                  err_code_name(e.code), e.field, e.message, err_code_name(code), field);
    ck_assert_str_ne(e.message, "");
    json_decref(in);
}

static json_t *parse_ok(const char *definition)
{
    json_t *in = J(definition);
    json_t *out;

    err_clear(&e);
    out = form_parse(in, &e);
    ck_assert_msg(out != NULL, "refused %s: %s (%s)", definition, e.message, e.field);
    json_decref(in);
    return out;
}

#define LABEL "\"label\":{\"lv\":\"Ēdienkarte\",\"en\":\"Diet\"}"
#define OK_TEXT "{\"key\":\"note\"," LABEL ",\"type\":\"text\"}"

/* --- definitions ---------------------------------------------------------- */

START_TEST(test_parse_not_a_list)
{
    expect_refused("{}", ERR_INVALID_FIELD, "fields");
    expect_refused("\"text\"", ERR_INVALID_FIELD, "fields");
    expect_refused("null", ERR_INVALID_FIELD, "fields");
    expect_refused("[1]", ERR_INVALID_FIELD, "fields[0]");
    expect_refused("[" OK_TEXT ", []]", ERR_INVALID_FIELD, "fields[1]");
}
END_TEST

START_TEST(test_parse_bad_key)
{
    expect_refused("[{" LABEL ",\"type\":\"text\"}]", ERR_INVALID_FIELD, "fields[0].key");
    expect_refused("[{\"key\":\"\"," LABEL ",\"type\":\"text\"}]", ERR_INVALID_FIELD,
                   "fields[0].key");
    expect_refused("[{\"key\":\"Diet\"," LABEL ",\"type\":\"text\"}]", ERR_INVALID_FIELD,
                   "fields[0].key");
    expect_refused("[{\"key\":\"1diet\"," LABEL ",\"type\":\"text\"}]", ERR_INVALID_FIELD,
                   "fields[0].key");
    expect_refused("[{\"key\":\"_diet\"," LABEL ",\"type\":\"text\"}]", ERR_INVALID_FIELD,
                   "fields[0].key");
    expect_refused("[{\"key\":\"di-et\"," LABEL ",\"type\":\"text\"}]", ERR_INVALID_FIELD,
                   "fields[0].key");
    expect_refused("[{\"key\":\"ēdiens\"," LABEL ",\"type\":\"text\"}]", ERR_INVALID_FIELD,
                   "fields[0].key");
    expect_refused("[{\"key\":7," LABEL ",\"type\":\"text\"}]", ERR_INVALID_FIELD,
                   "fields[0].key");
    /* 41 characters: one too many. */
    expect_refused("[" OK_TEXT ",{\"key\":\"a2345678901234567890123456789012345678901\","
                   LABEL ",\"type\":\"text\"}]",
                   ERR_INVALID_FIELD, "fields[1].key");
    /* 40 characters, digits and underscores after the first letter: fine. */
    json_decref(parse_ok("[{\"key\":\"a234567890123456789012345678901234567_z0\","
                         LABEL ",\"type\":\"text\"}]"));
}
END_TEST

START_TEST(test_parse_duplicate_key)
{
    expect_refused("[" OK_TEXT "," OK_TEXT "]", ERR_INVALID_FIELD, "fields[1].key");
}
END_TEST

START_TEST(test_parse_bad_type)
{
    expect_refused("[" OK_TEXT ",{\"key\":\"a\"," LABEL ",\"type\":\"email\"}]",
                   ERR_INVALID_FIELD, "fields[1].type");
    expect_refused("[{\"key\":\"a\"," LABEL "}]", ERR_INVALID_FIELD, "fields[0].type");
    expect_refused("[{\"key\":\"a\"," LABEL ",\"type\":\"Text\"}]", ERR_INVALID_FIELD,
                   "fields[0].type");
    expect_refused("[{\"key\":\"a\"," LABEL ",\"type\":null}]", ERR_INVALID_FIELD,
                   "fields[0].type");
}
END_TEST

START_TEST(test_parse_options)
{
    /* Missing, empty or not a list for choice / multi_choice. */
    expect_refused("[" OK_TEXT ",{\"key\":\"diet\"," LABEL ",\"type\":\"choice\"}]",
                   ERR_INVALID_FIELD, "fields[1].options");
    expect_refused("[{\"key\":\"diet\"," LABEL ",\"type\":\"multi_choice\"}]",
                   ERR_INVALID_FIELD, "fields[0].options");
    expect_refused("[{\"key\":\"diet\"," LABEL ",\"type\":\"choice\",\"options\":[]}]",
                   ERR_INVALID_FIELD, "fields[0].options");
    expect_refused("[{\"key\":\"diet\"," LABEL ",\"type\":\"choice\",\"options\":\"a\"}]",
                   ERR_INVALID_FIELD, "fields[0].options");
    expect_refused("[{\"key\":\"diet\"," LABEL ",\"type\":\"choice\",\"options\":[1]}]",
                   ERR_INVALID_FIELD, "fields[0].options");
    expect_refused("[{\"key\":\"diet\"," LABEL ",\"type\":\"choice\",\"options\":[\"\"]}]",
                   ERR_INVALID_FIELD, "fields[0].options");
    /* Duplicate option. */
    expect_refused("[" OK_TEXT ",{\"key\":\"diet\"," LABEL ",\"type\":\"choice\","
                   "\"options\":[\"any\",\"vegan\",\"any\"]}]",
                   ERR_INVALID_FIELD, "fields[1].options");
    /* Options on a type that has none. */
    expect_refused("[{\"key\":\"note\"," LABEL ",\"type\":\"text\",\"options\":[\"a\"]}]",
                   ERR_INVALID_FIELD, "fields[0].options");
    expect_refused("[{\"key\":\"ok\"," LABEL ",\"type\":\"boolean\",\"options\":[\"a\"]}]",
                   ERR_INVALID_FIELD, "fields[0].options");
}
END_TEST

START_TEST(test_parse_too_many_options)
{
    char *def = malloc(4096);
    size_t n;

    ck_assert_ptr_nonnull(def);
    n = (size_t)snprintf(def, 4096, "[{\"key\":\"k\"," LABEL ",\"type\":\"choice\",\"options\":[");
    for (int i = 0; i < FORM_MAX_OPTIONS + 1; i++)
        n += (size_t)snprintf(def + n, 4096 - n, "%s\"o%d\"", i ? "," : "", i);
    snprintf(def + n, 4096 - n, "]}]");
    expect_refused(def, ERR_INVALID_FIELD, "fields[0].options");
    free(def);
}
END_TEST

START_TEST(test_parse_label)
{
    expect_refused("[{\"key\":\"a\",\"type\":\"text\"}]", ERR_INVALID_FIELD, "fields[0].label");
    expect_refused("[" OK_TEXT ",{\"key\":\"a\",\"label\":{},\"type\":\"text\"}]",
                   ERR_INVALID_FIELD, "fields[1].label");
    expect_refused("[{\"key\":\"a\",\"label\":\"Diet\",\"type\":\"text\"}]", ERR_INVALID_FIELD,
                   "fields[0].label");
    expect_refused("[{\"key\":\"a\",\"label\":{\"lv\":\"\"},\"type\":\"text\"}]",
                   ERR_INVALID_FIELD, "fields[0].label");
    expect_refused("[{\"key\":\"a\",\"label\":{\"de\":\"Diät\"},\"type\":\"text\"}]",
                   ERR_INVALID_FIELD, "fields[0].label");
    expect_refused("[{\"key\":\"a\",\"label\":{\"lv\":5},\"type\":\"text\"}]",
                   ERR_INVALID_FIELD, "fields[0].label");
    expect_refused("[{\"key\":\"a\",\"label\":{\"lv\":\"a\\u0007b\"},\"type\":\"text\"}]",
                   ERR_INVALID_FIELD, "fields[0].label");
}
END_TEST

START_TEST(test_parse_max_length)
{
    expect_refused("[{\"key\":\"diet\"," LABEL ",\"type\":\"choice\",\"options\":[\"a\"],"
                   "\"max_length\":10}]",
                   ERR_INVALID_FIELD, "fields[0].max_length");
    expect_refused("[{\"key\":\"n\"," LABEL ",\"type\":\"number\",\"max_length\":10}]",
                   ERR_INVALID_FIELD, "fields[0].max_length");
    expect_refused("[{\"key\":\"note\"," LABEL ",\"type\":\"text\",\"max_length\":0}]",
                   ERR_INVALID_FIELD, "fields[0].max_length");
    expect_refused("[{\"key\":\"note\"," LABEL ",\"type\":\"text\",\"max_length\":5001}]",
                   ERR_INVALID_FIELD, "fields[0].max_length");
    expect_refused("[{\"key\":\"note\"," LABEL ",\"type\":\"text\",\"max_length\":\"10\"}]",
                   ERR_INVALID_FIELD, "fields[0].max_length");
    expect_refused("[{\"key\":\"note\"," LABEL ",\"type\":\"text\",\"max_length\":10.5}]",
                   ERR_INVALID_FIELD, "fields[0].max_length");
}
END_TEST

START_TEST(test_parse_required_and_unknown_member)
{
    expect_refused("[{\"key\":\"a\"," LABEL ",\"type\":\"text\",\"required\":\"yes\"}]",
                   ERR_INVALID_FIELD, "fields[0].required");
    expect_refused("[{\"key\":\"a\"," LABEL ",\"type\":\"text\",\"required\":1}]",
                   ERR_INVALID_FIELD, "fields[0].required");
    expect_refused("[" OK_TEXT ",{\"key\":\"a\"," LABEL ",\"type\":\"text\",\"hint\":\"x\"}]",
                   ERR_UNKNOWN_FIELD, "fields[1].hint");
}
END_TEST

/* Builds a list of n valid text fields k0, k1, ... */
static char *n_fields(int n)
{
    size_t cap = (size_t)n * 128 + 16, len = 0;
    char *s = malloc(cap);

    ck_assert_ptr_nonnull(s);
    s[len++] = '[';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len,
                                "%s{\"key\":\"k%d\",\"label\":{\"lv\":\"L\"},\"type\":\"text\"}",
                                i ? "," : "", i);
    snprintf(s + len, cap - len, "]");
    return s;
}

START_TEST(test_parse_too_many_fields)
{
    char *s = n_fields(FORM_MAX_FIELDS + 1);
    json_t *out;

    expect_refused(s, ERR_INVALID_FIELD, "fields");
    free(s);
    s = n_fields(FORM_MAX_FIELDS);
    out = parse_ok(s);
    ck_assert_uint_eq(json_array_size(out), FORM_MAX_FIELDS);
    json_decref(out);
    free(s);
}
END_TEST

START_TEST(test_parse_normalised)
{
    json_t *out, *f, *want;

    out = parse_ok("[]");
    ck_assert_uint_eq(json_array_size(out), 0);
    json_decref(out);

    out = parse_ok("[{\"key\":\"note\",\"label\":{\"en\":\"Note\"},\"type\":\"text\"},"
                   "{\"key\":\"diet\"," LABEL ",\"type\":\"choice\",\"required\":true,"
                   "\"options\":[\"any\",\"vegetarian\",\"vegan\"]},"
                   "{\"key\":\"days\",\"label\":{\"lv\":\"Dienas\"},\"type\":\"multi_choice\","
                   "\"options\":[\"5\",\"6\"]},"
                   "{\"key\":\"bio\",\"label\":{\"lv\":\"Bio\"},\"type\":\"text\",\"max_length\":5000},"
                   "{\"key\":\"ok\",\"label\":{\"lv\":\"Jā\"},\"type\":\"boolean\",\"required\":false},"
                   "{\"key\":\"n\",\"label\":{\"lv\":\"N\"},\"type\":\"number\"},"
                   "{\"key\":\"arrival\",\"label\":{\"lv\":\"Ierašanās\"},\"type\":\"date\"}]");
    ck_assert_uint_eq(json_array_size(out), 7);
    /* Defaults filled in: required false, text max_length 500. */
    f = json_array_get(out, 0);
    want = J("{\"key\":\"note\",\"label\":{\"en\":\"Note\"},\"type\":\"text\","
             "\"required\":false,\"max_length\":500}");
    ck_assert_msg(json_equal(f, want), "normalised text field differs");
    json_decref(want);
    f = json_array_get(out, 1);
    want = J("{\"key\":\"diet\"," LABEL ",\"type\":\"choice\",\"required\":true,"
             "\"options\":[\"any\",\"vegetarian\",\"vegan\"]}");
    ck_assert_msg(json_equal(f, want), "normalised choice field differs");
    json_decref(want);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(out, 3), "max_length")),
                     5000);
    /* Only text fields carry max_length; only choices carry options. */
    for (size_t i = 0; i < json_array_size(out); i++) {
        f = json_array_get(out, i);
        const char *type = json_string_value(json_object_get(f, "type"));
        ck_assert(json_is_boolean(json_object_get(f, "required")));
        ck_assert_int_eq(json_object_get(f, "max_length") != NULL, strcmp(type, "text") == 0);
        ck_assert_int_eq(json_object_get(f, "options") != NULL,
                         strcmp(type, "choice") == 0 || strcmp(type, "multi_choice") == 0);
    }
    json_decref(out);
}
END_TEST

START_TEST(test_parse_does_not_alias_input)
{
    /* The normalised copy must not change when the caller's input does. */
    json_t *in = J("[{\"key\":\"diet\"," LABEL ",\"type\":\"choice\",\"options\":[\"a\",\"b\"]}]");
    json_t *out = form_parse(in, &e);

    ck_assert_ptr_nonnull(out);
    json_array_append_new(json_object_get(json_array_get(in, 0), "options"), json_string("c"));
    ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(out, 0), "options")), 2);
    json_decref(in);
    json_decref(out);
}
END_TEST

/* --- answers -------------------------------------------------------------- */

static json_t *form;

static void answers_setup(void)
{
    err_clear(&e);
    form = parse_ok("[{\"key\":\"note\",\"label\":{\"lv\":\"Piezīmes\"},\"type\":\"text\","
                    "\"max_length\":10},"
                    "{\"key\":\"diet\"," LABEL ",\"type\":\"choice\",\"required\":true,"
                    "\"options\":[\"any\",\"vegetarian\",\"vegan\"]},"
                    "{\"key\":\"days\",\"label\":{\"lv\":\"Dienas\"},\"type\":\"multi_choice\","
                    "\"options\":[\"5\",\"6\"]},"
                    "{\"key\":\"ok\",\"label\":{\"lv\":\"Jā\"},\"type\":\"boolean\"},"
                    "{\"key\":\"n\",\"label\":{\"lv\":\"N\"},\"type\":\"number\"},"
                    "{\"key\":\"arrival\",\"label\":{\"lv\":\"Ierašanās\"},\"type\":\"date\"}]");
}

static void answers_teardown(void)
{
    json_decref(form);
    form = NULL;
}

static void answers_refused(const char *answers, enum err_code code, const char *field)
{
    json_t *a = J(answers);

    err_clear(&e);
    ck_assert_msg(form_check_answers(form, a, &e) == -1, "accepted %s", answers);
    ck_assert_msg(e.code == code && strcmp(e.field, field) == 0,
                  "%s: got %s field \"%s\" (%s), want %s field \"%s\"", answers,
                  err_code_name(e.code), e.field, e.message, err_code_name(code), field);
    json_decref(a);
}

static void answers_ok(const char *answers)
{
    json_t *a = J(answers);

    err_clear(&e);
    ck_assert_msg(form_check_answers(form, a, &e) == 0, "refused %s: %s", answers, e.message);
    json_decref(a);
}

START_TEST(test_answers_not_object)
{
    answers_refused("[]", ERR_INVALID_FIELD, "answers");
    answers_refused("\"vegan\"", ERR_INVALID_FIELD, "answers");
    answers_refused("1", ERR_INVALID_FIELD, "answers");
}
END_TEST

START_TEST(test_answers_unknown)
{
    answers_refused("{\"diet\":\"any\",\"x\":1}", ERR_UNKNOWN_FIELD, "answers.x");
    answers_refused("{\"x\":null}", ERR_UNKNOWN_FIELD, "answers.x");
    answers_refused("{\"Diet\":\"any\"}", ERR_UNKNOWN_FIELD, "answers.Diet");
}
END_TEST

START_TEST(test_answers_wrong_types)
{
    answers_refused("{\"diet\":\"any\",\"note\":5}", ERR_INVALID_FIELD, "answers.note");
    answers_refused("{\"diet\":\"any\",\"note\":[\"a\"]}", ERR_INVALID_FIELD, "answers.note");
    answers_refused("{\"diet\":1}", ERR_INVALID_FIELD, "answers.diet");
    answers_refused("{\"diet\":[\"any\"]}", ERR_INVALID_FIELD, "answers.diet");
    answers_refused("{\"diet\":\"any\",\"days\":\"5\"}", ERR_INVALID_FIELD, "answers.days");
    answers_refused("{\"diet\":\"any\",\"days\":[5]}", ERR_INVALID_FIELD, "answers.days");
    answers_refused("{\"diet\":\"any\",\"ok\":\"true\"}", ERR_INVALID_FIELD, "answers.ok");
    answers_refused("{\"diet\":\"any\",\"ok\":1}", ERR_INVALID_FIELD, "answers.ok");
    answers_refused("{\"diet\":\"any\",\"n\":\"3\"}", ERR_INVALID_FIELD, "answers.n");
    answers_refused("{\"diet\":\"any\",\"n\":true}", ERR_INVALID_FIELD, "answers.n");
    answers_refused("{\"diet\":\"any\",\"arrival\":\"2015-02-29\"}", ERR_INVALID_FIELD,
                    "answers.arrival");
    answers_refused("{\"diet\":\"any\",\"arrival\":\"2015-11-5\"}", ERR_INVALID_FIELD,
                    "answers.arrival");
    answers_refused("{\"diet\":\"any\",\"arrival\":20151105}", ERR_INVALID_FIELD,
                    "answers.arrival");
}
END_TEST

START_TEST(test_answers_options)
{
    answers_refused("{\"diet\":\"pescatarian\"}", ERR_INVALID_FIELD, "answers.diet");
    answers_refused("{\"diet\":\"Vegan\"}", ERR_INVALID_FIELD, "answers.diet");
    answers_refused("{\"diet\":\"any\",\"days\":[\"5\",\"7\"]}", ERR_INVALID_FIELD,
                    "answers.days");
    answers_refused("{\"diet\":\"any\",\"days\":[\"5\",\"6\",\"5\"]}", ERR_INVALID_FIELD,
                    "answers.days");
    answers_refused("{\"diet\":\"any\",\"days\":[\"6\",\"6\"]}", ERR_INVALID_FIELD,
                    "answers.days");
    answers_ok("{\"diet\":\"vegan\",\"days\":[\"6\",\"5\"]}");
    answers_ok("{\"diet\":\"vegan\",\"days\":[\"6\"]}");
    answers_ok("{\"diet\":\"vegan\",\"days\":[]}");
}
END_TEST

START_TEST(test_answers_required)
{
    err_clear(&e);
    ck_assert_int_eq(form_check_answers(form, NULL, &e), -1);
    ck_assert_int_eq(e.code, ERR_MISSING_FIELD);
    ck_assert_str_eq(e.field, "answers.diet");
    answers_refused("{}", ERR_MISSING_FIELD, "answers.diet");
    answers_refused("{\"note\":\"x\"}", ERR_MISSING_FIELD, "answers.diet");
    answers_refused("{\"diet\":\"\"}", ERR_INVALID_FIELD, "answers.diet"); /* not an option */
    /* null means "no answer": missing for a required field... */
    answers_refused("{\"diet\":null}", ERR_MISSING_FIELD, "answers.diet");
    /* ...and fine for an optional one, whatever its type. */
    answers_ok("{\"diet\":\"any\",\"note\":null,\"days\":null,\"ok\":null,\"n\":null,"
               "\"arrival\":null}");
}
END_TEST

START_TEST(test_answers_required_multi_and_bool)
{
    json_t *f2 = parse_ok("[{\"key\":\"days\",\"label\":{\"lv\":\"D\"},\"type\":\"multi_choice\","
                          "\"required\":true,\"options\":[\"5\",\"6\"]},"
                          "{\"key\":\"ok\",\"label\":{\"lv\":\"Jā\"},\"type\":\"boolean\","
                          "\"required\":true},"
                          "{\"key\":\"t\",\"label\":{\"lv\":\"T\"},\"type\":\"text\","
                          "\"required\":true}]");
    json_t *a;

    /* An empty list answers nothing. */
    a = J("{\"days\":[],\"ok\":true,\"t\":\"x\"}");
    ck_assert_int_eq(form_check_answers(f2, a, &e), -1);
    ck_assert_int_eq(e.code, ERR_MISSING_FIELD);
    ck_assert_str_eq(e.field, "answers.days");
    json_decref(a);
    /* false is an answer. */
    a = J("{\"days\":[\"5\"],\"ok\":false,\"t\":\"x\"}");
    ck_assert_int_eq(form_check_answers(f2, a, &e), 0);
    json_decref(a);
    /* An empty text answers nothing. */
    a = J("{\"days\":[\"5\"],\"ok\":false,\"t\":\"\"}");
    err_clear(&e);
    ck_assert_int_eq(form_check_answers(f2, a, &e), -1);
    ck_assert_int_eq(e.code, ERR_MISSING_FIELD);
    ck_assert_str_eq(e.field, "answers.t");
    json_decref(a);
    json_decref(f2);
}
END_TEST

START_TEST(test_answers_text)
{
    /* max_length 10, counted in characters. */
    answers_ok("{\"diet\":\"any\",\"note\":\"āāāāāāāāāā\"}");
    answers_refused("{\"diet\":\"any\",\"note\":\"āāāāāāāāāāā\"}", ERR_INVALID_FIELD,
                    "answers.note");
    answers_ok("{\"diet\":\"any\",\"note\":\"a\\nb\\tc\"}"); /* multi-line text */
    answers_refused("{\"diet\":\"any\",\"note\":\"a\\u0001\"}", ERR_INVALID_FIELD,
                    "answers.note");
    answers_refused("{\"diet\":\"any\",\"note\":\"a\\u0000b\"}", ERR_INVALID_FIELD,
                    "answers.note");
}
END_TEST

START_TEST(test_answers_all_types_ok)
{
    answers_ok("{\"diet\":\"vegetarian\",\"note\":\"Sveiki\",\"days\":[\"5\"],\"ok\":true,"
               "\"n\":3,\"arrival\":\"2016-02-29\"}");
    answers_ok("{\"diet\":\"any\",\"n\":-2.5,\"ok\":false}");
}
END_TEST

START_TEST(test_answers_empty_form)
{
    json_t *empty = json_array(), *none = json_object(), *a = J("{\"x\":1}");

    ck_assert_int_eq(form_check_answers(empty, NULL, &e), 0);
    ck_assert_int_eq(form_check_answers(empty, none, &e), 0);
    ck_assert_int_eq(form_check_answers(empty, a, &e), -1);
    ck_assert_int_eq(e.code, ERR_UNKNOWN_FIELD);
    ck_assert_str_eq(e.field, "answers.x");
    json_decref(a);
    json_decref(none);
    json_decref(empty);
}
END_TEST

/* --- answers as text ------------------------------------------------------ */

/* form_answer_text appends: what was in the buffer stays. */
static void check_text(const char *answer, const char *want)
{
    json_t *a = answer ? J(answer) : NULL;
    struct buf b = BUF_INIT;

    buf_puts(&b, ">");
    form_answer_text(a, &b);
    ck_assert(buf_ok(&b));
    ck_assert_msg(buf_cstr(&b)[0] == '>' && strcmp(buf_cstr(&b) + 1, want) == 0,
                  "answer %s: got [%s], want [>%s]", answer ? answer : "(none)",
                  buf_cstr(&b), want);
    buf_free(&b);
    json_decref(a);
}

START_TEST(test_answer_text)
{
    check_text("\"vegan, no nuts\"", "vegan, no nuts");
    check_text("\"2016-02-29\"", "2016-02-29");
    check_text("\"\"", "");
    check_text("true", "yes");
    check_text("false", "no");
    check_text("2", "2");
    check_text("-3", "-3");
    check_text("2.5", "2.5");
    check_text("0.1", "0.1");
    check_text("3.0", "3");
    check_text("1e20", "1e+20");
    check_text("[\"a\", \"b, c\", \"=d\"]", "a; b, c; =d");
    check_text("[]", "");
    check_text("null", "");
    check_text(NULL, "");
}
END_TEST

static void check_csv(const char *answer, const char *want)
{
    json_t *a = answer ? J(answer) : NULL;
    struct buf b = BUF_INIT;

    buf_puts(&b, "x");
    form_answer_csv(a, &b, 0);
    ck_assert(buf_ok(&b));
    ck_assert_msg(strcmp(buf_cstr(&b), want) == 0, "answer %s: got [%s], want [%s]",
                  answer ? answer : "(none)", buf_cstr(&b), want);
    buf_free(&b);
    json_decref(a);
}

/* The cell is the text, formula-guarded and quoted as csv.h does, except
 * that a number needs no guard. */
START_TEST(test_answer_csv)
{
    check_csv("\"vegan, no nuts\"", "x,\"vegan, no nuts\"");
    check_csv("\"=1+1\"", "x,'=1+1");
    check_csv("\"-2\"", "x,'-2");   /* a text that looks like a number is text */
    check_csv("-3", "x,-3");
    check_csv("-2.5", "x,-2.5");
    check_csv("true", "x,yes");
    check_csv("[\"=d\", \"b, c\"]", "x,\"'=d; b, c\"");
    check_csv("null", "x,");
    check_csv(NULL, "x,");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("form");
    TCase *tc = tcase_create("definitions");
    TCase *ta = tcase_create("answers");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_parse_not_a_list);
    tcase_add_test(tc, test_parse_bad_key);
    tcase_add_test(tc, test_parse_duplicate_key);
    tcase_add_test(tc, test_parse_bad_type);
    tcase_add_test(tc, test_parse_options);
    tcase_add_test(tc, test_parse_too_many_options);
    tcase_add_test(tc, test_parse_label);
    tcase_add_test(tc, test_parse_max_length);
    tcase_add_test(tc, test_parse_required_and_unknown_member);
    tcase_add_test(tc, test_parse_too_many_fields);
    tcase_add_test(tc, test_parse_normalised);
    tcase_add_test(tc, test_parse_does_not_alias_input);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(ta, answers_setup, answers_teardown);
    tcase_add_test(ta, test_answers_not_object);
    tcase_add_test(ta, test_answers_unknown);
    tcase_add_test(ta, test_answers_wrong_types);
    tcase_add_test(ta, test_answers_options);
    tcase_add_test(ta, test_answers_required);
    tcase_add_test(ta, test_answers_required_multi_and_bool);
    tcase_add_test(ta, test_answers_text);
    tcase_add_test(ta, test_answers_all_types_ok);
    tcase_add_test(ta, test_answers_empty_form);
    tcase_add_test(ta, test_answer_text);
    tcase_add_test(ta, test_answer_csv);
    suite_add_tcase(s, ta);
    return s;
}
