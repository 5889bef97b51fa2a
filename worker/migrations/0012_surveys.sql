-- Satisfaction surveys: templates, schedules, runs, one invitation per customer per run (or
-- per closed complaint), and answers.

-- The language a customer is written to in (zh or en).
ALTER TABLE customers ADD COLUMN language TEXT NOT NULL DEFAULT 'zh';
-- When a customer was last invited to a survey ("not surveyed in the last N days").
ALTER TABLE customers ADD COLUMN last_surveyed_at INTEGER;

-- A template's questions as domain::questionnaire::Questionnaire JSON (title, questions).
CREATE TABLE survey_templates (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  questionnaire TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  updated_at    INTEGER NOT NULL,
  version       INTEGER NOT NULL DEFAULT 1
);
-- Settings: templates by name.
CREATE INDEX survey_templates_by_name ON survey_templates (name);

-- A schedule's cadence, audience, channel, quiet hours and link lifetime as
-- domain::survey::Schedule JSON; next_run_at is derived from it (NULL: not on a clock).
CREATE TABLE survey_schedules (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  template_id TEXT NOT NULL REFERENCES survey_templates (id),
  schedule    TEXT NOT NULL,
  -- 'clock' (quarterly, monthly, once) or 'after_complaint'.
  trigger     TEXT NOT NULL,
  active      INTEGER NOT NULL DEFAULT 1,
  next_run_at INTEGER,
  last_run_id TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1
);
-- Dispatch: schedules whose run is due.
CREATE INDEX survey_schedules_due ON survey_schedules (next_run_at) WHERE next_run_at IS NOT NULL;
-- Settings: schedules in the order they were made.
CREATE INDEX survey_schedules_by_created ON survey_schedules (created_at);
-- Closing a complaint: the active after-complaint schedules.
CREATE INDEX survey_schedules_by_trigger ON survey_schedules (trigger, active);

-- One run of a schedule for one scheduled instant (unique: an overlapping cron starts it once);
-- an after-complaint schedule has one run per month, which collects that month's invitations.
-- Dispatch walks the customers in id order; cursor is the last id it has looked at, so a run
-- resumes where the last chunk ended. The counters are kept with the writes that change them.
CREATE TABLE survey_runs (
  id            TEXT PRIMARY KEY,
  schedule_id   TEXT NOT NULL REFERENCES survey_schedules (id),
  template_id   TEXT NOT NULL REFERENCES survey_templates (id),
  scheduled_for INTEGER NOT NULL,
  started_at    INTEGER NOT NULL,
  finished_at   INTEGER,
  cursor        TEXT NOT NULL DEFAULT '',
  looked_at     INTEGER NOT NULL DEFAULT 0,
  invited       INTEGER NOT NULL DEFAULT 0,
  delivered     INTEGER NOT NULL DEFAULT 0,
  answered      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (schedule_id, scheduled_for)
);
-- Dispatch: the runs still inviting.
CREATE INDEX survey_runs_unfinished ON survey_runs (started_at) WHERE finished_at IS NULL;
-- Results: a schedule's runs, newest first.
CREATE INDEX survey_runs_by_schedule ON survey_runs (schedule_id, scheduled_for);

-- An invitation: the link's token is stored only as its SHA-256 (token_hash). Single-use
-- (answered_at), expiring (expires_at). A scheduled run invites a customer once (run_id,
-- customer_id); a closed complaint is asked about once (case_id).
CREATE TABLE survey_invitations (
  id          TEXT PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,
  run_id      TEXT REFERENCES survey_runs (id),
  schedule_id TEXT NOT NULL REFERENCES survey_schedules (id),
  template_id TEXT NOT NULL REFERENCES survey_templates (id),
  customer_id TEXT NOT NULL REFERENCES customers (id),
  case_id     TEXT REFERENCES cases (id),
  channel     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  answered_at INTEGER
);
CREATE UNIQUE INDEX survey_invitations_once_per_run ON survey_invitations (run_id, customer_id) WHERE case_id IS NULL;
CREATE UNIQUE INDEX survey_invitations_once_per_case ON survey_invitations (case_id) WHERE case_id IS NOT NULL;

-- An answered survey: the answers as domain::questionnaire::Answer JSON, and their scores.
-- low = CSAT ≤ 2 or NPS ≤ 6; recovery_case_id is the follow-up opened for it.
CREATE TABLE survey_answers (
  id               TEXT PRIMARY KEY,
  invitation_id    TEXT NOT NULL UNIQUE REFERENCES survey_invitations (id),
  run_id           TEXT REFERENCES survey_runs (id),
  schedule_id      TEXT NOT NULL REFERENCES survey_schedules (id),
  customer_id      TEXT NOT NULL REFERENCES customers (id),
  case_id          TEXT REFERENCES cases (id),
  answers          TEXT NOT NULL,
  csat             INTEGER,
  nps              INTEGER,
  comment          TEXT,
  low              INTEGER NOT NULL DEFAULT 0,
  recovery_case_id TEXT REFERENCES cases (id),
  created_at       INTEGER NOT NULL
);
-- Results: a run's answers, newest first.
CREATE INDEX survey_answers_by_run ON survey_answers (run_id, created_at);
-- Results: the answers worth reading (a low score or a comment), newest first.
CREATE INDEX survey_answers_notable ON survey_answers (run_id, created_at) WHERE low = 1 OR comment IS NOT NULL;
-- A customer's profile: their answers, newest first.
CREATE INDEX survey_answers_by_customer ON survey_answers (customer_id, created_at);

-- How often each answer value was given in a run, kept with each answer: results read these
-- few rows, never every answer. value is the score, or the option's index.
CREATE TABLE survey_tallies (
  run_id   TEXT NOT NULL REFERENCES survey_runs (id),
  question TEXT NOT NULL,
  value    INTEGER NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (run_id, question, value)
);

-- A survey message in the outbox knows its invitation, so delivery counts it on the run.
ALTER TABLE outbox ADD COLUMN invitation_id TEXT REFERENCES survey_invitations (id);
