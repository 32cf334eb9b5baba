-- 001: the queue, its site, accounts and the event log.
-- Migrations are append-only: never edit a released one; add 002_... instead.

CREATE TABLE site (
	one         INTEGER PRIMARY KEY CHECK (one = 1),
	site_id     TEXT NOT NULL,
	name        TEXT NOT NULL,
	tz          TEXT NOT NULL,
	hours       TEXT NOT NULL,          -- 7 "HHMM-HHMM" or "closed", Sunday first
	max_recalls INTEGER NOT NULL,
	priority_streak INTEGER NOT NULL,
	reprint_limit INTEGER NOT NULL,
	default_service_s INTEGER NOT NULL,
	tls_cert    TEXT NOT NULL DEFAULT '',
	tls_key     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE services (
	code        TEXT PRIMARY KEY,       -- one capital letter
	name        TEXT NOT NULL,          -- French
	capacity    INTEGER NOT NULL,
	priority_reserve INTEGER NOT NULL,
	bind_holder INTEGER NOT NULL DEFAULT 0,
	position    INTEGER NOT NULL,       -- display order
	active      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE service_names (
	code        TEXT NOT NULL,
	lang        TEXT NOT NULL,
	name        TEXT NOT NULL,
	PRIMARY KEY (code, lang)
);

CREATE TABLE counters (
	n           INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	services    TEXT NOT NULL,          -- codes in preference order, "AB"
	state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'paused', 'closed')),
	active      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE tickets (
	id          INTEGER PRIMARY KEY,    -- also the slip's serial
	day         TEXT NOT NULL,          -- local day, YYYY-MM-DD
	service     TEXT NOT NULL,          -- service that numbered it
	seq         INTEGER NOT NULL,       -- 1, 2, ... per service and day
	number      TEXT NOT NULL,          -- "A042"
	queue       TEXT NOT NULL,          -- service whose queue it waits in (transfer)
	lang        TEXT NOT NULL,
	priority    INTEGER NOT NULL DEFAULT 0,
	state       TEXT NOT NULL DEFAULT 'waiting',
	issued_at   INTEGER NOT NULL,       -- Unix seconds
	called_at   INTEGER,
	finished_at INTEGER,
	counter     INTEGER,                -- counter that called it last
	agent       TEXT,
	recalls     INTEGER NOT NULL DEFAULT 0,
	outcome     TEXT,
	device      TEXT NOT NULL,          -- kiosk (or agent) that issued it
	token       TEXT NOT NULL DEFAULT '', -- signed QR payload
	print_state TEXT NOT NULL DEFAULT 'pending', -- pending confirmed unconfirmed failed
	print_reason TEXT,
	reprints    INTEGER NOT NULL DEFAULT 0,
	UNIQUE (day, service, seq)
);
CREATE INDEX tickets_waiting ON tickets (day, queue, state, priority, issued_at);
CREATE INDEX tickets_counter ON tickets (counter, state);

-- Per service and day: priority tickets called in a row (starvation rule).
CREATE TABLE streaks (
	day         TEXT NOT NULL,
	service     TEXT NOT NULL,
	streak      INTEGER NOT NULL,
	PRIMARY KEY (day, service)
);

-- Every change of a ticket or a counter. Anonymous: no identity here.
CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	day         TEXT NOT NULL,
	kind        TEXT NOT NULL,          -- issue call recall no_show done transfer ...
	ticket      INTEGER,
	service     TEXT,
	counter     INTEGER,
	agent       TEXT,
	detail      TEXT
);
CREATE INDEX events_day ON events (day, kind);

CREATE TABLE users (
	login       TEXT PRIMARY KEY,
	role        TEXT NOT NULL CHECK (role IN ('agent', 'manager', 'admin')),
	pwhash      TEXT NOT NULL,          -- argon2id (libsodium crypto_pwhash_str)
	created_at  INTEGER NOT NULL,
	active      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE devices (
	name        TEXT PRIMARY KEY,
	created_at  INTEGER NOT NULL,
	active      INTEGER NOT NULL DEFAULT 1
);

-- Bearer secrets: device keys, staff tokens, browser sessions. Only a hash
-- of the secret is kept; the secrets are 256-bit random, so a fast hash is
-- enough (passwords, which are not, use argon2id above).
CREATE TABLE credentials (
	hash        BLOB PRIMARY KEY,       -- BLAKE2b-256 of the secret
	kind        TEXT NOT NULL CHECK (kind IN ('device', 'token', 'session')),
	owner       TEXT NOT NULL,          -- device name or user login
	csrf        TEXT,                   -- sessions only
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER                 -- NULL: until revoked
);
