"""Helpers for site visits (slots, options, preferences, the allocation,
pins, vehicles) shared by the e2e test modules test_site_visits and
test_transport, and an independent exact solver to check allocations with.

No test classes here: test modules import helpers, never each other.

The solver is plain Python: a min-cost max-flow (successive shortest paths
with SPFA) over people -> options -> sink, and, for the municipality spread,
over people -> (municipality, option) -> option -> sink with convex arc
costs."""

import collections

from harness import MEETINGS, unique
from helpers_agenda import AgendaMixin


# --------------------------------------------------------------------------
# an independent exact solver
# --------------------------------------------------------------------------

class MinCostFlow:
    """Successive shortest paths with SPFA (Bellman-Ford with a queue): exact
    for integer costs, negative residual costs included."""

    def __init__(self, n):
        self.n = n
        self.graph = [[] for _ in range(n)]

    def add_edge(self, u, v, cap, cost):
        self.graph[u].append([v, cap, cost, len(self.graph[v])])
        self.graph[v].append([u, 0, -cost, len(self.graph[u]) - 1])

    def run(self, s, t, maxflow):
        flow = cost = 0
        inf = float("inf")
        while flow < maxflow:
            dist = [inf] * self.n
            inq = [False] * self.n
            prev = [None] * self.n
            dist[s] = 0
            q = collections.deque([s])
            while q:
                u = q.popleft()
                inq[u] = False
                for i, e in enumerate(self.graph[u]):
                    v, cap, c = e[0], e[1], e[2]
                    if cap > 0 and dist[u] + c < dist[v]:
                        dist[v] = dist[u] + c
                        prev[v] = (u, i)
                        if not inq[v]:
                            inq[v] = True
                            q.append(v)
            if dist[t] == inf:
                break
            push = maxflow - flow
            v = t
            while v != s:
                u, i = prev[v]
                push = min(push, self.graph[u][i][1])
                v = u
            v = t
            while v != s:
                u, i = prev[v]
                e = self.graph[u][i]
                e[1] -= push
                self.graph[v][e[3]][1] += push
                v = u
            flow += push
            cost += push * dist[t]
        return flow, cost


def person_costs(prefs, option_ids):
    """Cost of each option for one person (the server's rule 3): the 1-based
    rank, len(options) + 1 when unranked, 0 everywhere without preferences."""
    if not prefs:
        return [0] * len(option_ids)
    return [prefs.index(o) + 1 if o in prefs else len(option_ids) + 1
            for o in option_ids]


def exact_min_rank_sum(people_prefs, option_ids, capacities):
    """The minimal rank sum over assignments of every person to an option
    within the capacities (everyone must be placed)."""
    n, k = len(people_prefs), len(option_ids)
    s, t = n + k, n + k + 1
    g = MinCostFlow(n + k + 2)
    for p, prefs in enumerate(people_prefs):
        g.add_edge(s, p, 1, 0)
        for o, c in enumerate(person_costs(prefs, option_ids)):
            g.add_edge(p, n + o, 1, c)
    for o, cap in enumerate(capacities):
        g.add_edge(n + o, t, cap, 0)
    flow, cost = g.run(s, t, n)
    assert flow == n, "the solver could not place everyone (%d of %d)" % (flow, n)
    return cost


