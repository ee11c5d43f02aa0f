-- Shopify deliveries, card authorisations, shops and compliance reports.
-- Financial records stay in the engine's tables: these hold what Shopify sent.

CREATE TABLE shopify_webhooks (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     TEXT      NOT NULL UNIQUE, -- X-Shopify-Event-Id, else the webhook id
    webhook_id   TEXT      NOT NULL DEFAULT '',
    topic        TEXT      NOT NULL,
    shop         TEXT      NOT NULL DEFAULT '',
    body         BYTEA     NOT NULL,        -- the exact signed bytes
    order_id     TEXT      NOT NULL DEFAULT '',
    customer_id  TEXT      NOT NULL DEFAULT '',
    state        TEXT      NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts     INTEGER     NOT NULL DEFAULT 0,
    last_error   TEXT      NOT NULL DEFAULT '',
    due_at       TIMESTAMPTZ NOT NULL,      -- a pending delivery is free to process from here
    received_at  TIMESTAMPTZ NOT NULL,
    processed_at TIMESTAMPTZ,
    redacted_at  TIMESTAMPTZ
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
    created_at  TIMESTAMPTZ NOT NULL,
    captured_at TIMESTAMPTZ
);
CREATE INDEX shopify_authorizations_order ON shopify_authorizations (order_id);

CREATE TABLE shopify_shops (
    shop           TEXT      PRIMARY KEY,
    uninstalled_at TIMESTAMPTZ,
    redacted_at    TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE shopify_data_requests (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop        TEXT      NOT NULL,
    customer_id TEXT      NOT NULL,
    report      TEXT      NOT NULL,         -- JSON: what taripay holds about the customer
    created_at  TIMESTAMPTZ NOT NULL
);
