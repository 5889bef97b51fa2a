-- Follow-up planning: when the hourly planner should next look at each customer, the key that
-- makes each planned follow-up unique, unreachable follow-ups, and the outcome of call logs.

-- Set when a customer is created (or a complaint of theirs closes) and by the planner after
-- each look; the planner reads only customers whose time has come.
ALTER TABLE customers ADD COLUMN next_plan_at INTEGER;
CREATE INDEX customers_next_plan ON customers (next_plan_at) WHERE next_plan_at IS NOT NULL;
UPDATE customers SET next_plan_at = created_at;

-- customer:reason:period — a repeated or overlapping planning run cannot create a follow-up twice.
ALTER TABLE cases ADD COLUMN follow_up_key TEXT;
CREATE UNIQUE INDEX cases_by_follow_up_key ON cases (follow_up_key) WHERE follow_up_key IS NOT NULL;
-- A follow-up closed because the customer could not be reached in the allowed attempts.
ALTER TABLE cases ADD COLUMN unreachable INTEGER NOT NULL DEFAULT 0;

-- For a call log: reached or unreachable.
ALTER TABLE case_events ADD COLUMN call_outcome TEXT;
