"""`saiets init --demo`: the Daugavpils network meeting of 5-6 November 2015."""

import unittest

from harness import (DEMO_CONFIRMED, DEMO_MEETING, SaietsTestCase, answers_for, latvian_key,
                     run_cli)

DEMO_CAPACITY = 60


class DemoTest(SaietsTestCase):
    demo = True

    def meeting(self):
        return self.get_meeting(DEMO_MEETING)

    def organisations(self):
        r = self.req("GET", "/api/v1/organisations")
        self.assertEqual(r.status, 200, r.body)
        return r.body["organisations"]

    def test_meeting_is_daugavpils(self):
        m = self.meeting()
        self.assertEqual(m["city"], "Daugavpils")
        self.assertEqual((m["starts_on"], m["ends_on"]), ("2015-11-05", "2015-11-06"))
        self.assertEqual(m["timezone"], "Europe/Riga")

    def test_meeting_open_with_capacity_60(self):
        m = self.meeting()
        self.assertEqual(m["status"], "open")
        self.assertEqual(m["capacity"], DEMO_CAPACITY)

    def test_53_confirmed(self):
        m = self.meeting()
        self.assertEqual((m["confirmed"], m["waitlisted"], m["seats_left"]),
                         (DEMO_CONFIRMED, 0, DEMO_CAPACITY - DEMO_CONFIRMED))

    def test_listing_has_53_confirmed(self):
        rows = self.listing(DEMO_MEETING)
        self.assertEqual(sum(r["status"] == "confirmed" for r in rows), DEMO_CONFIRMED)
        self.assertEqual(len({r["email"].lower() for r in rows}), len(rows))

    def test_meeting_in_network_1(self):
        self.assertEqual(self.meeting()["network"], 1)
        r = self.req("GET", "/api/v1/networks")
        self.assertEqual(r.status, 200)
        self.assertIn(1, [n["id"] for n in r.body["networks"]])

    def test_meeting_listed(self):
        r = self.req("GET", "/api/v1/meetings")
        self.assertIn(DEMO_MEETING, [m["id"] for m in r.body["meetings"]])

    def test_organisations_contain_daugavpils(self):
        names = [o["name"] for o in self.organisations()]
        self.assertTrue(any("Daugavpils" in n for n in names), names)

    def test_organisations_include_municipalities(self):
        kinds = [o["kind"] for o in self.organisations()]
        self.assertIn("municipality", kinds)

    def test_host_is_in_daugavpils(self):
        host = self.meeting()["host"]
        self.assertIsNotNone(host)
        orgs = {o["id"]: o["name"] for o in self.organisations()}
        self.assertIn(host, orgs)
        self.assertIn("Daugavpil", orgs[host])

    def test_organisations_in_latvian_order(self):
        names = [o["name"] for o in self.organisations()]
        letters = [" ".join("".join(c for c in w if c.isalpha()) for w in n.split())
                   for n in names]
        keys = [latvian_key(x)[0] for x in letters]
        self.assertEqual(keys, sorted(keys), names)

    def test_registrations_use_known_organisations(self):
        orgs = {o["id"] for o in self.organisations()}
        rows = self.listing(DEMO_MEETING)
        linked = [r for r in rows if r.get("organisation_id") is not None]
        self.assertTrue(linked)
        for r in linked:
            self.assertIn(r["organisation_id"], orgs)

    def test_last_seven_seats_then_waitlist(self):
        m = self.meeting()
        answers = answers_for(m.get("fields"), m["starts_on"])
        for i in range(DEMO_CAPACITY - DEMO_CONFIRMED):
            reg = self.register(DEMO_MEETING, answers=answers,
                                organisation="Daugavpils valstspilsētas pašvaldība")
            self.assertEqual(reg["status"], "confirmed", "seat %d" % (i + 54))
        late = self.register(DEMO_MEETING, answers=answers)
        self.assertEqual((late["status"], late["waitlist_position"]), ("waitlisted", 1))

    def test_init_demo_again_does_not_duplicate(self):
        self.assertEqual(self.server.stop(), 0)
        r = run_cli(["init", "--db", self.server.db, "--demo"])
        self.server.start()
        # either refused or a no-op: the demo must not be loaded twice
        m = self.meeting()
        self.assertEqual(m["confirmed"], DEMO_CONFIRMED, "init --demo exit %d"
                         % r.returncode)
        daugavpils = [x for x in self.req("GET", "/api/v1/meetings").body["meetings"]
                      if x.get("starts_on") == "2015-11-05"]
        self.assertEqual(len(daugavpils), 1)


if __name__ == "__main__":
    unittest.main()
