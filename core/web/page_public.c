/* page_public.c - the meetings list, a meeting's page with its registration
 * form, and the participant's page shell; see page_public.h. */
#include "page_public.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "page.h"
#include "timeutil.h"

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static long long num(json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* Text in the page's language from a {lv, en} object: that one, else the other. */
static const char *in_lang(json_t *texts, const char *lang)
{
    const char *s = str(texts, lang);

    return s ? s : str(texts, strcmp(lang, "en") == 0 ? "lv" : "en");
}

static void put_date(struct buf *b, const char *lang, const char *ymd)
{
    char text[64];

    i18n_date(text, sizeof text, lang, ymd);
    page_text(b, text);
}

static void put_time(struct buf *b, const char *lang, const char *hhmm)
{
    char text[16];

    i18n_time(text, sizeof text, lang, hhmm);
    page_text(b, text);
}

/* "5.–6. novembris" is Latvian typography's, but a plain range reads in both. */
static void put_dates(struct buf *b, const char *lang, json_t *m)
{
    put_date(b, lang, str(m, "starts_on"));
    if (str(m, "ends_on") && strcmp(str(m, "ends_on"), str(m, "starts_on")) != 0) {
        buf_puts(b, " – ");
        put_date(b, lang, str(m, "ends_on"));
    }
}

/* Registration is open: status "open" and now within the window. */
static int registration_open(json_t *m, long long now)
{
    long long t;

    if (!str(m, "status") || strcmp(str(m, "status"), "open") != 0)
        return 0;
    if (str(m, "registration_opens_at") &&
        tu_parse_rfc3339(str(m, "registration_opens_at"), &t) == 0 && now < t)
        return 0;
    if (str(m, "registration_closes_at") &&
        tu_parse_rfc3339(str(m, "registration_closes_at"), &t) == 0 && now >= t)
        return 0;
    return 1;
}

/* --- the meetings ------------------------------------------------------------ */

char *page_home_html(const char *lang, json_t *meetings, long long now, struct err *e)
{
    struct buf b = BUF_INIT;
    json_t *m;
    size_t i, shown = 0;

    page_open(&b, lang, i18n_t(lang, "home.title"), "/");
    buf_puts(&b, "<h1>");
    page_t(&b, lang, "home.title");
    buf_puts(&b, "</h1>\n<div class=\"cards\">\n");
    json_array_foreach(meetings, i, m) {
        if (!registration_open(m, now))
            continue;
        shown++;
        buf_printf(&b, "<article class=\"card\"><h2><a href=\"/meetings/%lld\">", num(m, "id"));
        page_text(&b, str(m, "title"));
        buf_puts(&b, "</a></h2><p>");
        put_dates(&b, lang, m);
        if (str(m, "city")) {
            buf_puts(&b, "<br>");
            page_text(&b, str(m, "city"));
        }
        buf_puts(&b, "</p><p class=\"meta\">");
        if (num(m, "seats_left") > 0) {
            page_t(&b, lang, "seats.left");
            buf_printf(&b, ": %lld", num(m, "seats_left"));
        } else
            page_t(&b, lang, "seats.full");
        buf_puts(&b, "</p></article>\n");
    }
    buf_puts(&b, "</div>\n");
    if (shown == 0) {
        buf_puts(&b, "<p>");
        page_t(&b, lang, "home.none");
        buf_puts(&b, "</p>\n");
    }
    return page_close(&b, lang, NULL, NULL, e);
}

/* --- a meeting: its programme -------------------------------------------------- */

static void put_item(struct buf *b, const char *lang, json_t *item)
{
    json_t *sp;
    size_t i;
    char key[48];

    buf_puts(b, "<div class=\"item\">");
    if (str(item, "track")) {
        buf_puts(b, "<div class=\"track\">");
        page_text(b, str(item, "track"));
        buf_puts(b, "</div>");
    }
    buf_puts(b, "<strong>");
    page_text(b, str(item, "title"));
    buf_puts(b, "</strong> <span class=\"kind\">(");
    snprintf(key, sizeof key, "kind.%s", str(item, "kind") ? str(item, "kind") : "other");
    page_t(b, lang, key);
    buf_puts(b, ")</span>");
    if (str(item, "venue_name")) {
        buf_puts(b, "<div class=\"where\">");
        page_text(b, str(item, "venue_name"));
        buf_puts(b, "</div>");
    }
    json_array_foreach(json_object_get(item, "speakers"), i, sp) {
        buf_puts(b, i ? "; " : "<div class=\"who\">");
        page_text(b, str(sp, "name"));
        if (str(sp, "role")) {
            buf_puts(b, ", ");
            page_text(b, str(sp, "role"));
        }
        if (str(sp, "organisation")) {
            buf_puts(b, " (");
            page_text(b, str(sp, "organisation"));
            buf_puts(b, ")");
        }
    }
    if (json_array_size(json_object_get(item, "speakers")) > 0)
        buf_puts(b, "</div>");
    if (str(item, "description")) { /* its line breaks kept by CSS (.desc) */
        buf_puts(b, "<div class=\"desc\">");
        page_text(b, str(item, "description"));
        buf_puts(b, "</div>");
    }
    buf_puts(b, "</div>");
}

/* A day: items that start at the same time side by side (parallel tracks). */
static void put_day(struct buf *b, const char *lang, json_t *day)
{
    json_t *items = json_object_get(day, "items");
    size_t n = json_array_size(items), i = 0;

    buf_puts(b, "<section class=\"day\"><h3>");
    page_text(b, i18n_weekday(lang, str(day, "date")));
    buf_puts(b, ", ");
    put_date(b, lang, str(day, "date"));
    buf_puts(b, "</h3>\n");
    while (i < n) {
        json_t *first = json_array_get(items, i);
        size_t j = i + 1;

        while (j < n && str(json_array_get(items, j), "starts_at") && str(first, "starts_at") &&
               strcmp(str(json_array_get(items, j), "starts_at"), str(first, "starts_at")) == 0)
            j++;
        buf_puts(b, "<div class=\"slot\"><div class=\"time\">");
        if (str(first, "starts_at") && strlen(str(first, "starts_at")) >= 16)
            put_time(b, lang, str(first, "starts_at") + 11);
        buf_puts(b, "–");
        if (str(first, "ends_at") && strlen(str(first, "ends_at")) >= 16)
            put_time(b, lang, str(first, "ends_at") + 11);
        buf_puts(b, j - i > 1 ? "</div><div class=\"tracks\">" : "</div><div>");
        for (; i < j; i++)
            put_item(b, lang, json_array_get(items, i));
        buf_puts(b, "</div></div>\n");
    }
    buf_puts(b, "</section>\n");
}

/* --- a meeting: site visits ------------------------------------------------------ */

static void put_slots(struct buf *b, const char *lang, json_t *slots)
{
    json_t *slot, *o;
    size_t i, j;

    if (json_array_size(slots) == 0)
        return;
    buf_puts(b, "<section aria-labelledby=\"visits\"><h2 id=\"visits\">");
    page_t(b, lang, "visits.title");
    buf_puts(b, "</h2>\n");
    json_array_foreach(slots, i, slot) {
        buf_puts(b, "<h3>");
        page_text(b, str(slot, "title"));
        buf_puts(b, "</h3><p class=\"meta\">");
        put_date(b, lang, str(slot, "starts_at"));
        buf_puts(b, ", ");
        if (str(slot, "starts_at") && strlen(str(slot, "starts_at")) >= 16)
            put_time(b, lang, str(slot, "starts_at") + 11);
        buf_puts(b, "–");
        if (str(slot, "ends_at") && strlen(str(slot, "ends_at")) >= 16)
            put_time(b, lang, str(slot, "ends_at") + 11);
        buf_puts(b, "</p><div class=\"cards\">\n");
        json_array_foreach(json_object_get(slot, "options"), j, o) {
            long long cap = num(o, "capacity"), fr = num(o, "free");

            buf_puts(b, "<div class=\"card\"><h4>");
            page_text(b, str(o, "venue_name"));
            buf_puts(b, "</h4><p>");
            page_text(b, str(o, "topic"));
            if (str(o, "host")) {
                buf_puts(b, "<br><span class=\"meta\">");
                page_t(b, lang, "visits.host");
                buf_puts(b, ": ");
                page_text(b, str(o, "host"));
                buf_puts(b, "</span>");
            }
            buf_puts(b, "</p><p>");
            page_t(b, lang, "visits.free");
            buf_printf(b, ": %lld / %lld</p>", fr, cap);
            buf_printf(b, "<meter min=\"0\" max=\"%lld\" value=\"%lld\" aria-hidden=\"true\">"
                          "</meter></div>\n",
                       cap, cap - fr < 0 ? 0 : cap - fr);
        }
        buf_puts(b, "</div>\n");
    }
    buf_puts(b, "</section>\n");
}

/* --- a meeting: the cultural programme (a plugin's, read-only) ---------------------- */

/* A plugin activity's text in lang: key_lv / key_en, else the other one. */
static const char *act_text(json_t *a, const char *key, const char *lang)
{
    char k[32];
    const char *s;

    snprintf(k, sizeof k, "%s_%s", key, lang);
    if ((s = str(a, k)) != NULL)
        return s;
    snprintf(k, sizeof k, "%s_%s", key, strcmp(lang, "en") == 0 ? "lv" : "en");
    return str(a, k);
}

/* Signing up needs the manage token, so it stays on the participant's page:
 * here the activities are listed with their free seats, and the text says
 * where to sign up. */
static void put_activities(struct buf *b, const char *lang, json_t *acts)
{
    json_t *a;
    size_t i;
    char key[48];

    if (json_array_size(acts) == 0)
        return;
    buf_puts(b, "<section aria-labelledby=\"activities\"><h2 id=\"activities\">");
    page_t(b, lang, "activities.title");
    buf_puts(b, "</h2>\n<p class=\"hint\">");
    page_t(b, lang, "activities.note");
    buf_puts(b, "</p><div class=\"cards\">\n");
    json_array_foreach(acts, i, a) {
        long long cap = num(a, "capacity"), fr = num(a, "free");
        const char *start = str(a, "starts_at"), *end = str(a, "ends_at");

        buf_printf(b, "<div class=\"card\" data-activity=\"%lld\"><h3>", num(a, "id"));
        page_text(b, act_text(a, "title", lang));
        buf_puts(b, "</h3><p class=\"meta\">");
        snprintf(key, sizeof key, "activities.kind.%s", str(a, "kind") ? str(a, "kind") : "");
        if (strcmp(i18n_t(lang, key), key) != 0) { /* a kind this page knows */
            page_t(b, lang, key);
            buf_puts(b, ", ");
        }
        put_date(b, lang, start);
        if (start && end && strlen(start) >= 16 && strlen(end) >= 16) {
            buf_puts(b, ", ");
            put_time(b, lang, start + 11);
            buf_puts(b, "–");
            put_time(b, lang, end + 11);
        }
        if (str(a, "venue")) {
            buf_puts(b, "<br>");
            page_text(b, str(a, "venue"));
        }
        buf_puts(b, "</p>");
        if (act_text(a, "description", lang)) {
            buf_puts(b, "<p class=\"desc\">");
            page_text(b, act_text(a, "description", lang));
            buf_puts(b, "</p>");
        }
        buf_puts(b, "<p>");
        page_t(b, lang, "visits.free");
        buf_printf(b, ": %lld / %lld", fr, cap);
        if (fr <= 0) {
            buf_puts(b, "<br>");
            page_t(b, lang, "activities.full");
        }
        buf_printf(b, "</p><meter min=\"0\" max=\"%lld\" value=\"%lld\" aria-hidden=\"true\">"
                      "</meter></div>\n",
                   cap, cap - fr < 0 ? 0 : cap - fr);
    }
    buf_puts(b, "</div></section>\n");
}

/* --- a meeting: "lost my link" ------------------------------------------------------ */

/* A new private link by e-mail (register.js posts it): offered whether or not
 * registration is open, since those who registered need their link until the
 * meeting. */
static void put_lost(struct buf *b, const char *lang)
{
    buf_puts(b, "<section aria-labelledby=\"lost\" class=\"noprint\"><h2 id=\"lost\">");
    page_t(b, lang, "js.lost.title");
    buf_puts(b, "</h2>\n<p class=\"hint\" id=\"h-resend_email\">");
    page_t(b, lang, "lost.hint");
    buf_puts(b, "</p><form id=\"resend\" novalidate><div class=\"field\"><label"
                " for=\"f-resend_email\">");
    page_t(b, lang, "form.email");
    buf_puts(b, "</label><input type=\"email\" id=\"f-resend_email\" name=\"resend_email\""
                " autocomplete=\"email\" maxlength=\"254\" required aria-required=\"true\""
                " aria-describedby=\"h-resend_email e-resend_email\"><p class=\"error\""
                " id=\"e-resend_email\"></p></div><div class=\"actions\"><button type=\"submit\">");
    page_t(b, lang, "lost.submit");
    buf_puts(b, "</button></div><p role=\"status\"></p></form></section>\n");
}

/* --- a meeting: the registration form -------------------------------------------- */

/* <div class="field"><label>...</label> ... the control is the caller's. */
static void field_open(struct buf *b, const char *lang, const char *id, const char *label,
                       int required)
{
    buf_puts(b, "<div class=\"field\"><label for=\"f-");
    page_text(b, id);
    buf_puts(b, "\">");
    page_text(b, label);
    if (required) {
        buf_puts(b, " <span class=\"req\" aria-hidden=\"true\">*</span><span class=\"noprint\""
                    " hidden>");
        page_t(b, lang, "form.required");
        buf_puts(b, "</span>");
    }
    buf_puts(b, "</label>");
}

static void field_close(struct buf *b, const char *id)
{
    buf_puts(b, "<p class=\"error\" id=\"e-");
    page_text(b, id);
    buf_puts(b, "\"></p></div>\n");
}

/* Attributes shared by every control: id, name, aria-describedby, required. */
static void control_attrs(struct buf *b, const char *id, int required)
{
    buf_puts(b, " id=\"f-");
    page_text(b, id);
    buf_puts(b, "\" name=\"");
    page_text(b, id);
    buf_puts(b, "\" aria-describedby=\"e-");
    page_text(b, id);
    buf_puts(b, "\"");
    if (required)
        buf_puts(b, " required aria-required=\"true\"");
}

static void core_input(struct buf *b, const char *lang, const char *id, const char *type,
                       const char *autocomplete, int required, int maxlen)
{
    char key[48];

    snprintf(key, sizeof key, "form.%s", id);
    field_open(b, lang, id, i18n_t(lang, key), required);
    buf_puts(b, "<input type=\"");
    page_text(b, type);
    buf_puts(b, "\" autocomplete=\"");
    page_text(b, autocomplete);
    buf_printf(b, "\" maxlength=\"%d\"", maxlen);
    control_attrs(b, id, required);
    buf_puts(b, ">");
    field_close(b, id);
}

/* A custom or plugin field; its answer key is "answers.KEY". */
static void custom_field(struct buf *b, const char *lang, json_t *def)
{
    const char *type = str(def, "type"), *key = str(def, "key");
    int required = json_is_true(json_object_get(def, "required"));
    char id[160];
    json_t *opt;
    size_t i;

    if (type == NULL || key == NULL)
        return;
    snprintf(id, sizeof id, "answers.%s", key);
    if (strcmp(type, "multi_choice") == 0 || strcmp(type, "choice") == 0) {
        int multi = type[0] == 'm';

        buf_printf(b, "<fieldset class=\"field\"%s id=\"f-", required ? " data-required" : "");
        page_text(b, id);
        buf_puts(b, "\" aria-describedby=\"e-");
        page_text(b, id);
        buf_puts(b, "\"><legend>");
        page_text(b, in_lang(json_object_get(def, "label"), lang));
        if (required)
            buf_puts(b, " <span class=\"req\" aria-hidden=\"true\">*</span>");
        buf_puts(b, "</legend>");
        json_array_foreach(json_object_get(def, "options"), i, opt) {
            buf_printf(b, "<label class=\"choice\"><input type=\"%s\" name=\"",
                       multi ? "checkbox" : "radio");
            page_text(b, id);
            buf_puts(b, "\" value=\"");
            page_text(b, json_string_value(opt));
            buf_puts(b, "\"> ");
            page_text(b, json_string_value(opt));
            buf_puts(b, "</label>");
        }
        buf_puts(b, "<p class=\"error\" id=\"e-");
        page_text(b, id);
        buf_puts(b, "\"></p></fieldset>\n");
        return;
    }
    if (strcmp(type, "boolean") == 0) {
        buf_puts(b, "<div class=\"field\"><label class=\"choice\"><input type=\"checkbox\"");
        control_attrs(b, id, 0);
        buf_puts(b, " data-type=\"boolean\" value=\"true\"> ");
        page_text(b, in_lang(json_object_get(def, "label"), lang));
        buf_puts(b, "</label>");
        field_close(b, id);
        return;
    }
    field_open(b, lang, id, in_lang(json_object_get(def, "label"), lang), required);
    if (strcmp(type, "number") == 0)
        buf_puts(b, "<input type=\"number\" step=\"any\" data-type=\"number\"");
    else if (strcmp(type, "date") == 0)
        buf_puts(b, "<input type=\"date\"");
    else if (num(def, "max_length") > 200)
        buf_printf(b, "<textarea rows=\"3\" maxlength=\"%lld\"", num(def, "max_length"));
    else
        buf_printf(b, "<input type=\"text\" maxlength=\"%lld\"",
                   num(def, "max_length") > 0 ? num(def, "max_length") : 500);
    control_attrs(b, id, required);
    buf_puts(b, strcmp(type, "text") == 0 && num(def, "max_length") > 200 ? "></textarea>" : ">");
    field_close(b, id);
}

/* Ranking of a slot's options: "1st choice", "2nd", "3rd" (selects work by
 * keyboard and on a phone, unlike drag and drop). */
static void ranking(struct buf *b, const char *lang, json_t *slot)
{
    json_t *opts = json_object_get(slot, "options"), *o;
    size_t n = json_array_size(opts), ranks = n < 3 ? n : 3, r, i;

    if (n == 0)
        return;
    buf_printf(b, "<fieldset class=\"field\" data-slot=\"%lld\" id=\"f-visits-%lld\""
                  " aria-describedby=\"e-visit_preferences\"><legend>",
               num(slot, "id"), num(slot, "id"));
    page_text(b, str(slot, "title"));
    buf_puts(b, "</legend><p class=\"hint\">");
    page_t(b, lang, "form.rank_hint");
    buf_puts(b, "</p>");
    for (r = 1; r <= ranks; r++) {
        buf_printf(b, "<div class=\"field\"><label for=\"rank-%lld-%zu\">", num(slot, "id"), r);
        page_t(b, lang, r == 1 ? "form.rank1" : r == 2 ? "form.rank2" : "form.rank3");
        buf_printf(b, "</label><select id=\"rank-%lld-%zu\" data-rank=\"%zu\"><option value=\"\">",
                   num(slot, "id"), r, r);
        page_t(b, lang, "form.rank_none");
        buf_puts(b, "</option>");
        json_array_foreach(opts, i, o) {
            buf_printf(b, "<option value=\"%lld\">", num(o, "id"));
            page_text(b, str(o, "venue_name"));
            if (str(o, "topic")) {
                buf_puts(b, " – ");
                page_text(b, str(o, "topic"));
            }
            buf_puts(b, "</option>");
        }
        buf_puts(b, "</select></div>");
    }
    buf_puts(b, "</fieldset>\n");
}

static void put_form(struct buf *b, const char *lang, json_t *m, json_t *slots, json_t *orgs)
{
    json_t *def, *o, *slot;
    size_t i;

    buf_printf(b, "<form id=\"register\" novalidate data-meeting=\"%lld\">\n", num(m, "id"));
    buf_puts(b, "<div id=\"summary\" class=\"summary\" role=\"alert\" tabindex=\"-1\"></div>\n"
                "<p class=\"hint\">");
    page_t(b, lang, "form.required_note");
    buf_puts(b, " ");
    page_t(b, lang, "form.lost");
    buf_puts(b, " <a href=\"#lost\">");
    page_t(b, lang, "js.lost.ask");
    buf_puts(b, "</a></p>\n");
    core_input(b, lang, "first_name", "text", "given-name", 1, 200);
    core_input(b, lang, "last_name", "text", "family-name", 1, 200);
    core_input(b, lang, "email", "email", "email", 1, 254);

    /* the organisation: a combobox the script filters (Latvian letters
     * either way); without the script, a plain input with a datalist */
    field_open(b, lang, "organisation", i18n_t(lang, "form.organisation"), 1);
    buf_puts(b, "<p class=\"hint\" id=\"h-organisation\">");
    page_t(b, lang, "form.organisation_hint");
    buf_puts(b, "</p><div class=\"combo\"><input type=\"text\" autocomplete=\"off\""
                " maxlength=\"200\" list=\"org-options\" role=\"combobox\""
                " aria-autocomplete=\"list\" aria-expanded=\"false\" aria-controls=\"org-list\"");
    control_attrs(b, "organisation", 1);
    buf_puts(b, "><ul id=\"org-list\" role=\"listbox\" hidden aria-label=\"");
    page_t(b, lang, "form.organisation");
    buf_puts(b, "\"></ul></div><datalist id=\"org-options\">");
    json_array_foreach(orgs, i, o) {
        buf_printf(b, "<option data-id=\"%lld\" value=\"", num(o, "id"));
        page_text(b, str(o, "name"));
        buf_puts(b, "\"></option>");
    }
    buf_puts(b, "</datalist>");
    field_close(b, "organisation");

    core_input(b, lang, "position", "text", "organization-title", 0, 200);
    core_input(b, lang, "phone", "tel", "tel", 0, 32); /* REG_PHONE_MAX */
    json_array_foreach(json_object_get(m, "fields"), i, def) custom_field(b, lang, def);
    json_array_foreach(json_object_get(m, "plugin_fields"), i, def) custom_field(b, lang, def);
    if (json_array_size(slots) > 0) {
        buf_puts(b, "<h3>");
        page_t(b, lang, "form.visits");
        buf_puts(b, "</h3>");
        json_array_foreach(slots, i, slot) ranking(b, lang, slot);
        buf_puts(b, "<p class=\"error\" id=\"e-visit_preferences\"></p>");
    }
    buf_puts(b, "<div class=\"field\"><label class=\"choice\"><input type=\"checkbox\"");
    control_attrs(b, "consent", 1);
    buf_puts(b, "> ");
    page_t(b, lang, "form.consent");
    buf_puts(b, "</label>");
    field_close(b, "consent");
    buf_puts(b, "<div class=\"actions\"><button type=\"submit\">");
    page_t(b, lang, "form.submit");
    buf_puts(b, "</button></div>\n</form>\n<div id=\"done\" hidden tabindex=\"-1\"></div>\n");
}

char *page_meeting_html(const char *lang, json_t *m, json_t *agenda, json_t *slots,
                        json_t *orgs, json_t *activities, long long now, struct err *e)
{
    struct buf b = BUF_INIT;
    json_t *day, *data;
    size_t i;
    char self[48];

    snprintf(self, sizeof self, "/meetings/%lld", num(m, "id"));
    page_open(&b, lang, str(m, "title"), self);
    buf_puts(&b, "<h1>");
    page_text(&b, str(m, "title"));
    buf_puts(&b, "</h1>\n<p class=\"lead\">");
    put_dates(&b, lang, m);
    if (str(m, "city")) {
        buf_puts(&b, ", ");
        page_text(&b, str(m, "city"));
    }
    buf_puts(&b, "</p>\n<p>");
    if (num(m, "seats_left") > 0) {
        page_t(&b, lang, "seats.left");
        buf_printf(&b, ": %lld / %lld", num(m, "seats_left"), num(m, "capacity"));
    } else
        page_t(&b, lang, "seats.full");
    buf_puts(&b, "</p>\n<nav class=\"actions noprint\" aria-label=\"");
    page_t(&b, lang, "meeting.sections");
    buf_puts(&b, "\"><a class=\"button\" href=\"#register-now\">");
    page_t(&b, lang, "meeting.register");
    buf_printf(&b, "</a><a class=\"button secondary\" href=\"/api/v1/meetings/%lld/agenda.ics\">",
               num(m, "id"));
    page_t(&b, lang, "meeting.calendar");
    buf_puts(&b, "</a></nav>\n");

    buf_puts(&b, "<section aria-labelledby=\"programme\"><h2 id=\"programme\">");
    page_t(&b, lang, "meeting.programme");
    buf_puts(&b, "</h2>\n");
    if (json_array_size(json_object_get(agenda, "days")) == 0) {
        buf_puts(&b, "<p>");
        page_t(&b, lang, "meeting.no_programme");
        buf_puts(&b, "</p>");
    }
    json_array_foreach(json_object_get(agenda, "days"), i, day) put_day(&b, lang, day);
    buf_puts(&b, "</section>\n");
    put_slots(&b, lang, slots);
    put_activities(&b, lang, activities);

    buf_puts(&b, "<section aria-labelledby=\"register-now\"><h2 id=\"register-now\">");
    page_t(&b, lang, "meeting.register");
    buf_puts(&b, "</h2>\n");
    if (registration_open(m, now)) {
        if (num(m, "seats_left") <= 0) {
            buf_puts(&b, "<p class=\"notice\">");
            page_t(&b, lang, "meeting.waitlist_note");
            buf_puts(&b, "</p>");
        }
        put_form(&b, lang, m, slots, orgs);
    } else {
        buf_puts(&b, "<p class=\"notice\">");
        page_t(&b, lang, "meeting.closed");
        buf_puts(&b, "</p>");
    }
    buf_puts(&b, "</section>\n");
    put_lost(&b, lang);
    data = json_pack("{s:I, s:I}", "meeting", (json_int_t)num(m, "id"), "confirm_minutes",
                     (json_int_t)num(m, "confirm_minutes"));
    return page_close(&b, lang, data, "static/register.js", e);
}

char *page_manage_html(const char *lang, struct err *e)
{
    struct buf b = BUF_INIT;

    page_open(&b, lang, i18n_t(lang, "manage.title"), "/manage");
    buf_puts(&b, "<h1>");
    page_t(&b, lang, "manage.title");
    buf_puts(&b, "</h1>\n<div id=\"manage\" aria-live=\"polite\"><p>");
    page_t(&b, lang, "manage.loading");
    buf_puts(&b, "</p></div>\n<noscript><p>");
    page_t(&b, lang, "manage.noscript");
    buf_puts(&b, "</p></noscript>\n");
    return page_close(&b, lang, NULL, "static/manage.js", e);
}

char *page_staff_html(const char *lang, const char *which, struct err *e)
{
    struct buf b = BUF_INIT;
    char key[48], self[32], script[48];

    snprintf(key, sizeof key, "%s.title", which);
    snprintf(self, sizeof self, "/%s", which);
    snprintf(script, sizeof script, "static/%s.js", which);
    page_open(&b, lang, i18n_t(lang, key), self);
    buf_puts(&b, "<h1 id=\"title\">");
    page_t(&b, lang, key);
    buf_puts(&b, "</h1>\n<div id=\"app\" aria-live=\"polite\"><p>");
    page_t(&b, lang, "manage.loading");
    buf_puts(&b, "</p></div>\n<noscript><p>");
    page_t(&b, lang, "manage.noscript");
    buf_puts(&b, "</p></noscript>\n");
    return page_close(&b, lang, NULL, script, e);
}
