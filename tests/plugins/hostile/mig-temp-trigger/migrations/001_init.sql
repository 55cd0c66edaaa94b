CREATE TABLE p_mig_temp_trigger_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_temp_trigger_t (a) VALUES ('first');
