/* page_host_lists.c - the printable lists for the hosts of a site-visit
 * slot: a page an option, its people in the order given, with the meeting's
 * custom answers (form_answer_text). */
#include "page_host_lists.h"

#include <string.h>

#include "form.h"
#include "page.h"

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static const char *field_key(json_t *def) { return json_string_value(json_object_get(def, "key")); }

/* Label of a form field in Latvian, else English, else its key. */
static const char *field_label(json_t *def)
{
    json_t *l = json_object_get(def, "label");
    const char *s = json_string_value(json_object_get(l, "lv"));

    if (s == NULL)
        s = json_string_value(json_object_get(l, "en"));
    return s ? s : field_key(def);
}

char *page_host_lists_html(json_t *lists, json_t *form, struct err *e)
{
    struct buf b = BUF_INIT, cell = BUF_INIT;
    size_t i, j, k;
    json_t *o, *p, *def;

    page_open(&b, "lv", "Host lists", NULL);
    json_array_foreach(json_object_get(lists, "options"), i, o) {
        buf_puts(&b, "<section><h1>");
        page_text(&b, str(o, "venue_name"));
        buf_puts(&b, "</h1><p class=\"meta\">");
        page_text(&b, str(o, "title"));
        buf_puts(&b, ", ");
        page_text(&b, str(o, "starts_at"));
        buf_puts(&b, " - ");
        page_text(&b, str(o, "ends_at") + (strlen(str(o, "ends_at")) > 11 ? 11 : 0));
        buf_puts(&b, "<br>");
        page_text(&b, str(o, "topic"));
        buf_puts(&b, "<br>Host: ");
        page_text(&b, str(o, "host"));
        buf_printf(&b, " &middot; %zu of %lld seats</p>\n<table><tr><th>#</th><th>Name</th>"
                       "<th>Organisation</th><th>Position</th>",
                   json_array_size(json_object_get(o, "people")),
                   (long long)json_integer_value(json_object_get(o, "capacity")));
        json_array_foreach(form, k, def) {
            buf_puts(&b, "<th>");
            page_text(&b, field_label(def));
            buf_puts(&b, "</th>");
        }
        buf_puts(&b, "</tr>\n");
        json_array_foreach(json_object_get(o, "people"), j, p) {
            buf_printf(&b, "<tr><td>%zu</td><td>", j + 1);
            page_text(&b, str(p, "first_name"));
            buf_putc(&b, ' ');
            page_text(&b, str(p, "last_name"));
            buf_puts(&b, "</td><td>");
            page_text(&b, str(p, "organisation"));
            buf_puts(&b, "</td><td>");
            page_text(&b, str(p, "position"));
            buf_puts(&b, "</td>");
            json_array_foreach(form, k, def) {
                buf_reset(&cell);
                form_answer_text(json_object_get(json_object_get(p, "answers"),
                                                 field_key(def)), &cell);
                buf_puts(&b, "<td>");
                page_text(&b, buf_cstr(&cell));
                buf_puts(&b, "</td>");
            }
            buf_puts(&b, "</tr>\n");
        }
        buf_puts(&b, "</table></section>\n");
    }
    buf_free(&cell);
    return page_close(&b, "lv", NULL, NULL, e);
}

