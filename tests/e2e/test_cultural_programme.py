"""The cultural-programme plugin (plugins/cultural-programme), end to end:
installed through the admin API and enabled for a meeting of 5-6 November
2015 (Europe/Riga), with the Daugavpils meeting's cultural programme (the
Fortress, the Mark Rothko Art Centre, the folklore group "Svātra", the youth
theatre of "Saules skola").

What a user sees: the activities in the meeting's agenda (kind cultural,
source plugin:cultural-programme), sign-ups with a manage token, seats and
the waiting list, the per-person limit, clashes with a site-visit place and
with one's own sign-ups, a cancelled registration freeing its seats, the
registration's JSON, its personal .ics (read with ical_check.py when a
python3 with the icalendar module is found, as test_ics does), the
organizer's lists, auth, and what disabling and re-enabling the plugin for
the meeting does."""

import csv as csv_module
import io
import json
import os
import subprocess
import sys
import tarfile
import unittest

from harness import MEETINGS, SaietsTestCase, registration_path
from helpers_mail import SmtpSink, text_of, to_addr
from helpers_visits import VisitsMixin

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "plugins", "cultural-programme"))
ICAL_CHECK = os.path.join(HERE, "ical_check.py")
NAME = "cultural-programme"
SOURCE = "plugin:" + NAME
CHECK_TIMEOUT = 60

# The Daugavpils meeting's cultural programme (times as in
# scripts/daugavpils-2015.lua; Riga is UTC+2 in November).
FORTRESS = {"title_lv": "Daugavpils cietoksnis: ekskursija ar gidu",
            "title_en": "Daugavpils Fortress: a guided walk", "kind": "tour",
            "starts_at": "2015-11-05T15:50", "ends_at": "2015-11-05T16:35",
            "venue": "Daugavpils cietoksnis, pie Nikolaja vārtiem"}
ROTHKO = {"title_lv": "Marka Rotko mākslas centrs", "title_en": "Mark Rothko Art Centre",
          "kind": "visit", "starts_at": "2015-11-05T16:40", "ends_at": "2015-11-05T17:40",
          "description_lv": "Ekspozīcija un kuratores stāstījums.",
          "description_en": "The exhibition, introduced by its curator."}
SVATRA = {"title_lv": "Folkloras kopa “Svātra”", "title_en": "Folklore group “Svātra”",
          "kind": "performance", "starts_at": "2015-11-05T17:45",
          "ends_at": "2015-11-05T18:15",
          "description_lv": "Latgales dziesmas un dejas.",
          "description_en": "Songs and dances of Latgale."}
SAULES = {"title_lv": "“Saules skolas” jauniešu teātra izrāde",
          "title_en": "“Saules skola” youth theatre performance", "kind": "performance",
          "starts_at": "2015-11-06T11:35", "ends_at": "2015-11-06T12:05"}

_python = []


