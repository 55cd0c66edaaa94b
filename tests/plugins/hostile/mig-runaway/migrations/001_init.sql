CREATE TABLE p_mig_runaway_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_runaway_t (a) VALUES ('first');
