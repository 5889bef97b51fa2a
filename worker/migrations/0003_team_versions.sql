-- Teams and their skills are edited in settings; concurrent edits are caught by version.
ALTER TABLE teams ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
