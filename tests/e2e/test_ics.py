"""The agenda as iCalendar: GET /api/v1/meetings/{id}/agenda.ics and a
participant's GET /api/v1/registrations/{id}/agenda.ics, read back with an
independent parser (ical_check.py, on python3-icalendar) and checked against
the JSON agenda: one VEVENT per item, stable UIDs, TZID Europe/Riga, the same
instants (summer time too), Latvian letters, RFC 5545 line rules."""

import unittest

from harness import SaietsTestCase
from helpers_agenda import AgendaMixin
from helpers_ical import ical_events

LONG_TITLE = ("Ģimnāzijas apmeklējums: skolēnu ķīmijas, žurnālistikas un čella "
              "nodarbības; ūdens, ēdināšana un ņiprā Ļoļa — “Saules skola”")


class IcsTestCase(AgendaMixin, SaietsTestCase):

    def ics(self, path, token=None, status=200):
        r = self.req("GET", path, token=token)
        self.assertEqual(r.status, status, r.body)
        if status == 200:
            self.assertTrue(r.content_type.lower().startswith("text/calendar"),
                            r.content_type)
        return r

    def meeting_ics(self, mid):
        return self.ics("/api/v1/meetings/%d/agenda.ics" % mid)

    def reg_ics_path(self, reg_id):
        return "/api/v1/registrations/%d/agenda.ics" % reg_id

    def programme(self, mid):
        """A meeting with Latvian names, a track, a venue with an address, an
        item without a venue; returns the JSON items."""
        hall = self.make_venue("Daugavpils domes zāle", kind="hall",
                               address="Krišjāņa Valdemāra iela 1, Daugavpils")
        school = self.make_venue("Poļu ģimnāzija; “Ķēniņu” ēka", kind="school")
        self.add_item(mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T10:15",
                      kind="opening", title="Atklāšana: tīkla sanāksme",
                      venue_id=hall["id"], description="Pirmā rinda\nOtrā, ar komatu; un\\")
        self.add_item(mid, starts_at="2015-11-05T10:15", ends_at="2015-11-05T11:45",
                      kind="lecture", title=LONG_TITLE, venue_id=hall["id"])
        self.add_item(mid, starts_at="2015-11-06T09:20", ends_at="2015-11-06T10:20",
                      kind="site_visit", title="Daudzvalodu vide", venue_id=school["id"],
                      track="B: Poļu ģimnāzija")
        self.add_item(mid, starts_at="2015-11-06T12:00", ends_at="2015-11-06T12:20",
                      kind="travel", title="Pārbrauciens uz pusdienām")
        return self.agenda_items(mid)

    def assertMatchesAgenda(self, events, items, zone=None):
        if zone is None:
            zone = "Europe/Riga"
        self.assertEqual(len(events), len(items), "one VEVENT per item")
        by_uid = {e["uid"]: e for e in events}
        self.assertEqual(len(by_uid), len(events), "UIDs must be unique")
        for it in items:
            uid = "agenda-%d@saiets" % it["id"]
            self.assertIn(uid, by_uid, "no VEVENT for item %d" % it["id"])
            ev = by_uid[uid]
            self.assertEqual(ev["summary"], it["title"])
            self.assertEqual(ev["tzid"], zone, ev)
            self.assertEqual(ev["start_local"], it["starts_at"], ev)
            self.assertEqual(ev["start_utc"], it["starts_at_utc"], ev)
            self.assertEqual(ev["end_utc"], it["ends_at_utc"], ev)
            if it["venue_name"]:
                self.assertIsNotNone(ev["location"], ev)
                self.assertIn(it["venue_name"], ev["location"])


