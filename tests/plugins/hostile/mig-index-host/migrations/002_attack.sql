CREATE INDEX p_mig_index_host_i ON registrations(email);
