-- What an agent's actions on a support case need of the order tables: lines refunded one
-- at a time, and passes issued again.

-- A line of a sub-order refunded on its own (an agent's refund under its rule, a
-- disruption's refund of the lines it hit), named `kind:product_id` as in the quote. The
-- key makes a line go back once however often it is asked, and a later cancellation of
-- the order leaves it out.
CREATE TABLE line_refund (
    sub_order_id INTEGER NOT NULL REFERENCES sub_order (id),
    line         TEXT NOT NULL,
    refunded_at  TEXT NOT NULL,
    PRIMARY KEY (sub_order_id, line)
) STRICT;

-- The pass a re-issued pass replaces. A per-person line finds its guest's pass by the
-- order passes were issued in; a re-issued pass takes the place of the one it replaces
-- there, so the guest's line still sees whether their pass was used.
ALTER TABLE pass ADD COLUMN reissue_of TEXT REFERENCES pass (pass_id);
