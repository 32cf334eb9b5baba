-- 004: the end-of-day check looks for tickets still open on past days. It
-- runs every minute; this index holds only the open tickets, so the check
-- does not walk the whole history (state is in it so that the count reads
-- the index alone, which is what makes SQLite's planner choose it).
CREATE INDEX tickets_open ON tickets (day, state) WHERE state IN ('waiting', 'called');
