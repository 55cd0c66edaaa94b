"""Connection limits: slow clients, idle clients, the connection cap."""

import http.client
import json
import select
import threading
import time
import unittest

from harness import (SaietsTestCase, http_request, parse_raw_response, raw_socket,
                     read_until_closed)

HEALTH = (b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          b"Connection: close\r\n\r\n")
# a request that, at one byte a second, never finishes within the test
ENDLESS = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200

GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


def wait_closed(sock, limit):
    """Seconds until the server closes `sock` (reading and discarding what it
    sends), or None if it is still open after `limit` seconds."""
    start = time.monotonic()
    _, closed = read_until_closed(sock, start + limit)
    return time.monotonic() - start if closed else None


def drip(port, interval, limit, payload=ENDLESS):
    """Send `payload` one byte every `interval` seconds. Returns the seconds from
    the first byte until the server cut the connection, or None if it had not
    within `limit` seconds (the loop is bounded by both `limit` and the payload
    length)."""
    sock = raw_socket(port, timeout=5)
    start = time.monotonic()
    try:
        for i in range(len(payload)):
            if time.monotonic() - start > limit:
                return None
            try:
                sock.sendall(payload[i:i + 1])
            except GONE:
                return time.monotonic() - start
            ready, _, _ = select.select([sock], [], [], interval)
            if ready:
                # the server spoke (a 408, say) or closed: either way it is
                # done with us once the socket reads EOF
                _, closed = read_until_closed(sock, time.monotonic() + 2)
                if closed:
                    return time.monotonic() - start
        return None
    finally:
        sock.close()


class SlowClientTest(SaietsTestCase):
    serve_args = ("--request-timeout", "3", "--idle-timeout", "2")

    def test_slowloris_cut_off_by_request_timeout(self):
        elapsed = drip(self.server.port, interval=1.0, limit=10)
        self.assertIsNotNone(elapsed, "a one-byte-a-second client was never cut off")
        self.assertLess(elapsed, 6.5)
        # bytes arrived every second, so the 2 s idle timeout alone must not
        # have fired: the whole-request timeout (3 s) did
        self.assertGreater(elapsed, 2.0)

    def test_others_served_during_slowloris(self):
        results = [None] * 3
        threads = []
        for i in range(len(results)):
            def run(i=i):
                results[i] = drip(self.server.port, interval=1.0, limit=10)
            t = threading.Thread(target=run, daemon=True)
            t.start()
            threads.append(t)
        time.sleep(1.5)
        latencies = []
        for _ in range(10):
            t0 = time.monotonic()
            r = http_request(self.server.port, "GET", "/api/v1/health", timeout=3)
            latencies.append(time.monotonic() - t0)
            self.assertEqual(r.status, 200)
        m = self.create_meeting()
        self.register(m["id"])
        for t in threads:
            t.join(timeout=15)
        self.assertLess(max(latencies), 1.0, latencies)
        for elapsed in results:
            self.assertIsNotNone(elapsed, "a slow client was never cut off")
            self.assertLess(elapsed, 6.5)


