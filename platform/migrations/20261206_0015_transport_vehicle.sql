-- The vehicle and driver the transport company gives a booked shuttle sub-order (the
-- evening before; they may change). One row per sub-order, replaced on a change.
CREATE TABLE transport_vehicle (
    sub_order_id INTEGER PRIMARY KEY REFERENCES sub_order (id),
    plate        TEXT NOT NULL,
    driver       TEXT NOT NULL,
    driver_phone TEXT NOT NULL,
    assigned_at  TEXT NOT NULL
) STRICT;
