CREATE TABLE p_mig_host_write_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_host_write_t (a) VALUES ('first');
