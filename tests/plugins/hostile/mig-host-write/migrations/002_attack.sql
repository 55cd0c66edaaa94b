DELETE FROM registrations;
