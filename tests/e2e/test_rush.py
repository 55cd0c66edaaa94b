"""The registration rush: 600 people press "register" at the same moment for a
meeting with 60 seats.

The rush runs once (setUpClass); each test method then checks one property of
what the participants and the organizer saw.
"""

import http.client
import threading
import time
import unittest

from harness import HOST, SaietsTestCase, Server, _exchange, meeting_body, person

ATTEMPTS = 600
CAPACITY = 60
TIME_LIMIT = 120.0          # seconds for the whole rush, connects included

LAST_NAMES = ["Bērziņa", "Kalniņš", "Ozola", "Liepiņš", "Jansone", "Krūmiņš",
              "Zariņa", "Šmits", "Čakste", "Ābele"]


def raise_fd_limit(wanted=4096):
    """600 client sockets in this process, 600 in the server: make sure the
    descriptor limit (inherited by the server) allows it."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))


def rush(port, meeting_id, attempts, time_limit):
    """Open `attempts` connections, release all requests together with a
    barrier, and collect every answer. Returns (results, seconds) where
    results[i] is ("answer", status, body, email) or ("error", what, email)."""
    path = "/api/v1/meetings/%d/registrations" % meeting_id
    start = time.monotonic()
    deadline = start + time_limit
    barrier = threading.Barrier(attempts + 1)
    results = [None] * attempts

    def worker(i):
        email = "rush-%03d@example.lv" % i
        body = person(first_name="Dalībnieks %d" % i,
                      last_name=LAST_NAMES[i % len(LAST_NAMES)], email=email)
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        connected = False
        try:
            try:
                conn.connect()
                connected = True
            except OSError as e:
                results[i] = ("error", "connect: %r" % e, email)
            try:
                barrier.wait(timeout=max(1.0, deadline - time.monotonic()))
            except threading.BrokenBarrierError:
                if results[i] is None:
                    results[i] = ("error", "barrier broken", email)
                return
            if not connected:
                return
            try:
                r = _exchange(conn, "POST", path, body=body)
                results[i] = ("answer", r.status, r.body, email)
            except (OSError, http.client.HTTPException) as e:
                results[i] = ("error", "request: %r" % e, email)
        finally:
            conn.close()

    old_stack = threading.stack_size(512 * 1024)
    try:
        threads = [threading.Thread(target=worker, args=(i,), daemon=True)
                   for i in range(attempts)]
        for t in threads:
            t.start()
    finally:
        threading.stack_size(old_stack)
    try:
        barrier.wait(timeout=max(1.0, deadline - time.monotonic()))
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()))
    for i, r in enumerate(results):
        if r is None:
            results[i] = ("error", "no answer within %.0f s" % time_limit,
                          "rush-%03d@example.lv" % i)
    return results, time.monotonic() - start


class RushTest(SaietsTestCase):
    start_server_per_test = False

    @classmethod
    def setUpClass(cls):
        raise_fd_limit()
        # 600 registrations from one address in a moment: a load test, not
        # what the rate limit is for (test_rate_limits.py tests that).
        cls.server = Server(serve_args=("--idle-timeout", "60",
                                        "--request-timeout", "60",
                                        "--rate-limit", "off"))
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.setup()
        r = cls.server.request("POST", "/api/v1/meetings",
                               meeting_body(title="Tīkla sanāksme: lielā rinda",
                                            capacity=CAPACITY),
                               token=cls.server.organizer_token)
        if r.status != 201:
            raise AssertionError("create meeting: %s %r" % (r.status, r.body))
        cls.meeting_id = r.body["id"]
        cls.results, cls.seconds = rush(cls.server.port, cls.meeting_id, ATTEMPTS,
                                        TIME_LIMIT)
        cls.answers = [x for x in cls.results if x[0] == "answer" and x[1] == 201]
        cls.regs = [x[2] for x in cls.answers]
        base = "/api/v1/meetings/%d/registrations" % cls.meeting_id
        tok = cls.server.organizer_token
        cls.listed = cls.server.request("GET", base, token=tok, timeout=60)
        cls.listed_waiting = cls.server.request("GET", base + "?status=waitlisted",
                                                token=tok, timeout=60)
        cls.meeting = cls.server.request("GET", "/api/v1/meetings/%d" % cls.meeting_id)

    def listing_of(self, r):
        self.assertEqual(r.status, 200, r.body)
        return r.body["registrations"]

    # -- what the 600 participants saw -----------------------------------

    def test_every_attempt_answered(self):
        errors = [x for x in self.results if x[0] != "answer"]
        self.assertEqual(errors, [], "%d attempts got no answer" % len(errors))

    def test_every_answer_is_201(self):
        other = [(x[1], x[2]) for x in self.results if x[0] == "answer" and x[1] != 201]
        self.assertEqual(other[:5], [], "%d answers were not 201" % len(other))
        self.assertEqual(len(self.answers), ATTEMPTS)

    def test_rush_within_time_limit(self):
        self.assertLess(self.seconds, TIME_LIMIT)

    def test_exactly_capacity_confirmed(self):
        confirmed = [r for r in self.regs if r.get("status") == "confirmed"]
        self.assertEqual(len(confirmed), CAPACITY)

    def test_the_rest_waitlisted(self):
        waiting = [r for r in self.regs if r.get("status") == "waitlisted"]
        self.assertEqual(len(waiting), ATTEMPTS - CAPACITY)

    def test_answered_positions_are_1_to_540(self):
        positions = sorted(r["waitlist_position"] for r in self.regs
                           if r.get("status") == "waitlisted")
        self.assertEqual(positions, list(range(1, ATTEMPTS - CAPACITY + 1)))

    def test_ids_and_tokens_unique(self):
        self.assertEqual(len({r["id"] for r in self.regs}), len(self.regs))
        self.assertEqual(len({r["manage_token"] for r in self.regs}), len(self.regs))

    def test_each_answer_is_for_its_own_email(self):
        for x in self.answers:
            self.assertEqual(x[2]["email"], x[3])

    # -- what the organizer sees ------------------------------------------------

    def test_listing_waitlist_positions_exactly_1_to_540(self):
        waiting = self.listing_of(self.listed_waiting)
        positions = sorted(r["waitlist_position"] for r in waiting)
        self.assertEqual(positions, list(range(1, ATTEMPTS - CAPACITY + 1)))

    def test_listing_counts(self):
        rows = self.listing_of(self.listed)
        self.assertEqual(len(rows), ATTEMPTS)
        self.assertEqual(sum(r["status"] == "confirmed" for r in rows), CAPACITY)
        self.assertEqual(sum(r["status"] == "waitlisted" for r in rows),
                         ATTEMPTS - CAPACITY)

    def test_every_201_accounted_for_in_listing(self):
        rows = {r["id"]: r for r in self.listing_of(self.listed)}
        for reg in self.regs:
            with self.subTest(id=reg["id"]):
                self.assertIn(reg["id"], rows)
                row = rows[reg["id"]]
                self.assertEqual(row["email"], reg["email"])
                self.assertEqual(row["status"], reg["status"])
                self.assertEqual(row.get("waitlist_position"),
                                 reg.get("waitlist_position"))

    def test_listing_has_nothing_unanswered(self):
        answered = {r["id"] for r in self.regs}
        self.assertEqual({r["id"] for r in self.listing_of(self.listed)} - answered,
                         set())

    def test_meeting_counters(self):
        self.assertEqual(self.meeting.status, 200)
        m = self.meeting.body
        self.assertEqual((m["confirmed"], m["waitlisted"], m["seats_left"]),
                         (CAPACITY, ATTEMPTS - CAPACITY, 0))

    def test_first_come_first_served(self):
        # whoever got a seat was handled before everyone who did not, and the
        # queue follows the order in which registrations were stored
        confirmed = [r["id"] for r in self.regs if r["status"] == "confirmed"]
        waiting = sorted((r["id"], r["waitlist_position"]) for r in self.regs
                         if r["status"] == "waitlisted")
        self.assertLess(max(confirmed), min(i for i, _ in waiting))
        self.assertEqual([p for _, p in waiting], list(range(1, len(waiting) + 1)))

    def test_server_still_healthy(self):
        r = self.server.request("GET", "/api/v1/health")
        self.assertEqual(r.status, 200)


if __name__ == "__main__":
    unittest.main()
