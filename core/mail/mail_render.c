/* mail_render.c - a queued message's subject, text and HTML; see
 * mail_render.h.
 *
 * A message is a list of paragraphs, each a text and maybe a link; the
 * plain text and the HTML are both written from that list, so the two
 * always say the same. */
#include "mail_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "calendar.h"
#include "calsecret.h"
#include "i18n.h"
#include "meeting.h"
#include "registration_view.h"

#define PARAS_MAX 24

struct para {
    char *text; /* owned */
    char *url;  /* owned, or NULL */
};

struct draft {
    const char *lang;
    const char *const *kv;
    struct para p[PARAS_MAX];
    int n;
    int oom;
};

void mail_fill(struct buf *b, const char *tmpl, const char *const *kv, int html)
{
    const char *s = tmpl;

    while (*s) {
        const char *open = strchr(s, '{'), *close, *value = NULL;

        if (open == NULL || (close = strchr(open, '}')) == NULL) {
            html ? buf_put_html(b, s) : buf_puts(b, s);
            return;
        }
        for (int i = 0; kv && kv[i]; i += 2)
            if (strlen(kv[i]) == (size_t)(close - open - 1) &&
                strncmp(kv[i], open + 1, (size_t)(close - open - 1)) == 0) {
                value = kv[i + 1] ? kv[i + 1] : "";
                break;
            }
        {
            /* the text before the name, then the value (or the name as it was) */
            struct buf lit = BUF_INIT;

            buf_append(&lit, s, (size_t)(open - s));
            if (value == NULL)
                buf_append(&lit, open, (size_t)(close - open + 1));
            html ? buf_put_html(b, buf_cstr(&lit)) : buf_puts(b, buf_cstr(&lit));
            if (!buf_ok(&lit))
                b->oom = 1;
            buf_free(&lit);
        }
        if (value)
            html ? buf_put_html(b, value) : buf_puts(b, value);
        s = close + 1;
    }
}

/* Adds a paragraph: the text for key filled in, and url (copied) or NULL. */
static void para(struct draft *d, const char *key, const char *url)
{
    struct buf b = BUF_INIT;

    if (d->n >= PARAS_MAX)
        return;
    mail_fill(&b, i18n_t(d->lang, key), d->kv, 0);
    d->p[d->n].text = strdup(buf_cstr(&b));
    d->p[d->n].url = url ? strdup(url) : NULL;
    if (!buf_ok(&b) || d->p[d->n].text == NULL || (url && d->p[d->n].url == NULL))
        d->oom = 1;
    buf_free(&b);
    d->n++;
}

/* A paragraph of literal text (an organizer's), no template. */
static void para_literal(struct draft *d, const char *text)
{
    if (d->n >= PARAS_MAX)
        return;
    d->p[d->n].text = strdup(text);
    d->p[d->n].url = NULL;
    if (d->p[d->n].text == NULL)
        d->oom = 1;
    d->n++;
}

static void draft_free(struct draft *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->p[i].text);
        free(d->p[i].url);
    }
    d->n = 0;
}

