"""Reading calendars back with an independent parser (ical_check.py, on
python3-icalendar), for test modules that check .ics answers.

No test classes here: test modules import helpers, never each other."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ICAL_CHECK = os.path.join(HERE, "ical_check.py")
CHECK_TIMEOUT = 60

_python = []


def ical_python():
    """A Python interpreter that has the icalendar module: this one, or the
    first python3 on PATH that has it."""
    if _python:
        return _python[0]
    candidates = [sys.executable]
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if d:
            candidates.append(os.path.join(d, "python3"))
    seen = set()
    for c in candidates:
        if not (os.path.isfile(c) and os.access(c, os.X_OK)):
            continue
        real = os.path.realpath(c)
        if real in seen:
            continue
        seen.add(real)
        try:
            ok = subprocess.run([c, "-c", "import icalendar, dateutil"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=CHECK_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok.returncode == 0:
            _python.append(c)
            return c
    raise AssertionError("no python3 with the icalendar module (Debian: python3-icalendar)"
                         " to run ical_check.py")


def ical_events(raw, lenient=False):
    """Events of a calendar (bytes) as ical_check.py reads them (--lenient
    when lenient); raises AssertionError with its message if it refuses the
    calendar."""
    args = [ical_python(), ICAL_CHECK] + (["--lenient"] if lenient else []) + ["-"]
    proc = subprocess.run(args, input=raw, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=CHECK_TIMEOUT)
    if proc.returncode != 0:
        raise AssertionError("ical_check.py refused the calendar (exit %d): %s"
                             % (proc.returncode, proc.stderr.decode("utf-8", "replace")))
    return json.loads(proc.stdout.decode("utf-8"))
