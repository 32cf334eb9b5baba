-- 013 (PostgreSQL): each kiosk's paper counter since its roll was last
-- changed. As db/013_device_paper.sql.
ALTER TABLE devices ADD COLUMN paper_slips bigint NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN paper_mm bigint NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN paper_since bigint;    -- Unix seconds of the last new roll
