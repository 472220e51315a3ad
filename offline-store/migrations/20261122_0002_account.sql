-- The signed-in session (one per device), so a restarted app stays signed in.
CREATE TABLE session (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    account_id   INTEGER NOT NULL,
    session_json TEXT NOT NULL
) STRICT;

-- The last copy of each order fetched from the platform, whole, with its passes: the
-- ticket wallet reads from here when there is no network. Kept per account, and kept
-- across sign-out, so a pass is never lost on the device.
CREATE TABLE order_copy (
    order_id   INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    order_json TEXT NOT NULL,
    fetched_at TEXT NOT NULL
) STRICT;
CREATE INDEX order_copy_by_account ON order_copy (account_id, created_at);
