"""Reading calendars back with an independent parser (ical_check.py, on
python3-icalendar), for test modules that check .ics answers.

No test classes here: test modules import helpers, never each other."""

import json
import os
import subprocess
import sys

from harness import python_with

HERE = os.path.dirname(os.path.abspath(__file__))
ICAL_CHECK = os.path.join(HERE, "ical_check.py")
CHECK_TIMEOUT = 60

def ical_python():
    """A Python interpreter that has the icalendar module (Debian:
    python3-icalendar)."""
    return python_with("icalendar", "dateutil")


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
