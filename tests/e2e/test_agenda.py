"""The agenda of a meeting: items in local time, grouping by day, UTC instants
(summer time included), validation, PATCH/DELETE, ETag, and the problems list
(double-booked venues and speakers, too little travel time, too many people)."""

import gzip
import unittest

from harness import MEETINGS, SaietsTestCase
from helpers_agenda import AgendaMixin, venue_path


class AgendaTestCase(AgendaMixin, SaietsTestCase):
    pass


class CreateItemTest(AgendaTestCase):

    def test_create_answers_item_with_utc(self):
        m = self.agenda_meeting()
        v = self.make_venue("Domes zāle", kind="hall", capacity=120)
        speakers = [{"name": "Artis Kalējs", "role": "vecākais padomnieks",
                     "organisation": "LPS"}]
        body = self.item_body(starts_at="2015-11-05T11:00", ends_at="2015-11-05T11:45",
                              kind="lecture",
                              title="Izglītības politikas rezultātu mērīšana",
                              venue_id=v["id"], speakers=speakers,
                              description="Pirmā rinda\nOtrā rinda")
        r = self.post_item(m["id"], body)
        self.assertEqual(r.status, 201, r.body)
        self.assertJson(r)
        it = r.body
        self.assertEqual(it["starts_at"], "2015-11-05T11:00")
        self.assertEqual(it["ends_at"], "2015-11-05T11:45")
        self.assertEqual(it["starts_at_utc"], "2015-11-05T09:00:00Z")
        self.assertEqual(it["ends_at_utc"], "2015-11-05T09:45:00Z")
        self.assertEqual(it["kind"], "lecture")
        self.assertEqual(it["title"], "Izglītības politikas rezultātu mērīšana")
        self.assertEqual(it["description"], "Pirmā rinda\nOtrā rinda")
        self.assertEqual(it["venue_id"], v["id"])
        self.assertEqual(it["venue_name"], "Domes zāle")
        self.assertIsNone(it["track"])
        self.assertEqual(it["speakers"][0]["name"], "Artis Kalējs")
        self.assertEqual(it["speakers"][0]["role"], "vecākais padomnieks")
        self.assertEqual(it["speakers"][0]["organisation"], "LPS")
        self.assertIsNone(it["expected_attendance"])
        self.assertEqual(it["source"], "organizer")

    def test_item_read_back(self):
        m = self.agenda_meeting()
        it = self.add_item(m["id"], title="Atklāšana", kind="opening", track="A")
        r = self.req("GET", self.item_path(m["id"], it["id"]))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, it)

    def test_utc_10_local_is_08z_in_november(self):
        m = self.agenda_meeting()
        it = self.add_item(m["id"], starts_at="2015-11-05T10:00",
                           ends_at="2015-11-05T10:30")
        self.assertEqual((it["starts_at_utc"], it["ends_at_utc"]),
                         ("2015-11-05T08:00:00Z", "2015-11-05T08:30:00Z"))

    def test_summer_time_before_dst_change(self):
        # 25 Oct 2015, 04:00 EEST -> 03:00 EET: the 24th is still summer time
        m = self.agenda_meeting("2015-10-24", "2015-10-26")
        summer = self.add_item(m["id"], starts_at="2015-10-24T10:00",
                               ends_at="2015-10-24T11:00")
        winter = self.add_item(m["id"], starts_at="2015-10-26T10:00",
                               ends_at="2015-10-26T11:00")
        self.assertEqual(summer["starts_at_utc"], "2015-10-24T07:00:00Z")
        self.assertEqual(summer["ends_at_utc"], "2015-10-24T08:00:00Z")
        self.assertEqual(winter["starts_at_utc"], "2015-10-26T08:00:00Z")
        self.assertEqual(winter["ends_at_utc"], "2015-10-26T09:00:00Z")

    def test_item_across_the_dst_change_lasts_an_hour_longer(self):
        m = self.agenda_meeting("2015-10-24", "2015-10-26")
        it = self.add_item(m["id"], starts_at="2015-10-25T02:00",
                           ends_at="2015-10-25T05:00")
        # 02:00 EEST = 23:00Z the day before; 05:00 EET = 03:00Z: four hours
        self.assertEqual(it["starts_at_utc"], "2015-10-24T23:00:00Z")
        self.assertEqual(it["ends_at_utc"], "2015-10-25T03:00:00Z")

    def test_item_grouped_by_local_date_not_utc_date(self):
        m = self.agenda_meeting("2015-10-24", "2015-10-26")
        it = self.add_item(m["id"], starts_at="2015-10-25T01:30",
                           ends_at="2015-10-25T02:30")
        self.assertEqual(it["starts_at_utc"], "2015-10-24T22:30:00Z")
        days = self.get_agenda(m["id"])["days"]
        self.assertEqual([(d["date"], [i["id"] for i in d["items"]]) for d in days
                          if d["items"]], [("2015-10-25", [it["id"]])])

    def test_other_time_zone(self):
        m = self.agenda_meeting(timezone="Europe/London")
        it = self.add_item(m["id"], starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00")
        self.assertEqual(it["starts_at_utc"], "2015-11-05T10:00:00Z")
        self.assertEqual(self.get_agenda(m["id"])["timezone"], "Europe/London")

    def test_first_and_last_minute_of_the_meeting_accepted(self):
        m = self.agenda_meeting()
        self.add_item(m["id"], starts_at="2015-11-05T00:00", ends_at="2015-11-05T00:30")
        self.add_item(m["id"], starts_at="2015-11-06T23:00", ends_at="2015-11-06T23:59")

    def test_track_and_expected_attendance_kept(self):
        m = self.agenda_meeting()
        it = self.add_item(m["id"], kind="site_visit", track="A: Krievu licejs",
                           expected_attendance=18)
        self.assertEqual((it["track"], it["expected_attendance"]), ("A: Krievu licejs", 18))

    def test_every_kind_accepted(self):
        m = self.agenda_meeting()
        for i, kind in enumerate(["opening", "talk", "lecture", "discussion", "break",
                                  "meal", "site_visit", "cultural", "travel", "other"]):
            with self.subTest(kind=kind):
                it = self.add_item(m["id"], kind=kind, track="t%d" % i)
                self.assertEqual(it["kind"], kind)

    def test_admin_may_create(self):
        m = self.agenda_meeting()
        r = self.post_item(m["id"], self.item_body(), token=self.admin)
        self.assertEqual(r.status, 201, r.body)

    def test_without_token_401(self):
        m = self.agenda_meeting()
        r = self.req("POST", self.agenda_path(m["id"]), self.item_body())
        self.assertError(r, 401, "unauthorized")
        self.assertEqual(self.agenda_items(m["id"]), [])

    def test_participant_token_403(self):
        m = self.agenda_meeting()
        r = self.post_item(m["id"], self.item_body(), token=self.manage_token(m["id"]))
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.agenda_items(m["id"]), [])

    def test_unknown_meeting_404(self):
        r = self.post_item(999999, self.item_body())
        self.assertError(r, 404, "not_found")
        r = self.req("GET", self.agenda_path(999999))
        self.assertError(r, 404, "not_found")


