COMMIT;
DELETE FROM p_mig_transaction_t;
