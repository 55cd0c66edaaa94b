/* form.c - custom registration fields and answers; see form.h. */
#include "form.h"

#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "jfield.h"
#include "timeutil.h"

static const char *const field_types[] = {"text", "choice", "multi_choice",
                                          "boolean", "number", "date", NULL};

static int key_ok(const char *k)
{
    size_t n = strlen(k);

    if (n == 0 || n > 40 || k[0] < 'a' || k[0] > 'z')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') ||
              k[i] == '_'))
            return 0;
    return 1;
}

static int type_known(const char *t)
{
    for (const char *const *p = field_types; *p; p++)
        if (strcmp(*p, t) == 0)
            return 1;
    return 0;
}

/* 1 for a string of nothing but white space (or nothing at all). */
static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static int has_options(const char *type)
{
    return strcmp(type, "choice") == 0 || strcmp(type, "multi_choice") == 0;
}

/* Parses one definition into a fresh object, its errors named after where
 * ("fields[2]"); NULL on error.  seen holds the keys met so far. */
static json_t *parse_field(json_t *f, const char *where, json_t *seen, struct err *e)
{
    static const char *const allowed[] = {"key", "label", "type", "required",
                                          "options", "max_length", NULL};
    char key[41 * 4 + 1], type[16 * 4 + 1], sub[192];
    json_t *out = NULL, *label, *opts, *optcopy = NULL;
    long long maxlen = 500;
    int required = 0;
    struct err tmp;

    if (!json_is_object(f)) {
        err_set(e, ERR_INVALID_FIELD, where, "%s: must be an object", where);
        return NULL;
    }
    if (jf_check_keys(f, allowed, NULL, &tmp) < 0) {
        snprintf(sub, sizeof sub, "%s.%s", where, tmp.field);
        err_set(e, tmp.code, sub, "%s: unknown member", sub);
        return NULL;
    }
    /* Errors from the readers name the member; prefix them with the index. */
#define FAIL_AT(member, ...)                                                  \
    do {                                                                      \
        snprintf(sub, sizeof sub, "%s.%s", where, member);                    \
        err_set(e, ERR_INVALID_FIELD, sub, __VA_ARGS__);                      \
        goto fail;                                                            \
    } while (0)
    if (jf_text(f, "key", JF_REQUIRED, 40, key, sizeof key, &tmp) < 0 || !key_ok(key) ||
        strcmp(key, json_string_value(json_object_get(f, "key"))) != 0)
        FAIL_AT("key", "%s.key: must match [a-z][a-z0-9_]{0,39}", where);
    if (json_object_get(seen, key))
        FAIL_AT("key", "%s.key: '%s' is used twice", where, key);
    if (jf_text(f, "type", JF_REQUIRED, 16, type, sizeof type, &tmp) < 0 ||
        !type_known(type))
        FAIL_AT("type", "%s.type: must be one of text, choice, multi_choice, "
                        "boolean, number, date", where);
    if (jf_bool(f, "required", 0, &required, &tmp) < 0)
        FAIL_AT("required", "%s.required: must be true or false", where);
    label = json_object_get(f, "label");
    if (!json_is_object(label) || json_object_size(label) == 0)
        FAIL_AT("label", "%s.label: must be an object with lv and/or en", where);
    {
        const char *lk;
        json_t *lv;
        json_object_foreach(label, lk, lv) {
            if ((strcmp(lk, "lv") != 0 && strcmp(lk, "en") != 0) ||
                !json_is_string(lv) || blank(json_string_value(lv)) ||
                jf_utf8_chars(json_string_value(lv)) > 200 ||
                jf_text_has_controls(json_string_value(lv), 0))
                FAIL_AT("label", "%s.label: lv and en must be texts of 1-200 "
                                 "characters", where);
        }
    }
    opts = json_object_get(f, "options");
    if (has_options(type)) {
        size_t j;
        json_t *o;
        if (!json_is_array(opts) || json_array_size(opts) == 0 ||
            json_array_size(opts) > FORM_MAX_OPTIONS)
            FAIL_AT("options", "%s.options: a list of 1-%d texts is required",
                    where, FORM_MAX_OPTIONS);
        optcopy = json_array();
        json_array_foreach(opts, j, o) {
            size_t k;
            json_t *p;
            if (!json_is_string(o) || json_string_length(o) == 0 ||
                jf_utf8_chars(json_string_value(o)) > 200 ||
                jf_text_has_controls(json_string_value(o), 0))
                FAIL_AT("options", "%s.options: options must be texts of 1-200 "
                                   "characters", where);
            json_array_foreach(optcopy, k, p) if (json_equal(p, o))
                FAIL_AT("options", "%s.options: '%s' is listed twice", where,
                        json_string_value(o));
            json_array_append(optcopy, o);
        }
    } else if (opts != NULL) {
        FAIL_AT("options", "%s.options: only choice and multi_choice fields "
                           "have options", where);
    }
    if (json_object_get(f, "max_length")) {
        if (strcmp(type, "text") != 0)
            FAIL_AT("max_length", "%s.max_length: only text fields have one", where);
        if (jf_int(f, "max_length", 0, 1, 5000, &maxlen, &tmp) < 0)
            FAIL_AT("max_length", "%s.max_length: must be 1-5000", where);
    }
#undef FAIL_AT
    out = json_pack("{s:s, s:O, s:s, s:b}", "key", key, "label", label, "type",
                    type, "required", required);
    if (out == NULL)
        goto fail;
    if (optcopy)
        json_object_set(out, "options", optcopy);
    if (strcmp(type, "text") == 0)
        json_object_set_new(out, "max_length", json_integer(maxlen));
    json_object_set_new(seen, key, json_true());
    json_decref(optcopy);
    return out;
fail:
    if (e->code == ERR_NONE)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
    json_decref(optcopy);
    return NULL;
}

