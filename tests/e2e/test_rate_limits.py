"""Rate limits on public writes (issue 11): a token bucket per client address
on registration and plugins' public write routes, answered 429 rate_limited
with Retry-After; X-Forwarded-For believed from trusted proxies only; the
limits configurable and off for load tests.

What a user sees: a municipality's delegation of 20 registering from one
office address gets through; a flood from one address is refused and leaves
no registration behind; the refused client may come back after the
Retry-After it was given; its neighbours are not held up; a client cannot
name another address in X-Forwarded-For to dodge its limit.
"""

import os
import shutil
import tempfile
import time

from harness import SaietsTestCase, person, run_cli
from helpers_plugins import PluginMixin, plugin_files, plugin_path

REGISTER = "/api/v1/meetings/%d/registrations"


class RateLimitCase(SaietsTestCase):

    def post_reg(self, mid, forwarded=None, token=None, server=None):
        """POST one registration (a new e-mail); (answer, e-mail)."""
        server = server or self.server
        body = person()
        headers = {"X-Forwarded-For": forwarded} if forwarded is not None else None
        r = server.request("POST", REGISTER % mid, body, token=token, headers=headers)
        return r, body["email"]

    def assertLimited(self, r):
        """429 rate_limited in the API's error shape, with a Retry-After of
        whole seconds, at least 1; returns it."""
        self.assertError(r, 429, "rate_limited")
        ra = r.headers.get("Retry-After")
        self.assertIsNotNone(ra, "no Retry-After header")
        self.assertRegex(ra, r"^[1-9][0-9]*$")
        return int(ra)

    def exhaust(self, mid, burst, forwarded=None, server=None):
        """burst registrations that pass, then one that is refused: its
        Retry-After."""
        for i in range(burst):
            r, _ = self.post_reg(mid, forwarded, server=server)
            self.assertEqual(r.status, 201, "request %d of the burst: %r" % (i + 1, r.body))
        r, _ = self.post_reg(mid, forwarded, server=server)
        return self.assertLimited(r)

    def emails_listed(self, mid, server=None):
        return {reg["email"] for reg in self.listing(mid, server=server)}


class DefaultLimitsTest(RateLimitCase):
    """The defaults (30 at once, then 30 a minute)."""

    def test_delegation_passes_flood_is_refused_and_writes_nothing(self):
        mid = self.create_meeting(capacity=500)["id"]
        passed, refused = [], []
        t0 = time.monotonic()
        # A municipality's whole delegation from one office address.
        for i in range(20):
            r, email = self.post_reg(mid)
            self.assertEqual(r.status, 201, "delegate %d: %r" % (i + 1, r.body))
            passed.append(email)
        self.assertLess(time.monotonic() - t0, 20.0)
        # Then a flood from the same address.
        for i in range(30):
            r, email = self.post_reg(mid)
            if r.status == 201:
                passed.append(email)
            else:
                self.assertLimited(r)
                refused.append(email)
        took = time.monotonic() - t0
        # The burst of 30 passes whatever the timing; past it, one more
        # every 2 s at most.
        self.assertGreaterEqual(len(passed), 30)
        self.assertLessEqual(len(passed), 30 + int(took / 2) + 1, "took %.1f s" % took)
        self.assertGreaterEqual(len(refused), 20 - int(took / 2) - 1)
        listed = self.emails_listed(mid)
        self.assertEqual(listed, set(passed), "the organizers' list holds the passed ones only")
        self.assertEqual(self.get_meeting(mid)["confirmed"], len(passed))
        # Reading is not limited, nor is an organizer registering someone.
        for _ in range(5):
            self.assertEqual(self.req("GET", "/api/v1/meetings/%d" % mid).status, 200)
        r, email = self.post_reg(mid, token=self.org)
        self.assertEqual(r.status, 201, r.body)
        self.assertIn(email, self.emails_listed(mid))


