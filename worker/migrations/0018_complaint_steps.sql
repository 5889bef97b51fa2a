-- Complaint steps on the dashboard (issue 8): each step's attainment (ended by its deadline)
-- and how long steps take.
--
-- A complaint's current step is on the case (step, step_started_at, step_due_at). Each step it
-- leaves — moving on, closing, being merged — is kept here, written in the batch of the move
-- that ended it, and never changed after. Steps left before this migration were not kept: the
-- tallies count them from here on.
CREATE TABLE complaint_steps (
  case_id    TEXT NOT NULL REFERENCES cases (id),
  step       TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  due_at     INTEGER,
  ended_at   INTEGER NOT NULL,
  PRIMARY KEY (case_id, started_at, step)
);

-- A step's clock counts on its due day like the other clocks (domain::stats): the steps left
-- by their deadline, and the current steps by theirs.
CREATE INDEX complaint_steps_by_due ON complaint_steps (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX cases_by_step_due ON cases (step_due_at) WHERE step_due_at IS NOT NULL;

-- Marks for the hourly job (0016_stats.sql): a step left marks its due day; a current step's
-- deadline moving (a new step, a pause) marks the old day and the new.
CREATE TRIGGER complaint_steps_stats_on_insert AFTER INSERT ON complaint_steps
WHEN NEW.due_at IS NOT NULL
BEGIN
  INSERT INTO stats_dirty (hour) VALUES (NEW.due_at / 3600000)
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;

CREATE TRIGGER cases_stats_on_step AFTER UPDATE OF step_due_at ON cases
WHEN OLD.step_due_at IS NOT NEW.step_due_at
BEGIN
  INSERT INTO stats_dirty (hour)
  VALUES (COALESCE(OLD.step_due_at, NEW.step_due_at) / 3600000), (COALESCE(NEW.step_due_at, OLD.step_due_at) / 3600000)
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;

-- Steps count for the team of the complaint's assignee and not at all once merged, like the
-- complaint's other figures: a new assignee or a merge marks every step's day.
CREATE TRIGGER cases_steps_stats_on_owner AFTER UPDATE OF assignee_id, merged_into ON cases
WHEN NEW.kind = 'complaint' AND (OLD.assignee_id IS NOT NEW.assignee_id OR OLD.merged_into IS NOT NEW.merged_into)
BEGIN
  INSERT INTO stats_dirty (hour)
  SELECT due_at / 3600000 FROM complaint_steps WHERE case_id = NEW.id AND due_at IS NOT NULL
  UNION SELECT OLD.step_due_at / 3600000 WHERE OLD.step_due_at IS NOT NULL
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;

-- Daily tallies now hold the steps (domain::stats::Tally::steps): the hourly job tallies every
-- day again from the start. The job's progress is one row (0016) it only ever updates: 0017
-- deleted it, and the job, finding nothing to update, stored its first days again and again
-- (the dashboard stayed exact, tallying every day live). Put back as "nothing stored yet".
DELETE FROM stats_daily;
INSERT INTO stats_progress (id, through) VALUES (1, NULL) ON CONFLICT (id) DO UPDATE SET through = NULL;
