"""Plugins as an admin, an organizer and a participant see them: installing
(a folder with the CLI, a .tar.gz through the API), who may, the listing,
per-meeting settings, the municipality-quota plugin end to end (refusals,
cancelling, its list column in JSON and CSV), switching a plugin off and on
per meeting and for the whole server, upgrades with migrations, removal and
reinstall, a plugin's own routes (auth, fail, params, errors), a restart,
and upgrading a plugin while registrations keep coming."""

import csv
import io
import json
import threading
import time
import unittest

from harness import MEETINGS, SaietsTestCase, person, run_cli
from helpers_plugins import (ADMIN_PLUGINS, QUOTA, QUOTA_DIR, PluginMixin, cli_install,
                             plugin_files, plugin_path, read_plugin_dir, start_with_plugins,
                             targz, with_version, write_plugin_dir)

ORG_A = "Rēzeknes novada pašvaldība"
ORG_B = "Ludzas novada pašvaldība"

# A plugin with its own table, routes of every kind of auth, hooks and a
# list column.
SHELF_LUA = r'''
saiets.route("GET", "/items", function(req)
  local rows = saiets.db.rows("SELECT id, name, who FROM p_shelf_items ORDER BY id")
  return {status = 200, body = {items = rows, greeting = saiets.settings().greeting}}
end, {auth = "public"})

saiets.route("POST", "/items", function(req)
  local reg = req.registration
  local r = saiets.db.exec("INSERT INTO p_shelf_items (name, who) VALUES (?, ?)",
                           req.body.name, reg.id)
  return {status = 201, body = {id = r.last_id, who = reg.id, role = req.role,
                                status = reg.status}}
end, {auth = "participant"})

saiets.route("GET", "/report", function(req)
  local row = saiets.db.one("SELECT count(*) AS n FROM p_shelf_items")
  return {status = 200, body = {items = row.n, role = req.role}}
end, {auth = "organizer"})

saiets.route("GET", "/secret", function(req)
  return {status = 200, body = {role = req.role}}
end, {auth = "admin"})

saiets.route("POST", "/seats", function(req)
  return saiets.fail(409, "full", "no seats left in " .. req.meeting_id)
end, {auth = "public"})

saiets.route("GET", "/echo/:a/:b", function(req)
  return {status = 200, body = {params = req.params, query = req.query, method = req.method,
                                path = req.path, meeting_id = req.meeting_id,
                                role = req.role, lang = req.lang}}
end, {auth = "public"})

saiets.route("GET", "/boom", function(req)
  error("boom on purpose")
end, {auth = "public"})

saiets.route("POST", "/boom", function(req)
  saiets.db.exec("INSERT INTO p_shelf_items (name, who) VALUES ('half-written', 0)")
  error("failed after a write")
end, {auth = "public"})

saiets.route("POST", "/spin", function(req)
  while true do end
end, {auth = "public"})

saiets.route("GET", "/spin", function(req)
  while true do end
end, {auth = "public"})

saiets.on("registration.confirmed", function(ev)
  saiets.db.exec("INSERT INTO p_shelf_log (registration_id, event) VALUES (?, ?)",
                 ev.registration.id, ev.event)
end)

saiets.route("GET", "/log", function(req)
  return {status = 200, body = {log = saiets.db.rows(
    "SELECT registration_id, event FROM p_shelf_log ORDER BY id")}}
end, {auth = "organizer"})

saiets.on("export.columns", function(ev)
  local values = saiets.json.object()
  for _, reg in ipairs(ev.registrations) do
    local row = saiets.db.one("SELECT count(*) AS n FROM p_shelf_items WHERE who = ?", reg.id)
    values[tostring(reg.id)] = row.n
  end
  return {{key = "items", title = "Items", values = values}}
end)
'''

SHELF_SQL = """
CREATE TABLE p_shelf_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, who INTEGER NOT NULL);
CREATE TABLE p_shelf_log (id INTEGER PRIMARY KEY, registration_id INTEGER, event TEXT);
"""

SHELF_SETTINGS = {
    "greeting": {"type": "string", "default": "Sveiki", "max_length": 40,
                 "title": {"lv": "Sveiciens", "en": "Greeting"}},
    "shelves": {"type": "integer", "default": 2, "min": 1, "max": 9,
                "title": {"lv": "Plaukti", "en": "Shelves"}},
}


def shelf(version="1.0.0"):
    return plugin_files("shelf", SHELF_LUA, version=version,
                        migrations={"001_init.sql": SHELF_SQL},
                        reads=["registrations"], settings=SHELF_SETTINGS, license="MIT")


# The upgrade plugin "xs" (a name has 2 characters at least): v1 creates
# p_xs_items, v2 adds a column.
X_V1_LUA = r'''
saiets.route("POST", "/items", function(req)
  saiets.db.exec("INSERT INTO p_xs_items (name) VALUES (?)", req.body.name)
  return {status = 201, body = {}}
end, {auth = "organizer"})
saiets.route("GET", "/items", function(req)
  return {status = 200, body = {version = 1,
    items = saiets.db.rows("SELECT id, name FROM p_xs_items ORDER BY id")}}
end, {auth = "public"})
'''

X_V2_LUA = r'''
saiets.route("POST", "/items", function(req)
  saiets.db.exec("INSERT INTO p_xs_items (name, colour) VALUES (?, ?)", req.body.name,
                 req.body.colour)
  return {status = 201, body = {}}
end, {auth = "organizer"})
saiets.route("GET", "/items", function(req)
  return {status = 200, body = {version = 2,
    items = saiets.db.rows("SELECT id, name, colour FROM p_xs_items ORDER BY id")}}
end, {auth = "public"})
'''

X_001 = "CREATE TABLE p_xs_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
X_002 = "ALTER TABLE p_xs_items ADD COLUMN colour TEXT NOT NULL DEFAULT 'pelēks';\n"


def x_v1(version="1.0.0"):
    return plugin_files("xs", X_V1_LUA, version=version, migrations={"001_items.sql": X_001})


def x_v2(version="2.0.0"):
    return plugin_files("xs", X_V2_LUA, version=version,
                        migrations={"001_items.sql": X_001, "002_colour.sql": X_002})


def quota_files():
    return read_plugin_dir(QUOTA_DIR)


def csv_rows(text):
    if not text.startswith("\ufeff"):   # every CSV answer starts with a BOM
        raise AssertionError("no UTF-8 BOM before the CSV: %r" % text[:40])
    return list(csv.reader(io.StringIO(text[1:])))


class PluginTestCase(PluginMixin, SaietsTestCase):

    def regs_path(self, mid):
        return "%s/%d/registrations" % (MEETINGS, mid)

    def listing_body(self, mid, query=""):
        r = self.req("GET", self.regs_path(mid) + query, token=self.org)
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def stored_count(self, mid):
        return len(self.listing(mid))


