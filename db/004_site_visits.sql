-- 003_site_visits: parallel site visits (a slot is an agenda item of kind
-- site_visit; its options are the places people can go), participants'
-- ranked preferences, organizers' pins, the allocation, and vehicles.
--
-- assigned_count is kept in step with visit_assignments by the domain code
-- in the same transaction (like meetings.confirmed_count), and the CHECK
-- makes an over-full group impossible even for a bug.

CREATE TABLE visit_slots (
    id              INTEGER PRIMARY KEY,
    meeting_id      INTEGER NOT NULL REFERENCES meetings(id),
    agenda_item_id  INTEGER NOT NULL UNIQUE REFERENCES agenda_items(id),
    allocated_at    INTEGER,             -- the last allocation run; NULL before
    waitlist_next   INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX visit_slots_meeting ON visit_slots(meeting_id);

CREATE TABLE visit_options (
    id              INTEGER PRIMARY KEY,
    slot_id         INTEGER NOT NULL REFERENCES visit_slots(id),
    position        INTEGER NOT NULL,    -- 0, 1, ... in the order given
    venue_id        INTEGER NOT NULL REFERENCES venues(id),
    topic           TEXT NOT NULL,
    host            TEXT NOT NULL,
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    min_size        INTEGER CHECK (min_size IS NULL OR min_size >= 0),
    assigned_count  INTEGER NOT NULL DEFAULT 0 CHECK (assigned_count BETWEEN 0 AND capacity),
    UNIQUE (slot_id, position)
);
CREATE INDEX visit_options_venue ON visit_options(venue_id);

-- rank 1 is the most wanted option.
CREATE TABLE visit_preferences (
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    slot_id         INTEGER NOT NULL REFERENCES visit_slots(id),
    rank            INTEGER NOT NULL CHECK (rank >= 1),
    option_id       INTEGER NOT NULL REFERENCES visit_options(id),
    PRIMARY KEY (registration_id, slot_id, rank),
    UNIQUE (registration_id, option_id)
);
CREATE INDEX visit_preferences_slot ON visit_preferences(slot_id);

CREATE TABLE visit_pins (
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    slot_id         INTEGER NOT NULL REFERENCES visit_slots(id),
    option_id       INTEGER NOT NULL REFERENCES visit_options(id),
    PRIMARY KEY (registration_id, slot_id)
);

-- One row per confirmed registration and slot once the slot is allocated:
-- a seat in an option, or a place on the slot's waiting list (option_id
-- NULL, waitlist_seq orders it).  rank is the rank the person gave the
-- option (NULL: unranked or no preferences); why says how it came about.
CREATE TABLE visit_assignments (
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    slot_id         INTEGER NOT NULL REFERENCES visit_slots(id),
    option_id       INTEGER REFERENCES visit_options(id),
    waitlist_seq    INTEGER,
    rank            INTEGER,
    why             TEXT NOT NULL,
    explanation     TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (registration_id, slot_id),
    CHECK ((option_id IS NULL) = (waitlist_seq IS NOT NULL))
);
CREATE INDEX visit_assignments_option ON visit_assignments(option_id);
CREATE INDEX visit_assignments_slot ON visit_assignments(slot_id, waitlist_seq);

CREATE TABLE vehicles (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    name        TEXT NOT NULL,
    seats       INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 500),
    created_at  INTEGER NOT NULL,
    UNIQUE (meeting_id, name)
);
