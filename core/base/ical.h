/* ical.h - iCalendar (RFC 5545) export of agenda items, written with libical.
 *
 * Builds a whole VCALENDAR with libical's component API and lets libical
 * escape, fold and serialise it; the VTIMEZONE comes from libical's builtin
 * zones, which on Debian are read from the system tz database (tzdata).
 * Depends on libical 3.0 and timeutil.  Must never: write text that is not
 * UTF-8, fold a line inside a UTF-8 character, read the clock (the output is
 * a function of the arguments and the installed tzdata only), or open a file
 * named by an unchecked tzid.
 *
 * Threads: libical 3.0 keeps process-global state without locks: its
 * builtin time-zone cache (zone list, loaded VTIMEZONEs, expanded
 * transitions) and allocation counters that every component and property
 * updates.  ical_calendar() and ical_release() do all their libical work
 * under one module mutex, so they are safe on any thread provided nothing
 * else in the process calls libical at the same time.  The server calls
 * them on its loop thread only.
 *
 * Known limit (libical 3.0, not this file): libical turns the tz database's
 * transitions into RRULEs by guessing patterns, and gets some irregular
 * years wrong: Europe/Riga and other ex-Soviet zones from October 1982 to
 * March 1983, Europe/London in 1977-78, America/Sao_Paulo in 2014; 69 of
 * the 312 zones of zone1970.tab somewhere between 1970 and 2040.  Sampled
 * every few days, Europe/Riga agrees with the tz database from 1984 to
 * 2100.  tests/e2e/ical_check.py compares every time it reads with the tz
 * database and fails on a difference. */
#ifndef SAIETS_ICAL_H
#define SAIETS_ICAL_H

#include <stddef.h>

struct ical_event {
    const char *uid;          /* stable, e.g. "agenda-17@saiets"; not empty */
    const char *start_local;  /* "YYYY-MM-DDTHH:MM" wall time in tzid */
    const char *end_local;    /* same form, not earlier on the wall clock;
                                 equal to start_local: no DTEND (an instant) */
    const char *summary;      /* not NULL; "": no SUMMARY */
    const char *description;  /* NULL or "": omitted */
    const char *location;     /* NULL or "": omitted; venue name and address */
    const char *categories;   /* NULL or "": omitted; commas separate categories */
    long long last_modified;  /* unix seconds, 0 = none */
    int sequence;             /* revision, >= 0; 0 is not written (the default) */
};

/* A VCALENDAR (PRODID "-//Saiets//Saiets//EN", VERSION 2.0, CALSCALE GREGORIAN,
 * METHOD PUBLISH, X-WR-CALNAME name (left out when ""), X-WR-TIMEZONE tzid)
 * with the VTIMEZONE of tzid (its TZID set to tzid itself, e.g. "Europe/Riga",
 * its observances the whole history of the zone in the tz database) and one
 * VEVENT per event, in order: UID, DTSTAMP (dtstamp, UTC), DTSTART and DTEND
 * with ;TZID=tzid, SUMMARY, DESCRIPTION, LOCATION, CATEGORIES, LAST-MODIFIED
 * (UTC), SEQUENCE.  Lines end in CRLF and are folded by libical at 75 octets.
 * "UTC" and "GMT" are written with the tz database's Etc/UTC and Etc/GMT.
 *
 * Text must be UTF-8; CR LF and lone CR become LF (written as \n), other
 * control characters but TAB are dropped, since RFC 5545 TEXT cannot carry
 * them.  Refused, with a message in err (when errsz > 0): an unknown or
 * malformed tzid, text that is not UTF-8, a missing uid/summary/time, a
 * malformed time, an end before its start, a time stamp outside 1970-9999.
 *
 * Returns a malloc'd NUL-terminated string (caller frees) or NULL. */
char *ical_calendar(const char *name, const char *tzid, const struct ical_event *ev,
                    size_t n, long long dtstamp, char *err, size_t errsz);

/* Frees libical's builtin time-zone cache and this thread's libical scratch
 * ring.  For clean exits (valgrind, tests); ical_calendar() still works after
 * it and reloads what it needs.  Same threading rule as ical_calendar(). */
void ical_release(void);

#endif
