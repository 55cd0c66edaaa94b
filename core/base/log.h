/* log.h - one-line log messages on stderr with a UTC timestamp.
 * Thread-safe (each line is a single write). */
#ifndef SAIETS_LOG_H
#define SAIETS_LOG_H

void log_msg(const char *level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The request log: lines are gathered in memory by the loop thread and
 * written in bulk by log_flush() (a timer calls it ten times a second), so
 * that a busy server does not pay a write(2) per request.  Loop thread only. */
void log_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_flush(void);

#define log_info(...) log_msg("info", __VA_ARGS__)
#define log_warn(...) log_msg("warn", __VA_ARGS__)
#define log_error(...) log_msg("error", __VA_ARGS__)

#endif
