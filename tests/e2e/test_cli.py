"""The command line: help, bad flags, busy port, bad database, signals."""

import os
import re
import signal
import socket
import sqlite3
import time
import unittest

from harness import (ACCOUNT_TOKEN_RE, HOST, LISTEN_RE, SaietsTestCase, Server,
                     free_port, raw_socket, run_cli)


class HelpTest(unittest.TestCase):
    """`--help` exits 0 and prints a usage text on stdout."""

    def assertUsage(self, args, mentions=()):
        r = run_cli(args)
        self.assertEqual(r.returncode, 0, "saiets %s: %s" % (" ".join(args), r.stderr))
        self.assertIn("usage", r.stdout.lower(), "no usage text on stdout: %r" % r.stdout)
        for word in mentions:
            self.assertIn(word, r.stdout, "usage of %r does not mention %s"
                          % (" ".join(args), word))

    def test_binary_help(self):
        self.assertUsage(["--help"], mentions=("init", "token", "serve"))

    def test_init_help(self):
        self.assertUsage(["init", "--help"], mentions=("--db", "--demo"))

    def test_token_create_help(self):
        self.assertUsage(["token", "create", "--help"], mentions=("--role", "--db"))

    def test_version(self):
        # the version is project()'s in the top CMakeLists.txt, nowhere else
        top = os.path.join(os.path.dirname(__file__), "..", "..", "CMakeLists.txt")
        with open(top, encoding="utf-8") as f:
            version = re.search(r"project\(saiets VERSION ([0-9.]+)", f.read()).group(1)
        for flag in ("--version", "-V"):
            with self.subTest(flag=flag):
                r = run_cli([flag])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, "saiets %s\n" % version)
                self.assertEqual(r.stderr, "")
        r = run_cli(["--version", "extra"])
        self.assertEqual(r.returncode, 2)

    def test_binary_help_mentions_version(self):
        self.assertUsage(["--help"], mentions=("--version",))

    def test_serve_help(self):
        self.assertUsage(["serve", "--help"],
                         mentions=("--db", "--bind", "--port", "--idle-timeout",
                                   "--request-timeout", "--max-connections"))


