-- 010_registrations_organisation: a registration's organisation, indexed.
--
-- A registration belongs to the organisation picked from the directory (its id,
-- as text) or, for a name typed in, to that name without case (ASCII letters:
-- SQL's lower()).  The meeting's index now has that key before the status, so
-- "how many live registrations has this organisation in this meeting" is one
-- index search that writes nothing and reads no row (the status is in the
-- index); a per-organisation quota asks it on every registration.  Extending
-- the index every registration already updates costs a registration about 2k
-- instructions (callgrind), far less than a second index or a counter table
-- kept in step by hooks (a counter's UPDATE cost a registration about 15k, and
-- its page was checkpointed again and again).  The few queries by meeting and
-- status (an allocation's confirmed people, a message to all waitlisted) now
-- read the meeting's index entries and skip the other statuses: organizer
-- actions over the whole meeting anyway.  The view plugins read shows the key
-- as organisation_key; a query on that column uses the index (the same
-- expression, after the view is flattened).
DROP INDEX registrations_meeting;
CREATE INDEX registrations_meeting ON registrations(meeting_id,
    coalesce(CAST(organisation_id AS TEXT), lower(organisation_name)), status);

DROP VIEW saiets_registrations;
CREATE VIEW saiets_registrations AS
    SELECT id, meeting_id, first_name, last_name, email, organisation_id,
           organisation_name AS organisation,
           coalesce(CAST(organisation_id AS TEXT), lower(organisation_name)) AS organisation_key,
           position, status, created_at, updated_at, answers_json AS answers
    FROM registrations WHERE meeting_id = saiets_meeting_id();