# --------------------------------------------------------------------------
# installing, who may, listing
# --------------------------------------------------------------------------

class InstallTest(PluginTestCase):

    def test_install_targz_through_the_api(self):
        files = quota_files()
        body = self.install(files)
        self.assertEqual(body["name"], QUOTA)
        self.assertEqual(body["version"], json.loads(files["manifest.json"])["version"])
        self.assertEqual(body["change"], "installed")
        self.assertTrue(body["enabled"])
        self.assertRegex(body["sha256"], r"^[0-9a-f]{64}$")
        self.assertEqual(body["reads"], ["registrations"])
        self.assertEqual(self.plugin_names(), [QUOTA])

    def test_install_from_a_top_folder_in_the_archive(self):
        body = self.install_top(quota_files())
        self.assertEqual(body["name"], QUOTA)

    def install_top(self, files):
        r = self.post_package(targz(files, top=QUOTA))
        self.assertEqual(r.status, 201, r.body)
        return r.body

    def test_same_package_hashes_alike_whichever_way(self):
        a = self.install(quota_files())
        self.assertEqual(self.remove(QUOTA).status, 200)
        b = self.install_top(quota_files())
        self.assertEqual(a["sha256"], b["sha256"])

    def test_organizer_may_not_install(self):
        r = self.post_package(targz(quota_files()), token=self.org)
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.plugin_names(), [])

    def test_no_token_may_not_install(self):
        r = self.req("POST", ADMIN_PLUGINS, raw=targz(quota_files()),
                     headers={"Content-Type": "application/gzip"})
        self.assertError(r, 401, "unauthorized")
        self.assertEqual(self.plugin_names(), [])

    def test_admin_endpoints_need_an_admin(self):
        self.install(quota_files())
        paths = [("GET", ADMIN_PLUGINS), ("GET", ADMIN_PLUGINS + "/" + QUOTA),
                 ("POST", ADMIN_PLUGINS + "/" + QUOTA + "/disable"),
                 ("POST", ADMIN_PLUGINS + "/" + QUOTA + "/enable"),
                 ("DELETE", ADMIN_PLUGINS + "/" + QUOTA)]
        for method, path in paths:
            with self.subTest(method=method, path=path):
                self.assertError(self.req(method, path), 401, "unauthorized")
                self.assertError(self.req(method, path, token=self.org), 403, "forbidden")
        # nothing changed
        shown = self.admin_plugin(QUOTA).body
        self.assertTrue(shown["enabled"])

    def test_json_body_is_refused(self):
        r = self.req("POST", ADMIN_PLUGINS, {"package": "x"}, token=self.admin)
        self.assertError(r, 400, "bad_request")
        self.assertEqual(self.plugin_names(), [])

    def test_list_and_show(self):
        self.install(quota_files())
        self.install(shelf())
        listed = self.admin_plugins()
        self.assertEqual([p["name"] for p in listed], [QUOTA, "shelf"])
        r = self.admin_plugin("shelf")
        self.assertEqual(r.status, 200, r.body)
        p = r.body
        self.assertEqual(p["version"], "1.0.0")
        self.assertRegex(p["sha256"], r"^[0-9a-f]{64}$")
        self.assertEqual(p["reads"], ["registrations"])
        self.assertEqual(p["settings"]["greeting"]["default"], "Sveiki")
        self.assertEqual(p["settings"]["shelves"]["max"], 9)
        self.assertEqual(p["title"], {"lv": "Spraudnis shelf", "en": "Plugin shelf"})
        self.assertEqual(p["meetings"], [])
        self.assertEqual(listed[1]["sha256"], p["sha256"])
        self.assertNotEqual(listed[0]["sha256"], p["sha256"])

    def test_show_unknown_plugin_404(self):
        self.assertError(self.admin_plugin("nope"), 404, "not_found")
        self.assertError(self.admin_plugin("Not..A..Name"), 404, "not_found")

    def test_show_lists_the_meetings(self):
        self.install(quota_files())
        mid = self.create_meeting()["id"]
        self.enable(mid, QUOTA, {"max_per_organisation": 4})
        p = self.admin_plugin(QUOTA).body
        self.assertEqual(len(p["meetings"]), 1, p)
        self.assertEqual(p["meetings"][0]["meeting_id"], mid)
        self.assertTrue(p["meetings"][0]["enabled"])

    def test_empty_plugin_lua(self):
        """A plugin.lua of zero bytes is a plugin that does nothing."""
        body = self.install(plugin_files("empty", ""))
        self.assertEqual(body["change"], "installed")
        mid = self.create_meeting()["id"]
        self.enable(mid, "empty")
        self.register(mid)
        self.assertHealthy()
        self.assertEqual(self.plugin_names(), ["empty"])

    def test_bad_code_refused_and_nothing_installed(self):
        r = self.post_package(targz(plugin_files("broken", "local x = (\n")))
        self.assertError(r, 422, "invalid_plugin")
        self.assertIn("plugin.lua", r.body["error"]["message"])
        self.assertEqual(self.plugin_names(), [])

    def test_bad_manifest_refused(self):
        files = plugin_files("badver", "", version="one")
        self.assertError(self.post_package(targz(files)), 422, "invalid_plugin")
        self.assertEqual(self.plugin_names(), [])

    def test_unknown_file_refused(self):
        files = plugin_files("typo", "")
        files["migration/001_x.sql"] = "CREATE TABLE p_typo_x (a);"
        r = self.post_package(targz(files))
        self.assertError(r, 422, "invalid_plugin")
        self.assertIn("migration/001_x.sql", r.body["error"]["message"])
        self.assertEqual(self.plugin_names(), [])

    def test_overlapping_names_refused(self):
        self.install(plugin_files("ab", "-- nothing yet\n"))
        r = self.post_package(targz(plugin_files("ab-c", "-- nothing yet\n")))
        self.assertError(r, 422, "invalid_plugin")
        self.assertEqual(self.plugin_names(), ["ab"])