class BadInvocationTest(unittest.TestCase):
    """Wrong command lines fail with a non-zero exit and say why on stderr."""

    def setUp(self):
        self.tmp = Server()      # only for its temporary directory
        self.addCleanup(self.tmp.cleanup)

    def assertRefused(self, args):
        r = run_cli(args)
        self.assertNotEqual(r.returncode, 0, "saiets %s exited 0" % " ".join(args))
        self.assertTrue(r.stderr.strip(), "no message on stderr for %r" % (args,))
        self.assertFalse(LISTEN_RE.match(r.stdout.strip() or "-"), r.stdout)
        return r

    def test_unknown_subcommand(self):
        self.assertRefused(["frobnicate"])

    def test_no_arguments(self):
        r = run_cli([])
        self.assertNotEqual(r.returncode, 0)

    def test_serve_unknown_flag(self):
        self.assertRefused(["serve", "--db", self.tmp.db, "--bogus-flag"])

    def test_init_unknown_flag(self):
        self.assertRefused(["init", "--db", self.tmp.db, "--bogus-flag"])

    def test_token_unknown_flag(self):
        self.assertRefused(["token", "create", "--role", "admin", "--db", self.tmp.db,
                            "--bogus-flag"])

    def test_serve_port_not_a_number(self):
        self.assertRefused(["serve", "--db", self.tmp.db, "--bind", HOST,
                            "--port", "eighty"])

    def test_serve_port_out_of_range(self):
        self.assertRefused(["serve", "--db", self.tmp.db, "--bind", HOST,
                            "--port", "70000"])

    def test_serve_flag_missing_its_value(self):
        self.assertRefused(["serve", "--db", self.tmp.db, "--bind", HOST, "--port"])

    def test_serve_negative_timeout(self):
        self.assertRefused(["serve", "--db", self.tmp.db, "--bind", HOST,
                            "--port", "0", "--idle-timeout", "-1"])

    def assertBadBind(self, addr, why):
        self.tmp.init_db()
        r = run_cli(["serve", "--db", self.tmp.db, "--bind", addr, "--port", "0"],
                    timeout=15)
        self.assertEqual(r.returncode, 2, r.stderr)
        first = r.stderr.splitlines()[0]
        self.assertEqual(first, "saiets: --bind %s: not an address this machine can "
                                "listen on (%s)" % (addr, why))
        # not libevent's word, not a stale errno
        self.assertNotIn("getaddrinfo", r.stderr)
        self.assertNotIn("No such file", r.stderr)
        self.assertIn("usage: saiets serve", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_serve_bind_not_an_address(self):
        for addr in ("999.1.1.1", "127.0.0.1.5", "no-such-host.invalid", ""):
            with self.subTest(addr=addr):
                self.assertBadBind(addr, "neither an IPv4 or IPv6 address nor a host name "
                                         "that resolves")

    def test_serve_bind_address_of_another_machine(self):
        # TEST-NET-1 (RFC 5737): an address, but no interface here has it
        self.assertBadBind("192.0.2.1", "no network interface of this machine has it")

    def test_serve_bind_checked_before_the_database(self):
        missing = os.path.join(self.tmp.tmp, "none.db")
        r = run_cli(["serve", "--db", missing, "--bind", "999.1.1.1", "--port", "0"],
                    timeout=15)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--bind 999.1.1.1", r.stderr)
        self.assertNotIn("none.db", r.stderr)
        self.assertFalse(os.path.exists(missing))

    def test_token_unknown_role(self):
        self.tmp.init_db()
        self.assertRefused(["token", "create", "--role", "superuser", "--db", self.tmp.db])



class DatabasePathTest(unittest.TestCase):
    """A database that cannot be opened is refused, and the message says why:
    SQLite's own "unable to open database file" says the same for all of these."""

    # every command that opens the database, through the one helper
    COMMANDS = (["serve", "--bind", HOST, "--port", "0"],
                ["token", "create", "--role", "admin"],
                ["agenda", "run", "--meeting", "1"],
                ["plugin", "list"])

    def setUp(self):
        self.tmp = Server()
        self.addCleanup(self.tmp.cleanup)
        self.script = os.path.join(self.tmp.tmp, "programme.lua")
        with open(self.script, "w", encoding="utf-8") as f:
            f.write("-- nothing\n")

    def run_all(self, db):
        """(command, CompletedProcess) for each command on database db."""
        for args in self.COMMANDS:
            extra = [self.script] if args[0] == "agenda" else []
            yield args[0], run_cli(args + ["--db", db] + extra, timeout=15)

    def assertSays(self, db, line):
        for cmd, r in self.run_all(db):
            with self.subTest(cmd=cmd):
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertEqual(r.stderr.strip().splitlines()[-1], line)
                self.assertNotIn("unable to open database file", r.stderr)
                self.assertFalse(LISTEN_RE.match(r.stdout.strip() or "-"))

    def test_missing_file_names_init(self):
        db = os.path.join(self.tmp.tmp, "nav.db")
        self.assertSays(db, "saiets: the database file %s does not exist; `saiets init "
                            "--db %s` creates it" % (db, db))
        self.assertFalse(os.path.exists(db))        # and nothing made it

    def test_missing_directory(self):
        parent = os.path.join(self.tmp.tmp, "no", "such", "dir")
        db = os.path.join(parent, "x.db")
        line = "saiets: the database %s: the directory %s does not exist" % (db, parent)
        self.assertSays(db, line)
        r = run_cli(["init", "--db", db])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), line)

    def test_directory_as_database(self):
        line = ("saiets: %s is a directory, not a database file (--db names the file, "
                "e.g. %s/saiets.db)" % (self.tmp.tmp, self.tmp.tmp))
        self.assertSays(self.tmp.tmp, line)
        r = run_cli(["init", "--db", self.tmp.tmp])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), line)

    def test_file_that_is_not_a_database(self):
        path = os.path.join(self.tmp.tmp, "notes.db")
        with open(path, "wb") as f:
            f.write(b"this is not an SQLite database\n" * 200)
        line = ("saiets: %s is not a database: the file is not in SQLite's format (was --db "
                "meant to name another file?)" % path)
        self.assertSays(path, line)
        r = run_cli(["init", "--db", path])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), line)
        with open(path, "rb") as f:                 # left as it was
            self.assertEqual(f.read(), b"this is not an SQLite database\n" * 200)

    def test_empty_file(self):
        path = os.path.join(self.tmp.tmp, "empty.db")
        open(path, "wb").close()
        self.assertSays(path, "saiets: the database file %s is empty; `saiets init --db %s` "
                              "makes it a database" % (path, path))
        self.assertEqual(os.path.getsize(path), 0)
        self.assertEqual(run_cli(["init", "--db", path]).returncode, 0)

    def test_another_programs_sqlite_file_is_left_alone(self):
        path = os.path.join(self.tmp.tmp, "other.db")
        with sqlite3.connect(path) as con:
            con.execute("CREATE TABLE notes (text TEXT)")
        con.close()
        self.assertSays(path, "saiets: %s is an SQLite file but not a Saiets database (it "
                              "has no schema_migrations table); `saiets init --db %s` would "
                              "add Saiets's tables to it" % (path, path))
        with sqlite3.connect(path) as con:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master")]
        con.close()
        self.assertEqual(tables, ["notes"])

    def test_empty_name(self):
        r = run_cli(["token", "create", "--role", "admin", "--db", ""])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), "saiets: --db: the database file name is empty")


