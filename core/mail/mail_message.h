/* mail_message.h - an e-mail message as the bytes an SMTP server receives
 * (RFC 5322 with MIME): headers with non-ASCII text as RFC 2047 encoded
 * words, a plain-text and an HTML body (multipart/alternative), and an
 * optional attachment (multipart/mixed), every body part in base64.
 *
 * Nothing from a name, a subject or an answer can start a header of its
 * own: header text is either plain printable ASCII or encoded words (no
 * CR or LF can survive either way), and addresses with anything but the
 * characters of a plain address are refused.  Pure code, no I/O. */
#ifndef SAIETS_MAIL_MESSAGE_H
#define SAIETS_MAIL_MESSAGE_H

#include <stddef.h>

#include "buf.h"
#include "errors.h"

struct mail_attachment {
    const char *filename;     /* ASCII, e.g. "programme.ics" */
    const char *content_type; /* e.g. "text/calendar; charset=UTF-8; method=PUBLISH" */
    const char *data;
    size_t len;
};

struct mail_message {
    const char *from_addr, *from_name; /* from_name may be NULL */
    const char *to_addr, *to_name;     /* to_name may be NULL or "" */
    const char *subject;               /* UTF-8 */
    const char *text;                  /* UTF-8 plain text, "\n" line ends */
    const char *html;                  /* UTF-8 HTML, or NULL */
    const char *message_id;            /* "<...@...>", stable across retries */
    long long date;                    /* Unix seconds */
    int attempt;                       /* 1 for the first; more adds X-Saiets-Attempt */
    const struct mail_attachment *attachment; /* or NULL */
};

/* The message with CRLF line ends into *out (appended).  0, or -1 with *e
 * set (an address that is not plain, out of memory). */
int mail_message_write(const struct mail_message *m, struct buf *out, struct err *e);

/* Appends text as a header value: as it is when it is short printable
 * ASCII, else as RFC 2047 "=?UTF-8?B?...?=" words of at most 75
 * characters, folded with CRLF SP; controls become spaces first.
 * `used` is how many characters the header line already has. */
void mail_header_text(struct buf *b, const char *text, size_t used);

/* 1 when addr is a plain address that may go into a header and an SMTP
 * command (no spaces, controls, quotes, angle brackets, ...). */
int mail_addr_ok(const char *addr);

#endif
