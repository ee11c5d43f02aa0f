-- Shopify deliveries, card authorisations, shops and compliance reports.
-- Financial records stay in the engine's tables: these hold what Shopify sent.

CREATE TABLE shopify_webhooks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     TEXT      NOT NULL UNIQUE, -- X-Shopify-Event-Id, else the webhook id
    webhook_id   TEXT      NOT NULL DEFAULT '',
    topic        TEXT      NOT NULL,
    shop         TEXT      NOT NULL DEFAULT '',
    body         BLOB      NOT NULL,        -- the exact signed bytes
    order_id     TEXT      NOT NULL DEFAULT '',
    customer_id  TEXT      NOT NULL DEFAULT '',
    state        TEXT      NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts     INTEGER   NOT NULL DEFAULT 0,
    last_error   TEXT      NOT NULL DEFAULT '',
    due_at       TIMESTAMP NOT NULL,        -- a pending delivery is free to process from here
    received_at  TIMESTAMP NOT NULL,
    processed_at TIMESTAMP,
    redacted_at  TIMESTAMP
);
CREATE INDEX shopify_webhooks_due ON shopify_webhooks (state, due_at);
CREATE INDEX shopify_webhooks_customer ON shopify_webhooks (shop, customer_id);
CREATE INDEX shopify_webhooks_order ON shopify_webhooks (shop, order_id);

CREATE TABLE shopify_authorizations (
    id          TEXT      PRIMARY KEY,      -- Shopify transaction id
    order_id    TEXT      NOT NULL,
    amount      TEXT      NOT NULL,
    currency    TEXT      NOT NULL,
    test        BOOLEAN   NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL,
    captured_at TIMESTAMP
);
CREATE INDEX shopify_authorizations_order ON shopify_authorizations (order_id);

CREATE TABLE shopify_shops (
    shop           TEXT      PRIMARY KEY,
    uninstalled_at TIMESTAMP,
    redacted_at    TIMESTAMP,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE shopify_data_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    shop        TEXT      NOT NULL,
    customer_id TEXT      NOT NULL,
    report      TEXT      NOT NULL,         -- JSON: what taripay holds about the customer
    created_at  TIMESTAMP NOT NULL
);
