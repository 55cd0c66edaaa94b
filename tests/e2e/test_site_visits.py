"""Site visits (docs/api.md "Site visits", core/engine/seat_alloc.h): slots and their
options, ranked preferences on registrations, the allocation (dry run, stored,
explained), what later cancellations and registrations do to it, pins,
vehicles, and concurrent late registrations.

The demo allocation is checked against an independent exact solver written
in plain Python (helpers_visits.py): a min-cost max-flow (successive shortest
paths with SPFA) over people -> options -> sink, and, for the municipality
spread, over people -> (municipality, option) -> option -> sink with convex
arc costs."""

import collections
import threading
import time
import unittest

from harness import (DEMO_CONFIRMED, DEMO_MEETING, DEMO_SLOT, SaietsTestCase, answers_for,
                     person, unique)
from helpers_visits import VisitsMixin, exact_min_rank_sum, exact_min_rank_then_pairs, pairs_of

JOIN_TIMEOUT = 60.0      # seconds for a batch of concurrent requests


class VisitsTestCase(VisitsMixin, SaietsTestCase):
    pass


# --------------------------------------------------------------------------
# 1, 2: the demo allocation
# --------------------------------------------------------------------------

class DemoAllocationTest(VisitsTestCase):
    demo = True

    def confirmed_registrations(self):
        rows = self.listing(DEMO_MEETING, "?status=confirmed")
        self.assertEqual(len(rows), DEMO_CONFIRMED)
        regs = [self.registration(r["id"]) for r in sorted(rows, key=lambda r: r["id"])]
        return regs

    def demo_reg(self, prefs=None):
        """A registration for the demo meeting (its form has required fields)."""
        answers = answers_for(self.get_meeting(DEMO_MEETING)["fields"])
        return self.reg(DEMO_MEETING, DEMO_SLOT, prefs, answers=answers)

    def demo_prefs(self, regs):
        out = {}
        for reg in regs:
            prefs = reg.get("visit_preferences")
            self.assertIsInstance(prefs, dict, reg)
            out[reg["id"]] = prefs.get(str(DEMO_SLOT), [])
        return out

    def test_demo_slot_as_described(self):
        r = self.req("GET", self.visits_path(DEMO_MEETING))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["meeting"], DEMO_MEETING)
        slots = r.body["slots"]
        self.assertEqual([s["id"] for s in slots], [DEMO_SLOT])
        s = slots[0]
        self.assertEqual(s["title"], "Site visits: three schools at once")
        self.assertIsNone(s["allocated_at"])
        self.assertEqual(s["waiting"], 0)
        self.assertEqual([(o["capacity"], o["assigned"], o["free"]) for o in s["options"]],
                         [(18, 0, 18)] * 3)
        self.assertEqual(self.slot(DEMO_MEETING, DEMO_SLOT), s)

    def test_dry_run_stores_nothing(self):
        dry = self.allocate_ok(DEMO_MEETING, DEMO_SLOT, dry_run=1)
        self.assertEqual((dry["summary"]["seated"], dry["summary"]["waiting"]),
                         (DEMO_CONFIRMED, 0), dry["summary"])
        a = self.allocation(DEMO_MEETING, DEMO_SLOT)
        self.assertIsNone(a["allocated_at"], a)
        self.assertEqual([o["assigned"] for o in a["options"]], [0, 0, 0])
        self.assertEqual([o["people"] for o in a["options"]], [[], [], []])
        self.assertEqual(a["waiting"], [])
        self.assertEqual((a["summary"]["seated"], a["summary"]["waiting"]), (0, 0))
        s = self.slot(DEMO_MEETING, DEMO_SLOT)
        self.assertIsNone(s["allocated_at"])
        self.assertEqual(self.assigned(s), [0, 0, 0])
        for reg in self.confirmed_registrations():
            self.assertEqual(reg["site_visits"], [], "reg %d placed by a dry run" % reg["id"])
        audit = self.req("GET", "/api/v1/audit", token=self.admin)
        self.assertEqual(audit.status, 200, audit.body)
        self.assertNotIn("visit.allocate", [e["action"] for e in audit.body["entries"]])
        # a registration after the dry run is not placed either: the slot is
        # still unallocated
        late = self.demo_reg()
        self.assertEqual(self.registration(late["id"])["site_visits"], [])

    def test_dry_run_0_is_a_real_run(self):
        a = self.allocate_ok(DEMO_MEETING, DEMO_SLOT, dry_run=0)
        audit = self.req("GET", "/api/v1/audit", token=self.admin)
        self.assertIn("visit.allocate", [e["action"] for e in audit.body["entries"]])
        self.assertIsNotNone(self.allocation(DEMO_MEETING, DEMO_SLOT)["allocated_at"])
        self.assertEqual(a["summary"]["seated"], DEMO_CONFIRMED)

    def test_real_allocation_places_everyone_at_minimal_rank_sum(self):
        regs = self.confirmed_registrations()
        prefs = self.demo_prefs(regs)
        a = self.allocate_ok(DEMO_MEETING, DEMO_SLOT)
        self.assertIsInstance(a["allocated_at"], str)
        option_ids = [o["id"] for o in a["options"]]
        capacities = [o["capacity"] for o in a["options"]]
        self.assertEqual(capacities, [18, 18, 18])
        summary = a["summary"]
        self.assertEqual((summary["seated"], summary["waiting"]), (DEMO_CONFIRMED, 0), summary)
        self.assertEqual(summary["pinned"], 0)
        self.assertEqual(a["waiting"], [])
        seats = self.seats(a)
        self.assertEqual(sorted(seats), sorted(prefs), "not everyone is placed")

        # the skew the brief describes is really there
        self.assertGreater(sum(1 for p in prefs.values() if p[:1] == [option_ids[1]]),
                           18, "the Polish Gymnasium should be wanted by more than it seats")
        no_prefs = [rid for rid, p in prefs.items() if not p]
        self.assertEqual(len(no_prefs), DEMO_CONFIRMED // 11)
        self.assertEqual(summary["no_preferences"], len(no_prefs))

        # every person's rank and the summary agree with the preferences
        by_rank = collections.Counter()
        rank_sum = unranked = 0
        for o in a["options"]:
            for p in o["people"]:
                mine = prefs[p["registration_id"]]
                if not mine:
                    self.assertIsNone(p["rank"], p)
                elif o["id"] in mine:
                    self.assertEqual(p["rank"], mine.index(o["id"]) + 1, p)
                    by_rank[str(p["rank"])] += 1
                    rank_sum += p["rank"]
                else:
                    self.assertIsNone(p["rank"], p)
                    unranked += 1
                    rank_sum += len(option_ids) + 1
        self.assertEqual(summary["by_rank"], dict(by_rank), summary)
        self.assertEqual(summary["unranked"], unranked, summary)
        self.assertEqual(summary["rank_sum"], rank_sum, summary)

        # ... and the rank sum is the true minimum
        best = exact_min_rank_sum([prefs[rid] for rid in sorted(prefs)], option_ids,
                                  capacities)
        self.assertEqual(summary["rank_sum"], best,
                         "server rank_sum %d, exact minimum %d" % (summary["rank_sum"], best))

        # stored: GET .../allocation says the same, and so do the slot and
        # every registration
        again = self.allocation(DEMO_MEETING, DEMO_SLOT)
        expect = dict(a)
        del expect["dry_run"]
        self.assertEqual(again, expect)
        s = self.slot(DEMO_MEETING, DEMO_SLOT)
        self.assertEqual(s["allocated_at"], a["allocated_at"])
        self.assertEqual(self.assigned(s), [o["assigned"] for o in a["options"]])
        self.assertEqual(sum(self.assigned(s)), DEMO_CONFIRMED)
        explanations = {p["registration_id"]: p["explanation"]
                        for o in a["options"] for p in o["people"]}
        for reg in regs:
            places = {p["slot_id"]: p for p in self.registration(reg["id"])["site_visits"]}
            self.assertEqual(list(places), [DEMO_SLOT], reg["id"])
            mine = places[DEMO_SLOT]
            self.assertEqual(mine["option_id"], seats[reg["id"]], reg["id"])
            self.assertIsNone(mine["waiting_position"], mine)
            self.assertEqual(mine["explanation"], explanations[reg["id"]], mine)
            self.assert_one_liner(mine["explanation"], mine)
            venue = [o for o in s["options"] if o["id"] == seats[reg["id"]]][0]
            self.assertEqual((mine["venue_id"], mine["venue_name"], mine["topic"],
                              mine["host"]),
                             (venue["venue_id"], venue["venue_name"], venue["topic"],
                              venue["host"]), mine)

    def test_explanations_say_why(self):
        a = self.allocate_ok(DEMO_MEETING, DEMO_SLOT)
        for o in a["options"]:
            for p in o["people"]:
                if p["rank"] == 1:
                    self.assertEqual(p["explanation"], "1st choice", p)
                elif p["rank"] is not None:
                    # a lower choice names a better option that was full
                    self.assertTrue(p["explanation"].startswith(
                        {2: "2nd choice", 3: "3rd choice"}[p["rank"]]), p)
                    self.assertIn("full", p["explanation"], p)

    def test_municipality_spread_is_minimal(self):
        regs = self.confirmed_registrations()
        prefs = self.demo_prefs(regs)
        muni = {r["id"]: r.get("organisation_id") for r in regs}
        self.assertGreater(len(set(muni.values())), 5, "several municipalities expected")
        a = self.allocate_ok(DEMO_MEETING, DEMO_SLOT)
        option_ids = [o["id"] for o in a["options"]]
        groups = [[muni[p["registration_id"]] for p in o["people"]] for o in a["options"]]
        for o, g in zip(a["options"], groups):
            self.assertEqual(o["municipalities"], len({m for m in g if m is not None}), o)
        actual = pairs_of(groups)
        self.assertEqual(a["summary"]["same_municipality_pairs"], actual, a["summary"])
        best_rank, best_pairs = exact_min_rank_then_pairs(
            [(prefs[rid], muni[rid]) for rid in sorted(prefs)], option_ids,
            [o["capacity"] for o in a["options"]])
        self.assertEqual(a["summary"]["rank_sum"], best_rank)
        self.assertEqual(actual, best_pairs,
                         "%d same-municipality pairs, the minimum at rank sum %d is %d"
                         % (actual, best_rank, best_pairs))

    def test_two_allocations_in_a_row_are_identical(self):
        first = self.allocate_ok(DEMO_MEETING, DEMO_SLOT)
        second = self.allocate_ok(DEMO_MEETING, DEMO_SLOT)
        self.assertEqual(self.seats(first), self.seats(second))
        self.assertEqual(first["summary"], second["summary"])
        strip = lambda a: [o["people"] for o in a["options"]]
        self.assertEqual(strip(first), strip(second))
        dry = self.allocate_ok(DEMO_MEETING, DEMO_SLOT, dry_run=1)
        self.assertEqual(self.seats(dry), self.seats(first))

    def test_dry_run_after_a_real_run_keeps_the_stored_one(self):
        stored = self.allocate_ok(DEMO_MEETING, DEMO_SLOT)
        seats = self.seats(stored)
        # someone on the Polish Gymnasium (option 2) now wants only option 1;
        # a dry run may show a change but must not store it
        mover = [rid for rid, o in seats.items() if o == 2][0]
        r = self.req("PATCH", "/api/v1/registrations/%d" % mover,
                     {"visit_preferences": {str(DEMO_SLOT): [1]}}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["visit_preferences"], {str(DEMO_SLOT): [1]})
        # a change of preferences moves nobody by itself
        self.assertEqual(self.seats(self.allocation(DEMO_MEETING, DEMO_SLOT)), seats)
        self.allocate_ok(DEMO_MEETING, DEMO_SLOT, dry_run=1)
        after = self.allocation(DEMO_MEETING, DEMO_SLOT)
        self.assertEqual(self.seats(after), seats)
        self.assertEqual(after["allocated_at"], stored["allocated_at"])
        self.assertEqual(self.places(mover)[DEMO_SLOT]["option_id"], 2)

    def test_late_demo_registration_gets_a_free_seat(self):
        self.allocate_ok(DEMO_MEETING, DEMO_SLOT)     # 53 of 54 seats
        s = self.slot(DEMO_MEETING, DEMO_SLOT)
        free = [o["id"] for o in s["options"] if o["free"] > 0]
        self.assertEqual(len(free), 1, s)
        late = self.demo_reg([2, 3, 1])
        self.assertEqual(self.places(late["id"])[DEMO_SLOT]["option_id"], free[0])
        again = self.demo_reg([free[0]])
        p = self.places(again["id"])[DEMO_SLOT]
        self.assertIsNone(p["option_id"])
        self.assertEqual(p["waiting_position"], 1)
        s = self.slot(DEMO_MEETING, DEMO_SLOT)
        self.assertEqual(s["waiting"], 1)
        self.assertEqual([o["free"] for o in s["options"]], [0, 0, 0])


class ExactnessTest(VisitsTestCase):
    """Small made-up slots (seeded, so every run is the same) with pins,
    partial rankings, people without preferences, more people than seats and
    a few municipalities: who is seated, who waits, and the rank sum and the
    spread, checked against the solver in helpers_visits."""

    # hundreds of made-up people from one address: the rate limit off
    # (test_rate_limits.py tests it)
    serve_args = ("--rate-limit", "off")

    def organisations(self, count):
        return [self.create_organisation(unique("Testa novada pašvaldība "))
                for _ in range(count)]

    def check_instance(self, rng, label):
        nopts = rng.randint(2, 4)
        caps = [rng.randint(1, 4) for _ in range(nopts)]
        total = sum(caps)
        orgs = self.organisations(rng.randint(2, 3))
        mid, slot, option_ids = self.visit_meeting(caps)
        n = rng.randint(max(2, total - 2), total + 3)
        regs = []
        for _ in range(n):
            k = rng.choice([0, 1, 2, nopts, nopts])
            prefs = rng.sample(option_ids, k)
            org = rng.choice(orgs + [None])
            kw = {"organisation": org["name"] if org else unique("Privāta biedrība ")}
            body = self.reg(mid, slot, prefs, **kw)
            self.assertEqual(body["organisation_id"], org["id"] if org else None, body)
            regs.append((body["id"], prefs, org["id"] if org else None))
        # up to two pins, never more than an option seats
        pins = {}
        for rid, _, _ in rng.sample(regs, rng.randint(0, 2)):
            o = rng.randrange(nopts)
            if sum(1 for x in pins.values() if x == o) < caps[o]:
                pins[rid] = o
                self.assertEqual(self.pin(mid, slot, rid, option_ids[o]).status, 200)

        a = self.allocate_ok(mid, slot)
        seats = self.seats(a)
        unpinned = [r for r in regs if r[0] not in pins]
        room = total - len(pins)
        expect_seated = set(pins) | {r[0] for r in unpinned[:room]}
        expect_waiting = [r[0] for r in unpinned[room:]]
        self.assertEqual(set(seats), expect_seated, label)
        self.assertEqual(self.waiting_ids(a), expect_waiting, label)
        for rid, o in pins.items():
            self.assertEqual(seats[rid], option_ids[o], label)
        best_rank, best_pairs = exact_min_rank_then_pairs(
            [(prefs, m) for rid, prefs, m in unpinned[:room]], option_ids, caps,
            [(o, [r for r in regs if r[0] == rid][0][2]) for rid, o in pins.items()])
        summary = a["summary"]
        self.assertEqual(summary["pinned"], len(pins), label)
        self.assertEqual(summary["rank_sum"], best_rank,
                         "%s: rank_sum %d, exact minimum %d"
                         % (label, summary["rank_sum"], best_rank))
        muni = {rid: m for rid, _, m in regs}
        groups = [[muni[p["registration_id"]] for p in o["people"]] for o in a["options"]]
        self.assertEqual(summary["same_municipality_pairs"], pairs_of(groups), label)
        self.assertEqual(pairs_of(groups), best_pairs,
                         "%s: %d same-municipality pairs, the minimum is %d"
                         % (label, pairs_of(groups), best_pairs))
        # determinism, once more
        self.assertEqual(self.seats(self.allocate_ok(mid, slot)), seats, label)

    def test_small_instances_are_exact(self):
        import random
        deadline = time.monotonic() + 120
        for seed in range(8):
            if time.monotonic() > deadline:
                break
            with self.subTest(seed=seed):
                self.check_instance(random.Random(1000 + seed), "seed %d" % seed)

    def test_spread_two_municipalities_over_two_groups(self):
        x, y = self.organisations(2)
        mid, slot, (A, B) = self.visit_meeting([2, 2])
        regs = [self.reg(mid, organisation=o["name"]) for o in (x, x, y, y)]
        a = self.allocate_ok(mid, slot)
        self.assertEqual(a["summary"]["same_municipality_pairs"], 0, a)
        self.assertEqual([o["municipalities"] for o in a["options"]], [2, 2])
        seats = self.seats(a)
        self.assertNotEqual(seats[regs[0]["id"]], seats[regs[1]["id"]])
        self.assertNotEqual(seats[regs[2]["id"]], seats[regs[3]["id"]])

    def test_spread_never_costs_a_rank(self):
        x, y = self.organisations(2)
        mid, slot, (A, B) = self.visit_meeting([2, 2])
        # both of x want A only: they stay together rather than lose a rank
        self.reg(mid, slot, [A], organisation=x["name"])
        self.reg(mid, slot, [A], organisation=x["name"])
        self.reg(mid, slot, [B], organisation=y["name"])
        self.reg(mid, slot, [B], organisation=y["name"])
        a = self.allocate_ok(mid, slot)
        self.assertEqual(a["summary"]["rank_sum"], 4)
        self.assertEqual(a["summary"]["same_municipality_pairs"], 2)


# --------------------------------------------------------------------------
# 3: cancellations after an allocation
# --------------------------------------------------------------------------

class CancellationTest(VisitsTestCase):

    def five(self):
        """Options A and B of 2 seats; r1, r2 want A, r3, r4 want B, r5 (last)
        wants A then B and waits."""
        mid, slot, (A, B) = self.visit_meeting([2, 2])
        r = [self.reg(mid, slot, [A, B]), self.reg(mid, slot, [A, B]),
             self.reg(mid, slot, [B, A]), self.reg(mid, slot, [B, A]),
             self.reg(mid, slot, [A, B])]
        a = self.allocate_ok(mid, slot)
        self.assertEqual(self.seats(a), {r[0]["id"]: A, r[1]["id"]: A,
                                         r[2]["id"]: B, r[3]["id"]: B})
        self.assertEqual(self.waiting_ids(a), [r[4]["id"]])
        self.assertEqual(a["summary"]["rank_sum"], 4)
        return mid, slot, A, B, r

    def test_waiting_person_takes_the_freed_seat(self):
        mid, slot, A, B, r = self.five()
        self.assertEqual(self.places(r[4]["id"])[slot]["waiting_position"], 1)
        c = self.cancel(r[2]["id"], token=r[2]["manage_token"])    # a seat at B
        self.assertEqual(c.status, 200, c.body)
        a = self.allocation(mid, slot)
        self.assertEqual(self.seats(a), {r[0]["id"]: A, r[1]["id"]: A,
                                         r[3]["id"]: B, r[4]["id"]: B})
        self.assertEqual(a["waiting"], [])
        self.assertEqual(self.person_in(a, r[4]["id"])["rank"], 2)
        self.assertIsNone(self.person_in(a, r[2]["id"]))
        s = self.slot(mid, slot)
        self.assertEqual((self.assigned(s), s["waiting"]), ([2, 2], 0))
        mine = self.places(r[4]["id"])[slot]
        self.assertEqual((mine["option_id"], mine["waiting_position"]), (B, None))
        self.assert_one_liner(mine["explanation"])
        # the cancelled participant can still read the registration: no place
        gone = self.get_registration(r[2]["id"], token=r[2]["manage_token"])
        self.assertEqual(gone.status, 200, gone.body)
        self.assertEqual(gone.body["status"], "cancelled")
        self.assertEqual(gone.body["site_visits"], [])
        # the summary follows the change
        self.assertEqual(a["summary"]["seated"], 4)
        self.assertEqual(a["summary"]["by_rank"], {"1": 3, "2": 1})

    def test_best_ranking_waiting_person_wins_over_an_earlier_one(self):
        mid, slot, (A, B) = self.visit_meeting([2, 2])
        r = [self.reg(mid, slot, [A, B]), self.reg(mid, slot, [A, B]),
             self.reg(mid, slot, [B, A]), self.reg(mid, slot, [B, A]),
             self.reg(mid, slot, [B, A]),     # waits first, ranks A 2nd
             self.reg(mid, slot, [A]),        # waits second, ranks A 1st
             self.reg(mid)]                   # waits third, no preferences
        a = self.allocate_ok(mid, slot)
        self.assertEqual(self.waiting_ids(a), [r[4]["id"], r[5]["id"], r[6]["id"]])
        seats = self.seats(a)

        self.assertEqual(self.cancel(r[0]["id"], token=r[0]["manage_token"]).status, 200)
        a = self.allocation(mid, slot)
        seats.pop(r[0]["id"])
        seats[r[5]["id"]] = A
        self.assertEqual(self.seats(a), seats, "A's seat goes to whoever ranked A best")
        self.assertEqual(self.waiting_ids(a), [r[4]["id"], r[6]["id"]])
        self.assertEqual(self.places(r[4]["id"])[slot]["waiting_position"], 1)
        self.assertEqual(self.places(r[6]["id"])[slot]["waiting_position"], 2)

        self.assertEqual(self.cancel(r[2]["id"], token=r[2]["manage_token"]).status, 200)
        a = self.allocation(mid, slot)
        seats.pop(r[2]["id"])
        seats[r[4]["id"]] = B
        self.assertEqual(self.seats(a), seats)
        self.assertEqual(self.waiting_ids(a), [r[6]["id"]])
        self.assertEqual(self.places(r[6]["id"])[slot]["waiting_position"], 1)

        # nobody ranked anything over the one without preferences now
        self.assertEqual(self.cancel(r[1]["id"]).status, 200)     # organizer cancels
        a = self.allocation(mid, slot)
        seats.pop(r[1]["id"])
        seats[r[6]["id"]] = A
        self.assertEqual(self.seats(a), seats)
        self.assertEqual(a["waiting"], [])
        s = self.slot(mid, slot)
        self.assertEqual((self.assigned(s), s["waiting"]), ([2, 2], 0))

    def test_equal_ranks_earliest_waiting_wins(self):
        mid, slot, (A, B) = self.visit_meeting([1, 1])
        r = [self.reg(mid, slot, [A, B]), self.reg(mid, slot, [B, A]),
             self.reg(mid, slot, [A, B]), self.reg(mid, slot, [A, B])]
        a = self.allocate_ok(mid, slot)
        self.assertEqual(self.waiting_ids(a), [r[2]["id"], r[3]["id"]])
        self.assertEqual(self.cancel(r[0]["id"], token=r[0]["manage_token"]).status, 200)
        a = self.allocation(mid, slot)
        self.assertEqual(self.seats(a), {r[2]["id"]: A, r[1]["id"]: B})
        self.assertEqual(self.waiting_ids(a), [r[3]["id"]])

    def test_changed_preferences_count_at_the_next_freed_seat(self):
        mid, slot, A, B, r = self.five()
        # r5 waits wanting A then B; add a sixth who waits wanting B only
        r6 = self.reg(mid, slot, [B])
        self.assertEqual(self.waiting_ids(self.allocation(mid, slot)),
                         [r[4]["id"], r6["id"]])
        # r5 now ranks A only: B's next free seat goes to r6
        p = self.req("PATCH", "/api/v1/registrations/%d" % r[4]["id"],
                     {"visit_preferences": {str(slot): [A]}}, token=r[4]["manage_token"])
        self.assertEqual(p.status, 200, p.body)
        self.assertEqual(self.cancel(r[3]["id"]).status, 200)     # a seat at B
        a = self.allocation(mid, slot)
        self.assertEqual(self.seats(a).get(r6["id"]), B)
        self.assertEqual(self.waiting_ids(a), [r[4]["id"]])

    def test_cancelling_a_waiting_person_moves_the_others_up(self):
        mid, slot, (A,) = self.visit_meeting([1])
        r = [self.reg(mid, slot, [A]) for _ in range(4)]
        a = self.allocate_ok(mid, slot)
        self.assertEqual(self.waiting_ids(a), [x["id"] for x in r[1:]])
        self.assertEqual(self.cancel(r[1]["id"], token=r[1]["manage_token"]).status, 200)
        a = self.allocation(mid, slot)
        self.assertEqual(self.seats(a), {r[0]["id"]: A})
        self.assertEqual(self.waiting_ids(a), [r[2]["id"], r[3]["id"]])
        self.assertEqual([self.places(x["id"])[slot]["waiting_position"] for x in r[2:]],
                         [1, 2])
        s = self.slot(mid, slot)
        self.assertEqual((self.assigned(s), s["waiting"]), ([1], 2))

    def test_seat_goes_to_someone_promoted_from_the_meetings_waiting_list(self):
        mid, slot, (A, B) = self.visit_meeting([2, 2], capacity=4)
        r = [self.reg(mid, slot, [A, B]), self.reg(mid, slot, [A, B]),
             self.reg(mid, slot, [B, A]), self.reg(mid, slot, [B, A])]
        self.allocate_ok(mid, slot)
        late = self.reg(mid, slot, [B, A])
        self.assertEqual(late["status"], "waitlisted")
        self.assertEqual(self.registration(late["id"])["site_visits"], [])
        self.assertEqual(self.cancel(r[0]["id"], token=r[0]["manage_token"]).status, 200)
        body = self.registration(late["id"])
        self.assertEqual(body["status"], "confirmed")
        mine = {p["slot_id"]: p for p in body["site_visits"]}[slot]
        self.assertEqual(mine["option_id"], A, "the only free seat is at A")
        a = self.allocation(mid, slot)
        self.assertEqual(self.seats(a), {r[1]["id"]: A, late["id"]: A,
                                         r[2]["id"]: B, r[3]["id"]: B})
        self.assertEqual(a["waiting"], [])


# --------------------------------------------------------------------------
# 4, 10: late registrations, more people than seats
# --------------------------------------------------------------------------

class LateRegistrationTest(VisitsTestCase):

    def test_late_gets_best_ranked_free_option_else_waits(self):
        mid, slot, (A, B) = self.visit_meeting([2, 2])
        r1, r2 = self.reg(mid, slot, [A, B]), self.reg(mid, slot, [A, B])
        r3 = self.reg(mid, slot, [B, A])
        a = self.allocate_ok(mid, slot)
        self.assertEqual(self.seats(a), {r1["id"]: A, r2["id"]: A, r3["id"]: B})

        r4 = self.reg(mid, slot, [A, B])            # A is full: B, its 2nd choice
        mine = self.places(r4["id"])[slot]
        self.assertEqual((mine["option_id"], mine["waiting_position"]), (B, None))
        self.assert_one_liner(mine["explanation"])
        self.assertEqual(self.person_in(self.allocation(mid, slot), r4["id"])["rank"], 2)

        r5 = self.reg(mid, slot, [B])               # all full: waits
        mine = self.places(r5["id"])[slot]
        self.assertEqual((mine["option_id"], mine["waiting_position"]), (None, 1))
        self.assertIn("waiting", mine["explanation"])
        r6 = self.reg(mid)                          # no preferences: waits too
        self.assertEqual(self.places(r6["id"])[slot]["waiting_position"], 2)

        s = self.slot(mid, slot)
        self.assertEqual((self.assigned(s), s["waiting"]), ([2, 2], 2))
        a = self.allocation(mid, slot)
        self.assertEqual(self.waiting_ids(a), [r5["id"], r6["id"]])
        self.assertEqual(a["summary"]["seated"], 4)
        # the earlier people were not moved
        self.assertEqual({k: v for k, v in self.seats(a).items() if k != r4["id"]},
                         {r1["id"]: A, r2["id"]: A, r3["id"]: B})

    def test_late_first_choice_free(self):
        mid, slot, (A, B) = self.visit_meeting([3, 2])
        r1 = self.reg(mid, slot, [A])
        self.allocate_ok(mid, slot)
        r2 = self.reg(mid, slot, [B, A])            # B free: its 1st choice
        self.assertEqual(self.places(r2["id"])[slot]["option_id"], B)
        self.assertEqual(self.person_in(self.allocation(mid, slot), r2["id"])["rank"], 1)
        r3 = self.reg(mid, slot, [B])               # B's last seat
        self.assertEqual(self.places(r3["id"])[slot]["option_id"], B)
        r4 = self.reg(mid, slot, [B])               # B full: an unranked free seat at A
        self.assertEqual(self.places(r4["id"])[slot]["option_id"], A)
        r5 = self.reg(mid)                          # no preferences: the last free seat
        self.assertEqual(self.places(r5["id"])[slot]["option_id"], A)
        r6 = self.reg(mid, slot, [A, B])            # nothing left
        self.assertEqual(self.places(r6["id"])[slot]["waiting_position"], 1)
        s = self.slot(mid, slot)
        self.assertEqual((self.assigned(s), s["waiting"]), ([3, 2], 1))
        a = self.allocation(mid, slot)
        self.assertEqual(self.seats(a), {r1["id"]: A, r2["id"]: B, r3["id"]: B,
                                         r4["id"]: A, r5["id"]: A})
        self.assertEqual(self.waiting_ids(a), [r6["id"]])

    def test_late_with_unranked_free_seat(self):
        mid, slot, (A, B) = self.visit_meeting([1, 2])
        r1 = self.reg(mid, slot, [A])
        self.allocate_ok(mid, slot)
        r2 = self.reg(mid, slot, [A])     # A full, B free though unranked: B
        mine = self.places(r2["id"])[slot]
        self.assertEqual((mine["option_id"], mine["waiting_position"]), (B, None))
        p = self.person_in(self.allocation(mid, slot), r2["id"])
        self.assertIsNone(p["rank"], p)
        self.assertEqual(self.places(r1["id"])[slot]["option_id"], A)

    def test_raising_meeting_capacity_places_the_promoted(self):
        mid, slot, (A, B) = self.visit_meeting([2, 1], capacity=2)
        r1, r2 = self.reg(mid, slot, [B]), self.reg(mid, slot, [A])
        r3 = self.reg(mid, slot, [B, A])
        self.assertEqual(r3["status"], "waitlisted")
        a = self.allocate_ok(mid, slot)
        self.assertEqual(self.seats(a), {r1["id"]: B, r2["id"]: A})
        self.assertEqual(self.patch_meeting(mid, {"capacity": 3}).status, 200)
        self.assertEqual(self.registration(r3["id"])["status"], "confirmed")
        self.assertEqual(self.places(r3["id"])[slot]["option_id"], A, "B is full: A")
        self.assertEqual(self.assigned(self.slot(mid, slot)), [2, 1])

    def many_slots(self, count=66):
        """A meeting with `count` site-visit slots (one option of 2 seats
        each), some 20 minutes apart over two days; returns (mid, slot ids)."""
        m = self.agenda_meeting(capacity=10)
        venue = self.make_venue(unique("Skola "), kind="school")["id"]
        slots = []
        for i in range(count):
            day, rest = divmod(i, 33)
            hour, quarter = 1 + rest // 3, rest % 3
            at = "2015-11-%02dT%02d:%02d" % (5 + day, hour, quarter * 15)
            until = "2015-11-%02dT%02d:%02d" % (5 + day, hour, quarter * 15 + 10)
            r = self.post_slot(m["id"], self.slot_body([self.option_body(venue, 2)],
                                                       starts_at=at, ends_at=until))
            self.assertEqual(r.status, 201, r.body)
            slots.append(r.body["id"])
        return m["id"], slots

    def test_late_registration_placed_in_every_one_of_66_slots(self):
        mid, slots = self.many_slots()
        for sl in slots:
            self.allocate_ok(mid, sl)
        late = self.register(mid)
        got = {p["slot_id"] for p in self.registration(late["id"])["site_visits"]}
        missing = sorted(set(slots) - got)
        self.assertEqual(missing, [], "the late registration has no place in these slots")
        for sl in slots[-3:]:
            option = self.slot(mid, sl)["options"][0]["id"]
            self.assertEqual(self.seats(self.allocation(mid, sl)), {late["id"]: option})

    def test_cancellation_frees_seats_in_every_one_of_66_slots(self):
        mid, slots = self.many_slots()
        early = self.register(mid)
        for sl in slots:
            self.allocate_ok(mid, sl)
        self.assertEqual(len(self.registration(early["id"])["site_visits"]), 66)
        self.assertEqual(self.cancel(early["id"]).status, 200)
        still = [sl for sl in slots if self.slot(mid, sl)["options"][0]["assigned"] != 0]
        self.assertEqual(still, [], "a cancelled registration still holds a seat here")
        self.assertEqual(self.registration(early["id"])["site_visits"], [])
        for sl in slots[-3:]:
            self.assertEqual(self.allocation(mid, sl)["options"][0]["people"], [])

    def test_registration_before_allocation_has_no_place(self):
        mid, slot, (A, B) = self.visit_meeting([2, 2])
        r1 = self.reg(mid, slot, [A])
        self.assertEqual(self.registration(r1["id"])["site_visits"], [])
        self.assertEqual(self.registration(r1["id"])["visit_preferences"], {str(slot): [A]})

    def test_more_people_than_seats_latest_wait_in_order(self):
        mid, slot, (A, B) = self.visit_meeting([2, 2])
        early = [self.reg(mid, slot, [B, A]) for _ in range(4)]
        # the latest three want A most; they still wait, in registration order
        late = [self.reg(mid, slot, [A, B]) for _ in range(3)]
        a = self.allocate_ok(mid, slot)
        self.assertEqual(sorted(self.seats(a)), sorted(x["id"] for x in early))
        self.assertEqual(self.waiting_ids(a), [x["id"] for x in late])
        self.assertEqual((a["summary"]["seated"], a["summary"]["waiting"]), (4, 3))
        self.assertEqual(a["summary"]["rank_sum"], 2 * 1 + 2 * 2)
        for i, x in enumerate(late, 1):
            mine = self.places(x["id"])[slot]
            self.assertEqual((mine["option_id"], mine["waiting_position"]), (None, i))
            self.assertIn("waiting", mine["explanation"])
        s = self.slot(mid, slot)
        self.assertEqual((self.assigned(s), s["waiting"]), ([2, 2], 3))
        for p in a["waiting"]:
            self.assertIsNone(p["rank"], p)

    def test_pinned_late_registration_is_seated_before_earlier_ones(self):
        mid, slot, (A, B) = self.visit_meeting([1, 1])
        r = [self.reg(mid, slot, [A, B]) for _ in range(3)]
        self.assertEqual(self.pin(mid, slot, r[2]["id"], B).status, 200)
        a = self.allocate_ok(mid, slot)
        self.assertEqual(self.seats(a), {r[0]["id"]: A, r[2]["id"]: B})
        self.assertEqual(self.waiting_ids(a), [r[1]["id"]])
        self.assertEqual(a["summary"]["pinned"], 1)
        self.assertEqual(self.person_in(a, r[2]["id"])["why"], "pinned")


# --------------------------------------------------------------------------
# 5: preferences validation
# --------------------------------------------------------------------------

class PreferencesTest(VisitsTestCase):
    # a registration for each bad input, from one address: the limit off
    serve_args = ("--rate-limit", "off")

    def setUp(self):
        super().setUp()
        m = self.agenda_meeting(capacity=50)
        self.mid = m["id"]
        s1 = self.make_slot(self.mid, [5, 5])
        s2 = self.make_slot(self.mid, [5, 5], starts_at="2015-11-06T13:00",
                            ends_at="2015-11-06T14:00")
        other = self.agenda_meeting(capacity=50)
        s3 = self.make_slot(other["id"], [5])
        self.s1, self.s2, self.s3 = s1["id"], s2["id"], s3["id"]
        self.a = [o["id"] for o in s1["options"]]
        self.b = [o["id"] for o in s2["options"]]
        self.c = [o["id"] for o in s3["options"]]

    def bad_values(self):
        s1, s2, s3, a, b, c = self.s1, self.s2, self.s3, self.a, self.b, self.c
        return [
            ("option of another slot", {str(s1): [b[0]]}),
            ("slot and option of another meeting", {str(s3): [c[0]]}),
            ("option of another meeting's slot", {str(s1): [c[0]]}),
            ("unknown slot", {"99999": [a[0]]}),
            ("slot key not a number", {"abc": [a[0]]}),
            ("slot key with a sign", {"-%d" % s1: [a[0]]}),
            ("slot key zero", {"0": [a[0]]}),
            ("option not an integer", {str(s1): ["%d" % a[0]]}),
            ("option a fraction", {str(s1): [1.5]}),
            ("option a boolean", {str(s1): [True]}),
            ("option zero", {str(s1): [0]}),
            ("option negative", {str(s1): [-a[0]]}),
            ("unknown option id", {str(s1): [99999]}),
            ("list not a list", {str(s1): a[0]}),
            ("duplicate option", {str(s1): [a[0], a[1], a[0]]}),
            ("duplicate option adjacent", {str(s1): [a[1], a[1]]}),
            ("not an object", [a[0]]),
            ("a string", "%d" % a[0]),
            ("second slot bad", {str(s1): [a[0]], str(s2): [a[0]]}),
        ]

    def test_good_preferences_stored(self):
        body = self.reg(self.mid, visit_preferences={str(self.s1): [self.a[1], self.a[0]],
                                                     str(self.s2): [self.b[0]]})
        got = self.registration(body["id"])
        self.assertEqual(got["visit_preferences"], {str(self.s1): [self.a[1], self.a[0]],
                                                    str(self.s2): [self.b[0]]})
        self.assertEqual(got["site_visits"], [])
        # the participant sees them too
        mine = self.get_registration(body["id"], token=body["manage_token"])
        self.assertEqual(mine.status, 200, mine.body)
        self.assertEqual(mine.body["visit_preferences"], got["visit_preferences"])

    def test_patch_replaces_per_slot_and_empty_list_clears(self):
        body = self.reg(self.mid, visit_preferences={str(self.s1): [self.a[0], self.a[1]],
                                                     str(self.s2): [self.b[1]]})
        path = "/api/v1/registrations/%d" % body["id"]
        r = self.req("PATCH", path, {"visit_preferences": {str(self.s1): [self.a[1]]}},
                     token=body["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.registration(body["id"])["visit_preferences"],
                         {str(self.s1): [self.a[1]], str(self.s2): [self.b[1]]})
        r = self.req("PATCH", path, {"visit_preferences": {str(self.s2): []}},
                     token=body["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.registration(body["id"])["visit_preferences"],
                         {str(self.s1): [self.a[1]]})

    def test_bad_preferences_on_post_422_and_nothing_stored(self):
        before = self.get_meeting(self.mid)["confirmed"]
        for what, prefs in self.bad_values():
            with self.subTest(what=what):
                email = "pref.%s@example.lv" % unique("x")
                r = self.register_raw(self.mid, person(email=email, visit_preferences=prefs))
                self.assertError(r, 422, "invalid_field", field="visit_preferences")
                self.assertNotIn(email, [x["email"] for x in self.listing(self.mid)])
                self.assertEqual(self.get_meeting(self.mid)["confirmed"], before)
                # the e-mail is free: nothing was half-written
                ok = self.register_raw(self.mid, person(email=email))
                self.assertEqual(ok.status, 201, ok.body)
                self.assertEqual(self.cancel(ok.body["id"]).status, 200)

    def test_bad_preferences_on_patch_422_and_nothing_changed(self):
        good = {str(self.s1): [self.a[0]], str(self.s2): [self.b[0], self.b[1]]}
        body = self.reg(self.mid, visit_preferences=good)
        path = "/api/v1/registrations/%d" % body["id"]
        for what, prefs in self.bad_values():
            with self.subTest(what=what):
                r = self.req("PATCH", path, {"visit_preferences": prefs,
                                             "position": "direktore"},
                             token=body["manage_token"])
                self.assertError(r, 422, "invalid_field", field="visit_preferences")
                got = self.registration(body["id"])
                self.assertEqual(got["visit_preferences"], good)
                self.assertEqual(got["position"], body["position"])

    def test_preferences_of_a_waitlisted_registration_wait(self):
        m = self.agenda_meeting(capacity=1)
        slot = self.make_slot(m["id"], [3])
        A = slot["options"][0]["id"]
        r1 = self.reg(m["id"], slot["id"], [A])
        r2 = self.reg(m["id"], slot["id"], [A])
        self.assertEqual(r2["status"], "waitlisted")
        self.assertEqual(self.registration(r2["id"])["visit_preferences"],
                         {str(slot["id"]): [A]})
        a = self.allocate_ok(m["id"], slot["id"])
        self.assertEqual(self.seats(a), {r1["id"]: A})
        self.assertEqual(a["waiting"], [])


# --------------------------------------------------------------------------
# 6: pins
# --------------------------------------------------------------------------

class PinTest(VisitsTestCase):

    def setUp(self):
        super().setUp()
        self.mid, self.slot_id, (self.A, self.B) = self.visit_meeting([2, 3])
        self.r = [self.reg(self.mid, self.slot_id, [self.A, self.B]) for _ in range(4)]

    def test_pin_before_allocation_is_respected(self):
        mid, slot, A, B, r = self.mid, self.slot_id, self.A, self.B, self.r
        p = self.pin(mid, slot, r[3]["id"], A)
        self.assertEqual(p.status, 200, p.body)
        self.assertEqual(p.body["id"], slot)
        self.assertEqual(self.assigned(p.body), [0, 0], "not allocated yet")
        a = self.allocate_ok(mid, slot)
        self.assertEqual(self.seats(a)[r[3]["id"]], A)
        self.assertEqual(self.person_in(a, r[3]["id"])["why"], "pinned")
        self.assertEqual(a["summary"]["pinned"], 1)
        # of r1..r3 one gets A (1), two get B (2 each); the pinned one is not counted
        self.assertEqual(a["summary"]["rank_sum"], 5)
        self.assertEqual(sorted(self.seats(a).values()), [A, A, B, B])
        self.assertEqual(self.places(r[3]["id"])[slot]["option_id"], A)
        # respected by every later allocation
        a2 = self.allocate_ok(mid, slot)
        self.assertEqual(self.seats(a2), self.seats(a))

    def test_pin_to_a_full_option_409_and_nothing_changes(self):
        mid, slot, A, B, r = self.mid, self.slot_id, self.A, self.B, self.r
        self.assertEqual(self.pin(mid, slot, r[3]["id"], A).status, 200)
        a = self.allocate_ok(mid, slot)
        in_b = [rid for rid, o in self.seats(a).items() if o == B]
        self.assertEqual(len(in_b), 2)
        self.assertError(self.pin(mid, slot, in_b[0], A), 409, "in_use")
        after = self.allocation(mid, slot)
        self.assertEqual(self.seats(after), self.seats(a))
        self.assertEqual(self.places(in_b[0])[slot]["option_id"], B)
        # the refused pin was not stored: a new allocation has one pin only
        a3 = self.allocate_ok(mid, slot)
        self.assertEqual(a3["summary"]["pinned"], 1, a3["summary"])
        self.assertNotEqual(self.person_in(a3, in_b[0])["why"], "pinned")

    def test_pin_in_an_allocated_slot_moves_at_once(self):
        mid, slot, A, B, r = self.mid, self.slot_id, self.A, self.B, self.r
        a = self.allocate_ok(mid, slot)
        in_a = sorted(rid for rid, o in self.seats(a).items() if o == A)
        self.assertEqual(len(in_a), 2)
        p = self.pin(mid, slot, in_a[0], B)
        self.assertEqual(p.status, 200, p.body)
        self.assertEqual(self.assigned(p.body), [1, 3])
        self.assertEqual(self.places(in_a[0])[slot]["option_id"], B)
        after = self.allocation(mid, slot)
        self.assertEqual(self.person_in(after, in_a[0])["why"], "pinned")
        self.assertEqual({k: v for k, v in self.seats(after).items() if k != in_a[0]},
                         {k: v for k, v in self.seats(a).items() if k != in_a[0]},
                         "nobody else moves")
        # pinning again to where one already is: fine even when that option is full
        self.assertEqual(self.pin(mid, slot, in_a[0], B).status, 200)
        self.assertEqual(self.assigned(self.slot(mid, slot)), [1, 3])
        # re-allocation respects the pin
        a2 = self.allocate_ok(mid, slot)
        self.assertEqual(self.seats(a2)[in_a[0]], B)
        self.assertEqual(a2["summary"]["pinned"], 1)
        # unpin: the next allocation is free again
        u = self.pin(mid, slot, in_a[0], None)
        self.assertEqual(u.status, 200, u.body)
        a3 = self.allocate_ok(mid, slot)
        self.assertEqual(a3["summary"]["pinned"], 0)
        self.assertEqual(a3["summary"]["rank_sum"], 1 + 1 + 2 + 2)

    def test_waiting_person_cannot_be_pinned_to_a_full_option(self):
        mid, slot = self.mid, self.slot_id
        extra = [self.reg(mid, slot, [self.A]) for _ in range(2)]     # 6 people, 5 seats
        a = self.allocate_ok(mid, slot)
        self.assertEqual(self.waiting_ids(a), [extra[1]["id"]])
        free_b = self.pin(mid, slot, extra[1]["id"], self.B)
        self.assertError(free_b, 409, "in_use")
        # free a seat at B by cancelling someone there, then pin the waiting one
        in_b = [rid for rid, o in self.seats(a).items() if o == self.B]
        self.assertEqual(self.cancel(in_b[0]).status, 200)
        after = self.allocation(mid, slot)
        self.assertEqual(after["waiting"], [], "the freed seat went to the waiting person")
        self.assertEqual(self.seats(after)[extra[1]["id"]], self.B)

    def test_too_many_pins_make_allocation_409_and_keep_the_old_one(self):
        mid, slot, A, r = self.mid, self.slot_id, self.A, self.r
        before = self.allocate_ok(mid, slot)
        other = self.make_slot(mid, [1, 4], starts_at="2015-11-06T13:00",
                               ends_at="2015-11-06T14:00")
        oa = other["options"][0]["id"]
        self.assertEqual(self.pin(mid, other["id"], r[0]["id"], oa).status, 200)
        self.assertEqual(self.pin(mid, other["id"], r[1]["id"], oa).status, 200)
        self.assertError(self.allocate(mid, other["id"]), 409, "in_use")
        self.assertIsNone(self.allocation(mid, other["id"])["allocated_at"])
        self.assertEqual(self.seats(self.allocation(mid, slot)), self.seats(before))

    def test_pins_need_an_organizer(self):
        mid, slot, A, r = self.mid, self.slot_id, self.A, self.r
        body = {"registration_id": r[0]["id"], "option_id": A}
        path = self.slot_path(mid, slot, "/pins")
        self.assertError(self.req("POST", path, body), 401, "unauthorized")
        self.assertError(self.req("POST", path, body, token=r[0]["manage_token"]),
                         403, "forbidden")
        self.assertError(self.req("POST", path, body, token=r[1]["manage_token"]),
                         403, "forbidden")
        a = self.allocate_ok(mid, slot)
        self.assertEqual(a["summary"]["pinned"], 0, "a refused pin was stored")
        self.assertEqual(self.req("POST", path, body, token=self.admin).status, 200)

    def test_bad_pins(self):
        mid, slot, A, r = self.mid, self.slot_id, self.A, self.r
        path = self.slot_path(mid, slot, "/pins")
        other = self.agenda_meeting()
        stranger = self.register(other["id"])
        self.assertError(self.pin(mid, slot, stranger["id"], A), 422, "invalid_field",
                         field="registration_id")
        self.assertError(self.pin(mid, slot, 99999, A), 422, "invalid_field",
                         field="registration_id")
        cancelled = self.register(mid)
        self.assertEqual(self.cancel(cancelled["id"]).status, 200)
        self.assertError(self.pin(mid, slot, cancelled["id"], A), 422, "invalid_field",
                         field="registration_id")
        self.assertError(self.pin(mid, slot, r[0]["id"], 99999), 422, "invalid_field",
                         field="option_id")
        oslot = self.make_slot(mid, [2], starts_at="2015-11-06T13:00",
                               ends_at="2015-11-06T14:00")
        self.assertError(self.pin(mid, slot, r[0]["id"], oslot["options"][0]["id"]),
                         422, "invalid_field", field="option_id")
        self.assertError(self.req("POST", path, {"registration_id": r[0]["id"]},
                                  token=self.org), 422, "missing_field", field="option_id")
        self.assertError(self.req("POST", path, {"registration_id": r[0]["id"],
                                                 "option_id": A, "x": 1}, token=self.org),
                         422, "unknown_field")
        self.assertError(self.req("POST", path, {"registration_id": "1", "option_id": A},
                                  token=self.org), 422, "invalid_field")
        self.assertError(self.pin(mid, 99999, r[0]["id"], A), 404, "not_found")
        self.assertError(self.pin(other["id"], slot, r[0]["id"], A), 404, "not_found")
        self.assertError(self.req("POST", path, raw="{", token=self.org), 400, "bad_json")
        self.assertEqual(self.allocate_ok(mid, slot)["summary"]["pinned"], 0)


# --------------------------------------------------------------------------
# 7: slots
# --------------------------------------------------------------------------

class SlotTest(VisitsTestCase):

    def setUp(self):
        super().setUp()
        self.mid = self.agenda_meeting()["id"]
        self.venue = self.make_venue(unique("Skola "), kind="school")["id"]

    def test_create_with_a_new_item(self):
        body = self.slot_body([self.option_body(self.venue, 18, topic="Talanti",
                                                host="Rita Ābele", min_size=5)],
                              title="Vizītes skolās")
        r = self.post_slot(self.mid, body)
        self.assertEqual(r.status, 201, r.body)
        self.assertJson(r)
        s = r.body
        self.assertEqual((s["title"], s["starts_at"], s["ends_at"]),
                         ("Vizītes skolās", "2015-11-06T09:20", "2015-11-06T11:10"))
        self.assertIsNone(s["allocated_at"])
        self.assertEqual(s["waiting"], 0)
        o = s["options"][0]
        self.assertEqual((o["venue_id"], o["topic"], o["host"], o["capacity"],
                          o["min_size"], o["assigned"], o["free"]),
                         (self.venue, "Talanti", "Rita Ābele", 18, 5, 0, 18))
        item = self.req("GET", self.item_path(self.mid, s["agenda_item_id"]))
        self.assertEqual(item.status, 200, item.body)
        self.assertEqual(item.body["kind"], "site_visit")
        self.assertEqual(self.slot(self.mid, s["id"]), s)
        listed = self.req("GET", self.visits_path(self.mid))
        self.assertEqual(listed.status, 200)
        self.assertEqual(listed.body, {"meeting": self.mid, "slots": [s]})

    def test_create_on_an_existing_item(self):
        it = self.add_item(self.mid, kind="site_visit", starts_at="2015-11-06T09:00",
                           ends_at="2015-11-06T10:00")
        r = self.post_slot(self.mid, {"agenda_item_id": it["id"],
                                      "options": [self.option_body(self.venue, 3)]})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.body["agenda_item_id"], it["id"])
        self.assertEqual(r.body["title"], it["title"])
        # a second slot on the same item
        again = self.post_slot(self.mid, {"agenda_item_id": it["id"],
                                          "options": [self.option_body(self.venue, 3)]})
        self.assertError(again, 409, "in_use")
        self.assertEqual(len(self.req("GET", self.visits_path(self.mid)).body["slots"]), 1)

    def assert_refused(self, body, status=422, code="invalid_field", field=None):
        items_before = len(self.agenda_items(self.mid))
        r = self.post_slot(self.mid, body)
        self.assertError(r, status, code, field=field)
        self.assertEqual(self.req("GET", self.visits_path(self.mid)).body["slots"], [])
        self.assertEqual(len(self.agenda_items(self.mid)), items_before,
                         "a refused slot left an agenda item behind")

    def test_option_validation(self):
        opt = self.option_body
        v = self.venue
        cases = [
            ("unknown venue", [opt(99999, 5)]),
            ("capacity 0", [opt(v, 0)]),
            ("capacity 1001", [opt(v, 1001)]),
            ("capacity a string", [opt(v, "5")]),
            ("min_size above capacity", [opt(v, 5, min_size=6)]),
            ("min_size negative", [opt(v, 5, min_size=-1)]),
            ("topic too long", [opt(v, 5, topic="t" * 301)]),
            ("host too long", [opt(v, 5, host="h" * 201)]),
            ("unknown option key", [opt(v, 5, seats=3)]),
            ("option not an object", [5]),
            ("second option bad", [opt(v, 5), opt(v, 0)]),
            ("too many options", [opt(v, 1) for _ in range(31)]),
            ("no options", []),
        ]
        for what, options in cases:
            with self.subTest(what=what):
                self.assert_refused(self.slot_body(options))

    def test_thirty_options_accepted(self):
        r = self.post_slot(self.mid, self.slot_body([self.option_body(self.venue, 1)
                                                     for _ in range(30)]))
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(len(r.body["options"]), 30)

    def test_missing_options(self):
        body = self.slot_body([])
        del body["options"]
        self.assert_refused(body, code="missing_field", field="options")
        self.assert_refused(self.slot_body("x"), field="options")

    def test_bad_new_item(self):
        opts = [self.option_body(self.venue, 5)]
        self.assert_refused(self.slot_body(opts, starts_at="2015-12-01T10:00",
                                           ends_at="2015-12-01T11:00"))
        body = self.slot_body(opts)
        del body["title"]
        self.assert_refused(body, code="missing_field")
        self.assert_refused(self.slot_body(opts, kind="talk"), code="unknown_field")

    def test_item_of_the_wrong_kind_or_meeting(self):
        opts = [self.option_body(self.venue, 5)]
        talk = self.add_item(self.mid, kind="talk")
        self.assert_refused({"agenda_item_id": talk["id"], "options": opts},
                            field="agenda_item_id")
        other = self.agenda_meeting()
        theirs = self.add_item(other["id"], kind="site_visit")
        self.assert_refused({"agenda_item_id": theirs["id"], "options": opts},
                            field="agenda_item_id")
        self.assert_refused({"agenda_item_id": 99999, "options": opts},
                            field="agenda_item_id")
        self.assert_refused({"agenda_item_id": "x", "options": opts},
                            field="agenda_item_id")
        visit = self.add_item(self.mid, kind="site_visit")
        self.assert_refused({"agenda_item_id": visit["id"], "options": opts,
                             "title": "x"}, code="unknown_field")

    def test_auth(self):
        body = self.slot_body([self.option_body(self.venue, 5)])
        self.assertError(self.req("POST", self.visits_path(self.mid), body), 401,
                         "unauthorized")
        participant = self.register(self.mid)
        self.assertError(self.post_slot(self.mid, body, token=participant["manage_token"]),
                         403, "forbidden")
        self.assertEqual(self.req("GET", self.visits_path(self.mid)).body["slots"], [])
        self.assertEqual(self.post_slot(self.mid, body, token=self.admin).status, 201)

    def test_unknown_meeting_and_slot(self):
        self.assertError(self.req("GET", self.visits_path(99999)), 404, "not_found")
        body = self.slot_body([self.option_body(self.venue, 5)])
        self.assertError(self.post_slot(99999, body), 404, "not_found")
        slot = self.make_slot(self.mid, [2])
        other = self.agenda_meeting()
        self.assertError(self.req("GET", self.slot_path(self.mid, 99999)), 404, "not_found")
        self.assertError(self.req("GET", self.slot_path(other["id"], slot["id"])), 404,
                         "not_found")
        self.assertError(self.allocate(other["id"], slot["id"]), 404, "not_found")
        self.assertError(self.allocate(self.mid, 99999), 404, "not_found")
        self.assertError(self.req("GET", self.slot_path(other["id"], slot["id"],
                                                        "/allocation"), token=self.org),
                         404, "not_found")
        self.assertEqual(self.req("GET", self.visits_path(other["id"])).body,
                         {"meeting": other["id"], "slots": []})

    def test_allocation_endpoints_need_an_organizer(self):
        slot = self.make_slot(self.mid, [2])
        participant = self.register(self.mid)
        for token, status, code in ((None, 401, "unauthorized"),
                                    (participant["manage_token"], 403, "forbidden")):
            with self.subTest(token=bool(token)):
                r = self.req("POST", self.slot_path(self.mid, slot["id"], "/allocate"),
                             token=token)
                self.assertError(r, status, code)
                r = self.req("GET", self.slot_path(self.mid, slot["id"], "/allocation"),
                             token=token)
                self.assertError(r, status, code)
        self.assertIsNone(self.slot(self.mid, slot["id"])["allocated_at"])
        self.assertError(self.allocate(self.mid, slot["id"], dry_run="yes"), 400,
                         "bad_request")
        self.assertError(self.allocate(self.mid, slot["id"], dry_run="2"), 400,
                         "bad_request")
        self.assertIsNone(self.slot(self.mid, slot["id"])["allocated_at"])

    def test_the_slots_agenda_item_cannot_be_deleted(self):
        slot = self.make_slot(self.mid, [2, 2])
        A = slot["options"][0]["id"]
        r1 = self.reg(self.mid, slot["id"], [A])
        self.allocate_ok(self.mid, slot["id"])
        r = self.req("DELETE", self.item_path(self.mid, slot["agenda_item_id"]),
                     token=self.org)
        self.assertError(r, 409, "in_use")
        self.assertEqual(self.slot(self.mid, slot["id"])["agenda_item_id"],
                         slot["agenda_item_id"])
        self.assertEqual(self.places(r1["id"])[slot["id"]]["option_id"], A)
        item = self.req("GET", self.item_path(self.mid, slot["agenda_item_id"]))
        self.assertEqual(item.status, 200, item.body)

    def test_allocating_an_empty_slot(self):
        slot = self.make_slot(self.mid, [2, 2])
        a = self.allocate_ok(self.mid, slot["id"])
        self.assertEqual((a["summary"]["seated"], a["summary"]["waiting"],
                          a["summary"]["rank_sum"]), (0, 0, 0))
        self.assertIsNotNone(self.slot(self.mid, slot["id"])["allocated_at"])


# --------------------------------------------------------------------------
# 8: vehicles
# --------------------------------------------------------------------------

class VehicleTest(VisitsTestCase):

    def test_create_and_list(self):
        mid = self.create_meeting()["id"]
        r = self.req("POST", self.vehicles_path(mid), {"name": "Autobuss 1", "seats": 50},
                     token=self.org)
        self.assertEqual(r.status, 201, r.body)
        self.assertJson(r)
        self.assertEqual((r.body["name"], r.body["seats"]), ("Autobuss 1", 50))
        self.assertIsInstance(r.body["id"], int)
        r2 = self.req("POST", self.vehicles_path(mid), {"name": "Mikroautobuss", "seats": 1},
                      token=self.org)
        self.assertEqual(r2.status, 201, r2.body)
        r3 = self.req("POST", self.vehicles_path(mid), {"name": "Lielais", "seats": 500},
                      token=self.admin)
        self.assertEqual(r3.status, 201, r3.body)
        got = self.req("GET", self.vehicles_path(mid), token=self.org)
        self.assertEqual(got.status, 200, got.body)
        self.assertEqual(got.body, {"meeting": mid, "vehicles": [r.body, r2.body, r3.body]})

    def test_list_is_organizer_only(self):
        mid = self.create_meeting()["id"]
        participant = self.register(mid)
        self.assertError(self.req("GET", self.vehicles_path(mid)), 401, "unauthorized")
        self.assertError(self.req("GET", self.vehicles_path(mid),
                                  token=participant["manage_token"]), 403, "forbidden")
        self.assertError(self.req("POST", self.vehicles_path(mid), {"name": "A", "seats": 5}),
                         401, "unauthorized")
        self.assertError(self.req("POST", self.vehicles_path(mid), {"name": "A", "seats": 5},
                                  token=participant["manage_token"]), 403, "forbidden")
        self.assertEqual(self.req("GET", self.vehicles_path(mid), token=self.org)
                         .body["vehicles"], [])

    def test_duplicate_name_409_per_meeting(self):
        mid = self.create_meeting()["id"]
        other = self.create_meeting()["id"]
        body = {"name": "Autobuss", "seats": 20}
        self.assertEqual(self.req("POST", self.vehicles_path(mid), body,
                                  token=self.org).status, 201)
        self.assertError(self.req("POST", self.vehicles_path(mid), body, token=self.org), 409,
                         "duplicate_name")
        self.assertEqual(self.req("POST", self.vehicles_path(other), body,
                                  token=self.org).status,
                         201, "the name is free in another meeting")
        self.assertEqual(len(self.req("GET", self.vehicles_path(mid), token=self.org)
                             .body["vehicles"]), 1)

    def test_validation(self):
        mid = self.create_meeting()["id"]
        cases = [
            ({"name": "A", "seats": 0}, "invalid_field", "seats"),
            ({"name": "A", "seats": 501}, "invalid_field", "seats"),
            ({"name": "A", "seats": -3}, "invalid_field", "seats"),
            ({"name": "A", "seats": "5"}, "invalid_field", "seats"),
            ({"name": "A", "seats": 2.5}, "invalid_field", "seats"),
            ({"name": "A"}, "missing_field", "seats"),
            ({"seats": 5}, "missing_field", "name"),
            ({"name": "", "seats": 5}, "missing_field", "name"),
            ({"name": "x" * 101, "seats": 5}, "invalid_field", "name"),
            ({"name": "A", "seats": 5, "driver": "Jānis"}, "unknown_field", None),
        ]
        for body, code, field in cases:
            with self.subTest(body=body):
                r = self.req("POST", self.vehicles_path(mid), body, token=self.org)
                self.assertError(r, 422, code, field=field)
        self.assertEqual(self.req("GET", self.vehicles_path(mid), token=self.org)
                         .body["vehicles"], [])
        ok = self.req("POST", self.vehicles_path(mid), {"name": "x" * 100, "seats": 5},
                      token=self.org)
        self.assertEqual(ok.status, 201, ok.body)

    def test_unknown_meeting_404(self):
        self.assertError(self.req("GET", self.vehicles_path(99999), token=self.org), 404,
                         "not_found")
        self.assertError(self.req("POST", self.vehicles_path(99999), {"name": "A", "seats": 5},
                                  token=self.org), 404, "not_found")


# --------------------------------------------------------------------------
# 9: concurrency
# --------------------------------------------------------------------------

def run_threads(n, work, timeout=JOIN_TIMEOUT):
    """Runs work(i) in n threads released together; returns the results
    (an exception object where one raised)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        try:
            barrier.wait(timeout=timeout)
            results[i] = work(i)
        except Exception as exc:          # reported by the caller
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    alive = sum(t.is_alive() for t in threads)
    if alive:
        raise AssertionError("%d of %d threads still running after %.0f s"
                             % (alive, n, timeout))
    return results


class ConcurrencyTest(VisitsTestCase):

    def test_twenty_late_registrations_at_once_into_five_seats(self):
        mid, slot, (A, B) = self.visit_meeting([4, 4], capacity=100)
        early = [self.reg(mid, slot, [A, B]), self.reg(mid, slot, [B, A]),
                 self.reg(mid, slot, [A])]
        self.allocate_ok(mid, slot)
        self.assertEqual(sum(o["free"] for o in self.slot(mid, slot)["options"]), 5)

        def work(i):
            prefs = [[A, B], [B, A], [A], [B], []][i % 5]
            return self.register_raw(mid, person(
                email="rush.%d.%s@example.lv" % (i, unique("r")),
                visit_preferences={str(slot): prefs}))

        results = run_threads(20, work)
        for i, r in enumerate(results):
            self.assertNotIsInstance(r, Exception, "thread %d: %r" % (i, r))
            self.assertEqual(r.status, 201, "thread %d: %r" % (i, r.body))
        new_ids = sorted(r.body["id"] for r in results)

        s = self.slot(mid, slot)
        for o in s["options"]:
            self.assertLessEqual(o["assigned"], o["capacity"], o)
        self.assertEqual(self.assigned(s), [4, 4])
        self.assertEqual(s["waiting"], 15)
        a = self.allocation(mid, slot)
        self.assertEqual(len(self.seats(a)), 8)
        self.assertEqual(len(a["waiting"]), 15)
        everyone = set(self.seats(a)) | set(self.waiting_ids(a))
        self.assertEqual(everyone, {x["id"] for x in early} | set(new_ids))

        positions = {}
        for rid in new_ids:
            mine = self.places(rid)[slot]
            if mine["option_id"] is None:
                positions[rid] = mine["waiting_position"]
            else:
                self.assertIsNone(mine["waiting_position"], mine)
        self.assertEqual(sorted(positions.values()), list(range(1, 16)),
                         "waiting positions must be distinct and contiguous")
        # first come, first served: the seats went to the five earliest of
        # the rush, and the queue follows registration order
        self.assertEqual(sorted(positions), new_ids[5:])
        self.assertEqual([positions[rid] for rid in new_ids[5:]], list(range(1, 16)))
        self.assertEqual(self.waiting_ids(a), new_ids[5:])

    def test_concurrent_cancellations_refill_from_the_waiting_list(self):
        mid, slot, (A, B) = self.visit_meeting([3, 3], capacity=100)
        regs = [self.reg(mid, slot, [[A, B], [B, A]][i % 2]) for i in range(12)]
        a = self.allocate_ok(mid, slot)
        seated = sorted(self.seats(a))
        waiting = self.waiting_ids(a)
        self.assertEqual(len(seated), 6)
        self.assertEqual(len(waiting), 6)
        tokens = {r["id"]: r["manage_token"] for r in regs}
        victims = seated[:4]
        results = run_threads(len(victims),
                              lambda i: self.cancel(victims[i], token=tokens[victims[i]]))
        for r in results:
            self.assertNotIsInstance(r, Exception, r)
            self.assertEqual(r.status, 200, r.body)
        s = self.slot(mid, slot)
        self.assertEqual(self.assigned(s), [3, 3])
        self.assertEqual(s["waiting"], 2)
        after = self.allocation(mid, slot)
        self.assertEqual(len(after["waiting"]), 2)
        for v in victims:
            self.assertIsNone(self.person_in(after, v))
        self.assertEqual(set(self.seats(after)) | set(self.waiting_ids(after)),
                         (set(seated) - set(victims)) | set(waiting))
        left = self.waiting_ids(after)
        self.assertEqual([self.places(rid)[slot]["waiting_position"] for rid in left],
                         [1, 2])

    def test_allocation_racing_registrations_loses_nobody(self):
        mid, slot, (A, B) = self.visit_meeting([5, 5], capacity=100)
        for i in range(6):
            self.reg(mid, slot, [[A, B], [B, A]][i % 2])

        def work(i):
            if i % 4 == 0:
                return self.allocate(mid, slot)
            return self.register_raw(mid, person(
                email="race.%d.%s@example.lv" % (i, unique("r")),
                visit_preferences={str(slot): [A, B]}))

        results = run_threads(12, work)
        for i, r in enumerate(results):
            self.assertNotIsInstance(r, Exception, "thread %d: %r" % (i, r))
            self.assertIn(r.status, (200, 201), "thread %d: %r" % (i, r.body))
        confirmed = {x["id"] for x in self.listing(mid, "?status=confirmed")}
        self.assertEqual(len(confirmed), 15)
        a = self.allocation(mid, slot)
        self.assertEqual(set(self.seats(a)) | set(self.waiting_ids(a)), confirmed,
                         "every confirmed registration has a seat or a waiting place")
        self.assertEqual(len(self.seats(a)), 10)
        self.assertEqual(len(a["waiting"]), 5)
        s = self.slot(mid, slot)
        self.assertEqual(self.assigned(s), [5, 5])


if __name__ == "__main__":
    unittest.main()
