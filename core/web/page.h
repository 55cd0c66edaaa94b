/* page.h - the skeleton every server-rendered HTML page shares: the head
 * (language, charset, viewport, title, the one stylesheet), the site's bar
 * with its language switch, the page's data and script at the end, and
 * escaped text.
 *
 * Pages are rendered from the domain's JSON answers, so the web layer needs
 * no SQL of its own; escaping is done here, once (buf_put_html).  Nothing
 * inline is executable or styled: the Content-Security-Policy forbids it
 * (script-src/style-src 'self'); what a script needs from the server travels
 * in a <script type="application/json"> data block, which browsers never run. */
#ifndef SAIETS_PAGE_H
#define SAIETS_PAGE_H

#include <jansson.h>

#include "buf.h"
#include "errors.h"

/* Opens the document and <main>.  self is the page's own path (for the
 * language switch: "/meetings/1"), or NULL for a page without the site's
 * bar (printable lists).  Every text is escaped. */
void page_open(struct buf *b, const char *lang, const char *title, const char *self);

/* Closes <main> and the document: the data block (data, may be NULL; its
 * reference is taken) with the texts for keys starting with "js.", and the
 * page's script ("static/register.js", or NULL for none); then hands over
 * the text, malloc'd, or NULL with *e set when memory ran out (b is freed
 * either way). */
char *page_close(struct buf *b, const char *lang, json_t *data, const char *script,
                 struct err *e);

/* s escaped for HTML text and attribute values; NULL writes nothing. */
void page_text(struct buf *b, const char *s);

/* The text for key in lang, escaped. */
void page_t(struct buf *b, const char *lang, const char *key);

#endif
