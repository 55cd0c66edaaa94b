/* test_mail_message.c - unit tests for core/mail/mail_message.c (MIME
 * writer, RFC 2047 headers) and mail_render.c's template filling.
 *
 * Must never: let a CR or LF from a name or subject into the headers, write
 * an encoded word longer than RFC 2047's 75 characters or cut a UTF-8
 * character in two, or accept an address that could carry a second one. */
#include "mail_message.h"
#include "mail_render.h"

#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

/* The text the encoded words of a header value decode to (folding undone),
 * checking each word on the way. */
static void decode_words(const char *v, char *out, size_t n)
{
    size_t used = 0;

    out[0] = '\0';
    while (*v) {
        const char *start, *end;
        size_t len, bin_len;
        char word[200];

        while (*v == '\r' || *v == '\n' || *v == ' ')
            v++;
        if (*v == '\0')
            break;
        ck_assert_msg(strncmp(v, "=?UTF-8?B?", 10) == 0, "not an encoded word: [%s]", v);
        start = v + 10;
        end = strstr(start, "?=");
        ck_assert_ptr_nonnull(end);
        len = (size_t)(end + 2 - v);
        ck_assert_msg(len <= 75, "a word of %zu characters", len);
        memcpy(word, start, (size_t)(end - start));
        word[end - start] = '\0';
        ck_assert_int_eq(sodium_base642bin((unsigned char *)out + used, n - used - 1, word,
                                           strlen(word), NULL, &bin_len, NULL,
                                           sodium_base64_VARIANT_ORIGINAL), 0);
        /* each word is whole UTF-8: its first byte is not a continuation */
        ck_assert((((unsigned char)out[used]) & 0xC0) != 0x80);
        used += bin_len;
        out[used] = '\0';
        v = end + 2;
    }
}

START_TEST(test_header_ascii_stays)
{
    struct buf b = BUF_INIT;

    mail_header_text(&b, "Registration confirmed", 9);
    ck_assert_str_eq(buf_cstr(&b), "Registration confirmed");
    buf_free(&b);
}
END_TEST

START_TEST(test_header_latvian_encoded)
{
    const char *in = "Reģistrācija apstiprināta: Izglītības un kultūras tīkla sanāksme "
                     "Daugavpilī, ar garumzīmēm un mīkstinājuma zīmēm ģ ķ ļ ņ š ž";
    struct buf b = BUF_INIT;
    char out[600];

    mail_header_text(&b, in, 9);
    ck_assert(buf_ok(&b));
    ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "\r\n ")); /* folded */
    decode_words(buf_cstr(&b), out, sizeof out);
    ck_assert_str_eq(out, in);
    buf_free(&b);
}
END_TEST

START_TEST(test_header_controls_become_spaces)
{
    struct buf b = BUF_INIT;
    char out[200];

    mail_header_text(&b, "Jānis\r\nBcc: x@y.z", 4);
    ck_assert_ptr_null(strstr(buf_cstr(&b), "Bcc"));
    decode_words(buf_cstr(&b), out, sizeof out);
    ck_assert_str_eq(out, "Jānis  Bcc: x@y.z");
    buf_reset(&b);
    /* plain ASCII with a line break is encoded too, never written raw */
    mail_header_text(&b, "Hi\r\nBcc: x@y.z", 9);
    ck_assert_ptr_null(strstr(buf_cstr(&b), "\nBcc"));
    decode_words(buf_cstr(&b), out, sizeof out);
    ck_assert_str_eq(out, "Hi  Bcc: x@y.z");
    buf_reset(&b);
    /* what looks like an encoded word is not passed through as one */
    mail_header_text(&b, "=?UTF-8?B?QmNjOg==?=", 9);
    decode_words(buf_cstr(&b), out, sizeof out);
    ck_assert_str_eq(out, "=?UTF-8?B?QmNjOg==?=");
    buf_free(&b);
}
END_TEST

START_TEST(test_addr_ok)
{
    ck_assert(mail_addr_ok("ilze.berzina@example.lv"));
    ck_assert(mail_addr_ok("a+tag@x.lv"));
    ck_assert(!mail_addr_ok("a@x.lv\r\nRCPT TO:<b@y.lv>"));
    ck_assert(!mail_addr_ok("<a@x.lv>"));
    ck_assert(!mail_addr_ok("a b@x.lv"));
    ck_assert(!mail_addr_ok("a@x.lv,b@y.lv"));
    ck_assert(!mail_addr_ok("a@b@c"));
    ck_assert(!mail_addr_ok("@x.lv"));
    ck_assert(!mail_addr_ok("jānis@x.lv")); /* no SMTPUTF8 here */
}
END_TEST

