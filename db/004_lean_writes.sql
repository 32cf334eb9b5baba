-- 004: fewer pages written per ticket. Every index on a table is written
-- again by every insert and by every update of its columns, and with WAL
-- each page touched is one more frame to write before the fsync. So:

-- The queues: only waiting tickets are indexed, so calling a ticket only
-- removes its entry and serving it touches this index no more (the state
-- was in the key: every move rewrote two places of it).
DROP INDEX tickets_waiting;
CREATE INDEX tickets_waiting ON tickets (day, queue, priority, issued_at) WHERE state = 'waiting';

-- A counter has one called ticket at most: index only the called ones, so
-- issuing a ticket does not touch this index at all. The end-of-day check,
-- every minute, finds the called tickets of past days here, and the waiting
-- ones through waiting_counts, without walking the whole history.
DROP INDEX tickets_counter;
CREATE INDEX tickets_called ON tickets (counter, called_at) WHERE state = 'called';

-- The recent mean service time of a queue, kept by the desk when a ticket
-- is served (core/queue.c: queue_service_mean), instead of averaging the
-- last served tickets through an index that every state change rewrote.
CREATE TABLE service_times (
	day         TEXT NOT NULL,
	queue       TEXT NOT NULL,
	mean_s      INTEGER NOT NULL,        -- recent mean, call to done, seconds
	n           INTEGER NOT NULL,        -- tickets served so far (weights the mean)
	PRIMARY KEY (day, queue)
);
INSERT INTO service_times (day, queue, mean_s, n)
	SELECT day, queue, CAST(AVG(finished_at - called_at) AS INTEGER), COUNT(*) FROM tickets
	WHERE state = 'served' AND called_at > 0 GROUP BY day, queue;
DROP INDEX tickets_served;

-- All-time counts of events per kind and service, for the Prometheus
-- counters: one row each, kept by a trigger, instead of counting the
-- events through an index written by every event.
CREATE TABLE event_totals (
	kind        TEXT NOT NULL,
	service     TEXT NOT NULL,           -- '' for events without a service
	n           INTEGER NOT NULL,
	PRIMARY KEY (kind, service)
);
INSERT INTO event_totals (kind, service, n)
	SELECT kind, service, SUM(n) FROM (
		SELECT kind, COALESCE(service, '') AS service, COUNT(*) AS n FROM events
		GROUP BY kind, COALESCE(service, '')
		UNION ALL
		SELECT kind, service, n FROM daily_totals) AS t
	GROUP BY kind, service;
CREATE TRIGGER event_totals_insert AFTER INSERT ON events
BEGIN
	INSERT INTO event_totals (kind, service, n) VALUES (new.kind, COALESCE(new.service, ''), 1)
		ON CONFLICT (kind, service) DO UPDATE SET n = n + 1;
END;
DROP INDEX events_kind;
