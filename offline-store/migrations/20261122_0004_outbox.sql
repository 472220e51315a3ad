-- The tourist's outbox: writes made on this device (cancel an order, add or remove a
-- saved traveller), oldest first, kept until the platform has answered them for good.
-- AUTOINCREMENT so an id is never reused: a traveller waiting to be added is shown under
-- the provisional id -id, which must not come back for another write.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL,
    -- `cancel_order`, `add_traveller` or `remove_traveller`; what to send is body_json.
    kind            TEXT NOT NULL,
    -- Made once, when the write is queued, and sent with every try.
    idempotency_key TEXT NOT NULL UNIQUE,
    body_json       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    -- Tries started; counted before the request goes out, so a try whose answer was lost
    -- still counts.
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- Why the latest try did not get through (no network, the platform busy).
    last_error      TEXT,
    -- When the platform answered for good: took the write, or refused it (refusal_json).
    done_at         TEXT,
    -- The platform's ApiError when it refused the write; such a write is not retried.
    refusal_json    TEXT,
    -- What the write made on the platform, where that has an id (a saved traveller).
    result_id       INTEGER
) STRICT;
-- What to send next, per account, in the order it was written.
CREATE INDEX outbox_pending ON outbox (account_id, id) WHERE done_at IS NULL;
