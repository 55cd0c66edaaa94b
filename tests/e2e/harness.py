"""End-to-end test harness for Saiets.

Starts the real `saiets` binary (path in the SAIETS_BIN environment variable) on a
free loopback port with a fresh database in a temporary directory, and talks to it
over HTTP the way a user's browser or script would.

Only the Python standard library is used.

Rules kept here for every test:
  * servers bind 127.0.0.1 only;
  * only processes started here are ever signalled, by their own PID;
  * every server is stopped and its temporary directory removed, even when a
    test fails (Server.cleanup is registered before the server starts).
"""

import atexit
import datetime
import http.client
import json
import os
import queue
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import unittest
from collections import namedtuple

HOST = "127.0.0.1"
LISTEN_RE = re.compile(r"^saiets: listening on http://127\.0\.0\.1:(\d+)\s*$")
# "sa_<api token id>_<secret>", "sr_<registration id>_<secret>": the secret is
# 32 random bytes in unpadded base64url (docs/api.md, Authentication).
ACCOUNT_TOKEN_RE = re.compile(r"^sa_[1-9][0-9]*_[A-Za-z0-9_-]{43}$")
MANAGE_TOKEN_RE = re.compile(r"^sr_[1-9][0-9]*_[A-Za-z0-9_-]{43}$")
RFC3339_UTC_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

START_TIMEOUT = 10.0      # seconds to wait for the "listening" line
STOP_TIMEOUT = 15.0       # seconds to wait after SIGTERM before SIGKILL
CLI_TIMEOUT = 30.0        # seconds for one short CLI command (init, token)
REQUEST_TIMEOUT = 30.0    # seconds for one HTTP exchange

MEETINGS = "/api/v1/meetings"
REGISTRATIONS = "/api/v1/registrations"

# what `saiets init --demo` holds: the Daugavpils meeting, its confirmed
# registrations, its site-visit slot
DEMO_MEETING = 1
DEMO_CONFIRMED = 53
DEMO_SLOT = 1

CSV_HEADER = ["id", "first_name", "last_name", "email", "organisation",
              "position", "phone", "status", "waitlist_position", "created_at"]


# --------------------------------------------------------------------------
# the binary and its command line
# --------------------------------------------------------------------------

def saiets_bin():
    """Path of the binary under test, from SAIETS_BIN."""
    path = os.environ.get("SAIETS_BIN", "")
    if not path:
        raise RuntimeError("SAIETS_BIN is not set (run.py --saiets PATH sets it)")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise RuntimeError("SAIETS_BIN is not an executable file: %r" % path)
    return path


def run_cli(args, timeout=CLI_TIMEOUT):
    """Run `saiets ARGS...` to completion; returns subprocess.CompletedProcess
    with text stdout/stderr. The process is killed (by its PID) on timeout.

    It runs in a scratch directory of its own, so that a default file name
    (say, a database `saiets init` makes when no --db is given) never lands
    in the caller's working directory."""
    scratch = tempfile.mkdtemp(prefix="saiets-e2e-cli-")
    try:
        proc = subprocess.Popen([saiets_bin()] + list(args), cwd=scratch,
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _register(proc)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError("saiets %s did not finish in %.0f s; stderr: %s"
                                 % (" ".join(args), timeout, _text(err)[-2000:]))
        finally:
            _unregister(proc)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       _text(out), _text(err))


def _text(b):
    return (b or b"").decode("utf-8", errors="replace")


# Every process started here, so that an interrupted run leaves nothing behind.
_live = {}
_live_lock = threading.Lock()


def _register(proc):
    with _live_lock:
        _live[proc.pid] = proc


def _unregister(proc):
    with _live_lock:
        _live.pop(proc.pid, None)


_tmpdirs = set()


@atexit.register
def _kill_leftovers():
    """Last resort for an interrupted run: kill the servers we started (by
    their PID) and remove their temporary directories."""
    with _live_lock:
        procs = list(_live.values())
        dirs = list(_tmpdirs)
    for proc in procs:
        if proc.poll() is None:
            try:
                proc.kill()           # os.kill(proc.pid, SIGKILL), our own child
                proc.wait(timeout=5)
            except Exception:
                pass
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)


_pythons = {}


