-- 003_agenda_revisions: a revision counter per agenda item, for calendars.
--
-- RFC 5545 clients decide whether an event they already have changed by
-- its SEQUENCE: it goes up by one whenever the item's time, place or text
-- is changed (agenda_item_update, a change of the meeting's zone).
ALTER TABLE agenda_items ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