def exact_min_rank_then_pairs(people, option_ids, capacities, pinned=()):
    """people: [(prefs, municipality or None)], everyone to be seated;
    pinned: [(option index, municipality or None)] placed already (they use
    seats and count for pairs, not for the rank sum). The lexicographic
    minimum (rank sum, same-municipality pairs), pairs = sum over municipality
    m and option o of C(n_mo, 2). Convex in n_mo, so one unit arc per extra
    member (costing the pairs it adds) makes it an exact min-cost flow."""
    n, k = len(people), len(option_ids)
    pre = collections.Counter((m, o) for o, m in pinned if m is not None)
    seats_left = list(capacities)
    for o, _ in pinned:
        seats_left[o] -= 1
    munis = sorted({m for _, m in people if m is not None})
    size = collections.Counter(m for _, m in people if m is not None)
    mindex = {m: i for i, m in enumerate(munis)}
    big = (n + len(pinned)) ** 2 + 1            # more than any pair count
    base = n + k                                # (municipality, option) nodes follow
    s = base + len(munis) * k
    t = s + 1
    g = MinCostFlow(t + 1)
    for p, (prefs, m) in enumerate(people):
        g.add_edge(s, p, 1, 0)
        for o, c in enumerate(person_costs(prefs, option_ids)):
            dest = n + o if m is None else base + mindex[m] * k + o
            g.add_edge(p, dest, 1, c * big)
    for m in munis:
        for o in range(k):
            for extra in range(size[m]):     # the next member pairs with everyone there
                g.add_edge(base + mindex[m] * k + o, n + o, 1, pre[(m, o)] + extra)
    for o, cap in enumerate(seats_left):
        g.add_edge(n + o, t, cap, 0)
    flow, cost = g.run(s, t, n)
    assert flow == n, "the solver could not place everyone (%d of %d)" % (flow, n)
    pinned_pairs = sum(c * (c - 1) // 2 for c in pre.values())
    return cost // big, cost % big + pinned_pairs


def pairs_of(groups):
    """sum over groups and municipalities of C(count, 2); None is not counted."""
    total = 0
    for members in groups:
        for m, c in collections.Counter(x for x in members if x is not None).items():
            total += c * (c - 1) // 2
    return total


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

class VisitsMixin(AgendaMixin):
    """Site-visit slots, options, preferences, allocations, pins and vehicles,
    on top of AgendaMixin (a plain class, not a TestCase: mix it in before
    SaietsTestCase)."""

    def visits_path(self, mid, rest=""):
        return "%s/%d/site-visits%s" % (MEETINGS, mid, rest)

    def slot_path(self, mid, slot, rest=""):
        return "%s/%d/site-visits/%d%s" % (MEETINGS, mid, slot, rest)

    def vehicles_path(self, mid, rest=""):
        return "%s/%d/vehicles%s" % (MEETINGS, mid, rest)

    def transport_plan_path(self, mid):
        return "%s/%d/transport-plan" % (MEETINGS, mid)

    def option_body(self, venue_id, capacity, **kw):
        body = {"venue_id": venue_id, "topic": unique("Temats "), "host": "Rita Ābele",
                "capacity": capacity}
        body.update(kw)
        return body

    def slot_body(self, options, **kw):
        body = {"starts_at": "2015-11-06T09:20", "ends_at": "2015-11-06T11:10",
                "title": unique("Vizītes skolās "), "options": options}
        body.update(kw)
        return body

    def post_slot(self, mid, body, token=None):
        return self.req("POST", self.visits_path(mid), body,
                        token=self.org if token is None else token)

    def make_slot(self, mid, capacities, **kw):
        """A new slot (and its site_visit item) with one option per capacity,
        each at a venue of its own. Returns the slot."""
        opts = [self.option_body(self.make_venue(unique("Skola "), kind="school")["id"], c)
                for c in capacities]
        r = self.post_slot(mid, self.slot_body(opts, **kw))
        self.assertEqual(r.status, 201, "create slot: %r" % (r.body,))
        self.assertJson(r)
        self.assertEqual([o["capacity"] for o in r.body["options"]], list(capacities))
        return r.body

    def visit_meeting(self, capacities, capacity=60):
        """A meeting (5-6 Nov 2015) with one slot; returns (mid, slot_id, option ids)."""
        m = self.agenda_meeting(capacity=capacity)
        slot = self.make_slot(m["id"], capacities)
        return m["id"], slot["id"], [o["id"] for o in slot["options"]]

    def reg(self, mid, slot=None, prefs=None, **kw):
        """Registers one person; prefs (a list of option ids) for `slot`."""
        if prefs is not None:
            kw["visit_preferences"] = {str(slot): list(prefs)}
        return self.register(mid, **kw)

    def allocate(self, mid, slot, dry_run=None, token=None):
        q = "" if dry_run is None else "?dry_run=%s" % dry_run
        return self.req("POST", self.slot_path(mid, slot, "/allocate" + q),
                        token=self.org if token is None else token)

    def allocate_ok(self, mid, slot, dry_run=None):
        r = self.allocate(mid, slot, dry_run)
        self.assertEqual(r.status, 200, "allocate: %r" % (r.body,))
        self.assertJson(r)
        self.assertIs(r.body.get("dry_run"), dry_run == 1, r.body)
        self.check_allocation_shape(r.body)
        return r.body

    def allocation(self, mid, slot):
        r = self.req("GET", self.slot_path(mid, slot, "/allocation"), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        self.check_allocation_shape(r.body)
        return r.body

    def slot(self, mid, slot):
        r = self.req("GET", self.slot_path(mid, slot))
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        for o in r.body["options"]:
            self.assertEqual(o["free"], o["capacity"] - o["assigned"], o)
            self.assertGreaterEqual(o["free"], 0, o)
        return r.body

    def add_vehicle(self, mid, name, seats):
        r = self.req("POST", self.vehicles_path(mid), {"name": name, "seats": seats},
                     token=self.org)
        self.assertEqual(r.status, 201, r.body)
        return r.body

    def pin(self, mid, slot, reg_id, option_id, token=None):
        return self.req("POST", self.slot_path(mid, slot, "/pins"),
                        {"registration_id": reg_id, "option_id": option_id},
                        token=self.org if token is None else token)

    def places(self, reg_id):
        """The registration's site_visits, by slot id."""
        body = self.registration(reg_id)
        self.assertIsInstance(body.get("site_visits"), list, body)
        return {p["slot_id"]: p for p in body["site_visits"]}

    def check_allocation_shape(self, a):
        """Invariants every allocation answer must keep."""
        self.assertIsInstance(a.get("options"), list, a)
        self.assertIsInstance(a.get("waiting"), list, a)
        summary = a["summary"]
        seated = 0
        for o in a["options"]:
            self.assertEqual(o["assigned"], len(o["people"]), o)
            self.assertLessEqual(o["assigned"], o["capacity"], o)
            seated += o["assigned"]
            for p in o["people"]:
                self.assert_one_liner(p["explanation"], p)
        for p in a["waiting"]:
            self.assert_one_liner(p["explanation"], p)
        self.assertEqual([p["position"] for p in a["waiting"]],
                         list(range(1, len(a["waiting"]) + 1)), a["waiting"])
        self.assertEqual(summary["seated"], seated, summary)
        self.assertEqual(summary["waiting"], len(a["waiting"]), summary)
        self.assertEqual(sum(summary["by_rank"].values()) + summary["unranked"]
                         + summary["no_preferences"] + summary["pinned"],
                         summary["seated"], summary)
        ids = [p["registration_id"] for o in a["options"] for p in o["people"]] + \
              [p["registration_id"] for p in a["waiting"]]
        self.assertEqual(len(ids), len(set(ids)), "someone placed twice: %r" % ids)

    def assert_one_liner(self, text, ctx=None):
        self.assertIsInstance(text, str, ctx)
        self.assertTrue(text.strip(), "empty explanation: %r" % (ctx,))
        self.assertNotIn("\n", text, ctx)
        self.assertNotIn("\r", text, ctx)

    @staticmethod
    def seats(a):
        """registration id -> option id for the seated people of an allocation."""
        return {p["registration_id"]: o["id"] for o in a["options"] for p in o["people"]}

    @staticmethod
    def waiting_ids(a):
        return [p["registration_id"] for p in a["waiting"]]

    @staticmethod
    def person_in(a, reg_id):
        for o in a["options"]:
            for p in o["people"]:
                if p["registration_id"] == reg_id:
                    return p
        for p in a["waiting"]:
            if p["registration_id"] == reg_id:
                return p
        return None

    @staticmethod
    def assigned(slot_json):
        return [o["assigned"] for o in slot_json["options"]]
