/* api_visit_lists.c - the hosts' lists of a site-visit slot:
 * GET /api/v1/meetings/{id}/site-visits/{slot}/host-lists[?option=ID]
 * [&format=json|csv|html][&lang=lv|en], organizer only (they name people).
 * People are in Latvian alphabetical order within each option; the CSV is
 * formula-safe (csv.c) and the page escapes every text.  The page's language
 * is the pages' one (?lang=, else the "lang" cookie, else Latvian). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "collate.h"
#include "csv.h"
#include "form.h"
#include "http.h"
#include "page_host_lists.h"
#include "meeting.h"
#include "visit_allocation.h"

/* Sorts each option's people by last name, first name (collation "lv"). */
static int sort_people(struct collate *coll, json_t *lists)
{
    size_t i, j, n;
    json_t *o, *p;

    json_array_foreach(json_object_get(lists, "options"), i, o) {
        json_t *people = json_object_get(o, "people"), *sorted;
        struct collate_item *items;

        n = json_array_size(people);
        items = calloc(n ? n : 1, sizeof *items);
        sorted = json_array();
        if (items == NULL || sorted == NULL) {
            free(items);
            json_decref(sorted);
            return -1;
        }
        json_array_foreach(people, j, p) {
            items[j].k1 = json_string_value(json_object_get(p, "last_name"));
            items[j].k2 = json_string_value(json_object_get(p, "first_name"));
            items[j].id = json_integer_value(json_object_get(p, "registration_id"));
            items[j].ptr = p;
        }
        if (collate_sort(coll, items, n) < 0) {
            free(items);
            json_decref(sorted);
            return -1;
        }
        for (j = 0; j < n; j++)
            json_array_append(sorted, items[j].ptr);
        json_object_set_new(o, "people", sorted);
        free(items);
    }
    return 0;
}

static const char *field_key(json_t *def) { return json_string_value(json_object_get(def, "key")); }

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void reply_csv(struct http_ctx *c, json_t *lists, json_t *form)
{
    static const char *const cols[] = {"venue_name", "last_name", "first_name",
                                       "organisation", "position", "phone", "email", NULL};
    struct buf b = BUF_INIT;
    size_t i, j, k;
    json_t *o, *p, *def;

    for (k = 0; cols[k]; k++)
        csv_cell(&b, strcmp(cols[k], "venue_name") ? cols[k] : "option", k == 0);
    json_array_foreach(form, j, def)
        csv_cell(&b, field_key(def), 0);
    csv_end_row(&b);
    json_array_foreach(json_object_get(lists, "options"), i, o) {
        json_array_foreach(json_object_get(o, "people"), j, p) {
            for (k = 0; cols[k]; k++)
                csv_cell(&b, str(k == 0 ? o : p, cols[k]), k == 0);
            json_array_foreach(form, k, def)
                form_answer_csv(json_object_get(json_object_get(p, "answers"),
                                                field_key(def)), &b, 0);
            csv_end_row(&b);
        }
    }
    http_reply_csv(c, "host-lists.csv", &b);
}

static void reply_html(struct http_ctx *c, json_t *lists, json_t *form)
{
    struct err e;
    char *text;

    err_clear(&e);
    text = page_host_lists_html(lists, form, http_lang(c), &e);
    if (text == NULL) {
        http_reply_err(c, &e);
        return;
    }
    http_reply_text(c, 200, "text/html; charset=utf-8", text, strlen(text));
    free(text);
}

static void api_visit_host_lists(struct http_ctx *c)
{
    const char *format = http_query(c, "format"), *opt = http_query(c, "option");
    long long option = 0;
    struct meeting m;
    json_t *lists, *form;
    struct err e;
    char *end;

    if (!http_require_organizer(c))
        return;
    if (format && strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "html")) {
        http_reply_code(c, ERR_BAD_REQUEST, "format: json, csv or html");
        return;
    }
    if (opt) {
        option = strtoll(opt, &end, 10);
        if (*opt < '1' || *opt > '9' || *end != '\0' || option <= 0 || strlen(opt) > 15) {
            http_reply_code(c, ERR_BAD_REQUEST, "option: an option id");
            return;
        }
    }
    err_clear(&e);
    if (meeting_load(c->app->rdb, c->id, &m, &e) < 0) {
        http_reply_err(c, &e);
        return;
    }
    lists = visit_host_lists_json(c->app->rdb, c->id, c->id2, option, &e);
    if (lists == NULL || sort_people(c->app->coll, lists) < 0) {
        if (lists)
            err_set(&e, ERR_INTERNAL, NULL, "could not sort the lists");
        json_decref(lists);
        meeting_clear(&m);
        http_reply_err(c, &e);
        return;
    }
    form = meeting_form(&m);
    if (format && strcmp(format, "csv") == 0)
        reply_csv(c, lists, form);
    else if (format && strcmp(format, "html") == 0)
        reply_html(c, lists, form);
    else
        http_reply_json(c, 200, json_incref(lists));
    json_decref(form);
    json_decref(lists);
    meeting_clear(&m);
}

const struct route api_visit_lists_routes[] = {
    {"/api/v1/meetings/{id}/site-visits/{id}/host-lists", ROUTE_GET, api_visit_host_lists},
    {NULL, 0, NULL},
};
