CREATE TABLE p_txn_break_log (id INTEGER PRIMARY KEY, place TEXT, stmt TEXT, outcome TEXT);
