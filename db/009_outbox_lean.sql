-- 009_outbox_lean: a message costs the change that queues it less.
--
-- Each registration queues one, so the outbox INSERT is on the busiest path
-- (callgrind: about 20k instructions a registration).  This rebuild drops
-- the two foreign keys (each INSERT looked both parents up; the ids are
-- what the message is about, and neither kind of row is ever deleted) and
-- the index entry every new message got: a new message (attempts = 0) is
-- found by its id, from where the sender last looked (rowids only grow, and
-- the sender keeps that place in memory), and only messages tried already
-- are indexed, by when they are due again.
CREATE TABLE outbox_lean (
    id              INTEGER PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    meeting_id      INTEGER,
    registration_id INTEGER,
    kind            TEXT NOT NULL,
    lang            TEXT NOT NULL DEFAULT 'lv' CHECK (lang = 'lv' OR lang = 'en'),
    to_addr         TEXT NOT NULL,
    to_name         TEXT NOT NULL DEFAULT '',
    data_json       TEXT,
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state = 'queued' OR state = 'sending' OR state = 'sent'
                           OR state = 'failed'),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sent_at         INTEGER
);
INSERT INTO outbox_lean SELECT id, created_at, meeting_id, registration_id, kind, lang, to_addr,
    to_name, data_json, state, attempts, next_attempt_at, last_error, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_lean RENAME TO outbox;
-- Messages tried already and still to send, by when they are due again (a
-- query uses it when it repeats this term exactly).
CREATE INDEX outbox_retry ON outbox(next_attempt_at)
    WHERE attempts > 0 AND (state = 'queued' OR state = 'sending');
CREATE UNIQUE INDEX outbox_one_reminder ON outbox(registration_id) WHERE kind = 'reminder';
