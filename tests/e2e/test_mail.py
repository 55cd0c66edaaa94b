"""E-mail, against a real SMTP server (smtp_sink.py on aiosmtpd): each event
mails its person exactly once, in their language, with links that work; a
change that rolls back mails nothing; a crash with messages pending loses
none and repeats none but as a recognisable retry; a server that is down is
retried; a refused address fails for good and says so; nothing in a name
reaches the headers."""

import os
import re
import shutil
import tempfile
import time
import unittest

from harness import SaietsTestCase, Server, registration_path, run_cli
from helpers_ical import ical_events
from helpers_mail import (MANAGE_LINK_RE, SmtpSink, attachments, html_of, self_signed,
                          text_of, to_addr)
from helpers_plugins import PluginMixin, plugin_files

CAL_LINK_RE = re.compile(r"(http://127\.0\.0\.1:\d+)(/cal/\d+_[A-Za-z0-9_-]{43}\.ics)")


class MailTest(PluginMixin, SaietsTestCase):
    start_server_per_test = False

    def setUp(self):
        super().setUp()
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.cleanup)
        self.server = self.start_server(serve_args=self.sink.serve_args())

    def mail_status(self):
        r = self.req("GET", "/api/v1/admin/mail", token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def wait_sent(self, n, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.mail_status()
            if st["sent"] >= n and st["queued"] == 0 and st["sending"] == 0:
                return st
            time.sleep(0.1)
        self.fail("not all sent: %r" % self.mail_status())

    # -- what each event sends ------------------------------------------------

    def test_confirmation_in_latvian_with_working_links(self):
        m = self.create_meeting(capacity=5, city="Daugavpils")
        reg = self.register(m["id"], first_name="Jānis", last_name="Bērziņš",
                            email="janis@example.lv")
        msgs = self.sink.wait_for(1)
        self.wait_sent(1)
        self.assertEqual(len(self.sink.messages()), 1)
        msg = msgs[0]
        self.assertEqual(to_addr(msg), "janis@example.lv")
        self.assertEqual(msg["To"].addresses[0].display_name, "Jānis Bērziņš")
        self.assertEqual(msg["Subject"], "Reģistrācija apstiprināta: " + m["title"])
        self.assertRegex(msg["Message-ID"], r"^<outbox-\d+-\d+@saiets\.test>$")
        self.assertIsNone(msg["X-Saiets-Attempt"])
        text = text_of(msg)
        self.assertIn("Labdien, Jānis Bērziņš!", text)
        self.assertIn("Daugavpils", text)
        # the manage link opens the registration, and so does the token the
        # 201 gave (the message's token is its own: no token is stored in clear)
        link = MANAGE_LINK_RE.search(text)
        self.assertIsNotNone(link, text)
        self.assertTrue(link.group(1).startswith("sr_%d_" % reg["id"]), link.group(1))
        for token in (link.group(1), reg["manage_token"]):
            mine = self.get_registration(reg["id"], token=token)
            self.assertEqual(mine.status, 200, mine.body)
        forged = link.group(1)[:-2] + ("AA" if not link.group(1).endswith("AA") else "BB")
        self.assertEqual(self.get_registration(reg["id"], token=forged).status, 401)
        # the calendar link serves this person's calendar
        cal = CAL_LINK_RE.search(text)
        self.assertIsNotNone(cal, text)
        self.assertEqual(cal.group(2), reg["calendar_url"])
        r = self.req("GET", cal.group(2))
        self.assertEqual(r.status, 200)
        # HTML says the same, escaped, with the links as links
        html = html_of(msg)
        self.assertIn('href="http://127.0.0.1:%d/manage#%s"' % (self.server.port,
                                                              link.group(1)), html)
        # the attachment is a calendar a real parser reads
        ics = attachments(msg)["programme.ics"]
        ical_events(ics.encode("utf-8") if isinstance(ics, str) else ics)

    def test_english_when_registered_in_english(self):
        m = self.create_meeting(capacity=5)
        self.register(m["id"], email="anna@example.lv", lang="en")
        msg = self.sink.wait_for(1)[0]
        self.assertEqual(msg["Subject"], "You are registered: " + m["title"])
        self.assertIn("Your private link", text_of(msg))
        r = self.req("GET", registration_path(self.listing(m["id"])[0]["id"]), token=self.org)
        self.assertEqual(r.body["lang"], "en")

    def test_lang_is_checked(self):
        m = self.create_meeting(capacity=5)
        r = self.register_raw(m["id"], dict(self.person_body(), lang="de"))
        self.assertError(r, 422, "invalid_field", "lang")

    def person_body(self):
        from harness import person
        return person()

    def test_waitlist_cancel_and_promotion_each_mail_once(self):
        m = self.create_meeting(capacity=1)
        a = self.register(m["id"], email="a@example.lv")
        b = self.register(m["id"], email="b@example.lv")
        self.assertEqual(b["status"], "waitlisted")
        self.sink.wait_for(2)
        r = self.req("DELETE", registration_path(a["id"]), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        msgs = self.sink.wait_for(4)
        self.wait_sent(4)
        self.assertEqual(len(self.sink.messages()), 4)
        by = {}
        for msg in msgs:
            by.setdefault(to_addr(msg), []).append(msg["Subject"])
        t = m["title"]
        self.assertEqual(by["a@example.lv"], ["Reģistrācija apstiprināta: " + t,
                                              "Reģistrācija atcelta: " + t])
        self.assertEqual(by["b@example.lv"], ["Gaidīšanas sarakstā: " + t,
                                              "Jums ir vieta: " + t])
        waiting = [x for x in msgs if x["Subject"].startswith("Gaidīšanas")][0]
        self.assertIn("gaidīšanas sarakstā 1. vietā", text_of(waiting))
        self.assertIn("programme.ics", attachments(waiting))
        promoted = [x for x in msgs if x["Subject"].startswith("Jums ir vieta")][0]
        self.assertIn("programme.ics", attachments(promoted))
        cancelled_msg = [x for x in msgs if x["Subject"].startswith("Reģistrācija atcelta")][0]
        self.assertEqual(attachments(cancelled_msg), {})
        cancelled = [x for x in msgs if x["Subject"].startswith("Reģistrācija atcelta")][0]
        self.assertIn("atcēla organizatori", text_of(cancelled))

    def test_cancelled_by_the_person_does_not_blame_the_organizers(self):
        m = self.create_meeting(capacity=3)
        a = self.register(m["id"], email="self@example.lv")
        r = self.cancel(a["id"], token=a["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        msgs = self.sink.wait_for(2)
        self.assertNotIn("organizatori", text_of(msgs[1]))

    # -- what must not be sent ------------------------------------------------

    def test_a_change_that_rolls_back_mails_nothing(self):
        # a plugin whose write after the confirmation runs away: the writer
        # rolls the whole job back (and answers plugin_error)
        lua = ('saiets.on("registration.confirmed", function(ev)\n'
               '  saiets.db.exec("INSERT INTO p_mailbreak_t (n) WITH RECURSIVE c(x) AS'
               ' (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000000)'
               ' SELECT max(x) FROM c")\n'
               'end)\n')
        self.install(plugin_files("mailbreak", lua, migrations={
            "001_t.sql": "CREATE TABLE p_mailbreak_t (n INTEGER);"}))
        m = self.create_meeting(capacity=5)
        self.enable(m["id"], "mailbreak")
        r = self.register_raw(m["id"], self.person_body())
        self.assertGreaterEqual(r.status, 400, r.body)
        self.assertEqual(self.listing(m["id"]), [])
        time.sleep(1.5)
        self.assertEqual(self.sink.messages(), [])
        st = self.mail_status()
        self.assertEqual((st["queued"], st["sending"], st["sent"]), (0, 0, 0), st)

    def test_refused_registrations_mail_nothing(self):
        m = self.create_meeting(capacity=5)
        self.register(m["id"], email="dup@example.lv")
        r = self.register_raw(m["id"], dict(self.person_body(), email="dup@example.lv"))
        self.assertEqual(r.status, 409, r.body)
        r = self.register_raw(m["id"], dict(self.person_body(), first_name=""))
        self.assertEqual(r.status, 422, r.body)
        self.wait_sent(1)
        time.sleep(0.5)
        self.assertEqual(len(self.sink.messages()), 1)

    # -- headers ----------------------------------------------------------------

    def test_names_never_reach_the_headers(self):
        m = self.create_meeting(capacity=5)
        # controls are refused at the door...
        r = self.register_raw(m["id"], dict(self.person_body(),
                                            last_name="X\r\nBcc: evil@example.com"))
        self.assertError(r, 422, "invalid_field", "last_name")
        # ...and header-like text stays inside the encoded name
        self.register(m["id"], first_name="Bcc: evil@example.com", last_name="\"<x@y.z>\"",
                      email="h@example.lv")
        raw = self.sink.wait_for(1) and self.sink.raw()[0]
        head = raw.split(b"\r\n\r\n", 1)[0]
        self.assertNotIn(b"\r\nBcc:", head)
        self.assertNotIn(b"evil@example.com>", head)
        msg = self.sink.messages()[0]
        self.assertEqual(to_addr(msg), "h@example.lv")
        self.assertEqual(msg["To"].addresses[0].display_name,
                         "Bcc: evil@example.com \"<x@y.z>\"")
        self.assertEqual(msg["X-Sink-Rcpt"], "h@example.lv")

    # -- delivery -----------------------------------------------------------------

    def test_refused_address_fails_for_good_and_is_shown(self):
        m = self.create_meeting(capacity=5)
        self.register(m["id"], email="refuse-me@example.lv")
        self.register(m["id"], email="fine@example.lv")
        self.sink.wait_for(1)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.mail_status()["failed"] < 1:
            time.sleep(0.1)
        st = self.mail_status()
        self.assertEqual((st["failed"], st["sent"]), (1, 1), st)
        f = st["failures"][0]
        self.assertEqual((f["to"], f["state"], f["attempts"]), ("refuse-me@example.lv",
                                                               "failed", 1), f)
        self.assertIn("550", f["error"])
        out = run_cli(["mail", "status", "--db", self.server.db])
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("sent 1, failed 1", out.stdout)
        self.assertIn("refuse-me@example.lv", out.stdout)
        self.assertIn("given up", out.stdout)

    def test_server_down_then_up(self):
        self.sink.stop()
        m = self.create_meeting(capacity=5)
        self.register(m["id"], email="patient@example.lv")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            st = self.mail_status()
            if st["failures"] and st["failures"][0]["attempts"] >= 2:
                break
            time.sleep(0.1)
        self.assertEqual(st["queued"], 1, st)
        self.assertEqual(st["failures"][0]["state"], "queued", st)
        self.sink.start()
        msg = self.sink.wait_for(1, timeout=30)[0]
        self.assertEqual(to_addr(msg), "patient@example.lv")
        self.assertGreaterEqual(int(msg["X-Saiets-Attempt"]), 3)
        self.wait_sent(1)


class MailTlsAuthTest(SaietsTestCase):
    """STARTTLS and authentication, as a real submission server asks for them:
    the certificate is verified (a private CA given with --smtp-ca-file), the
    password is read from a file, and a wrong password is retried, never
    given up on as if the address were bad."""
    start_server_per_test = False

    def sink_with_tls(self):
        keys = tempfile.mkdtemp(prefix="saiets-tls-")
        self.addCleanup(shutil.rmtree, keys, True)
        cert, key = self_signed(keys)
        sink = SmtpSink(["--tls", cert, key, "--auth", "saiets", "slepens-parole"])
        self.addCleanup(sink.cleanup)
        sink.start()
        return sink, cert, keys

    def serve_args(self, sink, cert, password_file):
        return ["--smtp-host", "127.0.0.1", "--smtp-port", str(sink.port),
                "--smtp-tls", "starttls", "--smtp-ca-file", cert, "--smtp-user", "saiets",
                "--smtp-password-file", password_file, "--mail-from", "noreply@saiets.test",
                "--mail-retry-seconds", "1"]

    def test_starttls_and_login(self):
        sink, cert, keys = self.sink_with_tls()
        pw = os.path.join(keys, "password")
        with open(pw, "w") as f:
            f.write("slepens-parole\n")
        os.chmod(pw, 0o600)
        self.server = self.start_server(serve_args=self.serve_args(sink, cert, pw))
        m = self.create_meeting(capacity=3)
        self.register(m["id"], email="tls@example.lv")
        msg = sink.wait_for(1)[0]
        self.assertEqual(to_addr(msg), "tls@example.lv")

    def test_wrong_password_is_retried(self):
        sink, cert, keys = self.sink_with_tls()
        pw = os.path.join(keys, "password")
        with open(pw, "w") as f:
            f.write("nepareiza\n")
        self.server = self.start_server(serve_args=self.serve_args(sink, cert, pw))
        m = self.create_meeting(capacity=3)
        self.register(m["id"], email="tls@example.lv")
        deadline = time.monotonic() + 40
        st = None
        while time.monotonic() < deadline:
            r = self.req("GET", "/api/v1/admin/mail", token=self.admin)
            st = r.body
            if st["failures"] and st["failures"][0]["attempts"] >= 2:
                break
            time.sleep(0.2)
        # tried again (not given up: the address is not to blame), never delivered
        self.assertGreaterEqual(st["failures"][0]["attempts"], 2, st)
        self.assertIn(st["failures"][0]["state"], ("queued", "sending"), st)
        self.assertEqual(st["failed"], 0, st)
        self.assertEqual(sink.messages(), [])


class MailCrashTest(SaietsTestCase):
    """kill -9 with messages queued: after a restart each is delivered once."""
    start_server_per_test = False

    def test_kill9_loses_nothing(self):
        sink = SmtpSink()
        self.addCleanup(sink.cleanup)
        # no SMTP server yet: everything stays queued
        self.server = self.start_server(serve_args=sink.serve_args())
        m = self.create_meeting(capacity=50)
        regs = [self.register(m["id"], email="c%d@example.lv" % i) for i in range(12)]
        self.server.kill9()
        sink.start()
        self.server.start(serve_args=sink.serve_args())
        msgs = sink.wait_for(12, timeout=60)
        time.sleep(1)
        msgs = sink.messages()
        got = sorted(to_addr(x) for x in msgs)
        self.assertEqual(got, sorted(r["email"] for r in regs))
        # each the first time, or recognisably a repeat (same Message-ID)
        ids = [x["Message-ID"] for x in msgs]
        self.assertEqual(len(set(ids)), 12)


class NoSmtpTest(SaietsTestCase):
    """Without an SMTP server, messages wait in the outbox, and the server
    says so when it starts."""

    def test_queued_and_said(self):
        self.assertIn("no SMTP server is configured", self.server.log_text())
        m = self.create_meeting(capacity=5)
        self.register(m["id"])
        time.sleep(0.6)
        r = self.req("GET", "/api/v1/admin/mail", token=self.admin)
        self.assertEqual((r.body["queued"], r.body["sent"], r.body["smtp"], r.body["mail"]),
                         (1, 0, False, True), r.body)


class MailOffTest(SaietsTestCase):
    serve_args = ("--mail", "off")

    def test_off_queues_nothing(self):
        m = self.create_meeting(capacity=5)
        self.register(m["id"])
        r = self.req("GET", "/api/v1/admin/mail", token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.body["queued"], r.body["mail"]), (0, False), r.body)

    def test_admin_only(self):
        r = self.req("GET", "/api/v1/admin/mail", token=self.org)
        self.assertEqual(r.status, 403, r.body)
        r = self.req("GET", "/api/v1/admin/mail")
        self.assertEqual(r.status, 401, r.body)


class ConfigFileTest(unittest.TestCase):
    """`saiets serve --config FILE`: settings from a file, flags over them,
    clear errors with the line."""

    def server_with(self, text, *flags):
        s = Server()
        self.addCleanup(s.cleanup)
        s.init_db()
        path = s.tmp + "/saiets.conf"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return s, path

    def test_errors_name_the_line(self):
        s, path = self.server_with("# comment\n\nsmtp_port = 25\nsmtp_tls = maybe\n")
        r = run_cli(["serve", "--db", s.db, "--config", path, "--port", "0"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("saiets.conf:4: smtp_tls: 'maybe' is not a valid value", r.stderr)
        s, path = self.server_with("colour = blue\n")
        r = run_cli(["serve", "--db", s.db, "--config", path, "--port", "0"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("saiets.conf:1: unknown setting 'colour'", r.stderr)
        s, path = self.server_with("port = 1\nport = 2\n")
        r = run_cli(["serve", "--db", s.db, "--config", path])
        self.assertIn("'port' is set twice", r.stderr)
        s, path = self.server_with("public_url = ftp://x\n")
        r = run_cli(["serve", "--db", s.db, "--config", path, "--port", "0"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("public_url", r.stderr)

    def test_file_then_flags(self):
        sink = SmtpSink().start()
        self.addCleanup(sink.cleanup)
        s, path = self.server_with(
            "smtp_host = 127.0.0.1\nsmtp_port = 1\nsmtp_tls = none\n"
            "mail_from = kontakti@saiets.test\nmail_from_name = Saiets sanāksmes\n"
            "public_url = https://saiets.example.lv\n")
        s.admin_token = s.create_token("admin")
        s.organizer_token = s.create_token("organizer")
        # the flag's port wins over the file's
        s.start(serve_args=["--config", path, "--smtp-port", str(sink.port)])
        r = s.request("POST", "/api/v1/meetings", {"title": "T", "starts_on": "2030-01-01",
                                                   "ends_on": "2030-01-01", "capacity": 3},
                      token=s.organizer_token)
        self.assertEqual(r.status, 201, r.body)
        from harness import person
        r = s.request("POST", "/api/v1/meetings/%d/registrations" % r.body["id"], person())
        self.assertEqual(r.status, 201, r.body)
        msg = sink.wait_for(1)[0]
        self.assertEqual(msg["From"].addresses[0].addr_spec, "kontakti@saiets.test")
        self.assertEqual(msg["From"].addresses[0].display_name, "Saiets sanāksmes")
        self.assertIn("https://saiets.example.lv/manage#", text_of(msg))
        self.assertIn("mail: sending through 127.0.0.1:%d" % sink.port, s.log_text())


if __name__ == "__main__":
    unittest.main()
