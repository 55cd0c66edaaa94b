CREATE TRIGGER p_mig_trigger_tr AFTER INSERT ON registrations BEGIN
  DELETE FROM registrations;
END;
