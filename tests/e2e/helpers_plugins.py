"""Helpers for the plugin e2e tests (test_plugins, test_hostile_plugins):
plugin folders made from a dict {path: text}, .tar.gz packages made in
memory (good ones and hostile ones: ../x, /abs, links, duplicate names, a
gzip bomb), installing through the admin API or, before a server starts,
through `saiets plugin install`, and enabling a plugin for a meeting.

No test classes here: test modules import helpers, never each other."""

import gzip
import io
import json
import os
import shutil
import tarfile
import tempfile
import threading
import time

from harness import MEETINGS, Server, person, run_cli

ADMIN_PLUGINS = "/api/v1/admin/plugins"

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE_PLUGINS = os.path.join(ROOT, "plugins")
HOSTILE_PLUGINS = os.path.join(ROOT, "tests", "plugins", "hostile")
QUOTA = "municipality-quota"
QUOTA_DIR = os.path.join(EXAMPLE_PLUGINS, QUOTA)

GZIP_TYPE = {"Content-Type": "application/gzip"}


# --------------------------------------------------------------------------
# plugin files
# --------------------------------------------------------------------------

def manifest(name, version="1.0.0", **extra):
    """manifest.json text for a plugin: name, version, api 1, titles and
    descriptions in both languages, plus the keys given (reads, settings,
    priority, ...)."""
    m = {"name": name, "version": version, "api": 1,
         "title": {"lv": "Spraudnis %s" % name, "en": "Plugin %s" % name},
         "description": {"lv": "Pārbaudes spraudnis", "en": "A test plugin"}}
    m.update(extra)
    return json.dumps(m, ensure_ascii=False, indent=2)


def plugin_files(name, lua, version="1.0.0", migrations=None, locale=None, **extra):
    """{path: text} of a plugin: manifest.json, plugin.lua, migrations
    ({"001_init.sql": sql}) and locale ({"lv": {...}, "en": {...}})."""
    files = {"manifest.json": manifest(name, version, **extra), "plugin.lua": lua}
    for mname, sql in (migrations or {}).items():
        files["migrations/" + mname] = sql
    for lang, texts in (locale or {}).items():
        files["locale/%s.json" % lang] = json.dumps(texts, ensure_ascii=False)
    return files


def read_plugin_dir(path):
    """{relative path: bytes} of every file under a plugin folder."""
    out = {}
    for base, dirs, names in os.walk(path):
        dirs.sort()
        for n in sorted(names):
            full = os.path.join(base, n)
            rel = os.path.relpath(full, path).replace(os.sep, "/")
            with open(full, "rb") as f:
                out[rel] = f.read()
    return out


def with_version(files, version):
    """A copy of files whose manifest.json says another version."""
    out = dict(files)
    m = json.loads(_bytes(out["manifest.json"]).decode("utf-8"))
    m["version"] = version
    out["manifest.json"] = json.dumps(m, ensure_ascii=False, indent=2)
    return out


