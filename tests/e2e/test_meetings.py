"""Meetings: create, read, list, patch, custom form fields, methods, access."""

import unittest

from harness import (MEETINGS, OMIT, SaietsTestCase, future_date, meeting_body, meeting_path,
                     person)


def allow_set(r):
    return {m.strip().upper() for m in (r.headers.get("Allow") or "").split(",")
            if m.strip()}


DIET = {"key": "diet", "label": {"lv": "Ēdienkarte", "en": "Diet"},
        "type": "choice", "required": True,
        "options": ["any", "vegetarian", "vegan"]}


class MeetingTestCase(SaietsTestCase):

    def post_meeting(self, body, token="organizer"):
        tok = {"organizer": self.org, "admin": self.admin}.get(token, token)
        return self.req("POST", MEETINGS, body, token=tok)

    def assertInvalid(self, body, code, field):
        r = self.post_meeting(body)
        self.assertError(r, 422, code, field)


class CreateMeetingTest(MeetingTestCase):

    def test_create_returns_201_with_defaults(self):
        body = meeting_body()
        r = self.post_meeting(body)
        self.assertEqual(r.status, 201, r.body)
        self.assertJson(r)
        m = r.body
        self.assertIsInstance(m["id"], int)
        for key in ("title", "city", "starts_on", "ends_on", "capacity"):
            self.assertEqual(m[key], body[key], key)
        self.assertEqual(m["timezone"], "Europe/Riga")
        self.assertEqual(m["status"], "open")
        self.assertIsNone(m.get("registration_opens_at"))
        self.assertIsNone(m.get("registration_closes_at"))
        self.assertIsNone(m.get("network"))
        self.assertIsNone(m.get("host"))
        self.assertEqual(m.get("fields", []), [])
        self.assertEqual((m["confirmed"], m["waitlisted"], m["seats_left"]), (0, 0, 60))

    def test_created_meeting_can_be_read_back(self):
        created = self.create_meeting(title="Sanāksme Rēzeknē", city="Rēzekne")
        self.assertEqual(self.get_meeting(created["id"]), created)

    def test_admin_may_create(self):
        r = self.post_meeting(meeting_body(), token="admin")
        self.assertEqual(r.status, 201, r.body)

    def test_status_draft_and_closed_accepted(self):
        for status in ("draft", "closed", "open"):
            with self.subTest(status=status):
                m = self.create_meeting(status=status)
                self.assertEqual(m["status"], status)

    def test_other_timezone_accepted(self):
        m = self.create_meeting(timezone="Europe/Vilnius")
        self.assertEqual(m["timezone"], "Europe/Vilnius")

    def test_registration_window_output_in_utc(self):
        m = self.create_meeting(registration_opens_at="2015-10-01T09:00:00+03:00",
                                registration_closes_at="2015-11-01T12:30:00+02:00")
        self.assertEqual(m["registration_opens_at"], "2015-10-01T06:00:00Z")
        self.assertEqual(m["registration_closes_at"], "2015-11-01T10:30:00Z")

    def test_boundary_values_accepted(self):
        cases = {
            "capacity 1": {"capacity": 1},
            "capacity 100000": {"capacity": 100000},
            "one-day meeting": {"starts_on": future_date(40), "ends_on": future_date(40)},
            "30-day meeting": {"starts_on": future_date(40), "ends_on": future_date(69)},
            "title of 200 Latvian letters": {"title": "ā" * 200},
            "city of 200 characters": {"city": "Ž" * 200},
        }
        for name, overrides in cases.items():
            with self.subTest(name):
                r = self.post_meeting(meeting_body(**overrides))
                self.assertEqual(r.status, 201, r.body)
                for k, v in overrides.items():
                    self.assertEqual(r.body[k], v)

    def test_missing_required_field(self):
        for field in ("title", "starts_on", "ends_on", "capacity"):
            with self.subTest(field=field):
                self.assertInvalid(meeting_body(**{field: OMIT}), "missing_field", field)

    def test_empty_title_is_missing(self):
        self.assertInvalid(meeting_body(title=""), "missing_field", "title")

    def test_wrong_types(self):
        cases = [
            ("title", 5),
            ("title", ["Sanāksme"]),
            ("capacity", "60"),
            ("capacity", 60.5),
            ("capacity", True),
            ("starts_on", 20151105),
            ("city", 7),
            ("status", 1),
            ("fields", "diet"),
            ("registration_opens_at", 1446714000),
        ]
        for field, value in cases:
            with self.subTest(field=field, value=value):
                self.assertInvalid(meeting_body(**{field: value}), "invalid_field", field)

    def test_values_out_of_range(self):
        cases = [
            ("capacity", 0),
            ("capacity", -5),
            ("capacity", 100001),
            ("title", "x" * 201),
            ("city", "x" * 201),
            ("starts_on", "2015-02-30"),
            ("starts_on", "05.11.2015"),
            ("timezone", "Mars/Olympus_Mons"),
            ("timezone", ""),
            ("status", "maybe"),
            ("registration_opens_at", "2015-10-01T09:00:00"),      # no offset
            ("registration_opens_at", "tomorrow"),
        ]
        for field, value in cases:
            with self.subTest(field=field, value=value):
                self.assertInvalid(meeting_body(**{field: value}), "invalid_field", field)

    def test_ends_before_start_refused(self):
        r = self.post_meeting(meeting_body(starts_on=future_date(40),
                                           ends_on=future_date(39)))
        self.assertError(r, 422, "invalid_field")
        self.assertIn(r.body["error"].get("field"), ("ends_on", "starts_on", None))

    def test_longer_than_31_days_refused(self):
        r = self.post_meeting(meeting_body(starts_on=future_date(40),
                                           ends_on=future_date(40 + 45)))
        self.assertError(r, 422, "invalid_field")
        self.assertIn(r.body["error"].get("field"), ("ends_on", "starts_on", None))

    def test_window_opening_after_closing_refused(self):
        r = self.post_meeting(meeting_body(
            registration_opens_at="2015-11-01T00:00:00Z",
            registration_closes_at="2015-10-01T00:00:00Z"))
        self.assertError(r, 422, "invalid_field")
        self.assertIn(r.body["error"].get("field"),
                      ("registration_opens_at", "registration_closes_at", None))

    def test_unknown_network_refused(self):
        self.assertInvalid(meeting_body(network=999), "invalid_field", "network")

    def test_unknown_host_refused(self):
        self.assertInvalid(meeting_body(host=999), "invalid_field", "host")

    def test_host_organisation_accepted(self):
        org = self.create_organisation("Daugavpils valstspilsētas pašvaldība")
        m = self.create_meeting(host=org["id"])
        self.assertEqual(m["host"], org["id"])

    def test_unknown_field_refused(self):
        self.assertInvalid(meeting_body(colour="zaļš"), "unknown_field", "colour")

    def test_counter_fields_cannot_be_set(self):
        for field, value in (("confirmed", 5), ("id", 77), ("seats_left", 3)):
            with self.subTest(field=field):
                r = self.post_meeting(meeting_body(**{field: value}))
                self.assertError(r, 422, ("forbidden_field", "unknown_field"), field)


