-- How far each account's live event stream has been applied on this device: the last
-- event id (what a reconnect asks to resume after, `Last-Event-ID`) and when the device
-- last heard from the platform about its orders (the timeline's "as of").
CREATE TABLE event_cursor (
    account_id    INTEGER PRIMARY KEY,
    last_event_id INTEGER NOT NULL,
    as_of         TEXT NOT NULL
) STRICT;