def local_to_utc(local, zone):
    """"YYYY-MM-DDTHH:MM" in zone -> "YYYY-MM-DDTHH:MM:SSZ" (tz database)."""
    import datetime
    import zoneinfo
    wall = datetime.datetime.strptime(local, "%Y-%m-%dT%H:%M")
    utc = wall.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(datetime.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


class MeetingChangeTest(AgendaTestCase):

    def test_utc_follows_a_change_of_the_meetings_time_zone(self):
        # The local wall time, the meeting's zone and the UTC instant must
        # agree after the zone changes (or the change must be refused).
        m = self.agenda_meeting()
        it = self.add_item(m["id"], starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00")
        self.assertEqual(it["starts_at_utc"], "2015-11-05T08:00:00Z")
        r = self.patch_meeting(m["id"], {"timezone": "Europe/London"})
        self.assertIn(r.status, (200, 409, 422), r.body)
        ag = self.get_agenda(m["id"])
        zone = self.get_meeting(m["id"])["timezone"]
        self.assertEqual(ag["timezone"], zone)
        for got in [i for d in ag["days"] for i in d["items"]] + [
                self.req("GET", self.item_path(m["id"], it["id"])).body]:
            self.assertEqual((got["starts_at_utc"], got["ends_at_utc"]),
                             (local_to_utc(got["starts_at"], zone),
                              local_to_utc(got["ends_at"], zone)),
                             "item %s at %s in %s" % (got["id"], got["starts_at"], zone))


class ValidationTest(AgendaTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.agenda_meeting()

    def assertRefused(self, code, field, **kw):
        r = self.post_item(self.m["id"], self.item_body(**kw))
        self.assertError(r, 422, code, field)
        self.assertEqual(self.agenda_items(self.m["id"]), [], "nothing may be stored")

    def test_end_before_start(self):
        self.assertRefused("invalid_field", "ends_at", starts_at="2015-11-05T11:00",
                           ends_at="2015-11-05T10:00")

    def test_end_equal_to_start(self):
        self.assertRefused("invalid_field", "ends_at", starts_at="2015-11-05T11:00",
                           ends_at="2015-11-05T11:00")

    def test_start_before_the_meeting(self):
        self.assertRefused("invalid_field", "starts_at", starts_at="2015-11-04T10:00",
                           ends_at="2015-11-05T10:00")

    def test_start_after_the_meeting(self):
        self.assertRefused("invalid_field", "starts_at", starts_at="2015-11-07T10:00",
                           ends_at="2015-11-07T11:00")

    def test_end_after_the_meeting(self):
        self.assertRefused("invalid_field", "ends_at", starts_at="2015-11-06T23:00",
                           ends_at="2015-11-07T01:00")

    def test_malformed_times(self):
        for bad in ("10:00", "2015-11-05 10:00", "2015-11-05T25:00", "2015-11-05T10:60",
                    "2015-02-30T10:00", "5.11.2015 10:00", ""):
            with self.subTest(starts_at=bad):
                code = ("invalid_field", "missing_field") if bad == "" else "invalid_field"
                self.assertRefused(code, "starts_at", starts_at=bad)

    def test_instants_are_not_wall_times(self):
        # what the API takes is the meeting's wall time, YYYY-MM-DDTHH:MM: an
        # instant with seconds, an offset or Z is refused with a message saying so
        for bad in ("2015-11-05T10:00:00", "2015-11-05T10:00+02:00", "2015-11-05T10:00Z",
                    "2015-11-05T08:00:00Z", "2015-11-05t10:00"):
            with self.subTest(starts_at=bad):
                r = self.post_item(self.m["id"], self.item_body(starts_at=bad))
                self.assertError(r, 422, "invalid_field", "starts_at")
                self.assertEqual(r.body["error"]["message"],
                                 "starts_at: a local time YYYY-MM-DDTHH:MM in Europe/Riga, "
                                 "without seconds or offset")

    def test_time_not_a_string(self):
        self.assertRefused("invalid_field", "starts_at", starts_at=1446710400)

    def test_unknown_venue(self):
        self.assertRefused("invalid_field", "venue_id", venue_id=424242)

    def test_bad_kind(self):
        for bad in ("speech", "Talk", "", 3):
            with self.subTest(kind=bad):
                code = ("invalid_field", "missing_field") if bad == "" else "invalid_field"
                self.assertRefused(code, "kind", kind=bad)

    def test_source_is_forbidden(self):
        self.assertRefused("forbidden_field", "source", source="script:x")

    def test_utc_times_are_forbidden(self):
        self.assertRefused("forbidden_field", "starts_at_utc",
                           starts_at_utc="2015-11-05T08:00:00Z")

    def test_unknown_field(self):
        self.assertRefused("unknown_field", "room", room="101")

    def test_missing_fields(self):
        for name in ("starts_at", "ends_at", "kind", "title"):
            with self.subTest(field=name):
                body = self.item_body()
                del body[name]
                r = self.post_item(self.m["id"], body)
                self.assertError(r, 422, "missing_field", name)

    def test_title_too_long(self):
        self.assertRefused("invalid_field", "title", title="ā" * 201)

    def test_title_of_200_characters_accepted(self):
        it = self.add_item(self.m["id"], title="ā" * 200)
        self.assertEqual(it["title"], "ā" * 200)

    def test_track_too_long(self):
        self.assertRefused("invalid_field", "track", track="x" * 101)

    def test_description_too_long(self):
        self.assertRefused("invalid_field", "description", description="x" * 4001)

    def test_expected_attendance_out_of_range(self):
        for bad in (-1, 100001, "20"):
            with self.subTest(expected_attendance=bad):
                self.assertRefused("invalid_field", "expected_attendance",
                                   expected_attendance=bad)

    def test_too_many_speakers(self):
        speakers = [{"name": "Runātājs %d" % i} for i in range(21)]
        self.assertRefused("invalid_field", "speakers", speakers=speakers)

    def test_speaker_without_name(self):
        r = self.post_item(self.m["id"], self.item_body(speakers=[{"role": "vadītājs"}]))
        self.assertEqual(r.status, 422, r.body)
        self.assertErrorShape(r)
        self.assertTrue(r.body["error"].get("field", "").startswith("speakers"), r.body)

    def test_body_not_an_object(self):
        r = self.req("POST", self.agenda_path(self.m["id"]), raw="[1,2]", token=self.org)
        self.assertError(r, 400, "bad_json")


class ListingTest(AgendaTestCase):

    def test_grouped_by_day_sorted_by_time_then_track(self):
        m = self.agenda_meeting()
        mid = m["id"]
        made = {}
        # created out of order on purpose
        for key, kw in [
                ("d1-1100", dict(starts_at="2015-11-05T11:00", ends_at="2015-11-05T12:00")),
                ("d2-1000", dict(starts_at="2015-11-06T10:00", ends_at="2015-11-06T11:00")),
                ("d1-0900-B", dict(starts_at="2015-11-05T09:00", ends_at="2015-11-05T10:00",
                                   track="B")),
                ("d1-0900-C", dict(starts_at="2015-11-05T09:00", ends_at="2015-11-05T10:00",
                                   track="C")),
                ("d2-0830", dict(starts_at="2015-11-06T08:30", ends_at="2015-11-06T09:00")),
                ("d1-0900-A", dict(starts_at="2015-11-05T09:00", ends_at="2015-11-05T09:30",
                                   track="A")),
                ("d1-1000-A", dict(starts_at="2015-11-05T10:00", ends_at="2015-11-05T10:30",
                                   track="A"))]:
            made[key] = self.add_item(mid, title=key, **kw)["id"]
        ag = self.get_agenda(mid)
        self.assertEqual(ag["meeting"], mid)
        self.assertEqual(ag["timezone"], "Europe/Riga")
        self.assertEqual(ag["title"], m["title"])
        got = [(d["date"], [i["title"] for i in d["items"]]) for d in ag["days"]
               if d["items"]]
        self.assertEqual(got, [
            ("2015-11-05", ["d1-0900-A", "d1-0900-B", "d1-0900-C", "d1-1000-A", "d1-1100"]),
            ("2015-11-06", ["d2-0830", "d2-1000"])])
        ids = [i["id"] for d in ag["days"] for i in d["items"]]
        self.assertEqual(sorted(ids), sorted(made.values()))

    def test_days_in_date_order_and_items_on_their_day(self):
        m = self.agenda_meeting("2015-10-24", "2015-10-26")
        for d in ("2015-10-26", "2015-10-24", "2015-10-25"):
            self.add_item(m["id"], starts_at=d + "T10:00", ends_at=d + "T11:00", title=d)
        days = [d for d in self.get_agenda(m["id"])["days"] if d["items"]]
        self.assertEqual([d["date"] for d in days], ["2015-10-24", "2015-10-25", "2015-10-26"])
        for d in days:
            self.assertEqual([i["title"] for i in d["items"]], [d["date"]])

    def test_empty_agenda(self):
        m = self.agenda_meeting()
        ag = self.get_agenda(m["id"])
        self.assertEqual(ag["meeting"], m["id"])
        self.assertEqual([i for d in ag["days"] for i in d["items"]], [])

    def test_agendas_of_meetings_are_separate(self):
        a = self.agenda_meeting()
        b = self.agenda_meeting()
        ia = self.add_item(a["id"], title="Tikai A")
        self.assertEqual(self.agenda_items(b["id"]), [])
        r = self.req("GET", self.item_path(b["id"], ia["id"]))
        self.assertError(r, 404, "not_found")

    def test_agenda_is_public(self):
        m = self.agenda_meeting()
        self.add_item(m["id"], title="Publisks")
        r = self.req("GET", self.agenda_path(m["id"]))   # no token
        self.assertEqual(r.status, 200, r.body)


class PatchDeleteTest(AgendaTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.agenda_meeting()
        self.v = self.make_venue("Vienības nams")
        self.it = self.add_item(self.m["id"], title="Diskusija par skolu tīklu",
                                kind="discussion", venue_id=self.v["id"],
                                speakers=[{"name": "Dace Ozoliņa"}])

    def patch(self, changes, token=None, item_id=None):
        return self.req("PATCH", self.item_path(self.m["id"], item_id or self.it["id"]),
                        changes, token=self.org if token is None else token)

    def test_partial_patch_changes_only_given_fields(self):
        r = self.patch({"title": "Optimāls skolu tīkls"})
        self.assertEqual(r.status, 200, r.body)
        # the revision goes up; updated_at may move on to the next second
        expected = dict(self.it, title="Optimāls skolu tīkls",
                        sequence=self.it["sequence"] + 1, updated_at=r.body["updated_at"])
        self.assertGreaterEqual(r.body["updated_at"], self.it["updated_at"])
        self.assertEqual(r.body, expected)
        self.assertEqual(self.req("GET", self.item_path(self.m["id"], self.it["id"])).body,
                         expected)

    def test_patch_times_recomputes_utc(self):
        r = self.patch({"starts_at": "2015-11-06T14:00", "ends_at": "2015-11-06T15:00"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.body["starts_at_utc"], r.body["ends_at_utc"]),
                         ("2015-11-06T12:00:00Z", "2015-11-06T13:00:00Z"))

    def test_patch_start_past_stored_end_refused(self):
        # the item runs 10:00-11:00; a start at 11:30 alone makes it end before it starts
        r = self.patch({"starts_at": "2015-11-05T11:30"})
        self.assertError(r, 422, "invalid_field", "ends_at")
        got = self.req("GET", self.item_path(self.m["id"], self.it["id"])).body
        self.assertEqual(got, self.it)

    def test_patch_end_only(self):
        r = self.patch({"ends_at": "2015-11-05T12:15"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.body["starts_at"], r.body["ends_at"]),
                         ("2015-11-05T10:00", "2015-11-05T12:15"))

    def test_patch_null_clears_venue(self):
        r = self.patch({"venue_id": None})
        self.assertEqual(r.status, 200, r.body)
        self.assertIsNone(r.body["venue_id"])
        self.assertIsNone(r.body["venue_name"])

    def test_patch_validation_errors(self):
        cases = [({"kind": "speech"}, "invalid_field", "kind"),
                 ({"venue_id": 424242}, "invalid_field", "venue_id"),
                 ({"title": ""}, ("missing_field", "invalid_field"), "title"),
                 ({"starts_at": "2015-11-07T10:00"}, "invalid_field", "starts_at"),
                 ({"source": "organizer"}, "forbidden_field", "source"),
                 ({"id": 5}, "forbidden_field", "id"),
                 ({"room": 1}, "unknown_field", "room")]
        for changes, code, field in cases:
            with self.subTest(changes=changes):
                self.assertError(self.patch(changes), 422, code, field)
        got = self.req("GET", self.item_path(self.m["id"], self.it["id"])).body
        self.assertEqual(got, self.it)

    def test_patch_unknown_item_404(self):
        self.assertError(self.patch({"title": "x"}, item_id=999999), 404, "not_found")

    def test_patch_needs_organizer(self):
        self.assertError(self.req("PATCH", self.item_path(self.m["id"], self.it["id"]),
                                  {"title": "x"}), 401, "unauthorized")
        self.assertError(self.patch({"title": "x"}, token=self.manage_token(self.m["id"])),
                         403, "forbidden")

    def test_patch_keeps_source(self):
        r = self.patch({"title": "Cits nosaukums"})
        self.assertEqual(r.body["source"], "organizer")

    def test_delete(self):
        other = self.add_item(self.m["id"], title="Paliek", track="B")
        r = self.req("DELETE", self.item_path(self.m["id"], self.it["id"]), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"id": self.it["id"], "deleted": True})
        self.assertError(self.req("GET", self.item_path(self.m["id"], self.it["id"])),
                         404, "not_found")
        self.assertEqual([i["id"] for i in self.agenda_items(self.m["id"])], [other["id"]])
        r = self.req("DELETE", self.item_path(self.m["id"], self.it["id"]), token=self.org)
        self.assertError(r, 404, "not_found")

    def test_delete_needs_organizer(self):
        path = self.item_path(self.m["id"], self.it["id"])
        self.assertError(self.req("DELETE", path), 401, "unauthorized")
        self.assertError(self.req("DELETE", path, token=self.manage_token(self.m["id"])),
                         403, "forbidden")
        self.assertEqual(len(self.agenda_items(self.m["id"])), 1)

    def test_delete_through_another_meeting_404(self):
        other = self.agenda_meeting()
        r = self.req("DELETE", self.item_path(other["id"], self.it["id"]), token=self.org)
        self.assertError(r, 404, "not_found")
        self.assertEqual(len(self.agenda_items(self.m["id"])), 1)


class ETagTest(AgendaTestCase):

    def test_etag_304_and_change_after_writes(self):
        m = self.agenda_meeting()
        mid = m["id"]
        it = self.add_item(mid, title="Pirmais")
        path = self.agenda_path(mid)
        r1 = self.req("GET", path)
        tag1 = r1.headers.get("ETag")
        self.assertTrue(tag1, "no ETag on the agenda")
        r = self.req("GET", path, headers={"If-None-Match": tag1})
        self.assertEqual(r.status, 304, r.body)
        self.assertEqual(r.raw, b"")
        seen = {tag1}
        writes = [
            lambda: self.add_item(mid, title="Otrais", track="B"),
            lambda: self.req("PATCH", self.item_path(mid, it["id"]), {"title": "Pirmais!"},
                             token=self.org),
            lambda: self.req("DELETE", self.item_path(mid, it["id"]), token=self.org)]
        for n, write in enumerate(writes):
            with self.subTest(write=n):
                before = self.req("GET", path).headers.get("ETag")
                write()
                r = self.req("GET", path, headers={"If-None-Match": before})
                self.assertEqual(r.status, 200, "a stale ETag after write %d got %s"
                                 % (n, r.status))
                tag = r.headers.get("ETag")
                self.assertTrue(tag)
                self.assertNotIn(tag, seen)
                seen.add(tag)
                self.assertEqual(self.req("GET", path, headers={"If-None-Match": tag}).status,
                                 304)

    def test_etag_changes_when_a_venue_is_renamed(self):
        m = self.agenda_meeting()
        v = self.make_venue("Vecā zāle")
        self.add_item(m["id"], venue_id=v["id"])
        path = self.agenda_path(m["id"])
        tag = self.req("GET", path).headers.get("ETag")
        self.assertEqual(self.req("GET", path, headers={"If-None-Match": tag}).status, 304)
        r = self.req("PATCH", venue_path(v["id"]), {"name": "Jaunā zāle"},
                     token=self.org)
        self.assertEqual(r.status, 200, r.body)
        r = self.req("GET", path, headers={"If-None-Match": tag})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body["days"][0]["items"][0]["venue_name"], "Jaunā zāle")

    def test_304_while_nothing_changed_after_reading_other_meetings(self):
        # Reads are not writes: after reading the programmes of other meetings
        # (JSON, calendars, pages, problems), an agenda's ETag still answers 304.
        first = self.agenda_meeting()
        others = [self.agenda_meeting() for _ in range(29)]
        self.add_item(first["id"], title="Vienīgais")
        path = self.agenda_path(first["id"])
        tag = self.req("GET", path).headers.get("ETag")
        self.assertEqual(self.req("GET", path, headers={"If-None-Match": tag}).status, 304)
        for m in others:
            for rest in ("", ".ics", "/problems"):
                self.assertEqual(self.req("GET", self.agenda_path(m["id"], rest)).status, 200)
            self.assertEqual(self.req("GET", "/meetings/%d/agenda" % m["id"]).status, 200)
        r = self.req("GET", path, headers={"If-None-Match": tag})
        self.assertEqual(r.headers.get("ETag"), tag, "nothing was written")
        self.assertEqual(r.status, 304, "the ETag is current, so If-None-Match must give "
                         "304 (got %s)" % r.status)

    def test_gzip_for_clients_that_accept_it(self):
        # A programme big enough to be worth compressing: the gzip answer
        # inflates to exactly the plain one, has its own ETag, and both
        # answers say they vary by Accept-Encoding.
        m = self.agenda_meeting()
        for h in range(8, 18):
            self.add_item(m["id"], title="Runa %d: ko mēs iemācījāmies" % h,
                          starts_at="2015-11-05T%02d:00" % h, ends_at="2015-11-05T%02d:30" % h)
        for path in (self.agenda_path(m["id"]), self.agenda_path(m["id"], ".ics"),
                     "/meetings/%d/agenda" % m["id"]):
            with self.subTest(path=path):
                plain = self.req("GET", path)
                z = self.req("GET", path, headers={"Accept-Encoding": "br, gzip;q=0.9"})
                self.assertEqual((plain.status, z.status), (200, 200))
                self.assertIsNone(plain.headers.get("Content-Encoding"))
                self.assertEqual(z.headers.get("Content-Encoding"), "gzip")
                self.assertEqual(gzip.decompress(z.raw), plain.raw)
                self.assertLess(len(z.raw), len(plain.raw) // 2)
                for r in (plain, z):
                    vary = [v.strip() for v in r.headers.get("Vary", "").split(",")]
                    # the page varies with its language cookie too
                    self.assertEqual(vary, ["Cookie", "Accept-Encoding"] if path.startswith("/meetings/")
                                     else ["Accept-Encoding"])
                tag = z.headers.get("ETag")
                self.assertNotEqual(tag, plain.headers.get("ETag"))
                r = self.req("GET", path, headers={"Accept-Encoding": "gzip",
                                                   "If-None-Match": tag})
                self.assertEqual(r.status, 304)
                # gzip;q=0 refuses it
                r = self.req("GET", path, headers={"Accept-Encoding": "gzip;q=0, *"})
                self.assertIsNone(r.headers.get("Content-Encoding"))
                self.assertEqual(r.raw, plain.raw)

    def test_small_answers_do_not_vary(self):
        # Too small to be worth compressing: one representation, so one tag
        # whatever the client accepts, no Vary, and If-None-Match still works.
        m = self.agenda_meeting()
        path = "%s/%d" % (MEETINGS, m["id"])
        plain = self.req("GET", path)
        z = self.req("GET", path, headers={"Accept-Encoding": "gzip"})
        self.assertEqual((plain.status, z.status), (200, 200))
        self.assertLess(len(plain.raw), 1024)
        for r in (plain, z):
            self.assertIsNone(r.headers.get("Vary"))
            self.assertIsNone(r.headers.get("Content-Encoding"))
            self.assertEqual(r.headers.get("Cache-Control"), "no-cache")
        self.assertEqual(z.raw, plain.raw)
        tag = plain.headers.get("ETag")
        self.assertEqual(z.headers.get("ETag"), tag)
        r = self.req("GET", path, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
        self.assertEqual(r.status, 304)

    def test_if_none_match_star_and_head(self):
        m = self.agenda_meeting()
        self.add_item(m["id"], title="Pirmais")
        path = self.agenda_path(m["id"])
        self.assertEqual(self.req("GET", path, headers={"If-None-Match": "*"}).status, 304)
        self.assertEqual(self.req("GET", self.agenda_path(424242),
                                  headers={"If-None-Match": "*"}).status, 404)
        # HEAD: the GET's headers and no body, so that a pipelined request
        # after it gets its own answer
        full = self.req("GET", path)
        conn = self.server.connection()
        try:
            conn.request("HEAD", path)
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.getheader("Content-Length"), str(len(full.raw)))
            self.assertEqual(r.read(), b"")
            conn.request("GET", "/api/v1/health")
            r = conn.getresponse()
            self.assertEqual((r.status, r.read().strip()), (200, b'{"status":"ok"}'))
        finally:
            conn.close()

    def test_wrong_etag_gives_200(self):
        m = self.agenda_meeting()
        r = self.req("GET", self.agenda_path(m["id"]), headers={"If-None-Match": '"nope"'})
        self.assertEqual(r.status, 200)


class ProblemsTest(AgendaTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.agenda_meeting()
        self.mid = self.m["id"]

    def assertProblem(self, code, item_ids):
        found = self.problems_with(self.mid, code)
        self.assertIn(sorted(item_ids), [sorted(p["items"]) for p in found],
                      "no %s for items %s in %r" % (code, item_ids, self.get_problems(self.mid)))

    def test_clean_agenda_has_no_problems(self):
        a = self.make_venue("Domes zāle", capacity=100)
        b = self.make_venue("Saules skola", capacity=100)
        self.assertEqual(self.set_travel(a["id"], b["id"], 15).status, 200)
        self.add_item(self.mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                      venue_id=a["id"], speakers=[{"name": "Dace Ozoliņa"}],
                      expected_attendance=100)
        self.add_item(self.mid, starts_at="2015-11-05T11:00", ends_at="2015-11-05T12:00",
                      venue_id=a["id"], speakers=[{"name": "Dace Ozoliņa"}])
        self.add_item(self.mid, starts_at="2015-11-05T12:15", ends_at="2015-11-05T13:00",
                      venue_id=b["id"], speakers=[{"name": "Valdis Kļaviņš"}])
        self.assertEqual(self.get_problems(self.mid), [])

    def test_empty_agenda_has_no_problems(self):
        self.assertEqual(self.get_problems(self.mid), [])

    def test_unknown_meeting_404(self):
        self.assertError(self.req("GET", self.agenda_path(999999, "/problems")),
                         404, "not_found")

    def test_venue_double_booked(self):
        v = self.make_venue("Domes zāle")
        a = self.add_item(self.mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                          venue_id=v["id"], track="A")
        b = self.add_item(self.mid, starts_at="2015-11-05T10:30", ends_at="2015-11-05T11:30",
                          venue_id=v["id"], track="B")
        self.assertProblem("venue_double_booked", [a["id"], b["id"]])

    def test_back_to_back_in_one_venue_is_fine(self):
        v = self.make_venue("Domes zāle")
        self.add_item(self.mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                      venue_id=v["id"])
        self.add_item(self.mid, starts_at="2015-11-05T11:00", ends_at="2015-11-05T12:00",
                      venue_id=v["id"])
        self.assertEqual(self.get_problems(self.mid), [])

    def test_same_hour_in_different_venues_is_fine(self):
        a = self.make_venue("Licejs")
        b = self.make_venue("Ģimnāzija")
        self.add_item(self.mid, venue_id=a["id"], track="A")
        self.add_item(self.mid, venue_id=b["id"], track="B")
        self.assertEqual(self.get_problems(self.mid), [])

    def test_speaker_double_booked_case_insensitive(self):
        a = self.add_item(self.mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                          track="A", speakers=[{"name": "Inga Krūmiņa"}])
        b = self.add_item(self.mid, starts_at="2015-11-05T10:45", ends_at="2015-11-05T11:15",
                          track="B", speakers=[{"name": "Jānis Bērziņš"},
                                               {"name": "INGA KRŪMIŅA"}])
        self.assertProblem("speaker_double_booked", [a["id"], b["id"]])

    def test_different_speakers_at_once_are_fine(self):
        self.add_item(self.mid, track="A", speakers=[{"name": "Inga Krūmiņa"}])
        self.add_item(self.mid, track="B", speakers=[{"name": "Inga Krūmiņa-Ozola"}])
        self.assertEqual(self.get_problems(self.mid), [])

    def test_travel_too_short(self):
        a = self.make_venue("Domes zāle")
        b = self.make_venue("Poļu ģimnāzija")
        self.assertEqual(self.set_travel(a["id"], b["id"], 30).status, 200)
        x = self.add_item(self.mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                          venue_id=a["id"], title="Kafijas pauze", kind="break")
        y = self.add_item(self.mid, starts_at="2015-11-05T11:10", ends_at="2015-11-05T12:00",
                          venue_id=b["id"], title="Vizīte ģimnāzijā", kind="site_visit")
        self.assertProblem("travel_too_short", [x["id"], y["id"]])

    def test_travel_uses_the_mirrored_time(self):
        a = self.make_venue("Domes zāle")
        b = self.make_venue("Poļu ģimnāzija")
        # set b -> a only; a -> b follows it
        self.assertEqual(self.set_travel(b["id"], a["id"], 30).status, 200)
        x = self.add_item(self.mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                          venue_id=a["id"])
        y = self.add_item(self.mid, starts_at="2015-11-05T11:10", ends_at="2015-11-05T12:00",
                          venue_id=b["id"])
        self.assertProblem("travel_too_short", [x["id"], y["id"]])

    def test_enough_travel_time_is_fine(self):
        a = self.make_venue("Domes zāle")
        b = self.make_venue("Poļu ģimnāzija")
        self.assertEqual(self.set_travel(a["id"], b["id"], 30).status, 200)
        self.add_item(self.mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                      venue_id=a["id"])
        self.add_item(self.mid, starts_at="2015-11-05T11:30", ends_at="2015-11-05T12:00",
                      venue_id=b["id"])
        self.assertEqual(self.get_problems(self.mid), [])

    def test_travel_too_short_within_a_track_after_plenary(self):
        a = self.make_venue("Domes zāle")
        b = self.make_venue("Krievu licejs")
        self.assertEqual(self.set_travel(a["id"], b["id"], 20).status, 200)
        x = self.add_item(self.mid, starts_at="2015-11-06T08:30", ends_at="2015-11-06T09:00",
                          venue_id=a["id"], title="Rīta kafija", kind="break")
        y = self.add_item(self.mid, starts_at="2015-11-06T09:05", ends_at="2015-11-06T10:00",
                          venue_id=b["id"], track="A", kind="site_visit")
        self.assertProblem("travel_too_short", [x["id"], y["id"]])

    def test_over_capacity_expected_attendance(self):
        v = self.make_venue("Mazā zāle", capacity=10)
        it = self.add_item(self.mid, venue_id=v["id"], expected_attendance=11)
        self.assertProblem("over_capacity", [it["id"]])

    def test_at_capacity_is_fine(self):
        v = self.make_venue("Mazā zāle", capacity=10)
        self.add_item(self.mid, venue_id=v["id"], expected_attendance=10, track="A")
        self.assertEqual(self.get_problems(self.mid), [])

    def test_over_capacity_plenary_expects_confirmed_count(self):
        v = self.make_venue("Mazā zāle", capacity=2)
        it = self.add_item(self.mid, venue_id=v["id"])    # plenary, no expectation
        self.assertEqual(self.problems_with(self.mid, "over_capacity"), [])
        for _ in range(3):
            self.register(self.mid)
        self.assertProblem("over_capacity", [it["id"]])

    def test_travel_between_different_tracks_is_not_checked(self):
        a = self.make_venue("Krievu licejs")
        b = self.make_venue("Poļu ģimnāzija")
        self.assertEqual(self.set_travel(a["id"], b["id"], 30).status, 200)
        self.add_item(self.mid, starts_at="2015-11-06T10:00", ends_at="2015-11-06T11:00",
                      venue_id=a["id"], track="A")
        self.add_item(self.mid, starts_at="2015-11-06T11:05", ends_at="2015-11-06T12:00",
                      venue_id=b["id"], track="B")
        self.assertEqual(self.get_problems(self.mid), [])

    def test_travel_too_short_from_a_track_to_the_plenary(self):
        a = self.make_venue("Krievu licejs")
        b = self.make_venue("Saules skola")
        self.assertEqual(self.set_travel(a["id"], b["id"], 15).status, 200)
        x = self.add_item(self.mid, starts_at="2015-11-06T10:00", ends_at="2015-11-06T11:00",
                          venue_id=a["id"], track="A", kind="site_visit")
        y = self.add_item(self.mid, starts_at="2015-11-06T11:05", ends_at="2015-11-06T12:00",
                          venue_id=b["id"], kind="cultural", title="Jauniešu teātris")
        self.assertProblem("travel_too_short", [x["id"], y["id"]])

    def test_same_speaker_back_to_back_is_fine(self):
        self.add_item(self.mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T11:00",
                      speakers=[{"name": "Valdis Kļaviņš"}])
        self.add_item(self.mid, starts_at="2015-11-05T11:00", ends_at="2015-11-05T12:00",
                      speakers=[{"name": "valdis kļaviņš"}])
        self.assertEqual(self.get_problems(self.mid), [])

    def test_track_item_without_expectation_is_not_over_capacity(self):
        v = self.make_venue("Mazā zāle", capacity=2)
        self.add_item(self.mid, venue_id=v["id"], track="A")
        for _ in range(3):
            self.register(self.mid)
        self.assertEqual(self.problems_with(self.mid, "over_capacity"), [])

    def test_venue_without_capacity_is_never_over_capacity(self):
        v = self.make_venue("Cietokšņa pagalms", kind="outdoor")
        self.add_item(self.mid, venue_id=v["id"], expected_attendance=100000)
        self.assertEqual(self.get_problems(self.mid), [])

    def test_plenary_counts_confirmed_not_waitlisted(self):
        m = self.agenda_meeting(capacity=2)
        v = self.make_venue("Mazā zāle", capacity=2)
        self.add_item(m["id"], venue_id=v["id"])
        regs = [self.register(m["id"]) for _ in range(4)]
        self.assertEqual([r["status"] for r in regs], ["confirmed"] * 2 + ["waitlisted"] * 2)
        self.assertEqual(self.get_problems(m["id"]), [])

    def test_problems_never_block_saving(self):
        v = self.make_venue("Domes zāle", capacity=5)
        a = self.add_item(self.mid, venue_id=v["id"], speakers=[{"name": "Aivars"}],
                          expected_attendance=50, track="A")
        # every one of these makes a problem and is still stored (201 / 200)
        b = self.add_item(self.mid, venue_id=v["id"], speakers=[{"name": "aivars"}],
                          track="B")
        c = self.add_item(self.mid, title="Vēl viens", track="C")
        r = self.req("PATCH", self.item_path(self.mid, c["id"]),
                     {"venue_id": v["id"], "speakers": [{"name": "AIVARS"}]}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(len(self.agenda_items(self.mid)), 3)
        codes = {p["code"] for p in self.get_problems(self.mid)}
        self.assertTrue({"venue_double_booked", "speaker_double_booked",
                         "over_capacity"} <= codes, codes)
        self.assertProblem("over_capacity", [a["id"]])
        self.assertTrue(b)

    def test_problem_gone_after_fix(self):
        v = self.make_venue("Domes zāle")
        self.add_item(self.mid, venue_id=v["id"], track="A")
        b = self.add_item(self.mid, venue_id=v["id"], track="B")
        self.assertTrue(self.problems_with(self.mid, "venue_double_booked"))
        r = self.req("PATCH", self.item_path(self.mid, b["id"]),
                     {"starts_at": "2015-11-05T14:00", "ends_at": "2015-11-05T15:00"},
                     token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.get_problems(self.mid), [])

    def test_problems_are_per_meeting(self):
        v = self.make_venue("Domes zāle")
        self.add_item(self.mid, venue_id=v["id"], track="A")
        self.add_item(self.mid, venue_id=v["id"], track="B")
        other = self.agenda_meeting()
        self.assertEqual(self.get_problems(other["id"]), [])

    def test_problems_public(self):
        r = self.req("GET", self.agenda_path(self.mid, "/problems"))
        self.assertEqual(r.status, 200, r.body)


if __name__ == "__main__":
    unittest.main()
