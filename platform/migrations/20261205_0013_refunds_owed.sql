-- A refund is recorded in the unit that decides it and sent to the payment provider only
-- after that unit is kept, under its own id, so a rolled-back unit never moves money and
-- a refund sent twice (a stop between sending and noting it) moves it once.
CREATE TABLE refund (
    id         TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payment (id),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    asked_at   TEXT NOT NULL,
    sent_at    TEXT
) STRICT;
CREATE INDEX refund_owed ON refund (id) WHERE sent_at IS NULL;

-- The simulated provider's side: the refunds it has already paid back into a wallet.
CREATE TABLE wallet_refund (
    id TEXT PRIMARY KEY
) STRICT;
