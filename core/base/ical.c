/* ical.c - iCalendar export with libical; see ical.h.
 *
 * Everything RFC 5545 asks of the text (escaping, folding at 75 octets,
 * CRLF) is done by libical's serialiser; this file only checks and cleans
 * the input, builds components and copies the time zone.  libical 3.0 folds
 * after the last ';', ':' or space that fits and otherwise steps back to a
 * byte that starts a UTF-8 character, so valid UTF-8 is never split: that
 * is why text is checked to be UTF-8 here (the unit test checks the fold).
 *
 * Must never: call libical without ical_lock held, pass libical a tzid that
 * could name a file outside the zone directory, or return libical-owned
 * memory. */
#include "ical.h"

#include "timeutil.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICAL_PRODID "-//Saiets//Saiets//EN"
#define ICAL_TZID_MAX 100
#define ICAL_TIME_MAX 253402300799LL /* 9999-12-31T23:59:59Z */
#define ICAL_NO_EVENT ((size_t)-1)    /* add_text() for a calendar property */

/* Held around every libical call: libical 3.0's builtin zone array, its
 * lazily loaded components and their cached transitions are shared,
 * unlocked process state, and so are the counters that every list it
 * allocates (each component and property) updates in pvl.c. */
static pthread_mutex_t ical_lock = PTHREAD_MUTEX_INITIALIZER;

static void set_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errsz == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

/* An IANA-style name: ASCII letters, digits, '_', '+', '-' in parts joined by
 * single '/'.  No '.', so libical, which opens <zone dir>/<tzid>, cannot be
 * led out of the zone directory. */
