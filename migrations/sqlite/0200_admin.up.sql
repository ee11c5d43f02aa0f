-- The embedded admin: each shop's offline Admin API token, and the indexes
-- the dashboard's reports read by.

CREATE TABLE shop_tokens (
    shop               TEXT PRIMARY KEY,
    access_token       TEXT NOT NULL,
    scope              TEXT NOT NULL DEFAULT '',
    expires_at         TEXT,
    refresh_token      TEXT NOT NULL DEFAULT '',
    refresh_expires_at TEXT,
    updated_at         TEXT NOT NULL
);

CREATE INDEX payments_status_updated ON payments (status, updated_at);
CREATE INDEX payments_created ON payments (created_at);
-- the admin's order list filtered by status, in created order
CREATE INDEX orders_status_created ON orders (status, created_at, id);
