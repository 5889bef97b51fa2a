-- The complaint-step figure's drill-down (issue 8): the complaints whose steps were due in a
-- period, listed by the step's deadline and then the case's id like every drill-down (0017).
-- The two indexes the step facts read (0018) gain the case's id, so the list and its cursor
-- walk them in order with no sort; the facts read the same ranges as before.
DROP INDEX complaint_steps_by_due;
CREATE INDEX complaint_steps_by_due ON complaint_steps (due_at, case_id) WHERE due_at IS NOT NULL;
DROP INDEX cases_by_step_due;
CREATE INDEX cases_by_step_due ON cases (step_due_at, id) WHERE step_due_at IS NOT NULL;
