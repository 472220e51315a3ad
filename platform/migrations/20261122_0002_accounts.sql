-- Tourist accounts, keyed by mobile number, signed in with one-time codes.
CREATE TABLE account (
    id         INTEGER PRIMARY KEY,
    mobile     TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
) STRICT;

-- The one live sign-in code per mobile number; only its hash is kept.
CREATE TABLE sign_in_code (
    mobile     TEXT PRIMARY KEY,
    code_hash  TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Sessions by token hash: a stolen database does not yield usable tokens.
CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
) STRICT;

-- Saved travellers (常用旅客). The ID number is stored only encrypted (id_cipher) and
-- masked (id_masked); id_lookup is a keyed hash to refuse duplicates without decrypting.
CREATE TABLE traveller (
    id         INTEGER PRIMARY KEY,
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
