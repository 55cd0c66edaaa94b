/* log.c - timestamped log lines on stderr; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

#define ACCESS_FLUSH_AT (64 * 1024)

static struct buf access_log = BUF_INIT;
static time_t access_sec = -1;
static char access_prefix[32]; /* "YYYY-MM-DDTHH:MM:SS" of access_sec */

void log_msg(const char *level, const char *fmt, ...)
{
    char line[1024];
    struct timeval tv;
    struct tm tm;
    va_list ap;
    int n;

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    n = (int)strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    n += snprintf(line + n, sizeof line - (size_t)n, ".%03dZ %s ",
                  (int)(tv.tv_usec / 1000), level);
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof line - 1)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* nowhere left to report it */
    }
}

/* Appends the decimal digits of v (>= 0) to *p. */
static char *put_uint(char *p, unsigned long long v)
{
    char tmp[24];
    int n = 0;

    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

/* The length of the UTF-8 character at s (2 to 4 bytes) when it may go
 * into the log as it is, else 0: not UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF), or a C1 control (U+0080-U+009F),
 * which some terminals obey as ESC sequences.  Reads no further than a
 * NUL (it is no continuation byte). */
static size_t utf8_printable_len(const unsigned char *s)
{
    static const unsigned long least[5] = {0, 0, 0xa0, 0x800, 0x10000};
    unsigned long cp;
    size_t n, i;

    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1fu;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, cp = s[0] & 0x0fu;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07u;
    else
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void log_request(const char *method, const char *uri, int status, long long hundredths)
{
    static const char hex[] = "0123456789abcdef";
    /* The URI is cut at 400 bytes (each may become 4, and a character
     * begun before the cut goes in whole): the line stays bounded
     * whatever the client sent. */
    char line[128 + 4 * (400 + 3)];
    char *p = line;
    struct timeval tv;
    struct tm tm;
    size_t i;
    int ms;

    /* Put together by hand: formatting it with printf cost more than
     * everything else a cached answer does in this file and the next. */
    gettimeofday(&tv, NULL);
    if (tv.tv_sec != access_sec) {
        access_sec = tv.tv_sec;
        gmtime_r(&tv.tv_sec, &tm);
        strftime(access_prefix, sizeof access_prefix, "%Y-%m-%dT%H:%M:%S", &tm);
    }
    ms = (int)(tv.tv_usec / 1000);
    *p++ = '.';
    *p++ = (char)('0' + ms / 100);
    *p++ = (char)('0' + ms / 10 % 10);
    *p++ = (char)('0' + ms % 10);
    memcpy(p, "Z info ", 7);
    p += 7;
    for (i = 0; method[i] && i < 16; i++)
        *p++ = method[i];
    *p++ = ' ';
    if (uri == NULL)
        uri = "";
    /* A client's bytes must not make a line of their own (CR, LF) or
     * drive the terminal that shows the log (ESC, C1): controls, invalid
     * UTF-8 and the backslash itself become \xNN; Latvian letters and
     * other printable UTF-8 stay readable. */
    for (i = 0; uri[i] && i < 400;) {
        unsigned char ch = (unsigned char)uri[i];
        size_t n = ch >= 0x80 ? utf8_printable_len((const unsigned char *)uri + i) : 0;

        if (n > 0) {
            memcpy(p, uri + i, n);
            p += n;
            i += n;
        } else if (ch < 0x20 || ch >= 0x7f || ch == '\\') {
            *p++ = '\\';
            *p++ = 'x';
            *p++ = hex[ch >> 4];
            *p++ = hex[ch & 15];
            i++;
        } else {
            *p++ = (char)ch;
            i++;
        }
    }
    if (uri[i] != '\0') { /* cut */
        memcpy(p, "...", 3);
        p += 3;
    }
    *p++ = ' ';
    p = put_uint(p, status < 0 ? 0u : (unsigned)status);
    *p++ = ' ';
    if (hundredths < 0)
        hundredths = 0;
    p = put_uint(p, (unsigned long long)hundredths / 100);
    *p++ = '.';
    *p++ = (char)('0' + hundredths / 10 % 10);
    *p++ = (char)('0' + hundredths % 10);
    memcpy(p, "ms\n", 3);
    p += 3;
    buf_puts(&access_log, access_prefix);
    buf_append(&access_log, line, (size_t)(p - line));
    if (access_log.len >= ACCESS_FLUSH_AT)
        log_flush();
}

void log_flush(void)
{
    size_t off = 0;

    while (off < access_log.len) {
        ssize_t w = write(STDERR_FILENO, access_log.data + off, access_log.len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    buf_reset(&access_log);
}
