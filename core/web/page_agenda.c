/* page_agenda.c - the printable agenda page, from agenda_json(). */
#include "page_agenda.h"

#include "page.h"

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

char *page_agenda_html(json_t *agenda, struct err *e)
{
    struct buf b = BUF_INIT;
    json_t *day, *item, *sp;
    size_t di, ii, si;

    page_open(&b, "lv", str(agenda, "title"), NULL);
    buf_puts(&b, "<h1>");
    page_text(&b, str(agenda, "title"));
    buf_puts(&b, "</h1>\n<p>Laiki: ");
    page_text(&b, str(agenda, "timezone"));
    buf_puts(&b, "</p>\n");
    json_array_foreach(json_object_get(agenda, "days"), di, day) {
        buf_puts(&b, "<section><h2>");
        page_text(&b, str(day, "date"));
        buf_puts(&b, "</h2><table>\n");
        json_array_foreach(json_object_get(day, "items"), ii, item) {
            buf_printf(&b, "<tr><td class=\"time\">%.5s&ndash;%.5s</td><td>",
                       str(item, "starts_at") + 11, str(item, "ends_at") + 11);
            if (str(item, "track")) {
                buf_puts(&b, "<span class=\"track\">");
                page_text(&b, str(item, "track"));
                buf_puts(&b, "</span> ");
            }
            buf_puts(&b, "<strong>");
            page_text(&b, str(item, "title"));
            buf_puts(&b, "</strong> <span class=\"kind\">");
            page_text(&b, str(item, "kind"));
            buf_puts(&b, "</span>");
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
            if (str(item, "description")) {
                buf_puts(&b, "<br>");
                page_text(&b, str(item, "description"));
            }
            buf_puts(&b, "</td></tr>\n");
        }
        buf_puts(&b, "</table></section>\n");
    }
    return page_close(&b, "lv", NULL, NULL, e);
}

