-- What each event of the calendars this device exported last showed, and its SEQUENCE:
-- a calendar app updates an event it already holds only when SEQUENCE grows.
CREATE TABLE calendar_sequence (
    uid         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    sequence    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
