/* page_agenda.h - the printable agenda page. */
#ifndef SAIETS_PAGE_AGENDA_H
#define SAIETS_PAGE_AGENDA_H

#include <jansson.h>

#include "errors.h"

/* The page of an agenda_json() answer in lang ("lv", "en"): a table a day,
 * each item with its time, track, title, kind, venue, speakers and
 * description.  malloc'd
 * text, or NULL with *e set. */
char *page_agenda_html(json_t *agenda, const char *lang, struct err *e);

#endif
