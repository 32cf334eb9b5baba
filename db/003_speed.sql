-- 003: keep issuing and alert checks cheap however many tickets a day has.

-- Tickets issued per service and day, kept by the issuing transaction, so
-- the capacity check reads one row instead of counting the day's tickets.
CREATE TABLE day_counts (
	day         TEXT NOT NULL,
	service     TEXT NOT NULL,
	ordinary    INTEGER NOT NULL DEFAULT 0,
	priority    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, service)
);
INSERT INTO day_counts (day, service, ordinary, priority)
	SELECT day, service, SUM(NOT priority), SUM(priority) FROM tickets GROUP BY day, service;

-- The burst check looks at one kiosk's last minute; the reprint check at the last hour.
CREATE INDEX events_agent ON events (agent, at);
CREATE INDEX events_kind_at ON events (kind, at);
-- Mean service time of the last served tickets of a queue.
CREATE INDEX tickets_served ON tickets (day, queue, state, finished_at);
