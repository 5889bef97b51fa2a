-- Delivery sends staff alerts and replies one by one and survey invitations in batches; the
-- one-by-one kind is read by its own index so it never waits behind a survey's million
-- (outbox_due, over every pending message, serves the batches and the admin's list).
CREATE INDEX outbox_due_direct ON outbox (next_attempt_at) WHERE status = 'pending' AND invitation_id IS NULL;
