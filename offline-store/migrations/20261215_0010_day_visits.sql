-- Sights the tourist added to a day of their trip from the guide: their own plan, nothing
-- booked, kept only on this device (like the copies of their orders, not sealed). One a
-- sight and day.
CREATE TABLE day_visit (
    account_id INTEGER NOT NULL,
    region_id  TEXT NOT NULL,
    sight_id   TEXT NOT NULL,
    day        TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (account_id, region_id, sight_id, day)
) STRICT;
