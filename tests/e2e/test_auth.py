"""Who may see and change what; tokens never leak."""

import sqlite3
import unittest

from harness import SaietsTestCase, registration_path


class AuthTestCase(SaietsTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.create_meeting(capacity=10)
        self.a = self.register(self.m["id"], first_name="Anna", email="anna@example.lv")
        self.b = self.register(self.m["id"], first_name="Baiba", email="baiba@example.lv")

    def list_path(self, query=""):
        return "/api/v1/meetings/%d/registrations%s" % (self.m["id"], query)


class ParticipantTest(AuthTestCase):

    def test_cannot_read_another(self):
        r = self.req("GET", registration_path(self.b["id"]), token=self.a["manage_token"])
        self.assertError(r, 403, "forbidden")
        self.assertNotIn(b"baiba@example.lv", r.raw)

    def test_cannot_patch_another(self):
        r = self.req("PATCH", registration_path(self.b["id"]), {"first_name": "Uzlauzts"},
                     token=self.a["manage_token"])
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.registration(self.b["id"])["first_name"], "Baiba")

    def test_cannot_cancel_another(self):
        r = self.req("DELETE", registration_path(self.b["id"]), token=self.a["manage_token"])
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.registration(self.b["id"])["status"], "confirmed")

    def test_cannot_list(self):
        r = self.req("GET", self.list_path(), token=self.a["manage_token"])
        self.assertError(r, 403, "forbidden")

    def test_cannot_list_csv(self):
        r = self.req("GET", self.list_path("?format=csv"), token=self.a["manage_token"])
        self.assertError(r, 403, "forbidden")

    def test_cannot_read_audit(self):
        r = self.req("GET", "/api/v1/audit", token=self.a["manage_token"])
        self.assertError(r, 403, "forbidden")

    def test_cannot_create_organisation(self):
        r = self.req("POST", "/api/v1/organisations",
                     {"name": "Mana biedrība", "kind": "association"},
                     token=self.a["manage_token"])
        self.assertError(r, 403, "forbidden")

    def test_cancelled_token_cannot_touch_others(self):
        self.cancel(self.a["id"], token=self.a["manage_token"])
        r = self.req("GET", registration_path(self.b["id"]), token=self.a["manage_token"])
        self.assertError(r, 403, "forbidden")


class NoOrBadTokenTest(AuthTestCase):

    BAD_TOKENS = [
        "sr_" + "A" * 43,                 # well-formed, unknown
        "sa_" + "A" * 43,                 # well-formed account token, unknown
        "garbage",
        "sr_short",
        "",
    ]

    def test_no_token_401(self):
        for method, path in (("GET", registration_path(self.a["id"])),
                             ("PATCH", registration_path(self.a["id"])),
                             ("DELETE", registration_path(self.a["id"])),
                             ("GET", self.list_path()),
                             ("GET", "/api/v1/audit")):
            with self.subTest(method=method, path=path):
                body = {"first_name": "X"} if method == "PATCH" else None
                self.assertError(self.req(method, path, body), 401, "unauthorized")

    def test_unknown_or_malformed_token_401(self):
        for tok in self.BAD_TOKENS:
            with self.subTest(token=tok):
                r = self.req("GET", registration_path(self.a["id"]), token=tok)
                self.assertError(r, 401, "unauthorized")

    def test_token_with_one_character_changed_401(self):
        tok = self.a["manage_token"]
        flipped = tok[:-1] + ("B" if tok[-1] != "B" else "C")
        r = self.req("GET", registration_path(self.a["id"]), token=flipped)
        self.assertError(r, 401, "unauthorized")

    def test_other_auth_schemes_401(self):
        for value in ("Basic YWRtaW46YWRtaW4=", "Token " + self.org, self.org,
                      "Bearer"):
            with self.subTest(header=value):
                r = self.req("GET", self.list_path(), headers={"Authorization": value})
                self.assertError(r, 401, "unauthorized")

    def test_bad_token_on_public_endpoint_is_401_or_ignored(self):
        # a public endpoint may ignore credentials or reject bad ones; it must
        # not crash or leak anything either way
        r = self.req("GET", "/api/v1/meetings", token="garbage")
        self.assertIn(r.status, (200, 401))


