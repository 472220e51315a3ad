-- Support: trip shares, support cases with their chat, the agents of the console and their
-- sessions, and the audit log of what agents saw and did.

-- A tourist's read-only share of one trip. Only the token's SHA-256 is kept: the address is
-- shown once, when made. Live while `ended_at` is NULL and `expires_at` is ahead.
CREATE TABLE trip_share (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    trip_id    TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at   TEXT
) STRICT;
CREATE INDEX trip_share_account ON trip_share (account_id, id);

-- Agents of the console, made by `tongyou-platform agent add`. The password is kept as an
-- Argon2id PHC string.
CREATE TABLE agent (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

-- A console session: the cookie's token and the CSRF token, both as SHA-256.
CREATE TABLE agent_session (
    token_hash TEXT PRIMARY KEY,
    csrf_hash  TEXT NOT NULL,
    agent_id   INTEGER NOT NULL REFERENCES agent (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

-- A tourist's support case. `client_key` is the app's Idempotency-Key: a case sent again
-- from an outbox lands once.
CREATE TABLE support_case (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    client_key     TEXT NOT NULL,
    category       TEXT NOT NULL CHECK (category IN
        ('gate_refused', 'transport', 'booking', 'safety', 'other')),
    state          TEXT NOT NULL CHECK (state IN ('waiting', 'claimed', 'closed')),
    trip_id        TEXT,
    item           TEXT,
    share_id       INTEGER REFERENCES trip_share (id),
    lat            REAL,
    lon            REAL,
    agent_id       INTEGER REFERENCES agent (id),
    opened_at      TEXT NOT NULL,
    closed_at      TEXT,
    -- The newest message each side has read.
    tourist_read   INTEGER NOT NULL DEFAULT 0,
    agent_read     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, client_key),
    CHECK ((state = 'claimed') = (agent_id IS NOT NULL) OR state = 'closed')
) STRICT;
CREATE INDEX support_case_open ON support_case (state, opened_at) WHERE state <> 'closed';
CREATE INDEX support_case_account ON support_case (account_id, id);

-- A case's chat. AUTOINCREMENT: ids only grow, so "read up to" and a stream's position
-- never point past a message not yet seen.
CREATE TABLE case_message (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id  INTEGER NOT NULL REFERENCES support_case (id) ON DELETE CASCADE,
    author   TEXT NOT NULL CHECK (author IN ('tourist', 'agent', 'system')),
    agent_id INTEGER REFERENCES agent (id),
    text     TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX case_message_case ON case_message (case_id, id);

-- Every view and action of an agent, and every read of a share's link. Append-only: the
-- triggers refuse changes. Tourists see the lines of their own shares.
CREATE TABLE support_audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    agent_id INTEGER REFERENCES agent (id),
    action   TEXT NOT NULL,
    case_id  INTEGER,
    share_id INTEGER,
    detail   TEXT
) STRICT;
CREATE INDEX support_audit_share ON support_audit (share_id, id) WHERE share_id IS NOT NULL;
CREATE TRIGGER support_audit_no_update BEFORE UPDATE ON support_audit
BEGIN
    SELECT RAISE(ABORT, 'the support audit log is append-only');
END;