def python_with(*modules):
    """A Python interpreter that can import every one of modules: this one, or
    the first python3 on PATH that can (a test may run under another Python
    than Debian's, whose packages such as python3-icalendar and
    python3-aiosmtpd live in /usr/bin/python3's path).  AssertionError naming
    the modules when none can."""
    key = tuple(modules)
    if key in _pythons:
        return _pythons[key]
    candidates = [sys.executable]
    for d in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/bin"]:
        if d:
            candidates.append(os.path.join(d, "python3"))
    seen = set()
    for c in candidates:
        if not (os.path.isfile(c) and os.access(c, os.X_OK)):
            continue
        real = os.path.realpath(c)
        if real in seen:
            continue
        seen.add(real)
        try:
            ok = subprocess.run([c, "-c", "import " + ", ".join(modules)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok.returncode == 0:
            _pythons[key] = c
            return c
    raise AssertionError("no python3 that can import %s (Debian packages: python3-...)"
                         % ", ".join(modules))


def free_port():
    """A loopback port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------

class Response(namedtuple("Response", "status headers body")):
    """(status, headers, body): body is the parsed JSON for a JSON answer, else
    text. `.raw` holds the undecoded bytes."""
    raw = b""

    @property
    def content_type(self):
        return self.headers.get("Content-Type", "") if self.headers else ""


def http_request(port, method, path, body=None, token=None, headers=None,
                 raw=None, timeout=REQUEST_TIMEOUT):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        return _exchange(conn, method, path, body, token, headers, raw)
    finally:
        conn.close()


def _exchange(conn, method, path, body=None, token=None, headers=None, raw=None):
    hdrs = {}
    data = None
    if raw is not None:
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
        hdrs["Content-Type"] = "application/json"
    elif body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    if headers:
        hdrs.update(headers)
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    payload = resp.read()
    ctype = resp.headers.get("Content-Type", "")
    parsed = _text(payload)
    if ctype.split(";")[0].strip().lower() == "application/json":
        try:
            parsed = json.loads(payload.decode("utf-8"))
        except ValueError:
            pass            # left as text; the tests will complain about its shape
    r = Response(resp.status, resp.headers, parsed)
    r.raw = payload
    return r


def raw_socket(port, timeout=10.0):
    s = socket.create_connection((HOST, port), timeout=timeout)
    return s


def read_until_closed(sock, deadline):
    """Read from `sock` until the peer closes it or `deadline` (time.monotonic)
    passes. Returns (data, closed) where closed says the peer closed/reset."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"".join(chunks), False
        r, _, _ = select.select([sock], [], [], min(left, 0.5))
        if not r:
            continue
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
            return b"".join(chunks), True
        except socket.timeout:
            continue
        if not data:
            return b"".join(chunks), True
        chunks.append(data)


def parse_raw_response(data):
    """Status code (int) and body bytes of the first HTTP response in `data`,
    or (None, b"") if there is none."""
    if not data.startswith(b"HTTP/"):
        return None, b""
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None, b""
    return status, body


# --------------------------------------------------------------------------
# the server
# --------------------------------------------------------------------------

class ServerError(RuntimeError):
    pass


class Server:
    """One Saiets instance: a database in a temporary directory, two account
    tokens, and a `saiets serve` process on a free loopback port.

        s = Server(demo=True)
        try:
            s.setup()                 # init + tokens + serve
            status, headers, body = s.request("GET", "/api/v1/health")
        finally:
            s.cleanup()
    """

    def __init__(self, demo=False, serve_args=()):
        self.demo = demo
        self.serve_args = list(serve_args)
        self.tmp = tempfile.mkdtemp(prefix="saiets-e2e-")
        with _live_lock:
            _tmpdirs.add(self.tmp)
        self.db = os.path.join(self.tmp, "saiets.db")
        self.proc = None
        self.port = None
        self.admin_token = None
        self.organizer_token = None
        self.stdout_lines = []
        self.exit_codes = []      # return code of every serve process stopped
        self._log = None
        self._log_paths = []
        self._expect_dead = False

    # -- lifecycle ---------------------------------------------------------

    def setup(self):
        self.init_db(self.demo)
        self.admin_token = self.create_token("admin")
        self.organizer_token = self.create_token("organizer")
        self.start()
        return self

    def init_db(self, demo=False):
        args = ["init", "--db", self.db] + (["--demo"] if demo else [])
        r = run_cli(args)
        if r.returncode != 0:
            raise ServerError("saiets init failed (%d): %s" % (r.returncode, r.stderr))

    def create_token(self, role):
        r = run_cli(["token", "create", "--role", role, "--db", self.db])
        if r.returncode != 0:
            raise ServerError("saiets token create failed (%d): %s"
                              % (r.returncode, r.stderr))
        # lenient on purpose: the exact format is test_cli's business, and a
        # format slip must not stop every other test from running
        lines = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
        if len(lines) != 1 or not re.match(r"^sa_\S+$", lines[0]):
            raise ServerError("token create printed %r, expected one sa_ token"
                              % r.stdout)
        return lines[0]

    def start(self, serve_args=None, port=0):
        """Start `saiets serve` on this database and wait for its port."""
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError("server already running")
        args = serve_args if serve_args is not None else self.serve_args
        log_path = os.path.join(self.tmp, "serve-%d.log" % (len(self._log_paths) + 1))
        self._log_paths.append(log_path)
        self._log = open(log_path, "wb")
        cmd = [saiets_bin(), "serve", "--db", self.db, "--bind", HOST,
               "--port", str(port)] + list(args)
        self.proc = subprocess.Popen(cmd, cwd=self.tmp, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._log)
        _register(self.proc)
        self._expect_dead = False
        lines = queue.Queue()
        proc = self.proc

        def pump():
            for raw_line in iter(proc.stdout.readline, b""):
                line = _text(raw_line).rstrip("\r\n")
                self.stdout_lines.append(line)
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                line = ""
                if time.monotonic() >= deadline:
                    self._force_kill()
                    raise ServerError("no 'listening' line within %.0f s; stderr: %s"
                                      % (START_TIMEOUT, self.log_text()[-2000:]))
                continue
            if line is None:
                rc = self.proc.wait(timeout=STOP_TIMEOUT)
                _unregister(self.proc)
                raise ServerError("saiets serve exited (%s) before listening; stderr: %s"
                                  % (rc, self.log_text()[-2000:]))
            m = LISTEN_RE.match(line)
            if m:
                self.port = int(m.group(1))
                return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Signal the server (SIGTERM by default) and wait for it; SIGKILL if it
        does not exit in time. Returns its exit code (negative = killed by a
        signal), or None if it was not running."""
        if self.proc is None:
            return None
        proc = self.proc
        if proc.poll() is None:
            try:
                proc.send_signal(sig)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
                rc = "timeout"
                self._finish(proc)
                self.exit_codes.append(rc)
                return rc
        self._finish(proc)
        self.exit_codes.append(proc.returncode)
        return proc.returncode

    def kill9(self):
        """SIGKILL the running server (a crash) and wait for it."""
        self._expect_dead = True
        self._force_kill()

    def _force_kill(self):
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        try:
            proc.wait(timeout=10)
        finally:
            self._finish(proc)

    def _finish(self, proc):
        _unregister(proc)
        if proc.stdout:
            try:
                proc.stdout.close()
            except OSError:
                pass
        if self._log:
            self._log.close()
            self._log = None

    def cleanup(self):
        """Stop the server and remove the temporary directory. Raises
        AssertionError afterwards if the server had died on its own."""
        died = unclean = None
        try:
            if self.proc is not None and not self._expect_dead:
                rc = self.proc.poll()
                if rc is not None and self.proc.pid in _live:
                    died = rc
            was_running = self.alive() and not self._expect_dead
            rc = self.stop(timeout=5)
            # A clean stop exits 0; under ASan/LSan a leak or a memory error
            # found at shutdown shows up here as a non-zero exit.
            if was_running and rc != 0:
                unclean = rc
        finally:
            bad = died is not None or unclean is not None
            log_tail = self.log_text()[-3000:] if bad else ""
            shutil.rmtree(self.tmp, ignore_errors=True)
            with _live_lock:
                _tmpdirs.discard(self.tmp)
        if died is not None:
            raise AssertionError("saiets serve died during the test (exit %s); "
                                 "stderr tail:\n%s" % (died, log_tail))
        if unclean is not None:
            raise AssertionError("saiets serve did not stop cleanly on SIGTERM "
                                 "(exit %s); stderr tail:\n%s" % (unclean, log_tail))

    # -- inspection --------------------------------------------------------

    def log_text(self):
        """Everything the server(s) of this instance wrote to stderr."""
        return _text(self.log_bytes())

    def log_bytes(self):
        """The same, undecoded: for tests of what bytes reach the log."""
        parts = []
        for p in self._log_paths:
            try:
                with open(p, "rb") as f:
                    parts.append(f.read())
            except OSError:
                pass
        return b"".join(parts)

    # -- HTTP --------------------------------------------------------------

    def request(self, method, path, body=None, token=None, headers=None,
                raw=None, timeout=REQUEST_TIMEOUT):
        """One request on a fresh connection: returns Response(status, headers,
        body) where body is parsed JSON for a JSON answer, else text."""
        if self.port is None:
            raise ServerError("server not started")
        return http_request(self.port, method, path, body=body, token=token,
                            headers=headers, raw=raw, timeout=timeout)

    def connection(self, timeout=REQUEST_TIMEOUT):
        """A keep-alive http.client connection to the server (caller closes)."""
        return http.client.HTTPConnection(HOST, self.port, timeout=timeout)


# --------------------------------------------------------------------------
# test data
# --------------------------------------------------------------------------

_counter = [0]
_counter_lock = threading.Lock()


def unique(prefix="x"):
    with _counter_lock:
        _counter[0] += 1
        return "%s%d" % (prefix, _counter[0])


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def rfc3339(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def future_date(days):
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def meeting_path(mid):
    return "%s/%d" % (MEETINGS, mid)


def registration_path(rid):
    return "%s/%d" % (REGISTRATIONS, rid)


def meeting_body(**overrides):
    """A valid meeting, modelled on the Daugavpils network meeting but dated in
    the future so that no date rule gets in the way."""
    body = {
        "title": "Izglītības un kultūras tīkla sanāksme",
        "city": "Daugavpils",
        "starts_on": future_date(30),
        "ends_on": future_date(31),
        "capacity": 60,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not OMIT}


def person(n=None, **overrides):
    """A valid registration body; each call gets a distinct e-mail."""
    tag = unique("p") if n is None else str(n)
    body = {
        "first_name": "Ilze",
        "last_name": "Bērziņa",
        "email": "ilze.%s@example.lv" % tag,
        "organisation": "Rēzeknes novada pašvaldība",
        "position": "izglītības speciāliste",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not OMIT}


def answers_for(fields, starts_on="2015-11-05"):
    """Valid answers to every required field of a meeting's form."""
    out = {}
    for f in fields or []:
        if not f.get("required"):
            continue
        t = f.get("type")
        if t == "choice":
            out[f["key"]] = f["options"][0]
        elif t == "multi_choice":
            out[f["key"]] = [f["options"][0]]
        elif t == "boolean":
            out[f["key"]] = False
        elif t == "number":
            out[f["key"]] = 1
        elif t == "date":
            out[f["key"]] = starts_on
        else:
            out[f["key"]] = "x"
    return out


class _Omit:
    def __repr__(self):
        return "OMIT"


OMIT = _Omit()      # pass as a value to leave a default field out


# --------------------------------------------------------------------------
# Latvian collation (for checking lists whose order is not fixed by the test)
# --------------------------------------------------------------------------

# CLDR `lv`: č, ģ, ķ, ļ, ņ, š, ž are letters of their own after c, g, k, l, n,
# s, z; y sorts after i; long vowels (ā, ē, ī, ū) differ from a, e, i, u only at
# the secondary level.
_LV_SEPARATE = {"č": ("c", 1), "ģ": ("g", 1), "ķ": ("k", 1), "ļ": ("l", 1),
                "ņ": ("n", 1), "š": ("s", 1), "ž": ("z", 1), "y": ("i", 2)}


def _lv_char(ch):
    low = ch.lower()
    if low in _LV_SEPARATE:
        base, extra = _LV_SEPARATE[low]
        return (3, base, extra), 0
    decomposed = unicodedata.normalize("NFD", low)
    base = decomposed[0]
    if base.isalpha():
        return (3, base, 0), len(decomposed) - 1
    if base.isdigit():
        return (2, base, 0), 0
    if base.isspace():
        return (0, " ", 0), 0
    return (1, base, 0), 0


def latvian_key(s):
    """An approximation of ICU `lv` collation, good for names."""
    chars = [_lv_char(c) for c in s]
    primary = tuple(c[0] for c in chars)
    secondary = tuple(c[1] for c in chars)
    tertiary = tuple(0 if c.islower() else 1 for c in s)
    return (primary, secondary, tertiary)


# --------------------------------------------------------------------------
# base test case
# --------------------------------------------------------------------------

class SaietsTestCase(unittest.TestCase):
    """Starts a fresh server for every test (unless start_server_per_test is
    False) and offers API helpers and assertions."""

    start_server_per_test = True
    demo = False
    serve_args = ()

    maxDiff = 4000

    def setUp(self):
        if self.start_server_per_test:
            self.server = self.start_server(demo=self.demo,
                                            serve_args=self.serve_args)

    def start_server(self, demo=False, serve_args=()):
        server = Server(demo=demo, serve_args=serve_args)
        self.addCleanup(server.cleanup)
        server.setup()
        return server

    # -- shortcuts ----------------------------------------------------------

    @property
    def org(self):
        return self.server.organizer_token

    @property
    def admin(self):
        return self.server.admin_token

    def req(self, method, path, body=None, token=None, **kw):
        return self.server.request(method, path, body=body, token=token, **kw)

    # -- API helpers ----------------------------------------------------------

    def create_meeting(self, server=None, **overrides):
        server = server or self.server
        r = server.request("POST", MEETINGS, meeting_body(**overrides),
                           token=server.organizer_token)
        self.assertEqual(r.status, 201, "create meeting: %r" % (r.body,))
        self.assertIsInstance(r.body, dict)
        self.assertIsInstance(r.body.get("id"), int)
        return r.body

    def get_meeting(self, meeting_id, server=None):
        server = server or self.server
        r = server.request("GET", meeting_path(meeting_id))
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def patch_meeting(self, meeting_id, changes, server=None):
        server = server or self.server
        return server.request("PATCH", meeting_path(meeting_id), changes,
                              token=server.organizer_token)

    def register_raw(self, meeting_id, body, server=None):
        server = server or self.server
        return server.request("POST", "/api/v1/meetings/%d/registrations" % meeting_id,
                              body)

    def register(self, meeting_id, server=None, **overrides):
        r = self.register_raw(meeting_id, person(**overrides), server=server)
        self.assertEqual(r.status, 201, "register: %r" % (r.body,))
        self.assertIsInstance(r.body, dict)
        return r.body

    def get_registration(self, reg_id, token=None, server=None):
        server = server or self.server
        return server.request("GET", registration_path(reg_id),
                              token=token or server.organizer_token)

    def registration(self, reg_id, server=None):
        r = self.get_registration(reg_id, server=server)
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def cancel(self, reg_id, token=None, server=None):
        server = server or self.server
        return server.request("DELETE", registration_path(reg_id),
                              token=token or server.organizer_token)

    def listing(self, meeting_id, query="", server=None, token=None):
        server = server or self.server
        r = server.request("GET", "/api/v1/meetings/%d/registrations%s"
                           % (meeting_id, query),
                           token=token or server.organizer_token)
        self.assertEqual(r.status, 200, r.body)
        self.assertIsInstance(r.body, dict, r.body)
        return r.body["registrations"]

    def create_organisation(self, name, kind="municipality", server=None):
        server = server or self.server
        r = server.request("POST", "/api/v1/organisations",
                           {"name": name, "kind": kind},
                           token=server.organizer_token)
        self.assertEqual(r.status, 201, r.body)
        return r.body

    # -- assertions -----------------------------------------------------------

    def assertJson(self, r):
        self.assertTrue(r.content_type.lower().startswith("application/json"),
                        "Content-Type %r, body %r" % (r.content_type, r.body))
        self.assertIsInstance(r.body, dict, "body is not a JSON object: %r" % (r.body,))

    def assertErrorShape(self, r):
        """{"error": {"code": str, "message": str[, "field": str]}}"""
        self.assertJson(r)
        err = r.body.get("error")
        self.assertIsInstance(err, dict, "no error object in %r" % (r.body,))
        self.assertIsInstance(err.get("code"), str, r.body)
        self.assertTrue(err["code"], r.body)
        self.assertIsInstance(err.get("message"), str, r.body)
        self.assertTrue(err["message"].strip(), "empty message: %r" % (r.body,))
        if "field" in err:
            self.assertIsInstance(err["field"], str, r.body)

    def assertError(self, r, status, code, field=None):
        """The answer is an error with this status and code (and `field`, if
        given). `code` may be a tuple of acceptable codes."""
        self.assertEqual(r.status, status, "expected %s %s, got %s %r"
                         % (status, code, r.status, r.body))
        self.assertErrorShape(r)
        codes = code if isinstance(code, tuple) else (code,)
        self.assertIn(r.body["error"]["code"], codes, r.body)
        if field is not None:
            self.assertEqual(r.body["error"].get("field"), field, r.body)
