"""A crash in the middle of the rush: kill -9 while registrations pour in,
restart on the same database, and check that nothing acknowledged was lost and
nothing is half-written.

The crash runs once (setUpClass); each test method checks one property.
"""

import os
import shutil
import sqlite3
import threading
import time
import unittest

from harness import SaietsTestCase, Server, http_request, meeting_body, person

CAPACITY = 25
THREADS = 8
PER_THREAD = 60             # at most 480 attempts in all
KILL_AFTER = 40             # acknowledged registrations before the kill
LOAD_TIME_LIMIT = 30.0      # seconds to reach KILL_AFTER


def sqlite_check(path):
    """(integrity_check rows, foreign_key_check rows) of the database at path."""
    con = sqlite3.connect(path, timeout=10)
    try:
        integrity = [row[0] for row in con.execute("PRAGMA integrity_check")]
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        return integrity, fk
    finally:
        con.close()


class CrashTest(SaietsTestCase):
    start_server_per_test = False

    @classmethod
    def setUpClass(cls):
        # a running load from one address: the rate limit off
        cls.server = server = Server(serve_args=("--rate-limit", "off"))
        cls.addClassCleanup(server.cleanup)
        server.setup()
        r = server.request("POST", "/api/v1/meetings",
                           meeting_body(title="Sanāksme pirms avārijas",
                                        capacity=CAPACITY),
                           token=server.organizer_token)
        if r.status != 201:
            raise AssertionError("create meeting: %s %r" % (r.status, r.body))
        cls.meeting_id = mid = r.body["id"]
        path = "/api/v1/meetings/%d/registrations" % mid

        cls.acks = acks = []             # (id, email, status) answered 201
        lock = threading.Lock()
        stop = threading.Event()
        port = server.port
        deadline = time.monotonic() + LOAD_TIME_LIMIT + 30

        def worker(t):
            for k in range(PER_THREAD):
                if stop.is_set() or time.monotonic() > deadline:
                    return
                email = "avarija-%d-%d@example.lv" % (t, k)
                try:
                    r = http_request(port, "POST", path, person(email=email),
                                     timeout=10)
                except Exception:
                    continue
                if r.status == 201:
                    with lock:
                        acks.append((r.body["id"], email, r.body["status"]))

        threads = [threading.Thread(target=worker, args=(t,), daemon=True)
                   for t in range(THREADS)]
        for t in threads:
            t.start()
        wait_until = time.monotonic() + LOAD_TIME_LIMIT
        while time.monotonic() < wait_until:
            with lock:
                if len(acks) >= KILL_AFTER:
                    break
            time.sleep(0.01)
        cls.load_running_at_kill = any(t.is_alive() for t in threads)
        server.kill9()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        with lock:
            cls.acks = list(acks)

        # the files exactly as the crash left them, checked on a copy
        crashed = os.path.join(server.tmp, "crashed")
        os.mkdir(crashed)
        for suffix in ("", "-wal", "-journal"):
            if os.path.exists(server.db + suffix):
                shutil.copy2(server.db + suffix,
                             os.path.join(crashed, "saiets.db" + suffix))
        cls.crashed_check = sqlite_check(os.path.join(crashed, "saiets.db"))

        # restart on the same database
        server.start()
        tok = server.organizer_token
        cls.rows = server.request("GET", path, token=tok, timeout=60)
        cls.meeting = server.request("GET", "/api/v1/meetings/%d" % mid)
        cls.reads = {i: server.request("GET", "/api/v1/registrations/%d" % i, token=tok)
                     for i, _, _ in cls.acks}
        cls.after = server.request("POST", path, person(email="pec-avarijas@example.lv"))
        cls.meeting_after = server.request("GET", "/api/v1/meetings/%d" % mid)
        cls.stop_code = server.stop()
        cls.final_check = sqlite_check(server.db)

    def listing(self):
        self.assertEqual(self.rows.status, 200, self.rows.body)
        return self.rows.body["registrations"]

    def test_crash_hit_a_running_load(self):
        self.assertGreaterEqual(len(self.acks), KILL_AFTER)
        self.assertTrue(self.load_running_at_kill)

    def test_every_acknowledged_registration_survives(self):
        for reg_id, email, _ in self.acks:
            with self.subTest(id=reg_id):
                r = self.reads[reg_id]
                self.assertEqual(r.status, 200, r.body)
                self.assertEqual(r.body["email"], email)

    def test_every_acknowledged_registration_listed(self):
        listed = {r["id"]: r["email"] for r in self.listing()}
        for reg_id, email, _ in self.acks:
            self.assertEqual(listed.get(reg_id), email, "registration %d" % reg_id)

    def test_acknowledged_status_kept(self):
        # nothing was cancelled, so nobody may have moved
        for reg_id, _, status in self.acks:
            self.assertEqual(self.reads[reg_id].body["status"], status,
                             "registration %d" % reg_id)

    def test_crashed_files_pass_integrity_check(self):
        self.assertEqual(self.crashed_check[0], ["ok"])

    def test_integrity_check_after_restart(self):
        self.assertEqual(self.final_check[0], ["ok"])

    def test_no_foreign_key_violations(self):
        self.assertEqual(self.final_check[1], [])

    def test_confirmed_within_capacity(self):
        confirmed = [r for r in self.listing() if r["status"] == "confirmed"]
        self.assertLessEqual(len(confirmed), CAPACITY)

    def test_no_free_seat_while_someone_waits(self):
        rows = self.listing()
        confirmed = sum(r["status"] == "confirmed" for r in rows)
        waiting = sum(r["status"] == "waitlisted" for r in rows)
        if waiting:
            self.assertEqual(confirmed, CAPACITY)

    def test_waitlist_positions_contiguous(self):
        positions = sorted(r["waitlist_position"] for r in self.listing()
                           if r["status"] == "waitlisted")
        self.assertEqual(positions, list(range(1, len(positions) + 1)))

    def test_emails_unique(self):
        emails = [r["email"].lower() for r in self.listing()]
        self.assertEqual(len(emails), len(set(emails)))

    def test_meeting_counters_match_listing(self):
        self.assertEqual(self.meeting.status, 200)
        m = self.meeting.body
        rows = self.listing()
        confirmed = sum(r["status"] == "confirmed" for r in rows)
        waiting = sum(r["status"] == "waitlisted" for r in rows)
        self.assertEqual((m["confirmed"], m["waitlisted"], m["seats_left"]),
                         (confirmed, waiting, CAPACITY - confirmed))

    def test_registration_works_after_restart(self):
        self.assertEqual(self.after.status, 201, self.after.body)
        before = self.meeting.body
        after = self.meeting_after.body
        self.assertEqual(after["confirmed"] + after["waitlisted"],
                         before["confirmed"] + before["waitlisted"] + 1)

    def test_clean_shutdown_after_restart(self):
        self.assertEqual(self.stop_code, 0)


if __name__ == "__main__":
    unittest.main()
