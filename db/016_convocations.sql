-- 016: convocations for a later day (issue #13). When today's walk-in places
-- are gone, an applicant is given a place on a later open day, in a time
-- window, instead of only an attestation de passage. A convocation is two
-- rows: the attestation (its serial, its signed token, the chain of earlier
-- attempts: it is also a proof of visit, outcome 'convocation') and an
-- appointment row (source 'convocation') for its day and window, so that the
-- one appointment check-in finds it and the counter calls it like an
-- appointment. The holder's document number is kept only as the keyed hash
-- appointments use, under the key of the convocation's own day (day_keys):
-- retention removes it with that day's key.

-- [service X] convocations = N (places per open day), convocation_days = D
-- (the horizon), convocation_window = M (minutes per window).
ALTER TABLE services ADD COLUMN convocations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN convocation_days INTEGER NOT NULL DEFAULT 14;
ALTER TABLE services ADD COLUMN convocation_window INTEGER NOT NULL DEFAULT 60;

-- A convocation's place on its day, 0 to N-1 (NULL: any other appointment).
-- Places are filled in order; a cancelled convocation's place is free again.
ALTER TABLE appointments ADD COLUMN slot INTEGER;
-- Why staff cancelled it ('' when not cancelled by staff).
ALTER TABLE appointments ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX appointments_convocation_slot ON appointments (day, service, slot)
    WHERE slot IS NOT NULL AND status = 'booked';
