-- 016 (PostgreSQL): convocations for a later day. As db/016_convocations.sql.
ALTER TABLE services ADD COLUMN convocations bigint NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN convocation_days bigint NOT NULL DEFAULT 14;
ALTER TABLE services ADD COLUMN convocation_window bigint NOT NULL DEFAULT 60;

ALTER TABLE appointments ADD COLUMN slot bigint;
ALTER TABLE appointments ADD COLUMN cancel_reason text COLLATE "C" NOT NULL DEFAULT '';
CREATE UNIQUE INDEX appointments_convocation_slot ON appointments (day, service, slot)
    WHERE slot IS NOT NULL AND status = 'booked';