class CliInstallTest(PluginTestCase):
    start_server_per_test = False

    def test_install_from_a_folder_before_the_server_starts(self):
        self.server = start_with_plugins(self, [QUOTA_DIR])
        self.assertEqual(self.plugin_names(), [QUOTA])
        mid = self.create_meeting()["id"]
        self.enable(mid, QUOTA, {"max_per_organisation": 1})
        self.register(mid, organisation=ORG_A)
        r = self.register_raw(mid, person(organisation=ORG_A))
        self.assertError(r, 422, "plugin_refused", field="organisation")

    def test_cli_folder_and_api_package_hash_alike(self):
        self.server = start_with_plugins(self, [QUOTA_DIR])
        cli_sha = self.admin_plugin(QUOTA).body["sha256"]
        self.assertEqual(self.remove(QUOTA).status, 200)
        api_sha = self.install(quota_files())["sha256"]
        self.assertEqual(cli_sha, api_sha)

    def test_cli_install_list_show_disable_remove(self):
        self.server = start_with_plugins(self, [])
        self.server.stop()
        d = write_plugin_dir(shelf(), self.scratch(), "shelf")
        r = cli_install(self.server, d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"installed"', r.stdout)
        r = cli_install(self.server, d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"unchanged"', r.stdout)
        listed = run_cli(["plugin", "list", "--db", self.server.db])
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn('"shelf"', listed.stdout)
        shown = run_cli(["plugin", "show", "shelf", "--db", self.server.db])
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn('"sha256"', shown.stdout)
        off = run_cli(["plugin", "disable", "shelf", "--db", self.server.db])
        self.assertEqual(off.returncode, 0, off.stderr)
        self.server.start()
        self.assertFalse(self.admin_plugin("shelf").body["enabled"])
        self.server.stop()
        gone = run_cli(["plugin", "remove", "shelf", "--db", self.server.db])
        self.assertEqual(gone.returncode, 0, gone.stderr)
        again = run_cli(["plugin", "show", "shelf", "--db", self.server.db])
        self.assertNotEqual(again.returncode, 0)
        self.server.start()
        self.assertEqual(self.plugin_names(), [])

    def test_cli_refuses_a_bad_plugin(self):
        self.server = start_with_plugins(self, [])
        self.server.stop()
        d = write_plugin_dir(plugin_files("broken", "while true do end"), self.scratch(),
                             "broken")
        r = cli_install(self.server, d)
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(r.stderr.strip())
        self.server.start()
        self.assertEqual(self.plugin_names(), [])

    def test_cli_change_reaches_the_server_at_its_next_start(self):
        self.server = start_with_plugins(self, [])
        r = cli_install(self.server, QUOTA_DIR)
        self.assertEqual(r.returncode, 0, r.stderr)
        mid = self.create_meeting()["id"]
        # the admin endpoints read the database, so the organizer can enable
        # it; the running code set is the old one until a restart
        self.enable(mid, QUOTA, {"max_per_organisation": 1})
        self.register(mid, organisation=ORG_A)
        self.register(mid, organisation=ORG_A)
        self.server.stop()
        self.server.start()
        r = self.register_raw(mid, person(organisation=ORG_A))
        self.assertError(r, 422, "plugin_refused", field="organisation")


# --------------------------------------------------------------------------
# per-meeting settings
# --------------------------------------------------------------------------

class MeetingSettingsTest(PluginTestCase):

    def setUp(self):
        super().setUp()
        self.install(shelf())
        self.mid = self.create_meeting()["id"]

    def test_defaults_filled(self):
        body = self.enable(self.mid, "shelf", {})
        self.assertEqual(body["settings"], {"greeting": "Sveiki", "shelves": 2})
        self.assertTrue(body["enabled"])
        listed = self.meeting_plugins(self.mid)
        self.assertEqual(listed["shelf"]["settings"], {"greeting": "Sveiki", "shelves": 2})
        self.assertEqual(listed["shelf"]["version"], "1.0.0")

    def test_given_value_kept_rest_defaulted(self):
        body = self.enable(self.mid, "shelf", {"shelves": 7})
        self.assertEqual(body["settings"], {"greeting": "Sveiki", "shelves": 7})
        r = self.route("GET", self.mid, "shelf", "/items")
        self.assertEqual(r.body["greeting"], "Sveiki")
        self.enable(self.mid, "shelf", {"greeting": "Labdien"})
        r = self.route("GET", self.mid, "shelf", "/items")
        self.assertEqual(r.body["greeting"], "Labdien")

    def test_settings_null_means_defaults(self):
        r = self.put_plugin(self.mid, "shelf", body={"settings": None})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["settings"], {"greeting": "Sveiki", "shelves": 2})

    def test_invalid_values(self):
        for key, value in (("shelves", 0), ("shelves", 10), ("shelves", "3"), ("shelves", 2.5),
                           ("greeting", 5), ("greeting", "x" * 41)):
            with self.subTest(key=key, value=value):
                r = self.put_plugin(self.mid, "shelf", {key: value})
                self.assertError(r, 422, "invalid_field", field="settings." + key)
        self.assertEqual(self.meeting_plugins(self.mid), {})

    def test_unknown_key(self):
        r = self.put_plugin(self.mid, "shelf", {"colour": "red"})
        self.assertError(r, 422, "unknown_field", field="settings.colour")

    def test_unknown_top_level_key(self):
        r = self.put_plugin(self.mid, "shelf", body={"settings": {}, "enabled": True})
        self.assertError(r, 422, "unknown_field")

    def test_settings_not_an_object(self):
        r = self.put_plugin(self.mid, "shelf", body={"settings": [1]})
        self.assertError(r, 422, "invalid_field", field="settings")

    def test_plugin_not_installed(self):
        self.assertError(self.put_plugin(self.mid, "nope"), 404, "not_found")
        self.assertError(self.req("GET", plugin_path(self.mid, "nope"), token=self.org),
                         404, "not_found")

    def test_meeting_not_found(self):
        self.assertError(self.put_plugin(999, "shelf"), 404, "not_found")

    def test_organizer_only(self):
        self.assertError(self.put_plugin(self.mid, "shelf", token=""), 401, "unauthorized")
        r = self.req("PUT", plugin_path(self.mid, "shelf"), {"settings": {}})
        self.assertError(r, 401, "unauthorized")
        r = self.req("GET", plugin_path(self.mid, "").rstrip("/"))
        self.assertError(r, 401, "unauthorized")
        reg = self.register(self.mid)
        r = self.req("PUT", plugin_path(self.mid, "shelf"), {"settings": {}},
                     token=reg["manage_token"])
        self.assertEqual(r.status, 403, r.body)

    def test_show_one(self):
        self.enable(self.mid, "shelf", {"shelves": 3})
        r = self.req("GET", plugin_path(self.mid, "shelf"), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["settings"]["shelves"], 3)
        self.assertEqual(r.body["failures"], 0)
        self.assertIsNone(r.body["disabled_reason"])


# --------------------------------------------------------------------------
# registration fields a plugin adds (saiets.form.field)
# --------------------------------------------------------------------------

DIET_LUA = r'''
local DIET = saiets.form.field{key = "diet", type = "choice", required = true,
  label = {lv = "Ēdiens", en = "Meal"}, options = {"zivs", "gaļa", "veģetārs"}}
local NOTE = saiets.form.field{key = "note", type = "text", max_length = 20,
  label = {lv = "Piezīme virtuvei", en = "A note for the kitchen"}}

-- The hook sees the answers under the keys form.field gave.
saiets.on("registration.validate", function(ev)
  local a = ev.registration.answers
  if a[DIET] == "gaļa" and a[NOTE] == "veģetārietis" then
    return saiets.refuse(NOTE, "gaļa veģetārietim?")
  end
end)

-- What was stored, read back through the registrations view.
saiets.route("GET", "/diets", function(req)
  return {status = 200, body = {key = DIET, rows = saiets.db.rows(
    "SELECT id, json_extract(answers, '$.\"dietary.diet\"') AS diet" ..
    " FROM saiets_registrations ORDER BY id")}}
end, {auth = "organizer"})
'''

DIET_V2_LUA = r'''
saiets.form.field{key = "diet", type = "choice",
  label = {lv = "Ēdiens", en = "Meal"}, options = {"zivs", "gaļa", "veģetārs", "vegāns"}}
'''


def dietary(lua=DIET_LUA, version="1.0.0"):
    return plugin_files("dietary", lua, version=version, reads=["registrations"])


class FormFieldTest(PluginTestCase):

    def setUp(self):
        super().setUp()
        self.installed = self.install(dietary())
        self.mid = self.create_meeting(fields=[
            {"key": "diet", "type": "text", "label": {"lv": "Cits"}}])["id"]

    def register_answers(self, answers):
        return self.register_raw(self.mid, person(answers=answers))

    def test_install_lists_the_fields(self):
        keys = [f["key"] for f in self.installed["fields"]]
        self.assertEqual(keys, ["dietary.diet", "dietary.note"])
        self.assertEqual(self.installed["fields"][0]["plugin"], "dietary")
        self.assertEqual(self.installed["fields"][0]["options"], ["zivs", "gaļa", "veģetārs"])

    def test_not_in_the_form_until_enabled(self):
        m = self.get_meeting(self.mid)
        self.assertEqual(m["plugin_fields"], [])
        self.assertEqual([f["key"] for f in m["fields"]], ["diet"])
        r = self.register_answers({"dietary.diet": "zivs"})
        self.assertError(r, 422, "unknown_field", field="answers.dietary.diet")
        self.register(self.mid, answers={"diet": "bez glutēna"})

    def test_enabled_fields_are_shown_checked_and_stored(self):
        self.enable(self.mid, "dietary")
        m = self.get_meeting(self.mid)
        self.assertEqual([f["key"] for f in m["plugin_fields"]],
                         ["dietary.diet", "dietary.note"])
        self.assertEqual(m["plugin_fields"][1]["label"]["en"], "A note for the kitchen")
        self.assertEqual([f["key"] for f in m["fields"]], ["diet"])

        self.assertError(self.register_answers({}), 422, "missing_field",
                         field="answers.dietary.diet")
        self.assertError(self.register_answers({"dietary.diet": "pica"}), 422,
                         "invalid_field", field="answers.dietary.diet")
        self.assertError(self.register_answers({"dietary.diet": "zivs",
                                                "dietary.note": "x" * 21}),
                         422, "invalid_field", field="answers.dietary.note")
        r = self.register_answers({"dietary.diet": "gaļa", "dietary.note": "veģetārietis"})
        self.assertError(r, 422, "plugin_refused", field="dietary.note")
        self.assertEqual(self.stored_count(self.mid), 0)

        reg = self.register(self.mid, answers={"diet": "cits", "dietary.diet": "zivs"})
        self.assertEqual(reg["answers"], {"diet": "cits", "dietary.diet": "zivs"})
        r = self.route("GET", self.mid, "dietary", "/diets", token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"key": "dietary.diet",
                                  "rows": [{"id": reg["id"], "diet": "zivs"}]})

        # A change of answers is checked against the same form.
        r = self.req("PATCH", "/api/v1/registrations/%d" % reg["id"],
                     {"answers": {"dietary.diet": "veģetārs"}}, token=reg["manage_token"])
        self.assertEqual(r.status, 200, r.body)
        r = self.req("PATCH", "/api/v1/registrations/%d" % reg["id"],
                     {"answers": {"diet": "x"}}, token=reg["manage_token"])
        self.assertError(r, 422, "missing_field", field="answers.dietary.diet")

        r = self.req("GET", self.regs_path(self.mid) + "?format=csv", token=self.org)
        rows = csv_rows(r.body)
        col = rows[0].index("answers.dietary.diet")
        self.assertEqual(rows[1][col], "veģetārs")

    def test_meeting_fields_edited_apart_from_the_plugins(self):
        self.enable(self.mid, "dietary")
        m = self.get_meeting(self.mid)
        r = self.patch_meeting(self.mid, {"plugin_fields": []})
        self.assertError(r, 422, "forbidden_field", field="plugin_fields")
        r = self.patch_meeting(self.mid, {"fields": m["fields"] + [
            {"key": "room", "type": "boolean", "label": {"lv": "Viesnīca"}}]})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual([f["key"] for f in r.body["fields"]], ["diet", "room"])
        self.assertEqual(len(r.body["plugin_fields"]), 2)
        # A meeting's own key cannot take a plugin's name.
        r = self.patch_meeting(self.mid, {"fields": [
            {"key": "dietary.diet", "type": "text", "label": {"lv": "x"}}]})
        self.assertError(r, 422, "invalid_field", field="fields[0].key")

    def test_disabled_fields_go_answers_stay(self):
        self.enable(self.mid, "dietary")
        reg = self.register(self.mid, answers={"dietary.diet": "zivs"})
        r = self.req("DELETE", plugin_path(self.mid, "dietary"), token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.get_meeting(self.mid)["plugin_fields"], [])
        self.register(self.mid)  # no longer required
        self.assertEqual(self.registration(reg["id"])["answers"], {"dietary.diet": "zivs"})
        # Switched off for the whole server: the same.
        self.enable(self.mid, "dietary")
        self.assertEqual(len(self.get_meeting(self.mid)["plugin_fields"]), 2)
        self.assertEqual(self.switch("dietary", False).status, 200)
        self.assertEqual(self.get_meeting(self.mid)["plugin_fields"], [])
        self.assertEqual(self.switch("dietary", True).status, 200)
        self.assertEqual(len(self.get_meeting(self.mid)["plugin_fields"]), 2)

    def test_upgrade_changes_the_fields(self):
        self.enable(self.mid, "dietary")
        body = self.install(dietary(DIET_V2_LUA, "1.1.0"), expect=200)
        self.assertEqual([f["key"] for f in body["fields"]], ["dietary.diet"])
        m = self.get_meeting(self.mid)
        self.assertEqual(len(m["plugin_fields"]), 1)
        self.assertFalse(m["plugin_fields"][0]["required"])
        self.register(self.mid, answers={"dietary.diet": "vegāns"})
        r = self.register_answers({"dietary.note": "x"})
        self.assertError(r, 422, "unknown_field", field="answers.dietary.note")
        self.assertEqual(self.remove("dietary").status, 200)
        self.assertEqual(self.get_meeting(self.mid)["plugin_fields"], [])

    def test_bad_declarations_refused_at_install(self):
        cases = (
            ('saiets.form.field{key = "Diet", type = "text", label = {en = "x"}}',
             "saiets.form.field.key"),
            ('saiets.form.field{key = "d", type = "choice", label = {en = "x"}}',
             "saiets.form.field.options"),
            ('saiets.form.field{key = "d", type = "text", label = {en = "x"}, secret = 1}',
             "saiets.form.field.secret"),
        )
        for lua, want in cases:
            with self.subTest(lua=lua):
                r = self.post_package(targz(plugin_files("badform", lua)))
                self.assertError(r, 422, "invalid_plugin")
                self.assertIn(want, r.body["error"]["message"])
                self.assertIn("badform/plugin.lua:1", r.body["error"]["message"])
        self.assertNotIn("badform", self.plugin_names())


