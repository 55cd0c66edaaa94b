"""Hostile plugins (tests/plugins/hostile/<attack>/) against a running
server: endless loops, pcall/xpcall tricks, memory growth, the missing
dangerous globals and bytecode, Lua pattern bombs, SQL that tries to break
the host's transaction or reach what is not the plugin's own, runaway SQL,
migrations that attack host tables, hostile .tar.gz archives, and a hook
that always fails. For each: the server neither dies nor stalls (health
answers within 1 s right after), innocent registrations at the same time
succeed, and the attack is refused at install (422 invalid_plugin, nothing
installed) or fails alone (500 plugin_error, or a hook failure logged and
counted while the registration goes on)."""

import os
import socket
import threading
import time
import unittest

from harness import MEETINGS, SaietsTestCase, person, run_cli
from helpers_plugins import (HOSTILE_PLUGINS, QUOTA, QUOTA_DIR, Innocents, PluginMixin,
                             cli_install, hostile_archives, plugin_files, plugin_path,
                             read_plugin_dir, targz)

ATTACK_TIMEOUT = 6.0   # seconds one request of an attack may take before we give up
FAST = 2.0             # an attack must be stopped within this (budget 200 ms + slack)

BUDGET_WORDS = ("instruction budget exceeded", "time limit exceeded")
MEMORY_WORDS = ("memory limit exceeded", "not enough memory")


def hostile(name):
    """{path: bytes} of tests/plugins/hostile/<name>/."""
    return read_plugin_dir(os.path.join(HOSTILE_PLUGINS, name))


def rss_kib(pid):
    """The process's resident memory in KiB (Linux), or None (also under
    AddressSanitizer, whose shadow memory and quarantine make it meaningless)."""
    if "ASAN_OPTIONS" in os.environ:
        return None
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class HostileTestCase(PluginMixin, SaietsTestCase):

    def setUp(self):
        super().setUp()
        self.mid = self.create_meeting(capacity=500)["id"]      # the plugin's meeting
        self.other = self.create_meeting(capacity=500)["id"]    # innocent traffic

    def arm(self, name, settings=None):
        """Installs tests/plugins/hostile/<name> and enables it for self.mid."""
        body = self.install(hostile(name))
        self.assertEqual(body["name"], name)
        self.enable(self.mid, name, settings)
        return body

    def timed(self, fn):
        t0 = time.monotonic()
        problem = None
        try:
            out = fn()
        except socket.timeout:
            problem = "no answer within %.0f s: the attack was not stopped" % ATTACK_TIMEOUT
        except OSError as exc:
            problem = "the request failed: %s (server alive: %s)" % (exc, self.server.alive())
        if problem:
            self.fail(problem)
        return out, time.monotonic() - t0

    def call(self, method, rest, body=None, token=None, name=None):
        """A plugin route of self.mid, timed: (response, seconds)."""
        return self.timed(lambda: self.route(method, self.mid, name or self.plugin, rest,
                                             body, token=token, timeout=ATTACK_TIMEOUT))

    def register_timed(self, mid=None, **over):
        return self.timed(lambda: self.server.request(
            "POST", "%s/%d/registrations" % (MEETINGS, mid or self.mid), person(**over),
            timeout=ATTACK_TIMEOUT))

    def attack(self, fn, seconds=8.0):
        """Runs fn() while innocent registrations go to the other meeting;
        afterwards the server is healthy and every innocent got 201."""
        with Innocents(self, self.other, count=200, seconds=seconds, pause=0.02,
                       timeout=ATTACK_TIMEOUT) as inn:
            self.assertTrue(inn.wait_some(1), "no innocent registration answered")
            out = fn()
        self.assertHealthy()
        self.assertEqual(inn.unexpected, [], "innocent registrations failed or were slow")
        self.assertTrue(inn.ids, "no innocent registration got through")
        stored = {r["id"] for r in self.listing(self.other)}
        self.assertTrue(set(inn.ids) <= stored)
        return out

    def assertStopped(self, r, took, words=BUDGET_WORDS, status=500, code="plugin_error"):
        self.assertError(r, status, code)
        self.assertLess(took, FAST, "the plugin ran %.2f s" % took)
        if words:
            msg = r.body["error"]["message"]
            self.assertTrue(any(w in msg for w in words), "message %r names none of %r"
                            % (msg, words))
            self.assertIn(self.plugin, msg)

    def assertHookFailed(self, r, took, failures=1):
        """The registration went on (201) quickly while the hook failed,
        was logged and counted."""
        self.assertEqual(r.status, 201, r.body)
        self.assertLess(took, FAST, "the registration took %.2f s" % took)
        state = self.meeting_plugins(self.mid)[self.plugin]
        self.assertEqual(state["failures"], failures, state)
        self.assertIn("plugin %s" % self.plugin, self.server.log_text())

    def assertStoredOnce(self, reg_id, mid=None):
        ids = [r["id"] for r in self.listing(mid or self.mid)]
        self.assertEqual(ids.count(reg_id), 1, ids)