json_t *form_parse(json_t *fields, struct err *e)
{
    json_t *out = NULL, *seen = NULL, *f;
    size_t i;

    if (!json_is_array(fields) || json_array_size(fields) > FORM_MAX_FIELDS) {
        err_set(e, ERR_INVALID_FIELD, "fields",
                "fields: must be a list of at most %d field definitions",
                FORM_MAX_FIELDS);
        return NULL;
    }
    out = json_array();
    seen = json_object();
    if (out == NULL || seen == NULL)
        goto fail;
    json_array_foreach(fields, i, f) {
        char where[32];
        json_t *parsed;

        snprintf(where, sizeof where, "fields[%zu]", i);
        if ((parsed = parse_field(f, where, seen, e)) == NULL)
            goto fail;
        json_array_append_new(out, parsed);
    }
    json_decref(seen);
    return out;
fail:
    if (e->code == ERR_NONE)
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
    json_decref(seen);
    json_decref(out);
    return NULL;
}

json_t *form_parse_field(json_t *field, const char *where, struct err *e)
{
    json_t *seen = json_object(), *out;

    if (seen == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    out = parse_field(field, where, seen, e);
    json_decref(seen);
    return out;
}

static int option_offered(json_t *opts, json_t *v)
{
    size_t i;
    json_t *o;

    json_array_foreach(opts, i, o) if (json_equal(o, v)) return 1;
    return 0;
}

static int check_answer(json_t *def, json_t *v, const char *field, struct err *e)
{
    const char *type = json_string_value(json_object_get(def, "type"));
    json_t *opts = json_object_get(def, "options");
    int y, m, d;

    if (strcmp(type, "text") == 0) {
        long long maxlen = json_integer_value(json_object_get(def, "max_length"));
        if (!json_is_string(v))
            return err_set(e, ERR_INVALID_FIELD, field, "%s: must be text", field);
        if ((long long)jf_utf8_chars(json_string_value(v)) > maxlen)
            return err_set(e, ERR_INVALID_FIELD, field,
                           "%s: longer than %lld characters", field, maxlen);
        if (strlen(json_string_value(v)) != json_string_length(v) ||
            jf_text_has_controls(json_string_value(v), 1))
            return err_set(e, ERR_INVALID_FIELD, field,
                           "%s: contains control characters", field);
    } else if (strcmp(type, "choice") == 0) {
        if (!json_is_string(v) || !option_offered(opts, v))
            return err_set(e, ERR_INVALID_FIELD, field,
                           "%s: must be one of the options offered", field);
    } else if (strcmp(type, "multi_choice") == 0) {
        size_t i, j;
        json_t *a, *b;
        if (!json_is_array(v))
            return err_set(e, ERR_INVALID_FIELD, field,
                           "%s: must be a list of options", field);
        json_array_foreach(v, i, a) {
            if (!json_is_string(a) || !option_offered(opts, a))
                return err_set(e, ERR_INVALID_FIELD, field,
                               "%s: must list only options offered", field);
            json_array_foreach(v, j, b) if (j < i && json_equal(a, b))
                return err_set(e, ERR_INVALID_FIELD, field,
                               "%s: lists an option twice", field);
        }
    } else if (strcmp(type, "boolean") == 0) {
        if (!json_is_boolean(v))
            return err_set(e, ERR_INVALID_FIELD, field,
                           "%s: must be true or false", field);
    } else if (strcmp(type, "number") == 0) {
        if (!json_is_number(v))
            return err_set(e, ERR_INVALID_FIELD, field, "%s: must be a number", field);
    } else if (strcmp(type, "date") == 0) {
        if (!json_is_string(v) || tu_parse_date(json_string_value(v), &y, &m, &d) < 0)
            return err_set(e, ERR_INVALID_FIELD, field,
                           "%s: must be a date YYYY-MM-DD", field);
    }
    return 0;
}

int form_check_answers(json_t *form, json_t *answers, struct err *e)
{
    char field[sizeof e->field];
    const char *key;
    json_t *v, *def;
    size_t i;

    if (answers != NULL && !json_is_object(answers))
        return err_set(e, ERR_INVALID_FIELD, "answers", "answers: must be an object");
    if (answers) {
        json_object_foreach(answers, key, v) {
            size_t j;
            json_t *found = NULL;
            snprintf(field, sizeof field, "answers.%.86s", key);
            json_array_foreach(form, j, def) {
                if (strcmp(json_string_value(json_object_get(def, "key")), key) == 0)
                    found = def;
            }
            if (found == NULL)
                return err_set(e, ERR_UNKNOWN_FIELD, field,
                               "%s: the form has no such field", field);
            if (json_is_null(v))
                continue; /* same as not answering; required is checked below */
            if (check_answer(found, v, field, e) < 0)
                return -1;
        }
    }
    json_array_foreach(form, i, def) {
        const char *k = json_string_value(json_object_get(def, "key"));
        json_t *a = answers ? json_object_get(answers, k) : NULL;
        int empty = a == NULL || json_is_null(a) ||
                    (json_is_string(a) && blank(json_string_value(a))) ||
                    (json_is_array(a) && json_array_size(a) == 0);
        if (json_is_true(json_object_get(def, "required")) && empty) {
            snprintf(field, sizeof field, "answers.%.86s", k);
            return err_set(e, ERR_MISSING_FIELD, field, "%s: required", field);
        }
    }
    return 0;
}

void form_answer_text(const json_t *answer, struct buf *out)
{
    size_t i;
    json_t *v;

    if (json_is_string(answer)) {
        buf_puts(out, json_string_value(answer));
    } else if (json_is_boolean(answer)) {
        buf_puts(out, json_is_true(answer) ? "yes" : "no");
    } else if (json_is_integer(answer)) {
        buf_printf(out, "%lld", (long long)json_integer_value(answer));
    } else if (json_is_real(answer)) {
        buf_printf(out, "%.15g", json_real_value(answer));
    } else if (json_is_array(answer)) {
        json_array_foreach(answer, i, v) {
            if (i)
                buf_puts(out, "; ");
            form_answer_text(v, out);
        }
    }
}

void form_answer_csv(const json_t *answer, struct buf *row, int first)
{
    struct buf text = BUF_INIT;

    form_answer_text(answer, &text);
    if (!buf_ok(&text))
        row->oom = 1;
    else if (json_is_number(answer))
        csv_cell_number(row, buf_cstr(&text), first);
    else
        csv_cell(row, buf_cstr(&text), first);
    buf_free(&text);
}
