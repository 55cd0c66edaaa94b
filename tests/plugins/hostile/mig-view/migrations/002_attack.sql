CREATE VIEW p_mig_view_v AS SELECT email, token_hash FROM registrations;
