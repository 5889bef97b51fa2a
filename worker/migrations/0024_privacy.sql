-- Personal-data erasure (domain::privacy): a customer whose data was erased keeps their row,
-- with no name or contact details, so their cases stay as anonymised shells in every report.
ALTER TABLE customers ADD COLUMN erased_at INTEGER;

-- What an export reads and an erasure blanks: a customer's survey invitations, and the messages
-- sent about them (survey invitations to them; reminders to staff naming their case's subject).
CREATE INDEX survey_invitations_by_customer ON survey_invitations (customer_id);
CREATE INDEX outbox_by_invitation ON outbox (invitation_id) WHERE invitation_id IS NOT NULL;
CREATE INDEX outbox_by_case ON outbox (case_id) WHERE case_id IS NOT NULL;

-- A case's timeline stays append-only, but erasure may empty an event's text: the only change
-- let through sets the body to '' and leaves every other column as it was.
DROP TRIGGER case_events_append_only_update;
CREATE TRIGGER case_events_append_only_update BEFORE UPDATE ON case_events
WHEN NOT (NEW.body = '' AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.type = OLD.type
  AND NEW.author_id IS OLD.author_id AND NEW.created_at = OLD.created_at AND NEW.status IS OLD.status
  AND NEW.step IS OLD.step AND NEW.assignee_id IS OLD.assignee_id AND NEW.call_outcome IS OLD.call_outcome)
BEGIN SELECT RAISE(ABORT, 'case_events is append-only; erasure may only empty a body'); END;
