/* page.h - the one skeleton every server-rendered HTML page shares: the
 * document head (language, charset, viewport, title, the page's own
 * style), escaped text, and the finished page as malloc'd text.
 *
 * Pages are rendered from the domain's JSON answers, so the web layer
 * needs no SQL of its own; escaping is done here, once (buf_put_html). */
#ifndef SAIETS_PAGE_H
#define SAIETS_PAGE_H

#include "buf.h"
#include "errors.h"

/* Opens the document: <!doctype html>, <html lang>, <head> with title and
 * style, <body>.  Every text is escaped. */
void page_begin(struct buf *b, const char *lang, const char *title, const char *style);

/* s escaped for HTML text and attribute values; NULL writes nothing. */
void page_text(struct buf *b, const char *s);

/* Closes the document and hands over its text: malloc'd, or NULL with *e
 * set when memory ran out (b is freed either way). */
char *page_finish(struct buf *b, struct err *e);

#endif
