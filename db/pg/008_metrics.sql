-- 008 (PostgreSQL): who may read GET /metrics. As db/008_metrics.sql.
ALTER TABLE site ADD COLUMN metrics text COLLATE "C" NOT NULL DEFAULT 'off';        -- off, public, token
ALTER TABLE site ADD COLUMN metrics_token_hash text COLLATE "C" NOT NULL DEFAULT ''; -- hex BLAKE2b-256 of the token
