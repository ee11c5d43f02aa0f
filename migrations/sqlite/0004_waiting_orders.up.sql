-- Storefront orders whose currency had no exchange rate when they arrived
-- (engine.WaitingOrder). The first rate of their currency prices them into
-- orders, in the transaction that stores the rate, and deletes them here.
CREATE TABLE waiting_orders (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id           TEXT NOT NULL UNIQUE,
    alt_id             TEXT UNIQUE,
    customer_id        TEXT NOT NULL,
    memo               TEXT,
    price              TEXT NOT NULL,
    currency           TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    amount_outstanding TEXT,
    received_at        TEXT NOT NULL,
    claim_token        TEXT NOT NULL UNIQUE
);
CREATE INDEX waiting_orders_currency ON waiting_orders (currency, id);
CREATE INDEX waiting_orders_customer ON waiting_orders (customer_id);
