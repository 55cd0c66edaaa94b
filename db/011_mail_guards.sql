-- 011_mail_guards: when a registration was last sent its link again, and last
-- told of a repeat registration, kept on the registration.
--
-- Both are rate guards (one such message a minute per registration).  They
-- were answered by searching the outbox, which keeps every message it ever
-- sent, with no index to search it by: a scan that grew for as long as the
-- server ran.  An index on the outbox would cost every message queued (each
-- registration queues one) a write cursor and an entry; these two columns
-- cost only the two rare paths that set them, in the UPDATE they make anyway
-- or in one of their own.
ALTER TABLE registrations ADD COLUMN link_queued_at INTEGER;
ALTER TABLE registrations ADD COLUMN again_queued_at INTEGER;
UPDATE registrations SET link_queued_at = o.t
  FROM (SELECT registration_id, max(created_at) AS t FROM outbox
        WHERE kind = 'registration.link' GROUP BY registration_id) AS o
 WHERE o.registration_id = registrations.id;
UPDATE registrations SET again_queued_at = o.t
  FROM (SELECT registration_id, max(created_at) AS t FROM outbox
        WHERE kind = 'registration.again' GROUP BY registration_id) AS o
 WHERE o.registration_id = registrations.id;
