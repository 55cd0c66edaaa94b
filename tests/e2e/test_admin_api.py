"""What the admin pages build on: account tokens (GET/POST /api/v1/admin/tokens,
DELETE /api/v1/admin/tokens/{id}: admins only, the token shown once, revoked
tokens refused, last use recorded without a write per request), and editing
organisations and networks (organizers), all audited."""

import sqlite3
import unittest

from harness import SaietsTestCase

TOKENS = "/api/v1/admin/tokens"
NETWORKS = "/api/v1/networks"
ORGS = "/api/v1/organisations"


class AdminTestCase(SaietsTestCase):

    def setUp(self):
        super().setUp()
        m = self.create_meeting(capacity=5)
        self.reg = self.register(m["id"], email="anna@example.lv")

    def tokens(self, token=None):
        r = self.req("GET", TOKENS, token=token or self.admin)
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        return r.body["tokens"]

    def make_token(self, name="Lapas", role="organizer"):
        r = self.req("POST", TOKENS, {"name": name, "role": role}, token=self.admin)
        self.assertEqual(r.status, 201, r.body)
        return r.body

    def audit(self):
        r = self.req("GET", "/api/v1/audit", token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        return r.body["entries"]


class TokensTest(AdminTestCase):

    def test_rights_matrix(self):
        for method, path, body in [("GET", TOKENS, None),
                                   ("POST", TOKENS, {"name": "X", "role": "admin"}),
                                   ("DELETE", TOKENS + "/1", None)]:
            self.assertError(self.req(method, path, body), 401, "unauthorized")
            self.assertError(self.req(method, path, body, token=self.org), 403, "forbidden")
            self.assertError(self.req(method, path, body, token=self.reg["manage_token"]),
                             403, "forbidden")
            self.assertError(self.req(method, path, body, token="sa_1_" + "A" * 43),
                             401, "unauthorized")
        # nothing was made or revoked
        self.assertEqual(len(self.tokens()), 2)
        self.assertTrue(all(t["revoked_at"] is None for t in self.tokens()))

    def test_list_shape(self):
        toks = self.tokens()
        self.assertEqual([t["role"] for t in toks], ["admin", "organizer"])
        for t in toks:
            self.assertEqual(set(t), {"id", "name", "role", "created_at", "last_used_at",
                                      "revoked_at"})
            self.assertRegex(t["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertIsNone(t["revoked_at"])
        r = self.req("GET", TOKENS, token=self.admin)
        for secret in (self.admin, self.org):
            self.assertNotIn(secret[-43:].encode(), r.raw)

    def test_create_shows_the_token_once_and_it_works(self):
        t = self.make_token("Lapu serveris", "organizer")
        self.assertEqual(set(t), {"id", "name", "role", "created_at", "token"})
        self.assertEqual(t["name"], "Lapu serveris")
        self.assertEqual(t["role"], "organizer")
        self.assertRegex(t["token"], r"^sa_%d_[A-Za-z0-9_-]{43}$" % t["id"])
        # an organizer: may create an organisation, may not list tokens
        r = self.req("POST", ORGS, {"name": "Jauna biedrība", "kind": "association"},
                     token=t["token"])
        self.assertEqual(r.status, 201, r.body)
        self.assertError(self.req("GET", TOKENS, token=t["token"]), 403, "forbidden")
        listed = [x for x in self.tokens() if x["id"] == t["id"]]
        self.assertEqual(len(listed), 1)
        self.assertNotIn("token", listed[0])
        r = self.req("GET", TOKENS, token=self.admin)
        self.assertNotIn(t["token"][-43:].encode(), r.raw)
        # an admin token may list tokens
        a = self.make_token("Otrs admins", "admin")
        self.assertEqual(len(self.tokens(token=a["token"])), 4)

    def test_create_validation(self):
        cases = [
            ({}, 422, "missing_field", "name"),
            ({"role": "admin"}, 422, "missing_field", "name"),
            ({"name": "", "role": "admin"}, 422, "missing_field", "name"),
            ({"name": "A"}, 422, "missing_field", "role"),
            ({"name": "A", "role": "root"}, 422, "invalid_field", "role"),
            ({"name": "A", "role": None}, 422, "missing_field", "role"),
            ({"name": ["A"], "role": "admin"}, 422, "invalid_field", "name"),
            ({"name": "a\tb", "role": "admin"}, 422, "invalid_field", "name"),
            ({"name": "a\u009bb", "role": "admin"}, 422, "invalid_field", "name"),
            ({"name": "x" * 101, "role": "admin"}, 422, "invalid_field", "name"),
            ({"name": "A", "role": "admin", "account": 1}, 422, "unknown_field", "account"),
        ]
        for body, status, code, field in cases:
            r = self.req("POST", TOKENS, body, token=self.admin)
            self.assertError(r, status, code)
            self.assertEqual(r.body["error"].get("field"), field, (body, r.body))
        self.assertError(self.req("POST", TOKENS, raw="{nope", token=self.admin),
                         400, "bad_json")
        self.assertEqual(self.make_token("ā" * 100)["name"], "ā" * 100)
        self.assertEqual(len(self.tokens()), 3)

    def test_revoke(self):
        t = self.make_token()
        r = self.req("DELETE", "%s/%d" % (TOKENS, t["id"]), token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"id": t["id"], "revoked": True})
        self.assertError(self.req("GET", ORGS + "/1", token=t["token"]), 401, "unauthorized")
        self.assertError(self.req("POST", ORGS, {"name": "B"}, token=t["token"]),
                         401, "unauthorized")
        listed = {x["id"]: x for x in self.tokens()}
        first = listed[t["id"]]["revoked_at"]
        self.assertIsNotNone(first)
        # again: 200, nothing changes, no second audit entry
        r = self.req("DELETE", "%s/%d" % (TOKENS, t["id"]), token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual({x["id"]: x for x in self.tokens()}[t["id"]]["revoked_at"], first)
        revokes = [e for e in self.audit() if e["action"] == "token.revoke"]
        self.assertEqual(len(revokes), 1)
        self.assertEqual(revokes[0]["object"], "token:%d" % t["id"])
        self.assertEqual(revokes[0]["actor"], "account:1")
        # unknown
        self.assertError(self.req("DELETE", TOKENS + "/9999", token=self.admin),
                         404, "not_found")
        self.assertError(self.req("DELETE", TOKENS + "/abc", token=self.admin),
                         400, "bad_request")

    def test_revoke_own_token(self):
        a = self.make_token("Aiziet", "admin")
        r = self.req("DELETE", "%s/%d" % (TOKENS, a["id"]), token=a["token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertError(self.req("GET", TOKENS, token=a["token"]), 401, "unauthorized")
        # the other admin is unaffected
        self.assertEqual(len(self.tokens()), 3)

    def test_create_audited_without_secret(self):
        t = self.make_token("Auditēts", "admin")
        entries = [e for e in self.audit() if e["action"] == "token.create"]
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["object"], "token:%d" % t["id"])
        self.assertEqual(entries[0]["detail"], {"name": "Auditēts", "role": "admin"})
        r = self.req("GET", "/api/v1/audit", token=self.admin)
        self.assertNotIn(t["token"][-43:].encode(), r.raw)
        self.assertNotIn(t["token"][-43:], self.server.log_text())

    def test_last_used(self):
        t = self.make_token()
        listed = {x["id"]: x for x in self.tokens()}
        self.assertIsNone(listed[t["id"]]["last_used_at"])
        self.assertIsNotNone(listed[1]["last_used_at"])  # the admin, just now
        for _ in range(20):
            self.assertEqual(self.req("GET", "/api/v1/meetings/1/registrations",
                                      token=t["token"]).status, 200)
        listed = {x["id"]: x for x in self.tokens()}
        self.assertRegex(listed[t["id"]]["last_used_at"] or "",
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        # no write per request: the database still says never (the flush is
        # once a minute), until the server stops and writes what it holds
        db = sqlite3.connect(self.server.db)
        try:
            stored = db.execute("SELECT last_used_at FROM api_tokens WHERE id = ?",
                                (t["id"],)).fetchone()[0]
        finally:
            db.close()
        self.assertIsNone(stored)
        self.server.stop()
        db = sqlite3.connect(self.server.db)
        try:
            stored = db.execute("SELECT last_used_at FROM api_tokens WHERE id = ?",
                                (t["id"],)).fetchone()[0]
        finally:
            db.close()
        self.assertIsInstance(stored, int)
        self.server.start()
        listed = {x["id"]: x for x in self.tokens()}
        self.assertIsNotNone(listed[t["id"]]["last_used_at"])


class OrganisationsTest(AdminTestCase):

    def test_get_public(self):
        o = self.create_organisation("Rēzeknes novada pašvaldība")
        r = self.req("GET", "%s/%d" % (ORGS, o["id"]))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, o)
        self.assertError(self.req("GET", ORGS + "/99999"), 404, "not_found")

    def test_patch(self):
        o = self.create_organisation("Rēzeknes novada pašvaldība")
        path = "%s/%d" % (ORGS, o["id"])
        r = self.req("PATCH", path, {"name": "Rēzeknes novada dome", "kind": "agency"},
                     token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"id": o["id"], "name": "Rēzeknes novada dome",
                                  "kind": "agency"})
        self.assertEqual(self.req("GET", path).body, r.body)
        # its own name in other letters' case is no clash
        r = self.req("PATCH", path, {"name": "RĒZEKNES NOVADA DOME"}, token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["kind"], "agency")
        # the new name is found by registrations (case-insensitive)
        names = [x["name"] for x in self.req("GET", ORGS).body["organisations"]]
        self.assertIn("RĒZEKNES NOVADA DOME", names)
        self.assertNotIn("Rēzeknes novada pašvaldība", names)
        entries = [e for e in self.audit() if e["action"] == "organisation.update"]
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries[-1]["object"], "organisation:%d" % o["id"])

    def test_patch_clash_and_validation(self):
        a = self.create_organisation("Ludzas novada pašvaldība")
        b = self.create_organisation("Balvu novada pašvaldība")
        path = "%s/%d" % (ORGS, b["id"])
        r = self.req("PATCH", path, {"name": "LUDZAS NOVADA PAŠVALDĪBA"}, token=self.org)
        self.assertError(r, 409, "duplicate_name")
        self.assertEqual(r.body["error"]["field"], "name")
        for body, code, field in [({"name": ""}, "missing_field", "name"),
                                  ({"name": None}, "invalid_field", "name"),
                                  ({"name": "x" * 201}, "invalid_field", "name"),
                                  ({"name": "a\u0007"}, "invalid_field", "name"),
                                  ({"kind": "castle"}, "invalid_field", "kind"),
                                  ({"id": 5}, "unknown_field", "id")]:
            r = self.req("PATCH", path, body, token=self.org)
            self.assertError(r, 422, code)
            self.assertEqual(r.body["error"].get("field"), field, (body, r.body))
        self.assertEqual(self.req("GET", path).body, b)
        self.assertEqual(self.req("GET", "%s/%d" % (ORGS, a["id"])).body, a)
        self.assertError(self.req("PATCH", ORGS + "/99999", {"kind": "school"},
                                  token=self.org), 404, "not_found")

    def test_patch_rights(self):
        o = self.create_organisation("Preiļu novada pašvaldība")
        path = "%s/%d" % (ORGS, o["id"])
        self.assertError(self.req("PATCH", path, {"kind": "school"}), 401, "unauthorized")
        self.assertError(self.req("PATCH", path, {"kind": "school"},
                                  token=self.reg["manage_token"]), 403, "forbidden")
        self.assertEqual(self.req("GET", path).body["kind"], "municipality")


class NetworksTest(AdminTestCase):

    def create_network(self, name, description=None, token=None):
        body = {"name": name}
        if description is not None:
            body["description"] = description
        r = self.req("POST", NETWORKS, body, token=token or self.org)
        self.assertEqual(r.status, 201, r.body)
        return r.body

    def test_create_get_list(self):
        n = self.create_network("Latgales tīkls", "Pašvaldības Latgalē.\nSanāk reizi gadā.")
        self.assertEqual(set(n), {"id", "name", "description", "members"})
        self.assertEqual(n["members"], 0)
        self.assertEqual(n["description"], "Pašvaldības Latgalē.\nSanāk reizi gadā.")
        r = self.req("GET", "%s/%d" % (NETWORKS, n["id"]))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, n)
        plain = self.create_network("Vidzemes tīkls", token=self.admin)
        self.assertIsNone(plain["description"])
        listed = self.req("GET", NETWORKS).body["networks"]
        self.assertEqual(listed, [n, plain])
        self.assertError(self.req("GET", NETWORKS + "/99999"), 404, "not_found")
        acts = [(e["action"], e["object"]) for e in self.audit()]
        self.assertIn(("network.create", "network:%d" % n["id"]), acts)

    def test_create_validation_and_clash(self):
        self.create_network("Kurzemes tīkls")
        r = self.req("POST", NETWORKS, {"name": "KURZEMES TĪKLS"}, token=self.org)
        self.assertError(r, 409, "duplicate_name")
        self.assertEqual(r.body["error"]["field"], "name")
        for body, code, field in [({}, "missing_field", "name"),
                                  ({"name": "  "}, "missing_field", "name"),
                                  ({"name": "x" * 201}, "invalid_field", "name"),
                                  ({"name": "a\nb"}, "invalid_field", "name"),
                                  ({"name": "A", "description": 5}, "invalid_field",
                                   "description"),
                                  ({"name": "A", "description": "x" * 2001},
                                   "invalid_field", "description"),
                                  ({"name": "A", "members": 3}, "unknown_field", "members")]:
            r = self.req("POST", NETWORKS, body, token=self.org)
            self.assertError(r, 422, code)
            self.assertEqual(r.body["error"].get("field"), field, (body, r.body))
        self.assertEqual(len(self.req("GET", NETWORKS).body["networks"]), 1)

    def test_patch(self):
        a = self.create_network("Zemgales tīkls", "Apraksts")
        b = self.create_network("Sēlijas tīkls")
        path = "%s/%d" % (NETWORKS, a["id"])
        r = self.req("PATCH", path, {"description": None}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, dict(a, description=None))
        r = self.req("PATCH", path, {"name": "Zemgales pašvaldību tīkls",
                                     "description": "Jauns"}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["name"], "Zemgales pašvaldību tīkls")
        self.assertEqual(self.req("GET", path).body, r.body)
        r = self.req("PATCH", path, {"name": "sēlijas TĪKLS"}, token=self.org)
        self.assertError(r, 409, "duplicate_name")
        r = self.req("PATCH", path, {"name": "ZEMGALES pašvaldību tīkls"}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        r = self.req("PATCH", path, {"name": ""}, token=self.org)
        self.assertError(r, 422, "missing_field")
        self.assertError(self.req("PATCH", path, {"x": 1}, token=self.org),
                         422, "unknown_field")
        self.assertError(self.req("PATCH", NETWORKS + "/99999", {"name": "Q"},
                                  token=self.org), 404, "not_found")
        self.assertEqual(self.req("GET", "%s/%d" % (NETWORKS, b["id"])).body, b)
        updates = [e for e in self.audit() if e["action"] == "network.update"]
        self.assertEqual(len(updates), 3)

    def test_rights(self):
        self.assertError(self.req("POST", NETWORKS, {"name": "A"}), 401, "unauthorized")
        self.assertError(self.req("POST", NETWORKS, {"name": "A"},
                                  token=self.reg["manage_token"]), 403, "forbidden")
        n = self.create_network("Tīkls")
        path = "%s/%d" % (NETWORKS, n["id"])
        self.assertError(self.req("PATCH", path, {"name": "B"}), 401, "unauthorized")
        self.assertError(self.req("PATCH", path, {"name": "B"},
                                  token=self.reg["manage_token"]), 403, "forbidden")
        self.assertEqual(self.req("GET", path).body, n)


if __name__ == "__main__":
    unittest.main()
