-- 018: a queue's head in one index step. The head is the oldest waiting
-- ticket by issue time, then id (two tickets of the same second); with the
-- id in the index too, the index gives that order whole, and the head is
-- its first entry instead of a sort of the whole queue (PostgreSQL does
-- not add the row's id to an index as SQLite adds its rowid).
DROP INDEX tickets_waiting;
CREATE INDEX tickets_waiting ON tickets (day, queue, priority, issued_at, id) WHERE state = 'waiting';
