#!/usr/bin/env python3
"""ical_check.py - read an iCalendar file with an independent parser, print its events.

    ical_check.py [--lenient] [FILE]      (FILE missing or "-": standard input)

Parses the calendar with the `icalendar` library (Debian: python3-icalendar),
not with libical, and prints a JSON list, one object per VEVENT in file order
(uid, summary and location are read by a small RFC 5545 line reader here,
because icalendar 4.0 alters some text; see event_texts):

    {"uid", "summary", "location", "start_utc", "end_utc", "start_local", "tzid"}

start_utc/end_utc are "YYYY-MM-DDTHH:MM:SSZ"; start_local is the wall time as
written, "YYYY-MM-DDTHH:MM" (":SS" added when not zero); tzid is DTSTART's TZID
parameter, or null for a UTC time; summary/location are null when absent.  An
event without DTEND ends at its DTSTART (or DTSTART + DURATION), as RFC 5545 says.

Wall times are turned into instants twice, and both must agree:
  * with the VTIMEZONE written in the calendar (which RFC 5545 makes
    authoritative), expanded here with dateutil's RRULE support; the printed
    instants come from this one;
  * with the tz database (Python's zoneinfo), when it knows the TZID.
Both follow RFC 5545 section 3.3.5: a repeated wall time means its first
occurrence; a skipped one is read with the offset in effect before the gap.
(icalendar 4.0's own VTIMEZONE reader rejects the UTC UNTIL that RFC 5545
requires in VTIMEZONE rules, and pytz picks the second of two repeated times,
hence the code below.)

Unless --lenient, the raw text must also be UTF-8 with CRLF line ends and
lines of at most 75 octets, none folded inside a UTF-8 character.

Exits 0 after printing, 1 with "ical_check: <reason>" on standard error when
the calendar does not parse or fails a check, 2 on a usage error or when the
icalendar module is missing.  Besides icalendar (and dateutil, which it
needs) only the standard library; no network.
"""

import datetime
import json
import re
import sys

try:
    import zoneinfo
except ImportError:  # Python < 3.9: no tz database cross-check
    zoneinfo = None

try:
    import dateutil.rrule
    import icalendar
except ImportError as exc:
    sys.stderr.write("ical_check: %s (Debian: apt-get install python3-icalendar)\n" % exc)
    sys.exit(2)

UTC = datetime.timezone.utc
ONE_DAY = datetime.timedelta(days=1)
# Rules without an end are expanded this far past the latest wall time asked for.
HORIZON_YEARS = 2


class CheckError(Exception):
    pass


def check_format(raw):
    """UTF-8, CRLF line ends, at most 75 octets a line, folds between characters."""
    if not raw.endswith(b"\r\n"):
        raise CheckError("the last line does not end with CRLF")
    lines = raw[:-2].split(b"\r\n")
    for num, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            raise CheckError("line %d: bare CR or LF" % num)
        if len(line) > 75:
            raise CheckError("line %d: %d octets, more than 75" % (num, len(line)))
        body = line[1:] if line[:1] in (b" ", b"\t") and num > 1 else line
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CheckError("line %d: not UTF-8 on its own (%s): a fold inside a "
                             "character, or bad bytes" % (num, exc.reason))


