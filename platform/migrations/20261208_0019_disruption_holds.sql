-- The places and rooms held for a way out once its tourist has seen it: the new items of
-- one combo (by its hash) per module, until `expires_at`. Applying that way out confirms
-- them; the other ways' holds are given back, and any left over lapse with their hold.
CREATE TABLE disruption_hold (
    disruption_id INTEGER NOT NULL,
    order_id      INTEGER NOT NULL,
    combo_hash    TEXT NOT NULL,
    module        TEXT NOT NULL CHECK (module IN ('scenic', 'hotel', 'transport')),
    hold_id       INTEGER NOT NULL,
    expires_at    TEXT NOT NULL,
    PRIMARY KEY (disruption_id, order_id, combo_hash, module)
) STRICT, WITHOUT ROWID;
