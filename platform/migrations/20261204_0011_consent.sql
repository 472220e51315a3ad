-- Which privacy notice an account agreed to, and when: an account's first saved traveller
-- (an ID number is sensitive personal information) needs it.
CREATE TABLE consent (
    account_id     INTEGER PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    notice_version TEXT NOT NULL,
    agreed_at      TEXT NOT NULL
) STRICT;