class VTimezone:
    """Offsets of one VTIMEZONE, from its STANDARD/DAYLIGHT observances."""

    def __init__(self, comp):
        self.tzid = str(comp["TZID"])
        self.comp = comp
        self.horizon = None
        self.transitions = []  # (utc onset, offset before, offset after), sorted
        self.first_offset = None

    def _expand(self, until_local):
        if self.horizon is not None and self.horizon >= until_local:
            return
        self.horizon = until_local + datetime.timedelta(days=366 * HORIZON_YEARS)
        trans = []
        earliest = None  # (utc onset, offset before it) of the first observance
        for sub in self.comp.subcomponents:
            if sub.name not in ("STANDARD", "DAYLIGHT"):
                continue
            try:
                start = sub["DTSTART"].dt
                off_from = sub["TZOFFSETFROM"].td
                off_to = sub["TZOFFSETTO"].td
            except KeyError as exc:
                raise CheckError("VTIMEZONE %s: %s missing" % (self.tzid, exc))
            if not isinstance(start, datetime.datetime) or start.tzinfo is not None:
                raise CheckError("VTIMEZONE %s: DTSTART must be a local date-time"
                                 % self.tzid)
            onsets = {start}
            if "RRULE" in sub:
                onsets.update(self._rrule(sub["RRULE"], start, off_from))
            rdates = sub.get("RDATE", [])
            for rdate in rdates if isinstance(rdates, list) else [rdates]:
                for leaf in rdate.dts:
                    onsets.add(self._local(leaf.dt, off_from))
            for local in onsets:
                if local <= self.horizon:
                    trans.append((local - off_from, off_from, off_to))
            if earliest is None or start - off_from < earliest[0]:
                earliest = (start - off_from, off_from)
        if earliest is None:
            raise CheckError("VTIMEZONE %s has no STANDARD or DAYLIGHT" % self.tzid)
        trans.sort(key=lambda t: t[0])
        self.transitions = trans
        self.first_offset = earliest[1]

    @staticmethod
    def _local(value, off_from):
        """An onset (RDATE or UNTIL) as naive local time before the change."""
        if isinstance(value, datetime.datetime):
            if value.tzinfo is not None:  # UTC, as RFC 5545 wants for UNTIL
                return value.astimezone(UTC).replace(tzinfo=None) + off_from
            return value
        return datetime.datetime.combine(value, datetime.time(23, 59, 59))

    def _rrule(self, recur, start, off_from):
        parts = dict(recur)
        until = parts.pop("UNTIL", None)
        text = icalendar.vRecur(parts).to_ical().decode("ascii")
        try:
            rule = dateutil.rrule.rrulestr(text, dtstart=start)
        except ValueError as exc:
            raise CheckError("VTIMEZONE %s: RRULE %s: %s" % (self.tzid, text, exc))
        last = self.horizon
        if until:
            last = min(last, self._local(until[0], off_from))
            rule = rule.replace(until=last)
        out = []
        for onset in rule:
            if onset > last:
                break
            out.append(onset)
        return out

    def offset_at(self, utc_naive):
        off = self.first_offset
        for onset, _before, after in self.transitions:
            if onset > utc_naive:
                break
            off = after
        return off

    def to_utc(self, wall):
        """RFC 5545 3.3.5: first of two repeated times; before-gap offset in a gap."""
        self._expand(wall + ONE_DAY)
        near = [t for t in self.transitions if abs(t[0] - wall) <= 3 * ONE_DAY]
        offsets = {self.offset_at(wall - 3 * ONE_DAY)} | {t[2] for t in near}
        valid = [wall - off for off in offsets if self.offset_at(wall - off) == off]
        if valid:
            return min(valid).replace(tzinfo=UTC)
        for onset, before, after in near:
            if onset + before <= wall < onset + after:
                return (wall - before).replace(tzinfo=UTC)
        raise CheckError("VTIMEZONE %s cannot place %s" % (self.tzid, wall))


