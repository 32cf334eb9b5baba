-- 009: the manager's changes for one day (PATCH /api/v1/services/{code}/today).
-- Keyed by the site's local day: a row of another day is simply not read, so
-- the change is forgotten the next day.
CREATE TABLE service_today (
    day TEXT NOT NULL,          -- site's local day, YYYY-MM-DD
    code TEXT NOT NULL,         -- service code
    open INTEGER NOT NULL,      -- 0: closed for the rest of the day
    capacity INTEGER NOT NULL,  -- today's capacity (reserve included)
    priority_reserve INTEGER NOT NULL, -- today's priority reserve (of capacity)
    reason TEXT NOT NULL,       -- why (also in the audit log)
    PRIMARY KEY (day, code)
);

-- Exceptional days of the whole site (POST /api/v1/closures): every day from
-- from_day to to_day, both included, is closed, or (open_min >= 0) open
-- from open_min to close_min only, whatever the weekly hours say.
CREATE TABLE closures (
    id INTEGER PRIMARY KEY,
    from_day TEXT NOT NULL,     -- first closed day, YYYY-MM-DD (site's local day)
    to_day TEXT NOT NULL,       -- last closed day, YYYY-MM-DD
    reason TEXT NOT NULL,       -- why (shown to staff; also in the audit log)
    open_min INTEGER NOT NULL DEFAULT -1,  -- changed hours: minutes after local midnight;
    close_min INTEGER NOT NULL DEFAULT -1, -- -1: closed all day
    created_by TEXT NOT NULL,   -- who added it
    created_at INTEGER NOT NULL -- when (Unix seconds)
);
