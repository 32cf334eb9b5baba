-- 002: fair access: capacity attestations, tickets bound to their holder,
-- abuse alerts, the hash-chained audit log, and daily totals for retention.

ALTER TABLE site ADD COLUMN alerts TEXT NOT NULL DEFAULT '8 3 3 6 150';  -- site_alerts, in order
ALTER TABLE site ADD COLUMN privacy TEXT NOT NULL DEFAULT '12 0';        -- events_months holder_days

-- Holder binding: only an HMAC of the normalised document number under the
-- day's key, and the last three characters for the slip. Both are purged
-- with the day keys (docs/PRIVACY.md).
ALTER TABLE tickets ADD COLUMN holder_hash BLOB;
ALTER TABLE tickets ADD COLUMN holder_mask TEXT;
-- The kiosk that printed the slip last (issue, duplicate or reprint): the
-- one allowed to report how that printing went.
ALTER TABLE tickets ADD COLUMN print_device TEXT;
CREATE INDEX tickets_holder ON tickets (day, service, holder_hash) WHERE holder_hash IS NOT NULL;

-- One random key per local day; deleting the row makes that day's hashes
-- impossible to link to anybody, even with the database and the site key.
CREATE TABLE day_keys (
	day         TEXT PRIMARY KEY,
	key         BLOB NOT NULL
);

-- Attestations de passage: proof that somebody came and was turned away.
-- No identity: the chain of attempts lives in the signed slips themselves.
CREATE TABLE attestations (
	id          INTEGER PRIMARY KEY,    -- the slip's serial
	day         TEXT NOT NULL,
	service     TEXT NOT NULL,
	issued_at   INTEGER NOT NULL,
	device      TEXT NOT NULL,
	lang        TEXT NOT NULL,
	outcome     TEXT NOT NULL,          -- 'full'
	attempt     INTEGER NOT NULL,
	first_date  TEXT NOT NULL,          -- YYYYMMDD
	weeks       INTEGER NOT NULL,
	token       TEXT NOT NULL DEFAULT '',
	print_state TEXT NOT NULL DEFAULT 'pending',
	print_reason TEXT
);
CREATE INDEX attestations_day ON attestations (day, service);

CREATE TABLE alerts (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	day         TEXT NOT NULL,
	kind        TEXT NOT NULL,          -- burst holder_refusals outside_hours reprints paper
	subject     TEXT NOT NULL DEFAULT '', -- kiosk or service concerned; never a person
	message     TEXT NOT NULL
);
CREATE UNIQUE INDEX alerts_once ON alerts (day, kind, subject);

-- Append-only audit log of staff actions, chained by SHA-256: each entry's
-- hash covers the previous entry's hash, so an edit, a deletion or a
-- reordering breaks the chain from that point on.
CREATE TABLE audit (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	actor       TEXT NOT NULL,
	action      TEXT NOT NULL,
	detail      TEXT NOT NULL,
	prev        TEXT NOT NULL,          -- hex hash of the entry before ('' for the first)
	hash        TEXT NOT NULL           -- hex SHA-256(prev|id|at|actor|action|detail)
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- What is left of old events after retention: counts per day, service, kind.
CREATE TABLE daily_totals (
	day         TEXT NOT NULL,
	service     TEXT NOT NULL,
	kind        TEXT NOT NULL,
	n           INTEGER NOT NULL,
	PRIMARY KEY (day, service, kind)
);

-- All-time totals for /metrics count events by kind and service.
CREATE INDEX events_kind ON events (kind, service);
