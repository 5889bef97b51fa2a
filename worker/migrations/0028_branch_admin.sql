-- Admins keep branches and services (issue 10): a service can be retired and is edited under
-- its version like every other record; an appointment's messages know their appointment, so
-- the customer's personal-data export finds them and erasure empties them.
ALTER TABLE services ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE services ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE outbox ADD COLUMN appointment_id TEXT REFERENCES appointments (id);
-- Messages already written name their appointment in their dedupe key: "appointment:<id>:...".
UPDATE outbox SET appointment_id = substr(dedupe_key, 13, instr(substr(dedupe_key, 13), ':') - 1)
  WHERE dedupe_key LIKE 'appointment:%:%';
-- A customer's appointment messages (the export, erasure).
CREATE INDEX outbox_by_appointment ON outbox (appointment_id) WHERE appointment_id IS NOT NULL;