# --------------------------------------------------------------------------
# Lua budgets
# --------------------------------------------------------------------------

class EndlessLoopTest(HostileTestCase):
    plugin = "endless-loop"

    def setUp(self):
        super().setUp()
        self.arm(self.plugin)

    def test_hook(self):
        r, took = self.attack(self.register_timed)
        self.assertHookFailed(r, took)
        self.assertStoredOnce(r.body["id"])
        log = self.server.log_text()
        self.assertTrue(any(w in log for w in BUDGET_WORDS), log[-2000:])

    def test_get_route(self):
        r, took = self.attack(lambda: self.call("GET", "/spin"))
        self.assertStopped(r, took)

    def test_post_route(self):
        r, took = self.attack(lambda: self.call("POST", "/spin", {}))
        self.assertStopped(r, took)

    def test_endless_recursion(self):
        r, took = self.attack(lambda: self.call("GET", "/recurse"))
        self.assertStopped(r, took, words=("stack overflow",) + BUDGET_WORDS + MEMORY_WORDS)

    def test_export_columns(self):
        self.register(self.mid)
        r, took = self.attack(lambda: self.timed(lambda: self.server.request(
            "GET", "%s/%d/registrations" % (MEETINGS, self.mid),
            token=self.org, timeout=ATTACK_TIMEOUT)))
        self.assertEqual(r.status, 200, r.body)
        self.assertLess(took, FAST)
        self.assertEqual(len(r.body["registrations"]), 1)
        self.assertFalse([c for c in r.body.get("plugin_columns", [])
                          if c["key"].startswith(self.plugin)])


class PcallSwallowTest(HostileTestCase):
    plugin = "pcall-swallow"

    def setUp(self):
        super().setUp()
        self.arm(self.plugin)

    def test_pcall_loop_in_a_hook(self):
        r, took = self.attack(lambda: self.register_timed(first_name="Pcall"))
        self.assertHookFailed(r, took)

    def test_xpcall_looping_handler_in_a_hook(self):
        r, took = self.attack(lambda: self.register_timed(first_name="Xpcall"))
        self.assertHookFailed(r, took)
        self.assertStoredOnce(r.body["id"])

    def test_pcall_loop_in_a_route(self):
        r, took = self.attack(lambda: self.call("GET", "/pcall"))
        self.assertStopped(r, took)

    def test_xpcall_looping_handler_in_a_route(self):
        r, took = self.attack(lambda: self.call("POST", "/xpcall", {}))
        self.assertStopped(r, took)

    def test_error_object_with_looping_tostring(self):
        r, took = self.attack(lambda: self.call("GET", "/error-table"))
        self.assertError(r, 500, "plugin_error")
        self.assertLess(took, FAST)


