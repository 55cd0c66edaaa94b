CREATE TABLE p_mig_index_host_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_index_host_t (a) VALUES ('first');
