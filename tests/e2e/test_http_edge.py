"""The HTTP edge: requests refused before any handler runs (ambiguous framing,
unknown versions, no Host), libevent's own errors as JSON, and a request log
that a client's bytes cannot forge or recolour. Raw bytes over a socket:
http.client would not send most of these."""

import json
import re
import time
import unittest

from harness import SaietsTestCase, person, raw_socket, read_until_closed

STATUS_LINE = re.compile(rb"(?:^|\n)HTTP/1\.\d \d{3} ")


def split_response(data):
    """(status, headers dict with lower-case names, body bytes) of the first
    response in data; status None when there is none."""
    head, sep, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not sep or not lines[0].startswith(b"HTTP/"):
        return None, {}, b""
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return int(lines[0].split(b" ")[1]), headers, body


class EdgeTestCase(SaietsTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.create_meeting()
        self.reg_url = "/api/v1/meetings/%d/registrations" % self.m["id"]

    def exchange(self, data, wait=5.0):
        """Sends data on a fresh connection; returns (every byte answered,
        whether the server closed the connection within `wait` seconds)."""
        sock = raw_socket(self.server.port)
        self.addCleanup(sock.close)
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass                # refused before all of it was read
        return read_until_closed(sock, time.monotonic() + wait)

    def assertJsonError(self, data, status, code):
        got, headers, body = split_response(data)
        self.assertEqual(got, status, data[:400])
        self.assertEqual(headers.get("content-type", "").split(";")[0],
                         "application/json", data[:400])
        err = json.loads(body.split(b"\n")[0].decode("utf-8"))["error"]  # one line
        self.assertEqual(err["code"], code, data[:400])
        self.assertTrue(err["message"].strip(), data[:400])

    def assertRefused(self, data, closed):
        """One 400 bad_request in JSON, then the connection closed: nothing
        after the refused request is read as a request."""
        self.assertJsonError(data, 400, "bad_request")
        self.assertTrue(data.startswith(b"HTTP/1.1 400 "), data[:100])
        self.assertEqual(len(STATUS_LINE.findall(data)), 1, data)
        self.assertTrue(closed, "the connection stayed open after %r" % data[:200])

    def assertNothingRegistered(self):
        self.assertEqual(self.get_meeting(self.m["id"])["confirmed"], 0)

    def post_head(self, *headers):
        return ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\n" % self.reg_url
                + "".join(h + "\r\n" for h in headers) + "\r\n").encode()


class FramingTest(EdgeTestCase):

    def test_two_content_lengths_refused_and_nothing_written(self):
        body = json.dumps(person()).encode()
        # the first one frames the body for libevent: a whole registration
        data, closed = self.exchange(
            self.post_head("Content-Length: %d" % len(body), "Content-Length: 0") + body)
        self.assertRefused(data, closed)
        self.assertNothingRegistered()

    def test_request_hidden_behind_a_second_content_length_never_runs(self):
        # A proxy that believes the last header forwards one request; the
        # first header (libevent's) would make the body a second one.
        hidden = self.post_head("Content-Length: %d" % len(json.dumps(person())))
        hidden += json.dumps(person()).encode()
        data, closed = self.exchange(
            self.post_head("Content-Length: 0", "Content-Length: %d" % len(hidden)) + hidden)
        self.assertRefused(data, closed)
        self.assertNothingRegistered()

    def test_content_length_must_be_digits(self):
        for value in ("+2", " +2", "+0", "0x2", ""):
            with self.subTest(value=value):
                data, closed = self.exchange(self.post_head("Content-Length:" + value) + b"{}")
                self.assertRefused(data, closed)
        self.assertNothingRegistered()

    def test_transfer_encoding_with_content_length_refused(self):
        data, closed = self.exchange(self.post_head(
            "Transfer-Encoding: chunked", "Content-Length: 5") + b"0\r\n\r\n")
        self.assertJsonError(data, 400, "bad_request")
        self.assertTrue(closed)

    def test_http11_without_host_refused(self):
        data, closed = self.exchange(b"GET /api/v1/health HTTP/1.1\r\n\r\n")
        self.assertRefused(data, closed)

    def test_two_hosts_refused(self):
        data, closed = self.exchange(b"GET /api/v1/health HTTP/1.1\r\nHost: a\r\n"
                                     b"Host: b\r\n\r\n")
        self.assertRefused(data, closed)

    def test_http10_without_host_served(self):
        data, _ = self.exchange(b"GET /api/v1/health HTTP/1.0\r\n\r\n")
        self.assertEqual(split_response(data)[0], 200, data[:200])

    def test_unknown_minor_version_refused_not_echoed(self):
        for version in (b"HTTP/1.7", b"HTTP/1.2", b"HTTP/0.9"):
            with self.subTest(version=version):
                data, closed = self.exchange(b"GET /api/v1/health " + version +
                                             b"\r\nHost: 127.0.0.1\r\n\r\n")
                self.assertRefused(data, closed)

    def test_sound_keep_alive_requests_still_served(self):
        req = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        data, closed = self.exchange(req + req, wait=1.5)
        self.assertEqual(data.count(b"HTTP/1.1 200 OK"), 2, data)
        self.assertFalse(closed)


