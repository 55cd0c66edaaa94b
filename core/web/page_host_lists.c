/* page_host_lists.c - the printable lists for the hosts of a site-visit
 * slot, in Latvian or English: a page an option (one printed sheet each),
 * its people in the order given with their contacts (phone, e-mail) and the
 * meeting's custom answers; dates and times written the language's way. */
#include "page_host_lists.h"

#include <string.h>

#include "form.h"
#include "i18n.h"
#include "page.h"

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static const char *field_key(json_t *def) { return json_string_value(json_object_get(def, "key")); }

/* Label of a form field in lang, else the other language, else its key. */
static const char *field_label(json_t *def, const char *lang)
{
    json_t *l = json_object_get(def, "label");
    const char *s = json_string_value(json_object_get(l, lang));

    if (s == NULL)
        s = json_string_value(json_object_get(l, strcmp(lang, "en") ? "en" : "lv"));
    return s ? s : field_key(def);
}

/* An answer as text: yes/no and dates in the page's language, the rest as
 * the CSV writes it (form_answer_text); lists joined with "; ". */
static void answer_text(struct buf *out, const char *lang, json_t *answer, int is_date)
{
    char date[64];
    size_t i;
    json_t *v;

    if (is_date && json_is_string(answer)) {
        i18n_date(date, sizeof date, lang, json_string_value(answer));
        buf_puts(out, date);
    } else if (json_is_boolean(answer))
        buf_puts(out, i18n_t(lang, json_is_true(answer) ? "hosts.yes" : "hosts.no"));
    else if (json_is_array(answer))
        json_array_foreach(answer, i, v) {
            if (i)
                buf_puts(out, "; ");
            answer_text(out, lang, v, is_date);
        }
    else
        form_answer_text(answer, out);
}

/* "Title, 2015. gada 6. novembris, 09.20–11.10" */
static void put_when(struct buf *b, const char *lang, json_t *o)
{
    char text[96];
    const char *end = str(o, "ends_at");

    page_text(b, str(o, "title"));
    buf_puts(b, ", ");
    i18n_datetime(text, sizeof text, lang, str(o, "starts_at"));
    page_text(b, text);
    buf_puts(b, "–");
    i18n_time(text, sizeof text, lang, strlen(end) >= 16 ? end + 11 : end);
    page_text(b, text);
}

static void put_th(struct buf *b, const char *lang, const char *key)
{
    buf_puts(b, "<th scope=\"col\">");
    page_t(b, lang, key);
    buf_puts(b, "</th>");
}

static void put_td(struct buf *b, const char *text)
{
    buf_puts(b, "<td>");
    page_text(b, text);
    buf_puts(b, "</td>");
}

char *page_host_lists_html(json_t *lists, json_t *form, const char *lang, struct err *e)
{
    static const char *const cols[] = {"hosts.organisation", "form.position", "form.phone",
                                       "form.email"};
    static const char *const keys[] = {"organisation", "position", "phone", "email"};
    struct buf b = BUF_INIT, cell = BUF_INIT;
    json_t *options = json_object_get(lists, "options"), *o, *p, *def;
    size_t i, j, k, n = json_array_size(options);

    lang = i18n_lang(lang);
    page_open(&b, lang, i18n_t(lang, "hosts.title"), NULL);
    if (n == 0) {
        buf_puts(&b, "<h1>");
        page_t(&b, lang, "hosts.title");
        buf_puts(&b, "</h1><p>");
        page_t(&b, lang, "hosts.no_options");
        buf_puts(&b, "</p>\n");
    }
    json_array_foreach(options, i, o) {
        json_t *people = json_object_get(o, "people");

        /* one sheet a host: a page break after every option but the last */
        buf_puts(&b, i + 1 < n ? "<section class=\"pagebreak\">" : "<section>");
        buf_printf(&b, "<h1 id=\"o-%lld\">", (long long)json_integer_value(json_object_get(o, "id")));
        page_text(&b, str(o, "venue_name"));
        buf_puts(&b, "</h1><p class=\"meta\">");
        put_when(&b, lang, o);
        if (*str(o, "topic")) {
            buf_puts(&b, "<br>");
            page_text(&b, str(o, "topic"));
        }
        if (*str(o, "host")) {
            buf_puts(&b, "<br>");
            page_t(&b, lang, "visits.host");
            buf_puts(&b, ": ");
            page_text(&b, str(o, "host"));
        }
        buf_puts(&b, "<br>");
        page_t(&b, lang, "hosts.seats");
        buf_printf(&b, ": %zu / %lld</p>\n", json_array_size(people),
                   (long long)json_integer_value(json_object_get(o, "capacity")));
        if (json_array_size(people) == 0) {
            buf_puts(&b, "<p>");
            page_t(&b, lang, "hosts.nobody");
            buf_puts(&b, "</p></section>\n");
            continue;
        }
        /* a wide table scrolls in its box, which the keyboard can reach */
        buf_printf(&b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"o-%lld\">"
                       "<table><thead><tr><th scope=\"col\">#</th>",
                   (long long)json_integer_value(json_object_get(o, "id")));
        put_th(&b, lang, "hosts.name");
        for (k = 0; k < sizeof cols / sizeof cols[0]; k++)
            put_th(&b, lang, cols[k]);
        json_array_foreach(form, k, def) {
            buf_puts(&b, "<th scope=\"col\">");
            page_text(&b, field_label(def, lang));
            buf_puts(&b, "</th>");
        }
        buf_puts(&b, "</tr></thead><tbody>\n");
        json_array_foreach(people, j, p) {
            buf_printf(&b, "<tr><td>%zu</td><td>", j + 1);
            page_text(&b, str(p, "first_name"));
            buf_putc(&b, ' ');
            page_text(&b, str(p, "last_name"));
            buf_puts(&b, "</td>");
            for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
                put_td(&b, str(p, keys[k]));
            json_array_foreach(form, k, def) {
                buf_reset(&cell);
                answer_text(&cell, lang,
                            json_object_get(json_object_get(p, "answers"), field_key(def)),
                            json_is_string(json_object_get(def, "type")) &&
                                strcmp(json_string_value(json_object_get(def, "type")),
                                       "date") == 0);
                put_td(&b, buf_cstr(&cell));
            }
            buf_puts(&b, "</tr>\n");
        }
        buf_puts(&b, "</tbody></table></div></section>\n");
    }
    if (!buf_ok(&cell))
        b.oom = 1;
    buf_free(&cell);
    return page_close(&b, lang, NULL, NULL, e);
}
