/* timeutil.c - dates, RFC 3339 and zone names; see timeutil.h. */
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

static int digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 ? 28 + leap : dm[m - 1];
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
    if (digits(s, 4, y) || s[4] != '-' || digits(s + 5, 2, m) || s[7] != '-' ||
        digits(s + 8, 2, d))
        return -1;
    if (*y < 1900 || *y > 2999 || *m < 1 || *m > 12 || *d < 1 ||
        *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

int tu_parse_date(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) != 10)
        return -1;
    return parse_ymd(s, y, m, d);
}

/* Howard Hinnant's days_from_civil. */
long long tu_days_from_civil(int y, int m, int d)
{
    long long yy = y - (m <= 2);
    long long era = (yy >= 0 ? yy : yy - 399) / 400;
    long long yoe = yy - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

int tu_parse_rfc3339(const char *s, long long *out)
{
    int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 0;
    const char *p;

    if (strlen(s) < 17 || parse_ymd(s, &y, &mo, &d) < 0)
        return -1;
    if ((s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi))
        return -1;
    p = s + 16;
    if (*p == ':') {
        if (digits(p + 1, 2, &sec))
            return -1;
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return -1;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    if (h > 23 || mi > 59 || sec > 59)
        return -1;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) ||
            oh > 23 || om > 59)
            return -1;
        p += 6;
    } else {
        return -1;
    }
    if (*p != '\0')
        return -1;
    *out = tu_days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec -
           sign * (oh * 3600LL + om * 60LL);
    return 0;
}

/* Digits by hand: strftime cost some 1,400 instructions, and every
 * registration answer formats two of these. */
static char *put2(char *p, int v)
{
    *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

void tu_format_utc(long long t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    char *p = out;
    int y;

    if (gmtime_r(&tt, &tm) == NULL) {
        out[0] = '\0';
        return;
    }
    if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return;
    }
    y = tm.tm_year + 1900;
    p = put2(p, y / 100);
    p = put2(p, y % 100);
    *p++ = '-';
    p = put2(p, tm.tm_mon + 1);
    *p++ = '-';
    p = put2(p, tm.tm_mday);
    *p++ = 'T';
    p = put2(p, tm.tm_hour);
    *p++ = ':';
    p = put2(p, tm.tm_min);
    *p++ = ':';
    p = put2(p, tm.tm_sec);
    *p++ = 'Z';
    *p = '\0';
}

long long tu_now(void) { return (long long)time(NULL); }

double tu_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int tu_zone_known(const char *zone)
{
    UChar uz[128], canon[128];
    UErrorCode st = U_ZERO_ERROR;
    UBool system = 0;
    int32_t n = 0;

    if (strlen(zone) == 0 || strlen(zone) > 64)
        return 0;
    u_strFromUTF8(uz, 128, &n, zone, -1, &st);
    if (U_FAILURE(st))
        return 0;
    ucal_getCanonicalTimeZoneID(uz, n, canon, 128, &system, &st);
    return U_SUCCESS(st) && system;
}

int tu_parse_local(const char *s, int *y, int *mo, int *d, int *h, int *mi)
{
    if (strlen(s) != 16 || parse_ymd(s, y, mo, d) < 0 || s[10] != 'T' ||
        digits(s + 11, 2, h) || s[13] != ':' || digits(s + 14, 2, mi) ||
        *h > 23 || *mi > 59)
        return -1;
    return 0;
}

/* A calendar for zone (caller closes), or NULL. */
static UCalendar *zone_calendar(const char *zone)
{
    UChar uz[128];
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal;
    int32_t n = 0;

    if (!tu_zone_known(zone))
        return NULL;
    u_strFromUTF8(uz, 128, &n, zone, -1, &st);
    if (U_FAILURE(st))
        return NULL;
    cal = ucal_open(uz, n, "en_US_POSIX", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st)) {
        ucal_close(cal);
        return NULL;
    }
    return cal;
}

int tu_local_to_utc(const char *zone, const char *local, long long *out)
{
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal;
    UDate ms;
    int y, mo, d, h, mi;

    if (tu_parse_local(local, &y, &mo, &d, &h, &mi) < 0 || (cal = zone_calendar(zone)) == NULL)
        return -1;
    ucal_clear(cal);
    /* ICU reads a repeated wall time as the later instant by default; the
     * first is what organizers and calendar programs mean. (A skipped one
     * keeps ICU's default: the offset before the change.) */
    ucal_setAttribute(cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
    ucal_setDateTime(cal, y, mo - 1, d, h, mi, 0, &st);
    ms = ucal_getMillis(cal, &st);
    ucal_close(cal);
    if (U_FAILURE(st))
        return -1;
    *out = (long long)(ms / 1000.0);
    return 0;
}

int tu_utc_to_local(const char *zone, long long t, char out[17])
{
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal = zone_calendar(zone);
    int y, mo, d, h, mi;

    if (cal == NULL)
        return -1;
    ucal_setMillis(cal, (UDate)t * 1000.0, &st);
    y = ucal_get(cal, UCAL_YEAR, &st);
    mo = ucal_get(cal, UCAL_MONTH, &st) + 1;
    d = ucal_get(cal, UCAL_DATE, &st);
    h = ucal_get(cal, UCAL_HOUR_OF_DAY, &st);
    mi = ucal_get(cal, UCAL_MINUTE, &st);
    ucal_close(cal);
    if (U_FAILURE(st) || y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 ||
        d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
        return -1;
    snprintf(out, 17, "%04d-%02d-%02dT%02d:%02d", y % 10000, mo % 100, d % 100,
             h % 100, mi % 100);
    return 0;
}