class OrganizerTest(AuthTestCase):

    def test_organizer_reads_anyone(self):
        for reg in (self.a, self.b):
            r = self.req("GET", registration_path(reg["id"]), token=self.org)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.body["email"], reg["email"])

    def test_organizer_patches_anyone(self):
        r = self.req("PATCH", registration_path(self.b["id"]), {"position": "skolotāja"},
                     token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["position"], "skolotāja")

    def test_admin_reads_and_lists(self):
        self.assertEqual(self.req("GET", registration_path(self.a["id"]),
                                  token=self.admin).status, 200)
        self.assertEqual(self.req("GET", self.list_path(), token=self.admin).status, 200)

    def test_organizer_cannot_read_audit(self):
        self.assertError(self.req("GET", "/api/v1/audit", token=self.org), 403,
                         "forbidden")

    def test_admin_reads_audit(self):
        r = self.req("GET", "/api/v1/audit", token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        self.assertIsInstance(r.body.get("entries"), list)
        actions = [e.get("action") for e in r.body["entries"]]
        self.assertIn("meeting.create", actions)


class TokenLeakTest(AuthTestCase):

    def all_manage_tokens(self):
        return [self.a["manage_token"], self.b["manage_token"]]

    def test_json_listing_has_no_manage_tokens(self):
        r = self.req("GET", self.list_path(), token=self.org)
        self.assertEqual(r.status, 200)
        for reg in r.body["registrations"]:
            self.assertNotIn("manage_token", reg)
        for tok in self.all_manage_tokens():
            self.assertNotIn(tok.encode(), r.raw)
        self.assertNotIn(b"sr_", r.raw)

    def test_csv_listing_has_no_manage_tokens(self):
        r = self.req("GET", self.list_path("?format=csv"), token=self.org)
        self.assertEqual(r.status, 200)
        self.assertNotIn(b"manage_token", r.raw)
        self.assertNotIn(b"sr_", r.raw)

    def test_filtered_listings_have_no_manage_tokens(self):
        for status in ("confirmed", "waitlisted", "cancelled"):
            with self.subTest(status=status):
                r = self.req("GET", self.list_path("?status=" + status), token=self.org)
                self.assertNotIn(b"sr_", r.raw)

    def test_organizer_read_has_no_manage_token(self):
        r = self.req("GET", registration_path(self.a["id"]), token=self.org)
        self.assertNotIn("manage_token", r.body)
        self.assertNotIn(self.a["manage_token"].encode(), r.raw)

    def test_audit_log_has_no_tokens(self):
        self.req("PATCH", registration_path(self.a["id"]), {"position": "x"},
                 token=self.a["manage_token"])
        r = self.req("GET", "/api/v1/audit", token=self.admin)
        self.assertEqual(r.status, 200)
        for tok in self.all_manage_tokens() + [self.org, self.admin]:
            self.assertNotIn(tok.encode(), r.raw)

    def test_request_log_has_no_tokens(self):
        self.req("GET", registration_path(self.a["id"]), token=self.a["manage_token"])
        self.req("GET", self.list_path(), token=self.org)
        self.req("GET", "/api/v1/audit", token=self.admin)
        log = self.server.log_text()
        for tok in self.all_manage_tokens() + [self.org, self.admin]:
            self.assertNotIn(tok, log)

    def test_database_keeps_no_plain_tokens(self):
        tokens = self.all_manage_tokens() + [self.org, self.admin]
        self.assertEqual(self.server.stop(), 0)
        con = sqlite3.connect(self.server.db)
        try:
            tables = [row[0] for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                for row in con.execute('SELECT * FROM "%s"' % table.replace('"', '""')):
                    for cell in row:
                        if isinstance(cell, bytes):
                            cell = cell.decode("latin-1")
                        if isinstance(cell, str):
                            for tok in tokens:
                                self.assertNotIn(tok, cell, "token in table %s" % table)
                                # nor the part after the prefix
                                self.assertNotIn(tok[3:], cell, "token in table %s" % table)
        finally:
            con.close()


if __name__ == "__main__":
    unittest.main()
