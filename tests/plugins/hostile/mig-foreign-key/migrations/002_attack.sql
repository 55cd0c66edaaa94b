CREATE TABLE p_mig_foreign_key_links (reg INTEGER REFERENCES registrations(id) ON DELETE CASCADE);
