"""Helpers for the agenda, its venues and travel times, shared by the e2e
test modules (test_agenda, test_agenda_page, test_agenda_scripts, test_ics,
test_venues, and through helpers_visits the site-visit and transport tests).

No test classes here: test modules import helpers, never each other."""

from harness import MEETINGS, unique

VENUES = "/api/v1/venues"


def venue_path(vid):
    return "%s/%d" % (VENUES, vid)


def travel_path(a, b):
    return "%s/%d/travel/%d" % (VENUES, a, b)


class AgendaMixin:
    """Agenda, venue and travel-time helpers for a SaietsTestCase (a plain
    class, not a TestCase: mix it in before SaietsTestCase)."""

    def agenda_meeting(self, starts_on="2015-11-05", ends_on="2015-11-06", **kw):
        kw.setdefault("timezone", "Europe/Riga")
        return self.create_meeting(starts_on=starts_on, ends_on=ends_on, **kw)

    def agenda_path(self, mid, rest=""):
        return "%s/%d/agenda%s" % (MEETINGS, mid, rest)

    def item_path(self, mid, item_id):
        return "%s/%d/agenda/%d" % (MEETINGS, mid, item_id)

    def post_venue(self, body, token=None):
        return self.req("POST", VENUES, body,
                        token=self.org if token is None else token)

    def make_venue(self, name=None, **kw):
        body = {"name": name or unique("Zāle ")}
        body.update(kw)
        r = self.post_venue(body)
        self.assertEqual(r.status, 201, "create venue: %r" % (r.body,))
        return r.body

    def get_venue(self, vid):
        r = self.req("GET", venue_path(vid))
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        return r.body

    def list_venues(self):
        r = self.req("GET", VENUES)
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        self.assertIsInstance(r.body.get("venues"), list, r.body)
        return r.body["venues"]

    def travel_of(self, vid):
        """{to: minutes} as GET /venues/{id} shows it."""
        t = self.get_venue(vid).get("travel")
        self.assertIsInstance(t, list)
        out = {}
        for entry in t:
            self.assertNotIn(entry["to"], out, "two travel times to %s" % entry["to"])
            out[entry["to"]] = entry["minutes"]
        return out

    def patch_venue(self, vid, changes, token=None):
        return self.req("PATCH", venue_path(vid), changes,
                        token=self.org if token is None else token)

    def delete_venue(self, vid, token=None):
        return self.req("DELETE", venue_path(vid),
                        token=self.org if token is None else token)

    def set_travel(self, a, b, minutes, token=None):
        return self.req("PUT", travel_path(a, b), {"minutes": minutes},
                        token=self.org if token is None else token)

    def item_body(self, **kw):
        body = {"starts_at": "2015-11-05T10:00", "ends_at": "2015-11-05T11:00",
                "kind": "talk", "title": unique("Referāts ")}
        body.update(kw)
        return body

    def post_item(self, mid, body, token=None):
        return self.req("POST", self.agenda_path(mid), body,
                        token=self.org if token is None else token)

    def add_item(self, mid, **kw):
        r = self.post_item(mid, self.item_body(**kw))
        self.assertEqual(r.status, 201, "create item: %r" % (r.body,))
        self.assertIsInstance(r.body, dict)
        self.assertIsInstance(r.body.get("id"), int, r.body)
        return r.body

    def get_agenda(self, mid):
        r = self.req("GET", self.agenda_path(mid))
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        return r.body

    def agenda_items(self, mid):
        return [it for day in self.get_agenda(mid)["days"] for it in day["items"]]

    def get_problems(self, mid):
        r = self.req("GET", self.agenda_path(mid, "/problems"))
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        self.assertEqual(r.body.get("meeting"), mid, r.body)
        self.assertIsInstance(r.body.get("problems"), list, r.body)
        for p in r.body["problems"]:
            self.assertIsInstance(p.get("code"), str, p)
            self.assertIsInstance(p.get("items"), list, p)
            self.assertIsInstance(p.get("message"), str, p)
            self.assertTrue(p["message"].strip(), p)
        return r.body["problems"]

    def problems_with(self, mid, code):
        return [p for p in self.get_problems(mid) if p["code"] == code]

    def manage_token(self, mid):
        return self.register(mid)["manage_token"]