def tzdb_to_utc(tzid, wall):
    """The tz database's instant (fold=0: RFC 5545's reading), or None."""
    if zoneinfo is None:
        return None
    try:
        zone = zoneinfo.ZoneInfo(tzid)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def fmt_utc(dt):
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_local(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S" if dt.second else "%Y-%m-%dT%H:%M")


def resolve(event, name, zones, uid):
    """(instant, naive wall time, tzid) of DTSTART or DTEND of event."""
    prop = event[name]
    value = prop.dt
    if not isinstance(value, datetime.datetime):
        raise CheckError("%s: %s is a date, not a date-time" % (uid, name))
    tzid = prop.params.get("TZID")
    # icalendar attaches a zone to the wall time as written (pytz localize):
    # dropping it gives that wall time back.
    wall = value.replace(tzinfo=None)
    if tzid is None:
        if value.tzinfo is None:
            raise CheckError("%s: %s is a floating time (no TZID, no Z)" % (uid, name))
        return value.astimezone(UTC), wall, None
    tzid = str(tzid)
    if tzid not in zones:
        raise CheckError("%s: %s uses TZID %s without a VTIMEZONE" % (uid, name, tzid))
    raw = wall.strftime("%Y%m%dT%H%M%S")
    mine = zones[tzid].to_utc(wall)
    tzdb = tzdb_to_utc(tzid, wall)
    if tzdb is not None and tzdb != mine:
        raise CheckError("%s: %s %s in %s: VTIMEZONE says %s, tz database says %s"
                         % (uid, name, raw, tzid, fmt_utc(mine), fmt_utc(tzdb)))
    return mine, wall, tzid


TEXT_PROPS = ("UID", "SUMMARY", "LOCATION")
TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")


def event_texts(raw):
    r"""UID, SUMMARY and LOCATION of each VEVENT, in file order, read here.

    icalendar 4.0 unescapes TEXT with chained str.replace (so "\\n", an
    escaped backslash before "n", comes back as a backslash and a newline),
    turns "%2C", "%3A", "%3B", "%5C" in any value into , : ; \ and unfolds
    after decoding.  This reads those three properties by RFC 5545 instead:
    unfold the octets, decode, split at the first ':' outside quotes,
    unescape in one pass.
    """
    text = re.sub(rb"\r?\n[ \t]", b"", raw).decode("utf-8", "replace")
    stack, out = [], []
    for line in re.split(r"\r?\n", text):
        quoted, colon = False, -1
        for i, ch in enumerate(line):
            if ch == '"':
                quoted = not quoted
            elif ch == ":" and not quoted:
                colon = i
                break
        if colon < 0:
            continue
        name = re.split(r"[;:]", line, 1)[0].upper()
        value = line[colon + 1:]
        if name == "BEGIN":
            stack.append(value.upper())
            if stack[-1] == "VEVENT":
                out.append({})
        elif name == "END":
            if stack:
                stack.pop()
        elif stack and stack[-1] == "VEVENT" and name in TEXT_PROPS:
            out[-1].setdefault(name, TEXT_ESCAPE.sub(
                lambda m: "\n" if m.group(1) in "nN" else m.group(1), value))
    return out


def check(raw, lenient=False):
    if not lenient:
        check_format(raw)
    try:
        cal = icalendar.Calendar.from_ical(raw)
    except Exception as exc:  # icalendar raises ValueError, KeyError, ...
        raise CheckError("parse error: %s: %s" % (type(exc).__name__, exc))
    if cal.name != "VCALENDAR":
        raise CheckError("top component is %s, not VCALENDAR" % cal.name)
    for comp in cal.walk():
        if comp.errors:
            raise CheckError("%s: %s" % (comp.name, comp.errors))
    for name in ("VERSION", "PRODID"):
        if name not in cal:
            raise CheckError("VCALENDAR without %s" % name)
    zones = {}
    for comp in cal.walk("VTIMEZONE"):
        zone = VTimezone(comp)
        if zone.tzid in zones:
            raise CheckError("two VTIMEZONEs with TZID %s" % zone.tzid)
        zones[zone.tzid] = zone
    events = cal.walk("VEVENT")
    texts = event_texts(raw)
    if len(texts) != len(events):
        raise CheckError("%d VEVENTs found by icalendar, %d by the line reader"
                         % (len(events), len(texts)))
    out = []
    for event, txt in zip(events, texts):
        uid = txt.get("UID")
        if uid is None:
            raise CheckError("VEVENT without UID")
        for name in ("DTSTAMP", "DTSTART"):
            if name not in event:
                raise CheckError("%s: no %s" % (uid, name))
        start, wall, tzid = resolve(event, "DTSTART", zones, uid)
        if "DTEND" in event:
            end = resolve(event, "DTEND", zones, uid)[0]
        elif "DURATION" in event:
            end = start + event["DURATION"].dt
        else:
            end = start
        if end < start:
            raise CheckError("%s: ends before it starts" % uid)
        out.append({
            "uid": uid,
            "summary": txt.get("SUMMARY"),
            "location": txt.get("LOCATION"),
            "start_utc": fmt_utc(start),
            "end_utc": fmt_utc(end),
            "start_local": fmt_local(wall),
            "tzid": tzid,
        })
    return out


def main(argv):
    args = argv[1:]
    lenient = "--lenient" in args
    args = [a for a in args if a != "--lenient"]
    if len(args) > 1 or any(a.startswith("--") for a in args):
        sys.stderr.write("usage: ical_check.py [--lenient] [FILE]\n")
        return 2
    try:
        if not args or args[0] == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(args[0], "rb") as f:
                raw = f.read()
    except OSError as exc:
        sys.stderr.write("ical_check: %s\n" % exc)
        return 1
    try:
        events = check(raw, lenient)
    except CheckError as exc:
        sys.stderr.write("ical_check: %s\n" % exc)
        return 1
    text = json.dumps(events, ensure_ascii=False, indent=1)
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.write(b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