class CreateMeetingDemoTest(MeetingTestCase):
    demo = True

    def test_network_accepted(self):
        m = self.create_meeting(network=1)
        self.assertEqual(m["network"], 1)


class MeetingAccessTest(MeetingTestCase):

    def test_create_without_token_401(self):
        self.assertError(self.req("POST", MEETINGS, meeting_body()), 401, "unauthorized")

    def test_create_with_garbage_token_401(self):
        r = self.req("POST", MEETINGS, meeting_body(), token="sa_" + "A" * 43)
        self.assertError(r, 401, "unauthorized")

    def test_create_as_participant_403(self):
        m = self.create_meeting()
        reg = self.register(m["id"])
        r = self.req("POST", MEETINGS, meeting_body(), token=reg["manage_token"])
        self.assertError(r, 403, "forbidden")

    def test_patch_without_token_401(self):
        m = self.create_meeting()
        r = self.req("PATCH", meeting_path(m["id"]), {"title": "Cits"})
        self.assertError(r, 401, "unauthorized")

    def test_patch_as_participant_403(self):
        m = self.create_meeting()
        reg = self.register(m["id"])
        r = self.req("PATCH", meeting_path(m["id"]), {"capacity": 1000},
                     token=reg["manage_token"])
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.get_meeting(m["id"])["capacity"], 60)

    def test_read_and_list_are_public(self):
        m = self.create_meeting()
        self.assertEqual(self.req("GET", meeting_path(m["id"])).status, 200)
        self.assertEqual(self.req("GET", MEETINGS).status, 200)


