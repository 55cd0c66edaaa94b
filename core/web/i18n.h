/* i18n.h - the pages' texts in Latvian and English (web/locale/lv.json and
 * en.json, flat {"key": "text"} objects) and dates written each language's
 * way: "2015. gada 5. novembris, 10.00" and "5 November 2015, 10:00".
 *
 * Latvian is the default; English is asked for with ?lang=en, and the
 * choice is remembered in a cookie "lang" (not a credential: the API never
 * reads cookies).  Loaded once at start (i18n_init); read-only afterwards. */
#ifndef SAIETS_I18N_H
#define SAIETS_I18N_H

#include <jansson.h>

#include "errors.h"

/* Parses both files; -1 with *e when one is missing, not a flat object of
 * texts, or the two do not have the same keys (a page would mix languages). */
int i18n_init(struct err *e);
/* The same with texts already parsed (flat objects of strings; both
 * references are taken, also on failure): what i18n_init does after reading
 * the files, and how a test puts in texts of its own. */
int i18n_use(json_t *lv, json_t *en, struct err *e);
void i18n_free(void);

/* "en" when lang is "en", else "lv". */
const char *i18n_lang(const char *lang);

/* The text for key in lang; the key itself when there is none (never NULL). */
const char *i18n_t(const char *lang, const char *key);

/* The texts whose keys start with prefix ("js."), as a new object: what a
 * page's script needs, handed over in the page itself. */
json_t *i18n_texts(const char *lang, const char *prefix);

/* The date functions write plain text (the caller escapes it) into out[n],
 * cut to fit.  "2015-11-05" as "2015. gada 5. novembris" / "5 November 2015";
 * other text is copied as it is. */
void i18n_date(char *out, size_t n, const char *lang, const char *ymd);
/* The day's name: "ceturtdiena" / "Thursday" ("" for a bad date). */
const char *i18n_weekday(const char *lang, const char *ymd);
/* "10:00" as "10.00" in Latvian, "10:00" in English. */
void i18n_time(char *out, size_t n, const char *lang, const char *hhmm);
/* "2015-11-05T10:00" as "2015. gada 5. novembris, 10.00". */
void i18n_datetime(char *out, size_t n, const char *lang, const char *local);

#endif
