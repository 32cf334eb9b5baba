-- 014 (PostgreSQL): appointment tickets in the calling order. As
-- db/014_appointment_calls.sql.
ALTER TABLE streaks ADD COLUMN appt_streak bigint NOT NULL DEFAULT 0;

-- appointment_streak, kept after "checkin_before checkin_after late".
UPDATE site SET appointments = appointments || ' 3';

CREATE INDEX tickets_appt_waiting ON tickets (day, queue, appointment_id)
    WHERE state = 'waiting' AND appointment_id IS NOT NULL;
