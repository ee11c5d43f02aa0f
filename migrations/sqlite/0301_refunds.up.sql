-- Refunds due to the address that paid an order, recorded from the
-- storefront's refunds (engine/refunds.go). refund_id is the storefront's
-- refund id: a refund delivered twice is recorded once. A Due refund is
-- closed once, as Sent (tx_id: the wallet's transaction) or Credited
-- (tx_id: the credit note).
CREATE TABLE refunds (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    refund_id   TEXT    NOT NULL UNIQUE,
    order_id    TEXT    NOT NULL REFERENCES orders (order_id),
    customer_id TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    shop_amount TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('Due', 'Sent', 'Credited')),
    tx_id       TEXT,
    created_at  TEXT    NOT NULL,
    closed_at   TEXT,
    CHECK ((status = 'Due') = (tx_id IS NULL AND closed_at IS NULL))
);
CREATE INDEX refunds_order ON refunds (order_id);
CREATE INDEX refunds_status ON refunds (status, id);
