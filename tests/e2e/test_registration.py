"""Registering for a meeting and managing one's own registration."""

import datetime
import unittest

from harness import (MANAGE_TOKEN_RE, OMIT, RFC3339_UTC_RE, SaietsTestCase, person,
                     registration_path, rfc3339, utc_now)

REG_FIELDS = ("first_name", "last_name", "email", "organisation", "position")

FORM = [
    {"key": "diet", "label": {"lv": "Ēdienkarte", "en": "Diet"}, "type": "choice",
     "required": True, "options": ["any", "vegetarian", "vegan"]},
    {"key": "site_visit", "label": {"lv": "Skolas apmeklējums"}, "type": "multi_choice",
     "options": ["Krievu vidusskola-licejs", "Poļu ģimnāzija", "Saules skola"]},
    {"key": "needs_hotel", "label": {"en": "Hotel"}, "type": "boolean"},
    {"key": "arrival", "label": {"lv": "Ierašanās"}, "type": "date"},
    {"key": "guests", "label": {"en": "Guests"}, "type": "number"},
    {"key": "note", "label": {"lv": "Piezīmes"}, "type": "text", "max_length": 20},
]

GOOD_ANSWERS = {"diet": "vegetarian", "site_visit": ["Saules skola", "Poļu ģimnāzija"],
                "needs_hotel": True, "arrival": "2015-11-05", "guests": 1,
                "note": "Ierodos ar vilcienu"}


class RegistrationTestCase(SaietsTestCase):

    def setUp(self):
        super().setUp()
        self.meeting = self.create_meeting()
        self.mid = self.meeting["id"]

    def post(self, body, mid=None):
        return self.register_raw(mid or self.mid, body)

    def patch(self, reg, changes, token=None):
        return self.req("PATCH", registration_path(reg["id"]), changes,
                        token=token or reg["manage_token"])


