-- The ticket wallet: every pass of every stored order copy, one row each, written in the
-- same transaction as the order copy that carries it, so a pass is on the device the
-- moment its order is. Rows are replaced by newer copies, never deleted by a refresh.
CREATE TABLE wallet_pass (
    pass_id    TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL,
    order_id   INTEGER NOT NULL,
    region_id  TEXT NOT NULL,
    product_id TEXT NOT NULL,
    name_json  TEXT NOT NULL,
    holder     TEXT,
    -- YYYY-MM-DD, region-local.
    date       TEXT NOT NULL,
    -- `HH:MM-HH:MM` for timed entry, else NULL (sorts before any slot of the day).
    slot       TEXT,
    state      TEXT NOT NULL,
    code       TEXT NOT NULL,
    fetched_at TEXT NOT NULL
) STRICT;
CREATE INDEX wallet_pass_by_account ON wallet_pass (account_id, date, slot);
CREATE INDEX wallet_pass_by_order ON wallet_pass (order_id);

-- The gate station this device is (one at most): where it stands and the staff session
-- it syncs with.
CREATE TABLE gate_station (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    region_id    TEXT NOT NULL,
    gate_id      TEXT NOT NULL,
    -- The staff member's masked mobile.
    staff        TEXT NOT NULL,
    token        TEXT NOT NULL,
    signed_in_at TEXT NOT NULL
) STRICT;

-- The platform's pass-verifying public keys, by key id, as of the last sync.
CREATE TABLE gate_key (
    key_id      INTEGER PRIMARY KEY,
    public_key  TEXT NOT NULL,
    holder_salt TEXT NOT NULL,
    retired_at  TEXT
) STRICT;

-- Revoked passes per region. Revocation is final, so this only grows; `cursor` is the
-- delta that brought each in.
CREATE TABLE gate_revoked (
    pass_id   TEXT PRIMARY KEY,
    region_id TEXT NOT NULL,
    cursor    INTEGER NOT NULL
) STRICT;
CREATE INDEX gate_revoked_by_region ON gate_revoked (region_id);

-- Per region: how far the revocation list has been read, and the last sync's outcome.
CREATE TABLE gate_sync (
    region_id  TEXT PRIMARY KEY,
    cursor     INTEGER NOT NULL DEFAULT 0,
    synced_at  TEXT,
    last_error TEXT
) STRICT;

-- Every scan made at this device, good or bad, keyed by its random nonce so an upload
-- can be replayed safely. Kept across sign-out until uploaded.
CREATE TABLE gate_scan (
    nonce       TEXT PRIMARY KEY,
    region_id   TEXT NOT NULL,
    gate_id     TEXT NOT NULL,
    -- RFC 3339 in region-local time, so the first ten characters are the local date.
    scanned_at  TEXT NOT NULL,
    pass_id     TEXT,
    -- NULL when admitted.
    refusal     TEXT,
    people      INTEGER NOT NULL CHECK (people >= 0),
    uploaded_at TEXT
) STRICT;
-- "Was pass P admitted at gate G?": asked on every scan, offline.
CREATE INDEX gate_scan_admitted ON gate_scan (pass_id, gate_id) WHERE refusal IS NULL;
-- What is still to upload, oldest first.
CREATE INDEX gate_scan_pending ON gate_scan (region_id, scanned_at) WHERE uploaded_at IS NULL;
CREATE INDEX gate_scan_by_day ON gate_scan (region_id, gate_id, scanned_at);