# --------------------------------------------------------------------------
# municipality-quota end to end
# --------------------------------------------------------------------------

class QuotaTest(PluginTestCase):

    def setUp(self):
        super().setUp()
        self.install(quota_files())
        self.mid = self.create_meeting(capacity=100)["id"]
        self.enable(self.mid, QUOTA, {"max_per_organisation": 2})

    def test_limit_refuses_with_a_message_in_both_languages(self):
        self.register(self.mid, organisation=ORG_A)
        self.register(self.mid, organisation=ORG_A)
        r = self.register_raw(self.mid, person(organisation=ORG_A))
        self.assertError(r, 422, "plugin_refused", field="organisation")
        msg = r.body["error"]["message"]
        self.assertIn(QUOTA, msg)
        self.assertIn("kvota ir 2", msg)            # Latvian
        self.assertIn("the quota is 2", msg)        # English
        self.assertIn(ORG_A, msg)
        self.assertEqual(self.stored_count(self.mid), 2)

    def test_another_organisation_passes(self):
        self.register(self.mid, organisation=ORG_A)
        self.register(self.mid, organisation=ORG_A)
        self.register(self.mid, organisation=ORG_B)
        self.register(self.mid, organisation=ORG_B)
        self.assertError(self.register_raw(self.mid, person(organisation=ORG_B)),
                         422, "plugin_refused", field="organisation")
        self.assertEqual(self.stored_count(self.mid), 4)

    def test_directory_organisation_counts_by_id(self):
        org = self.create_organisation("Daugavpils valstspilsēta")
        self.register(self.mid, organisation_id=org["id"])
        # the same organisation typed by name is found in the directory
        self.register(self.mid, organisation="Daugavpils valstspilsēta")
        r = self.register_raw(self.mid, person(organisation_id=org["id"]))
        self.assertError(r, 422, "plugin_refused", field="organisation")

    def test_cancelling_frees_a_place(self):
        first = self.register(self.mid, organisation=ORG_A)
        self.register(self.mid, organisation=ORG_A)
        self.assertEqual(self.register_raw(self.mid, person(organisation=ORG_A)).status, 422)
        self.assertEqual(self.cancel(first["id"], token=first["manage_token"]).status, 200)
        self.register(self.mid, organisation=ORG_A)
        self.assertEqual(self.register_raw(self.mid, person(organisation=ORG_A)).status, 422)

    def test_other_meeting_unaffected(self):
        other = self.create_meeting()["id"]
        for _ in range(3):
            self.register(other, organisation=ORG_A)
        self.assertNotIn("plugin_columns", self.listing_body(other))

    def test_waitlisted_count_too(self):
        small = self.create_meeting(capacity=1)["id"]
        self.enable(small, QUOTA, {"max_per_organisation": 2})
        self.assertEqual(self.register(small, organisation=ORG_A)["status"], "confirmed")
        self.assertEqual(self.register(small, organisation=ORG_A)["status"], "waitlisted")
        self.assertError(self.register_raw(small, person(organisation=ORG_A)),
                         422, "plugin_refused", field="organisation")

    def test_patching_into_a_full_organisation_refused(self):
        self.register(self.mid, organisation=ORG_A)
        self.register(self.mid, organisation=ORG_A)
        b = self.register(self.mid, organisation=ORG_B)
        r = self.req("PATCH", "/api/v1/registrations/%d" % b["id"],
                     {"organisation": ORG_A}, token=b["manage_token"])
        self.assertError(r, 422, "plugin_refused", field="organisation")
        self.assertEqual(self.registration(b["id"])["organisation"], ORG_B)

    def test_export_column_json(self):
        a1 = self.register(self.mid, organisation=ORG_A)
        a2 = self.register(self.mid, organisation=ORG_A)
        b1 = self.register(self.mid, organisation=ORG_B)
        body = self.listing_body(self.mid)
        key = QUOTA + ".organisation_count"
        self.assertEqual([c["key"] for c in body["plugin_columns"]], [key])
        self.assertEqual(body["plugin_columns"][0]["title"],
                         "Dalībnieku skaits no organizācijas")
        got = {r["id"]: r["plugin_columns"][key] for r in body["registrations"]}
        self.assertEqual(got, {a1["id"]: 2, a2["id"]: 2, b1["id"]: 1})
        en = self.listing_body(self.mid, "?lang=en")
        self.assertEqual(en["plugin_columns"][0]["title"], "Participants from the organisation")

    def test_export_column_csv(self):
        a1 = self.register(self.mid, organisation=ORG_A)
        b1 = self.register(self.mid, organisation=ORG_B)
        b2 = self.register(self.mid, organisation=ORG_B)
        self.cancel(b2["id"])
        r = self.req("GET", self.regs_path(self.mid) + "?format=csv", token=self.org)
        self.assertEqual(r.status, 200)
        rows = csv_rows(r.body)
        head = rows[0]
        self.assertIn(QUOTA + ".organisation_count", head)
        col = head.index(QUOTA + ".organisation_count")
        got = {int(row[0]): row[col] for row in rows[1:]}
        self.assertEqual(got, {a1["id"]: "1", b1["id"]: "1", b2["id"]: "1"})