class RegisterTest(RegistrationTestCase):

    def test_register_201_confirmed_with_manage_token(self):
        body = person()
        r = self.post(body)
        self.assertEqual(r.status, 201, r.body)
        self.assertJson(r)
        reg = r.body
        self.assertIsInstance(reg["id"], int)
        self.assertEqual(reg["meeting"], self.mid)
        self.assertEqual(reg["status"], "confirmed")
        self.assertNotIn("waitlist_position", reg)
        for key in REG_FIELDS:
            self.assertEqual(reg[key], body[key], key)
        self.assertIsNone(reg.get("phone"))

    def test_manage_token_format(self):
        reg = self.register(self.mid)
        token = reg["manage_token"]
        self.assertRegex(token, MANAGE_TOKEN_RE)
        # the token names its registration
        self.assertTrue(token.startswith("sr_%d_" % reg["id"]))

    def test_manage_tokens_are_distinct(self):
        tokens = {self.register(self.mid)["manage_token"] for _ in range(5)}
        self.assertEqual(len(tokens), 5)

    def test_timestamps_are_utc_rfc3339(self):
        before = utc_now() - datetime.timedelta(seconds=5)
        reg = self.register(self.mid)
        after = utc_now() + datetime.timedelta(seconds=5)
        for key in ("created_at", "updated_at"):
            self.assertRegex(reg[key], RFC3339_UTC_RE)
        created = datetime.datetime.strptime(reg["created_at"][:19], "%Y-%m-%dT%H:%M:%S")
        created = created.replace(tzinfo=datetime.timezone.utc)
        self.assertTrue(before <= created <= after, reg["created_at"])

    def test_meeting_counts_follow(self):
        self.register(self.mid)
        self.register(self.mid)
        m = self.get_meeting(self.mid)
        self.assertEqual((m["confirmed"], m["waitlisted"], m["seats_left"]), (2, 0, 58))

    def test_latvian_text_round_trips(self):
        reg = self.register(self.mid, first_name="Ģirts", last_name="Ķēniņš-Žīgure",
                            position="Izglītības pārvaldes vadītāja vietnieks")
        got = self.get_registration(reg["id"], token=reg["manage_token"]).body
        self.assertEqual((got["first_name"], got["last_name"], got["position"]),
                         ("Ģirts", "Ķēniņš-Žīgure", "Izglītības pārvaldes vadītāja vietnieks"))

    def test_phone_stored(self):
        reg = self.register(self.mid, phone="+371 29 123 456")
        self.assertEqual(reg["phone"], "+371 29 123 456")

    def test_missing_required_field(self):
        for field in ("first_name", "last_name", "email"):
            with self.subTest(field=field):
                self.assertError(self.post(person(**{field: OMIT})), 422,
                                 "missing_field", field)

    def test_empty_required_field_is_missing(self):
        for field in ("first_name", "last_name", "email"):
            with self.subTest(field=field):
                self.assertError(self.post(person(**{field: ""})), 422,
                                 "missing_field", field)

    def test_missing_organisation(self):
        r = self.post(person(organisation=OMIT))
        self.assertError(r, 422, "missing_field")
        self.assertIn(r.body["error"].get("field"), ("organisation", "organisation_id"))

    def test_wrong_types(self):
        for field, value in (("first_name", 42), ("email", ["a@b.lv"]),
                             ("phone", 37129123456), ("position", {"lv": "x"}),
                             ("organisation_id", "7")):
            with self.subTest(field=field):
                self.assertError(self.post(person(**{field: value})), 422,
                                 "invalid_field", field)

    def test_invalid_email(self):
        for email in ("not-an-email", "ilze@", "@example.lv", "ilze example@x.lv",
                      "a" * 250 + "@x.lv"):
            with self.subTest(email=email):
                self.assertError(self.post(person(email=email)), 422,
                                 "invalid_field", "email")

    def test_text_length_limits(self):
        cases = [("first_name", 200), ("last_name", 200), ("position", 200),
                 ("phone", 32)]
        for field, limit in cases:
            with self.subTest(field=field):
                ok = person(**{field: "ņ" * limit if field != "phone" else "1" * limit})
                self.assertEqual(self.post(ok).status, 201, field)
                too_long = person(**{field: "ņ" * (limit + 1)
                                     if field != "phone" else "1" * (limit + 1)})
                self.assertError(self.post(too_long), 422, "invalid_field", field)

    def test_bidi_controls_in_names_refused(self):
        # an override or isolate reverses how every list shows the name (and
        # what follows it); the marks reorder it, invisibly
        for field in ("first_name", "last_name", "organisation", "position"):
            for ch in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                       "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"):
                with self.subTest(field=field, ch="U+%04X" % ord(ch)):
                    # as an organizer: 44 public posts would meet the rate limit
                    r = self.req("POST", "/api/v1/meetings/%d/registrations" % self.mid,
                                 person(**{field: "Bērziņa" + ch + "anitsiŠ"}),
                                 token=self.org)
                    self.assertError(r, 422, "invalid_field", field)
        self.assertEqual(self.listing(self.mid), [])

    def test_bidi_controls_refused_in_patch(self):
        reg = self.register(self.mid)
        self.assertError(self.patch(reg, {"last_name": "\u202eanidreB"}), 422,
                         "invalid_field", "last_name")
        self.assertEqual(self.get_registration(reg["id"], token=reg["manage_token"])
                         .body["last_name"], reg["last_name"])

    def test_phone_must_be_a_phone_number(self):
        for phone in ("abc", "1234", "+371", "29123456 ext 5", "+371+29123456",
                      "=29123456", "29123456;", "371 +29123456", "(@)29123456"):
            with self.subTest(phone=phone):
                self.assertError(self.post(person(phone=phone)), 422, "invalid_field",
                                 "phone")
        for phone in ("29123456", "+371 29 123 456", "+371-2912-3456", "(+371) 2912 3456",
                      "67.123.456", "12345"):
            with self.subTest(phone=phone):
                r = self.post(person(phone=phone))
                self.assertEqual(r.status, 201, r.body)
                self.assertEqual(r.body["phone"], phone)

    def test_phone_refused_in_patch(self):
        reg = self.register(self.mid)
        self.assertError(self.patch(reg, {"phone": "nav"}), 422, "invalid_field", "phone")
        self.assertEqual(self.patch(reg, {"phone": ""}).status, 200)

    def test_unknown_field_refused(self):
        self.assertError(self.post(person(shoe_size=44)), 422, "unknown_field",
                         "shoe_size")

    def test_status_cannot_be_chosen(self):
        self.assertError(self.post(person(status="confirmed")), 422,
                         ("forbidden_field", "unknown_field"), "status")


