-- Kefu's first schema: staff and sessions, customers and what they hold, cases and their timeline.
-- Times are INTEGER epoch milliseconds (UTC). Booleans are INTEGER 0/1. Enum values are the
-- snake_case text of domain's enums. An applied migration is never edited; add a new one.

CREATE TABLE teams (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  -- Comma-separated category codes this team's agents are skilled in.
  skills     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
  team_id       TEXT REFERENCES teams (id),
  skills        TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  -- SHA-256 of the cookie's token: a leaked table does not sign anyone in.
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users (id),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE customers (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  phone          TEXT,
  phone_last4    TEXT,
  email          TEXT COLLATE NOCASE,
  gender         TEXT,
  birth_year     INTEGER,
  occupation     TEXT,
  income_band    TEXT,
  segment        TEXT NOT NULL DEFAULT 'mass',
  lifecycle      TEXT NOT NULL DEFAULT 'new',
  risk_tolerance TEXT,
  consent_contact INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL
);
-- Customer search: name prefix, last four phone digits, exact e-mail.
CREATE INDEX customers_by_name ON customers (name);
CREATE INDEX customers_by_phone ON customers (phone_last4);
CREATE INDEX customers_by_email ON customers (email);

CREATE TABLE products (
  code    TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  kind    TEXT NOT NULL
);

CREATE TABLE customer_products (
  customer_id  TEXT NOT NULL REFERENCES customers (id),
  product_code TEXT NOT NULL REFERENCES products (code),
  since        INTEGER NOT NULL,
  PRIMARY KEY (customer_id, product_code)
);

CREATE TABLE cases (
  id                    TEXT PRIMARY KEY,
  -- The reference agents read out (KF000123) is formatted from seq by domain::case::reference.
  seq                   INTEGER NOT NULL UNIQUE,
  kind                  TEXT NOT NULL,
  channel               TEXT NOT NULL,
  category              TEXT NOT NULL,
  complexity            TEXT NOT NULL,
  status                TEXT NOT NULL,
  customer_id           TEXT NOT NULL REFERENCES customers (id),
  assignee_id           TEXT REFERENCES users (id),
  subject               TEXT NOT NULL,
  description           TEXT NOT NULL,
  created_by            TEXT REFERENCES users (id),
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  first_response_due_at INTEGER NOT NULL,
  first_responded_at    INTEGER,
  resolution_due_at     INTEGER NOT NULL,
  resolved_at           INTEGER,
  -- Derived by domain::sla from the columns above, stored so the queue can use an index:
  -- whether the case is open, the deadline it is judged by now, and when that turns due soon.
  is_open               INTEGER NOT NULL,
  sla_due_at            INTEGER NOT NULL,
  sla_due_soon_at       INTEGER NOT NULL,
  step                  TEXT,
  step_due_at           INTEGER,
  regulatory_due_at     INTEGER,
  version               INTEGER NOT NULL DEFAULT 1
);
-- Queue views, each sorted by the next deadline (keyset on sla_due_at, id).
CREATE INDEX cases_open_by_due ON cases (is_open, sla_due_at, id);
CREATE INDEX cases_assignee_open_by_due ON cases (assignee_id, is_open, sla_due_at, id);
CREATE INDEX cases_kind_open_by_due ON cases (kind, is_open, sla_due_at, id);
CREATE INDEX cases_status_by_due ON cases (status, sla_due_at, id);
-- A customer's cases, newest first.
CREATE INDEX cases_by_customer ON cases (customer_id, created_at);

-- A case's timeline. Append-only: a change to a case is a new event, never an edit.
CREATE TABLE case_events (
  id         TEXT PRIMARY KEY,
  case_id    TEXT NOT NULL REFERENCES cases (id),
  type       TEXT NOT NULL,
  body       TEXT NOT NULL DEFAULT '',
  author_id  TEXT REFERENCES users (id),
  created_at INTEGER NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id, created_at, id);
CREATE TRIGGER case_events_append_only_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_append_only_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;

-- Who did what outside a case's own timeline (sign-ins, customer records). Append-only too.
CREATE TABLE audit_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  actor_id   TEXT,
  action     TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_id  TEXT
);
CREATE INDEX audit_events_by_entity ON audit_events (entity, entity_id, at);
CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