class MemoryTest(HostileTestCase):
    plugin = "memory-rep"

    def setUp(self):
        super().setUp()
        self.arm("memory-rep")
        self.arm("memory-table")

    def test_string_rep_doubling_in_a_route(self):
        for method in ("GET", "POST"):
            with self.subTest(method=method):
                r, took = self.attack(lambda: self.call(method, "/grow",
                                                        {} if method == "POST" else None))
                self.assertStopped(r, took, words=MEMORY_WORDS)
        # a memory error does not spend the plugin: the same call fails the
        # same way, not with a stale message
        r, took = self.call("GET", "/grow")
        self.assertStopped(r, took, words=MEMORY_WORDS)

    def test_concatenation_doubling(self):
        r, took = self.attack(lambda: self.call("GET", "/concat"))
        self.assertStopped(r, took, words=MEMORY_WORDS)

    def test_one_huge_rep(self):
        r, took = self.attack(lambda: self.call("GET", "/huge"))
        self.assertStopped(r, took, words=MEMORY_WORDS)

    def test_string_rep_doubling_in_a_hook(self):
        r, took = self.attack(self.register_timed)
        self.assertHookFailed(r, took)

    def test_growing_table(self):
        self.plugin = "memory-table"
        for method in ("GET", "POST"):
            with self.subTest(method=method):
                r, took = self.attack(lambda: self.call(method, "/fill",
                                                        {} if method == "POST" else None))
                self.assertStopped(r, took, words=MEMORY_WORDS + BUDGET_WORDS)

    def test_growing_table_in_a_hook(self):
        self.plugin = "memory-table"
        r, took = self.attack(self.register_timed)
        self.assertHookFailed(r, took)

    def test_table_kept_across_calls(self):
        """4 MiB more each call: the cap holds across calls, and the
        server's own memory stays small."""
        self.plugin = "memory-table"
        statuses = []

        def grow():
            for _ in range(12):            # 48 MiB asked for, the cap is 32
                r, took = self.call("POST", "/keep", {})
                statuses.append(r.status)
                self.assertLess(took, FAST)
                if r.status != 200:
                    return r, took
            return r, took

        r, took = self.attack(grow)
        self.assertStopped(r, took, words=MEMORY_WORDS)
        self.assertIn(200, statuses)
        rss = rss_kib(self.server.proc.pid)
        if rss is not None:
            self.assertLess(rss, 400 * 1024, "the server holds %d KiB" % rss)


class ForbiddenGlobalsTest(HostileTestCase):
    plugin = "forbidden-globals"

    def setUp(self):
        super().setUp()
        self.arm(self.plugin)

    def test_nothing_dangerous_is_reachable(self):
        r, _ = self.call("GET", "/probe")
        self.assertEqual(r.status, 200, r.body)
        found = dict(r.body)
        self.assertNotEqual(found.pop("string metatable"), "table")
        self.assertEqual({k: v for k, v in found.items() if v != "nil"}, {},
                         "reachable from a plugin")

    def test_each_fails_as_a_plugin_error(self):
        for rest in ("/load", "/dump", "/require", "/debug", "/dofile"):
            with self.subTest(route=rest):
                r, took = self.call("GET", rest)
                self.assertError(r, 500, "plugin_error")
                self.assertIn("nil value", r.body["error"]["message"])
        self.assertHealthy()

    def test_no_command_runs_and_no_file_is_written(self):
        for rest in ("/execute", "/open"):
            target = os.path.join(self.server.tmp, "pwned-%s" % rest.strip("/"))
            with self.subTest(route=rest):
                r, _ = self.call("POST", rest, {"path": target})
                self.assertError(r, 500, "plugin_error")
                self.assertFalse(os.path.exists(target))

    def test_hook(self):
        r, took = self.attack(self.register_timed)
        self.assertHookFailed(r, took)


class RefusedAtLoadTest(HostileTestCase):

    def assertRefusedInstall(self, name, words=()):
        r, took = self.attack(lambda: self.timed(lambda: self.post_package(targz(hostile(name)))))
        self.assertError(r, 422, "invalid_plugin")
        self.assertLess(took, FAST + 1)
        for w in words:
            self.assertIn(w, r.body["error"]["message"])
        self.assertEqual(self.plugin_names(), [])
        return r

    def test_bytecode_chunk(self):
        self.assertRefusedInstall("bytecode-chunk", words=("binary",))

    def test_bytecode_chunk_by_cli(self):
        r = cli_install(self.server, os.path.join(HOSTILE_PLUGINS, "bytecode-chunk"))
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(self.plugin_names(), [])

    def test_endless_loop_while_loading(self):
        self.assertRefusedInstall("load-loop")


