-- 008_mail: the outbox of e-mail messages, and each registration's language.
--
-- A message is a row written in the same transaction as the change that
-- causes it (core/mail/outbox.c), so a change that rolls back sends nothing
-- and a crash loses nothing.  The row says what happened (kind), to whom and
-- in which language; the text is written when the message is sent
-- (core/mail/mail_render.c), from the rows as they are then and from
-- data_json, which keeps what only the moment of the change knew: a
-- waiting-list position, an organizer's or a plugin's subject and text, and
-- whether the message carries a manage link ("link": true).
--
-- state: queued -> sending -> sent, or back to queued with next_attempt_at
-- later (a temporary failure, backoff), or failed (the server refused the
-- address for good, or too many attempts).  A row left in 'sending' by a
-- crash is sent again with the same Message-ID and a higher attempt number.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    meeting_id      INTEGER REFERENCES meetings(id),
    registration_id INTEGER REFERENCES registrations(id),
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
-- The sender's question, "what is due", reads only the rows still to send.
-- (Comparisons, not IN (...), here and in the CHECKs: SQLite evaluates an
-- IN list through an ephemeral table, on every INSERT, which cost a
-- registration about 20k instructions a list.  A query uses the index when
-- it repeats this term exactly.)
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'queued' OR state = 'sending';
-- One reminder per registration, however often the sender looks.
CREATE UNIQUE INDEX outbox_one_reminder ON outbox(registration_id) WHERE kind = 'reminder';

-- A manage link in a message carries a token of its own, made when the
-- message is sent: its hash is kept here, next to the hash of the token the
-- registration's answer gave, and either opens the registration.  So no
-- token is ever stored in clear, not even in the outbox.
ALTER TABLE registrations ADD COLUMN mail_token_hash BLOB;

-- The language a participant registered in ('lv' unless they asked for 'en'):
-- their messages are written in it.
ALTER TABLE registrations ADD COLUMN lang TEXT NOT NULL DEFAULT 'lv'
    CHECK (lang = 'lv' OR lang = 'en');

-- What each person was last told of their site-visit place, per slot: a
-- place that changes (an allocation, a pin, a seat freed) is mailed when it
-- differs from this, so a re-allocation that moves nobody mails nobody.
CREATE TABLE visit_places_told (
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    slot_id         INTEGER NOT NULL REFERENCES visit_slots(id),
    option_id       INTEGER NOT NULL,
    PRIMARY KEY (registration_id, slot_id)
) WITHOUT ROWID;

-- E-mail confirmation, a meeting's choice (off unless set): a new
-- registration holds its seat or waiting place until hold_until, when it
-- expires unless the link mailed to it was opened (email_confirmed_at).
ALTER TABLE meetings ADD COLUMN confirm_email INTEGER NOT NULL DEFAULT 0
    CHECK (confirm_email = 0 OR confirm_email = 1);
ALTER TABLE meetings ADD COLUMN confirm_minutes INTEGER NOT NULL DEFAULT 30
    CHECK (confirm_minutes BETWEEN 5 AND 1440);
ALTER TABLE registrations ADD COLUMN hold_until INTEGER;
ALTER TABLE registrations ADD COLUMN email_confirmed_at INTEGER;
CREATE INDEX registrations_hold ON registrations(hold_until) WHERE hold_until IS NOT NULL;
