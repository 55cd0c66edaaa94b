CREATE TABLE p_mig_attach_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_attach_t (a) VALUES ('first');
