-- Reports (issue 8): the dashboard's drill-down, the complaint return and agent scorecards.
--
-- A figure opens the cases behind it, listed in the order of the date the figure counts them
-- by, one keyset page at a time. The indexes 0016 added for the daily tallies become (date, id),
-- so such a list walks one of them in order, reading the period's range and nothing else, and
-- its cursor is (date, id) like the queue's.
DROP INDEX cases_by_created;
CREATE INDEX cases_by_created ON cases (created_at, id);
DROP INDEX cases_by_first_response_due;
CREATE INDEX cases_by_first_response_due ON cases (first_response_due_at, id);
DROP INDEX cases_by_resolution_due;
CREATE INDEX cases_by_resolution_due ON cases (resolution_due_at, id);
DROP INDEX cases_by_regulatory_due;
CREATE INDEX cases_by_regulatory_due ON cases (regulatory_due_at, id) WHERE regulatory_due_at IS NOT NULL;
DROP INDEX cases_by_kind_closed;
CREATE INDEX cases_by_kind_closed ON cases (kind, closed_at, id);

-- Daily tallies now hold the complaint return's rows too (domain::stats::ReturnCounts): the
-- hourly job tallies every day again from the start; until it has, reports tally the days it
-- has not stored live, as they do today's.
DELETE FROM stats_daily;
DELETE FROM stats_progress;
