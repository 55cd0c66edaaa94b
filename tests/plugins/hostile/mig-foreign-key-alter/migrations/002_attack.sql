ALTER TABLE p_mig_foreign_key_alter_t ADD COLUMN meeting INTEGER REFERENCES "Meetings"(id) ON DELETE RESTRICT;
