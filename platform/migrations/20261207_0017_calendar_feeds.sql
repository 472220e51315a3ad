-- Per-trip calendar feeds (`GET /api/v1/calendar/{token}.ics`). Only the token's SHA-256
-- is kept: the address is shown to its owner once, when made. A trip has at most one live
-- feed; opening another, or revoking, sets `revoked_at` and the old address answers 404.
CREATE TABLE calendar_feed (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id),
    trip_id    TEXT NOT NULL,
    lang       TEXT NOT NULL CHECK (lang IN ('zh-CN', 'en')),
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
CREATE UNIQUE INDEX calendar_feed_live ON calendar_feed (account_id, trip_id)
    WHERE revoked_at IS NULL;

-- What each event of an account's calendars last showed, and its SEQUENCE: a calendar app
-- updates an event it holds only when SEQUENCE grows, so it grows with each change.
CREATE TABLE calendar_sequence (
    account_id  INTEGER NOT NULL REFERENCES account (id),
    uid         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    sequence    INTEGER NOT NULL,
    PRIMARY KEY (account_id, uid)
) STRICT, WITHOUT ROWID;
