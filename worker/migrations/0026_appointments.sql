-- Branch appointments (issue 10, domain::appointment): branches with their opening hours, the
-- services booked at them, and the appointments. Branches open on the business calendar's
-- working days between their own opening and closing times.

-- Branches and services: configuration (tens of rows), not growing with the business.
CREATE TABLE branches (
  id TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  address_zh TEXT NOT NULL,
  address_en TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  opens TEXT NOT NULL,                      -- local "HH:MM"
  closes TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE services (
  code TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  minutes INTEGER NOT NULL CHECK (minutes > 0),
  capacity INTEGER NOT NULL CHECK (capacity > 0),   -- customers one slot takes
  bring_zh TEXT NOT NULL DEFAULT '',
  bring_en TEXT NOT NULL DEFAULT ''
);

-- Which branch offers which service.
CREATE TABLE branch_services (
  branch_id TEXT NOT NULL REFERENCES branches (id),
  service TEXT NOT NULL REFERENCES services (code),
  PRIMARY KEY (branch_id, service)
) WITHOUT ROWID;

-- The business that must be done at a branch, checked against the ID document on arrival.
INSERT INTO services (code, name_zh, name_en, minutes, capacity, bring_zh, bring_en) VALUES
  ('large_cash_withdrawal', '大额取现（5万元以上）', 'Large cash withdrawal (50,000 yuan or more)', 30, 2, '本人身份证原件、银行卡', 'Your original ID card and bank card'),
  ('account_opening', '个人开户', 'Opening an account', 45, 3, '本人身份证原件；未成年人另需监护人及户口簿', 'Your original ID; a minor also needs a guardian and the household register'),
  ('card_replacement', '补办银行卡', 'Replacing a bank card', 20, 2, '本人身份证原件', 'Your original ID card'),
  ('personal_details', '个人信息变更', 'Changing personal details', 30, 2, '本人身份证原件及变更证明材料', 'Your original ID and proof of the change');

CREATE TABLE appointments (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  -- The customer's manage link (reschedule, cancel): only its SHA-256 is kept.
  token_hash TEXT NOT NULL UNIQUE,
  branch_id TEXT NOT NULL REFERENCES branches (id),
  service TEXT NOT NULL REFERENCES services (code),
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'checked_in', 'no_show')),
  customer_id TEXT REFERENCES customers (id),
  name TEXT NOT NULL,
  phone TEXT,
  email TEXT,
  case_id TEXT REFERENCES cases (id),
  booked_by TEXT REFERENCES users (id),
  -- When the reminder is due; emptied once it is written to the outbox (or never needed).
  remind_at INTEGER,
  checked_in_at INTEGER,
  checked_in_by TEXT REFERENCES users (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
-- A slot's count against its capacity, and a branch's day at the desk, in time order: the
-- appointments that hold a place (all but cancelled ones).
CREATE INDEX appointments_by_slot ON appointments (branch_id, start_at, service) WHERE status <> 'cancelled';
-- The reminder job: reminders due, oldest first.
CREATE INDEX appointments_to_remind ON appointments (remind_at) WHERE remind_at IS NOT NULL;
-- A customer's appointments (their profile, the export, erasure).
CREATE INDEX appointments_by_customer ON appointments (customer_id) WHERE customer_id IS NOT NULL;