static int tzid_ok(const char *s)
{
    size_t i, len;

    if (s == NULL)
        return 0;
    len = strlen(s);
    if (len == 0 || len > ICAL_TZID_MAX || s[0] == '/' || s[len - 1] == '/')
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];

        if (c == '/') {
            if (s[i + 1] == '/')
                return 0;
        } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                     (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        unsigned char lo = p[0] == 0xE0 ? 0xA0 : 0x80;
        unsigned char hi = p[0] == 0xED ? 0x9F : 0xBF;

        return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        unsigned char lo = p[0] == 0xF0 ? 0x90 : 0x80;
        unsigned char hi = p[0] == 0xF4 ? 0x8F : 0xBF;

        return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
                       (p[3] & 0xC0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

/* A malloc'd copy of s fit for a TEXT value: CR LF and lone CR become LF
 * (libical writes LF as \n and would silently drop a CR), other C0 controls
 * but TAB, and DEL, are dropped.  NULL with *bad = 1 when s is not UTF-8,
 * NULL with *bad = 0 when out of memory. */
static char *clean_text(const char *s, int *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out, *q;

    *bad = 0;
    out = malloc(strlen(s) + 1);
    if (out == NULL)
        return NULL;
    q = out;
    while (*p != '\0') {
        size_t k = utf8_seq(p);

        if (k == 0) {
            free(out);
            *bad = 1;
            return NULL;
        }
        if (*p == '\r') {
            *q++ = '\n';
            p += p[1] == '\n' ? 2 : 1;
            continue;
        }
        if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7F) {
            p++;
            continue;
        }
        memcpy(q, p, k);
        q += k;
        p += k;
    }
    *q = '\0';
    return out;
}

/* Wall time "YYYY-MM-DDTHH:MM" as a floating icaltimetype (no zone: the
 * TZID parameter carries it). */
static int parse_local(const char *s, struct icaltimetype *t)
{
    char date[11];
    int y, mo, d;

    if (s == NULL || strlen(s) != 16 || s[10] != 'T' || s[13] != ':')
        return -1;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (tu_parse_date(date, &y, &mo, &d) != 0)
        return -1;
    if (s[11] < '0' || s[11] > '9' || s[12] < '0' || s[12] > '9' || s[14] < '0' ||
        s[14] > '9' || s[15] < '0' || s[15] > '9')
        return -1;
    *t = icaltime_null_time();
    t->year = y;
    t->month = mo;
    t->day = d;
    t->hour = (s[11] - '0') * 10 + (s[12] - '0');
    t->minute = (s[14] - '0') * 10 + (s[15] - '0');
    t->second = 0;
    t->is_date = 0;
    t->zone = NULL;
    return t->hour <= 23 && t->minute <= 59 ? 0 : -1;
}

static struct icaltimetype utc_time(long long v)
{
    return icaltime_from_timet_with_zone((time_t)v, 0, icaltimezone_get_utc_timezone());
}

/* Adds p to c; -1 when the constructor failed (out of memory). */
static int add_prop(icalcomponent *c, icalproperty *p)
{
    if (p == NULL)
        return -1;
    icalcomponent_add_property(c, p);
    return 0;
}

static icalproperty *new_x(const char *xname, const char *v)
{
    /* An X value is written with \\ and \n escaped and read back verbatim by
     * libical; a TEXT value on an X property would be split at commas. */
    icalproperty *p = icalproperty_new_x(v);

    if (p != NULL)
        icalproperty_set_x_name(p, xname);
    return p;
}

static icalproperty *new_calname(const char *v)
{
    return new_x("X-WR-CALNAME", v);
}

static icalproperty *new_caltz(const char *v)
{
    return new_x("X-WR-TIMEZONE", v);
}

/* Cleans s and adds mk(s) to c.  what and idx (the event's index, or
 * ICAL_NO_EVENT) name the field in errors. */
static int add_text(icalcomponent *c, icalproperty *(*mk)(const char *), const char *s,
                    const char *what, size_t idx, char *err, size_t errsz)
{
    char *clean;
    int bad, rc = -1;

    clean = clean_text(s, &bad);
    if (clean == NULL) {
        if (bad && idx == ICAL_NO_EVENT)
            set_err(err, errsz, "%s is not UTF-8", what);
        else if (bad)
            set_err(err, errsz, "event %zu: %s is not UTF-8", idx, what);
        else
            set_err(err, errsz, "out of memory");
        goto done;
    }
    if (add_prop(c, mk(clean)) != 0) {
        set_err(err, errsz, "out of memory");
        goto done;
    }
    rc = 0;
done:
    free(clean);
    return rc;
}

/* DTSTART/DTEND: the wall time with ;TZID=tzid. */
static int add_local_time(icalcomponent *c, int end, struct icaltimetype t,
                          const char *tzid)
{
    icalproperty *p = end ? icalproperty_new_dtend(t) : icalproperty_new_dtstart(t);
    icalparameter *param;

    if (p == NULL)
        return -1;
    param = icalparameter_new_tzid(tzid);
    if (param == NULL) {
        icalproperty_free(p);
        return -1;
    }
    icalproperty_add_parameter(p, param);
    icalcomponent_add_property(c, p);
    return 0;
}

static int present(const char *s)
{
    return s != NULL && s[0] != '\0';
}

/* The VTIMEZONE of tzid, owned by libical's cache, or NULL.  "UTC" and
 * "GMT" are libical's static zone, which has no component; the tz
 * database's Etc/UTC and Etc/GMT stand in for them.  ical_lock held. */
static icalcomponent *find_vtimezone(const char *tzid)
{
    icaltimezone *zone = icaltimezone_get_builtin_timezone(tzid);
    icalcomponent *vtz;
    char alt[ICAL_TZID_MAX + 8];

    if (zone == NULL)
        return NULL;
    /* get_component loads the zone; ask nothing else of it before. */
    vtz = icaltimezone_get_component(zone);
    if (vtz != NULL)
        return vtz;
    snprintf(alt, sizeof alt, "Etc/%s", tzid);
    zone = icaltimezone_get_builtin_timezone(alt);
    return zone != NULL ? icaltimezone_get_component(zone) : NULL;
}

/* A copy of the zone's VTIMEZONE whose TZID is tzid itself: libical names
 * its builtin zones "/<prefix>/Europe/Riga", which no client expects. */
static icalcomponent *copy_vtimezone(icalcomponent *vtz, const char *tzid)
{
    icalcomponent *copy = icalcomponent_new_clone(vtz);
    icalproperty *p;

    if (copy == NULL)
        return NULL;
    p = icalcomponent_get_first_property(copy, ICAL_TZID_PROPERTY);
    if (p != NULL) {
        icalproperty_set_tzid(p, tzid);
    } else if (add_prop(copy, icalproperty_new_tzid(tzid)) != 0) {
        icalcomponent_free(copy);
        return NULL;
    }
    return copy;
}

static int add_event(icalcomponent *cal, const struct ical_event *e, size_t idx,
                     const char *tzid, struct icaltimetype stamp, char *err, size_t errsz)
{
    icalcomponent *vev = NULL;
    struct icaltimetype start, end;
    int order, rc = -1;

    if (!present(e->uid) || e->summary == NULL) {
        set_err(err, errsz, "event %zu: uid and summary are required", idx);
        goto done;
    }
    if (parse_local(e->start_local, &start) != 0 ||
        parse_local(e->end_local, &end) != 0) {
        set_err(err, errsz, "event %zu: times must be YYYY-MM-DDTHH:MM", idx);
        goto done;
    }
    /* Wall times, compared as written: the fixed format sorts like time.
     * Not as instants: libical 3.0 reads a skipped or repeated wall time
     * with the later offset, where RFC 5545 3.3.5 takes the earlier. */
    order = strcmp(e->end_local, e->start_local);
    if (order < 0) {
        set_err(err, errsz, "event %zu: end before start", idx);
        goto done;
    }
    if (e->last_modified < 0 || e->last_modified > ICAL_TIME_MAX) {
        set_err(err, errsz, "event %zu: last_modified out of range", idx);
        goto done;
    }
    if (e->sequence < 0) {
        set_err(err, errsz, "event %zu: negative sequence", idx);
        goto done;
    }
    vev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    if (vev == NULL) {
        set_err(err, errsz, "out of memory");
        goto done;
    }
    if (add_text(vev, icalproperty_new_uid, e->uid, "uid", idx, err, errsz) != 0)
        goto done;
    if (add_prop(vev, icalproperty_new_dtstamp(stamp)) != 0 ||
        add_local_time(vev, 0, start, tzid) != 0 ||
        /* RFC 5545 wants DTEND later than DTSTART; an instant has none. */
        (order > 0 && add_local_time(vev, 1, end, tzid) != 0)) {
        set_err(err, errsz, "out of memory");
        goto done;
    }
    /* An empty TEXT value is legal, but libical's own parser drops it. */
    if (present(e->summary) &&
        add_text(vev, icalproperty_new_summary, e->summary, "summary", idx, err,
                 errsz) != 0)
        goto done;
    if (present(e->description) &&
        add_text(vev, icalproperty_new_description, e->description, "description",
                 idx, err, errsz) != 0)
        goto done;
    if (present(e->location) &&
        add_text(vev, icalproperty_new_location, e->location, "location", idx, err,
                 errsz) != 0)
        goto done;
    if (present(e->categories) &&
        add_text(vev, icalproperty_new_categories, e->categories, "categories", idx,
                 err, errsz) != 0)
        goto done;
    if ((e->last_modified > 0 &&
         add_prop(vev, icalproperty_new_lastmodified(utc_time(e->last_modified))) != 0) ||
        (e->sequence > 0 && add_prop(vev, icalproperty_new_sequence(e->sequence)) != 0)) {
        set_err(err, errsz, "out of memory");
        goto done;
    }
    icalcomponent_add_component(cal, vev);
    vev = NULL;
    rc = 0;
done:
    if (vev != NULL)
        icalcomponent_free(vev);
    return rc;
}

char *ical_calendar(const char *name, const char *tzid, const struct ical_event *ev,
                    size_t n, long long dtstamp, char *err, size_t errsz)
{
    icalcomponent *cal = NULL, *vtz, *copy = NULL;
    struct icaltimetype stamp;
    char *text = NULL, *out = NULL;
    int locked = 0;
    size_t i;

    set_err(err, errsz, "%s", "");
    if (name == NULL || (n > 0 && ev == NULL)) {
        set_err(err, errsz, "name and events are required");
        goto done;
    }
    if (!tzid_ok(tzid)) {
        set_err(err, errsz, "malformed time zone name");
        goto done;
    }
    if (dtstamp < 0 || dtstamp > ICAL_TIME_MAX) {
        set_err(err, errsz, "dtstamp out of range");
        goto done;
    }
    pthread_mutex_lock(&ical_lock);
    locked = 1;
    vtz = find_vtimezone(tzid);
    if (vtz == NULL) {
        set_err(err, errsz, "unknown time zone: %s", tzid);
        goto done;
    }
    copy = copy_vtimezone(vtz, tzid);
    cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    if (copy == NULL || cal == NULL) {
        set_err(err, errsz, "out of memory");
        goto done;
    }
    /* libical writes a component's properties before its components. */
    icalcomponent_add_component(cal, copy);
    copy = NULL;
    stamp = utc_time(dtstamp);
    if (add_prop(cal, icalproperty_new_prodid(ICAL_PRODID)) != 0 ||
        add_prop(cal, icalproperty_new_version("2.0")) != 0 ||
        add_prop(cal, icalproperty_new_calscale("GREGORIAN")) != 0 ||
        add_prop(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH)) != 0) {
        set_err(err, errsz, "out of memory");
        goto done;
    }
    if (present(name) &&
        add_text(cal, new_calname, name, "calendar name", ICAL_NO_EVENT, err, errsz) != 0)
        goto done;
    if (add_text(cal, new_caltz, tzid, "tzid", ICAL_NO_EVENT, err, errsz) != 0)
        goto done;
    for (i = 0; i < n; i++) {
        if (add_event(cal, &ev[i], i, tzid, stamp, err, errsz) != 0)
            goto done;
    }
    text = icalcomponent_as_ical_string_r(cal);
    if (text == NULL) {
        set_err(err, errsz, "out of memory");
        goto done;
    }
    /* Ours, not libical's allocator: the caller frees with free(). */
    out = strdup(text);
    if (out == NULL)
        set_err(err, errsz, "out of memory");
done:
    if (text != NULL)
        icalmemory_free_buffer(text);
    if (cal != NULL)
        icalcomponent_free(cal);
    if (copy != NULL)
        icalcomponent_free(copy);
    if (locked)
        pthread_mutex_unlock(&ical_lock);
    return out;
}

void ical_release(void)
{
    pthread_mutex_lock(&ical_lock);
    icaltimezone_free_builtin_timezones();
    icalmemory_free_ring();
    pthread_mutex_unlock(&ical_lock);
}