class ReadMeetingTest(MeetingTestCase):

    def test_list_sorted_by_start_then_id(self):
        a = self.create_meeting(title="A", starts_on=future_date(50), ends_on=future_date(50))
        b = self.create_meeting(title="B", starts_on=future_date(20), ends_on=future_date(21))
        c = self.create_meeting(title="C", starts_on=future_date(50), ends_on=future_date(51))
        d = self.create_meeting(title="D", starts_on=future_date(35), ends_on=future_date(35))
        r = self.req("GET", MEETINGS)
        self.assertEqual(r.status, 200)
        self.assertJson(r)
        ids = [m["id"] for m in r.body["meetings"]]
        mine = [i for i in ids if i in (a["id"], b["id"], c["id"], d["id"])]
        self.assertEqual(mine, [b["id"], d["id"], a["id"], c["id"]])

    def test_list_shows_counts(self):
        m = self.create_meeting(capacity=2)
        self.register(m["id"])
        listed = [x for x in self.req("GET", MEETINGS).body["meetings"]
                  if x["id"] == m["id"]]
        self.assertEqual(len(listed), 1)
        self.assertEqual((listed[0]["confirmed"], listed[0]["seats_left"]), (1, 1))

    def test_get_unknown_meeting_404(self):
        self.assertError(self.req("GET", meeting_path(987654)), 404, "not_found")

    def test_registration_listing_of_unknown_meeting_404(self):
        r = self.req("GET", meeting_path(987654) + "/registrations", token=self.org)
        self.assertError(r, 404, "not_found")

    def test_register_for_unknown_meeting_404(self):
        r = self.req("POST", meeting_path(987654) + "/registrations", person())
        self.assertError(r, 404, "not_found")


class DraftMeetingTest(MeetingTestCase):
    """A draft is the organizers' work in progress: to anyone without an
    organizer token it does not exist, in the list, on its own and under it."""

    def setUp(self):
        super().setUp()
        self.draft = self.create_meeting(title="Melnraksta sanāksme", status="draft")
        self.public = self.create_meeting(title="Publiskā sanāksme")

    def listed_ids(self, token=None):
        r = self.req("GET", MEETINGS, token=token)
        self.assertEqual(r.status, 200, r.body)
        return [m["id"] for m in r.body["meetings"]]

    def test_list_hides_drafts_without_organizer_token(self):
        self.assertEqual(self.listed_ids(), [self.public["id"]])
        # a participant's manage token is no organizer's either
        reg = self.register(self.public["id"])
        self.assertEqual(self.listed_ids(reg["manage_token"]), [self.public["id"]])

    def test_list_shows_drafts_to_organizers_and_admins(self):
        for token in (self.org, self.admin):
            self.assertEqual(sorted(self.listed_ids(token)),
                             sorted([self.draft["id"], self.public["id"]]))

    def test_get_draft_is_404_like_an_unknown_meeting(self):
        unknown = self.req("GET", meeting_path(987654))
        r = self.req("GET", meeting_path(self.draft["id"]))
        self.assertError(r, 404, "not_found")
        self.assertEqual(r.body["error"]["message"],
                         unknown.body["error"]["message"].replace("987654",
                                                                  str(self.draft["id"])))
        self.assertNotIn("Melnraksta", r.raw.decode("utf-8"))

    def test_get_draft_as_organizer(self):
        for token in (self.org, self.admin):
            r = self.req("GET", meeting_path(self.draft["id"]), token=token)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.body["title"], "Melnraksta sanāksme")
            self.assertEqual(r.body["status"], "draft")
        # the cached answer the organizer got is not handed to the public
        self.assertError(self.req("GET", meeting_path(self.draft["id"])), 404, "not_found")

    def test_nothing_under_a_draft_is_public(self):
        mid = self.draft["id"]
        for path in ("/api/v1/meetings/%d/agenda", "/api/v1/meetings/%d/agenda/problems",
                     "/api/v1/meetings/%d/agenda.ics", "/api/v1/meetings/%d/site-visits",
                     "/meetings/%d", "/meetings/%d/agenda"):
            with self.subTest(path=path):
                self.assertEqual(self.req("GET", path % mid).status, 404)
                r = self.req("GET", path % mid, token=self.org)
                self.assertEqual(r.status, 200, r.body)
        r = self.req("POST", meeting_path(mid) + "/registrations", person())
        self.assertError(r, 404, "not_found")

    def test_home_page_does_not_show_drafts(self):
        r = self.req("GET", "/")
        self.assertEqual(r.status, 200)
        page = r.raw.decode("utf-8")
        self.assertIn("Publiskā sanāksme", page)
        self.assertNotIn("Melnraksta", page)
        self.assertNotIn("/meetings/%d\"" % self.draft["id"], page)

    def test_opened_draft_becomes_public(self):
        self.assertEqual(self.patch_meeting(self.draft["id"], {"status": "open"}).status, 200)
        self.assertIn(self.draft["id"], self.listed_ids())
        self.assertEqual(self.get_meeting(self.draft["id"])["status"], "open")


