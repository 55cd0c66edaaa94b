-- 005_plugins: installed plugins, their files and migrations, the meetings
-- that enable them, and the read-only views through which plugins see host
-- data (docs/plugins.md, "What a plugin may read").
--
-- A plugin's own tables are named p_<name>_... (its name with '-' as '_')
-- and are created by its own migrations; core/plugin/plugin_sql.c's
-- authorizer keeps every plugin to those tables and to the views below that
-- its manifest "reads".

CREATE TABLE plugins (
    name          TEXT PRIMARY KEY,
    version       TEXT NOT NULL,
    manifest_json TEXT NOT NULL,
    sha256        TEXT NOT NULL,      -- hex, over the files (docs/plugins.md)
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    installed_at  INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE plugin_files (
    plugin  TEXT NOT NULL REFERENCES plugins(name) ON DELETE CASCADE,
    path    TEXT NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (plugin, path)
);

-- Kept when a plugin is removed, like its tables: a reinstall goes on from
-- where it stopped instead of failing on tables that exist.
CREATE TABLE plugin_migrations (
    plugin      TEXT NOT NULL,
    name        TEXT NOT NULL,
    applied_at  INTEGER NOT NULL,
    PRIMARY KEY (plugin, name)
);

CREATE TABLE meeting_plugins (
    meeting_id      INTEGER NOT NULL REFERENCES meetings(id),
    plugin          TEXT NOT NULL,
    settings_json   TEXT NOT NULL DEFAULT '{}',
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    failures        INTEGER NOT NULL DEFAULT 0,   -- hook failures in a row
    disabled_reason TEXT,                        -- set when switched off for failing
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, plugin)
);

-- The views.  saiets_meeting_id() is the meeting the running plugin code
-- serves (NULL outside plugin code), so each view shows one meeting's rows.
CREATE VIEW saiets_meetings AS
    SELECT id, title, city, starts_on, ends_on, timezone, capacity, status,
           confirmed_count AS confirmed, waitlist_count AS waitlisted
    FROM meetings WHERE id = saiets_meeting_id();

CREATE VIEW saiets_registrations AS
    SELECT id, meeting_id, first_name, last_name, email, organisation_id,
           organisation_name AS organisation, position, status, created_at, updated_at
    FROM registrations WHERE meeting_id = saiets_meeting_id();

CREATE VIEW saiets_organisations AS
    SELECT id, name, kind FROM organisations;

CREATE VIEW saiets_agenda AS
    SELECT id, meeting_id, starts_local, ends_local, starts_at, ends_at, kind, title,
           venue_id, track, source, source_key
    FROM agenda_items WHERE meeting_id = saiets_meeting_id();

CREATE VIEW saiets_site_visits AS
    SELECT a.registration_id, a.slot_id, a.option_id, o.topic, o.host, o.venue_id,
           i.starts_at, i.ends_at, i.starts_local, i.ends_local
    FROM visit_assignments a
    JOIN visit_slots s ON s.id = a.slot_id
    JOIN agenda_items i ON i.id = s.agenda_item_id
    LEFT JOIN visit_options o ON o.id = a.option_id
    WHERE s.meeting_id = saiets_meeting_id();
