"""The printable agenda page GET /meetings/{id}/agenda: HTML with the days as
sections, every title, escaping of what organizers type, a print stylesheet."""

import html
import html.parser
import re
import unittest

from harness import SaietsTestCase
from helpers_agenda import AgendaMixin

NASTY = '<script>alert(1)</script> & "x"'


class PageReader(html.parser.HTMLParser):
    """Collects the text of every <section>, every element name, and the
    contents of <style> elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = []
        self.tags = []
        self.styles = []
        self.text = []
        self._in_section = 0
        self._in_style = False
        self._in_script = False
        self.script_text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "section":
            self._in_section += 1
            self.sections.append([])
        elif tag == "style":
            self._in_style = True
            self.styles.append("")
        elif tag == "script":
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "section":
            self._in_section -= 1
        elif tag == "style":
            self._in_style = False
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_style:
            self.styles[-1] += data
            return
        if self._in_script:
            self.script_text.append(data)
        self.text.append(data)
        if self._in_section and self.sections:
            self.sections[-1].append(data)


def read_page(text):
    p = PageReader()
    p.feed(text)
    p.close()
    return p


def squash(s):
    return " ".join(s.split())


class AgendaPageTestCase(AgendaMixin, SaietsTestCase):

    def page(self, mid, status=200):
        r = self.req("GET", "/meetings/%d/agenda" % mid)
        self.assertEqual(r.status, status, r.body if isinstance(r.body, str) else r.body)
        if status == 200:
            self.assertTrue(r.content_type.lower().startswith("text/html"), r.content_type)
            self.assertIn("utf-8", r.content_type.lower())
        return r


class AgendaPageTest(AgendaPageTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.agenda_meeting(title="Izglītības un kultūras tīkla sanāksme")
        self.mid = self.m["id"]
        hall = self.make_venue("Daugavpils domes zāle")
        self.day1 = [
            self.add_item(self.mid, starts_at="2015-11-05T10:00", ends_at="2015-11-05T10:15",
                          kind="opening", title="Atklāšana", venue_id=hall["id"],
                          speakers=[{"name": "Dace Ozoliņa", "role": "koordinatore"}]),
            self.add_item(self.mid, starts_at="2015-11-05T11:00", ends_at="2015-11-05T12:10",
                          kind="lecture", title="Izglītības politikas rezultātu mērīšana"),
        ]
        self.day2 = [
            self.add_item(self.mid, starts_at="2015-11-06T09:20", ends_at="2015-11-06T10:20",
                          kind="site_visit", title="Darbs ar talantīgiem skolēniem",
                          track="A: Krievu licejs"),
            self.add_item(self.mid, starts_at="2015-11-06T09:20", ends_at="2015-11-06T10:20",
                          kind="site_visit", title="Daudzvalodu vide", track="B: Poļu ģimnāzija"),
        ]

    def test_html_200(self):
        r = self.page(self.mid)
        self.assertIn("<html", r.body.lower())

    def test_days_as_sections_with_their_titles(self):
        p = read_page(self.page(self.mid).body)
        self.assertEqual(len(p.sections), 2, "one <section> a day")
        first, second = (squash("".join(s)) for s in p.sections)
        for it in self.day1:
            self.assertIn(it["title"], first)
            self.assertNotIn(it["title"], second)
        for it in self.day2:
            self.assertIn(it["title"], second)
            self.assertNotIn(it["title"], first)
        # in time order within the day
        self.assertLess(first.index("Atklāšana"),
                        first.index("Izglītības politikas rezultātu mērīšana"))

    def test_meeting_title_times_and_venue_shown(self):
        text = squash(" ".join(read_page(self.page(self.mid).body).text))
        self.assertIn("Izglītības un kultūras tīkla sanāksme", text)
        self.assertIn("10.00", text)
        self.assertIn("12.10", text)  # Latvian: 12.10; ?lang=en: 12:10
        self.assertIn("ceturtdiena, 2015. gada 5. novembris", text)
        self.assertIn("(pieredzes vizīte)", text)
        self.assertNotIn("site_visit", text)
        self.assertIn("Daugavpils domes zāle", text)
        self.assertIn("Dace Ozoliņa", text)
        self.assertIn("A: Krievu licejs", text)

    def test_print_stylesheet(self):
        body = self.page(self.mid).body
        p = read_page(body)
        # nothing inline: the Content-Security-Policy allows styles from the server only
        self.assertEqual(p.styles, [])
        m = re.search(r'<link rel="stylesheet" href="(/static/app\.[0-9a-f]{16}\.css)">', body)
        self.assertIsNotNone(m, "no stylesheet link")
        css = self.req("GET", m.group(1))
        self.assertEqual(css.status, 200)
        self.assertIn("@media print", css.body)

    def test_in_english(self):
        r = self.req("GET", "/meetings/%d/agenda?lang=en" % self.mid)
        self.assertEqual(r.status, 200)
        self.assertIn('<html lang="en"', r.body)
        text = squash(" ".join(read_page(r.body).text))
        self.assertIn("Thursday, 5 November 2015", text)
        self.assertIn("12:10", text)
        self.assertIn("(site visit)", text)
        self.assertIn("Times are in the time zone: Europe/Riga", text)
        self.assertNotIn("Laiki", text)

    def test_html_is_escaped(self):
        self.add_item(self.mid, starts_at="2015-11-05T14:00", ends_at="2015-11-05T14:30",
                      title=NASTY, description=NASTY, track=NASTY,
                      speakers=[{"name": NASTY, "role": NASTY}])
        nasty_venue = self.make_venue(NASTY)
        self.add_item(self.mid, starts_at="2015-11-05T15:00", ends_at="2015-11-05T15:30",
                      title="Vieta ar dīvainu nosaukumu", venue_id=nasty_venue["id"])
        body = self.page(self.mid).body
        self.assertNotIn("<script>", body.lower())
        self.assertNotIn("alert(1)</script>", body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &amp; ", body)
        p = read_page(body)
        self.assertNotIn("script", p.tags, "a <script> element got into the page")
        text = " ".join(p.text)
        self.assertIn(NASTY, text, "the title must be shown as text")
        self.assertGreaterEqual(text.count(NASTY), 5)   # title, track, speaker x2, venue...

    def test_meeting_title_escaped(self):
        m = self.agenda_meeting(title=NASTY)
        body = self.page(m["id"]).body
        self.assertNotIn("<script>", body.lower())
        self.assertIn(NASTY, " ".join(read_page(body).text))

    def test_page_follows_changes(self):
        self.page(self.mid)
        r = self.req("PATCH", self.item_path(self.mid, self.day1[0]["id"]),
                     {"title": "Sanāksmes atklāšana"}, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        text = squash(" ".join(read_page(self.page(self.mid).body).text))
        self.assertIn("Sanāksmes atklāšana", text)

    def test_unknown_meeting_404(self):
        r = self.req("GET", "/meetings/999999/agenda")
        self.assertEqual(r.status, 404)

    def test_public(self):
        self.assertEqual(self.req("GET", "/meetings/%d/agenda" % self.mid).status, 200)


class EmptyAndDemoPageTest(AgendaPageTestCase):
    demo = True

    def test_empty_agenda_page(self):
        m = self.agenda_meeting(title="Tukša sanāksme")
        body = self.page(m["id"]).body
        self.assertIn("Tukša sanāksme", html.unescape(body))

    def test_demo_page_has_both_days_and_the_programme(self):
        items = self.agenda_items(1)
        p = read_page(self.page(1).body)
        self.assertEqual(len(p.sections), 2)
        text = squash(" ".join(p.text))
        for it in items:
            self.assertIn(squash(it["title"]), text)
        self.assertIn("Svātra", text)


if __name__ == "__main__":
    unittest.main()