class MeetingCalendarTest(IcsTestCase):

    def setUp(self):
        super().setUp()
        self.mid = self.agenda_meeting()["id"]
        self.items = self.programme(self.mid)

    def test_content_type_and_parse(self):
        r = self.meeting_ics(self.mid)
        self.assertTrue(r.content_type.lower().startswith("text/calendar"), r.content_type)
        self.assertTrue(ical_events(r.raw))

    def test_one_event_per_item_matching_the_json(self):
        events = ical_events(self.meeting_ics(self.mid).raw)
        self.assertMatchesAgenda(events, self.items)

    def test_uids_stable_across_requests_and_writes(self):
        first = [e["uid"] for e in ical_events(self.meeting_ics(self.mid).raw)]
        again = [e["uid"] for e in ical_events(self.meeting_ics(self.mid).raw)]
        self.assertEqual(sorted(first), sorted(again))
        self.assertEqual(sorted(first),
                         sorted("agenda-%d@saiets" % i["id"] for i in self.items))
        new = self.add_item(self.mid, title="Vakariņas", kind="meal",
                            starts_at="2015-11-05T19:00", ends_at="2015-11-05T21:00")
        later = [e["uid"] for e in ical_events(self.meeting_ics(self.mid).raw)]
        self.assertEqual(sorted(later), sorted(first + ["agenda-%d@saiets" % new["id"]]))

    def test_changed_item_keeps_its_uid(self):
        it = self.items[0]
        r = self.req("PATCH", self.item_path(self.mid, it["id"]),
                     {"starts_at": "2015-11-05T09:30"}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        events = {e["uid"]: e for e in ical_events(self.meeting_ics(self.mid).raw)}
        ev = events["agenda-%d@saiets" % it["id"]]
        self.assertEqual((ev["start_local"], ev["start_utc"]),
                         ("2015-11-05T09:30", "2015-11-05T07:30:00Z"))
        # Calendar clients see the change: its SEQUENCE went up, and it says
        # when it was last modified.
        raw = self.meeting_ics(self.mid).raw.decode("utf-8").replace("\r\n ", "")
        block = raw.split("UID:agenda-%d@saiets" % it["id"])[1].split("END:VEVENT")[0]
        self.assertIn("\r\nSEQUENCE:1\r\n", block)
        self.assertIn("\r\nLAST-MODIFIED:", block)

    def test_deleted_item_leaves_the_calendar(self):
        gone = self.items[1]
        r = self.req("DELETE", self.item_path(self.mid, gone["id"]), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        uids = [e["uid"] for e in ical_events(self.meeting_ics(self.mid).raw)]
        self.assertNotIn("agenda-%d@saiets" % gone["id"], uids)
        self.assertEqual(len(uids), len(self.items) - 1)

    def test_dtstart_has_tzid_and_a_vtimezone(self):
        raw = self.meeting_ics(self.mid).raw.decode("utf-8")
        unfolded = raw.replace("\r\n ", "").replace("\r\n\t", "")
        lines = unfolded.split("\r\n")
        starts = [ln for ln in lines if ln.startswith("DTSTART")]
        # the VEVENTs' DTSTARTs (those of VTIMEZONE observances have no TZID)
        with_tzid = [ln for ln in starts if ln.startswith("DTSTART;TZID=")]
        self.assertEqual(len(with_tzid), len(self.items), starts)
        for ln in with_tzid:
            self.assertRegex(ln, r'^DTSTART;TZID="?Europe/Riga"?:\d{8}T\d{6}$')
        self.assertIn("BEGIN:VTIMEZONE", lines)
        self.assertIn("TZID:Europe/Riga", lines)

    def test_latvian_letters_intact(self):
        events = {e["uid"]: e for e in ical_events(self.meeting_ics(self.mid).raw)}
        by_id = {i["id"]: i for i in self.items}
        titles = {events["agenda-%d@saiets" % i]["summary"] for i in by_id}
        self.assertIn(LONG_TITLE, titles)
        self.assertIn("Atklāšana: tīkla sanāksme", titles)
        locations = {e["location"] for e in events.values() if e["location"]}
        self.assertTrue(any("Poļu ģimnāzija; “Ķēniņu” ēka" in loc for loc in locations),
                        locations)
        self.assertTrue(any("Daugavpils domes zāle" in loc for loc in locations), locations)

    def test_location_absent_without_venue(self):
        events = {e["uid"]: e for e in ical_events(self.meeting_ics(self.mid).raw)}
        travel = [i for i in self.items if i["venue_id"] is None][0]
        self.assertIn(events["agenda-%d@saiets" % travel["id"]]["location"], (None, ""))

    def test_lines_at_most_75_octets_with_crlf(self):
        raw = self.meeting_ics(self.mid).raw
        self.assertTrue(raw.endswith(b"\r\n"))
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""), "a bare LF")
        self.assertNotIn(b"\r", raw.replace(b"\r\n", b""), "a bare CR")
        lines = raw[:-2].split(b"\r\n")
        for n, line in enumerate(lines, 1):
            self.assertLessEqual(len(line), 75, "line %d: %r" % (n, line))
        # the long title had to be folded
        self.assertTrue(any(line.startswith(b" ") for line in lines))
        raw.decode("utf-8")

    def test_calendar_frame(self):
        raw = self.meeting_ics(self.mid).raw.decode("utf-8")
        lines = raw.split("\r\n")
        self.assertEqual(lines[0], "BEGIN:VCALENDAR")
        self.assertEqual(lines[-2:], ["END:VCALENDAR", ""])
        self.assertIn("VERSION:2.0", lines)
        self.assertEqual(lines.count("BEGIN:VEVENT"), len(self.items))

    def test_empty_agenda_is_a_valid_calendar(self):
        other = self.agenda_meeting()
        self.assertEqual(ical_events(self.meeting_ics(other["id"]).raw), [])

    def test_unknown_meeting_404(self):
        r = self.req("GET", "/api/v1/meetings/999999/agenda.ics")
        self.assertEqual(r.status, 404)

    def test_public(self):
        r = self.req("GET", "/api/v1/meetings/%d/agenda.ics" % self.mid)
        self.assertEqual(r.status, 200)