class DraftDemoMeetingTest(MeetingTestCase):
    """The demo meeting made a draft again: its agenda items, site visits and
    plugin routes are gone for the public, there for organizers."""

    demo = True

    def test_items_visits_and_plugin_routes_of_a_draft(self):
        mid = 1
        item = self.get_json("/api/v1/meetings/%d/agenda" % mid)["days"][0]["items"][0]["id"]
        slot = self.get_json("/api/v1/meetings/%d/site-visits" % mid)["slots"][0]["id"]
        paths = ["/api/v1/meetings/%d/agenda/%d" % (mid, item),
                 "/api/v1/meetings/%d/site-visits/%d" % (mid, slot),
                 "/api/v1/meetings/%d/plugins/cultural-programme/activities" % mid]
        for path in paths:
            self.assertEqual(self.req("GET", path).status, 200, path)
        self.assertEqual(self.patch_meeting(mid, {"status": "draft"}).status, 200)
        for path in paths:
            with self.subTest(path=path):
                self.assertError(self.req("GET", path), 404, "not_found")
                self.assertEqual(self.req("GET", path, token=self.org).status, 200)

    def get_json(self, path):
        r = self.req("GET", path)
        self.assertEqual(r.status, 200, r.body)
        return r.body


class PatchMeetingTest(MeetingTestCase):

    def test_patch_changes_given_fields_only(self):
        m = self.create_meeting(city="Daugavpils")
        r = self.patch_meeting(m["id"], {"title": "Tīkla sanāksme, 2. diena",
                                          "city": "Rēzekne"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["title"], "Tīkla sanāksme, 2. diena")
        self.assertEqual(r.body["city"], "Rēzekne")
        self.assertEqual(r.body["capacity"], m["capacity"])
        self.assertEqual(r.body["starts_on"], m["starts_on"])
        self.assertEqual(self.get_meeting(m["id"]), r.body)

    def test_patch_null_clears_optional_field(self):
        m = self.create_meeting(city="Daugavpils",
                                registration_closes_at="2099-01-01T00:00:00Z")
        r = self.patch_meeting(m["id"], {"city": None, "registration_closes_at": None})
        self.assertEqual(r.status, 200, r.body)
        self.assertIsNone(r.body.get("city"))
        self.assertIsNone(r.body.get("registration_closes_at"))

    def test_patch_null_on_required_field_refused(self):
        m = self.create_meeting()
        for field in ("title", "capacity", "starts_on"):
            with self.subTest(field=field):
                r = self.patch_meeting(m["id"], {field: None})
                self.assertError(r, 422, ("missing_field", "invalid_field"), field)

    def test_patch_invalid_value_refused_and_nothing_changed(self):
        m = self.create_meeting()
        r = self.patch_meeting(m["id"], {"title": "Labs", "capacity": "daudz"})
        self.assertError(r, 422, "invalid_field", "capacity")
        self.assertEqual(self.get_meeting(m["id"])["title"], m["title"])

    def test_patch_end_before_stored_start_refused(self):
        m = self.create_meeting(starts_on=future_date(40), ends_on=future_date(41))
        r = self.patch_meeting(m["id"], {"ends_on": future_date(39)})
        self.assertError(r, 422, "invalid_field")

    def test_patch_unknown_field_refused(self):
        m = self.create_meeting()
        r = self.patch_meeting(m["id"], {"mood": "good"})
        self.assertError(r, 422, "unknown_field", "mood")

    def test_patch_counter_field_refused(self):
        m = self.create_meeting()
        r = self.patch_meeting(m["id"], {"confirmed": 0})
        self.assertError(r, 422, ("forbidden_field", "unknown_field"), "confirmed")

    def test_patch_unknown_meeting_404(self):
        r = self.patch_meeting(987654, {"title": "Nav"})
        self.assertError(r, 404, "not_found")

    def test_patch_status(self):
        m = self.create_meeting()
        r = self.patch_meeting(m["id"], {"status": "closed"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["status"], "closed")


class MethodTest(MeetingTestCase):

    def assertMethodNotAllowed(self, method, path, allowed):
        r = self.req(method, path, {} if method in ("POST", "PUT", "PATCH") else None,
                     token=self.org)
        self.assertError(r, 405, "method_not_allowed")
        self.assertTrue(allowed <= allow_set(r), "Allow: %r" % r.headers.get("Allow"))

    def test_delete_meeting_405(self):
        m = self.create_meeting()
        self.assertMethodNotAllowed("DELETE", meeting_path(m["id"]), {"GET", "PATCH"})

    def test_put_meetings_405(self):
        self.assertMethodNotAllowed("PUT", MEETINGS, {"GET", "POST"})

    def test_post_to_one_meeting_405(self):
        m = self.create_meeting()
        self.assertMethodNotAllowed("POST", meeting_path(m["id"]), {"GET", "PATCH"})

    def test_delete_health_405(self):
        self.assertMethodNotAllowed("DELETE", "/api/v1/health", {"GET"})

    def test_put_registration_405(self):
        m = self.create_meeting()
        reg = self.register(m["id"])
        self.assertMethodNotAllowed("PUT", "/api/v1/registrations/%d" % reg["id"],
                                    {"GET", "PATCH", "DELETE"})


def text_field(key="note", **kw):
    f = {"key": key, "label": {"en": "Note"}, "type": "text"}
    f.update(kw)
    return f


class CustomFieldsTest(MeetingTestCase):

    ALL_TYPES = [
        DIET,
        {"key": "topics", "label": {"lv": "Tēmas"}, "type": "multi_choice",
         "options": ["skolu tīkls", "mobilitāte", "rezultātu mērīšana"]},
        {"key": "needs_hotel", "label": {"en": "Hotel"}, "type": "boolean"},
        {"key": "arrival", "label": {"lv": "Ierašanās"}, "type": "date"},
        {"key": "guests", "label": {"en": "Guests"}, "type": "number"},
        {"key": "note", "label": {"lv": "Piezīmes", "en": "Notes"}, "type": "text",
         "max_length": 100},
    ]

    def assertFieldsRefused(self, fields, codes=("invalid_field",)):
        r = self.post_meeting(meeting_body(fields=fields))
        self.assertError(r, 422, codes)
        field = r.body["error"].get("field")
        if field is not None:
            self.assertTrue(field.startswith("fields"), r.body)

    def test_all_types_accepted_and_echoed(self):
        m = self.create_meeting(fields=self.ALL_TYPES)
        self.assertEqual([f["key"] for f in m["fields"]],
                         [f["key"] for f in self.ALL_TYPES])
        for sent, got in zip(self.ALL_TYPES, m["fields"]):
            with self.subTest(key=sent["key"]):
                self.assertEqual(got["type"], sent["type"])
                self.assertEqual(got["label"], sent["label"])
                self.assertEqual(got.get("required", False), sent.get("required", False))
                if "options" in sent:
                    self.assertEqual(got["options"], sent["options"])
        self.assertEqual(self.get_meeting(m["id"])["fields"], m["fields"])

    def test_text_max_length_defaults_to_500(self):
        m = self.create_meeting(fields=[text_field()])
        self.assertEqual(m["fields"][0].get("max_length", 500), 500)
        self.assertIs(m["fields"][0].get("required", False), False)

    def test_fifty_fields_accepted(self):
        fields = [text_field("f%d" % i) for i in range(50)]
        m = self.create_meeting(fields=fields)
        self.assertEqual(len(m["fields"]), 50)

    def test_fifty_one_fields_refused(self):
        self.assertFieldsRefused([text_field("f%d" % i) for i in range(51)])

    def test_bad_keys_refused(self):
        for key in ("Diet", "1diet", "_diet", "diet-type", "d" * 41, "", "ēdiens"):
            with self.subTest(key=key):
                self.assertFieldsRefused([text_field(key)],
                                         ("invalid_field", "missing_field"))

    def test_longest_key_accepted(self):
        m = self.create_meeting(fields=[text_field("d" + "9" * 39)])
        self.assertEqual(m["fields"][0]["key"], "d" + "9" * 39)

    def test_duplicate_keys_refused(self):
        self.assertFieldsRefused([text_field("note"), text_field("note")])

    def test_label_needs_lv_or_en(self):
        for label in ({}, {"de": "Notiz"}, "Piezīmes", {"lv": 5}):
            with self.subTest(label=label):
                self.assertFieldsRefused([text_field(label=label)],
                                         ("invalid_field", "missing_field"))

    def test_missing_label_refused(self):
        f = text_field()
        del f["label"]
        self.assertFieldsRefused([f], ("invalid_field", "missing_field"))

    def test_unknown_type_refused(self):
        self.assertFieldsRefused([text_field(type="colour")])

    def test_choice_without_options_refused(self):
        for t in ("choice", "multi_choice"):
            with self.subTest(type=t):
                self.assertFieldsRefused([{"key": "x", "label": {"en": "X"}, "type": t}],
                                         ("invalid_field", "missing_field"))

    def test_options_on_non_choice_refused(self):
        self.assertFieldsRefused([text_field(options=["a", "b"])])

    def test_bad_option_lists_refused(self):
        cases = {"empty": [], "duplicates": ["a", "a"], "not strings": ["a", 1],
                 "51 options": ["o%d" % i for i in range(51)]}
        for name, options in cases.items():
            with self.subTest(name):
                f = dict(DIET, options=options)
                self.assertFieldsRefused([f], ("invalid_field", "missing_field"))

    def test_bad_max_length_refused(self):
        for n in (0, 5001, "10"):
            with self.subTest(max_length=n):
                self.assertFieldsRefused([text_field(max_length=n)])

    def test_required_must_be_boolean(self):
        self.assertFieldsRefused([text_field(required="yes")])

    def test_unknown_member_refused(self):
        self.assertFieldsRefused([text_field(colour="blue")],
                                 ("invalid_field", "unknown_field"))

    def test_fields_can_be_patched(self):
        m = self.create_meeting()
        r = self.patch_meeting(m["id"], {"fields": [DIET]})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual([f["key"] for f in r.body["fields"]], ["diet"])

    def test_invalid_fields_patch_refused(self):
        m = self.create_meeting(fields=[DIET])
        r = self.patch_meeting(m["id"], {"fields": [text_field("Bad Key")]})
        self.assertError(r, 422, ("invalid_field", "missing_field"))
        self.assertEqual([f["key"] for f in self.get_meeting(m["id"])["fields"]], ["diet"])


if __name__ == "__main__":
    unittest.main()
