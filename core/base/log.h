/* log.h - one-line log messages on stderr with a UTC timestamp.
 * Thread-safe (each line is a single write). */
#ifndef SAIETS_LOG_H
#define SAIETS_LOG_H

void log_msg(const char *level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The request log: lines are gathered in memory by the loop thread and
 * written in bulk by log_flush() (a timer calls it ten times a second), so
 * that a busy server does not pay a write(2) per request.  Loop thread only. */
/* Logs "METHOD URI STATUS D.DDms"; hundredths is the duration in hundredths
 * of a millisecond.  Control bytes and backslashes in the URI are written
 * as \xHH, so a request cannot forge a line or send a terminal escape. */
void log_request(const char *method, const char *uri, int status, long long hundredths);
void log_flush(void);

#define log_info(...) log_msg("info", __VA_ARGS__)
#define log_warn(...) log_msg("warn", __VA_ARGS__)
#define log_error(...) log_msg("error", __VA_ARGS__)

#endif