# --------------------------------------------------------------------------
# switched off per meeting, for the server; upgrade; removal
# --------------------------------------------------------------------------

class SwitchTest(PluginTestCase):

    def setUp(self):
        super().setUp()
        self.install(quota_files())
        self.install(shelf())
        self.mid = self.create_meeting()["id"]
        self.enable(self.mid, QUOTA, {"max_per_organisation": 1})
        self.enable(self.mid, "shelf")

    def test_disable_per_meeting_and_back(self):
        reg = self.register(self.mid, organisation=ORG_A)
        r = self.route("POST", self.mid, "shelf", "/items", {"name": "grāmata"},
                       token=reg["manage_token"])
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(self.register_raw(self.mid, person(organisation=ORG_A)).status, 422)

        for name in (QUOTA, "shelf"):
            r = self.req("DELETE", plugin_path(self.mid, name), token=self.org)
            self.assertEqual(r.status, 200, r.body)
            self.assertFalse(r.body["enabled"])
        listed = self.meeting_plugins(self.mid)
        self.assertFalse(listed[QUOTA]["enabled"])
        self.assertEqual(listed[QUOTA]["settings"], {"max_per_organisation": 1})
        # hooks gone: the quota no longer refuses, no confirmed hook runs
        extra = self.register(self.mid, organisation=ORG_A)
        # routes gone
        self.assertError(self.route("GET", self.mid, "shelf", "/items"), 404, "not_found")
        # columns gone
        body = self.listing_body(self.mid)
        self.assertNotIn("plugin_columns", body)
        for reg_row in body["registrations"]:
            self.assertNotIn("plugin_columns", reg_row)
        r = self.req("GET", self.regs_path(self.mid) + "?format=csv", token=self.org)
        self.assertFalse([h for h in csv_rows(r.body)[0] if h.startswith(("shelf.", QUOTA))])
        # a second DELETE: nothing to switch off
        self.assertError(self.req("DELETE", plugin_path(self.mid, "shelf"), token=self.org),
                         404, "not_found")

        # back on: the data is still there
        self.enable(self.mid, "shelf")
        self.enable(self.mid, QUOTA, {"max_per_organisation": 1})
        items = self.route("GET", self.mid, "shelf", "/items").body["items"]
        self.assertEqual([i["name"] for i in items], ["grāmata"])
        log = self.route("GET", self.mid, "shelf", "/log", token=self.org).body["log"]
        self.assertEqual([e["registration_id"] for e in log], [reg["id"]],
                         "the confirmed hook ran while the plugin was off")
        self.assertEqual(self.register_raw(self.mid, person(organisation=ORG_A)).status, 422)
        body = self.listing_body(self.mid)
        self.assertEqual(len(body["plugin_columns"]), 2)
        cols = {r["id"]: r["plugin_columns"] for r in body["registrations"]}
        self.assertEqual(cols[reg["id"]]["shelf.items"], 1)
        self.assertEqual(cols[extra["id"]]["shelf.items"], 0)

    def test_server_wide_disable_and_enable(self):
        self.register(self.mid, organisation=ORG_A)
        r = self.switch(QUOTA, False)
        self.assertEqual(r.status, 200, r.body)
        self.assertFalse(r.body["enabled"])
        self.assertFalse(self.admin_plugin(QUOTA).body["enabled"])
        # at once: no refusal, no column
        self.register(self.mid, organisation=ORG_A)
        body = self.listing_body(self.mid)
        self.assertEqual([c["key"] for c in body["plugin_columns"]], ["shelf.items"])
        # an organizer cannot switch it on for a meeting meanwhile
        r = self.put_plugin(self.mid, QUOTA, {"max_per_organisation": 5})
        self.assertError(r, 422, "invalid_field")
        self.switch("shelf", False)
        self.assertError(self.route("GET", self.mid, "shelf", "/items"), 404, "not_found")
        # back on: the meeting's settings are still there
        self.assertEqual(self.switch(QUOTA, True).status, 200)
        self.assertEqual(self.switch("shelf", True).status, 200)
        self.assertEqual(self.meeting_plugins(self.mid)[QUOTA]["settings"],
                         {"max_per_organisation": 1})
        self.assertError(self.register_raw(self.mid, person(organisation=ORG_A)),
                         422, "plugin_refused", field="organisation")
        self.assertEqual(self.route("GET", self.mid, "shelf", "/items").status, 200)

    def test_switch_unknown_plugin(self):
        self.assertError(self.switch("nope", False), 404, "not_found")
        r = self.req("POST", ADMIN_PLUGINS + "/shelf/frobnicate", token=self.admin)
        self.assertError(r, 404, "not_found")


