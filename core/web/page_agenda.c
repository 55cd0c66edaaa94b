/* page_agenda.c - the printable agenda page, from agenda_json(). */
#include "page_agenda.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "page.h"

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* "HH:MM" of a local "YYYY-MM-DDTHH:MM", written the language's way. */
static void put_time(struct buf *b, const char *lang, const char *local)
{
    char text[16];

    i18n_time(text, sizeof text, lang, local && strlen(local) >= 16 ? local + 11 : "");
    page_text(b, text);
}

char *page_agenda_html(json_t *agenda, const char *lang, struct err *e)
{
    struct buf b = BUF_INIT;
    json_t *day, *item, *sp;
    size_t di, ii, si;
    char self[48], date[64], key[48];

    snprintf(self, sizeof self, "/meetings/%lld/agenda",
             (long long)json_integer_value(json_object_get(agenda, "meeting")));
    page_open(&b, lang, str(agenda, "title"), self);
    buf_puts(&b, "<h1>");
    page_text(&b, str(agenda, "title"));
    buf_puts(&b, "</h1>\n<p>");
    page_t(&b, lang, "agenda.zone");
    buf_puts(&b, ": ");
    page_text(&b, str(agenda, "timezone"));
    buf_puts(&b, "</p>\n");
    json_array_foreach(json_object_get(agenda, "days"), di, day) {
        buf_puts(&b, "<section><h2>");
        page_text(&b, i18n_weekday(lang, str(day, "date")));
        buf_puts(&b, ", ");
        i18n_date(date, sizeof date, lang, str(day, "date"));
        page_text(&b, date);
        buf_puts(&b, "</h2><table>\n");
        json_array_foreach(json_object_get(day, "items"), ii, item) {
            buf_puts(&b, "<tr><td class=\"time\">");
            put_time(&b, lang, str(item, "starts_at"));
            buf_puts(&b, "&ndash;");
            put_time(&b, lang, str(item, "ends_at"));
            buf_puts(&b, "</td><td>");
            if (str(item, "track")) {
                buf_puts(&b, "<span class=\"track\">");
                page_text(&b, str(item, "track"));
                buf_puts(&b, "</span> ");
            }
            buf_puts(&b, "<strong>");
            page_text(&b, str(item, "title"));
            buf_puts(&b, "</strong> <span class=\"kind\">(");
            snprintf(key, sizeof key, "kind.%s", str(item, "kind") ? str(item, "kind") : "other");
            page_t(&b, lang, key);
            buf_puts(&b, ")</span>");
            if (str(item, "venue_name")) {
                buf_puts(&b, "<br>");
                page_text(&b, str(item, "venue_name"));
            }
            json_array_foreach(json_object_get(item, "speakers"), si, sp) {
                buf_puts(&b, si ? "; " : "<br><span class=\"who\">");
                page_text(&b, str(sp, "name"));
                if (str(sp, "role")) {
                    buf_puts(&b, ", ");
                    page_text(&b, str(sp, "role"));
                }
                if (si + 1 == json_array_size(json_object_get(item, "speakers")))
                    buf_puts(&b, "</span>");
            }
            if (str(item, "description")) { /* its line breaks kept by CSS (.desc) */
                buf_puts(&b, "<div class=\"desc\">");
                page_text(&b, str(item, "description"));
                buf_puts(&b, "</div>");
            }
            buf_puts(&b, "</td></tr>\n");
        }
        buf_puts(&b, "</table></section>\n");
    }
    return page_close(&b, lang, NULL, NULL, e);
}