class SmallRateTest(RateLimitCase):
    """3 at once, then one a second; this machine is a trusted proxy."""

    serve_args = ("--rate-limit-burst", "3", "--rate-limit-per-minute", "60",
                  "--trusted-proxies", "127.0.0.1")

    def test_passes_again_after_retry_after(self):
        mid = self.create_meeting()["id"]
        ra = self.exhaust(mid, 3)
        self.assertEqual(ra, 1)
        r, _ = self.post_reg(mid)
        self.assertLimited(r)
        time.sleep(ra)
        r, email = self.post_reg(mid)
        self.assertEqual(r.status, 201, r.body)
        self.assertIn(email, self.emails_listed(mid))
        r, _ = self.post_reg(mid)
        self.assertLimited(r)
        self.assertEqual(len(self.listing(mid)), 4)

    def test_another_client_is_not_held_up(self):
        mid = self.create_meeting()["id"]
        self.exhaust(mid, 3, forwarded="203.0.113.10")
        # another client behind the same proxy
        r, _ = self.post_reg(mid, forwarded="203.0.113.11")
        self.assertEqual(r.status, 201, r.body)
        # the proxy's own requests are its own client
        r, _ = self.post_reg(mid)
        self.assertEqual(r.status, 201, r.body)
        # what the client writes in front of our proxy's entry does not help
        r, _ = self.post_reg(mid, forwarded="198.51.100.77, 203.0.113.10")
        self.assertLimited(r)
        # a chain through a trusted proxy: the client before it
        r, _ = self.post_reg(mid, forwarded="203.0.113.10, 127.0.0.1")
        self.assertLimited(r)
        self.assertEqual(len(self.listing(mid)), 5)

    def test_ipv6_clients_are_their_64(self):
        mid = self.create_meeting()["id"]
        self.exhaust(mid, 3, forwarded="2001:db8:1:2::1")
        r, _ = self.post_reg(mid, forwarded="2001:db8:1:2:ffff:ffff:ffff:9")
        self.assertLimited(r)
        r, _ = self.post_reg(mid, forwarded="2001:db8:1:3::1")
        self.assertEqual(r.status, 201, r.body)

    def test_malformed_forwarded_for_counts_as_the_proxy(self):
        mid = self.create_meeting()["id"]
        self.exhaust(mid, 3)  # the proxy's (127.0.0.1's) own bucket
        for bad in ("not-an-address", "203.0.113.5:4711", "203.0.113.5,", ""):
            r, _ = self.post_reg(mid, forwarded=bad)
            self.assertLimited(r)
        r, _ = self.post_reg(mid, forwarded="203.0.113.5")
        self.assertEqual(r.status, 201, r.body)


class UntrustedPeerTest(RateLimitCase):
    """No trusted proxy: X-Forwarded-For from 127.0.0.1 is not believed."""

    serve_args = ("--rate-limit-burst", "3", "--rate-limit-per-minute", "1",
                  "--trusted-proxies", "none")

    def test_forwarded_for_cannot_dodge_the_limit(self):
        mid = self.create_meeting()["id"]
        statuses, passed = [], []
        for i in range(10):
            r, email = self.post_reg(mid, forwarded="203.0.113.%d" % (i + 1))
            statuses.append(r.status)
            if r.status == 201:
                passed.append(email)
            else:
                self.assertLimited(r)
        self.assertEqual(statuses, [201] * 3 + [429] * 7)
        self.assertEqual(self.emails_listed(mid), set(passed))

    def test_lost_link_requests_share_the_limit(self):
        mid = self.create_meeting()["id"]
        path = "/api/v1/meetings/%d/registrations/resend" % mid
        statuses = [self.req("POST", path, {"email": "x%d@example.lv" % i}).status
                    for i in range(5)]
        self.assertEqual(statuses, [202] * 3 + [429] * 2)
        self.assertLimited(self.req("POST", path, {"email": "y@example.lv"}))


TALLY_LUA = r'''
saiets.route("POST", "/votes", function(req)
  saiets.db.exec("INSERT INTO p_tally_votes (choice) VALUES (?)", req.body.choice)
  return {status = 201, body = {}}
end, {auth = "public"})

saiets.route("GET", "/votes", function(req)
  return {status = 200, body = saiets.db.one("SELECT count(*) AS n FROM p_tally_votes")}
end, {auth = "public"})

saiets.route("POST", "/notes", function(req)
  return {status = 201, body = {}}
end, {auth = "participant"})
'''

