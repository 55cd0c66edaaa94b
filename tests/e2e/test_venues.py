"""Venues: create, read, list, change, delete; access; validation; unique names
(case-insensitive, Latvian letters); travel times between venues; a venue in
use by the agenda cannot be deleted."""

import unittest

from harness import SaietsTestCase
from helpers_agenda import VENUES, AgendaMixin, travel_path, venue_path

POLISH = {"name": "J. Pilsudska Daugavpils valsts poļu ģimnāzija",
          "address": "Puškina iela 2, Daugavpils", "kind": "school", "capacity": 20,
          "lat": 55.87, "lon": 26.52, "contact_role": "direktore"}


class VenueTestCase(AgendaMixin, SaietsTestCase):

    def participant(self):
        m = self.agenda_meeting()
        return self.manage_token(m["id"])


class CrudTest(VenueTestCase):

    def test_create_answers_201_with_every_field(self):
        r = self.post_venue(POLISH)
        self.assertEqual(r.status, 201, r.body)
        self.assertJson(r)
        v = r.body
        self.assertIsInstance(v.get("id"), int)
        for key, value in POLISH.items():
            self.assertEqual(v[key], value, key)

    def test_coordinates_as_written(self):
        # the shortest text that reads back as the same double: 56.51, not
        # 56.509999999999998 (what "%.17g" writes)
        r = self.post_venue({"name": "Rēzeknes koncertzāle", "lat": 56.51, "lon": 27.3318})
        self.assertEqual(r.status, 201, r.body)
        for raw in (r.raw, self.req("GET", venue_path(r.body["id"])).raw,
                    self.req("GET", "/api/v1/venues").raw):
            text = raw.decode("utf-8")
            self.assertIn('"lat":56.51,', text)
            self.assertIn('"lon":27.3318', text)
            self.assertNotIn("56.50999", text)

    def test_defaults(self):
        v = self.make_venue("Daugavpils cietoksnis")
        self.assertEqual(v["kind"], "other")
        for key in ("address", "capacity", "lat", "lon", "contact_role"):
            self.assertIsNone(v.get(key), key)

    def test_read_back_with_empty_travel(self):
        v = self.post_venue(POLISH).body
        got = self.get_venue(v["id"])
        self.assertEqual(got["travel"], [])
        for key, value in POLISH.items():
            self.assertEqual(got[key], value, key)

    def test_listed(self):
        a = self.make_venue("Marka Rotko mākslas centrs", kind="museum")
        b = self.make_venue("Vienības nams", kind="theatre")
        venues = self.list_venues()
        by_id = {v["id"]: v for v in venues}
        self.assertEqual(by_id[a["id"]]["name"], "Marka Rotko mākslas centrs")
        self.assertEqual(by_id[b["id"]]["kind"], "theatre")

    def test_list_public(self):
        self.make_venue("Dinaburgas pils")
        r = self.req("GET", VENUES)
        self.assertEqual(r.status, 200)
        r = self.req("GET", venue_path(r.body["venues"][0]["id"]))
        self.assertEqual(r.status, 200)

    def test_every_kind_accepted(self):
        kinds = ["hall", "school", "museum", "theatre", "fortress", "restaurant", "hotel",
                 "church", "library", "outdoor", "office", "other"]
        for k in kinds:
            with self.subTest(kind=k):
                self.assertEqual(self.make_venue("Vieta %s" % k, kind=k)["kind"], k)

    def test_patch(self):
        v = self.post_venue(POLISH).body
        r = self.patch_venue(v["id"], {"capacity": 25, "contact_role": "direktora vietniece"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["capacity"], 25)
        self.assertEqual(r.body["contact_role"], "direktora vietniece")
        self.assertEqual(r.body["name"], POLISH["name"])
        self.assertEqual(r.body["address"], POLISH["address"])
        got = self.get_venue(v["id"])
        self.assertEqual((got["capacity"], got["contact_role"]), (25, "direktora vietniece"))

    def test_patch_null_clears(self):
        v = self.post_venue(POLISH).body
        r = self.patch_venue(v["id"], {"capacity": None, "lat": None, "lon": None,
                                       "address": None})
        self.assertEqual(r.status, 200, r.body)
        for key in ("capacity", "lat", "lon", "address"):
            self.assertIsNone(r.body[key], key)

    def test_patch_rename(self):
        v = self.make_venue("Vecais nosaukums")
        r = self.patch_venue(v["id"], {"name": "Jaunais nosaukums"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.get_venue(v["id"])["name"], "Jaunais nosaukums")

    def test_delete(self):
        v = self.make_venue("Pagaidu telts", kind="outdoor")
        r = self.delete_venue(v["id"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"id": v["id"], "deleted": True})
        self.assertError(self.req("GET", venue_path(v["id"])), 404, "not_found")
        self.assertNotIn(v["id"], [x["id"] for x in self.list_venues()])
        self.assertError(self.delete_venue(v["id"]), 404, "not_found")

    def test_name_free_again_after_delete(self):
        v = self.make_venue("Pagaidu telts")
        self.assertEqual(self.delete_venue(v["id"]).status, 200)
        self.make_venue("Pagaidu telts")

    def test_unknown_venue_404(self):
        self.assertError(self.req("GET", venue_path(999999)), 404, "not_found")
        self.assertError(self.patch_venue(999999, {"capacity": 3}), 404, "not_found")

    def test_malformed_id_400(self):
        self.assertError(self.req("GET", VENUES + "/abc"), 400, "bad_request")

    def test_admin_may_write(self):
        r = self.post_venue({"name": "Admina zāle"}, token=self.admin)
        self.assertEqual(r.status, 201, r.body)


class AccessTest(VenueTestCase):

    def setUp(self):
        super().setUp()
        self.a = self.make_venue("Domes zāle")
        self.b = self.make_venue("Saules skola")

    def writes(self):
        a, b = self.a["id"], self.b["id"]
        return [("POST", VENUES, {"name": "Cita zāle"}),
                ("PATCH", venue_path(a), {"capacity": 5}),
                ("DELETE", venue_path(b), None),
                ("PUT", travel_path(a, b), {"minutes": 5})]

    def assertUnchanged(self):
        self.assertEqual(sorted(v["name"] for v in self.list_venues()),
                         sorted(["Domes zāle", "Saules skola"]))
        self.assertIsNone(self.get_venue(self.a["id"])["capacity"])
        self.assertEqual(self.travel_of(self.a["id"]), {})

    def test_writes_without_token_401(self):
        for method, path, body in self.writes():
            with self.subTest(method=method, path=path):
                self.assertError(self.req(method, path, body), 401, "unauthorized")
        self.assertUnchanged()

    def test_writes_with_unknown_token_401(self):
        bogus = "sa_1_" + "A" * 43
        for method, path, body in self.writes():
            with self.subTest(method=method, path=path):
                self.assertError(self.req(method, path, body, token=bogus), 401,
                                 "unauthorized")
        self.assertUnchanged()

    def test_writes_with_participant_token_403(self):
        token = self.participant()
        for method, path, body in self.writes():
            with self.subTest(method=method, path=path):
                self.assertError(self.req(method, path, body, token=token), 403, "forbidden")
        self.assertUnchanged()


class ValidationTest(VenueTestCase):

    def assertRefused(self, body, code, field):
        r = self.post_venue(body)
        self.assertError(r, 422, code, field)
        self.assertEqual(self.list_venues(), [], "nothing may be stored")

    def test_missing_name(self):
        self.assertRefused({"kind": "hall"}, "missing_field", "name")

    def test_empty_name(self):
        self.assertRefused({"name": ""}, ("missing_field", "invalid_field"), "name")

    def test_name_too_long(self):
        self.assertRefused({"name": "ā" * 201}, "invalid_field", "name")

    def test_name_of_200_characters_accepted(self):
        self.assertEqual(self.make_venue("ā" * 200)["name"], "ā" * 200)

    def test_name_not_a_string(self):
        self.assertRefused({"name": 42}, "invalid_field", "name")

    def test_bad_kind(self):
        for bad in ("stadium", "Hall", 1):
            with self.subTest(kind=bad):
                self.assertRefused({"name": "Vieta", "kind": bad}, "invalid_field", "kind")

    def test_address_too_long(self):
        self.assertRefused({"name": "Vieta", "address": "x" * 301}, "invalid_field",
                           "address")

    def test_contact_role_too_long(self):
        self.assertRefused({"name": "Vieta", "contact_role": "x" * 201}, "invalid_field",
                           "contact_role")

    def test_capacity_out_of_range(self):
        for bad in (0, -5, 1000001, "20", 2.5):
            with self.subTest(capacity=bad):
                self.assertRefused({"name": "Vieta", "capacity": bad}, "invalid_field",
                                   "capacity")

    def test_capacity_bounds_accepted(self):
        self.assertEqual(self.make_venue("Mazā", capacity=1)["capacity"], 1)
        self.assertEqual(self.make_venue("Lielā", capacity=1000000)["capacity"], 1000000)

    def test_lat_without_lon(self):
        r = self.post_venue({"name": "Vieta", "lat": 55.87})
        self.assertEqual(r.status, 422, r.body)
        self.assertErrorShape(r)
        self.assertEqual(r.body["error"]["code"], "invalid_field")
        self.assertIn(r.body["error"].get("field"), ("lat", "lon"), r.body)

    def test_lon_without_lat(self):
        r = self.post_venue({"name": "Vieta", "lon": 26.52})
        self.assertEqual(r.status, 422, r.body)
        self.assertIn(r.body["error"].get("field"), ("lat", "lon"), r.body)

    def test_coordinates_out_of_range(self):
        self.assertRefused({"name": "Vieta", "lat": 91, "lon": 26.5}, "invalid_field", "lat")
        self.assertRefused({"name": "Vieta", "lat": 55.8, "lon": 181}, "invalid_field", "lon")

    def test_unknown_field(self):
        self.assertRefused({"name": "Vieta", "phone": "+371 2000000"}, "unknown_field",
                           "phone")

    def test_read_only_fields(self):
        for key, value in (("id", 7), ("travel", [])):
            with self.subTest(field=key):
                self.assertRefused({"name": "Vieta", key: value}, "forbidden_field", key)

    def test_patch_validation(self):
        v = self.post_venue(POLISH).body
        cases = [({"name": ""}, ("missing_field", "invalid_field"), "name"),
                 ({"kind": "stadium"}, "invalid_field", "kind"),
                 ({"capacity": 0}, "invalid_field", "capacity"),
                 ({"id": 99}, "forbidden_field", "id"),
                 ({"phone": "1"}, "unknown_field", "phone")]
        for changes, code, field in cases:
            with self.subTest(changes=changes):
                self.assertError(self.patch_venue(v["id"], changes), 422, code, field)
        got = self.get_venue(v["id"])
        for key, value in POLISH.items():
            self.assertEqual(got[key], value, key)

    def test_patch_coordinates_checked_as_a_pair(self):
        v = self.post_venue(POLISH).body
        r = self.patch_venue(v["id"], {"lat": None})
        self.assertEqual(r.status, 422, r.body)
        self.assertIn(r.body["error"].get("field"), ("lat", "lon"), r.body)
        r = self.patch_venue(v["id"], {"lat": 55.88})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.body["lat"], r.body["lon"]), (55.88, POLISH["lon"]))
        r = self.patch_venue(v["id"], {"lat": None, "lon": None})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.body["lat"], r.body["lon"]), (None, None))

    def test_body_not_json(self):
        r = self.req("POST", VENUES, raw="{name:", token=self.org)
        self.assertError(r, 400, "bad_json")


