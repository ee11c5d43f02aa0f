-- Shopify orders paid another way than Tari (a card, cash on delivery, a bank
-- transfer): acknowledged, never stored as Tari orders, counted on the admin
-- dashboard. One row per order, however often Shopify sends it.

CREATE TABLE shopify_other_orders (
    order_id         TEXT      PRIMARY KEY, -- Shopify order id
    shop             TEXT      NOT NULL DEFAULT '',
    gateways         TEXT      NOT NULL DEFAULT '', -- payment_gateway_names, a JSON array
    financial_status TEXT      NOT NULL DEFAULT '',
    seen_at          TIMESTAMP NOT NULL
);
