"""Seats, the waitlist, cancellation and promotion."""

import unittest

from harness import SaietsTestCase


class WaitlistTestCase(SaietsTestCase):

    def fill(self, capacity, count):
        """A meeting with `capacity` seats and `count` registrations, made one
        after another; returns (meeting, [registrations in order])."""
        m = self.create_meeting(capacity=capacity)
        regs = [self.register(m["id"], first_name="Dalībnieks%d" % i)
                for i in range(count)]
        return m, regs

    def state(self, reg):
        """(status, waitlist_position or None) as the organizer now sees it."""
        got = self.registration(reg["id"])
        return got["status"], got.get("waitlist_position")

    def states(self, regs):
        return [self.state(r) for r in regs]

    def counts(self, m):
        got = self.get_meeting(m["id"])
        return got["confirmed"], got["waitlisted"], got["seats_left"]


class SeatsTest(WaitlistTestCase):

    def test_capacity_two_four_registrations(self):
        m, regs = self.fill(2, 4)
        answers = [(r["status"], r.get("waitlist_position")) for r in regs]
        self.assertEqual(answers, [("confirmed", None), ("confirmed", None),
                                   ("waitlisted", 1), ("waitlisted", 2)])

    def test_state_read_back_matches_answers(self):
        m, regs = self.fill(2, 4)
        self.assertEqual(self.states(regs), [("confirmed", None), ("confirmed", None),
                                             ("waitlisted", 1), ("waitlisted", 2)])

    def test_counts_when_full(self):
        m, regs = self.fill(2, 4)
        self.assertEqual(self.counts(m), (2, 2, 0))

    def test_waitlisted_participant_sees_own_position(self):
        m, regs = self.fill(2, 4)
        r = self.get_registration(regs[3]["id"], token=regs[3]["manage_token"])
        self.assertEqual((r.body["status"], r.body["waitlist_position"]),
                         ("waitlisted", 2))

    def test_listing_filters_by_status(self):
        m, regs = self.fill(2, 4)
        waiting = self.listing(m["id"], "?status=waitlisted")
        self.assertEqual(sorted(r["id"] for r in waiting), [regs[2]["id"], regs[3]["id"]])
        self.assertEqual(sorted(r["waitlist_position"] for r in waiting), [1, 2])
        confirmed = self.listing(m["id"], "?status=confirmed")
        self.assertEqual(sorted(r["id"] for r in confirmed),
                         [regs[0]["id"], regs[1]["id"]])
        self.assertEqual(self.listing(m["id"], "?status=cancelled"), [])


class CancelTest(WaitlistTestCase):

    def test_cancel_confirmed_promotes_first_waitlisted(self):
        m, regs = self.fill(2, 4)
        r = self.cancel(regs[0]["id"], token=regs[0]["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.states(regs), [("cancelled", None), ("confirmed", None),
                                             ("confirmed", None), ("waitlisted", 1)])

    def test_counts_after_promotion(self):
        m, regs = self.fill(2, 4)
        self.cancel(regs[1]["id"], token=regs[1]["manage_token"])
        self.assertEqual(self.counts(m), (2, 1, 0))

    def test_second_cancel_409(self):
        m, regs = self.fill(2, 4)
        self.assertEqual(self.cancel(regs[0]["id"], token=regs[0]["manage_token"]).status,
                         200)
        r = self.cancel(regs[0]["id"], token=regs[0]["manage_token"])
        self.assertError(r, 409, "already_cancelled")

    def test_second_cancel_promotes_nobody_else(self):
        m, regs = self.fill(2, 4)
        self.cancel(regs[0]["id"], token=regs[0]["manage_token"])
        self.cancel(regs[0]["id"], token=self.org)
        self.assertEqual(self.states(regs)[3], ("waitlisted", 1))
        self.assertEqual(self.counts(m), (2, 1, 0))

    def test_cancel_waitlisted_moves_later_ones_up(self):
        m, regs = self.fill(2, 5)
        self.cancel(regs[3]["id"], token=regs[3]["manage_token"])
        self.assertEqual(self.states(regs), [("confirmed", None), ("confirmed", None),
                                             ("waitlisted", 1), ("cancelled", None),
                                             ("waitlisted", 2)])
        self.assertEqual(self.counts(m), (2, 2, 0))

    def test_organizer_cancel_promotes_too(self):
        m, regs = self.fill(1, 3)
        self.assertEqual(self.cancel(regs[0]["id"], token=self.org).status, 200)
        self.assertEqual(self.states(regs), [("cancelled", None), ("confirmed", None),
                                             ("waitlisted", 1)])

    def test_new_registration_after_cancel_joins_end_of_queue(self):
        m, regs = self.fill(2, 4)
        self.cancel(regs[0]["id"], token=regs[0]["manage_token"])
        late = self.register(m["id"])
        self.assertEqual((late["status"], late["waitlist_position"]), ("waitlisted", 2))

    def test_cancel_with_free_seats_changes_only_counts(self):
        m, regs = self.fill(5, 2)
        self.cancel(regs[0]["id"], token=regs[0]["manage_token"])
        self.assertEqual(self.counts(m), (1, 0, 4))

    def test_seat_freed_without_waitlist_goes_to_next_registrant(self):
        m, regs = self.fill(1, 1)
        self.cancel(regs[0]["id"], token=regs[0]["manage_token"])
        self.assertEqual(self.register(m["id"])["status"], "confirmed")

    def test_chain_of_cancellations_keeps_queue_contiguous(self):
        m, regs = self.fill(2, 7)
        for i in (0, 2, 4):
            self.cancel(regs[i]["id"], token=regs[i]["manage_token"])
        # 0 cancelled -> 2 promoted; 2 cancelled -> 3 promoted; 4 was waiting
        self.assertEqual(self.states(regs), [
            ("cancelled", None), ("confirmed", None), ("cancelled", None),
            ("confirmed", None), ("cancelled", None), ("waitlisted", 1),
            ("waitlisted", 2)])