class DstCalendarTest(IcsTestCase):

    def test_times_round_trip_across_the_dst_change(self):
        mid = self.agenda_meeting("2015-10-24", "2015-10-26")["id"]
        self.add_item(mid, starts_at="2015-10-24T10:00", ends_at="2015-10-24T11:00",
                      title="Vasaras laikā")
        self.add_item(mid, starts_at="2015-10-25T02:00", ends_at="2015-10-25T05:00",
                      title="Pāri pārejai", track="Nakts")
        self.add_item(mid, starts_at="2015-10-26T10:00", ends_at="2015-10-26T11:00",
                      title="Ziemas laikā")
        items = self.agenda_items(mid)
        events = ical_events(self.meeting_ics(mid).raw)
        self.assertMatchesAgenda(events, items)
        by_title = {e["summary"]: e for e in events}
        self.assertEqual(by_title["Vasaras laikā"]["start_utc"], "2015-10-24T07:00:00Z")
        self.assertEqual(by_title["Ziemas laikā"]["start_utc"], "2015-10-26T08:00:00Z")
        self.assertEqual((by_title["Pāri pārejai"]["start_utc"],
                          by_title["Pāri pārejai"]["end_utc"]),
                         ("2015-10-24T23:00:00Z", "2015-10-25T03:00:00Z"))

    def test_repeated_hour_round_trips(self):
        # 25 Oct 2015: 03:00-03:59 happens twice in Riga (EEST, then EET).
        # Whichever instant the server means, the calendar must mean the same
        # one: RFC 5545 (3.3.5) reads a repeated wall time as its first
        # occurrence, which is what ical_check.py and calendar programs do.
        mid = self.agenda_meeting("2015-10-24", "2015-10-26")["id"]
        self.add_item(mid, starts_at="2015-10-25T03:30", ends_at="2015-10-25T04:30",
                      title="Atkārtotā stundā")
        self.add_item(mid, starts_at="2015-10-25T02:30", ends_at="2015-10-25T03:15",
                      title="Līdz atkārtotajai stundai", track="B")
        items = self.agenda_items(mid)
        self.assertMatchesAgenda(ical_events(self.meeting_ics(mid).raw), items)

    def test_round_trip_after_the_meeting_changes_zone(self):
        mid = self.agenda_meeting()["id"]
        self.add_item(mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                      title="Pirms zonas maiņas")
        r = self.patch_meeting(mid, {"timezone": "Europe/London"})
        self.assertIn(r.status, (200, 409, 422), r.body)
        zone = self.get_meeting(mid)["timezone"]
        self.assertMatchesAgenda(ical_events(self.meeting_ics(mid).raw),
                                 self.agenda_items(mid), zone=zone)

    def test_summer_meeting(self):
        mid = self.agenda_meeting("2015-06-22", "2015-06-23")["id"]
        self.add_item(mid, starts_at="2015-06-23T21:00", ends_at="2015-06-23T23:30",
                      title="Jāņu ugunskurs", kind="cultural")
        events = ical_events(self.meeting_ics(mid).raw)
        self.assertEqual((events[0]["start_utc"], events[0]["end_utc"]),
                         ("2015-06-23T18:00:00Z", "2015-06-23T20:30:00Z"))


