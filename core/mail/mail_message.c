/* mail_message.c - writes an e-mail message with MIME; see mail_message.h.
 * base64 is libsodium's (sodium_bin2base64). */
#include "mail_message.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Appends the base64 of p[0..n) (n <= 57 gives one line of at most 76). */
static void put_base64(struct buf *b, const void *p, size_t n)
{
    char out[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];

    sodium_bin2base64(out, sizeof out, p, n, sodium_base64_VARIANT_ORIGINAL);
    buf_puts(b, out);
}

/* A body in base64, 76 characters a line. */
static void put_body(struct buf *b, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i += 57) {
        put_base64(b, data + i, len - i < 57 ? len - i : 57);
        buf_puts(b, "\r\n");
    }
}

/* Text with "\n" (or "\r\n") line ends as UTF-8 bytes with CRLF, then base64:
 * a body the receiver shows with the lines it was written with. */
static void put_text_body(struct buf *b, const char *text)
{
    struct buf crlf = BUF_INIT;

    for (const char *s = text; *s; s++) {
        if (*s == '\r')
            continue;
        if (*s == '\n')
            buf_putc(&crlf, '\r');
        buf_putc(&crlf, *s);
    }
    put_body(b, crlf.data ? crlf.data : "", crlf.len);
    if (!buf_ok(&crlf))
        b->oom = 1;
    buf_free(&crlf);
}

static int plain_ascii(const char *s, size_t max)
{
    size_t n = 0;

    for (; *s; s++, n++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || n >= max ||
            (s[0] == '=' && s[1] == '?'))
            return 0;
    return 1;
}

/* Length of the longest prefix of s (at most max bytes) that ends on a
 * whole UTF-8 character. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    size_t n;

    if (len <= max)
        return len;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n > 0 ? n : max; /* not UTF-8 at all: cut anyway */
}

void mail_header_text(struct buf *b, const char *text, size_t used)
{
    struct buf clean = BUF_INIT;
    size_t len, i = 0;
    int first = 1;

    if (plain_ascii(text, used < 70 ? 76 - used : 0)) {
        buf_puts(b, text);
        return;
    }
    for (const char *s = text; *s; s++)
        buf_putc(&clean, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
    len = clean.len;
    /* 45 bytes make 60 base64 characters: with "=?UTF-8?B?" and "?=" a
     * word of 72, under RFC 2047's 75. */
    while (i < len || first) {
        /* the first word shares its line with the header's name */
        size_t room = first && used < 60 ? (78 - used - 12) / 4 * 3 : 45;
        size_t n = utf8_cut(clean.data + i, len - i, room < 45 ? room : 45);

        if (!first)
            buf_puts(b, "\r\n ");
        buf_puts(b, "=?UTF-8?B?");
        put_base64(b, clean.data ? clean.data + i : "", n);
        buf_puts(b, "?=");
        i += n;
        first = 0;
    }
    if (!buf_ok(&clean))
        b->oom = 1;
    buf_free(&clean);
}

int mail_addr_ok(const char *addr)
{
    const char *at = strchr(addr, '@');
    size_t n = strlen(addr);

    if (at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@') || n > 254)
        return 0;
    for (const char *s = addr; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
            return 0;
    }
    return 1;
}

/* `Name <addr>`, the name as a quoted string when it is plain ASCII, else
 * as encoded words. */
static void put_mailbox(struct buf *b, const char *header, const char *name,
                        const char *addr)
{
    buf_printf(b, "%s: ", header);
    if (name && name[0]) {
        if (plain_ascii(name, 60)) {
            buf_putc(b, '"');
            for (const char *s = name; *s; s++) {
                if (*s == '"' || *s == '\\')
                    buf_putc(b, '\\');
                buf_putc(b, *s);
            }
            buf_putc(b, '"');
        } else {
            mail_header_text(b, name, 76); /* always encoded words */
        }
        buf_puts(b, "\r\n ");
    }
    buf_printf(b, "<%s>\r\n", addr);
}

static void put_date(struct buf *b, long long when)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)when;
    struct tm tm;

    gmtime_r(&t, &tm);
    buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
               tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
               tm.tm_sec);
}

static int header_value_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

int mail_message_write(const struct mail_message *m, struct buf *out, struct err *e)
{
    char mixed[48], alt[48];
    unsigned char rnd[8];
    const struct mail_attachment *a = m->attachment;

    if (!mail_addr_ok(m->from_addr) || !mail_addr_ok(m->to_addr))
        return err_set(e, ERR_INVALID_FIELD, "email", "not a plain e-mail address");
    if (!header_value_ok(m->message_id) ||
        (a && (!header_value_ok(a->filename) || strchr(a->filename, '"'))))
        return err_set(e, ERR_INTERNAL, NULL, "a header value that is not plain");
    /* Boundaries cannot occur in base64 ("=_" never does). */
    randombytes_buf(rnd, sizeof rnd);
    snprintf(mixed, sizeof mixed, "=_saiets_m_%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0],
             rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    snprintf(alt, sizeof alt, "=_saiets_a_%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
             rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);

    put_mailbox(out, "From", m->from_name, m->from_addr);
    put_mailbox(out, "To", m->to_name, m->to_addr);
    buf_puts(out, "Subject: ");
    mail_header_text(out, m->subject, 9);
    buf_puts(out, "\r\n");
    put_date(out, m->date);
    buf_printf(out, "Message-ID: %s\r\n", m->message_id);
    if (m->attempt > 1)
        buf_printf(out, "X-Saiets-Attempt: %d\r\n", m->attempt);
    buf_puts(out, "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n");
    if (a)
        buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n",
                   mixed, mixed);
    if (m->html)
        buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n--%s\r\n",
                   alt, alt);
    buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n");
    put_text_body(out, m->text);
    if (m->html) {
        buf_printf(out, "--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
                        "Content-Transfer-Encoding: base64\r\n\r\n", alt);
        put_text_body(out, m->html);
        buf_printf(out, "--%s--\r\n", alt);
    }
    if (a) {
        buf_printf(out, "--%s\r\nContent-Type: %s; name=\"%s\"\r\n"
                        "Content-Disposition: attachment; filename=\"%s\"\r\n"
                        "Content-Transfer-Encoding: base64\r\n\r\n",
                   mixed, a->content_type, a->filename, a->filename);
        put_body(out, a->data, a->len);
        buf_printf(out, "--%s--\r\n", mixed);
    }
    if (!buf_ok(out))
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    return 0;
}