TALLY_SQL = "CREATE TABLE p_tally_votes (id INTEGER PRIMARY KEY, choice TEXT);\n"


class PluginRoutesTest(PluginMixin, RateLimitCase):
    """A plugin's public routes that write are limited like registering;
    its reads and its participants' routes are not."""

    serve_args = ("--rate-limit-burst", "3", "--rate-limit-per-minute", "1")

    def test_public_write_route_is_limited(self):
        self.install(plugin_files("tally", TALLY_LUA, migrations={"001_init.sql": TALLY_SQL}))
        mid = self.create_meeting()["id"]
        self.enable(mid, "tally")
        votes = plugin_path(mid, "tally", "/votes")
        for i in range(3):
            r = self.req("POST", votes, {"choice": "a"})
            self.assertEqual(r.status, 201, "vote %d: %r" % (i + 1, r.body))
        for _ in range(3):
            self.assertLimited(self.req("POST", votes, {"choice": "b"}))
        for _ in range(5):
            r = self.req("GET", votes)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.body["n"], 3, "a refused vote was written")
        # an organizer is not limited
        r = self.req("POST", votes, {"choice": "c"}, token=self.org)
        self.assertEqual(r.status, 201, r.body)
        # a participant's route is not a public one
        r = self.req("POST", REGISTER % mid, person(), token=self.org)
        self.assertEqual(r.status, 201, r.body)
        manage = r.body["manage_token"]
        for _ in range(5):
            r = self.req("POST", plugin_path(mid, "tally", "/notes"), {}, token=manage)
            self.assertEqual(r.status, 201, r.body)


class ConfigTest(RateLimitCase):
    """The settings from a file (docs/configuration.md), flags over them."""

    start_server_per_test = False

    def config(self, text):
        d = tempfile.mkdtemp(prefix="saiets-e2e-rate-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "saiets.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_off_lets_a_flood_through(self):
        path = self.config("# load tests\nrate_limit = off\n")
        self.server = self.start_server(serve_args=("--config", path))
        mid = self.create_meeting(capacity=100)["id"]
        for i in range(60):
            r, _ = self.post_reg(mid)
            self.assertEqual(r.status, 201, "request %d: %r" % (i + 1, r.body))
        self.assertEqual(len(self.listing(mid)), 60)

    def test_file_settings_and_a_flag_over_them(self):
        path = self.config("rate_limit = on\nrate_limit_burst = 2\n"
                           "rate_limit_per_minute = 1\ntrusted_proxies = 127.0.0.1, ::1\n")
        self.server = self.start_server(serve_args=("--config", path))
        mid = self.create_meeting()["id"]
        ra = self.exhaust(mid, 2)
        self.assertTrue(55 <= ra <= 60, "one a minute: Retry-After %d" % ra)
        # the file's trusted proxies are believed
        r, _ = self.post_reg(mid, forwarded="203.0.113.1")
        self.assertEqual(r.status, 201, r.body)
        self.server.stop()
        self.server.start(serve_args=("--config", path, "--rate-limit", "off"))
        for _ in range(10):
            r, _ = self.post_reg(mid)
            self.assertEqual(r.status, 201, r.body)

    def test_bad_settings_stop_the_server(self):
        for args, says in ((["--rate-limit", "maybe"], "rate_limit"),
                           (["--rate-limit-burst", "0"], "rate_limit_burst"),
                           (["--rate-limit-per-minute", "x"], "rate_limit_per_minute"),
                           (["--trusted-proxies", "proxy.example"], "proxy.example"),
                           (["--config", self.config("trusted_proxies = 10.0.0.0/40\n")],
                            "saiets.conf:1: trusted_proxies")):
            r = run_cli(["serve", "--db", "/nonexistent/saiets.db", "--port", "0"] + args)
            self.assertEqual(r.returncode, 2, "%s: %s" % (args, r.stderr))
            self.assertIn(says, r.stderr)
