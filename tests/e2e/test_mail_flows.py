"""E-mail flows against a real SMTP server (smtp_sink.py): site-visit places
(assigned, changed, and silence when nothing changed), "lost my link", an
organizer's message with its preview, and reminders."""

import time
import unittest

from harness import SaietsTestCase, future_date, person, registration_path
from helpers_mail import MANAGE_LINK_RE, SmtpSink, text_of, to_addr
from helpers_visits import VisitsMixin


class MailFlowCase(VisitsMixin, SaietsTestCase):
    """A server that sends through a real SMTP server (no tests of its own)."""
    start_server_per_test = False
    extra_args = ()

    def setUp(self):
        super().setUp()
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.cleanup)
        self.server = self.start_server(serve_args=self.sink.serve_args(*self.extra_args))

    def settle(self):
        """Waits until the outbox is empty (everything sent or given up)."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = self.req("GET", "/api/v1/admin/mail", token=self.admin)
            if r.body["queued"] == 0 and r.body["sending"] == 0:
                return r.body
            time.sleep(0.1)
        self.fail("the outbox did not empty: %r" % r.body)

    def subjects_to(self, addr):
        return [m["Subject"] for m in self.sink.messages() if to_addr(m) == addr]


class MailFlowTest(MailFlowCase):

    # -- site-visit places ------------------------------------------------------

    def test_places_are_mailed_when_they_change_only(self):
        mid, slot, (o1, o2) = self.visit_meeting([2, 2], capacity=10)
        a = self.reg(mid, slot, [o1, o2], email="a@example.lv", first_name="Anna")
        b = self.reg(mid, slot, [o1, o2], email="b@example.lv")
        c = self.reg(mid, slot, [o2, o1], email="c@example.lv")
        self.settle()
        self.assertEqual(len(self.sink.messages()), 3)  # the confirmations
        self.allocate_ok(mid, slot)
        self.settle()
        for addr in ("a@example.lv", "b@example.lv", "c@example.lv"):
            subjects = self.subjects_to(addr)
            self.assertEqual(len(subjects), 2, subjects)
            self.assertTrue(subjects[1].startswith("Jūsu mācību vizīte:"), subjects)
        anna = [m for m in self.sink.messages() if to_addr(m) == "a@example.lv"][1]
        place = self.places(a["id"])[slot]
        text = text_of(anna)
        self.assertIn(place["venue_name"], text)
        self.assertIn(place["topic"], text)
        self.assertIn("uzņem Rita Ābele", text)
        self.assertIn("2015. gada 6. novembris, 09.20", text)
        self.assertIn("jo šī adrese tika norādīta reģistrācijā", text)
        # the same allocation again moves nobody: nobody hears of it
        self.allocate_ok(mid, slot)
        self.settle()
        self.assertEqual(len(self.sink.messages()), 6)
        # a pin moves one person: only they hear of it
        moved = a if self.places(a["id"])[slot]["option_id"] == o1 else b
        r = self.pin(mid, slot, moved["id"], o2)
        self.assertIn(r.status, (200, 201), r.body)
        self.settle()
        self.assertEqual(len(self.sink.messages()), 7)
        self.assertEqual(to_addr(self.sink.messages()[6]), moved["email"])
        # a late registration is placed at once: one message (the confirmation,
        # which already names the place), not two
        d = self.reg(mid, slot, [o1], email="d@example.lv")
        self.settle()
        self.assertEqual(self.subjects_to("d@example.lv"),
                         ["Reģistrācija apstiprināta: " + self.get_meeting(mid)["title"]])
        self.assertIn(self.places(d["id"])[slot]["venue_name"],
                      text_of(self.sink.messages()[-1]))
        self.assertIsNotNone(c)

    # -- lost my link -------------------------------------------------------------

    def resend(self, mid, email):
        return self.req("POST", "/api/v1/meetings/%d/registrations/resend" % mid,
                        {"email": email})

    def test_resend_answers_alike_and_replaces_the_link(self):
        m = self.create_meeting(capacity=5)
        reg = self.register(m["id"], email="Lost@Example.lv")
        self.settle()
        first = MANAGE_LINK_RE.search(text_of(self.sink.messages()[0])).group(1)
        known = self.resend(m["id"], "lost@example.lv")
        unknown = self.resend(m["id"], "nobody@example.lv")
        self.assertEqual((known.status, unknown.status), (202, 202))
        self.assertEqual(known.body, unknown.body)
        self.settle()
        msgs = self.sink.messages()
        self.assertEqual(len(msgs), 2, [x["Subject"] for x in msgs])
        self.assertEqual(to_addr(msgs[1]), "Lost@Example.lv")
        self.assertTrue(msgs[1]["Subject"].startswith("Jūsu jaunā saite:"), msgs[1]["Subject"])
        new = MANAGE_LINK_RE.search(text_of(msgs[1])).group(1)
        # the new link opens it; the old ones (the 201's, the first mail's) do not
        self.assertEqual(self.get_registration(reg["id"], token=new).status, 200)
        self.assertEqual(self.get_registration(reg["id"], token=first).status, 401)
        self.assertEqual(self.get_registration(reg["id"], token=reg["manage_token"]).status,
                         401)
        # at most one a minute: a second ask changes and sends nothing
        self.assertEqual(self.resend(m["id"], "lost@example.lv").status, 202)
        self.settle()
        self.assertEqual(len(self.sink.messages()), 2)
        self.assertEqual(self.get_registration(reg["id"], token=new).status, 200)

    def test_resend_checks_its_input(self):
        m = self.create_meeting(capacity=5)
        self.assertError(self.resend(m["id"], "not-an-address"), 422, "invalid_field", "email")
        r = self.req("POST", "/api/v1/meetings/%d/registrations/resend" % m["id"], {})
        self.assertError(r, 422, "missing_field", "email")
        r = self.req("POST", "/api/v1/meetings/%d/registrations/resend" % m["id"],
                     {"email": "a@b.lv", "token": "x"})
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(self.resend(999, "a@b.lv").status, 404)

    # -- an organizer's message -------------------------------------------------------

    def message(self, mid, body, token=None):
        return self.req("POST", "/api/v1/meetings/%d/messages" % mid, body,
                        token=self.org if token is None else token)

    def test_message_preview_then_send(self):
        m = self.create_meeting(capacity=2)
        for i in range(3):
            self.register(m["id"], email="m%d@example.lv" % i)
        self.settle()
        body = {"to": "confirmed", "subject": "Autobuss 8.30 <svarīgi>",
                "text": "Labdien!\nAutobuss atiet 8.30 no viesnīcas."}
        r = self.message(m["id"], body)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["recipients"], 2)
        self.assertEqual(r.body["preview"]["subject"], "Autobuss 8.30 <svarīgi>")
        self.assertIn("Autobuss atiet 8.30", r.body["preview"]["text"])
        self.assertIn("http://127.0.0.1:%d/meetings/%d" % (self.server.port, m["id"]),
                      r.body["preview"]["text"])
        self.settle()
        self.assertEqual(len(self.sink.messages()), 3)  # a preview sends nothing
        r = self.message(m["id"], dict(body, send=True))
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.body["recipients"], 2)
        self.settle()
        got = [x for x in self.sink.messages() if x["Subject"] == "Autobuss 8.30 <svarīgi>"]
        self.assertEqual(sorted(to_addr(x) for x in got), ["m0@example.lv", "m1@example.lv"])
        self.assertIn("Autobuss atiet 8.30 no viesnīcas.", text_of(got[0]))
        html = got[0].get_body(preferencelist=("html",)).get_content()
        self.assertIn("Labdien!<br>", html)
        # the waiting list alone
        r = self.message(m["id"], dict(body, to="waitlisted", send=True))
        self.assertEqual(r.body["recipients"], 1)
        # audited
        r = self.req("GET", "/api/v1/audit", token=self.admin)
        self.assertIn("meeting.message", [e["action"] for e in r.body["entries"]])

    def test_message_rules(self):
        m = self.create_meeting(capacity=2)
        body = {"to": "confirmed", "subject": "S", "text": "T"}
        self.assertEqual(self.req("POST", "/api/v1/meetings/%d/messages" % m["id"], body,
                                  token=None).status, 401)
        self.assertError(self.message(m["id"], dict(body, to="all")), 422, "invalid_field", "to")
        self.assertError(self.message(m["id"], dict(body, to="option")), 422, "missing_field",
                         "option_id")
        self.assertError(self.message(m["id"], dict(body, subject="a\nb")), 422,
                         "invalid_field", "subject")
        self.assertError(self.message(m["id"], dict(body, subject="")), 422, "missing_field",
                         "subject")
        r = self.message(m["id"], dict(body, to="option", option_id=99999))
        self.assertEqual(r.status, 404, r.body)

    def test_message_to_a_site_visit_group(self):
        mid, slot, (o1, o2) = self.visit_meeting([1, 1], capacity=10)
        a = self.reg(mid, slot, [o1, o2], email="g1@example.lv")
        self.reg(mid, slot, [o1, o2], email="g2@example.lv")
        self.allocate_ok(mid, slot)
        option = self.places(a["id"])[slot]["option_id"]
        r = self.message(mid, {"to": "option", "option_id": option, "subject": "Grupa",
                               "text": "Tikšanās pie ieejas.", "send": True})
        self.assertEqual((r.status, r.body["recipients"]), (202, 1), r.body)
        self.settle()
        got = [x for x in self.sink.messages() if x["Subject"] == "Grupa"]
        self.assertEqual([to_addr(x) for x in got], ["g1@example.lv"])


class ConfirmEmailTest(MailFlowCase):
    """A meeting that asks for e-mail confirmation: 202 without a token, the
    place held until the mailed link is opened, the same answer for an
    address registered already (whose owner is mailed instead), and expiry
    that gives the seat to the waiting list."""

    def confirm_meeting(self, **kw):
        m = self.create_meeting(**kw)
        r = self.patch_meeting(m["id"], {"confirm_email": True, "confirm_minutes": 5})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.body["confirm_email"], r.body["confirm_minutes"]), (True, 5))
        return m

    def link_in(self, msg):
        return MANAGE_LINK_RE.search(text_of(msg)).group(1)

    def test_held_until_the_link_is_opened(self):
        m = self.confirm_meeting(capacity=5)
        r = self.register_raw(m["id"], person(email="held@example.lv"))
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.body["status"], "check_email")
        self.assertNotIn("manage_token", r.body)
        self.assertNotIn("id", r.body)
        [reg] = self.listing(m["id"])
        self.assertTrue(reg["email_pending"], reg)
        self.assertEqual(self.get_meeting(m["id"])["confirmed"], 1)  # the seat is held
        self.settle()
        msg = self.sink.messages()[0]
        self.assertTrue(msg["Subject"].startswith("Apstipriniet reģistrāciju:"), msg["Subject"])
        self.assertIn("5 minūšu laikā", text_of(msg))
        token = self.link_in(msg)
        mine = self.get_registration(reg["id"], token=token)
        self.assertEqual(mine.status, 200, mine.body)
        self.assertTrue(mine.body["email_pending"])
        r = self.req("POST", registration_path(reg["id"]) + "/confirm-email", token=token)
        self.assertEqual(r.status, 200, r.body)
        self.assertNotIn("email_pending", r.body)
        self.assertNotIn("email_pending", self.registration(reg["id"]))
        # only the mailed link opens it
        r = self.req("POST", registration_path(reg["id"]) + "/confirm-email")
        self.assertEqual(r.status, 401, r.body)

    def test_an_address_registered_already_answers_alike(self):
        m = self.confirm_meeting(capacity=5)
        first = self.register_raw(m["id"], person(email="owner@example.lv"))
        again = self.register_raw(m["id"], person(email="OWNER@example.lv", first_name="Zaglis"))
        self.assertEqual((first.status, again.status), (202, 202))
        self.assertEqual(first.body, again.body)
        self.assertEqual(len(self.listing(m["id"])), 1)
        self.settle()
        subjects = [x["Subject"] for x in self.sink.messages()]
        self.assertEqual([s.split(":")[0] for s in subjects],
                         ["Apstipriniet reģistrāciju", "Jūsu reģistrācija"])
        self.assertEqual({to_addr(x) for x in self.sink.messages()}, {"owner@example.lv"})
        again_msg = self.sink.messages()[1]
        self.assertIn("nekas netika mainīts", text_of(again_msg))
        # at most one such message a minute: a third try answers alike, mails nothing
        third = self.register_raw(m["id"], person(email="owner@example.lv", first_name="Vēl"))
        self.assertEqual((third.status, third.body), (202, first.body))
        self.settle()
        self.assertEqual(len(self.sink.messages()), 2)
        # its link works (and confirms, like the first one would have)
        reg_id = self.listing(m["id"])[0]["id"]
        r = self.req("POST", registration_path(reg_id) + "/confirm-email",
                     token=self.link_in(again_msg))
        self.assertEqual(r.status, 200, r.body)

    def test_unconfirmed_expire_and_the_waiting_list_moves_up(self):
        import sqlite3
        m = self.confirm_meeting(capacity=1)
        self.assertEqual(self.register_raw(m["id"], person(email="slow@example.lv")).status, 202)
        self.assertEqual(self.register_raw(m["id"], person(email="next@example.lv")).status, 202)
        regs = {r["email"]: r for r in self.listing(m["id"])}
        self.assertEqual(regs["next@example.lv"]["status"], "waitlisted")
        self.settle()
        # the clock moves on: the first hold runs out
        db = sqlite3.connect(self.server.db, timeout=10)
        db.execute("UPDATE registrations SET hold_until = 1 WHERE email = 'slow@example.lv'")
        db.commit()
        db.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            regs = {r["email"]: r for r in self.listing(m["id"])}
            if regs["slow@example.lv"]["status"] == "cancelled":
                break
            time.sleep(0.2)
        self.assertEqual(regs["slow@example.lv"]["status"], "cancelled")
        self.assertEqual(regs["next@example.lv"]["status"], "confirmed")
        self.settle()
        self.assertEqual(self.subjects_to("slow@example.lv"),
                         ["Apstipriniet reģistrāciju: " + m["title"]])  # no "cancelled"
        self.assertEqual([s.split(":")[0] for s in self.subjects_to("next@example.lv")],
                         ["Apstipriniet reģistrāciju", "Jums ir vieta"])
        # the expired one's link no longer confirms
        slow = regs["slow@example.lv"]
        token = self.link_in([x for x in self.sink.messages()
                              if to_addr(x) == "slow@example.lv"][0])
        r = self.req("POST", registration_path(slow["id"]) + "/confirm-email", token=token)
        self.assertEqual(r.status, 409, r.body)

    def test_off_by_default(self):
        m = self.create_meeting(capacity=5)
        self.assertFalse(self.get_meeting(m["id"])["confirm_email"])
        self.assertEqual(self.register_raw(m["id"], person()).status, 201)
        r = self.patch_meeting(m["id"], {"confirm_minutes": 2})
        self.assertEqual(r.status, 422, r.body)


class ReminderTest(MailFlowCase):
    extra_args = ("--reminder-days", "3")

    def test_reminder_once_to_the_confirmed(self):
        m = self.create_meeting(capacity=1, starts_on=future_date(2), ends_on=future_date(3))
        self.register(m["id"], email="soon@example.lv", lang="en")
        self.register(m["id"], email="waiting@example.lv")
        far = self.create_meeting(capacity=5, starts_on=future_date(30),
                                  ends_on=future_date(31))
        self.register(far["id"], email="later@example.lv")
        self.settle()
        before = len(self.sink.messages())
        # reminders are looked for when the server starts, then every few minutes
        self.server.stop()
        self.server.start(serve_args=self.sink.serve_args(*self.extra_args))
        self.sink.wait_for(before + 1)
        time.sleep(1)
        self.settle()
        reminders = [x for x in self.sink.messages() if x["Subject"].startswith("Reminder")
                     or x["Subject"].startswith("Atgādinājums")]
        self.assertEqual([to_addr(x) for x in reminders], ["soon@example.lv"])
        self.assertTrue(reminders[0]["Subject"].startswith("Reminder: " + m["title"]),
                        reminders[0]["Subject"])
        self.server.stop()
        self.server.start(serve_args=self.sink.serve_args(*self.extra_args))
        self.settle()
        again = [x for x in self.sink.messages() if x["Subject"].startswith("Reminder")]
        self.assertEqual(len(again), 1)



if __name__ == "__main__":
    unittest.main()
