-- Queue views by channel and by category, each sorted by the next deadline.
CREATE INDEX cases_channel_open_by_due ON cases (channel, is_open, sla_due_at, id);
CREATE INDEX cases_category_open_by_due ON cases (category, is_open, sla_due_at, id);
-- "My team": the members of a team.
CREATE INDEX users_by_team ON users (team_id);
