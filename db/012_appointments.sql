-- 012: appointments booked online (issue #12): the day's appointments from the
-- webhook, a CSV or an ICS file, checked in at the kiosk, where each becomes a
-- ticket of its service. No name, phone number or e-mail is ever stored: the
-- holder's document number only as the keyed hash tickets use, under the key
-- of the appointment's own day (day_keys), so retention removes it with that
-- day's key.

-- The site file's [appointments] section: "checkin_before checkin_after late"
-- (minutes before and after the start; walkin or attestation), and the
-- webhook's HMAC secret. The secret must be kept as it is (an HMAC needs it),
-- but no GET answers it.
ALTER TABLE site ADD COLUMN appointments TEXT NOT NULL DEFAULT '30 15 walkin';
ALTER TABLE site ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';
-- RDV Service Public's motifs to our services ("4012=A, titre_sejour=B").
ALTER TABLE site ADD COLUMN rdv_services TEXT NOT NULL DEFAULT '';
-- [alerts] checkin_guesses: bad check-in codes from one kiosk within 10 minutes.
UPDATE site SET alerts = alerts || ' 5';
-- [service X] appointments = N: the service's daily appointment capacity, apart
-- from its walk-in `capacity` (0: it takes no appointments).
ALTER TABLE services ADD COLUMN appointments INTEGER NOT NULL DEFAULT 0;

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    ext_id TEXT NOT NULL UNIQUE,    -- the booking system's id ("ext-1", an ICS UID)
    service TEXT NOT NULL,          -- service code
    day TEXT NOT NULL,              -- local day of the start, YYYY-MM-DD
    start INTEGER NOT NULL,         -- Unix seconds
    duration_min INTEGER NOT NULL,
    code TEXT NOT NULL,             -- check-in code, normalised (core/appt.h)
    holder_hash BLOB,               -- HMAC of the document number under day's key; NULL: not bound
    lang TEXT NOT NULL DEFAULT '',  -- '' when the source gave none
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    updated_at INTEGER NOT NULL DEFAULT 0, -- the source's updated_at (0: none given)
    source TEXT NOT NULL,           -- webhook, staff, csv, ics
    stored_at INTEGER NOT NULL,     -- when this version was stored
    ticket_id INTEGER,              -- tickets.id it became at check-in (NULL: not yet)
    checked_in_at INTEGER           -- Unix seconds of the check-in
);
-- One code per day: the kiosk finds today's appointment by its code alone,
-- and another day's to say which day it is for.
CREATE UNIQUE INDEX appointments_code ON appointments (code, day);
CREATE INDEX appointments_day ON appointments (day, start);
-- A service's booked appointments of a day (its capacity), counted by an
-- index range, not a walk over the day, however many an import brings.
CREATE INDEX appointments_booked ON appointments (day, service) WHERE status = 'booked';

-- The appointment a ticket was issued for (NULL: a walk-in), and the one an
-- attestation de passage names (too late, late = attestation). Plain columns,
-- not foreign keys: retention removes tickets, attestations and appointments
-- of the same old days in one transaction, in whatever order.
ALTER TABLE tickets ADD COLUMN appointment_id INTEGER;
ALTER TABLE attestations ADD COLUMN appointment_id INTEGER;

-- Appointment tickets per service and day: their own count, apart from the
-- walk-ins' ordinary and priority (each channel has its own capacity).
ALTER TABLE day_counts ADD COLUMN appointments INTEGER NOT NULL DEFAULT 0;
