CREATE TABLE p_mig_transaction_t (id INTEGER PRIMARY KEY, a TEXT);
INSERT INTO p_mig_transaction_t (a) VALUES ('first');
