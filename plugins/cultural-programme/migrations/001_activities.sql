-- 001_activities: the cultural programme's activities and the sign-ups for
-- them.  One table set serves every meeting: each activity names its
-- meeting, and the plugin reads and writes only the meeting it serves.

-- starts_at/ends_at are the wall times the organizer wrote
-- ('YYYY-MM-DDTHH:MM', the meeting's zone), as the agenda keeps them;
-- starts_utc/ends_utc (unix seconds) are the instants the agenda computed
-- for the activity's item at its last put, kept for when that item is gone.
-- venue_id is a host venue (checked by the agenda), venue a free text such
-- as a meeting point.  No foreign keys to host tables (the host refuses them).
CREATE TABLE p_cultural_programme_activities (
    id              INTEGER PRIMARY KEY,
    meeting_id      INTEGER NOT NULL,
    title_lv        TEXT NOT NULL,
    title_en        TEXT NOT NULL,
    description_lv  TEXT,
    description_en  TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('tour', 'visit', 'performance')),
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    starts_utc      INTEGER,
    ends_utc        INTEGER,
    venue_id        INTEGER,
    venue           TEXT,
    capacity        INTEGER NOT NULL CHECK (capacity >= 1),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX p_cultural_programme_activities_meeting
    ON p_cultural_programme_activities (meeting_id, starts_at);

-- A person's sign-up for an activity: a seat (signed_up), a place on its
-- waiting list (waitlisted, ordered by waitlist_seq: lower goes first), or a
-- cancelled one kept for the record.  One live sign-up per person and
-- activity.  registration_id is a host registration of the activity's meeting.
CREATE TABLE p_cultural_programme_signups (
    id               INTEGER PRIMARY KEY,
    activity_id      INTEGER NOT NULL REFERENCES p_cultural_programme_activities (id),
    registration_id  INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('signed_up', 'waitlisted', 'cancelled')),
    waitlist_seq     INTEGER,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((status = 'waitlisted') = (waitlist_seq IS NOT NULL))
);
CREATE UNIQUE INDEX p_cultural_programme_signups_live
    ON p_cultural_programme_signups (activity_id, registration_id)
    WHERE status IN ('signed_up', 'waitlisted');
CREATE INDEX p_cultural_programme_signups_registration
    ON p_cultural_programme_signups (registration_id, status);
CREATE INDEX p_cultural_programme_signups_waiting
    ON p_cultural_programme_signups (activity_id, status, waitlist_seq);
