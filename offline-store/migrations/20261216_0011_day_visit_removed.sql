-- A visit taken off the day is kept as taken off (when), so the next calendar file says
-- its event is cancelled instead of leaving it in the tourist's calendar.
ALTER TABLE day_visit ADD COLUMN removed_at TEXT;
