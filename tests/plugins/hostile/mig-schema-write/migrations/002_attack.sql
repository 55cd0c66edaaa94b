UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE name = 'registrations';
