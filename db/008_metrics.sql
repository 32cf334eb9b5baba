-- 008: who may read GET /metrics, from the site file's [site] metrics and
-- metrics_token (docs/API.md). Off by default; a token is kept as its hash.
ALTER TABLE site ADD COLUMN metrics TEXT NOT NULL DEFAULT 'off';        -- off, public, token
ALTER TABLE site ADD COLUMN metrics_token_hash TEXT NOT NULL DEFAULT ''; -- hex BLAKE2b-256 of the token
