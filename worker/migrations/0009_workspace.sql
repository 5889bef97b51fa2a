-- The agent workspace's second half: who a case was handed to, canned replies, the customer's
-- ID number, the public web form's rate limit, and the complaint register's order.

-- For an assignment or escalation event: the person the case went to.
ALTER TABLE case_events ADD COLUMN assignee_id TEXT REFERENCES users (id);

-- Replies agents insert from the composer, written by admins. {客户姓名}/{customer_name},
-- {坐席}/{agent_name} and {编号}/{reference} are filled in when inserted. A retired reply stays
-- (active = 0) so the audit trail can still name it.
CREATE TABLE canned_replies (
  id         TEXT PRIMARY KEY,
  title      TEXT NOT NULL,
  body       TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL,
  version    INTEGER NOT NULL DEFAULT 1
);
-- The composer's list: active replies by title.
CREATE INDEX canned_replies_by_title ON canned_replies (active, title);

-- Resident ID number; shown masked, revealed only with an audit event.
ALTER TABLE customers ADD COLUMN id_number TEXT;

-- Fixed-window counters for anonymous requests (the public web form). The key is a hash of
-- the client address or the contact, never the address itself.
CREATE TABLE rate_limits (
  key          TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);

-- The complaint register: complaints by the time they were received, newest first.
CREATE INDEX cases_by_kind_created ON cases (kind, created_at, id);
