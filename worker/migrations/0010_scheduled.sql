-- Scheduled work: what the SLA sweep has announced and when to look at a case again, the
-- outbox of notifications, and the log of cron runs.

-- How far alerts went for the deadline in alerted_due (sla_due_at when they were raised), the
-- complaint step whose breach was announced, and the next instant anything can change.
-- Every write to a case sets next_check_at to its own time, so the next sweep re-evaluates it.
ALTER TABLE cases ADD COLUMN alerted TEXT NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN alerted_due INTEGER;
ALTER TABLE cases ADD COLUMN step_alerted TEXT;
ALTER TABLE cases ADD COLUMN next_check_at INTEGER;
-- The sweep reads only cases whose next check has come, oldest first.
CREATE INDEX cases_next_check ON cases (next_check_at) WHERE next_check_at IS NOT NULL;
UPDATE cases SET next_check_at = updated_at WHERE is_open = 1;

-- Messages to send: in-app (delivered when written), e-mail and SMS (delivered by the */5
-- cron through the configured provider). dedupe_key makes every cause send once, however many
-- runs see it. Written in the same batch as the event that caused them.
CREATE TABLE outbox (
  id               TEXT PRIMARY KEY,
  dedupe_key       TEXT NOT NULL UNIQUE,
  channel          TEXT NOT NULL CHECK (channel IN ('in_app', 'email', 'sms')),
  recipient_id     TEXT REFERENCES users (id),
  -- For messages to customers (surveys): their address; staff are reached through recipient_id.
  address          TEXT,
  kind             TEXT NOT NULL,
  case_id          TEXT REFERENCES cases (id),
  subject          TEXT NOT NULL,
  body             TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER,
  read_at          INTEGER
);
-- Delivery: pending messages whose attempt is due, oldest first.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
-- Dead letters for admins, newest first.
CREATE INDEX outbox_dead ON outbox (created_at) WHERE status = 'dead';
-- The bell: a user's in-app messages, newest first, and the unread ones.
CREATE INDEX outbox_inbox ON outbox (recipient_id, created_at) WHERE channel = 'in_app';
CREATE INDEX outbox_unread ON outbox (recipient_id) WHERE channel = 'in_app' AND read_at IS NULL;

-- One row per job per cron run: when, what it did (JSON counts), and any error.
CREATE TABLE job_runs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  cron         TEXT NOT NULL,
  job          TEXT NOT NULL,
  scheduled_at INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER NOT NULL,
  counts       TEXT NOT NULL DEFAULT '{}',
  error        TEXT
);
CREATE INDEX job_runs_by_start ON job_runs (started_at);
