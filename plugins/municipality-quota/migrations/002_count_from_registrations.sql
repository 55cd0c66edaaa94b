-- From 1.2.0 the counts are read from the host's registrations (the indexed
-- saiets_registrations.organisation_key), so this table is no longer kept.
DROP TABLE p_municipality_quota_counts;
