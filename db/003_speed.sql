-- 003: keep issuing and alert checks cheap however many tickets a day has.

-- Slips per service and day, kept by the transactions that issue and print
-- them, so the capacity check and the paper alert read a row instead of
-- counting the day's tickets.
CREATE TABLE day_counts (
	day         TEXT NOT NULL,
	service     TEXT NOT NULL,
	ordinary    INTEGER NOT NULL DEFAULT 0,  -- ordinary tickets issued
	priority    INTEGER NOT NULL DEFAULT 0,  -- priority tickets issued
	attestations INTEGER NOT NULL DEFAULT 0, -- attestations de passage issued
	prints      INTEGER NOT NULL DEFAULT 0,  -- slips sent to a printer (reprints too)
	PRIMARY KEY (day, service)
);
INSERT INTO day_counts (day, service, ordinary, priority)
	SELECT day, service, SUM(NOT priority), SUM(priority) FROM tickets GROUP BY day, service;
INSERT INTO day_counts (day, service, attestations)
	SELECT day, service, COUNT(*) FROM attestations WHERE true GROUP BY day, service
	ON CONFLICT (day, service) DO UPDATE SET attestations = excluded.attestations;
INSERT INTO day_counts (day, service, prints)
	SELECT day, service, COUNT(*) FROM events WHERE kind IN ('print', 'print_failed')
	AND service IS NOT NULL GROUP BY day, service
	ON CONFLICT (day, service) DO UPDATE SET prints = excluded.prints;

-- The burst check looks at one kiosk's last minute; the reprint check at the last hour.
CREATE INDEX events_agent ON events (agent, at);
CREATE INDEX events_kind_at ON events (kind, at);
-- Mean service time of the last served tickets of a queue.
CREATE INDEX tickets_served ON tickets (day, queue, state, finished_at);

-- People waiting per day, queue and priority, kept by triggers on every
-- change of a ticket, so a new ticket's position and the waiting counts on
-- the board cost one row read however long the queue is.
CREATE TABLE waiting_counts (
	day         TEXT NOT NULL,
	queue       TEXT NOT NULL,
	priority    INTEGER NOT NULL,
	n           INTEGER NOT NULL,
	PRIMARY KEY (day, queue, priority)
);
INSERT INTO waiting_counts (day, queue, priority, n)
	SELECT day, queue, priority, COUNT(*) FROM tickets WHERE state = 'waiting'
	GROUP BY day, queue, priority;
CREATE TRIGGER waiting_insert AFTER INSERT ON tickets WHEN new.state = 'waiting'
BEGIN
	INSERT INTO waiting_counts (day, queue, priority, n) VALUES (new.day, new.queue, new.priority, 1)
		ON CONFLICT (day, queue, priority) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER waiting_leave AFTER UPDATE OF state, queue ON tickets
	WHEN old.state = 'waiting' AND (new.state != 'waiting' OR new.queue != old.queue)
BEGIN
	UPDATE waiting_counts SET n = n - 1
		WHERE day = old.day AND queue = old.queue AND priority = old.priority;
END;
CREATE TRIGGER waiting_enter AFTER UPDATE OF state, queue ON tickets
	WHEN new.state = 'waiting' AND (old.state != 'waiting' OR new.queue != old.queue)
BEGIN
	INSERT INTO waiting_counts (day, queue, priority, n) VALUES (new.day, new.queue, new.priority, 1)
		ON CONFLICT (day, queue, priority) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER waiting_delete AFTER DELETE ON tickets WHEN old.state = 'waiting'
BEGIN
	UPDATE waiting_counts SET n = n - 1
		WHERE day = old.day AND queue = old.queue AND priority = old.priority;
END;
