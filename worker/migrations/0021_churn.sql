-- Churn (issue 8): a customer who ends their relationship with the institution is recorded on
-- their profile (when, and why: domain::customer::LeaveReason), audited, and counted on the
-- dashboard on that day (domain::stats::Tally::customers_left), the institution's figure rather
-- than a team's. Recording it again or taking it back marks the days it moves, like the cases'
-- own instants (0016).
ALTER TABLE customers ADD COLUMN left_at INTEGER;
ALTER TABLE customers ADD COLUMN leave_reason TEXT;

-- The day's facts (db::stats::facts), and the list of the customers who left in a period (the
-- dashboard's drill-down), a page at a time by (left_at, id).
CREATE INDEX customers_by_left ON customers (left_at, id) WHERE left_at IS NOT NULL;

CREATE TRIGGER customers_stats_on_insert AFTER INSERT ON customers
WHEN NEW.left_at IS NOT NULL
BEGIN
  INSERT INTO stats_dirty (hour) VALUES (NEW.left_at / 3600000)
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;

CREATE TRIGGER customers_stats_on_left AFTER UPDATE OF left_at ON customers
WHEN OLD.left_at IS NOT NEW.left_at
BEGIN
  INSERT INTO stats_dirty (hour)
  VALUES (COALESCE(OLD.left_at, NEW.left_at) / 3600000), (COALESCE(NEW.left_at, OLD.left_at) / 3600000)
  ON CONFLICT (hour) DO UPDATE SET marks = marks + 1;
END;
