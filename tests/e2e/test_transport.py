"""The transport plan of site visits against the real server: a meeting
shaped like the Daugavpils one (a hall, three schools 10-15 minutes away, a
plenary item before the visits and one after them at one of the schools),
53 participants allocated, and the plan checked against the travel times,
the seats and the people, with two buses, then three vehicles."""

import unittest

from harness import SaietsTestCase, registration_path
from helpers_visits import VisitsMixin

# minutes between venues, as the organizers entered them
TRAVEL = {("hall", "lyceum"): 15, ("hall", "polish"): 10, ("hall", "saules"): 15,
          ("lyceum", "saules"): 15, ("polish", "saules"): 10, ("lyceum", "polish"): 12}


def minutes(a, b):
    """Local wall times 'YYYY-MM-DDTHH:MM' on one day -> b - a in minutes."""
    ha, ma = int(a[11:13]), int(a[14:16])
    hb, mb = int(b[11:13]), int(b[14:16])
    return (hb * 60 + mb) - (ha * 60 + ma)


class TransportPlanTest(VisitsMixin, SaietsTestCase):
    # each test registers its 40-odd people from one address in a moment:
    # the rate limit off (test_rate_limits.py tests it)
    serve_args = ("--rate-limit", "off")

    def setUp(self):
        super().setUp()
        self.mid = self.agenda_meeting(capacity=60)["id"]
        self.venue = {}
        for key, name in (("hall", "Domes zāle"), ("lyceum", "Krievu licejs"),
                          ("polish", "Poļu ģimnāzija"), ("saules", "Saules skola")):
            self.venue[key] = self.make_venue(name, kind="school")["id"]
        for (a, b), m in TRAVEL.items():
            self.assertEqual(self.set_travel(self.venue[a], self.venue[b], m).status, 200)
        self.add_item(self.mid, starts_at="2015-11-06T08:30", ends_at="2015-11-06T09:00",
                      kind="break", title="Rīta kafija", venue_id=self.venue["hall"])
        self.add_item(self.mid, starts_at="2015-11-06T11:35", ends_at="2015-11-06T12:05",
                      kind="cultural", title="Teātra izrāde", venue_id=self.venue["saules"])
        r = self.post_slot(self.mid, {
            "starts_at": "2015-11-06T09:30", "ends_at": "2015-11-06T11:10",
            "title": "Skolu apmeklējumi",
            "options": [{"venue_id": self.venue[k], "topic": k, "host": "Direktore",
                         "capacity": 18} for k in ("lyceum", "polish", "saules")]})
        self.assertEqual(r.status, 201, r.body)
        self.visit_slot = r.body
        options = [o["id"] for o in r.body["options"]]
        for i in range(53):
            prefs = [options[(i + k) % 3] for k in range(3)]
            r = self.register_raw(self.mid, {
                "first_name": "Dalībnieks", "last_name": "Nr %02d" % i,
                "email": "t%02d@transport.invalid" % i, "organisation": "Pašvaldība %d" % (i % 9),
                "visit_preferences": {str(self.visit_slot["id"]): prefs}})
            self.assertEqual(r.status, 201, r.body)
        r = self.allocate(self.mid, self.visit_slot["id"])
        self.assertEqual(r.status, 200, r.body)
        self.groups = {o["id"]: {p["registration_id"] for p in o["people"]}
                       for o in r.body["options"]}
        self.assertEqual(sum(len(g) for g in self.groups.values()), 53)

    def plan(self):
        r = self.req("GET", self.transport_plan_path(self.mid), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(len(r.body["slots"]), 1)
        return r.body["slots"][0]

    def venue_key(self, venue_id):
        return next(k for k, v in self.venue.items() if v == venue_id)

    def travel(self, a, b):
        a, b = self.venue_key(a), self.venue_key(b)
        return 0 if a == b else TRAVEL.get((a, b), TRAVEL.get((b, a)))

    def assertConsistent(self, plan):
        """Whatever the plan chose: times follow the travel times, nobody is
        over a vehicle's seats, everyone seated rides one vehicle, with the
        group they were allocated to."""
        self.assertEqual(plan["from"]["venue_id"], self.venue["hall"])
        self.assertEqual(plan["to"]["venue_id"], self.venue["saules"])
        option_venue = {o["id"]: o["venue_id"] for o in self.visit_slot["options"]}
        riding = {}
        for v in plan["vehicles"]:
            self.assertLessEqual(v["load"], v["seats"], v)
            self.assertEqual(len(v["escort_list"]), v["load"])
            for p in v["escort_list"]:
                self.assertNotIn(p["registration_id"], riding, "someone rides twice")
                riding[p["registration_id"]] = v["vehicle_id"]
        self.assertEqual(len(riding), plan["seated"])
        for leg in plan["legs"]:
            stops = leg.get("stops")
            if leg["direction"] == "out":
                self.assertLessEqual(leg["arrive"], "2015-11-06T09:30", leg)
                self.assertGreaterEqual(leg["depart"], "2015-11-06T09:00", leg)
                if stops:   # a route over several schools
                    here, t = leg["from_venue_id"], leg["depart"]
                    for s in stops:
                        self.assertEqual(minutes(t, s["arrive"]), self.travel(here, s["venue_id"]),
                                         leg)
                        here, t = s["venue_id"], s["arrive"]
                else:
                    self.assertEqual(minutes(leg["depart"], leg["arrive"]),
                                     self.travel(leg["from_venue_id"], leg["to_venue_id"]), leg)
                    self.assertEqual(leg["to_venue_id"], option_venue[leg["option_id"]])
            else:
                self.assertEqual(leg["depart"], "2015-11-06T11:10", leg)
                if stops:   # picked up school by school, then on to the next venue
                    self.assertEqual(stops[0]["depart"], leg["depart"], leg)
                    for s0, s1 in zip(stops, stops[1:]):
                        self.assertEqual(minutes(s0["depart"], s1["depart"]),
                                         self.travel(s0["venue_id"], s1["venue_id"]), leg)
                    self.assertEqual(minutes(stops[-1]["depart"], leg["arrive"]),
                                     self.travel(stops[-1]["venue_id"], leg["to_venue_id"]), leg)
                else:
                    self.assertEqual(minutes(leg["depart"], leg["arrive"]),
                                     self.travel(leg["from_venue_id"], leg["to_venue_id"]), leg)
            for p in leg["people"]:
                self.assertEqual(riding.get(p["registration_id"]), leg["vehicle_id"], p)
        # everyone in a group that needs a ride is either seated or counted
        self.assertEqual(plan["riders"], plan["seated"] + plan["unseated"])

    def test_two_buses(self):
        self.add_vehicle(self.mid, "Autobuss 1", 30)
        self.add_vehicle(self.mid, "Autobuss 2", 30)
        plan = self.plan()
        self.assertConsistent(plan)
        self.assertEqual(plan["riders"], 53)
        problems = self.get_problems(self.mid)
        # 53 people in three groups, 60 seats: the buses share routes over
        # two schools, and still arrive by 09:30 and are back by 11:35
        self.assertEqual((plan["seated"], plan["unseated"], plan["problems"]), (53, 0, []))
        self.assertGreaterEqual(plan["multi_stop_routes"], 1)
        self.assertTrue(all(leg["arrive"] <= "2015-11-06T11:35" for leg in plan["legs"]))
        self.assertEqual(problems, [])

    def test_three_vehicles_seat_everyone_on_time(self):
        self.add_vehicle(self.mid, "Autobuss 1", 30)
        self.add_vehicle(self.mid, "Autobuss 2", 30)
        self.add_vehicle(self.mid, "Mikroautobuss", 20)
        plan = self.plan()
        self.assertConsistent(plan)
        self.assertEqual((plan["seated"], plan["unseated"], plan["problems"]), (53, 0, []))
        self.assertEqual(self.get_problems(self.mid), [])
        # the group already at the next venue needs no ride back
        back = [leg for leg in plan["legs"] if leg["direction"] == "back"]
        self.assertNotIn(self.venue["saules"], [leg["from_venue_id"] for leg in back
                                                if not leg.get("stops")])
        # a participant sees their vehicle and when it leaves
        someone = next(iter(self.groups[self.visit_slot["options"][0]["id"]]))
        r = self.req("GET", registration_path(someone), token=self.org)
        place = r.body["site_visits"][0]
        self.assertIn(place["vehicle"], ("Autobuss 1", "Autobuss 2", "Mikroautobuss"))
        self.assertEqual(place["departs"], "2015-11-06T09:15")   # 15 minutes to the lyceum

    def test_no_vehicles_is_a_problem(self):
        plan = self.plan()
        self.assertEqual(plan["seated"], 0)
        self.assertTrue(any(p["code"] == "transport_seats_short" for p in plan["problems"]),
                        plan["problems"])

    def test_changes_to_vehicles_and_options_show_in_the_plan(self):
        self.add_vehicle(self.mid, "Autobuss 1", 30)
        self.add_vehicle(self.mid, "Autobuss 2", 30)
        self.add_vehicle(self.mid, "Mikroautobuss", 20)
        vs = self.req("GET", self.vehicles_path(self.mid), token=self.org)
        small = next(v for v in vs.body["vehicles"] if v["name"] == "Mikroautobuss")
        path = self.vehicles_path(self.mid, "/%d" % small["id"])
        self.assertEqual(self.req("PATCH", path, {"seats": 5}).status, 401)
        r = self.req("PATCH", path, {"seats": 5}, token=self.org)
        self.assertEqual((r.status, r.body["seats"]), (200, 5), r.body)
        r = self.req("PATCH", path, {"name": "Autobuss 1"}, token=self.org)
        self.assertError(r, 409, "duplicate_name")
        self.assertConsistent(self.plan())
        r = self.req("DELETE", path, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.req("DELETE", path, token=self.org).status, 404)
        plan = self.plan()
        self.assertConsistent(plan)
        self.assertNotIn("Mikroautobuss", [v["vehicle"] for v in plan["vehicles"]])
        # an option cannot shrink below the people placed in it
        opt = self.visit_slot["options"][0]
        spath = self.slot_path(self.mid, self.visit_slot["id"])
        r = self.req("PATCH", spath, {"options": [{"id": opt["id"], "capacity": 5}]},
                     token=self.org)
        self.assertError(r, 409, "in_use")
        r = self.req("PATCH", spath, {"options": [{"id": opt["id"], "topic": "Jauna tēma"}]},
                     token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["options"][0]["topic"], "Jauna tēma")

    def test_plan_is_for_organizers(self):
        r = self.req("GET", self.transport_plan_path(self.mid))
        self.assertEqual(r.status, 401)


if __name__ == "__main__":
    unittest.main()