class IdleClientTest(SaietsTestCase):
    serve_args = ("--idle-timeout", "2", "--request-timeout", "10")

    def test_silent_client_closed_after_idle_timeout(self):
        sock = raw_socket(self.server.port)
        self.addCleanup(sock.close)
        elapsed = wait_closed(sock, limit=8)
        self.assertIsNotNone(elapsed, "a silent connection stayed open for 8 s")
        self.assertGreater(elapsed, 1.5)
        self.assertLess(elapsed, 5.0)

    def test_stalled_partial_request_closed_after_idle_timeout(self):
        sock = raw_socket(self.server.port)
        self.addCleanup(sock.close)
        sock.sendall(b"GET /api/v1/hea")
        elapsed = wait_closed(sock, limit=8)
        self.assertIsNotNone(elapsed, "a stalled request stayed open for 8 s")
        self.assertGreater(elapsed, 1.5)
        self.assertLess(elapsed, 5.0)     # well before the 10 s request timeout

    def test_slow_but_steady_client_is_served(self):
        # six pieces a second apart: never idle for 2 s, done within 10 s
        sock = raw_socket(self.server.port)
        self.addCleanup(sock.close)
        pieces = [HEALTH[i:i + 12] for i in range(0, len(HEALTH), 12)]
        step = max(1, len(pieces) // 6)
        chunks = [b"".join(pieces[i:i + step]) for i in range(0, len(pieces), step)]
        for chunk in chunks[:-1]:
            sock.sendall(chunk)
            time.sleep(1.0)
        sock.sendall(chunks[-1])
        data, _ = read_until_closed(sock, time.monotonic() + 5)
        status, body = parse_raw_response(data)
        self.assertEqual(status, 200, data[:300])

    def test_server_still_serves_after_idle_cleanup(self):
        socks = [raw_socket(self.server.port) for _ in range(5)]
        for s in socks:
            self.addCleanup(s.close)
        for s in socks:
            self.assertIsNotNone(wait_closed(s, limit=8))
        self.assertEqual(http_request(self.server.port, "GET", "/api/v1/health").status,
                         200)


class MaxConnectionsTest(SaietsTestCase):
    serve_args = ("--max-connections", "5")

    PARTIAL = b"GET /api/v1/health HTTP/1.1\r\n"
    REST = b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n"

    def hold(self, n):
        """n connections, each in the middle of sending a request."""
        socks = []
        for _ in range(n):
            s = raw_socket(self.server.port)
            self.addCleanup(s.close)
            s.sendall(self.PARTIAL)
            socks.append(s)
        time.sleep(0.5)             # let the server accept them all
        return socks

    def finish(self, sock):
        sock.sendall(self.REST)
        data, _ = read_until_closed(sock, time.monotonic() + 5)
        return parse_raw_response(data)

    def assertTurnedAway(self, sock):
        try:
            sock.sendall(HEALTH)
        except GONE:
            return
        data, closed = read_until_closed(sock, time.monotonic() + 5)
        status, body = parse_raw_response(data)
        if status is None:
            self.assertTrue(closed, "connection over the cap neither answered nor "
                                    "closed: %r" % data[:200])
            return
        self.assertEqual(status, 503, data[:300])
        head = data.partition(b"\r\n\r\n")[0].decode("latin-1").lower()
        for line in head.split("\r\n"):
            if line.startswith("content-length:"):
                self.assertEqual(int(line.split(":", 1)[1]), len(body),
                                 "Content-Length of the 503 does not match its body")
        if body.strip().startswith(b"{"):
            self.assertEqual(json.loads(body)["error"]["code"], "overloaded")
        self.assertTrue(closed, "connection over the cap not closed after 503")

    def test_sixth_connection_turned_away(self):
        self.hold(5)
        extra = raw_socket(self.server.port)
        self.addCleanup(extra.close)
        self.assertTurnedAway(extra)

    def test_first_five_still_work_after_sixth(self):
        socks = self.hold(5)
        extra = raw_socket(self.server.port)
        self.addCleanup(extra.close)
        self.assertTurnedAway(extra)
        for s in socks:
            status, body = self.finish(s)
            self.assertEqual(status, 200)

    def test_slot_freed_when_a_connection_closes(self):
        socks = self.hold(5)
        socks[0].close()
        deadline = time.monotonic() + 3
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                status = http_request(self.server.port, "GET", "/api/v1/health",
                                      timeout=3).status
            except (OSError, http.client.HTTPException):
                status = None
            if status != 200:
                time.sleep(0.2)
        self.assertEqual(status, 200)

    def test_closed_connections_do_not_count(self):
        # 20 clients one after another, each closing its connection as soon
        # as it has its answer: never more than one open at a time
        statuses = []
        for _ in range(20):
            try:
                statuses.append(http_request(self.server.port, "GET",
                                             "/api/v1/health", timeout=5).status)
            except (OSError, http.client.HTTPException) as e:
                statuses.append(repr(e))
            time.sleep(0.05)
        self.assertEqual(statuses, [200] * 20)


class BrokenPipeTest(SaietsTestCase):
    """A client that resets its connection while the server writes an answer
    makes the next write fail with EPIPE and raise SIGPIPE, whose default
    action ends the process (wrk closing 50 connections at the end of a run
    did it). The server must shrug it off."""

    def test_sigpipe_does_not_stop_the_server(self):
        import os
        import signal
        self.assertEqual(self.req("GET", "/api/v1/health").status, 200)
        for _ in range(3):
            os.kill(self.server.proc.pid, signal.SIGPIPE)   # our own child
        time.sleep(0.2)
        self.assertIsNone(self.server.proc.poll(), "the server died of SIGPIPE")
        self.assertEqual(self.req("GET", "/api/v1/health").status, 200)


if __name__ == "__main__":
    unittest.main()
