-- 006 (PostgreSQL): what each kiosk's printer said last. As db/006_device_printer.sql.
ALTER TABLE devices ADD COLUMN printer_at bigint;                  -- Unix seconds of the last report
ALTER TABLE devices ADD COLUMN printer_status text COLLATE "C";    -- confirmed, unconfirmed, failed
ALTER TABLE devices ADD COLUMN printer_reason text COLLATE "C";    -- the printer's sentence, if any
