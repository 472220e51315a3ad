-- What happened to an order, one row per event, for the account's live stream
-- (`GET /api/v1/events`). Written in the unit that makes the change it reports, so an
-- event exists if and only if its change was kept. It names the change only: the stream
-- reads the order as it is when it sends the event.
--
-- AUTOINCREMENT: ids only grow, even after the oldest rows are pruned, so a stream's
-- `Last-Event-ID` never names a later event than the one it saw.
CREATE TABLE event (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    order_id   INTEGER NOT NULL REFERENCES booking_order (id),
    kind       TEXT NOT NULL CHECK (kind IN
        ('sub_order_status', 'vehicle_assigned', 'pass_used', 'pass_revoked', 'order_cancelled')),
    at         TEXT NOT NULL
) STRICT;
-- A stream reads its account's events through its orders (`booking_order_account`), so
-- the index is by order: a new order's events land at its end, the page every booking of a
-- batch writes anyway, where an index by account would cost each booking a page of its own.
CREATE INDEX event_order ON event (order_id, id);

-- The newest event id pruned: a stream resuming from before it has missed events that are
-- gone, and is told to read its orders again.
CREATE TABLE event_pruned (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    upto INTEGER NOT NULL
) STRICT;

-- Passes change state in more than one place (a gate's upload, a cancellation): as with
-- `pass_revocation`, triggers make sure no path changes one without its event.
CREATE TRIGGER pass_used_event AFTER UPDATE OF state ON pass
WHEN NEW.state = 'used' AND OLD.state <> 'used'
BEGIN
    INSERT INTO event (account_id, order_id, kind, at)
    SELECT account_id, id, 'pass_used', COALESCE(NEW.used_at, NEW.changed_at)
    FROM booking_order WHERE id = NEW.order_id;
END;

CREATE TRIGGER pass_revoked_event AFTER UPDATE OF state ON pass
WHEN NEW.state = 'revoked' AND OLD.state <> 'revoked'
BEGIN
    INSERT INTO event (account_id, order_id, kind, at)
    SELECT account_id, id, 'pass_revoked', NEW.changed_at
    FROM booking_order WHERE id = NEW.order_id;
END;