class DuplicateEmailTest(RegistrationTestCase):

    def test_same_email_twice_409(self):
        self.register(self.mid, email="janis@example.lv")
        self.assertError(self.post(person(email="janis@example.lv")), 409,
                         "duplicate_email")

    def test_email_compared_case_insensitively(self):
        self.register(self.mid, email="Janis.Ozols@Example.LV")
        self.assertError(self.post(person(email="janis.ozols@example.lv")), 409,
                         "duplicate_email")

    def test_duplicate_not_counted(self):
        self.register(self.mid, email="janis@example.lv")
        self.post(person(email="JANIS@example.lv"))
        self.assertEqual(self.get_meeting(self.mid)["confirmed"], 1)

    def test_same_email_other_meeting_allowed(self):
        other = self.create_meeting(title="Cita sanāksme")
        self.register(self.mid, email="janis@example.lv")
        self.register(other["id"], email="janis@example.lv")

    def test_email_free_again_after_cancel(self):
        reg = self.register(self.mid, email="janis@example.lv")
        self.assertEqual(self.cancel(reg["id"], token=reg["manage_token"]).status, 200)
        again = self.register(self.mid, email="janis@example.lv")
        self.assertNotEqual(again["id"], reg["id"])

    def test_patch_to_taken_email_409(self):
        self.register(self.mid, email="anna@example.lv")
        reg = self.register(self.mid, email="liga@example.lv")
        r = self.patch(reg, {"email": "ANNA@example.lv"})
        self.assertError(r, 409, "duplicate_email")


class RegistrationWindowTest(SaietsTestCase):

    def test_before_window_opens_409(self):
        now = utc_now()
        m = self.create_meeting(registration_opens_at=rfc3339(now + datetime.timedelta(days=1)))
        self.assertError(self.register_raw(m["id"], person()), 409,
                         "registration_not_open")

    def test_after_window_closes_409(self):
        now = utc_now()
        m = self.create_meeting(
            registration_opens_at=rfc3339(now - datetime.timedelta(days=10)),
            registration_closes_at=rfc3339(now - datetime.timedelta(days=1)))
        self.assertError(self.register_raw(m["id"], person()), 409,
                         "registration_closed")

    def test_inside_window_201(self):
        now = utc_now()
        m = self.create_meeting(
            registration_opens_at=rfc3339(now - datetime.timedelta(hours=1)),
            registration_closes_at=rfc3339(now + datetime.timedelta(hours=1)))
        self.register(m["id"])

    def test_window_with_offset_respected(self):
        # opens one hour from now, the time written with a +02:00 offset
        opens = (utc_now() + datetime.timedelta(hours=1)).astimezone(
            datetime.timezone(datetime.timedelta(hours=2)))
        m = self.create_meeting(registration_opens_at=opens.isoformat())
        self.assertError(self.register_raw(m["id"], person()), 409,
                         "registration_not_open")

    def test_draft_meeting_404_to_the_public_409_to_organizers(self):
        # a draft does not exist for the public; an organizer sees why it refuses
        m = self.create_meeting(status="draft")
        self.assertError(self.register_raw(m["id"], person()), 404, "not_found")
        r = self.req("POST", "/api/v1/meetings/%d/registrations" % m["id"], person(),
                     token=self.org)
        self.assertError(r, 409, "registration_not_open")

    def test_closed_meeting_409(self):
        m = self.create_meeting(status="closed")
        self.assertError(self.register_raw(m["id"], person()), 409,
                         "registration_closed")

    def test_meeting_closed_later_409(self):
        m = self.create_meeting()
        self.register(m["id"])
        self.assertEqual(self.patch_meeting(m["id"], {"status": "closed"}).status, 200)
        self.assertError(self.register_raw(m["id"], person()), 409,
                         "registration_closed")

    def test_refused_registration_not_stored(self):
        m = self.create_meeting(status="draft")
        self.register_raw(m["id"], person())
        self.assertEqual(self.listing(m["id"]), [])


