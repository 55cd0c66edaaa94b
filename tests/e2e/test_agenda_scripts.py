"""Agenda scripts (Lua, docs/agenda-scripts.md) over HTTP and the command line:
dry run and apply, idempotence, changes matched by key, what a script may not
touch, the sandbox (loops, os/io, memory, bytecode, errors with their line),
limits, and the demo programme (scripts/daugavpils-2015.lua)."""

import os
import re
import time
import unittest

from harness import DEMO_MEETING, SaietsTestCase, run_cli
from helpers_agenda import AgendaMixin

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DEMO_SCRIPT = os.path.join(REPO, "scripts", "daugavpils-2015.lua")
DEMO_NAME = "daugavpils-2015"
DEMO_ITEMS = 26        # docs/agenda-scripts.md: 26 items, 7 venues, 11 travel times
DEMO_VENUES = 7

SCRIPT_MAX = 256 * 1024
HEALTH_WITHIN = 2.0    # seconds the server may take to answer /health after a bad script
SCRIPT_WITHIN = 10.0   # seconds a runaway script may take to be stopped


def base_script(visit_at="09:00", with_break=True, extra=""):
    """Two venues, a travel time, three plenary items on 5 Nov (the break
    optional) and one site visit on 6 Nov."""
    lines = [
        'local HALL = venue "Domes zāle" { kind = "hall", capacity = 120 }',
        'local SCHOOL = venue "Saules skola" { kind = "school", capacity = 150 }',
        'travel(HALL, SCHOOL, 15)',
        '',
        'day "2015-11-05"',
        'at "10:00" { kind = "opening", title = "Atklāšana", minutes = 15, venue = HALL,',
        '             speakers = { { name = "Dace Ozoliņa", role = "koordinatore" } } }',
        'after { kind = "talk", title = "Pilsētas prezentācija", minutes = 25, venue = HALL }',
    ]
    if with_break:
        lines.append('after { kind = "break", title = "Kafijas pauze", minutes = 20, '
                     'venue = HALL }')
    lines += [
        '',
        'day "2015-11-06"',
        'at "%s" { kind = "site_visit", title = "Vizīte skolā", minutes = 60, '
        'venue = SCHOOL, expected_attendance = 18 }' % visit_at,
    ]
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"


class ScriptTestCase(AgendaMixin, SaietsTestCase):

    def run_script(self, mid, code, name="t", apply=False, token=None, query=None):
        q = query if query is not None else "?name=%s&apply=%d" % (name, 1 if apply else 0)
        path = self.agenda_path(mid, "/scripts" + q)
        raw = code.encode("utf-8") if isinstance(code, str) else code
        return self.req("POST", path, raw=raw, token=self.org if token is None else token,
                        headers={"Content-Type": "text/plain; charset=utf-8"})

    def script_ok(self, mid, code, name="t", apply=False):
        r = self.run_script(mid, code, name=name, apply=apply)
        self.assertEqual(r.status, 200, "script %s: %r" % (name, r.body))
        self.assertJson(r)
        d = r.body
        for key in ("added", "changed", "removed", "venues_added", "problems"):
            self.assertIsInstance(d.get(key), list, "%s in %r" % (key, d))
        self.assertIsInstance(d.get("unchanged"), int, d)
        self.assertIs(d.get("applied"), bool(apply), d)
        self.assertEqual(d.get("script"), name, d)
        return d

    def counts(self, d):
        return (len(d["added"]), len(d["changed"]), len(d["removed"]), d["unchanged"])

    def snapshot(self, mid):
        """Everything a script could change: the agenda and every venue with its
        travel times."""
        venues = []
        for v in sorted(self.req("GET", "/api/v1/venues").body["venues"],
                        key=lambda v: v["id"]):
            venues.append(self.req("GET", "/api/v1/venues/%d" % v["id"]).body)
        return {"agenda": self.get_agenda(mid), "venues": venues}

    def assertHealthyQuickly(self):
        t0 = time.monotonic()
        r = self.req("GET", "/api/v1/health", timeout=HEALTH_WITHIN + 3)
        took = time.monotonic() - t0
        self.assertEqual(r.status, 200, r.body)
        self.assertLess(took, HEALTH_WITHIN, "/health took %.2f s after a bad script" % took)

    def assertNamesLine(self, message, line, name="t"):
        self.assertTrue(re.search(r"(^|[^0-9]):%d(:|$|[^0-9])" % line, message)
                        or re.search(r"\bline %d\b" % line, message),
                        "the message should name line %d: %r" % (line, message))
        self.assertIn(name, message, "the message should name the script")


