-- Performance at bank scale (issue 7): what the plan test (tests/tests/plans.rs) and the
-- benchmark asked for.

-- A customer's cases in the queue's order (soonest deadline first), as their profile lists them;
-- follow-up planning still finds a customer's cases by the customer_id prefix.
DROP INDEX cases_by_customer;
CREATE INDEX cases_by_customer ON cases (customer_id, sla_due_at, id);

-- A customer's products, oldest holding first, on their profile.
CREATE INDEX customer_products_by_customer ON customer_products (customer_id, since);

-- The queue narrowed by kind, channel or category over every status (the API allows it; the
-- app always adds a status): in deadline order without sorting the whole history.
CREATE INDEX cases_kind_by_due ON cases (kind, sla_due_at, id);
CREATE INDEX cases_channel_by_due ON cases (channel, sla_due_at, id);
CREATE INDEX cases_category_by_due ON cases (category, sla_due_at, id);

-- Routing weighs each agent's open cases. Instead of counting them on every new case, each
-- case carries its weight (domain::routing::weight, fixed at registration: kind and complexity
-- never change) and each user the sum over their open cases, kept by triggers on every write.
ALTER TABLE cases ADD COLUMN load_weight INTEGER NOT NULL DEFAULT 1;
UPDATE cases SET load_weight = CASE WHEN kind = 'complaint' THEN 3 WHEN complexity = 'complex' THEN 2 ELSE 1 END;
ALTER TABLE users ADD COLUMN open_load INTEGER NOT NULL DEFAULT 0;
UPDATE users SET open_load = (SELECT COALESCE(SUM(c.load_weight), 0) FROM cases c WHERE c.assignee_id = users.id AND c.is_open = 1);

CREATE TRIGGER cases_load_on_insert AFTER INSERT ON cases
WHEN NEW.is_open = 1 AND NEW.assignee_id IS NOT NULL
BEGIN
  UPDATE users SET open_load = open_load + NEW.load_weight WHERE id = NEW.assignee_id;
END;

CREATE TRIGGER cases_load_on_update AFTER UPDATE OF assignee_id, is_open ON cases
WHEN OLD.assignee_id IS NOT NEW.assignee_id OR OLD.is_open IS NOT NEW.is_open
BEGIN
  UPDATE users SET open_load = open_load - OLD.load_weight WHERE id = OLD.assignee_id AND OLD.is_open = 1;
  UPDATE users SET open_load = open_load + NEW.load_weight WHERE id = NEW.assignee_id AND NEW.is_open = 1;
END;