class PatternBombTest(HostileTestCase):
    """Lua patterns that backtrack for minutes. They must stop within the
    budget; a matcher that charges the budget is what makes that true."""
    plugin = "pattern-bomb"

    def setUp(self):
        super().setUp()
        self.arm(self.plugin)

    def test_in_a_hook(self):
        r, took = self.attack(self.register_timed, seconds=ATTACK_TIMEOUT + 2)
        self.assertHookFailed(r, took)

    def test_lazy_dots_in_a_get_route(self):
        r, took = self.attack(lambda: self.call("GET", "/bomb1"), seconds=ATTACK_TIMEOUT + 2)
        self.assertStopped(r, took)

    def test_optional_x_in_a_get_route(self):
        r, took = self.attack(lambda: self.call("GET", "/bomb2"), seconds=ATTACK_TIMEOUT + 2)
        self.assertStopped(r, took)

    def test_gmatch_in_a_get_route(self):
        r, took = self.attack(lambda: self.call("GET", "/bomb3"), seconds=ATTACK_TIMEOUT + 2)
        self.assertStopped(r, took)

    def test_lazy_dots_in_a_write_route(self):
        r, took = self.attack(lambda: self.call("POST", "/bomb1", {}),
                              seconds=ATTACK_TIMEOUT + 2)
        self.assertStopped(r, took)


# --------------------------------------------------------------------------
# SQL
# --------------------------------------------------------------------------

TXN_ATTEMPTS = 11


class TransactionBreakTest(HostileTestCase):
    plugin = "txn-break"

    def setUp(self):
        super().setUp()
        self.arm(self.plugin)

    def log(self):
        r = self.route("GET", self.mid, self.plugin, "/log")
        self.assertEqual(r.status, 200, r.body)
        return r.body["log"]

    def test_in_hooks(self):
        r, took = self.attack(self.register_timed)
        # validate tried everything under pcall and went on; confirmed
        # ended with an unprotected ROLLBACK, so it failed (alone)
        self.assertHookFailed(r, took)
        self.assertStoredOnce(r.body["id"])
        m = self.get_meeting(self.mid)
        self.assertEqual(m["confirmed"], 1)
        log = self.log()
        validate = [e for e in log if e["place"] == "validate"]
        self.assertEqual(len(validate), TXN_ATTEMPTS, log)
        self.assertEqual({e["outcome"] for e in validate}, {"refused"}, log)
        self.assertEqual([e for e in log if e["place"] == "confirmed"], [],
                         "the failed hook's writes were not undone")
        # the next registration is just as fine
        second = self.register(self.mid)
        self.assertStoredOnce(second["id"])
        self.assertEqual(len(self.listing(self.mid)), 2)

    def test_in_a_write_route(self):
        r, took = self.attack(lambda: self.call("POST", "/break", {}))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(len(r.body), TXN_ATTEMPTS)
        allowed = {k: v for k, v in r.body.items() if not v.startswith("refused")}
        self.assertEqual(allowed, {})
        log = self.log()
        self.assertEqual([e for e in log if e["stmt"] == "row"],
                         [{"place": "route", "stmt": "row", "outcome": "kept"}])

    def test_commit_then_fail_undoes_the_write(self):
        r, _ = self.call("POST", "/commit-then-fail", {})
        self.assertError(r, 500, "plugin_error")
        self.assertEqual([e for e in self.log() if e["stmt"] == "undone"], [])


VICTIM_LUA = r'''
saiets.route("GET", "/secrets", function(req)
  return {status = 200, body = {rows = saiets.db.rows("SELECT secret FROM p_victim_secrets")}}
end, {auth = "public"})
'''


