-- 013: each kiosk's paper counter since its roll was last changed (issue
-- #16): the slips its printer took (confirmed or unconfirmed) and the paper
-- they used, as the kiosk measured it from the slip's height and the feed
-- before the cut. "New roll" on the manager's page sets them back to 0.
ALTER TABLE devices ADD COLUMN paper_slips INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN paper_mm INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN paper_since INTEGER;    -- Unix seconds of the last new roll
