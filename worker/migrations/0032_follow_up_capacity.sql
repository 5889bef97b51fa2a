-- Follow-up planning at bank scale: the planner takes customers due a look most urgent first
-- (domain::follow_up::rank), and creates no more follow-ups in a day than the agents can make.

-- Counts up when a complaint of the customer's closes (its follow-up never waits); the planner
-- clears it with its look, unless it counted up again meanwhile (the look then missed that one).
ALTER TABLE customers ADD COLUMN plan_urgent INTEGER NOT NULL DEFAULT 0;
-- The customer's place in the planner's order, as domain::follow_up::rank computes it.
ALTER TABLE customers ADD COLUMN plan_rank INTEGER GENERATED ALWAYS AS (
  CASE WHEN plan_urgent > 0 THEN 0 WHEN lifecycle = 'new' THEN 1 WHEN segment = 'private' THEN 2
       WHEN segment = 'affluent' THEN 3 ELSE 4 END) VIRTUAL;
-- Customers due a look, one rank at a time, longest waiting first.
DROP INDEX customers_next_plan;
CREATE INDEX customers_next_plan ON customers (plan_rank, next_plan_at) WHERE next_plan_at IS NOT NULL;

-- When each follow-up was created, for the count of today's (the day's capacity).
ALTER TABLE follow_ups ADD COLUMN created_at INTEGER;
UPDATE follow_ups SET created_at = (SELECT c.created_at FROM cases c WHERE c.id = follow_ups.case_id);
CREATE INDEX follow_ups_by_created ON follow_ups (created_at);
