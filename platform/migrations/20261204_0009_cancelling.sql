-- Cancelling is one step that a crash cannot split: the order moves to `cancelling` with
-- the moment it was asked for, so refunds follow the rule as of then even when a restart
-- finishes the cancellation later.
ALTER TABLE booking_order ADD COLUMN cancel_asked_at TEXT;
