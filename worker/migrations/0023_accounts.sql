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

-- The audit search (GET /api/audit): newest first overall, by who acted, by what was done.
-- The id is the order events were written in.
CREATE INDEX audit_events_by_actor ON audit_events (actor_id, id);
CREATE INDEX audit_events_by_action ON audit_events (action, id);