class TokenCreateTest(unittest.TestCase):

    def setUp(self):
        self.tmp = Server()
        self.addCleanup(self.tmp.cleanup)
        self.tmp.init_db()

    def test_prints_one_account_token(self):
        for role in ("admin", "organizer"):
            with self.subTest(role=role):
                r = run_cli(["token", "create", "--role", role, "--db", self.tmp.db])
                self.assertEqual(r.returncode, 0, r.stderr)
                lines = r.stdout.splitlines()
                self.assertEqual(len(lines), 1, r.stdout)
                self.assertRegex(lines[0], ACCOUNT_TOKEN_RE)

    def test_tokens_are_distinct(self):
        tokens = {self.tmp.create_token("organizer") for _ in range(5)}
        self.assertEqual(len(tokens), 5)


class ServeTest(SaietsTestCase):
    """A running server: port, request log, signals, re-init."""

    def test_listening_line_names_a_real_port(self):
        self.assertGreater(self.server.port, 0)
        r = self.req("GET", "/api/v1/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, {"status": "ok"})

    def test_explicit_port_is_used(self):
        port = free_port()
        self.server.stop()
        self.server.start(port=port)
        self.assertEqual(self.server.port, port)
        self.assertEqual(self.req("GET", "/api/v1/health").status, 200)

    def test_one_log_line_per_request(self):
        paths = ["/api/v1/health", "/api/v1/networks", "/api/v1/organisations",
                 "/api/v1/no-such-thing"]
        for p in paths:
            self.req("GET", p)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            log = self.server.log_text()
            if all(p in log for p in paths):
                break
            time.sleep(0.1)
        lines = self.server.log_text().splitlines()
        for p in paths:
            hits = [ln for ln in lines if p in ln]
            self.assertEqual(len(hits), 1, "log lines for %s: %r" % (p, hits))

    def test_sigterm_exits_zero(self):
        self.assertEqual(self.server.stop(signal.SIGTERM, timeout=10), 0,
                         self.server.log_text()[-2000:])

    def test_sigint_exits_zero(self):
        self.assertEqual(self.server.stop(signal.SIGINT, timeout=10), 0,
                         self.server.log_text()[-2000:])

    def test_sigterm_with_idle_connections_open_exits_zero(self):
        # one connection that never sent anything, one keep-alive connection
        # that finished a request: neither is in flight, so neither may hold
        # up the shutdown
        silent = raw_socket(self.server.port)
        self.addCleanup(silent.close)
        conn = self.server.connection()
        self.addCleanup(conn.close)
        conn.request("GET", "/api/v1/health")
        resp = conn.getresponse()
        resp.read()
        self.assertEqual(resp.status, 200)
        t0 = time.monotonic()
        rc = self.server.stop(signal.SIGTERM, timeout=10)
        self.assertEqual(rc, 0)
        self.assertLess(time.monotonic() - t0, 5)

    def test_busy_port_refused(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
            blocker.bind((HOST, 0))
            blocker.listen(1)
            port = blocker.getsockname()[1]
            r = run_cli(["serve", "--db", self.server.db, "--bind", HOST,
                         "--port", str(port)], timeout=15)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot listen on %s port %d: the port is already in use"
                      % (HOST, port), r.stderr)

    def test_port_of_running_server_refused(self):
        r = run_cli(["serve", "--db", self.server.db, "--bind", HOST,
                     "--port", str(self.server.port)], timeout=15)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(self.req("GET", "/api/v1/health").status, 200)

    def test_init_again_keeps_data(self):
        m = self.create_meeting(title="Pirms atkārtotas init")
        self.assertEqual(self.server.stop(), 0)
        r = run_cli(["init", "--db", self.server.db])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.server.start()
        self.assertEqual(self.get_meeting(m["id"])["title"], "Pirms atkārtotas init")
        # the old tokens still work
        self.assertEqual(self.listing(m["id"]), [])

    def test_data_survives_restart(self):
        m = self.create_meeting()
        reg = self.register(m["id"])
        self.assertEqual(self.server.stop(), 0)
        self.server.start()
        r = self.get_registration(reg["id"], token=reg["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["email"], reg["email"])


if __name__ == "__main__":
    unittest.main()
