CREATE TABLE p_mig_rename_out_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_rename_out_t (a) VALUES ('first');
