/* i18n.c - page texts and dates in lv and en; see i18n.h. */
#include "i18n.h"

#include <stdio.h>
#include <string.h>

#include "web_assets.h"

static json_t *texts_lv, *texts_en;

static const char *const months_lv[12] = {
    "janvāris", "februāris", "marts", "aprīlis", "maijs", "jūnijs",
    "jūlijs", "augusts", "septembris", "oktobris", "novembris", "decembris"};
static const char *const months_en[12] = {
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December"};
static const char *const days_lv[7] = {"svētdiena", "pirmdiena", "otrdiena", "trešdiena",
                                       "ceturtdiena", "piektdiena", "sestdiena"};
static const char *const days_en[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};

static json_t *load(const char *path, struct err *e)
{
    const struct web_asset *a = web_asset(path);
    json_error_t je;
    json_t *o, *v;
    const char *k;

    if (a == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "web/%s is missing from the build", path);
        return NULL;
    }
    o = json_loadb((const char *)a->data, a->len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(o)) {
        err_set(e, ERR_INTERNAL, NULL, "web/%s: %s (line %d)", path,
                o ? "not an object" : je.text, je.line);
        json_decref(o);
        return NULL;
    }
    json_object_foreach(o, k, v) if (!json_is_string(v))
    {
        err_set(e, ERR_INTERNAL, NULL, "web/%s: \"%s\" is not a text", path, k);
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The first key of a that b lacks, or NULL. */
static const char *missing_in(json_t *a, json_t *b)
{
    const char *k;
    json_t *v;

    json_object_foreach(a, k, v) if (!json_object_get(b, k)) return k;
    return NULL;
}

int i18n_init(struct err *e)
{
    json_t *lv, *en;

    i18n_free();
    if ((lv = load("locale/lv.json", e)) == NULL)
        return -1;
    if ((en = load("locale/en.json", e)) == NULL) {
        json_decref(lv);
        return -1;
    }
    return i18n_use(lv, en, e);
}

int i18n_use(json_t *lv, json_t *en, struct err *e)
{
    const char *k;

    i18n_free();
    if ((k = missing_in(lv, en)) != NULL || (k = missing_in(en, lv)) != NULL) {
        err_set(e, ERR_INTERNAL, NULL, "web/locale: \"%s\" is in one language only", k);
        json_decref(lv);
        json_decref(en);
        return -1;
    }
    texts_lv = lv;
    texts_en = en;
    return 0;
}

void i18n_free(void)
{
    json_decref(texts_lv);
    json_decref(texts_en);
    texts_lv = texts_en = NULL;
}

const char *i18n_lang(const char *lang)
{
    return lang && strcmp(lang, "en") == 0 ? "en" : "lv";
}

static json_t *texts(const char *lang) { return strcmp(i18n_lang(lang), "en") ? texts_lv : texts_en; }

const char *i18n_t(const char *lang, const char *key)
{
    const char *s = json_string_value(json_object_get(texts(lang), key));

    return s ? s : key;
}

json_t *i18n_texts(const char *lang, const char *prefix)
{
    json_t *out = json_object(), *v;
    size_t n = strlen(prefix);
    const char *k;

    json_object_foreach(texts(lang), k, v) if (strncmp(k, prefix, n) == 0)
        json_object_set(out, k, v);
    return out;
}

/* y, m, d of "YYYY-MM-DD..."; 0, or -1. */
static int ymd_of(const char *s, int *y, int *m, int *d)
{
    if (s == NULL || sscanf(s, "%4d-%2d-%2d", y, m, d) != 3 || *m < 1 || *m > 12 || *d < 1 ||
        *d > 31)
        return -1;
    return 0;
}

void i18n_date(char *out, size_t n, const char *lang, const char *ymd)
{
    int y, m, d;

    if (ymd_of(ymd, &y, &m, &d) < 0)
        snprintf(out, n, "%s", ymd ? ymd : "");
    else if (strcmp(i18n_lang(lang), "en") == 0)
        snprintf(out, n, "%d %s %d", d, months_en[m - 1], y);
    else
        snprintf(out, n, "%d. gada %d. %s", y, d, months_lv[m - 1]);
}

const char *i18n_weekday(const char *lang, const char *ymd)
{
    int y, m, d, w;
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4}; /* Sakamoto */

    if (ymd_of(ymd, &y, &m, &d) < 0)
        return "";
    if (m < 3)
        y--;
    w = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
    return strcmp(i18n_lang(lang), "en") == 0 ? days_en[w] : days_lv[w];
}

void i18n_time(char *out, size_t n, const char *lang, const char *hhmm)
{
    if (hhmm == NULL || strlen(hhmm) < 5 || hhmm[2] != ':')
        snprintf(out, n, "%s", hhmm ? hhmm : "");
    else
        snprintf(out, n, "%.2s%c%.2s", hhmm, strcmp(i18n_lang(lang), "en") ? '.' : ':',
                 hhmm + 3);
}

void i18n_datetime(char *out, size_t n, const char *lang, const char *local)
{
    size_t used;

    i18n_date(out, n, lang, local);
    used = strlen(out);
    if (local && strlen(local) >= 16 && local[10] == 'T' && used + 3 < n) {
        memcpy(out + used, ", ", 3);
        i18n_time(out + used + 2, n - used - 2, lang, local + 11);
    }
}
