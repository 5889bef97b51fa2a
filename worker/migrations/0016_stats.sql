-- The dashboard's daily tallies (issue 8): what each day contributed, per team and per agent,
-- kept by the hourly job so a period is read as O(days) rows, not O(cases).
-- domain::stats says on which day each figure counts a case.

-- One day's tally for one owner: grain 'team' (owner: the assignee's team id, '' for unassigned
-- cases and general surveys) or 'agent' (owner: the assignee's id). tally is
-- domain::stats::Tally as JSON. Days are the institution's (YYYY-MM-DD in its zone).
CREATE TABLE stats_daily (
  grain TEXT NOT NULL,
  day   TEXT NOT NULL,
  owner TEXT NOT NULL,
  tally TEXT NOT NULL,
  PRIMARY KEY (grain, day, owner)
) WITHOUT ROWID;

-- How far the hourly job has tallied: every day up to and including `through` is stored (NULL:
-- none yet). Later days are tallied live when the dashboard reads them.
CREATE TABLE stats_progress (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  through TEXT
);
INSERT INTO stats_progress (id, through) VALUES (1, NULL);

-- Hours (epoch ms / 3,600,000) holding an instant a changed case or a new answer counts on:
-- the stored tally of that hour's day may be out of date. The dashboard tallies such days live;
-- the hourly job tallies them again and removes the mark, but only if no change marked the
-- hour again meanwhile (marks counts the marks).
CREATE TABLE stats_dirty (
  hour  INTEGER PRIMARY KEY,
  marks INTEGER NOT NULL DEFAULT 1
);

-- A case counts on the days of these instants. NULL instants fall back to created_at, which is
-- marked anyway.
CREATE TRIGGER cases_stats_on_insert AFTER INSERT ON cases
BEGIN
  INSERT INTO stats_dirty (hour)
  VALUES (NEW.created_at / 3600000), (NEW.first_response_due_at / 3600000), (NEW.resolution_due_at / 3600000),
         (COALESCE(NEW.regulatory_due_at, NEW.created_at) / 3600000)
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;

-- Only changes to what a tally reads, each marking only the days it can move (a reply marks its
-- first response's due day, not the day the case came in); the sweep's own bookkeeping
-- (alerted, next_check_at, sla_warned) marks nothing, nor does a write that sets a column to
-- the value it had. NULL instants fall back to one marked anyway.
-- Who and what the case is: every day it counts on.
CREATE TRIGGER cases_stats_on_owner AFTER UPDATE OF kind, category, assignee_id, merged_into ON cases
WHEN OLD.kind IS NOT NEW.kind OR OLD.category IS NOT NEW.category OR OLD.assignee_id IS NOT NEW.assignee_id
  OR OLD.merged_into IS NOT NEW.merged_into
BEGIN
  INSERT INTO stats_dirty (hour)
  VALUES (OLD.created_at / 3600000), (OLD.first_response_due_at / 3600000), (OLD.resolution_due_at / 3600000),
         (COALESCE(OLD.regulatory_due_at, OLD.created_at) / 3600000), (COALESCE(OLD.closed_at, OLD.created_at) / 3600000)
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;

-- The first-response clock counts on its due day.
CREATE TRIGGER cases_stats_on_first_response AFTER UPDATE OF first_response_due_at, first_responded_at ON cases
WHEN OLD.first_response_due_at IS NOT NEW.first_response_due_at OR OLD.first_responded_at IS NOT NEW.first_responded_at
BEGIN
  INSERT INTO stats_dirty (hour) VALUES (OLD.first_response_due_at / 3600000), (NEW.first_response_due_at / 3600000)
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;

-- The resolution and regulatory clocks count on their due days, a complaint's outcome on its
-- close day.
CREATE TRIGGER cases_stats_on_resolution
AFTER UPDATE OF resolution_due_at, resolved_at, regulatory_due_at, closed_at, outcome, root_cause, redress_amount, unreachable ON cases
WHEN OLD.resolution_due_at IS NOT NEW.resolution_due_at OR OLD.resolved_at IS NOT NEW.resolved_at
  OR OLD.regulatory_due_at IS NOT NEW.regulatory_due_at OR OLD.closed_at IS NOT NEW.closed_at OR OLD.outcome IS NOT NEW.outcome
  OR OLD.root_cause IS NOT NEW.root_cause OR OLD.redress_amount IS NOT NEW.redress_amount OR OLD.unreachable IS NOT NEW.unreachable
BEGIN
  INSERT INTO stats_dirty (hour)
  VALUES (OLD.resolution_due_at / 3600000), (NEW.resolution_due_at / 3600000),
         (COALESCE(OLD.regulatory_due_at, OLD.resolution_due_at) / 3600000), (COALESCE(NEW.regulatory_due_at, NEW.resolution_due_at) / 3600000),
         (COALESCE(OLD.closed_at, OLD.resolution_due_at) / 3600000), (COALESCE(NEW.closed_at, NEW.resolution_due_at) / 3600000)
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;

CREATE TRIGGER survey_answers_stats_on_insert AFTER INSERT ON survey_answers
BEGIN
  INSERT INTO stats_dirty (hour) VALUES (NEW.created_at / 3600000)
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;

-- Reading one day's facts: the cases with an instant on it, one range of one index each.
CREATE INDEX cases_by_created ON cases (created_at);
CREATE INDEX cases_by_first_response_due ON cases (first_response_due_at);
CREATE INDEX cases_by_resolution_due ON cases (resolution_due_at);
CREATE INDEX cases_by_regulatory_due ON cases (regulatory_due_at) WHERE regulatory_due_at IS NOT NULL;
CREATE INDEX cases_by_kind_closed ON cases (kind, closed_at);
CREATE INDEX survey_answers_by_created ON survey_answers (created_at);
