-- 017: a draw's losers get a convocation for a later day (issue #13). A
-- convocation binds its holder under the key of its own day, but the close
-- never sees the document number: at the enrolment, for a service that
-- binds holders and keeps convocations, the holder's keyed hash is written
-- here under the key of each day of the service's horizon. The close binds
-- each convocation with its day's hash, then deletes every row of the draw.
CREATE TABLE draw_entry_days (
    draw INTEGER NOT NULL,          -- draws.id
    entry TEXT NOT NULL,            -- draw_entries.entry
    day TEXT NOT NULL,              -- a day of the horizon, YYYY-MM-DD
    hash BLOB NOT NULL,             -- HMAC of the document number under that day's key
    PRIMARY KEY (draw, entry, day)
) WITHOUT ROWID;
