/* log.c - timestamped log lines on stderr; see log.h. */
#include "log.h"

#include <stdarg.h>
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

void log_access(const char *fmt, ...)
{
    struct timeval tv;
    struct tm tm;
    va_list ap;
    char line[512];
    int n;

    gettimeofday(&tv, NULL);
    if (tv.tv_sec != access_sec) {
        access_sec = tv.tv_sec;
        gmtime_r(&tv.tv_sec, &tm);
        strftime(access_prefix, sizeof access_prefix, "%Y-%m-%dT%H:%M:%S", &tm);
    }
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    /* "PREFIX.mmmZ info LINE\n" put together by hand: one vsnprintf per
     * request instead of three (buf_printf formats twice, to measure). */
    if (n > (int)sizeof line - 1)
        n = (int)sizeof line - 1;
    line[n++] = '\n';
    {
        int ms = (int)(tv.tv_usec / 1000);
        char stamp[] = ".000Z info ";

        stamp[1] = (char)('0' + ms / 100);
        stamp[2] = (char)('0' + ms / 10 % 10);
        stamp[3] = (char)('0' + ms % 10);
        buf_puts(&access_log, access_prefix);
        buf_append(&access_log, stamp, sizeof stamp - 1);
        buf_append(&access_log, line, (size_t)n);
    }
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