def write_plugin_dir(files, parent, name="plugin"):
    """Writes files (a dict path -> text or bytes) into parent/name and
    returns that folder."""
    root = os.path.join(parent, name)
    for rel, data in files.items():
        full = os.path.join(root, *rel.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(_bytes(data))
    return root


def _bytes(data):
    return data.encode("utf-8") if isinstance(data, str) else data


def targz(files, top=None):
    """A .tar.gz (bytes, made in memory) of files (dict path -> text or
    bytes), under one top folder when top is given."""
    entries = []
    for rel in sorted(files):
        entries.append(("file", (top + "/" + rel) if top else rel, _bytes(files[rel])))
    return targz_entries(entries)


def targz_entries(entries):
    """A .tar.gz of raw entries, for hostile packages: each is
    ("file", name, bytes), ("dir", name), ("symlink", name, target) or
    ("hardlink", name, target). Names are written as given (../x, /abs,
    duplicates)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for kind, name, *rest in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 1446681600
            info.mode = 0o644
            if kind == "file":
                data = rest[0]
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = rest[0]
                tar.addfile(info)
            elif kind == "hardlink":
                info.type = tarfile.LNKTYPE
                info.linkname = rest[0]
                tar.addfile(info)
            else:
                raise ValueError(kind)
    return gzip.compress(raw.getvalue(), compresslevel=9, mtime=0)


class _Zeros(io.RawIOBase):
    """A file of n zero bytes that never holds them all in memory."""

    def __init__(self, n):
        self.left = n

    def readable(self):
        return True

    def readinto(self, b):
        k = min(len(b), self.left)
        b[:k] = bytes(k)
        self.left -= k
        return k


def gzip_bomb(files, bomb_path="README.md", bomb_bytes=256 << 20):
    """A small .tar.gz (a few hundred KiB) that inflates to bomb_bytes of
    zeros in one file besides files."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar:
            for rel in sorted(files):
                data = _bytes(files[rel])
                info = tarfile.TarInfo(rel)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            info = tarfile.TarInfo(bomb_path)
            info.size = bomb_bytes
            tar.addfile(info, io.BufferedReader(_Zeros(bomb_bytes), 1 << 20))
    return out.getvalue()


def hostile_archives(files):
    """{attack: .tar.gz bytes} of packages the server must refuse, each
    built around an otherwise good plugin (files)."""
    good = [("file", rel, _bytes(files[rel])) for rel in sorted(files)]
    return {
        "dotdot": targz_entries(good + [("file", "../escaped.txt", b"x")]),
        "dotdot_inside": targz_entries(good + [("file", "docs/../../escaped.txt", b"x")]),
        "absolute": targz_entries(good + [("file", "/absolute/escaped.txt", b"x")]),
        "symlink": targz_entries(good + [("symlink", "README.md", "/etc/passwd")]),
        "symlink_code": targz_entries(
            [e for e in good if e[1] != "plugin.lua"] + [("symlink", "plugin.lua", "/etc/passwd")]),
        "hardlink": targz_entries(good + [("hardlink", "README.md", "plugin.lua")]),
        "duplicate": targz_entries(good + [("file", "plugin.lua", b"error('second copy')")]),
        "gzip_bomb": gzip_bomb(files),
        "not_gzip": b"PK\x03\x04 this is not a gzip stream at all",
        "truncated": targz(files)[:-40],
    }


# --------------------------------------------------------------------------
# servers with plugins installed by the CLI before they start
# --------------------------------------------------------------------------

def cli_install(server, path):
    """`saiets plugin install PATH --db` on the server's database (a CLI
    change reaches a running server only at its next start)."""
    return run_cli(["plugin", "install", path, "--db", server.db])


def start_with_plugins(testcase, paths, demo=False):
    """A Server whose database got each plugin folder or .tar.gz in paths
    installed with the CLI before `saiets serve` started."""
    server = Server(demo=demo)
    testcase.addCleanup(server.cleanup)
    server.init_db(demo)
    server.admin_token = server.create_token("admin")
    server.organizer_token = server.create_token("organizer")
    for p in paths:
        r = cli_install(server, p)
        if r.returncode != 0:
            raise AssertionError("saiets plugin install %s failed (%d): %s"
                                 % (p, r.returncode, r.stderr))
    server.start()
    return server


# --------------------------------------------------------------------------
# a mixin for SaietsTestCase
# --------------------------------------------------------------------------

def plugin_path(mid, name, rest=""):
    return "%s/%d/plugins/%s%s" % (MEETINGS, mid, name, rest)


class PluginMixin:
    """Plugin helpers for a SaietsTestCase (mix in before SaietsTestCase)."""

    def scratch(self):
        """A temporary folder removed after the test."""
        d = tempfile.mkdtemp(prefix="saiets-e2e-plugin-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    # -- admin ----------------------------------------------------------------

    def post_package(self, data, token=None, server=None, content_type="application/gzip"):
        server = server or self.server
        return server.request("POST", ADMIN_PLUGINS, raw=data,
                              token=server.admin_token if token is None else token,
                              headers={"Content-Type": content_type})

    def install(self, files, server=None, expect=201):
        """Installs files (dict) through the API; returns the answer's body."""
        r = self.post_package(targz(files), server=server)
        self.assertEqual(r.status, expect, "install: %r" % (r.body,))
        self.assertJson(r)
        return r.body

    def install_dir(self, path, server=None, expect=201):
        return self.install(read_plugin_dir(path), server=server, expect=expect)

    def admin_plugins(self, server=None):
        server = server or self.server
        r = server.request("GET", ADMIN_PLUGINS, token=server.admin_token)
        self.assertEqual(r.status, 200, r.body)
        self.assertIsInstance(r.body, list, r.body)
        return r.body

    def plugin_names(self, server=None):
        return [p["name"] for p in self.admin_plugins(server)]

    def admin_plugin(self, name, server=None):
        server = server or self.server
        return server.request("GET", "%s/%s" % (ADMIN_PLUGINS, name),
                              token=server.admin_token)

    def switch(self, name, on, server=None, token=None):
        server = server or self.server
        return server.request("POST", "%s/%s/%s" % (ADMIN_PLUGINS, name,
                                                    "enable" if on else "disable"),
                              token=server.admin_token if token is None else token)

    def remove(self, name, server=None):
        server = server or self.server
        return server.request("DELETE", "%s/%s" % (ADMIN_PLUGINS, name),
                              token=server.admin_token)

    # -- per meeting ------------------------------------------------------------

    def put_plugin(self, mid, name, settings=None, server=None, token=None, body=None):
        server = server or self.server
        if body is None:
            body = {"settings": settings if settings is not None else {}}
        return server.request("PUT", plugin_path(mid, name), body,
                              token=server.organizer_token if token is None else token)

    def enable(self, mid, name, settings=None, server=None):
        r = self.put_plugin(mid, name, settings, server=server)
        self.assertEqual(r.status, 200, "enable %s for meeting %d: %r" % (name, mid, r.body))
        return r.body

    def meeting_plugins(self, mid, server=None):
        server = server or self.server
        r = server.request("GET", plugin_path(mid, "").rstrip("/"),
                           token=server.organizer_token)
        self.assertEqual(r.status, 200, r.body)
        self.assertIsInstance(r.body, list, r.body)
        return {p["plugin"]: p for p in r.body}

    def route(self, method, mid, name, rest, body=None, token=None, server=None,
              timeout=30.0):
        server = server or self.server
        return server.request(method, plugin_path(mid, name, rest), body, token=token,
                              timeout=timeout)

    # -- health and innocent traffic ---------------------------------------------

    def assertHealthy(self, server=None, within=1.0):
        """GET /api/v1/health answers 200 within `within` seconds."""
        server = server or self.server
        self.assertTrue(server.alive(), "the server died; stderr:\n%s"
                        % server.log_text()[-3000:])
        t0 = time.monotonic()
        try:
            r = server.request("GET", "/api/v1/health", timeout=within)
        except OSError as exc:
            self.fail("GET /api/v1/health gave no answer within %.1f s (%s)" % (within, exc))
        took = time.monotonic() - t0
        self.assertEqual(r.status, 200, r.body)
        self.assertLess(took, within, "health took %.2f s" % took)


class Innocents:
    """Registers people for a meeting from a thread while something else
    happens, at most `count` of them and for at most `seconds`:

        with Innocents(self, mid) as inn:
            ... the attack ...
        self.assertEqual(inn.unexpected, [])
    """

    def __init__(self, testcase, mid, count=40, seconds=8.0, pause=0.02,
                 timeout=10.0, allowed=(201,), server=None, organisation=None):
        self.tc = testcase
        self.server = server or testcase.server
        self.mid = mid
        self.count = count
        self.seconds = seconds
        self.pause = pause
        self.timeout = timeout
        self.allowed = allowed
        self.organisation = organisation
        self.statuses = []
        self.unexpected = []
        self.ids = []
        self._stop = threading.Event()
        self._thread = None

    def _run(self):
        deadline = time.monotonic() + self.seconds
        for _ in range(self.count):
            if self._stop.is_set() or time.monotonic() > deadline:
                break
            over = {} if self.organisation is None else {"organisation": self.organisation}
            t0 = time.monotonic()
            try:
                r = self.server.request("POST", "%s/%d/registrations" % (MEETINGS, self.mid),
                                        person(**over), timeout=self.timeout)
            except OSError as exc:
                self.unexpected.append(("no answer", str(exc)))
                continue
            took = time.monotonic() - t0
            self.statuses.append(r.status)
            if r.status not in self.allowed:
                self.unexpected.append((r.status, r.body))
            elif r.status == 201:
                self.ids.append(r.body["id"])
            if took > self.timeout / 2:
                self.unexpected.append(("slow", round(took, 2)))
            self._stop.wait(self.pause)

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(self.seconds + self.timeout + 5)
        return False

    def wait_some(self, n=1, within=5.0):
        """Waits until n answers came back (or the time is up)."""
        deadline = time.monotonic() + within
        while len(self.statuses) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.statuses) >= n
