-- What the merchant did about a payment that arrived for an order already
-- Expired or Cancelled (engine/latepay.go): Refund (a refund due was
-- recorded) or Credit (kept as the customer's credit). A payment without a
-- row here is still to be dealt with.
CREATE TABLE late_payments (
    tx_id   TEXT NOT NULL PRIMARY KEY REFERENCES payments (tx_id),
    outcome TEXT NOT NULL CHECK (outcome IN ('Refund', 'Credit')),
    at      TIMESTAMPTZ NOT NULL
);