static char *write(const struct mail_message *m)
{
    struct buf b = BUF_INIT;
    struct err e;
    char *s;

    err_clear(&e);
    ck_assert_int_eq(mail_message_write(m, &b, &e), 0);
    s = strdup(buf_cstr(&b));
    buf_free(&b);
    return s;
}

START_TEST(test_message_shape)
{
    struct mail_attachment att = {"programme.ics", "text/calendar; charset=UTF-8",
                                  "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 30};
    struct mail_message m = {.from_addr = "noreply@saiets.test", .from_name = "Saiets",
                             .to_addr = "ilze@example.lv", .to_name = "Ilze \"I\" Bērziņa",
                             .subject = "Sveiki", .text = "Rinda 1\nRinda 2\n",
                             .html = "<p>x</p>", .message_id = "<outbox-1-2@saiets.test>",
                             .date = 1446710400, .attempt = 2, .attachment = &att};
    char *s = write(&m), *head, *p;
    size_t line = 0;

    /* every line ends in CRLF and none is longer than 78 */
    for (p = s; *p; p++) {
        if (*p == '\n') {
            ck_assert(p > s && p[-1] == '\r');
            line = 0;
        } else {
            ck_assert_msg(++line <= 78, "a line longer than 78");
        }
    }
    head = strndup(s, (size_t)(strstr(s, "\r\n\r\n") - s));
    ck_assert_ptr_nonnull(strstr(head, "From: \"Saiets\"\r\n <noreply@saiets.test>"));
    ck_assert_ptr_nonnull(strstr(head, "To: =?UTF-8?B?"));
    ck_assert_ptr_nonnull(strstr(head, "Date: Thu, 05 Nov 2015 08:00:00 +0000"));
    ck_assert_ptr_nonnull(strstr(head, "Message-ID: <outbox-1-2@saiets.test>"));
    ck_assert_ptr_nonnull(strstr(head, "X-Saiets-Attempt: 2"));
    ck_assert_ptr_nonnull(strstr(head, "multipart/mixed"));
    ck_assert_ptr_nonnull(strstr(s, "multipart/alternative"));
    ck_assert_ptr_nonnull(strstr(s, "filename=\"programme.ics\""));
    /* "Rinda 1\r\nRinda 2\r\n" in base64 */
    ck_assert_ptr_nonnull(strstr(s, "UmluZGEgMQ0KUmluZGEgMg0K"));
    free(head);
    free(s);
}
END_TEST

START_TEST(test_plain_only_and_first_attempt)
{
    struct mail_message m = {.from_addr = "a@b.lv", .to_addr = "c@d.lv", .subject = "S",
                             .text = "t", .message_id = "<x@y>", .date = 0, .attempt = 1};
    char *s = write(&m);

    ck_assert_ptr_null(strstr(s, "multipart"));
    ck_assert_ptr_null(strstr(s, "X-Saiets-Attempt"));
    ck_assert_ptr_nonnull(strstr(s, "To: <c@d.lv>\r\n"));
    free(s);
}
END_TEST

START_TEST(test_bad_address_refused)
{
    struct mail_message m = {.from_addr = "a@b.lv", .to_addr = "c@d.lv>\r\nBcc: <e@f.lv",
                             .subject = "S", .text = "t", .message_id = "<x@y>"};
    struct buf b = BUF_INIT;
    struct err e;

    err_clear(&e);
    ck_assert_int_eq(mail_message_write(&m, &b, &e), -1);
    buf_free(&b);
}
END_TEST

START_TEST(test_fill)
{
    const char *kv[] = {"name", "<Ilze>", "n", "3", NULL};
    struct buf b = BUF_INIT;

    mail_fill(&b, "Labdien, {name}! {n}. vieta {unknown} {", kv, 0);
    ck_assert_str_eq(buf_cstr(&b), "Labdien, <Ilze>! 3. vieta {unknown} {");
    buf_reset(&b);
    mail_fill(&b, "<b>{name}</b>", kv, 1);
    ck_assert_str_eq(buf_cstr(&b), "&lt;b&gt;&lt;Ilze&gt;&lt;/b&gt;");
    buf_free(&b);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("mail_message");
    TCase *tc = tcase_create("mail_message");

    tcase_add_test(tc, test_header_ascii_stays);
    tcase_add_test(tc, test_header_latvian_encoded);
    tcase_add_test(tc, test_header_controls_become_spaces);
    tcase_add_test(tc, test_addr_ok);
    tcase_add_test(tc, test_message_shape);
    tcase_add_test(tc, test_plain_only_and_first_attempt);
    tcase_add_test(tc, test_bad_address_refused);
    tcase_add_test(tc, test_fill);
    suite_add_tcase(s, tc);
    return s;
}