class OrganisationMatchTest(RegistrationTestCase):

    def setUp(self):
        super().setUp()
        self.rez = self.create_organisation("Rēzeknes novada pašvaldība")

    def test_exact_name_gets_id(self):
        reg = self.register(self.mid, organisation="Rēzeknes novada pašvaldība")
        self.assertEqual(reg["organisation_id"], self.rez["id"])
        self.assertEqual(reg["organisation"], "Rēzeknes novada pašvaldība")

    def test_ascii_case_difference_matched(self):
        reg = self.register(self.mid, organisation="rēzeknes NOVADA pašvaldība")
        self.assertEqual(reg["organisation_id"], self.rez["id"])
        self.assertEqual(reg["organisation"], "Rēzeknes novada pašvaldība")

    def test_latvian_letters_matched_case_insensitively(self):
        reg = self.register(self.mid, organisation="RĒZEKNES NOVADA PAŠVALDĪBA")
        self.assertEqual(reg["organisation_id"], self.rez["id"])
        self.assertEqual(reg["organisation"], "Rēzeknes novada pašvaldība")

    def test_unknown_organisation_kept_as_given(self):
        reg = self.register(self.mid, organisation="Folkloras grupa „Svātra”")
        self.assertIsNone(reg.get("organisation_id"))
        self.assertEqual(reg["organisation"], "Folkloras grupa „Svātra”")

    def test_organisation_id_fills_name(self):
        reg = self.register(self.mid, organisation=OMIT, organisation_id=self.rez["id"])
        self.assertEqual(reg["organisation_id"], self.rez["id"])
        self.assertEqual(reg["organisation"], "Rēzeknes novada pašvaldība")

    def test_directory_name_with_bidi_controls_refused(self):
        # the directory's names become registrations' organisation
        r = self.req("POST", "/api/v1/organisations",
                     {"name": "Skola \u202e1", "kind": "school"}, token=self.org)
        self.assertError(r, 422, "invalid_field", "name")

    def test_unknown_organisation_id_refused(self):
        r = self.post(person(organisation=OMIT, organisation_id=987654))
        self.assertError(r, 422, "invalid_field", "organisation_id")

    def test_patch_organisation_rematched(self):
        reg = self.register(self.mid, organisation="Nezināma biedrība")
        r = self.patch(reg, {"organisation": "rēzeknes novada pašvaldība"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["organisation_id"], self.rez["id"])
        self.assertEqual(r.body["organisation"], "Rēzeknes novada pašvaldība")


class ManageOwnRegistrationTest(RegistrationTestCase):

    def test_get_with_own_token(self):
        reg = self.register(self.mid)
        r = self.get_registration(reg["id"], token=reg["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        expected = dict(reg)
        del expected["manage_token"]
        self.assertEqual(r.body, expected)

    def test_manage_token_shown_only_once(self):
        reg = self.register(self.mid)
        r = self.get_registration(reg["id"], token=reg["manage_token"])
        self.assertNotIn("manage_token", r.body)
        self.assertNotIn(reg["manage_token"].encode(), r.raw)

    def test_patch_own_fields(self):
        reg = self.register(self.mid)
        changes = {"first_name": "Inese", "phone": "+371 20000000",
                   "position": "metodiķe", "email": "inese@example.lv"}
        r = self.patch(reg, changes)
        self.assertEqual(r.status, 200, r.body)
        for k, v in changes.items():
            self.assertEqual(r.body[k], v)
        self.assertEqual(r.body["last_name"], reg["last_name"])
        self.assertEqual(r.body["status"], "confirmed")
        self.assertNotIn("manage_token", r.body)
        got = self.get_registration(reg["id"], token=reg["manage_token"]).body
        self.assertEqual(got, r.body)

    def test_patch_updates_updated_at_only(self):
        reg = self.register(self.mid)
        r = self.patch(reg, {"position": "direktore"})
        self.assertEqual(r.body["created_at"], reg["created_at"])
        self.assertGreaterEqual(r.body["updated_at"], reg["updated_at"])

    def test_patch_null_clears_phone(self):
        reg = self.register(self.mid, phone="+371 20000000")
        r = self.patch(reg, {"phone": None})
        self.assertEqual(r.status, 200, r.body)
        self.assertIsNone(r.body.get("phone"))

    def test_patch_required_field_to_empty_refused(self):
        reg = self.register(self.mid)
        self.assertError(self.patch(reg, {"first_name": ""}), 422, "missing_field",
                         "first_name")

    def test_patch_invalid_email_refused(self):
        reg = self.register(self.mid)
        self.assertError(self.patch(reg, {"email": "nav e-pasts"}), 422,
                         "invalid_field", "email")

    def test_patch_forbidden_fields(self):
        reg = self.register(self.mid)
        other = self.create_meeting(title="Cita")
        cases = {"status": "cancelled", "meeting": other["id"], "id": 1,
                 "created_at": "2015-10-01T00:00:00Z",
                 "updated_at": "2015-10-01T00:00:00Z", "waitlist_position": 1,
                 "manage_token": "sr_" + "A" * 43}
        for field, value in cases.items():
            with self.subTest(field=field):
                self.assertError(self.patch(reg, {field: value}), 422,
                                 "forbidden_field", field)
        got = self.get_registration(reg["id"], token=reg["manage_token"]).body
        self.assertEqual((got["status"], got["meeting"]), ("confirmed", self.mid))

    def test_organizer_cannot_patch_status_either(self):
        reg = self.register(self.mid)
        self.assertError(self.patch(reg, {"status": "waitlisted"}, token=self.org),
                         422, "forbidden_field", "status")

    def test_patch_unknown_field(self):
        reg = self.register(self.mid)
        self.assertError(self.patch(reg, {"shoe_size": 44}), 422, "unknown_field",
                         "shoe_size")

    def test_refused_patch_changes_nothing(self):
        reg = self.register(self.mid)
        self.patch(reg, {"first_name": "Cits", "status": "cancelled"})
        got = self.get_registration(reg["id"], token=reg["manage_token"]).body
        self.assertEqual(got["first_name"], reg["first_name"])

    def test_cancel_own(self):
        reg = self.register(self.mid)
        r = self.cancel(reg["id"], token=reg["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        if isinstance(r.body, dict) and "status" in r.body:
            self.assertEqual(r.body["status"], "cancelled")
        self.assertEqual(self.get_meeting(self.mid)["confirmed"], 0)

    def test_cancelled_still_readable_with_manage_token(self):
        reg = self.register(self.mid)
        self.cancel(reg["id"], token=reg["manage_token"])
        r = self.get_registration(reg["id"], token=reg["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["status"], "cancelled")
        self.assertNotIn("waitlist_position", r.body)

    def test_cancelled_cannot_be_changed(self):
        reg = self.register(self.mid)
        self.cancel(reg["id"], token=reg["manage_token"])
        self.assertError(self.patch(reg, {"first_name": "Vēl"}), 409,
                         "already_cancelled")

    def test_unknown_registration_404(self):
        r = self.get_registration(987654, token=self.org)
        self.assertError(r, 404, "not_found")


class AnswersTest(RegistrationTestCase):

    def setUp(self):
        super().setUp()
        self.form = self.create_meeting(title="Ar anketu", fields=FORM)
        self.fid = self.form["id"]

    def answer(self, answers):
        return self.post(person(answers=answers), mid=self.fid)

    def with_answer(self, **changes):
        a = dict(GOOD_ANSWERS)
        a.update(changes)
        return {k: v for k, v in a.items() if v is not OMIT}

    def test_valid_answers_stored(self):
        r = self.answer(GOOD_ANSWERS)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.body["answers"], GOOD_ANSWERS)
        got = self.get_registration(r.body["id"], token=r.body["manage_token"]).body
        self.assertEqual(got["answers"], GOOD_ANSWERS)

    def test_only_required_answer_needed(self):
        r = self.answer({"diet": "any"})
        self.assertEqual(r.status, 201, r.body)

    def test_meeting_without_form_gives_empty_answers(self):
        reg = self.register(self.mid)
        self.assertEqual(reg.get("answers", {}), {})

    def test_unknown_key(self):
        self.assertError(self.answer(self.with_answer(shoe_size="44")), 422,
                         "unknown_field", "answers.shoe_size")

    def test_missing_required(self):
        self.assertError(self.answer(self.with_answer(diet=OMIT)), 422,
                         "missing_field", "answers.diet")

    def test_missing_answers_object_with_required_field(self):
        self.assertError(self.post(person(), mid=self.fid), 422,
                         "missing_field", "answers.diet")

    def test_option_not_offered(self):
        self.assertError(self.answer(self.with_answer(diet="carnivore")), 422,
                         "invalid_field", "answers.diet")

    def test_wrong_types(self):
        cases = [("diet", 1), ("diet", ["vegan"]), ("site_visit", "Saules skola"),
                 ("needs_hotel", "yes"), ("needs_hotel", 1), ("guests", "2"),
                 ("arrival", "05.11.2015"), ("arrival", "2015-02-30"),
                 ("note", 5)]
        for key, value in cases:
            with self.subTest(key=key, value=value):
                self.assertError(self.answer(self.with_answer(**{key: value})), 422,
                                 "invalid_field", "answers." + key)

    def test_multi_choice_rules(self):
        for value in (["Saules skola", "Saules skola"], ["Rīgas skola"]):
            with self.subTest(value=value):
                self.assertError(self.answer(self.with_answer(site_visit=value)), 422,
                                 "invalid_field", "answers.site_visit")

    def test_empty_multi_choice_allowed(self):
        r = self.answer(self.with_answer(site_visit=[]))
        self.assertEqual(r.status, 201, r.body)

    def test_text_max_length(self):
        self.assertEqual(self.answer(self.with_answer(note="ž" * 20)).status, 201)
        self.assertError(self.answer(self.with_answer(note="ž" * 21)), 422,
                         "invalid_field", "answers.note")

    def test_answers_must_be_object(self):
        self.assertError(self.answer(["vegan"]), 422, "invalid_field", "answers")

    def test_patch_replaces_whole_answer_object(self):
        reg = self.answer(GOOD_ANSWERS).body
        r = self.patch(reg, {"answers": {"diet": "vegan"}})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["answers"], {"diet": "vegan"})

    def test_patch_answers_checked_against_form(self):
        reg = self.answer(GOOD_ANSWERS).body
        self.assertError(self.patch(reg, {"answers": {"needs_hotel": False}}), 422,
                         "missing_field", "answers.diet")
        self.assertError(self.patch(reg, {"answers": {"diet": "fish"}}), 422,
                         "invalid_field", "answers.diet")
        got = self.get_registration(reg["id"], token=reg["manage_token"]).body
        self.assertEqual(got["answers"], GOOD_ANSWERS)


if __name__ == "__main__":
    unittest.main()
