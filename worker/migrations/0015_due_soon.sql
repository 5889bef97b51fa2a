-- The "due soon" queue (issue 7): open cases whose warning instant has passed and whose deadline
-- has not. Two ranges on one index cannot pick out an interval that contains now, so the SLA
-- sweep, which visits every open case at its warning instant (cases_next_check), remembers it:
-- sla_warned = 1 once the sweep found the case past sla_due_soon_at.
--
-- The queue stays exact whatever sla_warned says (db/cases.rs checks both instants in both
-- parts); the column only bounds what each part reads:
--   * warned cases, in deadline order, from now on: the cases due soon, plus any whose warning
--     an edit moved since the last sweep;
--   * unwarned cases whose warning has passed: those since the last sweep (every 5 minutes).
ALTER TABLE cases ADD COLUMN sla_warned INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET sla_warned = 1 WHERE is_open = 1 AND alerted <> 'none';
CREATE INDEX cases_warned_by_due ON cases (is_open, sla_warned, sla_due_at, id);
CREATE INDEX cases_warning_unswept ON cases (sla_due_soon_at) WHERE is_open = 1 AND sla_warned = 0;
