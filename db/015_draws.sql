-- 015: the draw at opening (issue #13, docs/DRAW.md). A manager opens a draw
-- for a service; the applicants present enrol at the kiosk; at the close the
-- entries are ordered by HMAC-SHA256 under a seed that mixes the committed
-- secret with every entry, and the first `places` get tickets.

CREATE TABLE draws (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,          -- service code
    day TEXT NOT NULL,              -- local day of the opening, YYYY-MM-DD
    places INTEGER NOT NULL,        -- tickets to draw
    -- Of those, the places first offered to priority entries (the
    -- service's priority reserve of the day, at most places), set at the close.
    reserve INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    -- The 32 random bytes committed to at the opening. Kept in the database
    -- while the draw is open (no answer gives it before the close): whoever
    -- can read the database file could know it early, which the order's
    -- dependence on every entry (the seed) makes useless for choosing ids.
    secret BLOB NOT NULL,
    commitment TEXT NOT NULL,       -- hex(SHA-256(secret))
    opened_at INTEGER NOT NULL,     -- Unix seconds
    opened_by TEXT NOT NULL,        -- the manager's login
    closed_at INTEGER NOT NULL DEFAULT 0,
    closed_by TEXT NOT NULL DEFAULT '',
    entries_hash TEXT NOT NULL DEFAULT '',  -- hex, set at the close
    seed TEXT NOT NULL DEFAULT ''           -- hex, set at the close
);
-- One open draw per service: enrolments cannot be split between two.
CREATE UNIQUE INDEX draws_open ON draws (service) WHERE status = 'open';
CREATE INDEX draws_day ON draws (day);

CREATE TABLE draw_entries (
    draw INTEGER NOT NULL,          -- draws.id
    entry TEXT NOT NULL,            -- 20 of [0-9A-F]: 80 random bits, unguessable
    enrolled_at INTEGER NOT NULL,
    device TEXT NOT NULL,           -- the kiosk that enrolled it
    lang TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,    -- 1: a priority enrolment (never a reason)
    -- HMAC of the holder's document number under the draw day's key (as
    -- tickets keep it), NULL when the service binds no holder.
    holder_hash BLOB,
    holder_mask TEXT NOT NULL DEFAULT '',
    rank INTEGER NOT NULL DEFAULT 0,        -- 1 = drawn first; 0 before the close
    outcome TEXT NOT NULL DEFAULT '',       -- '', ticket, attestation
    ticket_id INTEGER,                      -- its ticket (outcome ticket), from the close
    attestation_id INTEGER,                 -- its attestation, from its first redeem
    redeemed_at INTEGER NOT NULL DEFAULT 0, -- first redeem at a kiosk (0: not yet)
    PRIMARY KEY (draw, entry)
) WITHOUT ROWID;
-- One entry per holder and draw.
CREATE UNIQUE INDEX draw_entries_holder ON draw_entries (draw, holder_hash)
    WHERE holder_hash IS NOT NULL;

-- [service X] draw = HH:MM-HH:MM: the site file's daily draw window, in
-- minutes after local midnight (draw_close 0: none). The server opens the
-- service's draw at draw_open and closes it at draw_close (api_tick).
ALTER TABLE services ADD COLUMN draw_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN draw_close INTEGER NOT NULL DEFAULT 0;
