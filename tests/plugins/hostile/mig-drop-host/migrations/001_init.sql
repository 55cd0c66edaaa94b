CREATE TABLE p_mig_drop_host_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_drop_host_t (a) VALUES ('first');
