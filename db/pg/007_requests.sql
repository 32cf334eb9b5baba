-- 007 (PostgreSQL): idempotent requests. As db/007_requests.sql.
CREATE TABLE requests (
	day         text COLLATE "C" NOT NULL,  -- local day of the first request
	key         text COLLATE "C" NOT NULL,  -- the client's key, 1-64 of [A-Za-z0-9_.:-]
	hash        bytea NOT NULL,             -- BLAKE2b-256 of method, path and body
	actor       text COLLATE "C" NOT NULL,  -- kiosk name or staff login that sent it
	device      bigint NOT NULL,            -- 1: a kiosk's device key
	at          bigint NOT NULL,            -- Unix seconds of the first request
	status      bigint NOT NULL,            -- HTTP status answered
	body        text COLLATE "C",           -- answer body (NULL: none, e.g. 204)
	PRIMARY KEY (day, key)
);
