-- 004 (PostgreSQL): fewer pages written per ticket. As db/004_lean_writes.sql.

-- The queues: only waiting tickets are indexed.
DROP INDEX tickets_waiting;
CREATE INDEX tickets_waiting ON tickets (day, queue, priority, issued_at) WHERE state = 'waiting';

-- A counter has one called ticket at most: index only the called ones.
DROP INDEX tickets_counter;
CREATE INDEX tickets_called ON tickets (counter, called_at) WHERE state = 'called';

-- The recent mean service time of a queue, kept by the desk when a ticket is served.
CREATE TABLE service_times (
	day         text COLLATE "C" NOT NULL,
	queue       text COLLATE "C" NOT NULL,
	mean_s      bigint NOT NULL,         -- recent mean, call to done, seconds
	n           bigint NOT NULL,         -- tickets served so far (weights the mean)
	PRIMARY KEY (day, queue)
);
-- SQLite's CAST(real AS INTEGER) truncates towards zero; PostgreSQL's
-- numeric to bigint cast rounds: trunc() first.
INSERT INTO service_times (day, queue, mean_s, n)
	SELECT day, queue, CAST(trunc(AVG(finished_at - called_at)) AS bigint), COUNT(*) FROM tickets
	WHERE state = 'served' AND called_at > 0 GROUP BY day, queue;
DROP INDEX tickets_served;

-- All-time counts of events per kind and service, for the Prometheus
-- counters: one row each, kept by a trigger.
CREATE TABLE event_totals (
	kind        text COLLATE "C" NOT NULL,
	service     text COLLATE "C" NOT NULL, -- '' for events without a service
	n           bigint NOT NULL,
	PRIMARY KEY (kind, service)
);
INSERT INTO event_totals (kind, service, n)
	SELECT kind, service, SUM(n) FROM (
		SELECT kind, COALESCE(service, '') AS service, COUNT(*) AS n FROM events
		GROUP BY kind, COALESCE(service, '')
		UNION ALL
		SELECT kind, service, n FROM daily_totals) AS t
	GROUP BY kind, service;
CREATE FUNCTION event_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO event_totals (kind, service, n) VALUES (NEW.kind, COALESCE(NEW.service, ''), 1)
		ON CONFLICT (kind, service) DO UPDATE SET n = event_totals.n + 1;
	RETURN NULL;
END
$$;
CREATE TRIGGER event_totals_insert AFTER INSERT ON events
	FOR EACH ROW EXECUTE FUNCTION event_totals_add();
DROP INDEX events_kind;
