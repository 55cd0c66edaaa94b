/* page.c - the shared HTML skeleton; see page.h. */
#include "page.h"

#include <stdlib.h>
#include <string.h>

void page_begin(struct buf *b, const char *lang, const char *title, const char *style)
{
    buf_puts(b, "<!doctype html>\n<html lang=\"");
    page_text(b, lang);
    buf_puts(b, "\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width\"><title>");
    page_text(b, title);
    buf_puts(b, "</title><style>");
    buf_puts(b, style); /* a literal of the page's own, never input */
    buf_puts(b, "</style></head><body>\n");
}

void page_text(struct buf *b, const char *s) { buf_put_html(b, s); }

char *page_finish(struct buf *b, struct err *e)
{
    char *text;

    buf_puts(b, "</body></html>\n");
    if (!buf_ok(b)) {
        buf_free(b);
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    text = b->data;
    *b = (struct buf)BUF_INIT;
    return text;
}
