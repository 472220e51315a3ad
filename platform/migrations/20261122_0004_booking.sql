-- Combo booking. The slot-only scenic tables of 0003 never held a booking: they are
-- replaced by the shape every provider module shares, each module in its own tables.
--
-- Inventory: a stock row per sellable resource (a slot on a day, a room type on a night,
-- a shuttle departure). The CHECK makes overselling impossible whatever code runs
-- against the table. A hold takes several resources at once (a stay spans nights).
DROP INDEX scenic_hold_expiry;
DROP TABLE scenic_hold;
DROP TABLE scenic_slot;

CREATE TABLE scenic_stock (
    resource TEXT PRIMARY KEY,
    capacity INTEGER NOT NULL,
    held     INTEGER NOT NULL DEFAULT 0,
    sold     INTEGER NOT NULL DEFAULT 0,
    CHECK (held >= 0 AND sold >= 0 AND held + sold <= capacity)
) STRICT;
CREATE TABLE scenic_hold (
    id         INTEGER PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('held', 'confirmed', 'released', 'cancelled')),
    expires_at TEXT NOT NULL
) STRICT;
CREATE TABLE scenic_hold_line (
    hold_id  INTEGER NOT NULL REFERENCES scenic_hold (id),
    resource TEXT NOT NULL REFERENCES scenic_stock (resource),
    quantity INTEGER NOT NULL CHECK (quantity > 0)
) STRICT;
CREATE INDEX scenic_hold_expiry ON scenic_hold (state, expires_at);
CREATE INDEX scenic_hold_line_hold ON scenic_hold_line (hold_id);

CREATE TABLE hotel_stock (
    resource TEXT PRIMARY KEY,
    capacity INTEGER NOT NULL,
    held     INTEGER NOT NULL DEFAULT 0,
    sold     INTEGER NOT NULL DEFAULT 0,
    CHECK (held >= 0 AND sold >= 0 AND held + sold <= capacity)
) STRICT;
CREATE TABLE hotel_hold (
    id         INTEGER PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('held', 'confirmed', 'released', 'cancelled')),
    expires_at TEXT NOT NULL
) STRICT;
CREATE TABLE hotel_hold_line (
    hold_id  INTEGER NOT NULL REFERENCES hotel_hold (id),
    resource TEXT NOT NULL REFERENCES hotel_stock (resource),
    quantity INTEGER NOT NULL CHECK (quantity > 0)
) STRICT;
CREATE INDEX hotel_hold_expiry ON hotel_hold (state, expires_at);
CREATE INDEX hotel_hold_line_hold ON hotel_hold_line (hold_id);

CREATE TABLE transport_stock (
    resource TEXT PRIMARY KEY,
    capacity INTEGER NOT NULL,
    held     INTEGER NOT NULL DEFAULT 0,
    sold     INTEGER NOT NULL DEFAULT 0,
    CHECK (held >= 0 AND sold >= 0 AND held + sold <= capacity)
) STRICT;
CREATE TABLE transport_hold (
    id         INTEGER PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('held', 'confirmed', 'released', 'cancelled')),
    expires_at TEXT NOT NULL
) STRICT;
CREATE TABLE transport_hold_line (
    hold_id  INTEGER NOT NULL REFERENCES transport_hold (id),
    resource TEXT NOT NULL REFERENCES transport_stock (resource),
    quantity INTEGER NOT NULL CHECK (quantity > 0)
) STRICT;
CREATE INDEX transport_hold_expiry ON transport_hold (state, expires_at);
CREATE INDEX transport_hold_line_hold ON transport_hold_line (hold_id);

-- The simulated payment provider: a wallet per account and one payment per order.
CREATE TABLE wallet (
    account_id INTEGER PRIMARY KEY REFERENCES account (id),
    balance    INTEGER NOT NULL CHECK (balance >= 0)
) STRICT;
CREATE TABLE payment (
    id         TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id),
    method     TEXT NOT NULL,
    state      TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    refunded   INTEGER NOT NULL DEFAULT 0 CHECK (refunded <= amount),
    created_at TEXT NOT NULL
) STRICT;

-- Orders: the saga's own record. States are explicit columns so they can be queried.
CREATE TABLE booking_order (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES account (id),
    region_id       TEXT NOT NULL,
    date            TEXT NOT NULL,
    state           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    holds_expire_at TEXT NOT NULL,
    quote_json      TEXT NOT NULL,
    travellers_json TEXT NOT NULL,
    payment_id      TEXT NOT NULL REFERENCES payment (id),
    problem_json    TEXT
) STRICT;
CREATE INDEX booking_order_account ON booking_order (account_id, id);
CREATE INDEX booking_order_waiting ON booking_order (state, holds_expire_at);

CREATE TABLE sub_order (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES booking_order (id),
    provider   TEXT NOT NULL,
    state      TEXT NOT NULL,
    items_json TEXT NOT NULL,
    lines_json TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    refunded   INTEGER NOT NULL DEFAULT 0,
    hold_id    INTEGER,
    note_json  TEXT
) STRICT;
CREATE INDEX sub_order_order ON sub_order (order_id);

CREATE TABLE pass (
    pass_id      TEXT PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES booking_order (id),
    sub_order_id INTEGER NOT NULL REFERENCES sub_order (id),
    product_id   TEXT NOT NULL,
    name_json    TEXT NOT NULL,
    holder       TEXT,
    date         TEXT NOT NULL,
    slot         TEXT,
    code         TEXT NOT NULL,
    state        TEXT NOT NULL,
    changed_at   TEXT NOT NULL
) STRICT;
CREATE INDEX pass_order ON pass (order_id);

-- Ed25519 pass-signing keys. The seed is sealed with the platform secret.
CREATE TABLE signing_key (
    key_id      INTEGER PRIMARY KEY,
    seed_sealed BLOB NOT NULL,
    public_key  BLOB NOT NULL,
    holder_salt BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
) STRICT;

-- Idempotency keys: the order a write created, answered again for the same key and body.
-- `order_id` is NULL while the first request is still running.
CREATE TABLE idempotency (
    account_id   INTEGER NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER,
    order_id     INTEGER,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
) STRICT;
