-- 009: the manager's changes for one day (PATCH /api/v1/services/{code}/today).
-- Keyed by the site's local day: a row of another day is simply not read, so
-- the change is forgotten the next day.
CREATE TABLE service_today (
    day TEXT NOT NULL,          -- site's local day, YYYY-MM-DD
    code TEXT NOT NULL,         -- service code
    open INTEGER NOT NULL,      -- 0: closed for the rest of the day
    capacity INTEGER NOT NULL,  -- today's capacity (reserve included)
    reason TEXT NOT NULL,       -- why (also in the audit log)
    PRIMARY KEY (day, code)
);
