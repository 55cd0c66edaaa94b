-- 006_plugin_fields: the registration fields plugins add (saiets.form.field,
-- docs/plugins.md).  A plugin declares them when plugin.lua loads; install
-- and upgrade store them here, checked like a meeting's own fields and keyed
-- "PLUGIN.key".  A meeting's form is its own fields followed by those of the
-- plugins enabled for it (core/domain/meeting.c reads both with the row).
--
-- The answers are stored with the meeting's own, in registrations.answers_json,
-- which plugins that read registrations now see (as JSON text) too.

ALTER TABLE plugins ADD COLUMN form_json TEXT NOT NULL DEFAULT '[]';

DROP VIEW saiets_registrations;
CREATE VIEW saiets_registrations AS
    SELECT id, meeting_id, first_name, last_name, email, organisation_id,
           organisation_name AS organisation, position, status, created_at, updated_at,
           answers_json AS answers
    FROM registrations WHERE meeting_id = saiets_meeting_id();
