-- The queue filtered by assignee alone (`GET /api/cases?assignee=<id>`, no status): an agent's
-- whole history, open and closed, in deadline order. 0014 gave kind, channel and category their
-- every-status index; the assignee had only the open one (cases_assignee_open_by_due), so this
-- list sorted all of an agent's cases. Found by the generated-request fuzz.
CREATE INDEX cases_assignee_by_due ON cases (assignee_id, sla_due_at, id);
