-- 002_agenda: venues, travel times between them, and agenda items.
--
-- Agenda times are kept twice: the wall time as organizers wrote it
-- ('YYYY-MM-DDTHH:MM' in the meeting's zone) and its UTC instant (unix
-- seconds), computed once on write with the zone's rules for that date.

CREATE TABLE venues (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL UNIQUE,
    address       TEXT,
    kind          TEXT NOT NULL DEFAULT 'other',
    capacity      INTEGER CHECK (capacity IS NULL OR capacity > 0),
    lat           REAL CHECK (lat IS NULL OR (lat BETWEEN -90 AND 90)),
    lon           REAL CHECK (lon IS NULL OR (lon BETWEEN -180 AND 180)),
    contact_role  TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- Minutes from one venue to another.  `explicit` is 0 for a direction
-- filled in as the mirror of the other one, which a later explicit value
-- for this direction replaces.
CREATE TABLE venue_travel (
    from_id   INTEGER NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    to_id     INTEGER NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    minutes   INTEGER NOT NULL CHECK (minutes BETWEEN 0 AND 1440),
    explicit  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (from_id, to_id),
    CHECK (from_id <> to_id)
);

-- source is 'organizer', 'script:NAME' or later 'plugin:NAME'; source_key
-- is a script's stable name for its item, so that running the script again
-- changes that item instead of adding another.
CREATE TABLE agenda_items (
    id                   INTEGER PRIMARY KEY,
    meeting_id           INTEGER NOT NULL REFERENCES meetings(id),
    starts_local         TEXT NOT NULL,
    ends_local           TEXT NOT NULL,
    starts_at            INTEGER NOT NULL,
    ends_at              INTEGER NOT NULL,
    kind                 TEXT NOT NULL
                         CHECK (kind IN ('opening','talk','lecture','discussion','break',
                                         'meal','site_visit','cultural','travel','other')),
    title                TEXT NOT NULL,
    description          TEXT,
    venue_id             INTEGER REFERENCES venues(id),
    track                TEXT,
    speakers_json        TEXT NOT NULL DEFAULT '[]',
    expected_attendance  INTEGER CHECK (expected_attendance IS NULL OR expected_attendance >= 0),
    source               TEXT NOT NULL DEFAULT 'organizer',
    source_key           TEXT,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, starts_at);
CREATE INDEX agenda_items_venue ON agenda_items(venue_id);
CREATE UNIQUE INDEX agenda_items_source_key
    ON agenda_items(meeting_id, source, source_key) WHERE source_key IS NOT NULL;
