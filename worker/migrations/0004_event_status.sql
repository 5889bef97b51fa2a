-- A status-change event records the status the case moved to, so every language can show it.
ALTER TABLE case_events ADD COLUMN status TEXT;
