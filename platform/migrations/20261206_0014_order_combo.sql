-- What an order asked for, as asked (the slot, rides, hotel stay, shuttle departures): what
-- a trip's timeline is built from. Orders placed before it was kept have none.
ALTER TABLE booking_order ADD COLUMN combo_json TEXT;
