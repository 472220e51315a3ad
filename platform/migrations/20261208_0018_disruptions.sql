-- Disruptions an operator posts (a closure, a late or cancelled departure, a hotel that
-- cannot honour a night), the orders each one hits with their ways out, and the audit log
-- of every operator action.
CREATE TABLE disruption (
    id          INTEGER PRIMARY KEY,
    region_id   TEXT NOT NULL,
    kind_json   TEXT NOT NULL,
    from_local  TEXT NOT NULL,
    to_local    TEXT NOT NULL,
    reason_json TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('active', 'lifted')),
    posted_at   TEXT NOT NULL,
    affected    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One row per order a disruption hits. `open` until the tourist applies a way out
-- (`applied`), the refund is applied at `expires_at` (`expired`), or the disruption no
-- longer hits it (`closed`: lifted or changed).
CREATE TABLE disruption_case (
    disruption_id INTEGER NOT NULL REFERENCES disruption (id),
    order_id      INTEGER NOT NULL REFERENCES booking_order (id),
    account_id    INTEGER NOT NULL,
    why_json      TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('open', 'applied', 'expired', 'closed')),
    way_out       TEXT,
    PRIMARY KEY (disruption_id, order_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX disruption_case_account ON disruption_case (account_id, state);
CREATE INDEX disruption_case_expiry ON disruption_case (state, expires_at);

-- Every operator action, never changed or removed.
CREATE TABLE operator_audit (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    account_id    INTEGER NOT NULL,
    action        TEXT NOT NULL,
    disruption_id INTEGER,
    detail_json   TEXT NOT NULL
) STRICT;
CREATE TRIGGER operator_audit_no_update BEFORE UPDATE ON operator_audit
BEGIN
    SELECT RAISE(ABORT, 'the operator audit log is append-only');
END;
CREATE TRIGGER operator_audit_no_delete BEFORE DELETE ON operator_audit
BEGIN
    SELECT RAISE(ABORT, 'the operator audit log is append-only');
END;

-- Who holds a resource (a slot on a day, a departure, a room type on a night): how a
-- disruption finds the orders it hits without reading every order.
CREATE INDEX scenic_hold_line_resource ON scenic_hold_line (resource);
CREATE INDEX hotel_hold_line_resource ON hotel_hold_line (resource);
CREATE INDEX transport_hold_line_resource ON transport_hold_line (resource);
CREATE INDEX sub_order_hold ON sub_order (provider, hold_id);

-- The event log takes a sixth kind, `disruption` (a disruption hits the order, changed or
-- was lifted). SQLite cannot change a CHECK in place: the table is made again with its
-- rows, its index, its triggers and its AUTOINCREMENT counter, so ids keep only growing.
DROP TRIGGER pass_used_event;
DROP TRIGGER pass_revoked_event;
CREATE TABLE event_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    order_id   INTEGER NOT NULL REFERENCES booking_order (id),
    kind       TEXT NOT NULL CHECK (kind IN
        ('sub_order_status', 'vehicle_assigned', 'pass_used', 'pass_revoked', 'order_cancelled',
         'disruption')),
    at         TEXT NOT NULL
) STRICT;
INSERT INTO event_new (id, account_id, order_id, kind, at)
    SELECT id, account_id, order_id, kind, at FROM event;
DELETE FROM sqlite_sequence WHERE name = 'event_new';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'event_new', seq FROM sqlite_sequence WHERE name = 'event';
DROP INDEX event_order;
DROP TABLE event;
ALTER TABLE event_new RENAME TO event;
CREATE INDEX event_order ON event (order_id, id);

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