class UpgradeTest(PluginTestCase):

    def setUp(self):
        super().setUp()
        self.mid = self.create_meeting()["id"]

    def items(self):
        r = self.route("GET", self.mid, "xs", "/items")
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def test_upgrade_with_a_migration_keeps_rows(self):
        v1 = self.install(x_v1())
        self.assertEqual(v1["migrations_run"], 1)
        self.enable(self.mid, "xs")
        for name in ("galds", "krēsls"):
            r = self.route("POST", self.mid, "xs", "/items", {"name": name}, token=self.org)
            self.assertEqual(r.status, 201, r.body)
        self.assertEqual(self.items()["version"], 1)

        r = self.post_package(targz(x_v2()))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["change"], "upgraded")
        self.assertEqual(r.body["version"], "2.0.0")
        self.assertEqual(r.body["migrations_run"], 1)
        self.assertNotEqual(r.body["sha256"], v1["sha256"])
        # the new code at once, the old rows with the new column's default
        body = self.items()
        self.assertEqual(body["version"], 2)
        self.assertEqual([(i["name"], i["colour"]) for i in body["items"]],
                         [("galds", "pelēks"), ("krēsls", "pelēks")])
        r = self.route("POST", self.mid, "xs", "/items", {"name": "skapis", "colour": "zils"},
                       token=self.org)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(len(self.items()["items"]), 3)
        # still enabled for the meeting, with the new version shown
        self.assertEqual(self.meeting_plugins(self.mid)["xs"]["version"], "2.0.0")

    def test_same_package_again_unchanged(self):
        first = self.install(x_v1())
        r = self.post_package(targz(x_v1()))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["change"], "unchanged")
        self.assertEqual(r.body["sha256"], first["sha256"])
        self.assertEqual(r.body["version"], "1.0.0")

    def test_lower_or_equal_version_with_other_files_refused(self):
        self.install(x_v2())
        self.enable(self.mid, "xs")
        for files in (x_v1("1.0.0"), x_v1("2.0.0"), x_v2("2.0.0-rc.1"),
                      with_version(x_v1(), "2.0.0+build.7")):
            with self.subTest(version=json.loads(files["manifest.json"])["version"]):
                r = self.post_package(targz(files))
                self.assertError(r, 422, "invalid_plugin", field="version")
        self.assertEqual(self.admin_plugin("xs").body["version"], "2.0.0")
        self.assertEqual(self.items()["version"], 2)

    def test_failing_migration_leaves_the_old_version(self):
        self.install(x_v1())
        self.enable(self.mid, "xs")
        self.route("POST", self.mid, "xs", "/items", {"name": "galds"}, token=self.org)
        bad = x_v2("2.0.0")
        bad["migrations/002_colour.sql"] = X_002 + "CREATE TABLE registrations_copy (x);\n"
        r = self.post_package(targz(bad))
        self.assertError(r, 422, "invalid_plugin")
        self.assertIn("002_colour.sql", r.body["error"]["message"])
        self.assertEqual(self.admin_plugin("xs").body["version"], "1.0.0")
        body = self.items()
        self.assertEqual(body["version"], 1)
        self.assertEqual([i["name"] for i in body["items"]], ["galds"])
        # the half-run migration left nothing: the good v2 adds its column
        r = self.post_package(targz(x_v2()))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["migrations_run"], 1)


