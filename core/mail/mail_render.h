/* mail_render.h - the words of a queued message: subject, plain text and
 * HTML in the row's language (texts "mail.*" of web/locale, as the pages'),
 * from the rows as they are when it is sent and the row's data (the manage
 * token, a waiting-list position, an organizer's or a plugin's text).
 * A new registration's messages and a promotion's carry the person's
 * calendar as an .ics attachment.
 *
 * Every value from the database goes into the HTML escaped; the text and
 * the subject are plain text (mail_message.c encodes the headers). */
#ifndef SAIETS_MAIL_RENDER_H
#define SAIETS_MAIL_RENDER_H

#include <stddef.h>

#include "buf.h"
#include "db.h"
#include "errors.h"
#include "outbox.h"

struct mail_rendered {
    char *subject, *text, *html; /* owned */
    char *ics;                   /* owned, or NULL: the attachment */
    size_t ics_len;
};

/* base_url: where links point ("https://saiets.example.lv", no trailing
 * slash).  0, or -1 with *e set: not_found when the registration or the
 * meeting is gone (the message is dropped as failed), another code for a
 * storage error (tried again later).  Reader connection. */
int mail_render(struct db *db, const struct outbox_row *row, const char *base_url,
                long long now, struct mail_rendered *out, struct err *e);

void mail_rendered_clear(struct mail_rendered *m);

/* Appends tmpl with each "{name}" replaced by the value after "name" in
 * kv (a NULL-terminated list of name, value pairs; an unknown name stays
 * as it is), HTML-escaped when html. */
void mail_fill(struct buf *b, const char *tmpl, const char *const *kv, int html);

#endif
