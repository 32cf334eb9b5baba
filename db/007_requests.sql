-- 007: idempotent requests. The answer to each state-changing request sent
-- with an Idempotency-Key, kept with the key for the rest of the local day,
-- so a client whose answer was lost can send the same request again and
-- get the first answer back instead of a second effect. The row is written
-- in the verb's own transaction: a ticket never exists without its answer,
-- nor an answer without its ticket. Purged with the day's data.
CREATE TABLE requests (
	day         TEXT NOT NULL,           -- local day of the first request
	key         TEXT NOT NULL,           -- the client's key, 1-64 of [A-Za-z0-9_.:-]
	hash        BLOB NOT NULL,           -- BLAKE2b-256 of method, path and body
	actor       TEXT NOT NULL,           -- kiosk name or staff login that sent it
	device      INTEGER NOT NULL,        -- 1: a kiosk's device key
	at          INTEGER NOT NULL,        -- Unix seconds of the first request
	status      INTEGER NOT NULL,        -- HTTP status answered
	body        TEXT,                    -- answer body (NULL: none, e.g. 204)
	PRIMARY KEY (day, key)
);
