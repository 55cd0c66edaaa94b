"""The organizer's registration listing: Latvian order, filters, CSV export."""

import csv
import io
import random
import unittest

from harness import CSV_HEADER, SaietsTestCase, person

# in Latvian (ICU lv) order; byte order would put Āboliņa, Čakste, Šmits and
# Žagata after all the plain-letter names
LATVIAN_ORDER = ["Abele", "Āboliņa", "Bērziņš", "Cālis", "Čakste", "Siliņa",
                 "Šmits", "Zariņš", "Žagata"]


BOM = b"\xef\xbb\xbf"


def parse_csv(text):
    # every CSV answer starts with a BOM, for spreadsheets (CsvTest checks it)
    if text.startswith("\ufeff"):
        text = text[1:]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


class ListingTestCase(SaietsTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.create_meeting(capacity=100)
        self.mid = self.m["id"]

    def csv_listing(self, query=""):
        sep = "&" if query else "?"
        r = self.req("GET", "/api/v1/meetings/%d/registrations%s%sformat=csv"
                     % (self.mid, query, sep), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        return r

    def csv_rows(self, query=""):
        """[{column: cell}] of the CSV export."""
        header, rows = parse_csv(self.csv_listing(query).body)
        return [dict(zip(header, row)) for row in rows]


class HostListCsvTest(SaietsTestCase):
    """The hosts' lists as CSV (the demo's site visits) start with the BOM too."""

    demo = True

    def test_host_lists_csv_starts_with_one_bom(self):
        r = self.req("GET", "/api/v1/meetings/1/site-visits/1/host-lists?format=csv",
                     token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.content_type.startswith("text/csv"), r.content_type)
        self.assertTrue(r.raw.startswith(BOM), r.raw[:40])
        self.assertEqual(r.raw.count(BOM), 1)
        header, _ = parse_csv(r.body)
        self.assertEqual(header[0], "option")


class LatvianOrderTest(ListingTestCase):

    def setUp(self):
        super().setUp()
        names = list(LATVIAN_ORDER)
        random.Random(5112015).shuffle(names)
        if names == LATVIAN_ORDER:
            names.reverse()
        for name in names:
            self.register(self.mid, first_name="Jānis", last_name=name)

    def last_names(self):
        return [r["last_name"] for r in self.listing(self.mid)]

    def test_json_in_latvian_order(self):
        self.assertEqual(self.last_names(), LATVIAN_ORDER)

    def test_c_before_c_caron(self):
        names = self.last_names()
        self.assertLess(names.index("Cālis"), names.index("Čakste"))
        self.assertLess(names.index("Čakste"), names.index("Siliņa"))

    def test_s_before_s_caron(self):
        names = self.last_names()
        self.assertLess(names.index("Siliņa"), names.index("Šmits"))
        self.assertLess(names.index("Šmits"), names.index("Zariņš"))

    def test_z_before_z_caron(self):
        names = self.last_names()
        self.assertLess(names.index("Zariņš"), names.index("Žagata"))

    def test_long_a_sorted_with_a_not_by_bytes(self):
        names = self.last_names()
        self.assertLess(names.index("Abele"), names.index("Āboliņa"))
        self.assertLess(names.index("Āboliņa"), names.index("Bērziņš"))

    def test_csv_in_latvian_order(self):
        self.assertEqual([r["last_name"] for r in self.csv_rows()], LATVIAN_ORDER)


class TieBreakTest(ListingTestCase):

    def test_same_last_name_by_first_name_then_id(self):
        z = self.register(self.mid, first_name="Žanete", last_name="Ozola")
        a1 = self.register(self.mid, first_name="Anna", last_name="Ozola")
        s = self.register(self.mid, first_name="Zane", last_name="Ozola")
        a2 = self.register(self.mid, first_name="Anna", last_name="Ozola")
        ids = [r["id"] for r in self.listing(self.mid)]
        self.assertEqual(ids, [a1["id"], a2["id"], s["id"], z["id"]])

    def test_case_does_not_split_groups(self):
        regs = [self.register(self.mid, last_name=n)
                for n in ("bērziņa", "Ābele", "Cīrule", "ābols")]
        names = [r["last_name"] for r in self.listing(self.mid)]
        self.assertEqual(names, ["Ābele", "ābols", "bērziņa", "Cīrule"])
        self.assertEqual(len(regs), 4)


class FilterTest(ListingTestCase):

    def test_status_filter(self):
        m = self.create_meeting(capacity=1)
        first = self.register(m["id"])
        second = self.register(m["id"])
        third = self.register(m["id"])
        self.cancel(third["id"])
        path = "/api/v1/meetings/%d/registrations?status=" % m["id"]
        for status, expected in (("confirmed", first), ("waitlisted", second),
                                 ("cancelled", third)):
            with self.subTest(status=status):
                r = self.req("GET", path + status, token=self.org)
                self.assertEqual(r.status, 200, r.body)
                self.assertEqual([x["id"] for x in r.body["registrations"]],
                                 [expected["id"]])

    def test_unfiltered_includes_cancelled(self):
        reg = self.register(self.mid)
        self.cancel(reg["id"])
        self.assertEqual([r["status"] for r in self.listing(self.mid)], ["cancelled"])

    def test_unknown_status_filter_400(self):
        r = self.req("GET", "/api/v1/meetings/%d/registrations?status=maybe" % self.mid,
                     token=self.org)
        self.assertError(r, 400, "bad_request")

    def test_unknown_format_400(self):
        r = self.req("GET", "/api/v1/meetings/%d/registrations?format=xlsx" % self.mid,
                     token=self.org)
        self.assertError(r, 400, "bad_request")

    def test_empty_listing(self):
        self.assertEqual(self.listing(self.mid), [])


class CsvTest(ListingTestCase):

    def test_content_type(self):
        self.register(self.mid)
        ctype = self.csv_listing().headers.get("Content-Type", "")
        self.assertEqual(ctype.replace(" ", "").lower(), "text/csv;charset=utf-8")

    def test_header(self):
        self.register(self.mid)
        header, _ = parse_csv(self.csv_listing().body)
        self.assertEqual(header[:len(CSV_HEADER)], CSV_HEADER)

    def test_header_line_text(self):
        text = self.csv_listing().body.lstrip("\ufeff")
        self.assertTrue(text.startswith(",".join(CSV_HEADER)), text[:200])

    def test_starts_with_one_utf8_bom(self):
        # without it Excel reads the file in the legacy code page: Ķēniņš
        # comes out as KÄ“niÅ†Å¡
        self.register(self.mid, last_name="Ķēniņš")
        raw = self.csv_listing().raw
        self.assertTrue(raw.startswith(BOM + b"id,first_name,"), raw[:40])
        self.assertEqual(raw.count(BOM), 1)

    def test_empty_meeting_has_header_only(self):
        header, rows = parse_csv(self.csv_listing().body)
        self.assertEqual(header[:len(CSV_HEADER)], CSV_HEADER)
        self.assertEqual(rows, [])

    def test_rows_match_json_listing(self):
        m = self.create_meeting(capacity=1)
        self.mid = m["id"]
        self.register(self.mid, last_name="Kalniņa", phone="29123456")
        self.register(self.mid, last_name="Ozoliņš")
        json_rows = self.listing(self.mid)
        csv_rows = self.csv_rows()
        self.assertEqual(len(csv_rows), len(json_rows))
        for j, c in zip(json_rows, csv_rows):
            with self.subTest(id=j["id"]):
                self.assertEqual(c["id"], str(j["id"]))
                for key in ("first_name", "last_name", "email", "organisation",
                            "position", "status", "created_at"):
                    self.assertEqual(c[key], j[key] or "", key)
                self.assertEqual(c["phone"], j.get("phone") or "")
                wp = j.get("waitlist_position")
                self.assertEqual(c["waitlist_position"], "" if wp is None else str(wp))

    def test_latvian_text_is_utf8(self):
        self.register(self.mid, first_name="Ģirts", last_name="Ķēniņš",
                      organisation="Daugavpils Dizaina un mākslas vidusskola „Saules skola”")
        r = self.csv_listing()
        self.assertIn("Ķēniņš".encode("utf-8"), r.raw)
        row = self.csv_rows()[0]
        self.assertEqual(row["organisation"],
                         "Daugavpils Dizaina un mākslas vidusskola „Saules skola”")

    def test_quotes_and_commas_round_trip(self):
        org = 'Biedrība "Svātra", folkloras grupa; Daugavpils'
        self.register(self.mid, organisation=org, position='vadītāja, "galvenā"')
        row = self.csv_rows()[0]
        self.assertEqual(row["organisation"], org)
        self.assertEqual(row["position"], 'vadītāja, "galvenā"')

    def test_status_filter_applies(self):
        m = self.create_meeting(capacity=1)
        self.mid = m["id"]
        self.register(self.mid)
        w = self.register(self.mid)
        rows = self.csv_rows("?status=waitlisted")
        self.assertEqual([r["id"] for r in rows], [str(w["id"])])
        self.assertEqual(rows[0]["waitlist_position"], "1")

    def test_custom_field_columns(self):
        form = [
            {"key": "diet", "label": {"en": "Diet"}, "type": "choice",
             "options": ["any", "vegan"]},
            {"key": "note", "label": {"lv": "Piezīmes"}, "type": "text"},
        ]
        m = self.create_meeting(fields=form)
        self.mid = m["id"]
        self.register(self.mid, answers={"diet": "vegan", "note": "bez glutēna"})
        self.register(self.mid, answers={})
        header, rows = parse_csv(self.csv_listing().body)
        self.assertEqual(header, CSV_HEADER + ["answers.diet", "answers.note"])
        by_diet = sorted((r[10], r[11]) for r in rows)
        self.assertEqual(by_diet, [("", ""), ("vegan", "bez glutēna")])


PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class ExportHeadersTest(SaietsTestCase):
    """What names people is never stored by a browser or proxy (no-store);
    every HTML answer carries the page security headers."""

    demo = True

    def assertNotStored(self, r):
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store", r.headers)
        self.assertIsNone(r.headers.get("ETag"))

    def assertPageHeaders(self, r):
        self.assertTrue(r.content_type.startswith("text/html"), r.content_type)
        self.assertEqual(r.headers.get("Content-Security-Policy"), PAGE_CSP)
        self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff")
        self.assertEqual(r.headers.get("Referrer-Policy"), "no-referrer")
        self.assertEqual(r.headers.get("X-Frame-Options"), "DENY")

    def test_registration_csv_not_stored(self):
        r = self.req("GET", "/api/v1/meetings/1/registrations?format=csv", token=self.org)
        self.assertNotStored(r)
        self.assertTrue(r.content_type.startswith("text/csv"), r.content_type)
        self.assertGreater(len(parse_csv(r.body)[1]), 0, "the demo has registrations")

    def test_registration_json_list_not_stored(self):
        r = self.req("GET", "/api/v1/meetings/1/registrations", token=self.org)
        self.assertNotStored(r)
        self.assertGreater(len(r.body["registrations"]), 0)

    def test_host_lists_not_stored_in_any_format(self):
        for fmt in ("csv", "json", "html"):
            with self.subTest(format=fmt):
                r = self.req("GET", "/api/v1/meetings/1/site-visits/1/host-lists?format=%s"
                             % fmt, token=self.org)
                self.assertNotStored(r)
                if fmt == "html":
                    self.assertPageHeaders(r)

    def test_registration_calendar_not_stored(self):
        reg = self.register(self.create_meeting()["id"])
        r = self.req("GET", "/api/v1/registrations/%d/agenda.ics" % reg["id"],
                     token=reg["manage_token"])
        self.assertNotStored(r)
        self.assertTrue(r.content_type.startswith("text/calendar"), r.content_type)
        # and nothing answers 304 to a tag from before
        r = self.req("GET", "/api/v1/registrations/%d/agenda.ics" % reg["id"],
                     token=reg["manage_token"], headers={"If-None-Match": "*"})
        self.assertEqual(r.status, 200)

    def test_pages_carry_security_headers(self):
        for path in ("/", "/meetings/1", "/meetings/1/agenda", "/manage", "/organizer",
                     "/admin"):
            with self.subTest(path=path):
                r = self.req("GET", path)
                self.assertEqual(r.status, 200, path)
                self.assertPageHeaders(r)
                # a page without names may be kept, but only revalidated
                self.assertEqual(r.headers.get("Cache-Control"), "no-cache")


class FormulaNeutralisationTest(ListingTestCase):
    """A cell starting with =, +, -, @, tab or CR gets a leading apostrophe."""

    def cell(self, column, value, **extra):
        reg = self.register(self.mid, **dict({column: value}, **extra))
        rows = [r for r in self.csv_rows() if r["id"] == str(reg["id"])]
        self.assertEqual(len(rows), 1)
        return rows[0][column]

    def test_equals_in_first_name(self):
        value = "=cmd|' /C calc'!A0"
        self.assertEqual(self.cell("first_name", value), "'" + value)

    def test_plus_in_organisation(self):
        self.assertEqual(self.cell("organisation", "+1"), "'+1")

    def test_minus_in_organisation(self):
        self.assertEqual(self.cell("organisation", "-2"), "'-2")

    def test_at_in_organisation(self):
        self.assertEqual(self.cell("organisation", "@x"), "'@x")

    def test_formula_in_last_name_and_position(self):
        self.assertEqual(self.cell("last_name", "=HYPERLINK(\"http://x\",\"y\")"),
                         "'=HYPERLINK(\"http://x\",\"y\")")
        self.assertEqual(self.cell("position", "@SUM(A1:A9)"), "'@SUM(A1:A9)")

    def test_phone_with_plus(self):
        self.assertEqual(self.cell("phone", "+371 29123456"), "'+371 29123456")

    def test_tab_and_carriage_return_if_accepted(self):
        for value in ("\tx", "\rx"):
            with self.subTest(value=repr(value)):
                r = self.register_raw(self.mid, person(position=value))
                if r.status == 422:
                    continue        # refusing control characters is fine too
                self.assertEqual(r.status, 201, r.body)
                stored = r.body["position"] or ""
                rows = [x for x in self.csv_rows() if x["id"] == str(r.body["id"])]
                if stored[:1] in ("\t", "\r"):
                    self.assertEqual(rows[0]["position"], "'" + stored)
                else:
                    # the server normalised the value (e.g. trimmed it): the
                    # CSV shows what was stored
                    self.assertEqual(rows[0]["position"], stored)

    def test_formula_in_custom_answer(self):
        m = self.create_meeting(fields=[{"key": "note", "label": {"en": "Note"},
                                         "type": "text"}])
        self.mid = m["id"]
        reg = self.register(self.mid, answers={"note": "=1+1"})
        rows = [r for r in self.csv_rows() if r["id"] == str(reg["id"])]
        self.assertEqual(rows[0]["answers.note"], "'=1+1")

    def test_json_keeps_original_value(self):
        value = "=cmd|' /C calc'!A0"
        reg = self.register(self.mid, first_name=value)
        self.assertEqual(self.registration(reg["id"])["first_name"], value)
        self.assertEqual([r["first_name"] for r in self.listing(self.mid)], [value])

    def test_semicolon_cell_safe_for_latvian_excel(self):
        # Excel with the Latvian list separator splits at ; (and knows no
        # quote in the middle of what it takes for a cell): the part after
        # the ; must not start a formula either
        org = "Skola; =HYPERLINK(\"http://x\",\"y\")"
        reg = self.register(self.mid, organisation=org)
        r = self.csv_listing()
        self.assertIn(b'"Skola;\' =HYPERLINK(""http://x"",""y"")"', r.raw)
        rows = [x for x in self.csv_rows() if x["id"] == str(reg["id"])]
        self.assertEqual(rows[0]["organisation"], "Skola;' =HYPERLINK(\"http://x\",\"y\")")
        for line in r.body.lstrip("\ufeff").splitlines()[1:]:
            for cell in line.split(";"):
                self.assertNotIn(cell.strip()[:1], ("=", "+", "-", "@"), line)

    def test_formula_after_leading_space(self):
        # a no-break space survives the trimming of names; a spreadsheet may
        # still trim it and run the formula
        value = "\u00a0=1+2"
        self.assertEqual(self.cell("first_name", value), "'" + value)

    def test_harmless_cells_untouched(self):
        self.assertEqual(self.cell("organisation", "Daugavpils 1-2"), "Daugavpils 1-2")


if __name__ == "__main__":
    unittest.main()
