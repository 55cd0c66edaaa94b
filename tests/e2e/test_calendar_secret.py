"""A registration's secret calendar URL, for calendar apps that cannot send a
token: GET /cal/{secret}.ics serves exactly the registration's agenda.ics;
a wrong, tampered, rotated-away or cancelled registration's secret answers
the same 404; POST /api/v1/registrations/{id}/calendar-secret rotates; the
secret never reaches the server's log."""

import re
import socket
import time
import unittest

from harness import HOST, SaietsTestCase, registration_path
from helpers_agenda import AgendaMixin
from helpers_ical import ical_events

URL_RE = re.compile(r"^/cal/([1-9][0-9]*)_([A-Za-z0-9_-]{43})\.ics$")


def without_dtstamp(text):
    """The calendar without its DTSTAMP lines (the time it was made)."""
    return "\r\n".join(ln for ln in text.split("\r\n") if not ln.startswith("DTSTAMP"))


class CalendarSecretTest(AgendaMixin, SaietsTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.agenda_meeting(capacity=10)
        self.add_item(self.m["id"], title="Atklāšana", starts_at="2015-11-05T10:00",
                      ends_at="2015-11-05T10:30")
        self.add_item(self.m["id"], title="Diskusija par skolām",
                      starts_at="2015-11-06T11:00", ends_at="2015-11-06T12:00")
        self.a = self.register(self.m["id"], first_name="Anna", email="anna@example.lv")
        self.b = self.register(self.m["id"], first_name="Baiba", email="baiba@example.lv")

    def rotate(self, rid, token):
        return self.req("POST", registration_path(rid) + "/calendar-secret", token=token)

    def assertNotFound(self, path):
        r = self.req("GET", path)
        self.assertError(r, 404, "not_found")
        self.assertEqual(r.body["error"]["message"], "no such calendar", r.body)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        return r

    # -- the URL ------------------------------------------------------------

    def test_url_in_201_and_in_the_registration(self):
        url = self.a.get("calendar_url")
        self.assertIsInstance(url, str, self.a)
        m = URL_RE.match(url)
        self.assertIsNotNone(m, url)
        self.assertEqual(int(m.group(1)), self.a["id"])
        self.assertNotEqual(self.a["calendar_url"], self.b["calendar_url"])
        mine = self.get_registration(self.a["id"], token=self.a["manage_token"])
        self.assertEqual(mine.status, 200, mine.body)
        self.assertEqual(mine.body["calendar_url"], url)
        self.assertEqual(self.registration(self.a["id"])["calendar_url"], url)
        # not in the organizers' list (a page of everyone's secrets)
        for reg in self.listing(self.m["id"]):
            self.assertNotIn("calendar_url", reg)
        # PATCH answers it too
        r = self.req("PATCH", registration_path(self.a["id"]), {"position": "skolotāja"},
                     token=self.a["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["calendar_url"], url)

    def test_serves_the_registrations_calendar(self):
        r = self.req("GET", self.a["calendar_url"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers.get("Content-Type"), "text/calendar; charset=utf-8")
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        self.assertIsNone(r.headers.get("ETag"))
        authed = self.req("GET", registration_path(self.a["id"]) + "/agenda.ics",
                          token=self.a["manage_token"])
        self.assertEqual(authed.status, 200, authed.body)
        self.assertEqual(without_dtstamp(r.raw.decode("utf-8")),
                         without_dtstamp(authed.raw.decode("utf-8")))
        events = ical_events(r.raw)
        self.assertEqual([e["summary"] for e in events],
                         ["Atklāšana", "Diskusija par skolām"])
        self.assertEqual(events[0]["start_utc"], "2015-11-05T08:00:00Z")
        self.assertEqual(events[0]["tzid"], "Europe/Riga")
        # no token needed, and a token changes nothing
        r2 = self.req("GET", self.a["calendar_url"], token=self.b["manage_token"])
        self.assertEqual(r2.status, 200)
        # HEAD: the headers without the body
        h = self.req("HEAD", self.a["calendar_url"])
        self.assertEqual(h.status, 200)
        self.assertEqual(h.headers.get("Cache-Control"), "no-store")

    def test_gzip_when_asked(self):
        r = self.req("GET", self.a["calendar_url"], headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        self.assertIsNone(r.headers.get("ETag"))

    # -- refusals -----------------------------------------------------------

    def test_wrong_and_tampered_secrets_404(self):
        a_id, a_mac = URL_RE.match(self.a["calendar_url"]).groups()
        b_id, b_mac = URL_RE.match(self.b["calendar_url"]).groups()
        flipped = a_mac[:10] + ("A" if a_mac[10] != "A" else "B") + a_mac[11:]
        bodies = set()
        for path in [
            "/cal/%s_%s.ics" % (b_id, a_mac),        # a's mac, b's id
            "/cal/%s_%s.ics" % (a_id, b_mac),        # b's mac, a's id
            "/cal/%s_%s.ics" % (a_id, flipped),      # one character changed
            "/cal/999999_%s.ics" % a_mac,            # an id that does not exist
            "/cal/%s_%s" % (a_id, a_mac),            # no .ics
            "/cal/%s_%s.ICS" % (a_id, a_mac),
            "/cal/0%s_%s.ics" % (a_id, a_mac),       # leading zero
            "/cal/%s_%s=.ics" % (a_id, a_mac[:-1]),
            "/cal/%s_%s.ics" % (a_id, a_mac[:-1]),   # short
            "/cal/%s_%sA.ics" % (a_id, a_mac),       # long
            "/cal/%s-%s.ics" % (a_id, a_mac),
            "/cal/x.ics",
            "/cal/%s_%s.ics/x" % (a_id, a_mac),
            "/cal/%s_%s.ics?x=1" % (b_id, a_mac),
        ]:
            r = self.assertNotFound(path)
            bodies.add(r.raw)
        self.assertEqual(len(bodies), 1, bodies)
        r = self.req("GET", "/cal/" + "1" * 300 + ".ics")
        self.assertError(r, 404, "not_found")

    def test_only_get(self):
        r = self.req("POST", self.a["calendar_url"], {})
        self.assertError(r, 405, "method_not_allowed")

    # -- rotation -----------------------------------------------------------

    def test_rotate_by_manage_token(self):
        old = self.a["calendar_url"]
        r = self.rotate(self.a["id"], self.a["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(set(r.body), {"calendar_url"})
        new = r.body["calendar_url"]
        self.assertRegex(new, URL_RE)
        self.assertNotEqual(new, old)
        self.assertNotFound(old)
        self.assertEqual(self.req("GET", new).status, 200)
        self.assertEqual(self.registration(self.a["id"])["calendar_url"], new)
        # b is untouched
        self.assertEqual(self.req("GET", self.b["calendar_url"]).status, 200)
        # again: another new one, the second stops too
        r2 = self.rotate(self.a["id"], self.org)
        self.assertEqual(r2.status, 200, r2.body)
        self.assertNotFound(new)
        self.assertNotFound(old)
        self.assertEqual(self.req("GET", r2.body["calendar_url"]).status, 200)

    def test_rotate_rights(self):
        r = self.rotate(self.a["id"], None)
        self.assertError(r, 401, "unauthorized")
        r = self.rotate(self.a["id"], self.b["manage_token"])
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.req("GET", self.a["calendar_url"]).status, 200)
        r = self.rotate(999999, self.org)
        self.assertError(r, 404, "not_found")

    def test_rotation_by_organizer_is_audited(self):
        self.assertEqual(self.rotate(self.a["id"], self.org).status, 200)
        r = self.req("GET", "/api/v1/audit", token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        acts = [(e["action"], e["object"]) for e in r.body["entries"]]
        self.assertIn(("registration.calendar_secret", "registration:%d" % self.a["id"]), acts)
        text = r.raw.decode("utf-8")
        self.assertNotIn(URL_RE.match(self.a["calendar_url"]).group(2), text)

    def test_cancelled_registration(self):
        url = self.a["calendar_url"]
        self.assertEqual(self.cancel(self.a["id"], token=self.a["manage_token"]).status, 200)
        self.assertNotFound(url)
        mine = self.get_registration(self.a["id"], token=self.a["manage_token"])
        self.assertEqual(mine.status, 200)
        self.assertNotIn("calendar_url", mine.body)
        r = self.rotate(self.a["id"], self.a["manage_token"])
        self.assertError(r, 409, "already_cancelled")
        self.assertNotFound(url)

    # -- the log ------------------------------------------------------------

    def test_secret_never_logged(self):
        url = self.a["calendar_url"]
        mac = URL_RE.match(url).group(2)
        self.assertEqual(self.req("GET", url).status, 200)
        self.assertNotFound(url[:-5] + "x.ics")
        # the absolute form of the request line, as a proxy would send it
        s = socket.create_connection((HOST, self.server.port), timeout=10)
        try:
            s.sendall(("GET http://%s:%d%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                       % (HOST, self.server.port, url)).encode("ascii"))
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:100])
        self.assertEqual(self.rotate(self.a["id"], self.a["manage_token"]).status, 200)
        deadline = time.time() + 5
        while time.time() < deadline:
            log = self.server.log_text()
            if log.count("/cal/[redacted].ics") >= 3:
                break
            time.sleep(0.1)
        self.assertGreaterEqual(log.count("/cal/[redacted].ics"), 3, log[-2000:])
        self.server.stop()
        log = self.server.log_text()
        self.assertNotIn(mac, log)
        self.assertNotIn(mac[:20], log)


if __name__ == "__main__":
    unittest.main()