def ical_python():
    """A python3 with the icalendar module (this one, or the first on PATH
    that has it), or None."""
    if _python:
        return _python[0]
    candidates = [sys.executable] + [os.path.join(d, "python3") for d in
                                     os.environ.get("PATH", "").split(os.pathsep) if d]
    for c in candidates:
        if not (os.path.isfile(c) and os.access(c, os.X_OK)):
            continue
        try:
            ok = subprocess.run([c, "-c", "import icalendar, dateutil"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=CHECK_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok.returncode == 0:
            _python.append(c)
            return c
    _python.append(None)
    return None


def calendar_events(raw):
    """[{summary, start_utc, end_utc, ...}] of a calendar: by ical_check.py
    (icalendar) when available, else by reading SUMMARY lines only."""
    py = ical_python()
    if py is not None:
        proc = subprocess.run([py, ICAL_CHECK, "-"], input=raw, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=CHECK_TIMEOUT)
        if proc.returncode != 0:
            raise AssertionError("ical_check.py refused the calendar: %s"
                                 % proc.stderr.decode("utf-8", "replace"))
        return json.loads(proc.stdout.decode("utf-8"))
    text = raw.decode("utf-8").replace("\r\n ", "")
    return [{"summary": line[len("SUMMARY:"):]} for line in text.split("\r\n")
            if line.startswith("SUMMARY:")]


def plugin_targz():
    """The plugin's folder as the .tar.gz an admin uploads."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for root, dirs, files in os.walk(PLUGIN_DIR):
            dirs.sort()
            for f in sorted(files):
                full = os.path.join(root, f)
                tar.add(full, arcname=os.path.relpath(full, PLUGIN_DIR), recursive=False)
    return buf.getvalue()


class CulturalTestCase(VisitsMixin, SaietsTestCase):
    """A server with the plugin installed, and a meeting (self.mid) that has
    it enabled and an opening in its plenary programme."""

    def setUp(self):
        super().setUp()
        r = self.req("POST", "/api/v1/admin/plugins", raw=plugin_targz(), token=self.admin,
                     headers={"Content-Type": "application/gzip"})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.body["name"], NAME)
        self.assertEqual(r.body["version"], "1.2.0")
        self.mid = self.agenda_meeting()["id"]
        self.enable(self.mid)
        self.add_item(self.mid, kind="opening", title="Sanāksmes atklāšana",
                      starts_at="2015-11-05T10:00", ends_at="2015-11-05T10:15")

    # -- paths and calls ------------------------------------------------------

    def plugin_url(self, rest, mid=None):
        return "%s/%d/plugins/%s%s" % (MEETINGS, self.mid if mid is None else mid, NAME, rest)

    def enable(self, mid, **settings):
        r = self.req("PUT", "%s/%d/plugins/%s" % (MEETINGS, mid, NAME),
                     {"settings": settings}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.body["enabled"], r.body)
        return r.body

    def disable(self, mid):
        r = self.req("DELETE", "%s/%d/plugins/%s" % (MEETINGS, mid, NAME), token=self.org)
        self.assertEqual(r.status, 200, r.body)

    def post_activity(self, body, mid=None, token=None, lang=None):
        q = "?lang=%s" % lang if lang else ""
        return self.req("POST", self.plugin_url("/activities" + q, mid), body,
                        token=self.org if token is None else token)

    def make_activity(self, template, mid=None, **kw):
        body = dict(template, capacity=kw.pop("capacity", 20))
        body.update(kw)
        r = self.post_activity(body, mid)
        self.assertEqual(r.status, 201, "create activity: %r" % (r.body,))
        self.assertJson(r)
        return r.body

    def programme(self, **capacities):
        """The four activities, each with capacity (default 20)."""
        venues = {"rothko": self.make_venue("Marka Rotko mākslas centrs", kind="museum")["id"],
                  "saules": self.make_venue("Daugavpils Dizaina un mākslas vidusskola"
                                            " “Saules skola”", kind="school")["id"]}
        return {
            "fortress": self.make_activity(FORTRESS, capacity=capacities.get("fortress", 20)),
            "rothko": self.make_activity(ROTHKO, capacity=capacities.get("rothko", 20),
                                         venue_id=venues["rothko"]),
            "svatra": self.make_activity(SVATRA, capacity=capacities.get("svatra", 20),
                                         venue_id=venues["rothko"]),
            "saules": self.make_activity(SAULES, capacity=capacities.get("saules", 20),
                                         venue_id=venues["saules"]),
        }

    def activity_url(self, aid, rest="", mid=None):
        return self.plugin_url("/activities/%s%s" % (aid, rest), mid)

    def sign_up(self, aid, token, mid=None, lang=None):
        q = "?lang=%s" % lang if lang else ""
        return self.req("POST", self.activity_url(aid, "/signup" + q, mid), token=token)

    def sign_up_ok(self, aid, person, status="signed_up"):
        r = self.sign_up(aid, person["manage_token"])
        self.assertEqual(r.status, 201, "sign-up: %r" % (r.body,))
        self.assertEqual(r.body["status"], status, r.body)
        self.assertEqual(r.body["activity_id"], aid, r.body)
        return r.body

    def cancel_signup(self, aid, token):
        return self.req("DELETE", self.activity_url(aid, "/signup"), token=token)

    def activity(self, aid, mid=None):
        r = self.req("GET", self.activity_url(aid, mid=mid))
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def activities(self, query=""):
        r = self.req("GET", self.plugin_url("/activities" + query))
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        return r.body["activities"]

    def signups_of(self, aid):
        """(registration id, status, waitlist position) of the live sign-ups,
        as the organizer's list gives them."""
        r = self.req("GET", self.activity_url(aid, "/signups"), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        return [(s["registration_id"], s["status"], s["waitlist_position"])
                for s in r.body["signups"]]

    def own_signups(self, person):
        r = self.req("GET", self.plugin_url("/signups"), token=person["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        return {s["activity_id"]: (s["status"], s["waitlist_position"])
                for s in r.body["signups"]}

    def plugin_items(self, mid=None):
        return [it for it in self.agenda_items(self.mid if mid is None else mid)
                if it["source"] == SOURCE]

    def people(self, n, mid=None):
        return [self.register(self.mid if mid is None else mid,
                              first_name="Dalībnieks%d" % i, last_name="Kalniņš")
                for i in range(n)]


class InstallTest(CulturalTestCase):

    def test_enabled_with_default_settings(self):
        r = self.req("GET", "%s/%d/plugins/%s" % (MEETINGS, self.mid, NAME), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["settings"], {"max_per_person": 2, "signups_open": True,
                                              "agenda_language": "lv"})

    def test_setting_out_of_range_refused(self):
        r = self.req("PUT", "%s/%d/plugins/%s" % (MEETINGS, self.mid, NAME),
                     {"settings": {"max_per_person": 0}}, token=self.org)
        self.assertError(r, 422, ("invalid_field", "invalid_plugin"))


class ActivitiesTest(CulturalTestCase):

    def test_four_activities_in_the_agenda(self):
        acts = self.programme()
        items = {it["id"]: it for it in self.plugin_items()}
        self.assertEqual(len(items), 4, items)
        for key, template in (("fortress", FORTRESS), ("rothko", ROTHKO),
                              ("svatra", SVATRA), ("saules", SAULES)):
            item = items[acts[key]["agenda_item_id"]]
            self.assertEqual(item["kind"], "cultural")
            self.assertEqual(item["source"], SOURCE)
            self.assertEqual(item["title"], template["title_lv"])
            self.assertEqual((item["starts_at"], item["ends_at"]),
                             (template["starts_at"], template["ends_at"]))
            self.assertTrue(item["track"], "a plugin item runs in a track of its own: %r" % item)
        # local 15:50 in Riga in November is 13:50 UTC
        fortress = items[acts["fortress"]["agenda_item_id"]]
        self.assertEqual(fortress["starts_at_utc"], "2015-11-05T13:50:00Z")
        self.assertIn(FORTRESS["venue"], fortress["description"])
        self.assertEqual(items[acts["rothko"]["agenda_item_id"]]["venue_name"],
                         "Marka Rotko mākslas centrs")

    def test_public_list_with_free_seats(self):
        acts = self.programme(fortress=2)
        a, b = self.people(2)
        self.sign_up_ok(acts["fortress"]["id"], a)
        listed = {x["id"]: x for x in self.activities()}
        self.assertEqual([x["id"] for x in self.activities()],
                         [acts[k]["id"] for k in ("fortress", "rothko", "svatra", "saules")])
        f = listed[acts["fortress"]["id"]]
        self.assertEqual((f["capacity"], f["signed_up"], f["waiting"], f["free"]), (2, 1, 0, 1))
        self.assertNotIn("signups", f)
        self.sign_up_ok(acts["fortress"]["id"], b)
        available = [x["id"] for x in self.activities("?available=1")]
        self.assertNotIn(acts["fortress"]["id"], available)
        self.assertEqual(len(available), 3)

    def test_agenda_language_setting(self):
        acts = self.programme()
        self.enable(self.mid, agenda_language="en")
        titles = {it["id"]: it["title"] for it in self.plugin_items()}
        self.assertEqual(titles[acts["svatra"]["agenda_item_id"]], SVATRA["title_en"])

    def test_create_refusals_name_the_field(self):
        good = dict(FORTRESS, capacity=20)
        cases = [
            ({k: v for k, v in good.items() if k != "title_lv"}, "missing_field", "title_lv"),
            (dict(good, title_en="   "), "missing_field", "title_en"),
            (dict(good, title_lv="x" * 201), "invalid_field", "title_lv"),
            (dict(good, title_lv=5), "invalid_field", "title_lv"),
            (dict(good, kind="concert"), "invalid_field", "kind"),
            (dict(good, capacity=0), "invalid_field", "capacity"),
            (dict(good, capacity=2.5), "invalid_field", "capacity"),
            (dict(good, capacity="20"), "invalid_field", "capacity"),
            ({k: v for k, v in good.items() if k != "capacity"}, "missing_field", "capacity"),
            (dict(good, starts_at="2015-11-04T15:50"), "invalid_field", "starts_at"),
            (dict(good, ends_at="2015-11-07T10:00"), "invalid_field", "ends_at"),
            (dict(good, starts_at="2015-11-05 15:50"), "invalid_field", "starts_at"),
            (dict(good, starts_at="2015-11-05T25:00"), "invalid_field", "starts_at"),
            (dict(good, ends_at="2015-11-05T15:00"), "invalid_field", "ends_at"),
            (dict(good, venue_id=999), "invalid_field", "venue_id"),
            (dict(good, venue_id="1"), "invalid_field", "venue_id"),
            (dict(good, venue="a\nb"), "invalid_field", "venue"),
            (dict(good, seats=3), "unknown_field", "seats"),
            (dict(good, signed_up=3), "forbidden_field", "signed_up"),
        ]
        for body, code, field in cases:
            with self.subTest(field=field, code=code):
                self.assertError(self.post_activity(body), 422, code, field)
        r = self.post_activity([good])
        self.assertEqual(r.status, 400, r.body)
        self.assertEqual(self.plugin_items(), [], "nothing refused reached the agenda")
        self.assertEqual(self.activities(), [])

    def test_messages_in_latvian_and_english(self):
        body = dict(FORTRESS, capacity=0)
        lv = self.post_activity(body)
        en = self.post_activity(body, lang="en")
        self.assertError(lv, 422, "invalid_field", "capacity")
        self.assertError(en, 422, "invalid_field", "capacity")
        self.assertIn("vietu skaitam", lv.body["error"]["message"])
        self.assertIn("number of seats", en.body["error"]["message"])

    def test_update_keeps_the_agenda_item_in_step(self):
        a = self.make_activity(FORTRESS)
        r = self.req("PATCH", self.activity_url(a["id"]),
                     {"starts_at": "2015-11-05T16:00", "ends_at": "2015-11-05T16:45",
                      "title_lv": "Cietoksnis vakarā"}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["agenda_item_id"], a["agenda_item_id"])
        [item] = self.plugin_items()
        self.assertEqual(item["id"], a["agenda_item_id"])
        self.assertEqual((item["title"], item["starts_at"], item["ends_at"]),
                         ("Cietoksnis vakarā", "2015-11-05T16:00", "2015-11-05T16:45"))
        self.assertEqual(item["starts_at_utc"], "2015-11-05T14:00:00Z")
        bad = self.req("PATCH", self.activity_url(a["id"]), {"ends_at": "2015-11-05T15:00"},
                       token=self.org)
        self.assertError(bad, 422, "invalid_field", "ends_at")
        self.assertEqual(self.plugin_items()[0]["ends_at"], "2015-11-05T16:45")

    def test_capacity_below_seats_refused_and_more_seats_promote(self):
        a = self.make_activity(FORTRESS, capacity=2)
        p = self.people(4)
        for person in p[:2]:
            self.sign_up_ok(a["id"], person)
        for person in p[2:]:
            self.sign_up_ok(a["id"], person, "waitlisted")
        r = self.req("PATCH", self.activity_url(a["id"]), {"capacity": 1}, token=self.org)
        self.assertError(r, 409, "capacity_below_signed_up")
        r = self.req("PATCH", self.activity_url(a["id"]), {"capacity": 3}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.signups_of(a["id"]),
                         [(p[0]["id"], "signed_up", None), (p[1]["id"], "signed_up", None),
                          (p[2]["id"], "signed_up", None), (p[3]["id"], "waitlisted", 1)])
        [item] = self.plugin_items()
        self.assertEqual(item["expected_attendance"], 3)

    def test_delete_removes_item_and_signups(self):
        acts = self.programme()
        person = self.register(self.mid)
        self.sign_up_ok(acts["svatra"]["id"], person)
        r = self.req("DELETE", self.activity_url(acts["svatra"]["id"]), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["signups_removed"], 1)
        self.assertNotIn(acts["svatra"]["agenda_item_id"],
                         [it["id"] for it in self.plugin_items()])
        self.assertEqual(len(self.plugin_items()), 3)
        self.assertError(self.req("GET", self.activity_url(acts["svatra"]["id"])), 404,
                         "not_found")
        self.assertEqual(self.own_signups(person), {})

    def test_ids_belong_to_the_meeting(self):
        a = self.make_activity(FORTRESS)
        other = self.agenda_meeting()["id"]
        self.enable(other)
        self.assertError(self.req("GET", self.activity_url(a["id"], mid=other)), 404,
                         "not_found")
        r = self.req("PATCH", self.activity_url(a["id"], mid=other), {"capacity": 5},
                     token=self.org)
        self.assertError(r, 404, "not_found")
        outsider = self.register(other)
        self.assertError(self.sign_up(a["id"], outsider["manage_token"], mid=other), 404,
                         "not_found")
        self.assertError(self.req("GET", self.activity_url("abc")), 400, "bad_request")
        self.assertError(self.req("GET", self.activity_url("0")), 400, "bad_request")


class SignupMailTest(CulturalTestCase):
    """The plugin's messages (saiets.mail), through a real SMTP server: a
    sign-up, a waiting place and a promotion each mail their person once, in
    the person's language, with the activity's title in that language."""

    def setUp(self):
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.cleanup)
        self.serve_args = self.sink.serve_args()
        super().setUp()

    def plugin_mail(self, n):
        self.sink.wait_for(n)
        return [m for m in self.sink.messages()
                if m["Subject"].startswith(("Kultūras programma:", "Cultural programme:"))]

    def test_signup_waiting_and_promotion_mail(self):
        a = self.make_activity(FORTRESS, capacity=1)
        lv = self.register(self.mid, first_name="Ilze", email="ilze@example.lv")
        en = self.register(self.mid, first_name="Anna", email="anna@example.lv", lang="en")
        self.sign_up_ok(a["id"], lv)
        self.sign_up_ok(a["id"], en, "waitlisted")
        # 2 confirmations + 2 sign-up messages
        msgs = self.plugin_mail(4)
        self.assertEqual([(to_addr(m), m["Subject"]) for m in msgs],
                         [("ilze@example.lv", "Kultūras programma: " + FORTRESS["title_lv"]),
                          ("anna@example.lv", "Cultural programme: on the waiting list for "
                           + FORTRESS["title_en"])])
        self.assertIn("2015-11-05 15:50", text_of(msgs[0]))
        self.assertEqual(self.cancel_signup(a["id"], lv["manage_token"]).status, 200)
        msgs = self.plugin_mail(5)
        self.assertEqual((to_addr(msgs[-1]), msgs[-1]["Subject"]),
                         ("anna@example.lv", "Cultural programme: you have a seat for "
                          + FORTRESS["title_en"]))
        self.assertEqual(len(self.sink.messages()), 5)


class SignupTest(CulturalTestCase):

    def test_capacity_waiting_list_and_promotion_in_order(self):
        a = self.make_activity(FORTRESS, capacity=2)
        p = self.people(5)
        self.sign_up_ok(a["id"], p[0])
        self.sign_up_ok(a["id"], p[1])
        w1 = self.sign_up_ok(a["id"], p[2], "waitlisted")
        w2 = self.sign_up_ok(a["id"], p[3], "waitlisted")
        w3 = self.sign_up_ok(a["id"], p[4], "waitlisted")
        self.assertEqual([w1["waitlist_position"], w2["waitlist_position"],
                          w3["waitlist_position"]], [1, 2, 3])
        # the second waiting person leaves the list: the third moves up
        self.assertEqual(self.cancel_signup(a["id"], p[3]["manage_token"]).status, 200)
        self.assertEqual(self.own_signups(p[4]), {a["id"]: ("waitlisted", 2)})
        # a seat frees: the first in line gets it
        r = self.cancel_signup(a["id"], p[0]["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["status"], "cancelled")
        self.assertEqual(self.signups_of(a["id"]),
                         [(p[1]["id"], "signed_up", None), (p[2]["id"], "signed_up", None),
                          (p[4]["id"], "waitlisted", 1)])
        self.assertEqual(self.own_signups(p[2]), {a["id"]: ("signed_up", None)})
        self.assertEqual(self.own_signups(p[0]), {})
        self.assertEqual(self.activity(a["id"])["free"], 0)

    def test_twice_refused_and_cancel_without_signup_404(self):
        a = self.make_activity(FORTRESS)
        person = self.register(self.mid)
        self.sign_up_ok(a["id"], person)
        self.assertError(self.sign_up(a["id"], person["manage_token"]), 409,
                         "already_signed_up")
        self.assertEqual(self.cancel_signup(a["id"], person["manage_token"]).status, 200)
        self.assertError(self.cancel_signup(a["id"], person["manage_token"]), 404, "not_found")
        self.sign_up_ok(a["id"], person)

    def test_per_person_limit(self):
        acts = self.programme()
        person = self.register(self.mid)
        self.sign_up_ok(acts["fortress"]["id"], person)
        self.sign_up_ok(acts["saules"]["id"], person)
        r = self.sign_up(acts["svatra"]["id"], person["manage_token"], lang="en")
        self.assertError(r, 422, "limit_reached")
        self.assertIn("at most 2", r.body["error"]["message"])
        self.assertEqual(self.activity(acts["svatra"]["id"])["signed_up"], 0)
        # a place on a waiting list counts too
        self.enable(self.mid, max_per_person=3)
        full = self.make_activity(ROTHKO, capacity=1, starts_at="2015-11-06T13:00",
                                  ends_at="2015-11-06T14:00")
        self.sign_up_ok(full["id"], self.register(self.mid))
        self.sign_up_ok(full["id"], person, "waitlisted")
        self.assertError(self.sign_up(acts["svatra"]["id"], person["manage_token"]), 422,
                         "limit_reached")
        # cancelling one makes room
        self.assertEqual(self.cancel_signup(full["id"], person["manage_token"]).status, 200)
        self.sign_up_ok(acts["svatra"]["id"], person)

    def test_clash_with_own_signups(self):
        acts = self.programme()
        person = self.register(self.mid)
        self.sign_up_ok(acts["rothko"]["id"], person)                     # 16:40-17:40
        overlapping = self.make_activity(SVATRA, starts_at="2015-11-05T17:30",
                                         ends_at="2015-11-05T18:00", title_lv="Koncerts",
                                         title_en="Concert")
        r = self.sign_up(overlapping["id"], person["manage_token"], lang="en")
        self.assertError(r, 409, "time_clash")
        self.assertIn(ROTHKO["title_en"], r.body["error"]["message"])
        self.assertEqual(self.activity(overlapping["id"])["signed_up"], 0)
        # a place on a waiting list clashes too
        full = self.make_activity(FORTRESS, capacity=1, starts_at="2015-11-06T13:00",
                                  ends_at="2015-11-06T14:00")
        self.sign_up_ok(full["id"], self.register(self.mid))
        self.sign_up_ok(full["id"], person, "waitlisted")
        later = self.make_activity(SAULES, starts_at="2015-11-06T13:30",
                                   ends_at="2015-11-06T14:30")
        self.enable(self.mid, max_per_person=5)
        self.assertError(self.sign_up(later["id"], person["manage_token"]), 409, "time_clash")
        # touching ends are no clash: Rothko ends at 17:40
        touching = self.make_activity(SVATRA, starts_at="2015-11-05T17:40",
                                      ends_at="2015-11-05T18:00")
        self.sign_up_ok(touching["id"], person)

    def test_clash_with_site_visit_place(self):
        slot = self.make_slot(self.mid, [1])          # 2015-11-06 09:20-11:10 local
        placed = self.reg(self.mid, slot["id"], [slot["options"][0]["id"]])
        unplaced = self.reg(self.mid, slot["id"], [slot["options"][0]["id"]])
        self.allocate_ok(self.mid, slot["id"])
        self.assertIsInstance(self.places(placed["id"])[slot["id"]].get("option_id"), int)
        self.assertIsNone(self.places(unplaced["id"])[slot["id"]].get("option_id"))
        during = self.make_activity(SAULES, title_lv="Teātra mēģinājums",
                                    title_en="Theatre rehearsal",
                                    starts_at="2015-11-06T11:05", ends_at="2015-11-06T11:30")
        r = self.sign_up(during["id"], placed["manage_token"], lang="en")
        self.assertError(r, 409, "time_clash")
        self.assertIn("site visit", r.body["error"]["message"])
        before = self.make_activity(SAULES, starts_at="2015-11-06T08:00",
                                    ends_at="2015-11-06T09:30")
        self.assertError(self.sign_up(before["id"], placed["manage_token"]), 409, "time_clash")
        # just after the visit (local 11:10) is fine: the same instants are compared
        after = self.make_activity(SAULES, starts_at="2015-11-06T11:10",
                                   ends_at="2015-11-06T11:30")
        self.sign_up_ok(after["id"], placed)
        # a place on the slot's waiting list is no place
        self.sign_up_ok(during["id"], unplaced)

    def test_only_confirmed_registrations_sign_up(self):
        small = self.agenda_meeting(capacity=1)["id"]
        self.enable(small)
        a = self.make_activity(FORTRESS, mid=small)
        confirmed = self.register(small)
        waiting = self.register(small)
        self.assertEqual(waiting["status"], "waitlisted")
        self.assertError(self.sign_up(a["id"], waiting["manage_token"], mid=small), 409,
                         "not_confirmed")
        other = self.register(self.mid)
        self.assertEqual(self.cancel(other["id"], token=other["manage_token"]).status, 200)
        b = self.make_activity(FORTRESS)
        self.assertError(self.sign_up(b["id"], other["manage_token"]), 409, "not_confirmed")
        r = self.sign_up(a["id"], confirmed["manage_token"], mid=small)
        self.assertEqual(r.status, 201, r.body)

    def test_signups_closed_setting(self):
        a = self.make_activity(FORTRESS)
        person = self.register(self.mid)
        self.sign_up_ok(a["id"], person)
        self.enable(self.mid, signups_open=False)
        self.assertError(self.sign_up(a["id"], self.register(self.mid)["manage_token"]), 409,
                         "signups_closed")
        self.assertEqual(self.cancel_signup(a["id"], person["manage_token"]).status, 200)

    def test_signup_takes_no_fields(self):
        a = self.make_activity(FORTRESS)
        person = self.register(self.mid)
        r = self.req("POST", self.activity_url(a["id"], "/signup"), {"seats": 2},
                     token=person["manage_token"])
        self.assertError(r, 422, "unknown_field", "seats")

    def test_cancelled_registration_frees_its_signups(self):
        acts = self.programme(fortress=1, saules=1)
        leaver, first, second = self.people(3)
        self.sign_up_ok(acts["fortress"]["id"], leaver)
        self.sign_up_ok(acts["saules"]["id"], leaver)
        self.sign_up_ok(acts["fortress"]["id"], first, "waitlisted")
        self.sign_up_ok(acts["fortress"]["id"], second, "waitlisted")
        r = self.cancel(leaver["id"], token=leaver["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.signups_of(acts["fortress"]["id"]),
                         [(first["id"], "signed_up", None), (second["id"], "waitlisted", 1)])
        self.assertEqual(self.signups_of(acts["saules"]["id"]), [])
        body = self.get_registration(leaver["id"], token=leaver["manage_token"]).body
        self.assertEqual(body["plugins"][NAME]["signups"], [])


class ViewTest(CulturalTestCase):

    def test_registration_json_shows_signups(self):
        acts = self.programme(rothko=1)
        person = self.register(self.mid)
        self.sign_up_ok(acts["rothko"]["id"], self.register(self.mid))
        self.sign_up_ok(acts["fortress"]["id"], person)
        self.sign_up_ok(acts["rothko"]["id"], person, "waitlisted")
        r = self.get_registration(person["id"], token=person["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        signups = r.body["plugins"][NAME]["signups"]
        self.assertEqual([(s["activity_id"], s["status"], s["waitlist_position"])
                          for s in signups],
                         [(acts["fortress"]["id"], "signed_up", None),
                          (acts["rothko"]["id"], "waitlisted", 1)])
        self.assertEqual(signups[0]["activity"]["title_lv"], FORTRESS["title_lv"])
        self.assertEqual(signups[0]["activity"]["starts_at"], FORTRESS["starts_at"])

    def test_personal_calendar_shows_signed_up_activities(self):
        acts = self.programme(rothko=1)
        person = self.register(self.mid)
        self.sign_up_ok(acts["rothko"]["id"], self.register(self.mid))
        self.sign_up_ok(acts["svatra"]["id"], person)
        self.sign_up_ok(acts["rothko"]["id"], person, "waitlisted")
        r = self.req("GET", registration_path(person["id"]) + "/agenda.ics",
                     token=person["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        events = {e["summary"]: e for e in calendar_events(r.raw)}
        self.assertIn("Sanāksmes atklāšana", events)
        self.assertIn(SVATRA["title_lv"], events)
        self.assertNotIn(ROTHKO["title_lv"], events, "a waiting place is not in the calendar")
        self.assertNotIn(FORTRESS["title_lv"], events)
        if "start_utc" in events[SVATRA["title_lv"]]:
            self.assertEqual(events[SVATRA["title_lv"]]["start_utc"], "2015-11-05T15:45:00Z")
            self.assertEqual(events[SVATRA["title_lv"]]["end_utc"], "2015-11-05T16:15:00Z")
        # everyone else's calendar: the plenary programme only
        other = self.register(self.mid)
        r = self.req("GET", registration_path(other["id"]) + "/agenda.ics",
                     token=other["manage_token"])
        self.assertEqual([e["summary"] for e in calendar_events(r.raw)], ["Sanāksmes atklāšana"])

    def test_personal_calendar_without_plenary_items(self):
        """A meeting without plenary items still gives the person's calendar
        the activities they signed up for (calendar.c once lost them: it
        added them to the first day of a plenary agenda that had none)."""
        bare = self.agenda_meeting()["id"]
        self.enable(bare)
        a = self.make_activity(FORTRESS, mid=bare)
        person = self.register(bare)
        r = self.sign_up(a["id"], person["manage_token"], mid=bare)
        self.assertEqual(r.status, 201, r.body)
        r = self.req("GET", registration_path(person["id"]) + "/agenda.ics",
                     token=person["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual([e["summary"] for e in calendar_events(r.raw)],
                         [FORTRESS["title_lv"]])

    def test_organizer_list_of_an_activity(self):
        a = self.make_activity(FORTRESS, capacity=1)
        first = self.register(self.mid, first_name="Ilze", last_name="Bērziņa")
        second = self.register(self.mid, first_name="Jānis", last_name="Ozols")
        self.sign_up_ok(a["id"], first)
        self.sign_up_ok(a["id"], second, "waitlisted")
        r = self.req("GET", self.activity_url(a["id"], "/signups"), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["activity"]["id"], a["id"])
        self.assertEqual([(s["first_name"], s["last_name"], s["status"], s["waitlist_position"])
                          for s in r.body["signups"]],
                         [("Ilze", "Bērziņa", "signed_up", None), ("Jānis", "Ozols",
                                                                   "waitlisted", 1)])
        self.assertEqual(r.body["signups"][0]["email"], first["email"])
        # the organizer cancels someone's sign-up: the next one is promoted
        r = self.req("DELETE", self.activity_url(a["id"], "/signups/%d" % first["id"]),
                     token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.signups_of(a["id"]), [(second["id"], "signed_up", None)])
        r = self.req("GET", self.activity_url(a["id"], "/signups?status=cancelled"),
                     token=self.org)
        self.assertEqual([s["registration_id"] for s in r.body["signups"]], [first["id"]])
        self.assertError(self.req("GET", self.activity_url(a["id"], "/signups?status=x"),
                                  token=self.org), 400, "bad_request")

    def test_organizer_list_as_csv(self):
        a = self.make_activity(FORTRESS, capacity=1)
        first = self.register(self.mid, first_name="=Ilze", last_name="Bērziņa, Daugavpils")
        second = self.register(self.mid, first_name="Jānis", last_name='Ozols "Jr"')
        self.sign_up_ok(a["id"], first)
        self.sign_up_ok(a["id"], second, "waitlisted")
        r = self.req("GET", self.activity_url(a["id"], "/signups?format=csv"), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.content_type.startswith("text/csv"), r.content_type)
        self.assertIn('filename="activity-%d-signups.csv"' % a["id"],
                      r.headers.get("Content-Disposition", ""))
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        # saiets.csv's text, served with one UTF-8 BOM in front (for Excel)
        self.assertTrue(r.raw.startswith(b"\xef\xbb\xbfregistration_id,"), r.raw[:40])
        self.assertEqual(r.raw.count(b"\xef\xbb\xbf"), 1)
        rows = list(csv_module.reader(io.StringIO(r.body[1:])))
        self.assertEqual(rows[0][:4], ["registration_id", "first_name", "last_name",
                                       "organisation"])
        self.assertEqual(rows[1][:3], [str(first["id"]), "'=Ilze", "Bērziņa, Daugavpils"])
        self.assertEqual(rows[2][:3], [str(second["id"]), "Jānis", 'Ozols "Jr"'])
        self.assertEqual((rows[1][6], rows[1][7]), ("signed_up", ""))
        self.assertEqual((rows[2][6], rows[2][7]), ("waitlisted", "1"))
        self.assertTrue(r.raw.endswith(b"\r\n"))
        self.assertError(self.req("GET", self.activity_url(a["id"], "/signups?format=xml"),
                                  token=self.org), 400, "bad_request")
        self.assertEqual(self.req("GET", self.activity_url(a["id"], "/signups?format=csv"),
                                  token=first["manage_token"]).status, 403)

    def test_export_column(self):
        acts = self.programme(rothko=1)
        person = self.register(self.mid, first_name="Ilze")
        nobody = self.register(self.mid, first_name="Jānis")
        self.sign_up_ok(acts["rothko"]["id"], self.register(self.mid))
        self.sign_up_ok(acts["fortress"]["id"], person)
        self.sign_up_ok(acts["rothko"]["id"], person, "waitlisted")
        r = self.req("GET", "%s/%d/registrations" % (MEETINGS, self.mid), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(NAME + ".signups", [c["key"] for c in r.body["plugin_columns"]])
        rows = {x["id"]: x["plugin_columns"][NAME + ".signups"] for x in r.body["registrations"]}
        self.assertEqual(rows[person["id"]], "%s; %s (gaidīšanas sarakstā, 1. vieta)"
                         % (FORTRESS["title_lv"], ROTHKO["title_lv"]))
        self.assertIsNone(rows[nobody["id"]])
        csv = self.req("GET", "%s/%d/registrations?format=csv&lang=en" % (MEETINGS, self.mid),
                       token=self.org)
        self.assertEqual(csv.status, 200)
        self.assertIn(NAME + ".signups", csv.body.splitlines()[0])
        self.assertIn("%s (waiting list, position 1)" % ROTHKO["title_en"], csv.body)


class AuthTest(CulturalTestCase):

    def test_participant_routes(self):
        a = self.make_activity(FORTRESS)
        other = self.agenda_meeting()["id"]
        outsider = self.register(other)
        for method, rest in (("POST", "/activities/%d/signup" % a["id"]),
                             ("DELETE", "/activities/%d/signup" % a["id"]),
                             ("GET", "/signups")):
            with self.subTest(method=method, rest=rest):
                self.assertError(self.req(method, self.plugin_url(rest)), 401, "unauthorized")
                self.assertError(self.req(method, self.plugin_url(rest),
                                          token=outsider["manage_token"]), 403, "forbidden")
                self.assertError(self.req(method, self.plugin_url(rest), token=self.org),
                                 403, "forbidden")

    def test_organizer_routes_refuse_participants(self):
        a = self.make_activity(FORTRESS)
        person = self.register(self.mid)
        for method, rest, body in (("POST", "/activities", dict(SVATRA, capacity=5)),
                                   ("PATCH", "/activities/%d" % a["id"], {"capacity": 5}),
                                   ("DELETE", "/activities/%d" % a["id"], None),
                                   ("GET", "/activities/%d/signups" % a["id"], None),
                                   ("DELETE", "/activities/%d/signups/%d"
                                    % (a["id"], person["id"]), None)):
            with self.subTest(method=method, rest=rest):
                self.assertError(self.req(method, self.plugin_url(rest), body), 401,
                                 "unauthorized")
                self.assertError(self.req(method, self.plugin_url(rest), body,
                                          token=person["manage_token"]), 403, "forbidden")
        self.assertEqual(self.activity(a["id"])["capacity"], 20)

    def test_public_routes_need_no_token(self):
        a = self.make_activity(FORTRESS)
        self.assertEqual(self.req("GET", self.plugin_url("/activities")).status, 200)
        self.assertEqual(self.activity(a["id"])["title_en"], FORTRESS["title_en"])


class EnableTest(CulturalTestCase):

    def test_disable_removes_items_and_routes_and_keeps_data(self):
        acts = self.programme(fortress=1)
        person, waiting = self.people(2)
        self.sign_up_ok(acts["fortress"]["id"], person)
        self.sign_up_ok(acts["fortress"]["id"], waiting, "waitlisted")
        before = sorted((it["title"], it["starts_at"], it["ends_at"]) for it in self.plugin_items())
        self.assertEqual(len(before), 4)

        self.disable(self.mid)
        self.assertEqual(self.plugin_items(), [])
        self.assertEqual(len(self.agenda_items(self.mid)), 1, "the opening stays")
        self.assertError(self.req("GET", self.plugin_url("/activities")), 404, "not_found")
        self.assertError(self.sign_up(acts["saules"]["id"], person["manage_token"]), 404,
                         "not_found")
        self.assertNotIn("plugins", self.registration(person["id"]))

        self.enable(self.mid)
        after = sorted((it["title"], it["starts_at"], it["ends_at"]) for it in self.plugin_items())
        self.assertEqual(after, before)
        self.assertEqual(self.signups_of(acts["fortress"]["id"]),
                         [(person["id"], "signed_up", None), (waiting["id"], "waitlisted", 1)])
        listed = {x["id"]: x["agenda_item_id"] for x in self.activities()}
        self.assertEqual(sorted(listed.values()), sorted(it["id"] for it in self.plugin_items()))

    def test_reenabling_releases_registrations_cancelled_meanwhile(self):
        a = self.make_activity(FORTRESS, capacity=1)
        leaver, waiting = self.people(2)
        self.sign_up_ok(a["id"], leaver)
        self.sign_up_ok(a["id"], waiting, "waitlisted")
        self.disable(self.mid)
        self.assertEqual(self.cancel(leaver["id"], token=leaver["manage_token"]).status, 200)
        self.enable(self.mid)
        self.assertEqual(self.signups_of(a["id"]), [(waiting["id"], "signed_up", None)])


if __name__ == "__main__":
    unittest.main()
