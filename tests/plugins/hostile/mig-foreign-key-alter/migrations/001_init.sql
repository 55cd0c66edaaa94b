CREATE TABLE p_mig_foreign_key_alter_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_foreign_key_alter_t (a) VALUES ('first');