class CapacityChangeTest(WaitlistTestCase):

    def test_raising_capacity_promotes_in_order(self):
        m, regs = self.fill(2, 5)
        r = self.patch_meeting(m["id"], {"capacity": 3})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.body["confirmed"], r.body["waitlisted"], r.body["seats_left"]),
                         (3, 2, 0))
        self.assertEqual(self.states(regs)[2:], [("confirmed", None), ("waitlisted", 1),
                                                 ("waitlisted", 2)])

    def test_raising_capacity_past_queue_confirms_everyone(self):
        m, regs = self.fill(2, 4)
        r = self.patch_meeting(m["id"], {"capacity": 10})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual([s for s, _ in self.states(regs)], ["confirmed"] * 4)
        self.assertEqual(self.counts(m), (4, 0, 6))

    def test_lowering_below_confirmed_409(self):
        m, regs = self.fill(3, 3)
        r = self.patch_meeting(m["id"], {"capacity": 2})
        self.assertError(r, 409, "capacity_below_confirmed")
        self.assertEqual(self.get_meeting(m["id"])["capacity"], 3)

    def test_lowering_to_confirmed_count_allowed(self):
        m, regs = self.fill(5, 3)
        r = self.patch_meeting(m["id"], {"capacity": 3})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.counts(m), (3, 0, 0))
        self.assertEqual(self.register(m["id"])["status"], "waitlisted")

    def test_refused_lowering_keeps_other_changes_out(self):
        m, regs = self.fill(3, 3)
        self.patch_meeting(m["id"], {"capacity": 1, "title": "Mainīts"})
        self.assertEqual(self.get_meeting(m["id"])["title"], m["title"])


class PromoteTest(WaitlistTestCase):
    """POST /api/v1/registrations/{id}/promote: an organizer moves someone
    from the waiting list ahead of the queue."""

    def promote(self, reg_id, token=None):
        return self.req("POST", "/api/v1/registrations/%d/promote" % reg_id,
                        token=self.org if token is None else token)

    def test_promote_from_full_meeting_grows_capacity(self):
        m, regs = self.fill(2, 5)
        r = self.promote(regs[4]["id"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.body["status"], r.body["capacity_grew"], r.body["meeting_capacity"]),
                         ("confirmed", True, 3))
        self.assertNotIn("waitlist_position", r.body)
        self.assertNotIn("manage_token", r.body)
        self.assertEqual(self.states(regs)[2:], [("waitlisted", 1), ("waitlisted", 2),
                                                 ("confirmed", None)])
        self.assertEqual(self.counts(m), (3, 2, 0))
        self.assertEqual(self.get_meeting(m["id"])["capacity"], 3)

    def test_audit_says_capacity_grew(self):
        m, regs = self.fill(1, 3)
        self.assertEqual(self.promote(regs[2]["id"]).status, 200)
        entries = self.req("GET", "/api/v1/audit", token=self.admin).body["entries"]
        e = [x for x in entries if x["action"] == "registration.promote"]
        self.assertEqual(len(e), 1)
        self.assertEqual(e[0]["object"], "registration:%d" % regs[2]["id"])
        self.assertEqual(e[0]["detail"], {"waitlist_position": 2, "capacity_grew": True,
                                          "capacity": 2})

    def test_freed_seat_still_goes_to_head_of_queue(self):
        m, regs = self.fill(1, 4)
        self.promote(regs[3]["id"])
        self.cancel(regs[0]["id"], token=self.org)
        self.assertEqual(self.states(regs), [("cancelled", None), ("confirmed", None),
                                             ("waitlisted", 1), ("confirmed", None)])

    def test_not_waitlisted_409(self):
        m, regs = self.fill(1, 3)
        self.assertError(self.promote(regs[0]["id"]), 409, "not_waitlisted")
        self.cancel(regs[2]["id"], token=self.org)
        self.assertError(self.promote(regs[2]["id"]), 409, "not_waitlisted")
        self.assertEqual(self.counts(m), (1, 1, 0))
        self.assertEqual(self.get_meeting(m["id"])["capacity"], 1)

    def test_unknown_registration_404(self):
        self.assertError(self.promote(999999), 404, "not_found")

    def test_only_organizers(self):
        m, regs = self.fill(1, 2)
        self.assertError(self.req("POST", "/api/v1/registrations/%d/promote" % regs[1]["id"]),
                         401, "unauthorized")
        self.assertError(self.promote(regs[1]["id"], token=regs[1]["manage_token"]),
                         403, "forbidden")
        self.assertEqual(self.state(regs[1]), ("waitlisted", 1))
        self.assertEqual(self.req("GET", "/api/v1/registrations/%d/promote" % regs[1]["id"],
                                  token=self.org).status, 405)


if __name__ == "__main__":
    unittest.main()