/* The plain text and the HTML of the paragraphs. */
static int draft_write(struct draft *d, struct mail_rendered *out)
{
    struct buf t = BUF_INIT, h = BUF_INIT;

    buf_printf(&h, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                   "<title></title></head><body>\n", d->lang);
    for (int i = 0; i < d->n; i++) {
        if (i > 0)
            buf_puts(&t, "\n\n");
        buf_puts(&t, d->p[i].text);
        buf_puts(&h, "<p>");
        /* line breaks of an organizer's text are kept */
        for (const char *s = d->p[i].text; *s; s++) {
            const char *nl = strchr(s, '\n');
            struct buf line = BUF_INIT;

            buf_append(&line, s, nl ? (size_t)(nl - s) : strlen(s));
            buf_put_html(&h, buf_cstr(&line));
            buf_free(&line);
            if (nl == NULL)
                break;
            buf_puts(&h, "<br>\n");
            s = nl;
        }
        if (d->p[i].url) {
            buf_printf(&t, "\n%s", d->p[i].url);
            buf_puts(&h, "<br>\n<a href=\"");
            buf_put_html(&h, d->p[i].url);
            buf_puts(&h, "\">");
            buf_put_html(&h, d->p[i].url);
            buf_puts(&h, "</a>");
        }
        buf_puts(&h, "</p>\n");
    }
    buf_puts(&t, "\n");
    buf_puts(&h, "</body></html>\n");
    if (!buf_ok(&t) || !buf_ok(&h) || d->oom) {
        buf_free(&t);
        buf_free(&h);
        return -1;
    }
    out->text = strdup(buf_cstr(&t));
    out->html = strdup(buf_cstr(&h));
    buf_free(&t);
    buf_free(&h);
    return out->text && out->html ? 0 : -1;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* "2015. gada 5.-6. novembris" is more than this needs: the first and the
 * last day, each written the language's way. */
static void meeting_dates(char *out, size_t n, const char *lang, const struct meeting *m)
{
    char a[64], b[64];

    i18n_date(a, sizeof a, lang, m->starts_on);
    if (strcmp(m->starts_on, m->ends_on) == 0) {
        snprintf(out, n, "%s", a);
        return;
    }
    i18n_date(b, sizeof b, lang, m->ends_on);
    snprintf(out, n, "%s - %s", a, b);
}

/* "Site visit ..." paragraphs: the place (school, time, host, vehicle,
 * departure) or the waiting position, for each slot the person is in. */
static void visit_paras(struct draft *d, const json_t *places)
{
    size_t i;
    json_t *p;

    json_array_foreach(places, i, p) {
        char when[64], departs[64], pos[24];
        const char *starts = jstr(p, "starts_at");
        const char *kv[] = {"title", jstr(p, "title"), "time", when, "venue",
                            jstr(p, "venue_name"), "topic", jstr(p, "topic"), "host",
                            jstr(p, "host"), "vehicle", jstr(p, "vehicle"), "departs",
                            departs, "position", pos, NULL};
        const char *const *saved = d->kv;

        i18n_datetime(when, sizeof when, d->lang, starts);
        departs[0] = '\0';
        if (json_string_value(json_object_get(p, "departs")))
            i18n_time(departs, sizeof departs, d->lang,
                      strlen(jstr(p, "departs")) > 11 ? jstr(p, "departs") + 11
                                                      : jstr(p, "departs"));
        snprintf(pos, sizeof pos, "%lld",
                 (long long)json_integer_value(json_object_get(p, "waiting_position")));
        d->kv = kv;
        if (json_is_null(json_object_get(p, "venue_name")) ||
            json_object_get(p, "venue_name") == NULL) {
            para(d, "mail.visit.waiting", NULL);
        } else {
            para(d, "mail.visit.place", NULL);
            if (json_string_value(json_object_get(p, "vehicle")))
                para(d, departs[0] ? "mail.visit.vehicle" : "mail.visit.vehicle_only", NULL);
        }
        d->kv = saved;
    }
}

/* The reminder's programme: the first day's items, one line each. */
static void programme_para(struct draft *d, struct db *db, const struct meeting *m)
{
    struct err e;
    json_t *agenda = agenda_json(db, m->id, 1, &e), *day, *item;
    struct buf b = BUF_INIT;
    size_t i;

    day = json_array_get(json_object_get(agenda, "days"), 0);
    json_array_foreach(json_object_get(day, "items"), i, item) {
        char t[32];
        const char *s = jstr(item, "starts_at");

        i18n_time(t, sizeof t, d->lang, strlen(s) > 11 ? s + 11 : s);
        buf_printf(&b, "%s%s  %s", i ? "\n" : "", t, jstr(item, "title"));
    }
    if (b.len > 0) {
        para(d, "mail.reminder.programme", NULL);
        para_literal(d, buf_cstr(&b));
    }
    buf_free(&b);
    json_decref(agenda);
}

/* The messages that carry the person's calendar as a file: a new
 * registration's (confirmed, waitlisted or held) and a promotion's. */
static int with_ics(const char *kind)
{
    return strcmp(kind, "registration.confirmed") == 0 ||
           strcmp(kind, "registration.waitlisted") == 0 ||
           strcmp(kind, "registration.pending") == 0 || strcmp(kind, "registration.promoted") == 0;
}

int mail_render(struct db *db, const struct outbox_row *row, const char *base_url,
                long long now, struct mail_rendered *out, struct err *e)
{
    struct draft d = {.lang = i18n_lang(row->lang)};
    struct meeting m;
    json_t *reg = NULL;
    char dates[160], url[600], cal[600], pos[24], first[64], subject_key[64], minutes[24] = "";
    const char *kind = row->kind, *token = row->token;
    int rc = -1, have_meeting = 0;
    struct buf subject = BUF_INIT;

    memset(out, 0, sizeof *out);
    err_clear(e);
    if (row->meeting_id > 0) {
        if (meeting_load(db, row->meeting_id, &m, e) < 0)
            return -1;
        have_meeting = 1;
    }
    if (row->registration_id > 0 &&
        (reg = reg_view_json_by_id(db, row->registration_id, e)) == NULL)
        goto out;
    snprintf(pos, sizeof pos, "%lld",
             (long long)json_integer_value(json_object_get(row->data, "position")));
    if (have_meeting)
        snprintf(minutes, sizeof minutes, "%lld", m.confirm_minutes);
    dates[0] = first[0] = '\0';
    if (have_meeting) {
        meeting_dates(dates, sizeof dates, d.lang, &m);
        i18n_date(first, sizeof first, d.lang, m.starts_on);
    }
    {
        const char *kv[] = {"name", row->to_name, "meeting", have_meeting ? m.title : "",
                            "dates", dates, "date", first, "city",
                            have_meeting ? m.city : "", "position", pos,
                            "minutes", minutes,
                            "subject", jstr(row->data, "subject"), "plugin",
                            jstr(row->data, "plugin"), NULL};

        d.kv = kv;
        snprintf(subject_key, sizeof subject_key, "mail.%s.subject", kind);
        mail_fill(&subject, i18n_t(d.lang, subject_key), kv, 0);
        para(&d, row->to_name[0] ? "mail.greeting" : "mail.greeting_anonymous", NULL);
        if (strcmp(kind, "registration.confirmed") == 0 ||
            strcmp(kind, "registration.waitlisted") == 0) {
            para(&d, strcmp(kind, "registration.confirmed") == 0 ? "mail.confirmed.body"
                                                                 : "mail.waitlisted.body",
                 NULL);
            visit_paras(&d, json_object_get(reg, "site_visits"));
            if (token[0]) {
                snprintf(url, sizeof url, "%s/manage#%s", base_url, token);
                para(&d, "mail.manage", url);
            }
        } else if (strcmp(kind, "registration.pending") == 0) {
            para(&d, "mail.pending.body", NULL);
            if (token[0]) {
                snprintf(url, sizeof url, "%s/manage#%s", base_url, token);
                para(&d, "mail.pending.link", url);
            }
        } else if (strcmp(kind, "registration.link") == 0 ||
                   strcmp(kind, "registration.again") == 0) {
            para(&d, strcmp(kind, "registration.link") == 0 ? "mail.link.body"
                                                               : "mail.again.body", NULL);
            if (token[0]) {
                snprintf(url, sizeof url, "%s/manage#%s", base_url, token);
                para(&d, "mail.manage", url);
            }
        } else if (strcmp(kind, "visit.place") == 0) {
            para(&d, "mail.visit.changed", NULL);
            visit_paras(&d, json_object_get(reg, "site_visits"));
        } else if (strcmp(kind, "registration.promoted") == 0) {
            para(&d, "mail.promoted.body", NULL);
            visit_paras(&d, json_object_get(reg, "site_visits"));
        } else if (strcmp(kind, "registration.cancelled") == 0) {
            para(&d, "mail.cancelled.body", NULL);
            if (json_is_true(json_object_get(row->data, "by_organizer")))
                para(&d, "mail.cancelled.by_organizer", NULL);
        } else if (strcmp(kind, "reminder") == 0) {
            para(&d, "mail.reminder.body", NULL);
            if (have_meeting)
                programme_para(&d, db, &m);
            visit_paras(&d, json_object_get(reg, "site_visits"));
        } else if (strcmp(kind, "organizer.message") == 0 ||
                   strcmp(kind, "plugin.message") == 0) {
            para_literal(&d, jstr(row->data, "text"));
        } else {
            err_set(e, ERR_NOT_FOUND, NULL, "unknown kind of message '%s'", kind);
            goto out;
        }
        /* The calendar: a link to subscribe to while the registration lives,
         * and the file itself with a confirmation. */
        if (reg && strcmp(kind, "registration.cancelled") != 0) {
            char path[CALSECRET_URL_MAX];
            int has = calsecret_current_url(db, row->registration_id, path, e);

            if (has < 0)
                goto out;
            if (has) {
                snprintf(cal, sizeof cal, "%s%s", base_url, path);
                para(&d, "mail.calendar", cal);
                if (with_ics(kind))
                    para(&d, "mail.ics_attached", NULL);
            }
        }
        if (have_meeting) {
            snprintf(url, sizeof url, "%s/meetings/%lld%s", base_url, m.id,
                     strcmp(d.lang, "en") == 0 ? "?lang=en" : "");
            para(&d, "mail.meeting_link", url);
        }
        para(&d, strcmp(kind, "organizer.message") == 0 || strcmp(kind, "plugin.message") == 0
                     ? "mail.footer_other" : "mail.footer", NULL);
    }
    if (with_ics(kind) && reg) {
        out->ics = calendar_registration_ics(db, row->registration_id, now, NULL, e);
        if (out->ics == NULL)
            goto out;
        out->ics_len = strlen(out->ics);
    }
    if (draft_write(&d, out) < 0 || !buf_ok(&subject) ||
        (out->subject = strdup(buf_cstr(&subject))) == NULL) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        mail_rendered_clear(out);
    buf_free(&subject);
    draft_free(&d);
    json_decref(reg);
    if (have_meeting)
        meeting_clear(&m);
    return rc;
}

void mail_rendered_clear(struct mail_rendered *m)
{
    free(m->subject);
    free(m->text);
    free(m->html);
    free(m->ics);
    memset(m, 0, sizeof *m);
}
