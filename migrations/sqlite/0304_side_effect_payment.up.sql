-- A part-payment job reports one payment of an order to the storefront
-- (docs/part-payments.md), so a job is now unique per kind, order and
-- payment; tx_id is '' for the jobs that concern the whole order. SQLite
-- cannot change a table's constraints in place, so the table is rebuilt.
CREATE TABLE side_effects_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    order_id        TEXT    NOT NULL,
    tx_id           TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    lease_owner     TEXT,
    lease_until     TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (kind, order_id, tx_id)
);
INSERT INTO side_effects_new (id, kind, order_id, state, attempts, next_attempt_at, last_error, lease_owner,
    lease_until, created_at, updated_at)
SELECT id, kind, order_id, state, attempts, next_attempt_at, last_error, lease_owner, lease_until, created_at, updated_at
FROM side_effects;
DROP TABLE side_effects;
ALTER TABLE side_effects_new RENAME TO side_effects;
CREATE INDEX side_effects_due ON side_effects (state, next_attempt_at);
CREATE INDEX side_effects_order ON side_effects (order_id, id);