class RemoveTest(PluginTestCase):

    def test_remove_then_reinstall_finds_its_data(self):
        self.install(x_v1())
        mid = self.create_meeting()["id"]
        self.enable(mid, "xs")
        self.route("POST", mid, "xs", "/items", {"name": "galds"}, token=self.org)
        r = self.remove("xs")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"name": "xs", "removed": True})
        self.assertEqual(self.plugin_names(), [])
        self.assertError(self.route("GET", mid, "xs", "/items"), 404, "not_found")
        self.assertEqual(self.meeting_plugins(mid), {})
        self.assertError(self.remove("xs"), 404, "not_found")
        # reinstall: its migrations already ran, its table kept the row
        body = self.install(x_v1())
        self.assertEqual(body["change"], "installed")
        self.assertEqual(body["migrations_run"], 0)
        self.assertError(self.route("GET", mid, "xs", "/items"), 404, "not_found")
        self.enable(mid, "xs")
        items = self.route("GET", mid, "xs", "/items").body["items"]
        self.assertEqual([i["name"] for i in items], ["galds"])

    def test_remove_drops_hooks_and_columns(self):
        self.install(quota_files())
        mid = self.create_meeting()["id"]
        self.enable(mid, QUOTA, {"max_per_organisation": 1})
        self.register(mid, organisation=ORG_A)
        self.assertEqual(self.remove(QUOTA).status, 200)
        self.register(mid, organisation=ORG_A)
        self.assertNotIn("plugin_columns", self.listing_body(mid))


# --------------------------------------------------------------------------
# a plugin's own routes
# --------------------------------------------------------------------------

class RoutesTest(PluginTestCase):

    def setUp(self):
        super().setUp()
        self.install(shelf())
        self.mid = self.create_meeting()["id"]
        self.enable(self.mid, "shelf")

    def test_public_get(self):
        r = self.route("GET", self.mid, "shelf", "/items")
        self.assertEqual(r.status, 200, r.body)
        self.assertJson(r)
        self.assertEqual(r.body, {"items": [], "greeting": "Sveiki"})

    def test_participant_post_writes_its_table(self):
        reg = self.register(self.mid)
        r = self.route("POST", self.mid, "shelf", "/items", {"name": "lietussargs"},
                       token=reg["manage_token"])
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.body["who"], reg["id"])
        self.assertEqual(r.body["role"], "participant")
        items = self.route("GET", self.mid, "shelf", "/items").body["items"]
        self.assertEqual(items, [{"id": r.body["id"], "name": "lietussargs", "who": reg["id"]}])

    def test_participant_route_auth(self):
        r = self.route("POST", self.mid, "shelf", "/items", {"name": "x"})
        self.assertError(r, 401, "unauthorized")
        other = self.create_meeting()["id"]
        stranger = self.register(other)
        r = self.route("POST", self.mid, "shelf", "/items", {"name": "x"},
                       token=stranger["manage_token"])
        self.assertError(r, 403, "forbidden")
        reg = self.register(self.mid)
        bad = reg["manage_token"][:-4] + ("AAAA" if not reg["manage_token"].endswith("AAAA")
                                           else "BBBB")
        r = self.route("POST", self.mid, "shelf", "/items", {"name": "x"}, token=bad)
        self.assertEqual(r.status, 401, r.body)
        self.assertEqual(self.route("GET", self.mid, "shelf", "/items").body["items"], [])

    def test_cancelled_participant_seen_as_cancelled(self):
        """The host lets a cancelled registration's token through (it is a
        registration of the meeting); the plugin sees its status."""
        reg = self.register(self.mid)
        self.cancel(reg["id"], token=reg["manage_token"])
        r = self.route("POST", self.mid, "shelf", "/items", {"name": "x"},
                       token=reg["manage_token"])
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.body["status"], "cancelled")

    def test_organizer_route(self):
        self.assertError(self.route("GET", self.mid, "shelf", "/report"), 401, "unauthorized")
        reg = self.register(self.mid)
        self.assertError(self.route("GET", self.mid, "shelf", "/report",
                                    token=reg["manage_token"]), 403, "forbidden")
        r = self.route("GET", self.mid, "shelf", "/report", token=self.org)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"items": 0, "role": "organizer"})
        r = self.route("GET", self.mid, "shelf", "/report", token=self.admin)
        self.assertEqual(r.status, 200, r.body)

    def test_admin_route(self):
        self.assertError(self.route("GET", self.mid, "shelf", "/secret"), 401, "unauthorized")
        self.assertError(self.route("GET", self.mid, "shelf", "/secret", token=self.org),
                         403, "forbidden")
        r = self.route("GET", self.mid, "shelf", "/secret", token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"role": "admin"})

    def test_fail_gives_its_status_and_code(self):
        r = self.route("POST", self.mid, "shelf", "/seats", {})
        self.assertError(r, 409, "full")
        self.assertEqual(r.body["error"]["message"], "no seats left in %d" % self.mid)

    def test_params_and_query_reach_the_plugin(self):
        r = self.route("GET", self.mid, "shelf", "/echo/abc/12?x=1&name=J%C4%81nis&lang=en")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["params"], {"a": "abc", "b": "12"})
        self.assertEqual(r.body["query"], {"x": "1", "name": "Jānis", "lang": "en"})
        self.assertEqual(r.body["method"], "GET")
        self.assertEqual(r.body["path"], "/echo/abc/12")
        self.assertEqual(r.body["meeting_id"], self.mid)
        self.assertEqual(r.body["role"], "public")
        self.assertEqual(r.body["lang"], "en")

    def test_unknown_route_and_method(self):
        self.assertError(self.route("GET", self.mid, "shelf", "/nope"), 404, "not_found")
        self.assertError(self.route("GET", self.mid, "shelf", "/echo/a"), 404, "not_found")
        r = self.route("DELETE", self.mid, "shelf", "/items")
        self.assertError(r, 405, "method_not_allowed")
        self.assertIn("GET", r.headers.get("Allow", ""))
        self.assertIn("POST", r.headers.get("Allow", ""))

    def test_not_enabled_for_this_meeting(self):
        other = self.create_meeting()["id"]
        self.assertError(self.route("GET", other, "shelf", "/items"), 404, "not_found")
        self.assertError(self.route("GET", 999, "shelf", "/items"), 404, "not_found")

    def test_raising_route_gives_plugin_error(self):
        r = self.route("GET", self.mid, "shelf", "/boom")
        self.assertError(r, 500, "plugin_error")
        self.assertIn("boom on purpose", r.body["error"]["message"])

    def test_raising_write_route_undoes_its_write(self):
        r = self.route("POST", self.mid, "shelf", "/boom", {})
        self.assertError(r, 500, "plugin_error")
        self.assertIn("failed after a write", r.body["error"]["message"])
        self.assertEqual(self.route("GET", self.mid, "shelf", "/items").body["items"], [])

    def test_bad_json_body(self):
        reg = self.register(self.mid)
        r = self.req("POST", plugin_path(self.mid, "shelf", "/items"), raw="{nope",
                     token=reg["manage_token"])
        self.assertError(r, 400, "bad_json")

    def test_hook_sees_confirmed_registrations(self):
        a = self.register(self.mid)
        b = self.register(self.mid)
        log = self.route("GET", self.mid, "shelf", "/log", token=self.org).body["log"]
        self.assertEqual(log, [{"registration_id": a["id"], "event": "registration.confirmed"},
                               {"registration_id": b["id"], "event": "registration.confirmed"}])

    def test_budget_is_per_call(self):
        """A call that runs out of its budget fails alone: the plugin's
        next calls get a budget of their own (on the loop thread for GET,
        on the writer for the rest, and for its hooks)."""
        for method in ("GET", "POST"):
            with self.subTest(method=method):
                r = self.route(method, self.mid, "shelf", "/spin", {} if method == "POST" else None)
                self.assertError(r, 500, "plugin_error")
        r = self.route("GET", self.mid, "shelf", "/items")
        self.assertEqual(r.status, 200, "GET after a GET ran out of budget: %r" % (r.body,))
        reg = self.register(self.mid)
        r = self.route("POST", self.mid, "shelf", "/items", {"name": "x"},
                       token=reg["manage_token"])
        self.assertEqual(r.status, 201, "POST after a POST ran out of budget: %r" % (r.body,))
        log = self.route("GET", self.mid, "shelf", "/log", token=self.org).body["log"]
        self.assertEqual([e["registration_id"] for e in log], [reg["id"]],
                         "the confirmed hook did not run after a route ran out of budget")
        self.assertEqual(self.meeting_plugins(self.mid)["shelf"]["failures"], 0)


