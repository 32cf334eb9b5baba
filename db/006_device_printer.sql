-- 006: what each kiosk's printer said last, for /health and the manager's
-- device list. Written by the kiosk's print report, in its transaction.
ALTER TABLE devices ADD COLUMN printer_at INTEGER;      -- Unix seconds of the last report
ALTER TABLE devices ADD COLUMN printer_status TEXT;     -- confirmed, unconfirmed, failed
ALTER TABLE devices ADD COLUMN printer_reason TEXT;     -- the printer's sentence, if any
