CREATE TABLE p_mig_view_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_view_t (a) VALUES ('first');
