ALTER TABLE p_mig_rename_out_t RENAME TO meetings_archive;
