-- The trip's reminders already shown, by reminder id and the time it was due: each is
-- shown once, even across restarts; one whose item moved is due again at its new time.
CREATE TABLE reminder_shown (
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (id, at)
) STRICT;
