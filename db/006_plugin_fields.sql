-- 006_plugin_fields: the registration fields plugins add (saiets.form.field,
-- docs/plugins.md).  A plugin declares them when plugin.lua loads; install
-- and upgrade store them in plugins.form_json, checked like a meeting's own
-- fields and keyed "PLUGIN.key".  A meeting's form is its own fields
-- followed by those of the plugins enabled for it.
--
-- meetings.plugin_form_json holds the latter, ready for core/domain/meeting.c
-- to read with the row: every registration loads its meeting, and a column
-- costs it nothing where a join per registration would.  The triggers below
-- keep it right whatever changes a plugin's state, so no code path can
-- forget to: the lists of the enabled plugins that have fields, joined by
-- commas, in plugin name order; NULL when there are none.
--
-- The answers are stored with the meeting's own, in registrations.answers_json,
-- which plugins that read registrations now see (as JSON text) too.

ALTER TABLE plugins ADD COLUMN form_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE meetings ADD COLUMN plugin_form_json TEXT;

-- What plugin_form_json holds, for each meeting with an enabled plugin that
-- has fields (the triggers' one definition of it).
CREATE VIEW meeting_plugin_fields AS
    SELECT meeting_id, group_concat(f) AS fields FROM (
        SELECT mp.meeting_id, p.form_json AS f
        FROM meeting_plugins mp JOIN plugins p ON p.name = mp.plugin
        WHERE mp.enabled = 1 AND p.enabled = 1 AND p.form_json <> '[]'
        ORDER BY mp.meeting_id, mp.plugin)
    GROUP BY meeting_id;

CREATE TRIGGER meeting_plugins_fields_insert AFTER INSERT ON meeting_plugins
BEGIN
    UPDATE meetings SET plugin_form_json = (
        SELECT fields FROM meeting_plugin_fields WHERE meeting_id = meetings.id)
    WHERE id = NEW.meeting_id;
END;

CREATE TRIGGER meeting_plugins_fields_update AFTER UPDATE OF enabled ON meeting_plugins
WHEN OLD.enabled IS NOT NEW.enabled
BEGIN
    UPDATE meetings SET plugin_form_json = (
        SELECT fields FROM meeting_plugin_fields WHERE meeting_id = meetings.id)
    WHERE id = NEW.meeting_id;
END;

CREATE TRIGGER meeting_plugins_fields_delete AFTER DELETE ON meeting_plugins
BEGIN
    UPDATE meetings SET plugin_form_json = (
        SELECT fields FROM meeting_plugin_fields WHERE meeting_id = meetings.id)
    WHERE id = OLD.meeting_id;
END;

CREATE TRIGGER plugins_fields_update AFTER UPDATE OF enabled, form_json ON plugins
WHEN OLD.enabled IS NOT NEW.enabled OR OLD.form_json IS NOT NEW.form_json
BEGIN
    UPDATE meetings SET plugin_form_json = (
        SELECT fields FROM meeting_plugin_fields WHERE meeting_id = meetings.id)
    WHERE id IN (SELECT meeting_id FROM meeting_plugins WHERE plugin = NEW.name);
END;

CREATE TRIGGER plugins_fields_delete AFTER DELETE ON plugins
BEGIN
    UPDATE meetings SET plugin_form_json = (
        SELECT fields FROM meeting_plugin_fields WHERE meeting_id = meetings.id)
    WHERE id IN (SELECT meeting_id FROM meeting_plugins WHERE plugin = OLD.name);
END;

DROP VIEW saiets_registrations;
CREATE VIEW saiets_registrations AS
    SELECT id, meeting_id, first_name, last_name, email, organisation_id,
           organisation_name AS organisation, position, status, created_at, updated_at,
           answers_json AS answers
    FROM registrations WHERE meeting_id = saiets_meeting_id();
