-- 007_calendar_secret: secret calendar URLs for registrations, and what the
-- admin pages need of account tokens and networks.
--
-- Calendar secret (core/domain/calsecret.c): a registration's calendar is
-- served at /cal/<id>_<mac>.ics, where mac is a keyed BLAKE2b of the id and
-- the registration's calendar_gen under the server's key below.  No usable
-- secret is stored and no index is added: the id in the URL finds the row
-- by primary key, and rotating a URL is bumping calendar_gen.  The key is
-- 32 bytes from libsodium's randombytes (saiets_random_bytes() exists only
-- while migrations run, core/store/db.c), made once, here.
CREATE TABLE calendar_key (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    key  BLOB NOT NULL CHECK (length(key) = 32)
);
INSERT INTO calendar_key(id, key) VALUES (1, saiets_random_bytes(32));

ALTER TABLE registrations ADD COLUMN calendar_gen INTEGER NOT NULL DEFAULT 0;

-- Account tokens: when a token was last used (unix seconds, NULL = never),
-- written at most once a minute per token from the server's memory
-- (core/domain/token_use.c), never on the request's own path.
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;

-- Networks get a description (editable through the API).
ALTER TABLE networks ADD COLUMN description TEXT;
