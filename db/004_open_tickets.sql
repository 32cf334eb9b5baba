-- 004: the end-of-day check looks for tickets still open on past days. It
-- runs every minute; this index holds only the open tickets, so the check
-- does not walk the whole history.
CREATE INDEX tickets_open ON tickets (day) WHERE state IN ('waiting', 'called');
