"""The web pages as HTTP sees them (the browser tests drive them in chromium):
/, /meetings/{id}, /manage and /static/..., their security headers, the
language (?lang= and its cookie, no mixed languages), escaping of what
organizers type, the registration form's fields (core, custom, plugin,
site-visit ranking), a closed meeting, the static files' hashed names, the
printable host lists in both languages, descriptions' line breaks, the
cultural programme's activities on a meeting's page, the "lost my link" form,
and the size of all the scripts and the stylesheet together."""

import html.parser
import json
import os
import re
import unittest

from harness import SaietsTestCase
from helpers_plugins import PluginMixin, plugin_files, read_plugin_dir
from helpers_visits import VisitsMixin

STATIC_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                           "..", "..", "web", "static"))
CULTURAL_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                             "..", "..", "plugins", "cultural-programme"))

NASTY = '<script>alert(1)</script> & "x"'


class Page(html.parser.HTMLParser):
    """Tags with attributes, visible text, inline <script>/<style> contents."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []
        self.scripts = []
        self.styles = []
        self._in = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in ("script", "style"):
            self._in = (tag, a)
            (self.scripts if tag == "script" else self.styles).append([a, ""])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in:
            (self.scripts if self._in[0] == "script" else self.styles)[-1][1] += data
        else:
            self.text.append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def visible(self):
        return " ".join(" ".join(self.text).split())


class PagesTest(PluginMixin, VisitsMixin, SaietsTestCase):

    def get(self, path, **kw):
        r = self.req("GET", path, **kw)
        self.assertEqual(r.status, 200, "%s: %r" % (path, r.body))
        return r

    def assertPageHeaders(self, r):
        h = r.headers
        self.assertTrue(h["Content-Type"].startswith("text/html"), h["Content-Type"])
        csp = h.get("Content-Security-Policy", "")
        self.assertIn("script-src 'self'", csp)
        self.assertIn("style-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(h.get("X-Content-Type-Options"), "nosniff")
        self.assertEqual(h.get("Referrer-Policy"), "no-referrer")

    def assertNoInlineCode(self, p):
        self.assertEqual(p.styles, [])
        for attrs, body in p.scripts:
            if "src" not in attrs:
                self.assertEqual(attrs.get("type"), "application/json", "inline script: %r" % body)
        for tag, attrs in p.tags:
            self.assertNotIn("style", attrs, "inline style on <%s>" % tag)
            self.assertFalse([k for k in attrs if k.startswith("on")], "handler on <%s>" % tag)

    def page_data(self, p):
        blocks = [body for attrs, body in p.scripts if attrs.get("id") == "page-data"]
        self.assertEqual(len(blocks), 1)
        return json.loads(blocks[0])

    def test_home_lists_open_meetings(self):
        open_m = self.create_meeting(title="Atvērtā sanāksme")
        closed = self.create_meeting(title="Slēgtā sanāksme")
        self.assertEqual(self.patch_meeting(closed["id"], {"status": "closed"}).status, 200)
        r = self.get("/")
        self.assertPageHeaders(r)
        p = Page(r.body)
        self.assertNoInlineCode(p)
        self.assertTrue(p.find("a", href="/meetings/%d" % open_m["id"]))
        self.assertFalse(p.find("a", href="/meetings/%d" % closed["id"]))
        self.assertIn("Sanāksmes, kurām var pieteikties", p.visible())
        self.assertEqual(p.find("html")[0]["lang"], "lv")

    def test_language_switch_and_cookie(self):
        mid = self.create_meeting()["id"]
        path = "/meetings/%d" % mid
        lv = Page(self.get(path).body)
        self.assertTrue(lv.find("a", href=path + "?lang=en", hreflang="en"))
        self.assertIn("Programma", lv.visible())
        r = self.get(path + "?lang=en")
        self.assertIn("lang=en", r.headers.get("Set-Cookie", ""))
        en = Page(r.body)
        self.assertEqual(en.find("html")[0]["lang"], "en")
        self.assertIn("Programme", en.visible())
        self.assertNotIn("Pieteikties", en.visible())  # no Latvian chrome on an English page
        self.assertEqual(self.page_data(en)["lang"], "en")
        self.assertEqual(self.page_data(en)["texts"]["js.error.required"],
                         "This field is required.")
        # the cookie remembers the choice
        again = Page(self.get(path, headers={"Cookie": "x=1; lang=en"}).body)
        self.assertEqual(again.find("html")[0]["lang"], "en")
        back = Page(self.get(path, headers={"Cookie": "lang=eng"}).body)
        self.assertEqual(back.find("html")[0]["lang"], "lv")

    def test_meeting_page_and_form(self):
        mid = self.create_meeting(title="Tīkla sanāksme", fields=[
            {"key": "diet", "type": "choice", "required": True, "label": {"lv": "Ēdiens", "en": "Meal"},
             "options": ["zivs", "gaļa"]},
            {"key": "note", "type": "text", "label": {"lv": "Piezīme"}},
            {"key": "bus", "type": "boolean", "label": {"lv": "Autobuss"}}])["id"]
        self.install(plugin_files("dietary", 'saiets.form.field{key = "allergy", type = "text",'
                                             ' label = {lv = "Alerģijas", en = "Allergies"}}'))
        self.enable(mid, "dietary")
        r = self.get("/meetings/%d" % mid)
        self.assertPageHeaders(r)
        p = Page(r.body)
        self.assertNoInlineCode(p)
        self.assertIn("Tīkla sanāksme", p.visible())
        names = {a.get("name") for t, a in p.tags if t in ("input", "select", "textarea")}
        for n in ("first_name", "last_name", "email", "organisation", "position", "phone",
                  "answers.diet", "answers.note", "answers.bus", "answers.dietary.allergy",
                  "consent"):
            self.assertIn(n, names)
        # every control has a label (or is inside one / a fieldset with a legend)
        for label_for in ("f-first_name", "f-email", "f-organisation", "f-answers.note",
                          "f-answers.dietary.allergy"):
            self.assertTrue(p.find("label", **{"for": label_for}), label_for)
        self.assertTrue(p.find("input", id="f-email", type="email", autocomplete="email"))
        self.assertEqual(len(p.find("input", name="answers.diet", type="radio")), 2)
        self.assertTrue(p.find("fieldset", id="f-answers.diet"))
        scripts = [a["src"] for a in p.find("script") if "src" in a]
        self.assertEqual(len(scripts), 1)
        self.assertRegex(scripts[0], r"^/static/register\.[0-9a-f]{16}\.js$")
        self.assertEqual(self.page_data(p)["meeting"], mid)
        self.assertEqual(self.page_data(p)["confirm_minutes"], 30)  # for the check-email answer
        # "lost my link": its own labelled form, linked from the registration form
        self.assertTrue(p.find("form", id="resend"))
        self.assertTrue(p.find("input", id="f-resend_email", type="email", name="resend_email"))
        self.assertTrue(p.find("label", **{"for": "f-resend_email"}))
        self.assertTrue(p.find("a", href="#lost"))
        self.assertTrue(p.find("h2", id="lost"))

    def test_site_visit_ranking_and_free_seats(self):
        mid, slot, opts = self.visit_meeting([2, 3])
        self.reg(mid, slot, [opts[0]])
        self.allocate_ok(mid, slot)
        p = Page(self.get("/meetings/%d" % mid).body)
        self.assertTrue(p.find("fieldset", **{"data-slot": str(slot)}))
        # two options: two ranks, each a labelled select offering both
        self.assertEqual(len([a for t, a in p.tags if t == "select" and a.get("data-rank")]), 2)
        self.assertTrue(p.find("label", **{"for": "rank-%d-1" % slot}))
        self.assertIn("Brīvas vietas: 1 / 2", p.visible())
        self.assertIn("Brīvas vietas: 3 / 3", p.visible())
        self.assertTrue(p.find("meter", max="2", value="1"))
        self.assertIn("2015. gada 6. novembris", p.visible())
        self.assertIn("09.20", p.visible())

    def test_escaping(self):
        m = self.create_meeting(title=NASTY, city=NASTY)
        mid, day = m["id"], m["starts_on"]
        r = self.req("POST", "/api/v1/meetings/%d/agenda" % mid,
                     {"starts_at": day + "T10:00", "ends_at": day + "T11:00",
                      "kind": "talk", "title": NASTY}, token=self.org)
        self.assertEqual(r.status, 201, r.body)
        body = self.get("/meetings/%d" % mid).body
        self.assertNotIn("<script>alert(1)", body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)
        self.assertIn(NASTY, Page(body).visible())
        self.assertNotIn("<script>alert(1)", self.get("/").body)

    def test_data_block_cannot_close_the_script(self):
        mid = self.create_meeting()["id"]
        p = Page(self.get("/meetings/%d" % mid).body)
        raw = [body for attrs, body in p.scripts if attrs.get("id") == "page-data"][0]
        self.assertNotIn("<", raw)

    def test_closed_meeting_has_no_form(self):
        mid = self.create_meeting()["id"]
        self.assertEqual(self.patch_meeting(mid, {"status": "closed"}).status, 200)
        p = Page(self.get("/meetings/%d" % mid).body)
        self.assertFalse(p.find("form", id="register"))
        self.assertIn("Pieteikšanās šai sanāksmei ir slēgta.", p.visible())
        # those who registered still need their link
        self.assertTrue(p.find("form", id="resend"))

    def test_unknown_meeting_404(self):
        r = self.req("GET", "/meetings/999")
        self.assertEqual(r.status, 404)

    def test_manage_shell(self):
        r = self.get("/manage")
        self.assertPageHeaders(r)
        p = Page(r.body)
        self.assertNoInlineCode(p)
        self.assertTrue(p.find("div", id="manage"))
        self.assertEqual(r.headers.get("Referrer-Policy"), "no-referrer")

    def test_organizer_shell(self):
        r = self.get("/organizer")
        self.assertPageHeaders(r)
        p = Page(r.body)
        self.assertNoInlineCode(p)
        self.assertTrue(p.find("div", id="app"))
        self.assertEqual(len(p.find("h1")), 1)
        self.assertIn("Organizatoriem", p.visible())
        scripts = [a["src"] for a in p.find("script") if "src" in a]
        self.assertEqual(len(scripts), 1)
        self.assertRegex(scripts[0], r"^/static/organizer\.[0-9a-f]{16}\.js$")
        lv = self.page_data(p)["texts"]
        self.assertEqual(lv["js.org.signin_title"], "Pieteikties")
        self.assertEqual(lv["js.org.promote"], "Apstiprināt tagad")
        # English: every organizer text in English, no Latvian chrome
        en_page = Page(self.get("/organizer?lang=en").body)
        self.assertEqual(en_page.find("html")[0]["lang"], "en")
        self.assertIn("For organizers", en_page.visible())
        self.assertNotIn("Organizatoriem", en_page.visible())
        en = self.page_data(en_page)["texts"]
        org_keys = sorted(k for k in lv if k.startswith("js.org."))
        self.assertGreater(len(org_keys), 100)
        self.assertEqual(org_keys, sorted(k for k in en if k.startswith("js.org.")))
        self.assertEqual(en["js.org.signin_title"], "Sign in")
        latvian = re.compile("[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]")
        self.assertEqual([k for k in org_keys if latvian.search(en[k])], [])
        # the script: no markup from text, the token never in storage that outlives the tab
        js = self.get(scripts[0]).body
        self.assertNotIn("innerHTML", js)
        self.assertNotIn("localStorage", js)
        self.assertIn("sessionStorage", js)
        self.assertRegex(js, r"from '/static/common\.[0-9a-f]{16}\.js'")
        # the site's scripts and stylesheet stay small (no framework, no build step)
        css = Page(r.body).find("link", rel="stylesheet")[0]["href"]
        total = sum(len(self.get(u).raw) for u in (scripts[0], css))
        total += len(self.get(re.search(r"from '(/static/common\.[0-9a-f]{16}\.js)'", js).group(1)).raw)
        self.assertLess(total, 80 * 1024)

    def test_static_budget(self):
        """Every page's script and the stylesheet together: under 100 KB, as
        they are (no framework, no build step, no minifier)."""
        total = sum(os.path.getsize(os.path.join(STATIC_DIR, f)) for f in os.listdir(STATIC_DIR)
                    if f.endswith((".js", ".css")))
        self.assertGreater(total, 10 * 1024)
        self.assertLess(total, 100 * 1024)

    def test_static_files(self):
        p = Page(self.get("/meetings/%d" % self.create_meeting()["id"]).body)
        css = p.find("link", rel="stylesheet")[0]["href"]
        js = [a["src"] for a in p.find("script") if "src" in a][0]
        total = 0
        for url in (css, js):
            r = self.get(url)
            self.assertIn("immutable", r.headers.get("Cache-Control", ""))
            self.assertIn("max-age=31536000", r.headers.get("Cache-Control", ""))
            total += len(r.raw)
        self.assertTrue(self.get(css).headers["Content-Type"].startswith("text/css"))
        self.assertTrue(self.get(js).headers["Content-Type"].startswith("text/javascript"))
        # the module's import is rewritten to the hashed name, which is served too
        dep = re.search(r"from '(/static/common\.[0-9a-f]{16}\.js)'", self.get(js).body)
        self.assertIsNotNone(dep)
        total += len(self.get(dep.group(1)).raw)
        self.assertLess(total, 100 * 1024)
        # an old or made-up hash is not served
        self.assertEqual(self.req("GET", re.sub(r"\.[0-9a-f]{16}\.", ".0000000000000000.", css)).status, 404)
        self.assertEqual(self.req("GET", "/static/app.css").status, 404)
        self.assertEqual(self.req("GET", "/static/../db/001_core.sql").status, 404)

    # -- the host lists ------------------------------------------------------------

    def host_lists(self, mid, slot, query="", **kw):
        r = self.req("GET", self.slot_path(mid, slot, "/host-lists?format=html" + query),
                     token=self.org, **kw)
        self.assertEqual(r.status, 200, r.body)
        self.assertPageHeaders(r)
        return r

    def test_host_lists_page_in_both_languages(self):
        m = self.agenda_meeting(fields=[
            {"key": "bus", "type": "boolean", "label": {"lv": "Autobuss", "en": "Bus"}},
            {"key": "arrival", "type": "date", "label": {"lv": "Ierašanās", "en": "Arrival"}}])
        slot = self.make_slot(m["id"], [2])
        sid, oid = slot["id"], slot["options"][0]["id"]
        self.reg(m["id"], sid, [oid], first_name="Ilze", last_name="Bērziņa", phone="+371 29123456",
                 email="ilze.berzina@example.lv", position=NASTY,
                 answers={"bus": True, "arrival": "2015-11-05"})
        self.allocate_ok(m["id"], sid)
        self.assertEqual(self.req("GET", self.slot_path(m["id"], sid, "/host-lists?format=html"))
                         .status, 401)

        lv = self.host_lists(m["id"], sid)
        p = Page(lv.body)
        self.assertNoInlineCode(p)
        self.assertEqual(p.find("html")[0]["lang"], "lv")
        text = p.visible()
        heads = [a for t, a in p.tags if t == "th"]
        self.assertEqual(len(heads), 8)  # #, name, organisation, position, phone, e-mail, 2 answers
        for s in ("Vārds, uzvārds", "Organizācija", "Amats", "Tālrunis", "E-pasts", "Autobuss",
                  "Ierašanās", "+371 29123456", "ilze.berzina@example.lv", "jā",
                  "2015. gada 5. novembris", "2015. gada 6. novembris, 09.20–11.10",
                  "Uzņēmējs: Rita Ābele", "Aizņemtās vietas: 1 / 2", NASTY):
            self.assertIn(s, text)
        for s in ("Host", "seats", "Name", "Organisation", "Position", "Phone", "yes"):
            self.assertNotIn(s, text)
        self.assertNotIn("<script>alert(1)", lv.body)
        self.assertIn("<title>Uzņēmēju saraksti – Saiets</title>", lv.body)

        for en_query, headers in (("&lang=en", {}), ("", {"Cookie": "lang=en"})):
            en = self.host_lists(m["id"], sid, en_query, headers=headers)
            p = Page(en.body)
            self.assertEqual(p.find("html")[0]["lang"], "en")
            self.assertIn("<title>Host lists – Saiets</title>", en.body)
            text = p.visible()
            for s in ("Name", "Organisation", "Position", "Phone", "E-mail", "Bus", "Arrival",
                      "yes", "5 November 2015", "6 November 2015, 09:20–11:10", "Host: Rita Ābele",
                      "Seats taken: 1 / 2"):
                self.assertIn(s, text)
            for s in ("Tālrunis", "Uzņēmējs", "jā", "novembris"):
                self.assertNotIn(s, text)
            self.assertNotIn("Set-Cookie", en.headers)  # an API answer sets no preference

    # -- descriptions and the cultural programme --------------------------------------

    def test_descriptions_keep_their_line_breaks(self):
        m = self.agenda_meeting()
        self.add_item(m["id"], title="Atklāšana", description="Pirmā rinda\nOtrā & <rinda>")
        for path in ("/meetings/%d" % m["id"], "/meetings/%d/agenda" % m["id"]):
            body = self.get(path).body
            # escaped, lines as they are, in an element the stylesheet keeps them in
            self.assertIn('<div class="desc">Pirmā rinda\nOtrā &amp; &lt;rinda&gt;</div>', body, path)
        css = Page(self.get("/meetings/%d" % m["id"]).body).find("link", rel="stylesheet")[0]["href"]
        self.assertRegex(self.get(css).body, r"\.desc\s*\{\s*white-space:\s*pre-line")

    def test_meeting_page_shows_the_cultural_programme(self):
        m = self.agenda_meeting()
        mid = m["id"]
        path = "/meetings/%d" % mid
        self.install(read_plugin_dir(CULTURAL_DIR))
        self.assertNotIn('id="activities"', self.get(path).body)  # installed, not enabled
        self.enable(mid, "cultural-programme")
        r = self.route("POST", mid, "cultural-programme", "/activities", {
            "title_lv": "Daugavpils cietoksnis: " + NASTY, "title_en": "Daugavpils Fortress",
            "kind": "tour", "starts_at": "2015-11-05T15:50", "ends_at": "2015-11-05T16:35",
            "description_lv": "Tikšanās\npie vārtiem", "venue": "Nikolaja vārti", "capacity": 1},
            token=self.org)
        self.assertEqual(r.status, 201, r.body)
        aid = r.body["id"]

        body = self.get(path).body
        self.assertNotIn("<script>alert(1)", body)
        p = Page(body)
        text = p.visible()
        self.assertTrue(p.find("div", **{"data-activity": str(aid)}))
        for s in ("Kultūras programma", "Daugavpils cietoksnis: " + NASTY,
                  "ekskursija, 2015. gada 5. novembris, 15.50–16.35", "Nikolaja vārti",
                  "Brīvas vietas: 1 / 1", "savā pieteikuma lapā"):
            self.assertIn(s, text)
        self.assertIn('<p class="desc">Tikšanās\npie vārtiem</p>', body)
        # read-only: signing up is the manage page's (it needs the token)
        self.assertFalse([a for t, a in p.tags if t == "button" and a.get("data-activity")])

        en_body = self.get(path + "?lang=en").body
        # the section (the programme above has the plugin's agenda item, in the
        # agenda language its settings chose)
        section = en_body[en_body.index('id="activities"'):]
        en = Page(section[:section.index("</section>")]).visible()
        for s in ("Cultural programme", "Daugavpils Fortress", "tour, 5 November 2015, 15:50–16:35",
                  "Free seats: 1 / 1", "registration page"):
            self.assertIn(s, en)
        self.assertNotIn("cietoksnis", en)

        # a sign-up takes the seat: the page (cached per data generation) follows
        reg = self.register(mid)
        r = self.route("POST", mid, "cultural-programme", "/activities/%d/signup" % aid,
                       token=reg["manage_token"])
        self.assertEqual(r.status, 201, r.body)
        text = Page(self.get(path).body).visible()
        self.assertIn("Brīvas vietas: 0 / 1", text)
        self.assertIn("Vietu nav: var pierakstīties gaidīšanas sarakstā.", text)

        # switched off for the meeting: gone from the page
        self.assertEqual(self.req("DELETE", "/api/v1/meetings/%d/plugins/cultural-programme" % mid,
                                  token=self.org).status, 200)
        self.assertNotIn('id="activities"', self.get(path).body)


if __name__ == "__main__":
    unittest.main()
