-- Traveller ids are never reused: a delayed "remove traveller N" from a device's outbox
-- must not delete someone saved after N was removed. Rebuilt with AUTOINCREMENT.
CREATE TABLE traveller_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    id_kind    TEXT NOT NULL,
    id_cipher  BLOB NOT NULL,
    id_masked  TEXT NOT NULL,
    id_lookup  TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (account_id, id_lookup)
) STRICT;
INSERT INTO traveller_new SELECT * FROM traveller;
DROP TABLE traveller;
ALTER TABLE traveller_new RENAME TO traveller;