class DryRunApplyTest(ScriptTestCase):

    def setUp(self):
        super().setUp()
        self.mid = self.agenda_meeting()["id"]

    def test_dry_run_changes_nothing_and_answers_the_diff(self):
        before = self.snapshot(self.mid)
        etag = self.req("GET", self.agenda_path(self.mid)).headers.get("ETag")
        d = self.script_ok(self.mid, base_script(), apply=False)
        self.assertEqual(self.counts(d), (4, 0, 0, 0))
        self.assertEqual(sorted(d["venues_added"]), ["Domes zāle", "Saules skola"])
        titles = sorted(a["item"]["title"] for a in d["added"])
        self.assertEqual(titles, sorted(["Atklāšana", "Pilsētas prezentācija",
                                         "Kafijas pauze", "Vizīte skolā"]))
        for a in d["added"]:
            self.assertIsInstance(a.get("key"), str, a)
            self.assertTrue(a["key"], a)
            self.assertIsInstance(a.get("id"), int, a)
        self.assertEqual(len({a["key"] for a in d["added"]}), 4)
        self.assertEqual(self.snapshot(self.mid), before)
        r = self.req("GET", self.agenda_path(self.mid), headers={"If-None-Match": etag})
        if r.status == 200:   # a new ETag is allowed; a changed agenda is not
            self.assertEqual(r.body, before["agenda"])

    def test_dry_run_times_are_computed(self):
        d = self.script_ok(self.mid, base_script())
        by_title = {a["item"]["title"]: a["item"] for a in d["added"]}
        self.assertEqual((by_title["Atklāšana"]["starts_at"], by_title["Atklāšana"]["ends_at"]),
                         ("2015-11-05T10:00", "2015-11-05T10:15"))
        self.assertEqual(by_title["Pilsētas prezentācija"]["starts_at"], "2015-11-05T10:15")
        self.assertEqual(by_title["Kafijas pauze"]["ends_at"], "2015-11-05T11:00")
        self.assertEqual(by_title["Vizīte skolā"]["starts_at"], "2015-11-06T09:00")

    def test_apply_adds(self):
        dry = self.script_ok(self.mid, base_script(), apply=False)
        d = self.script_ok(self.mid, base_script(), apply=True)
        self.assertEqual(self.counts(d), (4, 0, 0, 0))
        items = self.agenda_items(self.mid)
        self.assertEqual(len(items), 4)
        self.assertEqual({i["source"] for i in items}, {"script:t"})
        self.assertEqual(sorted(i["id"] for i in items), sorted(a["id"] for a in d["added"]))
        # a dry run shows the ids the items would get
        self.assertEqual(sorted((a["key"], a["id"]) for a in dry["added"]),
                         sorted((a["key"], a["id"]) for a in d["added"]))
        by_title = {i["title"]: i for i in items}
        opening = by_title["Atklāšana"]
        self.assertEqual((opening["starts_at"], opening["starts_at_utc"]),
                         ("2015-11-05T10:00", "2015-11-05T08:00:00Z"))
        self.assertEqual(opening["kind"], "opening")
        self.assertEqual(opening["venue_name"], "Domes zāle")
        self.assertEqual(opening["speakers"][0]["name"], "Dace Ozoliņa")
        visit = by_title["Vizīte skolā"]
        self.assertEqual((visit["starts_at_utc"], visit["ends_at_utc"]),
                         ("2015-11-06T07:00:00Z", "2015-11-06T08:00:00Z"))
        self.assertEqual(visit["expected_attendance"], 18)

    def test_apply_creates_venues_and_travel(self):
        self.script_ok(self.mid, base_script(), apply=True)
        venues = {v["name"]: v for v in self.req("GET", "/api/v1/venues").body["venues"]}
        self.assertEqual(set(venues), {"Domes zāle", "Saules skola"})
        hall, school = venues["Domes zāle"], venues["Saules skola"]
        self.assertEqual((hall["kind"], hall["capacity"]), ("hall", 120))
        self.assertEqual((school["kind"], school["capacity"]), ("school", 150))
        travel = self.req("GET", "/api/v1/venues/%d" % hall["id"]).body["travel"]
        self.assertEqual(travel, [{"to": school["id"], "minutes": 15}])
        travel = self.req("GET", "/api/v1/venues/%d" % school["id"]).body["travel"]
        self.assertEqual(travel, [{"to": hall["id"], "minutes": 15}])

    def test_apply_again_is_idempotent(self):
        self.script_ok(self.mid, base_script(), apply=True)
        before = self.snapshot(self.mid)
        for apply in (False, True):
            with self.subTest(apply=apply):
                d = self.script_ok(self.mid, base_script(), apply=apply)
                self.assertEqual(self.counts(d), (0, 0, 0, 4))
                self.assertEqual(d["venues_added"], [])
                self.assertEqual(self.snapshot(self.mid), before)

    def test_changed_time_is_one_change_with_the_same_id(self):
        first = self.script_ok(self.mid, base_script(), apply=True)
        visit_id = [a["id"] for a in first["added"] if a["item"]["title"] == "Vizīte skolā"][0]
        d = self.script_ok(self.mid, base_script(visit_at="09:30"), apply=True)
        self.assertEqual(self.counts(d), (0, 1, 0, 3))
        ch = d["changed"][0]
        self.assertEqual(ch["id"], visit_id)
        self.assertEqual(ch["before"]["starts_at"], "2015-11-06T09:00")
        self.assertEqual(ch["after"]["starts_at"], "2015-11-06T09:30")
        self.assertEqual(ch["after"]["ends_at"], "2015-11-06T10:30")
        r = self.req("GET", self.item_path(self.mid, visit_id))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.body["starts_at"], r.body["starts_at_utc"]),
                         ("2015-11-06T09:30", "2015-11-06T07:30:00Z"))
        self.assertEqual(len(self.agenda_items(self.mid)), 4)

    def test_dry_run_of_a_change_changes_nothing(self):
        self.script_ok(self.mid, base_script(), apply=True)
        before = self.snapshot(self.mid)
        d = self.script_ok(self.mid, base_script(visit_at="09:30"), apply=False)
        self.assertEqual(self.counts(d), (0, 1, 0, 3))
        self.assertEqual(self.snapshot(self.mid), before)

    def test_item_left_out_is_removed(self):
        first = self.script_ok(self.mid, base_script(), apply=True)
        break_id = [a["id"] for a in first["added"] if a["item"]["title"] == "Kafijas pauze"][0]
        d = self.script_ok(self.mid, base_script(with_break=False), apply=True)
        self.assertEqual(self.counts(d), (0, 0, 1, 3))
        self.assertEqual(d["removed"][0]["id"], break_id)
        self.assertEqual(d["removed"][0]["item"]["title"], "Kafijas pauze")
        self.assertError(self.req("GET", self.item_path(self.mid, break_id)), 404, "not_found")
        self.assertEqual(sorted(i["title"] for i in self.agenda_items(self.mid)),
                         sorted(["Atklāšana", "Pilsētas prezentācija", "Vizīte skolā"]))

    def test_hand_made_and_other_scripts_items_untouched(self):
        hand = self.add_item(self.mid, title="Atklāšana", kind="other", track="Rokām",
                             starts_at="2015-11-05T10:00", ends_at="2015-11-05T10:15")
        other = self.script_ok(self.mid, base_script(), name="cits", apply=True)
        self.assertEqual(len(other["added"]), 4)
        mine = self.script_ok(self.mid, base_script(), name="mans", apply=True)
        # same titles, same keys, but another script's items are not its own
        self.assertEqual(self.counts(mine), (4, 0, 0, 0))
        self.assertEqual(len(self.agenda_items(self.mid)), 9)
        keep = [i for i in self.agenda_items(self.mid) if i["source"] != "script:mans"]
        # "mans" now declares a single item: only its own three others go
        d = self.script_ok(self.mid, 'day "2015-11-05"\n'
                           'at "16:00" { kind = "meal", title = "Vakariņas", minutes = 60 }\n',
                           name="mans", apply=True)
        self.assertEqual(self.counts(d), (1, 0, 4, 0))
        self.assertEqual({x["id"] for x in d["removed"]}, {a["id"] for a in mine["added"]})
        now = self.agenda_items(self.mid)
        self.assertEqual([i for i in now if i["source"] != "script:mans"], keep)
        self.assertIn(hand, now)
        self.assertEqual({i["source"] for i in now},
                         {"organizer", "script:cits", "script:mans"})

    def test_same_name_in_another_meeting_untouched(self):
        other = self.agenda_meeting()["id"]
        theirs = self.script_ok(other, base_script(), name="t", apply=True)
        before = self.get_agenda(other)
        d = self.script_ok(self.mid, 'day "2015-11-05"\n'
                           'at "16:00" { kind = "meal", title = "Vakariņas", minutes = 60 }\n',
                           name="t", apply=True)
        self.assertEqual(self.counts(d), (1, 0, 0, 0))
        self.assertEqual(self.get_agenda(other), before)
        self.assertEqual(len(theirs["added"]), 4)

    def test_item_deleted_by_hand_comes_back(self):
        first = self.script_ok(self.mid, base_script(), apply=True)
        gone = [a for a in first["added"] if a["item"]["title"] == "Kafijas pauze"][0]
        r = self.req("DELETE", self.item_path(self.mid, gone["id"]), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        d = self.script_ok(self.mid, base_script(), apply=True)
        self.assertEqual(self.counts(d), (1, 0, 0, 3))
        self.assertEqual(d["added"][0]["item"]["title"], "Kafijas pauze")
        self.assertEqual(len(self.agenda_items(self.mid)), 4)

    def test_hand_edit_of_a_script_item_is_put_back(self):
        first = self.script_ok(self.mid, base_script(), apply=True)
        opening = [a for a in first["added"] if a["item"]["title"] == "Atklāšana"][0]
        r = self.req("PATCH", self.item_path(self.mid, opening["id"]),
                     {"starts_at": "2015-11-05T09:50"}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        d = self.script_ok(self.mid, base_script(), apply=True)
        self.assertEqual(self.counts(d), (0, 1, 0, 3))
        self.assertEqual(d["changed"][0]["id"], opening["id"])
        got = self.req("GET", self.item_path(self.mid, opening["id"])).body
        self.assertEqual(got["starts_at"], "2015-11-05T10:00")

    def test_existing_venue_left_as_it_is(self):
        hall = self.make_venue("Domes zāle", kind="hall", capacity=99)
        d = self.script_ok(self.mid, base_script(), apply=True)
        self.assertEqual(d["venues_added"], ["Saules skola"])
        got = self.req("GET", "/api/v1/venues/%d" % hall["id"]).body
        self.assertEqual(got["capacity"], 99)
        opening = [i for i in self.agenda_items(self.mid) if i["title"] == "Atklāšana"][0]
        self.assertEqual(opening["venue_id"], hall["id"])

    def test_existing_venue_matched_case_insensitively(self):
        hall = self.make_venue("DOMES ZĀLE", kind="hall", capacity=99)
        d = self.script_ok(self.mid, base_script(), apply=True)
        self.assertEqual(d["venues_added"], ["Saules skola"])
        opening = [i for i in self.agenda_items(self.mid) if i["title"] == "Atklāšana"][0]
        self.assertEqual(opening["venue_id"], hall["id"])
        self.assertEqual(len(self.req("GET", "/api/v1/venues").body["venues"]), 2)

    def test_existing_travel_time_set_by_the_script(self):
        d = self.script_ok(self.mid, base_script(), apply=True)
        venues = {v["name"]: v["id"] for v in self.req("GET", "/api/v1/venues").body["venues"]}
        r = self.set_travel(venues["Domes zāle"], venues["Saules skola"], 40)
        self.assertEqual(r.status, 200, r.body)
        d = self.script_ok(self.mid, base_script(), apply=True)
        self.assertEqual(self.counts(d), (0, 0, 0, 4))
        travel = self.req("GET", "/api/v1/venues/%d" % venues["Domes zāle"]).body["travel"]
        self.assertEqual([t["minutes"] for t in travel], [15],
                         "the script's travel time is the script's to set")

    def test_default_name_is_script(self):
        r = self.run_script(self.mid, base_script(), query="?apply=1")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body.get("script"), "script")
        self.assertEqual({i["source"] for i in self.agenda_items(self.mid)},
                         {"script:script"})

    def test_without_apply_is_a_dry_run(self):
        r = self.run_script(self.mid, base_script(), query="?name=t")
        self.assertEqual(r.status, 200, r.body)
        self.assertIs(r.body.get("applied"), False)
        self.assertEqual(self.agenda_items(self.mid), [])

    def test_problems_shown_and_do_not_block(self):
        clash = ('at "10:05" { kind = "talk", title = "Paralēli", minutes = 20, '
                 'venue = HALL, track = "B", day = "2015-11-05" }')
        d = self.script_ok(self.mid, base_script(extra=clash), apply=False)
        self.assertIn("venue_double_booked", [p["code"] for p in d["problems"]])
        self.assertEqual(self.agenda_items(self.mid), [])
        d = self.script_ok(self.mid, base_script(extra=clash), apply=True)
        self.assertIn("venue_double_booked", [p["code"] for p in d["problems"]])
        self.assertEqual(len(self.agenda_items(self.mid)), 5)
        self.assertIn("venue_double_booked",
                      [p["code"] for p in self.get_problems(self.mid)])

    def test_clean_script_has_no_problems(self):
        d = self.script_ok(self.mid, base_script(), apply=True)
        self.assertEqual(d["problems"], [])
        self.assertEqual(self.get_problems(self.mid), [])

    def test_item_outside_the_meeting_refused(self):
        code = base_script(extra='day "2015-11-09"\nat "10:00" { kind = "talk", '
                                 'title = "Par vēlu", minutes = 30 }')
        before = self.snapshot(self.mid)
        r = self.run_script(self.mid, code, apply=True)
        self.assertError(r, 422, "script_error")
        self.assertEqual(self.snapshot(self.mid), before)

    def test_a_dsl_rule_broken_names_its_line(self):
        code = base_script(extra='at "12:00" { kind = "speech", title = "Runa", minutes = 5 }')
        line = code.count("\n")
        r = self.run_script(self.mid, code, apply=True)
        self.assertError(r, 422, "script_error")
        self.assertNamesLine(r.body["error"]["message"], line)
        self.assertEqual(self.agenda_items(self.mid), [])

    def test_unknown_meeting_404(self):
        r = self.run_script(999999, base_script(), apply=True)
        self.assertError(r, 404, "not_found")


class AccessAndLimitsTest(ScriptTestCase):

    def setUp(self):
        super().setUp()
        self.mid = self.agenda_meeting()["id"]

    def test_without_token_401(self):
        for apply in (False, True):
            with self.subTest(apply=apply):
                r = self.req("POST", self.agenda_path(self.mid, "/scripts?name=t&apply=%d"
                                                      % apply), raw=base_script())
                self.assertError(r, 401, "unauthorized")
        self.assertEqual(self.agenda_items(self.mid), [])

    def test_participant_403(self):
        token = self.manage_token(self.mid)
        for apply in (False, True):
            with self.subTest(apply=apply):
                r = self.run_script(self.mid, base_script(), apply=apply, token=token)
                self.assertError(r, 403, "forbidden")
        self.assertEqual(self.agenda_items(self.mid), [])

    def test_admin_may(self):
        r = self.run_script(self.mid, base_script(), apply=True, token=self.admin)
        self.assertEqual(r.status, 200, r.body)

    def test_empty_body_400(self):
        r = self.run_script(self.mid, b"", apply=True)
        self.assertError(r, 400, "bad_request")

    def test_body_over_256_kib_413(self):
        code = base_script()
        body = code + "-- " + "x" * (SCRIPT_MAX - len(code.encode("utf-8")) - 3 + 1)
        self.assertEqual(len(body.encode("utf-8")), SCRIPT_MAX + 1)
        r = self.run_script(self.mid, body, apply=True)
        self.assertError(r, 413, "body_too_large")
        self.assertEqual(self.agenda_items(self.mid), [])
        self.assertHealthyQuickly()

    def test_script_larger_than_a_json_body_accepted(self):
        # 200 KiB: over the 64 KiB JSON limit, under the 256 KiB script limit
        code = base_script()
        body = code + ("-- " + "ā" * 60 + "\n") * 1650
        size = len(body.encode("utf-8"))
        self.assertTrue(64 * 1024 < size <= SCRIPT_MAX, size)
        d = self.script_ok(self.mid, body, apply=True)
        self.assertEqual(len(d["added"]), 4)

    def test_exactly_256_kib_accepted(self):
        code = base_script()
        body = code + "--" + "x" * (SCRIPT_MAX - len(code.encode("utf-8")) - 2)
        self.assertEqual(len(body.encode("utf-8")), SCRIPT_MAX)
        self.script_ok(self.mid, body, apply=False)

    def test_not_utf8_refused(self):
        r = self.run_script(self.mid, base_script().encode("utf-8") + b"-- \xff\xfe\n",
                            apply=True)
        self.assertIn(r.status, (400, 422), r.body)
        self.assertErrorShape(r)
        self.assertEqual(self.agenda_items(self.mid), [])

    def test_bad_name_400(self):
        for name in ("Liels", "a%20b", "..", "-x", "x" * 65, "%C4%81bols"):
            with self.subTest(name=name):
                r = self.run_script(self.mid, base_script(), query="?name=%s&apply=1" % name)
                self.assertError(r, 400, "bad_request")
        self.assertEqual(self.agenda_items(self.mid), [])

    def test_bad_apply_400(self):
        r = self.run_script(self.mid, base_script(), query="?name=t&apply=yes")
        self.assertError(r, 400, "bad_request")
        self.assertEqual(self.agenda_items(self.mid), [])

    def test_get_not_allowed(self):
        r = self.req("GET", self.agenda_path(self.mid, "/scripts?name=t"), token=self.org)
        self.assertEqual(r.status, 405, r.body)


# (title, code, the line the message must name; None for a limit that has no
# line, memory). Every script starts by declaring an item, to show that a
# failure later on still changes nothing.
PRELUDE = ('day "2015-11-05"\n'
           'at "10:00" { kind = "talk", title = "Pirms kļūdas", minutes = 10 }\n')
SANDBOX_CASES = [
    ("endless loop", PRELUDE + "\nwhile true do end\n", 4),
    ("loop in pcall", PRELUDE + "local ok = pcall(function()\n  while true do end\nend)\n"
     'at "11:00" { kind = "talk", title = "Pēc", minutes = 10 }\n', 4),
    ("os.execute", PRELUDE + '\n\nos.execute("id")\n', 5),
    ("io.open", PRELUDE + 'local f = io.open("/etc/passwd")\n'
     "local data = f:read(\"a\")\n", 3),
    ("huge string.rep", PRELUDE + 'local s = string.rep("x", 1e9)\n', 3),
    ("bytecode", PRELUDE + "\nlocal f = load(string.dump(function() end))\n", 4),
    ("require", PRELUDE + 'local x = require("os")\n', 3),
    ("syntax error", PRELUDE + "\n\n"
     'at "11:00" { kind = "talk", title = "x" minutes = 5 }\n', 5),
    ("runtime error", PRELUDE + "local t = nil\n\nlocal x = t.field\n", 5),
    ("error()", PRELUDE + '\n\n\nerror("apstāšanās")\n', 6),
    ("string too large for memory", PRELUDE +
     'local t = {}\nfor i = 1, 100 do t[i] = string.rep("x", 1024 * 1024) end\n', None),
    ("string.rep as a method", PRELUDE + 'local s = ("x"):rep(1e9)\n', 3),
    ("deep recursion", PRELUDE + "local function f() return 1 + f() end\nf()\n", None),
    ("os.getenv", PRELUDE + 'local home = os.getenv("HOME")\n', 3),
    ("__gc finalizer", PRELUDE +
     "setmetatable({}, {__gc = function() while true do end end})\n", 3),
    ("string metatable", PRELUDE + 'local m = getmetatable("")\nm.__index.upper = nil\n', 4),
    ("xpcall handler loops too", PRELUDE +
     "xpcall(function() while true do end end, function() while true do end end)\n", 3),
    ("__close loops too", PRELUDE + "do local x <close> = setmetatable({}, {__close = "
     "function() while true do end end}) while true do end end\n", 3),
]


class SandboxTest(ScriptTestCase):

    def test_bad_scripts_refused_changing_nothing(self):
        mid = self.agenda_meeting()["id"]
        self.add_item(mid, title="Rokām", starts_at="2015-11-06T09:00",
                      ends_at="2015-11-06T10:00")
        before = self.snapshot(mid)
        for title, code, line in SANDBOX_CASES:
            for apply in (False, True):
                with self.subTest(script=title, apply=apply):
                    t0 = time.monotonic()
                    r = self.run_script(mid, code, name="smilts", apply=apply)
                    took = time.monotonic() - t0
                    self.assertLess(took, SCRIPT_WITHIN, "%s took %.1f s" % (title, took))
                    self.assertError(r, 422, "script_error")
                    msg = r.body["error"]["message"]
                    if line is not None:
                        self.assertNamesLine(msg, line, "smilts")
                    else:   # a limit: memory (no line), the budget, the stack
                        self.assertRegex(msg, r"memory|budget|time limit|stack overflow")
                    self.assertNotIn("root:", msg)
                    self.assertHealthyQuickly()
                    self.assertEqual(self.snapshot(mid), before)

    def test_slow_pattern_match_stopped_by_the_budget(self):
        # One string.find that stock Lua backtracks in for about a second as the
        # script's last statement: the sandbox's own pattern matcher counts its
        # steps (core/lua/lua_pattern.c), so the budget stops it within the
        # match, and the run fails rather than succeeding late.  The script
        # declares no item, so if it were accepted it would remove the items of
        # its earlier run.
        mid = self.agenda_meeting()["id"]
        self.script_ok(mid, base_script(), name="raksts", apply=True)
        before = self.snapshot(mid)
        code = ('day "2015-11-05"\nlocal s = string.rep("a", 32)\n'
                'local x = s:find(".-.-.-.-.-.-.-b")\n')
        t0 = time.monotonic()
        r = self.run_script(mid, code, name="raksts", apply=True)
        took = time.monotonic() - t0
        self.assertError(r, 422, "script_error")
        self.assertRegex(r.body["error"]["message"],
                         r"raksts:3: (instruction budget exceeded|time limit exceeded)")
        self.assertLess(took, 5.0)
        self.assertEqual(self.snapshot(mid), before)
        self.assertHealthyQuickly()

    def test_endless_pattern_match_is_stopped_and_writes_go_on(self):
        # One string.find that would backtrack for hours in stock Lua: the
        # pattern matcher's steps are charged, so the budget stops it (the
        # child process would be killed if anything ran on). Meanwhile the
        # server keeps taking writes.
        import threading
        mid = self.agenda_meeting()["id"]
        self.script_ok(mid, base_script(), name="raksts", apply=True)
        before = self.snapshot(mid)
        code = ('day "2015-11-05"\nlocal s = string.rep("a", 3000)\n'
                'local x = s:find(string.rep("a-", 12) .. "b")\n')
        got = {}

        def run():
            t0 = time.monotonic()
            got["r"] = self.run_script(mid, code, name="raksts", apply=True)
            got["took"] = time.monotonic() - t0
        t = threading.Thread(target=run)
        t.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        v = self.req("POST", "/api/v1/venues", {"name": "Cietoksnis", "kind": "fortress"},
                     token=self.org)
        self.assertEqual(v.status, 201, v.body)
        self.assertLess(time.monotonic() - t0, 1.0, "a write waited for the script")
        t.join(30)
        self.assertFalse(t.is_alive(), "the script request did not end within 30 s")
        self.assertError(got["r"], 422, "script_error")
        self.assertRegex(got["r"].body["error"]["message"],
                         r"instruction budget exceeded|time limit")
        self.assertLess(got["took"], 10.0)
        after = self.snapshot(mid)
        after["venues"] = [x for x in after["venues"] if x["id"] != v.body["id"]]
        self.assertEqual(after, before)
        self.assertHealthyQuickly()

    def test_server_serves_others_right_after_a_runaway_script(self):
        mid = self.agenda_meeting()["id"]
        r = self.run_script(mid, PRELUDE + "while true do end\n", apply=True)
        self.assertError(r, 422, "script_error")
        self.assertHealthyQuickly()
        d = self.script_ok(mid, base_script(), apply=True)
        self.assertEqual(len(d["added"]), 4)

    def test_more_runs_at_once_than_the_cap_get_503_busy(self):
        # Each run is a child process; at most SCRIPT_CHILD_MAX (2) at once.
        # Eight runaway scripts sent together (each runs to its budget,
        # tens of ms or more, in its child): those past the cap are answered 503 busy with
        # Retry-After at once, the others run; the server stays up, and
        # once they have ended a script runs as usual.
        import threading
        mid = self.agenda_meeting()["id"]
        code = PRELUDE + "while true do end\n"
        n = 8
        start = threading.Barrier(n)
        got = [None] * n

        def run(i):
            start.wait()
            got[i] = self.run_script(mid, code, name="slow%d" % i, apply=False)
        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertFalse(any(t.is_alive() for t in threads), "a script request hung")
        busy = [r for r in got if r.status == 503]
        ran = [r for r in got if r.status != 503]
        self.assertTrue(busy, "no run was refused: %r" % [r.status for r in got])
        self.assertTrue(ran, "every run was refused")
        self.assertLessEqual(len(ran), n - 2, [r.status for r in got])
        for r in busy:
            self.assertError(r, 503, "busy")
            self.assertRegex(r.headers.get("Retry-After", ""), r"^[1-9][0-9]*$", r.headers)
        for r in ran:
            self.assertError(r, 422, "script_error")
            self.assertRegex(r.body["error"]["message"],
                             r"instruction budget exceeded|time limit exceeded")
        self.assertHealthyQuickly()
        d = self.script_ok(mid, base_script(), apply=True)
        self.assertEqual(len(d["added"]), 4)


# ---------------------------------------------------------------------------
# the demo: scripts/daugavpils-2015.lua
# ---------------------------------------------------------------------------

def demo_script_text():
    with open(DEMO_SCRIPT, encoding="utf-8") as f:
        return f.read()


def overlaps(a, b):
    return a["starts_at_utc"] < b["ends_at_utc"] and b["starts_at_utc"] < a["ends_at_utc"]


class DemoProgrammeTest(ScriptTestCase):
    demo = True

    def items(self):
        """The script's items (the demo adds one of its own: the site-visit
        slot that holds the three schools as options)."""
        return [i for i in self.agenda_items(DEMO_MEETING)
                if i["source"] == "script:" + DEMO_NAME]

    def on(self, date, kind=None):
        return [i for i in self.items() if i["starts_at"].startswith(date)
                and (kind is None or i["kind"] == kind)]

    def test_two_days_all_from_the_script(self):
        ag = self.get_agenda(DEMO_MEETING)
        self.assertEqual(ag["timezone"], "Europe/Riga")
        self.assertEqual([d["date"] for d in ag["days"] if d["items"]],
                         ["2015-11-05", "2015-11-06"])
        items = [i for d in ag["days"] for i in d["items"]]
        ours = [i for i in items if i["source"] != "script:" + DEMO_NAME]
        self.assertEqual(len(items) - len(ours), DEMO_ITEMS)
        # not from the script: the site-visit slot (issue 4) and the cultural
        # programme's activities, which the plugin puts in (demo_plugins.c)
        self.assertEqual(sorted((i["source"], i["kind"]) for i in ours),
                         [("organizer", "site_visit")] +
                         [("plugin:cultural-programme", "cultural")] * 4)
        self.assertEqual(len(self.req("GET", "/api/v1/venues").body["venues"]), DEMO_VENUES)

    def test_opening_at_ten(self):
        openings = self.on("2015-11-05", "opening")
        self.assertEqual(len(openings), 1, openings)
        o = openings[0]
        self.assertEqual((o["starts_at"], o["starts_at_utc"]),
                         ("2015-11-05T10:00", "2015-11-05T08:00:00Z"))
        self.assertIn("City Council", o["venue_name"] or "")
        self.assertTrue(o["speakers"], o)

    def test_education_board_talk(self):
        talks = [t for t in self.on("2015-11-05", "talk")
                 if any("Education Board" in (s.get("role") or "") for s in t["speakers"])]
        self.assertEqual(len(talks), 1, self.on("2015-11-05", "talk"))
        self.assertIn("Education", talks[0]["title"])

    def test_the_lecture(self):
        lectures = self.on("2015-11-05", "lecture")
        self.assertEqual(len(lectures), 1, lectures)
        self.assertIn("education policy", lectures[0]["title"])
        self.assertTrue(lectures[0]["speakers"])

    def test_discussions(self):
        day1 = [d["title"] for d in self.on("2015-11-05", "discussion")]
        self.assertEqual(len(day1), 2, day1)
        self.assertTrue(any("school network" in t for t in day1), day1)
        self.assertTrue(any("mobility" in t.lower() for t in day1), day1)
        self.assertGreaterEqual(len(self.on("2015-11-06", "discussion")), 1)

    def test_three_parallel_site_visits_to_three_schools(self):
        visits = [i for i in self.items() if i["kind"] == "site_visit"]
        self.assertTrue(visits)
        self.assertEqual({v["starts_at"][:10] for v in visits}, {"2015-11-06"})
        tracks = {}
        for v in visits:
            self.assertIsNotNone(v["track"], v)
            tracks.setdefault(v["track"], []).append(v)
        self.assertEqual(len(tracks), 3, sorted(tracks))
        venues = {v["id"]: v for v in self.req("GET", "/api/v1/venues").body["venues"]}
        track_venue = {}
        for track, its in tracks.items():
            vids = {i["venue_id"] for i in its}
            self.assertEqual(len(vids), 1, "track %s in several venues" % track)
            vid = vids.pop()
            self.assertEqual(venues[vid]["kind"], "school", venues[vid])
            track_venue[track] = venues[vid]["name"]
        names = sorted(track_venue.values())
        self.assertEqual(len(set(names)), 3, names)
        for school in ("Lyceum", "Polish Gymnasium", "Saules skola"):
            self.assertEqual(len([n for n in names if school in n]), 1, (school, names))
        # parallel: every track's first visit overlaps every other's
        firsts = [min(its, key=lambda i: i["starts_at_utc"]) for its in tracks.values()]
        for a in firsts:
            for b in firsts:
                self.assertTrue(overlaps(a, b), (a["title"], b["title"]))

    def test_plenary_after_the_site_visits(self):
        visits_end = max(i["ends_at_utc"] for i in self.items() if i["kind"] == "site_visit")
        later = [i for i in self.on("2015-11-06") if i["starts_at_utc"] >= visits_end]
        self.assertTrue(later)
        self.assertTrue(all(i["track"] is None for i in later), later)

    def test_cultural_programme(self):
        # The cultural-programme plugin's activities, each in a track of its own:
        # people sign up for them (the demo's titles are Latvian).
        cultural = [i for i in self.agenda_items(DEMO_MEETING) if i["kind"] == "cultural"]
        day1 = [c for c in cultural if c["starts_at"].startswith("2015-11-05")]
        for what in ("cietoksnis", "Rotko", "Svātra"):
            self.assertEqual(len([c for c in day1 if what in c["title"]]), 1,
                             (what, [c["title"] for c in day1]))
        day2 = [c for c in cultural if c["starts_at"].startswith("2015-11-06")]
        self.assertTrue(any("Saules skolas" in c["title"] for c in day2), day2)
        for c in day1 + day2:
            self.assertEqual(c["source"], "plugin:cultural-programme")
            self.assertIsNotNone(c["track"])

    def test_demo_has_no_problems(self):
        self.assertEqual(self.get_problems(DEMO_MEETING), [])

    def test_same_script_through_the_api_changes_nothing(self):
        before = self.snapshot(DEMO_MEETING)
        for apply in (False, True):
            with self.subTest(apply=apply):
                d = self.script_ok(DEMO_MEETING, demo_script_text(), name=DEMO_NAME,
                                   apply=apply)
                self.assertEqual(self.counts(d), (0, 0, 0, DEMO_ITEMS))
                self.assertEqual(d["venues_added"], [])
                self.assertEqual(d["problems"], [])
                self.assertEqual(self.snapshot(DEMO_MEETING), before)

    def test_under_another_name_it_would_add_a_copy(self):
        d = self.script_ok(DEMO_MEETING, demo_script_text(), name="kopija", apply=False)
        self.assertEqual(self.counts(d), (DEMO_ITEMS, 0, 0, 0))
        self.assertEqual(d["venues_added"], [])
        self.assertTrue(d["problems"], "a second copy of the programme must clash")
        self.assertEqual(len(self.items()), DEMO_ITEMS)
        # the answer says whose items these would copy
        self.assertEqual(d["other_scripts"], [{"script": DEMO_NAME, "same_keys": DEMO_ITEMS}])
        same = self.script_ok(DEMO_MEETING, demo_script_text(), name=DEMO_NAME, apply=False)
        self.assertEqual(same["other_scripts"], [])

    def test_cli_edited_copy_names_the_script_it_copies(self):
        # README: copy the demo script, edit it, dry-run it.  Under its file
        # name it would add the programme again: the output says which --name
        # changes the demo's programme instead; with it only the edit shows.
        copy = os.path.join(self.server.tmp, "my.lua")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(demo_script_text().replace('title = "Opening of the network meeting"',
                                               'title = "Opening of the network meeting!"'))
        before = self.snapshot(DEMO_MEETING)
        self.assertEqual(self.server.stop(), 0)
        try:
            plain = run_cli(["agenda", "run", "--meeting", str(DEMO_MEETING), "--db",
                             self.server.db, copy])
            named = run_cli(["agenda", "run", "--meeting", str(DEMO_MEETING), "--db",
                             self.server.db, "--name", DEMO_NAME, copy])
        finally:
            self.server.start()
        self.assertEqual(plain.returncode, 0, plain.stderr)
        self.assertIn("%d added, 0 changed, 0 removed" % DEMO_ITEMS, plain.stdout)
        self.assertIn("note: %d of the items to add have the keys of items of the script %s"
                      % (DEMO_ITEMS, DEMO_NAME), plain.stdout)
        self.assertIn("run it with --name %s" % DEMO_NAME, plain.stdout)
        self.assertEqual(named.returncode, 0, named.stderr)
        self.assertNotIn("note:", named.stdout)
        # the key is the title in plain letters: the opening keeps its key and changes
        self.assertIn("0 added, 1 changed, 0 removed, %d unchanged" % (DEMO_ITEMS - 1),
                      named.stdout)
        self.assertIn("~ 2015-11-05T10:00-10:15", named.stdout)
        self.assertIn("Opening of the network meeting!", named.stdout)
        self.assertIn("0 problem(s)", named.stdout)
        self.assertEqual(self.snapshot(DEMO_MEETING), before)

    def test_cli_dry_run_on_the_demo_changes_nothing(self):
        before = self.snapshot(DEMO_MEETING)
        self.assertEqual(self.server.stop(), 0)
        r = run_cli(["agenda", "run", "--meeting", str(DEMO_MEETING), "--db",
                     self.server.db, DEMO_SCRIPT])
        self.server.start()
        self.assertEqual(r.returncode, 0, "stdout %r stderr %r" % (r.stdout, r.stderr))
        out = r.stdout
        for word in ("0 added", "0 changed", "0 removed"):
            self.assertIn(word, out)
        self.assertNotIn("Opening of the network meeting", out)
        self.assertEqual(self.snapshot(DEMO_MEETING), before)


class CliTest(ScriptTestCase):

    def cli(self, *args):
        self.assertEqual(self.server.stop(), 0)
        try:
            return run_cli(["agenda", "run"] + list(args) + ["--db", self.server.db])
        finally:
            self.server.start()

    def test_apply_while_the_server_runs_is_seen_at_once(self):
        # The CLI commits from another process: the server's cached agenda
        # and its ETag must not outlive that commit.
        mid = self.agenda_meeting()["id"]
        path = "/api/v1/meetings/%d/agenda" % mid
        for rest in ("", ".ics"):
            self.assertEqual(self.req("GET", path + rest).status, 200)
        tag = self.req("GET", path).headers.get("ETag")
        self.assertEqual(self.req("GET", path, headers={"If-None-Match": tag}).status, 304)
        r = run_cli(["agenda", "run", "--meeting", str(mid), "--apply", "--db",
                     self.server.db, DEMO_SCRIPT])
        self.assertEqual(r.returncode, 0, "stdout %r stderr %r" % (r.stdout, r.stderr))
        r = self.req("GET", path, headers={"If-None-Match": tag})
        self.assertEqual(r.status, 200, "a stale ETag after another process committed")
        self.assertEqual(sum(len(d["items"]) for d in r.body["days"]), DEMO_ITEMS)
        ics = self.req("GET", path + ".ics")
        self.assertEqual(ics.raw.count(b"BEGIN:VEVENT"), DEMO_ITEMS)

    def test_dry_run_then_apply_on_a_fresh_meeting(self):
        mid = self.agenda_meeting()["id"]
        r = self.cli("--meeting", str(mid), DEMO_SCRIPT)
        self.assertEqual(r.returncode, 0, "stdout %r stderr %r" % (r.stdout, r.stderr))
        for title in ("Opening of the network meeting", "Working with talented pupils",
                      "Travel to Daugavpils Fortress"):
            self.assertIn(title, r.stdout)
        self.assertEqual(self.agenda_items(mid), [])
        self.assertEqual(self.req("GET", "/api/v1/venues").body["venues"], [])

        r = self.cli("--meeting", str(mid), "--apply", DEMO_SCRIPT)
        self.assertEqual(r.returncode, 0, "stdout %r stderr %r" % (r.stdout, r.stderr))
        items = self.agenda_items(mid)
        self.assertEqual(len(items), DEMO_ITEMS)
        self.assertEqual({i["source"] for i in items}, {"script:" + DEMO_NAME})
        self.assertEqual(len(self.req("GET", "/api/v1/venues").body["venues"]), DEMO_VENUES)
        self.assertEqual(self.get_problems(mid), [])
        # the same programme as the demo's
        demo = self.start_server(demo=True)
        want = [(i["starts_at"], i["ends_at"], i["kind"], i["title"], i["track"],
                 i["venue_name"]) for d in demo.request("GET", "/api/v1/meetings/1/agenda")
                .body["days"] for i in d["items"] if i["source"] == "script:" + DEMO_NAME]
        got = [(i["starts_at"], i["ends_at"], i["kind"], i["title"], i["track"],
                i["venue_name"]) for i in items]
        self.assertEqual(got, want)
        # and the API, under the same name, finds nothing to do
        d = self.script_ok(mid, demo_script_text(), name=DEMO_NAME, apply=True)
        self.assertEqual(self.counts(d), (0, 0, 0, DEMO_ITEMS))

    def test_name_option(self):
        mid = self.agenda_meeting()["id"]
        r = self.cli("--meeting", str(mid), "--apply", "--name", "programma", DEMO_SCRIPT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual({i["source"] for i in self.agenda_items(mid)}, {"script:programma"})

    def test_failing_script_exits_non_zero_and_changes_nothing(self):
        mid = self.agenda_meeting()["id"]
        path = os.path.join(self.server.tmp, "slikts.lua")
        with open(path, "w", encoding="utf-8") as f:
            f.write(PRELUDE + "\n\nlocal x = nil + 1\n")
        r = self.cli("--meeting", str(mid), "--apply", path)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertRegex(r.stderr, r"slikts:5\b")
        self.assertEqual(self.agenda_items(mid), [])

    def test_unknown_meeting_fails(self):
        r = self.cli("--meeting", "999999", "--apply", DEMO_SCRIPT)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertEqual(self.req("GET", "/api/v1/venues").body["venues"], [])


if __name__ == "__main__":
    unittest.main()
