-- The latest head count from each sight's sensor: the live crowd level.
CREATE TABLE sight_sensor (
    region_id TEXT NOT NULL,
    sight_id  TEXT NOT NULL,
    people    INTEGER NOT NULL CHECK (people >= 0),
    at        TEXT NOT NULL,
    PRIMARY KEY (region_id, sight_id)
) STRICT;
