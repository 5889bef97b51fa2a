-- Accounts as admins manage them: a version so two admins' edits cannot overwrite each other,
-- when each person last signed in (dormant accounts stand out), and the links that set a
-- password. An account whose password_hash is '' has no password yet (invited, or reset by an
-- admin): nothing signs it in until its link is used.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;

CREATE TABLE password_links (
  -- SHA-256 of the e-mailed token: a leaked table sets no one's password.
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users (id),
  purpose     TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER
);
-- A new link ends the person's earlier unused ones.
CREATE INDEX password_links_open ON password_links (user_id) WHERE used_at IS NULL;

-- The audit search (GET /api/audit), newest first: by who acted, by what was done, or all of
-- it (each index ends in the row id, so (at, id) order is the index's own). By record it is
-- audit_events_by_entity (0001).
CREATE INDEX audit_events_by_actor ON audit_events (actor_id, at);
CREATE INDEX audit_events_by_action ON audit_events (action, at);
CREATE INDEX audit_events_by_at ON audit_events (at);
