/* page_host_lists.h - the hosts' printable lists of a site-visit slot. */
#ifndef SAIETS_PAGE_HOST_LISTS_H
#define SAIETS_PAGE_HOST_LISTS_H

#include <jansson.h>

#include "errors.h"

/* The page of a visit_host_lists_json() answer (people already in the
 * order to print) with the answers to the meeting's form (its field list),
 * in lang ("lv", "en"); malloc'd text, or NULL with *e set. */
char *page_host_lists_html(json_t *lists, json_t *form, const char *lang, struct err *e);

#endif
