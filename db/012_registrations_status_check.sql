-- 012_registrations_status_check: the same CHECK on registrations.status,
-- written with OR instead of IN.
--
-- SQLite builds a temporary table for an IN list each time it evaluates one,
-- and a CHECK is evaluated on every INSERT: about 9k instructions of every
-- registration (callgrind: sqlite3BtreeCreateTable), some 3% of its cost.
-- The table cannot simply be rebuilt (other tables' foreign keys point at
-- it), and the change does not touch a byte of the stored rows, so the table's
-- definition is edited in place, as SQLite's ALTER TABLE page describes for
-- changing a CHECK: the migration runner sees writable_schema, moves the
-- schema version on (every connection, this one too, reads the schema again)
-- and runs PRAGMA quick_check before the commit.
PRAGMA writable_schema=ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (status IN (''confirmed'',''waitlisted'',''cancelled''))',
                     'CHECK (status = ''confirmed'' OR status = ''waitlisted'' OR status = ''cancelled'')')
 WHERE type = 'table' AND name = 'registrations'
   AND instr(sql, 'CHECK (status IN (''confirmed'',''waitlisted'',''cancelled''))') > 0;
PRAGMA writable_schema=OFF;