class DuplicateNameTest(VenueTestCase):

    def test_same_name_409(self):
        self.make_venue("Rēzeknes Zaļā sinagoga")
        r = self.post_venue({"name": "Rēzeknes Zaļā sinagoga"})
        self.assertError(r, 409, "duplicate_name")

    def test_case_insensitive_with_latvian_letters(self):
        self.make_venue("Rēzeknes Zaļā sinagoga")
        for other in ("RĒZEKNES ZAĻĀ SINAGOGA", "rēzeknes zaļā sinagoga",
                      "rĒzEkNeS zAļĀ SiNaGoGa"):
            with self.subTest(name=other):
                self.assertError(self.post_venue({"name": other}), 409, "duplicate_name")
        self.assertEqual(len(self.list_venues()), 1)

    def test_more_latvian_capitals(self):
        self.make_venue("Ķeguma čūskas ģimnāzija ņūfaundlendā")
        r = self.post_venue({"name": "ĶEGUMA ČŪSKAS ĢIMNĀZIJA ŅŪFAUNDLENDĀ"})
        self.assertError(r, 409, "duplicate_name")

    def test_diacritics_are_not_case(self):
        # case-insensitive, not accent-insensitive: these are different words
        self.make_venue("Zāle")
        self.assertEqual(self.post_venue({"name": "Zale"}).status, 201)

    def test_rename_onto_another_name_409(self):
        self.make_venue("Domes zāle")
        v = self.make_venue("Saules skola")
        r = self.patch_venue(v["id"], {"name": "DOMES ZĀLE"})
        self.assertError(r, 409, "duplicate_name")
        self.assertEqual(self.get_venue(v["id"])["name"], "Saules skola")

    def test_rename_own_case_allowed(self):
        v = self.make_venue("domes zāle")
        r = self.patch_venue(v["id"], {"name": "Domes Zāle"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["name"], "Domes Zāle")


class TravelTest(VenueTestCase):

    def setUp(self):
        super().setUp()
        self.a = self.make_venue("Domes zāle")["id"]
        self.b = self.make_venue("Poļu ģimnāzija")["id"]
        self.c = self.make_venue("Krievu licejs")["id"]

    def put(self, a, b, minutes):
        r = self.set_travel(a, b, minutes)
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        self.assertEqual(r.body, {"from": a, "to": b, "minutes": minutes})
        return r

    def test_set_is_symmetric(self):
        self.put(self.a, self.b, 15)
        self.assertEqual(self.travel_of(self.a), {self.b: 15})
        self.assertEqual(self.travel_of(self.b), {self.a: 15})
        self.assertEqual(self.travel_of(self.c), {})

    def test_changing_one_direction_moves_its_mirror(self):
        self.put(self.a, self.b, 15)
        self.put(self.a, self.b, 25)
        self.assertEqual(self.travel_of(self.a), {self.b: 25})
        self.assertEqual(self.travel_of(self.b), {self.a: 25})

    def test_both_directions_explicit(self):
        self.put(self.a, self.b, 15)
        self.put(self.b, self.a, 20)
        self.assertEqual(self.travel_of(self.a), {self.b: 15})
        self.assertEqual(self.travel_of(self.b), {self.a: 20})
        # b -> a was set explicitly: setting a -> b again leaves it alone
        self.put(self.a, self.b, 30)
        self.assertEqual(self.travel_of(self.a), {self.b: 30})
        self.assertEqual(self.travel_of(self.b), {self.a: 20})

    def test_several_destinations(self):
        self.put(self.a, self.b, 10)
        self.put(self.a, self.c, 15)
        self.assertEqual(self.travel_of(self.a), {self.b: 10, self.c: 15})
        self.assertEqual(self.travel_of(self.b), {self.a: 10})
        self.assertEqual(self.travel_of(self.c), {self.a: 15})

    def test_bounds(self):
        self.put(self.a, self.b, 0)
        self.put(self.a, self.c, 1440)
        for bad in (-1, 1441, "15", 2.5, None):
            with self.subTest(minutes=bad):
                # null may read as "absent" (missing_field) or as a wrong type
                code = ("invalid_field", "missing_field") if bad is None else "invalid_field"
                self.assertError(self.set_travel(self.a, self.b, bad), 422, code, "minutes")
        self.assertEqual(self.travel_of(self.a), {self.b: 0, self.c: 1440})

    def test_missing_minutes(self):
        r = self.req("PUT", travel_path(self.a, self.b), {},
                     token=self.org)
        self.assertError(r, 422, "missing_field", "minutes")

    def test_unknown_field(self):
        r = self.req("PUT", travel_path(self.a, self.b),
                     {"minutes": 5, "by": "bus"}, token=self.org)
        self.assertError(r, 422, "unknown_field", "by")

    def test_to_itself_refused(self):
        r = self.set_travel(self.a, self.a, 5)
        self.assertIn(r.status, (400, 422), r.body)
        self.assertErrorShape(r)
        self.assertEqual(self.travel_of(self.a), {})

    def test_to_unknown_venue_404(self):
        self.assertError(self.set_travel(self.a, 999999, 10), 404, "not_found")
        self.assertError(self.set_travel(999999, self.a, 10), 404, "not_found")
        self.assertEqual(self.travel_of(self.a), {})

    def test_to_deleted_venue_404(self):
        self.assertEqual(self.delete_venue(self.c).status, 200)
        self.assertError(self.set_travel(self.a, self.c, 10), 404, "not_found")

    def test_deleted_venue_leaves_no_travel_behind(self):
        self.put(self.a, self.c, 10)
        self.assertEqual(self.delete_venue(self.c).status, 200)
        self.assertEqual(self.travel_of(self.a), {})


class InUseTest(VenueTestCase):

    def test_delete_in_use_409_then_allowed(self):
        m = self.agenda_meeting()
        v = self.make_venue("Saules skola", kind="school")
        it = self.add_item(m["id"], venue_id=v["id"], kind="site_visit")
        r = self.delete_venue(v["id"])
        self.assertError(r, 409, "in_use")
        self.assertEqual(self.get_venue(v["id"])["name"], "Saules skola")
        self.assertEqual(self.agenda_items(m["id"])[0]["venue_id"], v["id"])
        r = self.req("DELETE", self.item_path(m["id"], it["id"]), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        r = self.delete_venue(v["id"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"id": v["id"], "deleted": True})

    def test_in_use_by_another_meeting(self):
        m1 = self.agenda_meeting()
        m2 = self.agenda_meeting()
        v = self.make_venue("Domes zāle")
        self.add_item(m1["id"], title="Pirmajā")
        it = self.add_item(m2["id"], venue_id=v["id"], title="Otrajā")
        self.assertError(self.delete_venue(v["id"]), 409, "in_use")
        r = self.req("PATCH", self.item_path(m2["id"], it["id"]), {"venue_id": None},
                     token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.delete_venue(v["id"]).status, 200)


if __name__ == "__main__":
    unittest.main()
