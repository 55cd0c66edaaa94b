-- 001_core: organisations, networks, meetings, people, registrations,
-- accounts with API tokens, and the audit log.
--
-- Times are unix seconds (UTC) in INTEGER columns; dates are 'YYYY-MM-DD' text.
-- *_key columns hold a Unicode case fold of their twin (made in C with ICU), so
-- that "RĒZEKNE" and "Rēzekne" meet in one unique index.

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL DEFAULT 'other'
                CHECK (kind IN ('municipality','association','school','museum',
                                'agency','company','other')),
    created_at  INTEGER NOT NULL
);

CREATE TABLE networks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE network_members (
    network_id      INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    role            TEXT NOT NULL DEFAULT 'member',
    PRIMARY KEY (network_id, organisation_id)
);

-- confirmed_count and waitlist_count are kept in step with registrations by
-- the domain code in the same transaction, so that no request counts rows to
-- decide about a seat.  The CHECK makes overbooking impossible even for a bug.
CREATE TABLE meetings (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    network_id      INTEGER REFERENCES networks(id),
    host_id         INTEGER REFERENCES organisations(id),
    city            TEXT,
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    timezone        TEXT NOT NULL DEFAULT 'Europe/Riga',
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    opens_at        INTEGER,
    closes_at       INTEGER,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('draft','open','closed')),
    form_json       TEXT NOT NULL DEFAULT '[]',
    confirmed_count INTEGER NOT NULL DEFAULT 0,
    waitlist_count  INTEGER NOT NULL DEFAULT 0,
    waitlist_next   INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (confirmed_count >= 0 AND confirmed_count <= capacity),
    CHECK (waitlist_count >= 0)
);

-- A person is an e-mail address seen in registrations: the thread that ties a
-- participant's registrations across meetings.
CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL,
    email_key   TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

-- waitlist_seq orders the waiting list (NULL unless waitlisted); a position is
-- the rank of the seq among the meeting's waitlisted rows.
CREATE TABLE registrations (
    id                INTEGER PRIMARY KEY,
    meeting_id        INTEGER NOT NULL REFERENCES meetings(id),
    person_id         INTEGER NOT NULL REFERENCES people(id),
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    email             TEXT NOT NULL,
    organisation_id   INTEGER REFERENCES organisations(id),
    organisation_name TEXT NOT NULL,
    position          TEXT,
    phone             TEXT,
    answers_json      TEXT NOT NULL DEFAULT '{}',
    status            TEXT NOT NULL
                      CHECK (status IN ('confirmed','waitlisted','cancelled')),
    waitlist_seq      INTEGER,
    token_hash        BLOB NOT NULL,  -- BLAKE2b of the manage token's secret
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    CHECK ((status = 'waitlisted') = (waitlist_seq IS NOT NULL))
);
-- One live registration per person and meeting: the database itself refuses a
-- duplicate, whatever the code above it does.
CREATE UNIQUE INDEX registrations_live_person
    ON registrations(meeting_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX registrations_waitlist
    ON registrations(meeting_id, waitlist_seq) WHERE status = 'waitlisted';
CREATE INDEX registrations_meeting ON registrations(meeting_id, status);

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('admin','organizer')),
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    token_hash  BLOB NOT NULL,      -- BLAKE2b of the token's secret
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'
);
