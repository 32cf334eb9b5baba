-- 017 (PostgreSQL): a draw's losers get a convocation for a later day. As
-- db/017_draw_entry_days.sql (WITHOUT ROWID there).
CREATE TABLE draw_entry_days (
    draw bigint NOT NULL,                  -- draws.id
    entry text COLLATE "C" NOT NULL,       -- draw_entries.entry
    day text COLLATE "C" NOT NULL,         -- a day of the horizon, YYYY-MM-DD
    hash bytea NOT NULL,                   -- HMAC of the document number under that day's key
    PRIMARY KEY (draw, entry, day)
);
