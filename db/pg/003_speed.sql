-- 003 (PostgreSQL): keep issuing and alert checks cheap however many
-- tickets a day has. As db/003_speed.sql.

-- Slips per service and day, kept by the transactions that issue and print them.
CREATE TABLE day_counts (
	day         text COLLATE "C" NOT NULL,
	service     text COLLATE "C" NOT NULL,
	ordinary    bigint NOT NULL DEFAULT 0,  -- ordinary tickets issued
	priority    bigint NOT NULL DEFAULT 0,  -- priority tickets issued
	attestations bigint NOT NULL DEFAULT 0, -- attestations de passage issued
	prints      bigint NOT NULL DEFAULT 0,  -- slips sent to a printer (reprints too)
	PRIMARY KEY (day, service)
);
-- SQLite's SUM(NOT priority): 1 for a ticket whose priority is 0.
INSERT INTO day_counts (day, service, ordinary, priority)
	SELECT day, service, SUM(CASE WHEN priority = 0 THEN 1 ELSE 0 END), SUM(priority)
	FROM tickets GROUP BY day, service;
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
-- change of a ticket.
CREATE TABLE waiting_counts (
	day         text COLLATE "C" NOT NULL,
	queue       text COLLATE "C" NOT NULL,
	priority    bigint NOT NULL,
	n           bigint NOT NULL,
	PRIMARY KEY (day, queue, priority)
);
INSERT INTO waiting_counts (day, queue, priority, n)
	SELECT day, queue, priority, COUNT(*) FROM tickets WHERE state = 'waiting'
	GROUP BY day, queue, priority;

-- SQLite's four triggers, with the same names, events, UPDATE OF columns
-- and WHEN conditions. waiting_insert and waiting_enter add the new row to
-- its count; waiting_leave and waiting_delete take the old row from its
-- count (a count may go down to 0 and stays as a row, as on SQLite).
-- PostgreSQL runs AFTER ROW triggers at the end of the statement, SQLite
-- after each row: the counts after any statement are the same.
CREATE FUNCTION waiting_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO waiting_counts (day, queue, priority, n) VALUES (NEW.day, NEW.queue, NEW.priority, 1)
		ON CONFLICT (day, queue, priority) DO UPDATE SET n = waiting_counts.n + 1;
	RETURN NULL;
END
$$;
CREATE FUNCTION waiting_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE waiting_counts SET n = n - 1
		WHERE day = OLD.day AND queue = OLD.queue AND priority = OLD.priority;
	RETURN NULL;
END
$$;
CREATE TRIGGER waiting_insert AFTER INSERT ON tickets
	FOR EACH ROW WHEN (NEW.state = 'waiting')
	EXECUTE FUNCTION waiting_counts_add();
CREATE TRIGGER waiting_leave AFTER UPDATE OF state, queue ON tickets
	FOR EACH ROW WHEN (OLD.state = 'waiting' AND (NEW.state != 'waiting' OR NEW.queue != OLD.queue))
	EXECUTE FUNCTION waiting_counts_remove();
CREATE TRIGGER waiting_enter AFTER UPDATE OF state, queue ON tickets
	FOR EACH ROW WHEN (NEW.state = 'waiting' AND (OLD.state != 'waiting' OR NEW.queue != OLD.queue))
	EXECUTE FUNCTION waiting_counts_add();
CREATE TRIGGER waiting_delete AFTER DELETE ON tickets
	FOR EACH ROW WHEN (OLD.state = 'waiting')
	EXECUTE FUNCTION waiting_counts_remove();
