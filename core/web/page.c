/* page.c - the shared HTML skeleton; see page.h. */
#include "page.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "json_out.h"
#include "web_assets.h"

void page_text(struct buf *b, const char *s) { buf_put_html(b, s); }

void page_t(struct buf *b, const char *lang, const char *key)
{
    buf_put_html(b, i18n_t(lang, key));
}

void page_open(struct buf *b, const char *lang, const char *title, const char *self)
{
    const char *other = strcmp(lang, "en") == 0 ? "lv" : "en";

    buf_puts(b, "<!doctype html>\n<html lang=\"");
    page_text(b, lang);
    buf_puts(b, "\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    page_text(b, title);
    buf_puts(b, " – Saiets</title><link rel=\"icon\" href=\"data:,\">"
                "<link rel=\"stylesheet\" href=\"");
    page_text(b, web_asset_url("static/app.css"));
    buf_puts(b, "\"></head><body>\n");
    if (self) {
        buf_puts(b, "<a class=\"skip\" href=\"#main\">");
        page_t(b, lang, "skip");
        buf_puts(b, "</a><header class=\"site\"><div class=\"bar\"><a class=\"brand\" href=\"/\">"
                    "Saiets</a><nav aria-label=\"");
        page_t(b, lang, "nav.label");
        buf_puts(b, "\"><ul><li><a href=\"/\">");
        page_t(b, lang, "nav.meetings");
        buf_puts(b, "</a></li><li><a href=\"/organizer\">");
        page_t(b, lang, "nav.organizer");
        buf_puts(b, "</a></li><li><a href=\"");
        page_text(b, self);
        buf_puts(b, "?lang=");
        buf_puts(b, other);
        buf_puts(b, "\" lang=\"");
        buf_puts(b, other);
        buf_puts(b, "\" hreflang=\"");
        buf_puts(b, other);
        buf_puts(b, "\">");
        page_t(b, other, "lang.switch");
        buf_puts(b, "</a></li></ul></nav></div></header>\n");
    }
    buf_puts(b, "<main id=\"main\">\n");
}

/* JSON for a data block: '<', '>' and '&' as \u escapes, so that no text in
 * it can close the <script> element (they can only occur inside strings). */
static void put_data(struct buf *b, json_t *data)
{
    char *text = json_out_text(data);

    if (text == NULL) {
        b->oom = 1;
        return;
    }
    for (const char *p = text; *p; p++) {
        if (*p == '<')
            buf_puts(b, "\\u003c");
        else if (*p == '>')
            buf_puts(b, "\\u003e");
        else if (*p == '&')
            buf_puts(b, "\\u0026");
        else
            buf_putc(b, *p);
    }
    free(text);
}

char *page_close(struct buf *b, const char *lang, json_t *data, const char *script,
                 struct err *e)
{
    char *text;

    buf_puts(b, "</main>\n");
    if (script) {
        if (data == NULL)
            data = json_object();
        json_object_set_new(data, "lang", json_string(lang));
        json_object_set_new(data, "texts", i18n_texts(lang, "js."));
        buf_puts(b, "<script type=\"application/json\" id=\"page-data\">");
        put_data(b, data);
        buf_puts(b, "</script>\n<script type=\"module\" src=\"");
        page_text(b, web_asset_url(script));
        buf_puts(b, "\"></script>\n");
    }
    json_decref(data);
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
