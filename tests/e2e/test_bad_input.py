"""Garbage in: broken JSON, bad encodings, oversized bodies, unknown paths."""

import json
import time
import unittest

from harness import (SaietsTestCase, meeting_body, parse_raw_response, person,
                     raw_socket, read_until_closed)

LIMIT = 64 * 1024


class BadInputTestCase(SaietsTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.create_meeting()
        self.reg_url = "/api/v1/meetings/%d/registrations" % self.m["id"]

    def post_raw(self, data, url=None, token=None):
        return self.req("POST", url or self.reg_url, raw=data, token=token)

    def assertHealthy(self):
        r = self.req("GET", "/api/v1/health")
        self.assertEqual((r.status, r.body), (200, {"status": "ok"}))

    def assertNothingRegistered(self):
        self.assertEqual(self.get_meeting(self.m["id"])["confirmed"], 0)


class BadJsonTest(BadInputTestCase):

    def test_malformed_json_400(self):
        for data in (b'{"first_name": ', b'{first_name: "Ilze"}', b"{'a': 1}",
                     b'{"a": 1,}', b'{"a": 1} {"b": 2}', b"{\"a\": NaN}",
                     b"\x00\x01\x02"):
            with self.subTest(data=data):
                self.assertError(self.post_raw(data), 400, "bad_json")
        self.assertNothingRegistered()

    def test_malformed_json_on_authenticated_endpoint_400(self):
        r = self.post_raw("{\"title\": \"Sanāksme\", ".encode(), url="/api/v1/meetings",
                          token=self.org)
        self.assertError(r, 400, "bad_json")

    def test_invalid_utf8_400(self):
        base = json.dumps(person(), ensure_ascii=False).encode("utf-8")
        for bad in (b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xc4", b"\x80abc"):
            with self.subTest(bytes=bad):
                data = base.replace(b'"Ilze"', b'"Il' + bad + b'ze"')
                self.assertNotEqual(data, base)
                self.assertError(self.post_raw(data), 400, "bad_json")
        self.assertNothingRegistered()

    def test_non_object_bodies_400(self):
        for data in (b"[]", json.dumps([person()]).encode(), b'"Ilze"', b"42",
                     b"null", b"true"):
            with self.subTest(data=data[:40]):
                self.assertError(self.post_raw(data), 400, "bad_json")

    def test_duplicate_keys_400(self):
        data = (b'{"first_name": "Ilze", "first_name": "Inese", "last_name": "Liepa",'
                b' "email": "ilze@example.lv", "organisation": "Biedriba"}')
        self.assertError(self.post_raw(data), 400, "bad_json")
        self.assertNothingRegistered()

    def test_duplicate_keys_in_nested_object_400(self):
        m = self.create_meeting(fields=[{"key": "note", "label": {"en": "Note"},
                                         "type": "text"}])
        body = json.dumps(person(answers={"note": "a"}))
        data = body.replace('"note": "a"', '"note": "a", "note": "b"').encode()
        r = self.post_raw(data, url="/api/v1/meetings/%d/registrations" % m["id"])
        self.assertError(r, 400, "bad_json")

    def test_empty_body_400(self):
        self.assertError(self.post_raw(b""), 400, "bad_json")

    def test_bad_json_on_patch_400(self):
        reg = self.register(self.m["id"])
        r = self.req("PATCH", "/api/v1/registrations/%d" % reg["id"], raw=b"[1, 2",
                     token=reg["manage_token"])
        self.assertError(r, 400, "bad_json")

    def test_deep_nesting_refused_not_crashing(self):
        depth = 20000
        data = b'{"first_name": ' + b"[" * depth + b"]" * depth + b"}"
        r = self.post_raw(data)
        self.assertIn(r.status, (400, 422), r.body)
        self.assertErrorShape(r)
        self.assertHealthy()

    def test_nul_character_refused(self):
        r = self.post_raw(json.dumps(person(first_name="Il\u0000ze")).encode())
        self.assertIn(r.status, (400, 422), r.body)
        self.assertErrorShape(r)

    def test_lone_surrogate_escape_refused(self):
        r = self.post_raw(json.dumps(person(first_name="Il\ud800ze")).encode())
        self.assertIn(r.status, (400, 422), r.body)
        self.assertErrorShape(r)

    def test_huge_number_refused(self):
        data = json.dumps(meeting_body()).replace('"capacity": 60',
                                                  '"capacity": 1e400').encode()
        r = self.post_raw(data, url="/api/v1/meetings", token=self.org)
        self.assertIn(r.status, (400, 422), r.body)
        self.assertErrorShape(r)


class BodySizeTest(BadInputTestCase):

    def body_of_size(self, size):
        """A registration body of exactly `size` bytes (position padded)."""
        body = person(position="")
        overhead = len(json.dumps(body).encode())
        body["position"] = "x" * (size - overhead)
        data = json.dumps(body).encode()
        self.assertEqual(len(data), size)
        return data

    def test_body_above_64k_413(self):
        r = self.post_raw(self.body_of_size(70 * 1024))
        self.assertError(r, 413, "body_too_large")
        self.assertNothingRegistered()

    def test_body_one_byte_over_limit_413(self):
        self.assertError(self.post_raw(self.body_of_size(LIMIT + 1)), 413,
                         "body_too_large")

    def test_body_at_limit_is_read(self):
        # exactly 64 KiB is still read and judged: the position is too long
        r = self.post_raw(self.body_of_size(LIMIT))
        self.assertError(r, 422, "invalid_field", "position")

    def test_body_above_hard_cap_413(self):
        sock = raw_socket(self.server.port)
        self.addCleanup(sock.close)
        sock.sendall(("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Type: application/json\r\n"
                      "Content-Length: %d\r\n\r\n" % (self.reg_url, 2 * 1024 * 1024)
                      ).encode())
        data, closed = read_until_closed(sock, time.monotonic() + 10)
        status, _ = parse_raw_response(data)
        self.assertEqual(status, 413, data[:300])
        self.assertHealthy()

    def test_large_body_on_get_does_not_crash(self):
        r = self.req("GET", "/api/v1/health", raw=b"x" * (100 * 1024))
        self.assertIn(r.status, (200, 400, 413), r.body)
        self.assertHealthy()


class PathTest(BadInputTestCase):

    def test_unknown_paths_404(self):
        for path in ("/api/v1/nope", "/api/v2/meetings", "/nope",
                     "/api/v1/meetings/%d/nope" % self.m["id"], "/api/v1",
                     "/api/v1/meetings/%d/registrations/1" % self.m["id"]):
            with self.subTest(path=path):
                self.assertError(self.req("GET", path), 404, "not_found")

    def test_bad_ids_400_or_404(self):
        bad = ("abc", "-1", "1.5", "0x1", "1abc", "99999999999999999999999", "%00",
               "1%20", "")
        for template in ("/api/v1/meetings/%s", "/api/v1/meetings/%s/registrations",
                         "/api/v1/registrations/%s"):
            for ident in bad:
                path = template % ident
                if path.endswith("/meetings/"):
                    continue            # that is the meeting list, not a bad id
                with self.subTest(path=path):
                    r = self.req("GET", path, token=self.org)
                    self.assertIn(r.status, (400, 404), r.body)
                    self.assertError(r, r.status,
                                     "bad_request" if r.status == 400 else "not_found")

    def test_zero_id_404(self):
        self.assertIn(self.req("GET", "/api/v1/meetings/0").status, (400, 404))

    def test_path_traversal_404(self):
        for path in ("/api/v1/../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/etc/passwd"):
            with self.subTest(path=path):
                r = self.req("GET", path)
                self.assertIn(r.status, (400, 404), r.body)
                self.assertNotIn(b"root:", r.raw)

    def test_query_string_ignored_on_plain_get(self):
        r = self.req("GET", "/api/v1/health?x=1")
        self.assertEqual(r.status, 200)

    def test_oversized_headers_refused(self):
        sock = raw_socket(self.server.port)
        self.addCleanup(sock.close)
        try:
            sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"X-Padding: " + b"a" * (16 * 1024) + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, closed = read_until_closed(sock, time.monotonic() + 10)
        status, _ = parse_raw_response(data)
        self.assertTrue(status is None and closed or (status and 400 <= status < 500),
                        "answer to 16 KiB header: %r" % data[:200])
        self.assertHealthy()

    def test_error_shape_everywhere(self):
        reg = self.register(self.m["id"])
        cases = [
            ("GET", "/api/v1/nope", None, None),
            ("DELETE", "/api/v1/meetings", None, self.org),
            ("GET", "/api/v1/registrations/%d" % reg["id"], None, None),
            ("GET", "/api/v1/registrations/%d" % reg["id"], None, "sr_x"),
            ("GET", "/api/v1/audit", None, self.org),
            ("POST", "/api/v1/meetings", {"title": ""}, self.org),
            ("POST", self.reg_url, person(email=reg["email"]), None),
        ]
        for method, path, body, token in cases:
            with self.subTest(method=method, path=path):
                r = self.req(method, path, body, token=token)
                self.assertGreaterEqual(r.status, 400)
                self.assertErrorShape(r)


if __name__ == "__main__":
    unittest.main()
