-- Settings admins edit: the business calendar, SLA policies, the regulatory regime, classifier
-- phrases and follow-up rules. Each value is the JSON of its domain type; a missing row means
-- the institution's default. `version` guards concurrent edits.
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  version    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT REFERENCES users (id)
);
