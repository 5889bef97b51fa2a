-- What a complaint must record for its regulator: when its current step started, pauses (in
-- case_pauses), extensions, the outcome with root cause and redress, what the customer was told
-- and thought, merges and review requests.
ALTER TABLE cases ADD COLUMN step_started_at INTEGER;
ALTER TABLE cases ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN extension TEXT NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN outcome TEXT;
ALTER TABLE cases ADD COLUMN root_cause TEXT;
ALTER TABLE cases ADD COLUMN prevention TEXT;
ALTER TABLE cases ADD COLUMN redress_type TEXT;
ALTER TABLE cases ADD COLUMN redress_amount INTEGER;
ALTER TABLE cases ADD COLUMN customer_informed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN customer_opinion TEXT;
ALTER TABLE cases ADD COLUMN closed_at INTEGER;
ALTER TABLE cases ADD COLUMN merged_into TEXT REFERENCES cases (id);

-- Every pause of a case's clocks, with its reason. The open one has no end.
CREATE TABLE case_pauses (
  case_id   TEXT NOT NULL REFERENCES cases (id),
  from_at   INTEGER NOT NULL,
  to_at     INTEGER,
  reason    TEXT NOT NULL,
  PRIMARY KEY (case_id, from_at)
);

-- Complaints already open get the start of their current step.
UPDATE cases SET step_started_at = created_at WHERE kind = 'complaint' AND step IS NOT NULL;

-- A step-change event records the step the complaint moved to.
ALTER TABLE case_events ADD COLUMN step TEXT;
