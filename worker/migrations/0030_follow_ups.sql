-- Follow-ups (回访) as a workspace: products' suitability and cooling-off, each purchase, and the
-- follow-up side of every case of kind follow_up (why it is due, by when, how the calls went).

-- A product's risk level (1-5: R1-R5; NULL for what is no investment: cards, loans, deposits)
-- and cooling-off period in hours (犹豫期; NULL: none). Admins keep them; versioned.
ALTER TABLE products ADD COLUMN risk_level INTEGER CHECK (risk_level BETWEEN 1 AND 5);
ALTER TABLE products ADD COLUMN cooling_off_hours INTEGER CHECK (cooling_off_hours BETWEEN 1 AND 720);
ALTER TABLE products ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Each purchase, as the core banking system or an agent records it, with the product's level and
-- the customer's tolerance as they were then.
CREATE TABLE purchases (
  id                  TEXT PRIMARY KEY,
  customer_id         TEXT NOT NULL REFERENCES customers (id),
  product_code        TEXT NOT NULL REFERENCES products (code),
  purchased_at        INTEGER NOT NULL,
  channel             TEXT NOT NULL,
  amount              INTEGER,
  risk_level          INTEGER,
  risk_tolerance      TEXT,
  mismatch            INTEGER NOT NULL,
  cooling_off_ends_at INTEGER,
  follow_up_id        TEXT REFERENCES cases (id),
  created_by          TEXT REFERENCES users (id),
  created_at          INTEGER NOT NULL
);
-- A customer's purchases, newest first (the customer 360).
CREATE INDEX purchases_by_customer ON purchases (customer_id, purchased_at);
-- Suitability mismatches by when they were sold (supervisors' count).
CREATE INDEX purchases_mismatched ON purchases (purchased_at) WHERE mismatch = 1;

CREATE TABLE follow_ups (
  case_id             TEXT PRIMARY KEY REFERENCES cases (id),
  customer_id         TEXT NOT NULL REFERENCES customers (id),
  reason              TEXT NOT NULL CHECK (reason IN ('first_product', 'periodic', 'after_complaint', 'purchase')),
  purchase_id         TEXT REFERENCES purchases (id),
  product_code        TEXT,
  mismatch            INTEGER NOT NULL DEFAULT 0,
  -- When it must be made by: the cooling-off's end for such a product.
  due_at              INTEGER NOT NULL,
  cooling_off_ends_at INTEGER,
  -- When it may be called: planned, the next attempt, or the call-back's minute.
  ready_at            INTEGER NOT NULL,
  callback_at         INTEGER,
  -- Unanswered calls so far.
  attempts            INTEGER NOT NULL DEFAULT 0,
  last_outcome        TEXT,
  last_attempt_at     INTEGER,
  satisfaction        INTEGER,
  -- NULL while open; done, refused, unreachable or no_consent.
  ending              TEXT,
  -- The case's, kept by the triggers below.
  assignee_id         TEXT
);
-- The call list: one person's open follow-ups by when they may be called.
CREATE INDEX follow_ups_call_list ON follow_ups (assignee_id, ready_at) WHERE ending IS NULL;
-- Everyone's open follow-ups by when they may be called (the team view, and by due).
CREATE INDEX follow_ups_open_by_ready ON follow_ups (ready_at) WHERE ending IS NULL;
CREATE INDEX follow_ups_open_by_due ON follow_ups (due_at) WHERE ending IS NULL;
-- The open suitability mismatches (supervisors' list), by when they may be called.
CREATE INDEX follow_ups_mismatched ON follow_ups (ready_at) WHERE ending IS NULL AND mismatch = 1;
-- A customer's follow-ups (the 360, and ending them when consent is withdrawn).
CREATE INDEX follow_ups_by_customer ON follow_ups (customer_id) WHERE ending IS NULL;

-- The follow-up's assignee follows its case's, whoever moves it.
CREATE TRIGGER follow_ups_assignee AFTER UPDATE OF assignee_id ON cases
WHEN NEW.kind = 'follow_up' AND NEW.assignee_id IS NOT OLD.assignee_id
BEGIN
  UPDATE follow_ups SET assignee_id = NEW.assignee_id WHERE case_id = NEW.id;
END;
-- A follow-up case closed from the queue or the composer's call log ends it (as done, or as
-- unreachable once marked so); reopened, it is open again.
CREATE TRIGGER follow_ups_closed AFTER UPDATE OF is_open ON cases
WHEN NEW.kind = 'follow_up' AND NEW.is_open IS NOT OLD.is_open
BEGIN
  UPDATE follow_ups SET ending = CASE WHEN NEW.is_open = 1 THEN NULL ELSE COALESCE(ending, 'done') END WHERE case_id = NEW.id;
END;
CREATE TRIGGER follow_ups_unreachable AFTER UPDATE OF unreachable ON cases
WHEN NEW.kind = 'follow_up' AND NEW.unreachable = 1
BEGIN
  UPDATE follow_ups SET ending = 'unreachable' WHERE case_id = NEW.id AND (ending IS NULL OR ending = 'done');
END;

-- Every follow-up case there is already: its reason from its planning key (customer:reason:period).
INSERT INTO follow_ups (case_id, customer_id, reason, due_at, ready_at, assignee_id, ending)
SELECT id, customer_id,
  CASE WHEN follow_up_key LIKE '%:first_product:%' THEN 'first_product'
       WHEN follow_up_key LIKE '%:after_complaint:%' THEN 'after_complaint'
       ELSE 'periodic' END,
  resolution_due_at, created_at, assignee_id,
  CASE WHEN is_open = 1 THEN NULL WHEN unreachable = 1 THEN 'unreachable' ELSE 'done' END
FROM cases WHERE kind = 'follow_up';
