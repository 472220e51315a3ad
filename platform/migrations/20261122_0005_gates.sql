-- Gates: revocation log, gate staff posts, uploaded scan logs and turnstile counts.

-- When a pass was first admitted at a gate (from an uploaded scan log).
ALTER TABLE pass ADD COLUMN used_at TEXT;

-- Every revocation, in order: gates ask for what came after the last `seq` they hold.
-- Filled by the trigger below, so no code path can revoke a pass without the gates
-- hearing of it.
CREATE TABLE pass_revocation (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    pass_id    TEXT NOT NULL UNIQUE,
    region_id  TEXT NOT NULL,
    revoked_at TEXT NOT NULL
) STRICT;
CREATE INDEX pass_revocation_region ON pass_revocation (region_id, seq);

CREATE TRIGGER pass_revoked AFTER UPDATE OF state ON pass
WHEN NEW.state = 'revoked' AND OLD.state <> 'revoked'
BEGIN
    INSERT OR IGNORE INTO pass_revocation (pass_id, region_id, revoked_at)
    SELECT NEW.pass_id, region_id, NEW.changed_at FROM booking_order WHERE id = NEW.order_id;
END;

-- The gate a staff account is signed in at.
CREATE TABLE gate_post (
    account_id   INTEGER PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    region_id    TEXT NOT NULL,
    gate_id      TEXT NOT NULL,
    signed_in_at TEXT NOT NULL
) STRICT;

-- One row per scan nonce, however often a gate uploads its log.
CREATE TABLE gate_scan (
    nonce       TEXT PRIMARY KEY,
    region_id   TEXT NOT NULL,
    gate_id     TEXT NOT NULL,
    scanned_at  TEXT NOT NULL,
    pass_id     TEXT,
    refusal     TEXT,
    people      INTEGER NOT NULL CHECK (people >= 0),
    uploaded_by INTEGER NOT NULL REFERENCES account (id),
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX gate_scan_region ON gate_scan (region_id, recorded_at);
CREATE INDEX gate_scan_pass ON gate_scan (pass_id);

-- People admitted per gate and region-local hour (`YYYY-MM-DDTHH`): the turnstile feed
-- of the live crowd level.
CREATE TABLE gate_count (
    region_id TEXT NOT NULL,
    gate_id   TEXT NOT NULL,
    hour      TEXT NOT NULL,
    people    INTEGER NOT NULL,
    PRIMARY KEY (region_id, gate_id, hour)
) STRICT;