class LibeventErrorsTest(EdgeTestCase):
    """Errors libevent answers by itself come as the API's JSON."""

    def test_body_over_one_mib_413_json(self):
        data, closed = self.exchange(self.post_head("Content-Length: %d" % (2 * 1024 * 1024)))
        self.assertJsonError(data, 413, "body_too_large")
        self.assertTrue(closed)
        self.assertNothingRegistered()

    def test_oversized_headers_json(self):
        data, closed = self.exchange(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     b"X-Padding: " + b"a" * (16 * 1024) + b"\r\n\r\n")
        self.assertJsonError(data, 400, "bad_request")
        self.assertTrue(closed)

    def test_malformed_request_line_json(self):
        for line in (b"GET /api/v1/health HTTP/2.0", b"GET /api/v1/health",
                     b"GET /api/v1/health HTTP/1.1 extra"):
            with self.subTest(line=line):
                data, closed = self.exchange(line + b"\r\nHost: 127.0.0.1\r\n\r\n")
                self.assertJsonError(data, 400, "bad_request")
                self.assertTrue(closed)

    def test_unsupported_method_json(self):
        data, closed = self.exchange(b"TRACE /api/v1/health HTTP/1.1\r\n"
                                     b"Host: 127.0.0.1\r\n\r\n")
        self.assertJsonError(data, 501, "not_implemented")
        self.assertTrue(closed)


class LogEscapeTest(EdgeTestCase):

    # ESC (recolours a terminal), a lone CR (a forged line on some viewers),
    # DEL, an invalid byte, a C1 control (CSI, U+009B) and a backslash;
    # "ā" is valid UTF-8 and stays as it is.
    URI = (b"/api/v1/nope\x1b[31mRED\r2026-01-01T00:00:00.000Z info FORGED\x7f"
           b"\xff\xc2\x9b\\\xc4\x81")
    ESCAPED = (b"/api/v1/nope\\x1b[31mRED\\x0d2026-01-01T00:00:00.000Z info FORGED\\x7f"
               b"\\xff\\xc2\\x9b\\x5c\xc4\x81")

    def logged(self, marker, wait=5.0):
        """The server's log once it holds marker (the log is flushed every
        tenth of a second)."""
        deadline = time.monotonic() + wait
        while True:
            log = self.server.log_bytes()
            if marker in log or time.monotonic() > deadline:
                return log
            time.sleep(0.05)

    def test_control_bytes_and_invalid_utf8_escaped(self):
        data, _ = self.exchange(b"GET " + self.URI + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                                wait=1.0)
        log = self.logged(b"FORGED")
        self.assertIn(self.ESCAPED, log)
        for raw in (b"\x1b", b"\r", b"\x7f", b"\xff", b"\xc2\x9b"):
            self.assertNotIn(raw, log, "raw %r in the log" % raw)
        # the forged text stays inside the request's own line
        self.assertFalse(any(line.startswith(b"2026-01-01T00:00:00.000Z")
                             for line in log.split(b"\n")))
        # and the answer is JSON although the path is not UTF-8
        self.assertJsonError(data, 404, "not_found")

    def test_latvian_letters_stay_readable(self):
        path = "/api/v1/Rīga-ķēķis".encode("utf-8")
        self.exchange(b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", wait=1.0)
        self.assertIn(b" " + path + b" 404 ", self.logged("ķēķis".encode("utf-8")))


if __name__ == "__main__":
    unittest.main()
