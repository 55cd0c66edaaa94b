/* timeutil.h - calendar dates, RFC 3339 times and time zones.
 *
 * Pure functions on integers and strings (no global TZ state, so they are
 * safe on any thread); zone validation asks ICU. */
#ifndef SAIETS_TIMEUTIL_H
#define SAIETS_TIMEUTIL_H

/* 0 for a real calendar date "YYYY-MM-DD" (years 1900-2999), else -1. */
int tu_parse_date(const char *s, int *y, int *m, int *d);

/* Days since 1970-01-01 for a proleptic Gregorian date. */
long long tu_days_from_civil(int y, int m, int d);

/* "YYYY-MM-DDTHH:MM[:SS[.frac]](Z|+HH:MM|-HH:MM)" -> unix seconds. */
int tu_parse_rfc3339(const char *s, long long *out);

/* unix seconds -> "YYYY-MM-DDTHH:MM:SSZ"; out holds at least 21 bytes. */
void tu_format_utc(long long t, char out[32]);

/* Current unix time in seconds. */
long long tu_now(void);

/* Monotonic milliseconds, for durations. */
double tu_mono_ms(void);

/* 0 for a wall time "YYYY-MM-DDTHH:MM" (minutes only), else -1. */
int tu_parse_local(const char *s, int *y, int *mo, int *d, int *h, int *mi);

/* Wall time "YYYY-MM-DDTHH:MM" in zone -> unix seconds, with the zone's
 * rules of that date (ICU).  A time skipped by a spring-forward change is
 * read with the offset before the change; a repeated one (fall back) is
 * the first of the two.  0 or -1. */
int tu_local_to_utc(const char *zone, const char *local, long long *out);

/* unix seconds -> wall time "YYYY-MM-DDTHH:MM" in zone; 0 or -1. */
int tu_utc_to_local(const char *zone, long long t, char out[17]);

/* 1 when ICU knows the IANA zone name (e.g. "Europe/Riga"). */
int tu_zone_known(const char *zone);

#endif
