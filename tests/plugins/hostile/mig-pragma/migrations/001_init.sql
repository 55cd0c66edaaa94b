CREATE TABLE p_mig_pragma_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_pragma_t (a) VALUES ('first');
