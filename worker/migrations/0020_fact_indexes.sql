-- The dashboard's live day (issue 7). Today's tallies are read from its facts on every
-- dashboard request, and the two largest kinds on a big desk's day are the cases received and
-- the first responses due (thousands each). Their indexes now hold every column those reads
-- take (db::stats::facts), so each is one walk of an index range with no look-up of the case
-- row per fact. They stay (date, id) first, so the drill-down lists (0017) walk them as before.
DROP INDEX cases_by_created;
CREATE INDEX cases_by_created ON cases (created_at, id, kind, category, assignee_id, merged_into);
DROP INDEX cases_by_first_response_due;
CREATE INDEX cases_by_first_response_due ON cases (first_response_due_at, id, first_responded_at, created_at, assignee_id, merged_into);

-- The queue with no filter at all (every case, soonest deadline first): the API allows it and
-- the app never asks it, but at a million cases it sorted the whole table (1.8 s).
CREATE INDEX cases_by_due ON cases (sla_due_at, id);
