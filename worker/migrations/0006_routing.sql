-- Routing skips agents who are away and rotates among equals by who was assigned longest ago.
ALTER TABLE users ADD COLUMN away INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_assigned_at INTEGER;
