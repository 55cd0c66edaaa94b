INSERT INTO p_mig_host_read_t (a) SELECT email FROM registrations;