class IsolationTest(HostileTestCase):
    plugin = "isolation"

    def setUp(self):
        super().setUp()
        self.install(plugin_files("victim", VICTIM_LUA, migrations={
            "001_secrets.sql": "CREATE TABLE p_victim_secrets (secret TEXT);\n"
                               "INSERT INTO p_victim_secrets VALUES ('slepens');\n"}))
        self.enable(self.mid, "victim")
        self.arm(self.plugin)
        self.mine = [self.register(self.mid, first_name="Mana") for _ in range(2)]
        self.theirs = [self.register(self.other, first_name="Sveša") for _ in range(3)]
        self.meeting_before = self.get_meeting(self.mid)

    def assertHostIntact(self):
        m = self.get_meeting(self.mid)
        for key in ("title", "capacity", "city", "status"):
            self.assertEqual(m[key], self.meeting_before[key], key)
        theirs = {x["id"]: x["email"] for x in self.listing(self.other)}
        for reg in self.theirs:
            self.assertEqual(theirs.get(reg["id"]), reg["email"])
        self.assertGreaterEqual(len(self.listing(self.mid)), len(self.mine))
        r = self.route("GET", self.mid, "victim", "/secrets")
        self.assertEqual(r.body["rows"], [{"secret": "slepens"}])
        self.assertEqual(sorted(self.plugin_names()), ["isolation", "victim"])
        for f in ("stolen.db", "stolen-copy.db"):
            self.assertFalse(os.path.exists(os.path.join(self.server.tmp, f)), f)
        self.assertHealthy()

    def test_reads_refused(self):
        r, _ = self.call("GET", "/reads")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual({k: v for k, v in r.body.items() if v != "refused"}, {})
        self.assertGreater(len(r.body), 20)
        self.assertHostIntact()

    def test_writes_refused(self):
        r, _ = self.call("POST", "/writes", {})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual({k: v for k, v in r.body.items() if v != "refused"}, {})
        self.assertHostIntact()

    def test_host_table_and_string_metatable(self):
        r, _ = self.call("GET", "/lua")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual({k: v for k, v in r.body.items() if v != "refused"}, {})
        # the host table still works after the attempts
        r, _ = self.call("GET", "/seen")
        self.assertEqual(r.status, 200, r.body)

    def test_views_show_only_the_meeting_served(self):
        r, _ = self.call("GET", "/seen")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["other_meetings"], 0)
        self.assertEqual(sorted(row["email"] for row in r.body["rows"]),
                         sorted(reg["email"] for reg in self.mine))
        self.assertEqual({row["meeting_id"] for row in r.body["rows"]}, {self.mid})

    def test_hooks_cannot_write_host_tables(self):
        r, took = self.attack(self.register_timed)
        # validate tried its writes under pcall; confirmed's unprotected
        # UPDATE failed the hook, alone: for every registration so far
        # (failures are counted since the plugin was enabled)
        self.assertHookFailed(r, took, failures=len(self.mine) + 1)
        self.assertStoredOnce(r.body["id"])
        self.assertHostIntact()
        self.assertEqual(self.get_meeting(self.mid)["confirmed"], len(self.mine) + 1)


class RunawaySqlTest(HostileTestCase):
    plugin = "runaway-sql"

    def setUp(self):
        super().setUp()
        self.arm(self.plugin)

    def test_in_a_hook(self):
        r, took = self.attack(self.register_timed)
        self.assertHookFailed(r, took)
        self.assertIn("ran too long", self.server.log_text())

    def test_in_a_get_route(self):
        r, took = self.attack(lambda: self.call("GET", "/count"))
        self.assertStopped(r, took, words=("ran too long",))

    def test_in_a_write_route_with_innocents_at_the_same_moment(self):
        n = 6
        start = threading.Barrier(n + 1)
        answers = [None] * n

        def innocent(i):
            start.wait(5)
            try:
                answers[i] = self.server.request(
                    "POST", "%s/%d/registrations" % (MEETINGS, self.other if i % 2 else self.mid),
                    person(), timeout=ATTACK_TIMEOUT).status
            except OSError as exc:
                answers[i] = str(exc)

        threads = [threading.Thread(target=innocent, args=(i,), daemon=True) for i in range(n)]
        for t in threads:
            t.start()

        def go():
            start.wait(5)
            return self.call("POST", "/count", {})

        r, took = self.attack(go)
        for t in threads:
            t.join(ATTACK_TIMEOUT + 5)
        self.assertStopped(r, took, words=("ran too long",))
        self.assertEqual(answers, [201] * n)
        # the route's own write was undone with it
        self.assertEqual(self.route("GET", self.mid, self.plugin, "/rows").body["n"], 0)

    def test_cross_join(self):
        r, took = self.attack(lambda: self.call("POST", "/join", {}))
        self.assertStopped(r, took, words=("ran too long",))

    def test_gigabyte_blob(self):
        """One SQL function call that asks for ~1 GB: refused or stopped
        within the budget, not a second-long stall of the loop."""
        rss0 = rss_kib(self.server.proc.pid)
        r, took = self.attack(lambda: self.call("GET", "/blob"))
        self.assertError(r, 500, "plugin_error")
        self.assertLess(took, FAST)
        rss = rss_kib(self.server.proc.pid)
        if rss0 is not None and rss is not None:
            self.assertLess(rss - rss0, 200 * 1024, "the server grew by %d KiB" % (rss - rss0))


