-- The follow-up figures by reason and by product (domain::stats::FollowUpCounts) are read with
-- each follow-up's resolution clock: the days already stored were tallied without them, so each
-- follow-up's due hour is marked to be tallied again (the hourly job clears the marks).
INSERT INTO stats_dirty (hour)
SELECT DISTINCT resolution_due_at / 3600000 FROM cases WHERE kind = 'follow_up'
ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
