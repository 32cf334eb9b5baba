-- 014: appointment tickets in the calling order (issue #12, docs/QUEUE.md
-- "Call next"): an appointment ticket whose start has come is called before
-- the walk-ins of its service, within a streak rule of its own.

-- Per service and day, next to the priority streak: appointment tickets
-- called in a row (after `appointment_streak` of them, one walk-in).
ALTER TABLE streaks ADD COLUMN appt_streak INTEGER NOT NULL DEFAULT 0;

-- The site file's [appointments] appointment_streak (1 to 20), kept after
-- "checkin_before checkin_after late" in site.appointments.
UPDATE site SET appointments = appointments || ' 3';

-- The appointment lane's head: a service's waiting appointment tickets,
-- found by an index range however many walk-ins wait (a queue has few of
-- them; they are then ordered by their appointment's start).
CREATE INDEX tickets_appt_waiting ON tickets (day, queue, appointment_id)
    WHERE state = 'waiting' AND appointment_id IS NOT NULL;