# --------------------------------------------------------------------------
# migrations
# --------------------------------------------------------------------------

MIGRATION_ATTACKS = [
    "mig-trigger", "mig-temp-trigger", "mig-foreign-key", "mig-foreign-key-alter",
    "mig-view", "mig-drop-host", "mig-index-host", "mig-pragma", "mig-attach",
    "mig-schema-write", "mig-host-write", "mig-host-read", "mig-rename-out",
    "mig-transaction", "mig-runaway",
]


class MigrationAttackTest(HostileTestCase):
    """Each second migration (002_attack.sql) attacks the host: the install
    is refused, nothing of it stays (its first migration is undone too, so
    the same plugin without the attack installs afresh), and the host's
    data is intact."""

    def check_refused(self, name):
        regs = [self.register(self.mid) for _ in range(2)]
        files = hostile(name)
        r, took = self.attack(lambda: self.timed(lambda: self.server.request(
            "POST", "/api/v1/admin/plugins", raw=targz(files), token=self.admin,
            headers={"Content-Type": "application/gzip"}, timeout=ATTACK_TIMEOUT)))
        self.assertError(r, 422, "invalid_plugin")
        self.assertLess(took, FAST + 1)
        msg = r.body["error"]["message"]
        # the file, or for a foreign key (checked once all have run) the table
        self.assertTrue("002_attack.sql" in msg or "foreign key" in msg, msg)
        self.assertEqual(self.plugin_names(), [])
        for f in ("stolen.db",):
            self.assertFalse(os.path.exists(os.path.join(self.server.tmp, f)))
        # the host: registrations, their e-mails, new ones, tokens
        listed = self.listing(self.mid)
        self.assertEqual(sorted((x["id"], x["email"]) for x in listed),
                         sorted((x["id"], x["email"]) for x in regs))
        new = self.register(self.mid)
        self.assertEqual(self.registration(new["id"])["email"], new["email"])
        self.assertEqual(len(self.listing(self.mid)), 3)
        self.assertEqual(self.req("GET", self.regs(new), token=new["manage_token"]).status, 200)
        # the same plugin without the attack installs from scratch
        clean = {k: v for k, v in files.items() if k != "migrations/002_attack.sql"}
        body = self.install(clean)
        self.assertEqual(body["migrations_run"], 1)
        self.enable(self.mid, name)
        rows = self.route("GET", self.mid, name, "/rows")
        self.assertEqual(rows.status, 200, rows.body)
        self.assertEqual(rows.body["rows"], [{"id": 1, "a": "first"}])
        # and does nothing to registrations made afterwards
        after = self.register(self.mid)
        self.assertEqual(self.registration(after["id"])["email"], after["email"])
        self.assertEqual(len(self.listing(self.mid)), 4)

    def regs(self, reg):
        return "/api/v1/registrations/%d" % reg["id"]

    def test_refused_by_the_cli_too(self):
        r = cli_install(self.server, os.path.join(HOSTILE_PLUGINS, "mig-trigger"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("002_attack.sql", r.stderr)
        listed = run_cli(["plugin", "list", "--db", self.server.db])
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertNotIn("mig-trigger", listed.stdout)


def _migration_test(name):
    def test(self):
        self.check_refused(name)
    test.__doc__ = "%s: %s" % (name, "the install is refused and nothing stays")
    return test


for _name in MIGRATION_ATTACKS:
    setattr(MigrationAttackTest, "test_" + _name.replace("-", "_"), _migration_test(_name))


# --------------------------------------------------------------------------
# archives
# --------------------------------------------------------------------------

ARCHIVE_ATTACKS = ["dotdot", "dotdot_inside", "absolute", "symlink", "symlink_code",
                   "hardlink", "duplicate", "gzip_bomb", "not_gzip", "truncated"]


class ArchiveAttackTest(HostileTestCase):
    """Hostile .tar.gz packages through the admin API: each is 422
    invalid_plugin and the plugin list stays as it was."""

    def check_refused(self, attack):
        self.install(read_plugin_dir(QUOTA_DIR))
        before = self.admin_plugins()
        files = plugin_files("tarball", "saiets.route('GET', '/x', function() "
                                        "return {status = 200, body = {}} end)")
        data = hostile_archives(files)[attack]
        self.assertLess(len(data), 1 << 20, "the archive is larger than a request may be")
        r, took = self.attack(lambda: self.timed(lambda: self.post_package(data)))
        self.assertError(r, 422, "invalid_plugin")
        self.assertLess(took, FAST + 3)
        self.assertEqual(self.admin_plugins(), before)
        self.assertEqual(self.plugin_names(), [QUOTA])
        for leftover in ("escaped.txt",):
            self.assertFalse(os.path.exists(os.path.join(os.path.dirname(self.server.tmp),
                                                         leftover)))
        # the same plugin, packed properly, installs
        self.assertEqual(self.install(files)["name"], "tarball")


def _archive_test(attack):
    def test(self):
        self.check_refused(attack)
    test.__doc__ = "a .tar.gz with %s is refused" % attack
    return test


for _attack in ARCHIVE_ATTACKS:
    setattr(ArchiveAttackTest, "test_" + _attack, _archive_test(_attack))


# --------------------------------------------------------------------------
# a hook that always fails
# --------------------------------------------------------------------------

class AlwaysErrorsTest(HostileTestCase):
    plugin = "always-errors"

    def setUp(self):
        super().setUp()
        self.arm(self.plugin)

    def state(self, mid=None):
        return self.meeting_plugins(mid or self.mid)[self.plugin]

    def test_switched_off_after_five_failures(self):
        also = self.create_meeting()["id"]
        self.enable(also, self.plugin)
        regs = []
        for n in range(1, 6):
            r, took = self.register_timed()
            self.assertEqual(r.status, 201, r.body)
            regs.append(r.body["id"])
            s = self.state()
            self.assertEqual(s["failures"], n, s)
            self.assertEqual(s["enabled"], n < 5, s)
        s = self.state()
        self.assertFalse(s["enabled"])
        self.assertIn("always fails", s["disabled_reason"])
        self.assertIn(self.plugin, s["disabled_reason"])
        shown = self.admin_plugin(self.plugin).body
        mine = [m for m in shown["meetings"] if m["meeting_id"] == self.mid][0]
        self.assertFalse(mine["enabled"])
        self.assertIn("always fails", mine["disabled_reason"])
        self.assertTrue(shown["enabled"], "switched off for the whole server")
        self.assertIn("switched off", self.server.log_text())
        # off for this meeting: its routes too; the next registration does
        # not run it
        self.assertError(self.route("GET", self.mid, self.plugin, "/alive"), 404, "not_found")
        self.register(self.mid)
        self.assertEqual(self.state()["failures"], 5)
        self.assertEqual(len(self.listing(self.mid)), 6)
        # the other meeting counts its own failures
        self.assertEqual(self.state(also)["failures"], 0)
        self.assertTrue(self.state(also)["enabled"])
        self.assertEqual(self.route("GET", also, self.plugin, "/alive").status, 200)
        # the organizer switches it on again: the count starts afresh
        body = self.enable(self.mid, self.plugin)
        self.assertTrue(body["enabled"])
        s = self.state()
        self.assertEqual((s["enabled"], s["failures"], s["disabled_reason"]), (True, 0, None))

    def test_innocents_unaffected(self):
        def five():
            out = []
            for _ in range(5):
                out.append(self.register_timed())
            return out

        answers = self.attack(five)
        self.assertEqual([r.status for r, _ in answers], [201] * 5)
        self.assertFalse(self.state()["enabled"])


if __name__ == "__main__":
    unittest.main()
