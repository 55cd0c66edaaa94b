-- Live (confirmed or waiting) registrations per organisation and meeting, kept in
-- step by the plugin's hooks, so that a check costs one indexed read however many
-- people have registered.  org_key: the directory id as text, or the typed name in
-- lower case.
CREATE TABLE p_municipality_quota_counts (
    meeting_id INTEGER NOT NULL,
    org_key    TEXT NOT NULL,
    n          INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (meeting_id, org_key)
);
