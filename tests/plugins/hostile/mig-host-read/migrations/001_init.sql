CREATE TABLE p_mig_host_read_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_host_read_t (a) VALUES ('first');