class LongRefusalTest(PluginTestCase):
    """A refusal's message reaches the user whole, as valid JSON."""

    LUA = r'''
    saiets.on("registration.validate", function(ev)
      return saiets.refuse("position", string.rep("ā", 150) .. " END")
    end)
    '''

    def test_long_refusal_message_kept(self):
        self.install(plugin_files("wordy", self.LUA))
        mid = self.create_meeting()["id"]
        self.enable(mid, "wordy")
        r = self.register_raw(mid, person())
        self.assertError(r, 422, "plugin_refused", field="position")
        self.assertIn(" END", r.body["error"]["message"])


# --------------------------------------------------------------------------
# restart, hot reload
# --------------------------------------------------------------------------

class RestartTest(PluginTestCase):

    def test_restart_keeps_plugins_and_settings(self):
        self.install(quota_files())
        self.install(shelf())
        mid = self.create_meeting()["id"]
        self.enable(mid, QUOTA, {"max_per_organisation": 1})
        self.enable(mid, "shelf", {"greeting": "Čau"})
        reg = self.register(mid, organisation=ORG_A)
        self.route("POST", mid, "shelf", "/items", {"name": "zīmulis"}, token=reg["manage_token"])
        self.switch("shelf", False)
        before = {p["name"]: (p["version"], p["sha256"], p["enabled"])
                  for p in self.admin_plugins()}

        self.assertEqual(self.server.stop(), 0)
        self.server.start()

        after = {p["name"]: (p["version"], p["sha256"], p["enabled"])
                 for p in self.admin_plugins()}
        self.assertEqual(after, before)
        self.assertEqual(self.meeting_plugins(mid)[QUOTA]["settings"],
                         {"max_per_organisation": 1})
        self.assertError(self.register_raw(mid, person(organisation=ORG_A)),
                         422, "plugin_refused", field="organisation")
        self.assertError(self.route("GET", mid, "shelf", "/items"), 404, "not_found")
        self.switch("shelf", True)
        r = self.route("GET", mid, "shelf", "/items")
        self.assertEqual(r.body["greeting"], "Čau")
        self.assertEqual([i["name"] for i in r.body["items"]], ["zīmulis"])


class HotReloadTest(PluginTestCase):
    """The admin upgrades the quota plugin twice and switches it off and on
    while registrations keep coming: each one is stored (201) or refused by
    the quota (422 plugin_refused), never anything else."""

    THREADS = 3
    SECONDS = 5.0
    PER_THREAD = 150
    # hundreds of registrations from one address: the rate limit off
    serve_args = ("--rate-limit", "off")

    def test_upgrades_while_registering(self):
        files = quota_files()
        self.install(files)
        mid = self.create_meeting(capacity=1000)["id"]
        self.enable(mid, QUOTA, {"max_per_organisation": 3})
        orgs = ["Organizācija %d" % i for i in range(12)]
        results, lock = [], threading.Lock()

        def worker(k):
            deadline = time.monotonic() + self.SECONDS
            for i in range(self.PER_THREAD):
                if time.monotonic() > deadline:
                    return
                body = person(organisation=orgs[(k * 5 + i) % len(orgs)])
                try:
                    r = self.server.request("POST", self.regs_path(mid), body, timeout=10)
                    out = (r.status, r.body if r.status != 201 else r.body["id"])
                except OSError as exc:
                    out = ("no answer", str(exc))
                with lock:
                    results.append(out)

        threads = [threading.Thread(target=worker, args=(k,), daemon=True)
                   for k in range(self.THREADS)]
        for t in threads:
            t.start()
        admin_answers = []
        try:
            steps = [lambda: self.post_package(targz(with_version(files, "9.0.1"))),
                     lambda: self.switch(QUOTA, False),
                     lambda: self.switch(QUOTA, True),
                     lambda: self.post_package(targz(with_version(files, "9.0.2")))]
            for step in steps:
                time.sleep(self.SECONDS / (len(steps) + 1))
                admin_answers.append(step())
        finally:
            for t in threads:
                t.join(self.SECONDS + 15)
        self.assertEqual([a.status for a in admin_answers], [200, 200, 200, 200],
                         [a.body for a in admin_answers])
        self.assertEqual(admin_answers[0].body["change"], "upgraded")
        self.assertEqual(admin_answers[3].body["version"], "9.0.2")

        bad = [r for r in results
               if not (r[0] == 201 or (r[0] == 422 and isinstance(r[1], dict)
                                       and r[1]["error"]["code"] == "plugin_refused"))]
        self.assertEqual(bad, [], "%d of %d answers were neither 201 nor a quota refusal"
                         % (len(bad), len(results)))
        created = sorted(r[1] for r in results if r[0] == 201)
        self.assertGreater(len(results), 20, "too few registrations got through")
        self.assertTrue(any(r[0] == 422 for r in results), "the quota never refused")
        stored = sorted(r["id"] for r in self.listing(mid))
        self.assertEqual(stored, created)
        # the plugin is on, at its last version, and still enforcing
        self.assertEqual(self.meeting_plugins(mid)[QUOTA]["version"], "9.0.2")
        self.assertError(self.register_raw(mid, person(organisation=orgs[0])),
                         422, "plugin_refused", field="organisation")


if __name__ == "__main__":
    unittest.main()
