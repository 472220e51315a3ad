-- The scenic provider's own tables: timed-entry slot inventory and the holds on it.
-- The CHECK makes overselling impossible whatever code runs against the table: a hold
-- or a sale that would pass the capacity fails inside SQLite.
CREATE TABLE scenic_slot (
    region_id TEXT NOT NULL,
    date      TEXT NOT NULL,
    slot_id   TEXT NOT NULL,
    capacity  INTEGER NOT NULL,
    held      INTEGER NOT NULL DEFAULT 0,
    sold      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_id, date, slot_id),
    CHECK (held >= 0 AND sold >= 0 AND held + sold <= capacity)
) STRICT;

CREATE TABLE scenic_hold (
    id         INTEGER PRIMARY KEY,
    region_id  TEXT NOT NULL,
    date       TEXT NOT NULL,
    slot_id    TEXT NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    state      TEXT NOT NULL CHECK (state IN ('held', 'confirmed', 'released')),
    expires_at TEXT NOT NULL,
    FOREIGN KEY (region_id, date, slot_id) REFERENCES scenic_slot (region_id, date, slot_id)
) STRICT;

CREATE INDEX scenic_hold_expiry ON scenic_hold (state, expires_at);
