-- The tourist's support cases as the platform last sent them (the chat included), so the
-- help screen reads with no network. The JSON is sealed: a chat may say anything.
CREATE TABLE support_case (
    account_id INTEGER NOT NULL,
    case_id    INTEGER NOT NULL,
    -- RFC 3339, the case's `opened_at`: the list is newest first.
    opened_at  TEXT NOT NULL,
    case_json  TEXT NOT NULL,
    PRIMARY KEY (account_id, case_id)
) STRICT;