class OtherZoneCalendarTest(IcsTestCase):

    def test_tzid_is_the_meetings_zone(self):
        mid = self.agenda_meeting(timezone="Europe/London")["id"]
        self.add_item(mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                      title="Londonā")
        events = ical_events(self.meeting_ics(mid).raw)
        self.assertEqual([(e["tzid"], e["start_local"], e["start_utc"]) for e in events],
                         [("Europe/London", "2015-11-05T10:00", "2015-11-05T10:00:00Z")])


class DemoCalendarTest(IcsTestCase):
    demo = True

    def test_demo_calendar_matches_its_agenda(self):
        items = self.agenda_items(1)
        self.assertTrue(items)
        self.assertMatchesAgenda(ical_events(self.meeting_ics(1).raw), items)


class RegistrationCalendarTest(IcsTestCase):

    def setUp(self):
        super().setUp()
        self.mid = self.agenda_meeting()["id"]
        self.items = self.programme(self.mid)
        self.reg = self.register(self.mid)
        self.token = self.reg["manage_token"]

    def test_with_manage_token_plenary_only(self):
        r = self.ics(self.reg_ics_path(self.reg["id"]), token=self.token)
        events = ical_events(r.raw)
        plenary = [i for i in self.items if i["track"] is None]
        self.assertTrue(len(plenary) < len(self.items))
        self.assertMatchesAgenda(events, plenary)
        tracked = {"agenda-%d@saiets" % i["id"] for i in self.items if i["track"]}
        self.assertFalse(tracked & {e["uid"] for e in events})

    def test_same_uids_as_the_meeting_calendar(self):
        mine = {e["uid"]: e for e in ical_events(
            self.ics(self.reg_ics_path(self.reg["id"]), token=self.token).raw)}
        all_ = {e["uid"]: e for e in ical_events(self.meeting_ics(self.mid).raw)}
        for uid, ev in mine.items():
            self.assertEqual(ev, all_[uid])

    def test_organizer_may_read(self):
        r = self.ics(self.reg_ics_path(self.reg["id"]), token=self.org)
        self.assertEqual(len(ical_events(r.raw)),
                         len([i for i in self.items if i["track"] is None]))

    def test_without_token_401(self):
        r = self.req("GET", self.reg_ics_path(self.reg["id"]))
        self.assertError(r, 401, "unauthorized")

    def test_unknown_token_401(self):
        bogus = "sr_%d_%s" % (self.reg["id"], "A" * 43)
        r = self.req("GET", self.reg_ics_path(self.reg["id"]), token=bogus)
        self.assertError(r, 401, "unauthorized")

    def test_another_registrations_token_403(self):
        other = self.register(self.mid)
        r = self.req("GET", self.reg_ics_path(self.reg["id"]), token=other["manage_token"])
        self.assertError(r, 403, "forbidden")
        r = self.req("GET", self.reg_ics_path(other["id"]), token=self.token)
        self.assertError(r, 403, "forbidden")

    def test_unknown_registration_404(self):
        r = self.req("GET", self.reg_ics_path(999999), token=self.org)
        self.assertError(r, 404, "not_found")

    def test_new_plenary_item_appears(self):
        path = self.reg_ics_path(self.reg["id"])
        before = len(ical_events(self.ics(path, token=self.token).raw))
        it = self.add_item(self.mid, title="Noslēgums", starts_at="2015-11-06T15:00",
                           ends_at="2015-11-06T15:30")
        self.add_item(self.mid, title="Paralēli", starts_at="2015-11-06T15:00",
                      ends_at="2015-11-06T15:30", track="C")
        events = ical_events(self.ics(path, token=self.token).raw)
        self.assertEqual(len(events), before + 1)
        self.assertIn("agenda-%d@saiets" % it["id"], [e["uid"] for e in events])

    def test_format_rules(self):
        raw = self.ics(self.reg_ics_path(self.reg["id"]), token=self.token).raw
        self.assertTrue(raw.endswith(b"\r\n"))
        for n, line in enumerate(raw[:-2].split(b"\r\n"), 1):
            self.assertLessEqual(len(line), 75, "line %d" % n)
            self.assertNotIn(b"\n", line)


if __name__ == "__main__":
    unittest.main()
