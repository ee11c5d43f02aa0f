-- Times are UTC text in bun's sortable format ("2006-01-02 15:04:05.999999+00:00").
CREATE TABLE orders (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id           TEXT    NOT NULL UNIQUE,
    alt_id             TEXT    UNIQUE,
    customer_id        TEXT    NOT NULL,
    memo               TEXT,
    total_price        INTEGER NOT NULL CHECK (total_price >= 0),
    original_price     TEXT,
    currency           TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('Unclaimed', 'New', 'Paid', 'Cancelled', 'Expired')),
    amount_outstanding TEXT,
    exchange_rate      INTEGER NOT NULL DEFAULT 0,
    recorded_at        TEXT    NOT NULL,
    claimed_at         TEXT,
    claim_token        TEXT    NOT NULL UNIQUE
);
CREATE INDEX orders_customer_status ON orders (customer_id, status, created_at, id);
CREATE INDEX orders_status_recorded ON orders (status, recorded_at);
CREATE INDEX orders_status_claimed ON orders (status, claimed_at);
CREATE INDEX orders_created ON orders (created_at, id);
CREATE INDEX orders_currency ON orders (currency);

CREATE TABLE payments (
    tx_id        TEXT    PRIMARY KEY,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    sender       TEXT    NOT NULL,
    amount       INTEGER NOT NULL,
    memo         TEXT,
    payment_type TEXT    NOT NULL CHECK (payment_type IN ('OnChain', 'Manual')),
    status       TEXT    NOT NULL CHECK (status IN ('Received', 'Confirmed', 'Cancelled')),
    order_id     TEXT
);
CREATE INDEX payments_sender ON payments (sender, created_at);
CREATE INDEX payments_order ON payments (order_id, created_at);

CREATE TABLE address_customer_links (
    address     TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (address, customer_id)
);
CREATE INDEX links_customer ON address_customer_links (customer_id, address);

-- One row per address with confirmed funds; it is also the address's lock.
CREATE TABLE address_balances (
    address         TEXT    PRIMARY KEY,
    total_confirmed INTEGER NOT NULL,
    total_paid      INTEGER NOT NULL,
    current_balance INTEGER NOT NULL CHECK (current_balance >= 0),
    last_update     TEXT    NOT NULL,
    CHECK (current_balance = total_confirmed - total_paid)
);

CREATE TABLE settlements (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      TEXT    NOT NULL,
    order_id        TEXT    NOT NULL REFERENCES orders (order_id),
    payment_address TEXT    NOT NULL,
    settlement_type TEXT    NOT NULL CHECK (settlement_type IN ('Single', 'Multiple')),
    amount          INTEGER NOT NULL CHECK (amount >= 0)
);
CREATE INDEX settlements_order ON settlements (order_id);
CREATE INDEX settlements_address ON settlements (payment_address);

CREATE TABLE audit_entries (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_entries (entity, entity_id, id);

CREATE TABLE events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    type    TEXT NOT NULL,
    payload TEXT NOT NULL,
    at      TEXT NOT NULL
);

CREATE TABLE side_effects (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    order_id        TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    lease_owner     TEXT,
    lease_until     TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (kind, order_id)
);
CREATE INDEX side_effects_due ON side_effects (state, next_attempt_at);

CREATE TABLE login_nonces (
    address    TEXT    PRIMARY KEY,
    last_nonce INTEGER NOT NULL,
    updated_at TEXT    NOT NULL
);

CREATE TABLE role_assignments (
    address TEXT NOT NULL,
    role    TEXT NOT NULL CHECK (role IN ('read_all', 'write', 'payment_wallet', 'super_admin')),
    PRIMARY KEY (address, role)
);

CREATE TABLE wallets (
    address    TEXT    PRIMARY KEY,
    ip_address TEXT    NOT NULL,
    last_nonce INTEGER NOT NULL,
    last_seen  TEXT
);

CREATE TABLE exchange_rates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    currency   TEXT    NOT NULL,
    rate       INTEGER NOT NULL CHECK (rate > 0),
    updated_at TEXT    NOT NULL
);
CREATE INDEX exchange_rates_currency ON exchange_rates (currency, id);

CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders BEGIN SELECT RAISE(ABORT, 'orders are never deleted'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments BEGIN SELECT RAISE(ABORT, 'payments are never deleted'); END;
CREATE TRIGGER settlements_no_delete BEFORE DELETE ON settlements BEGIN SELECT RAISE(ABORT, 'settlements are never deleted'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_entries BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER exchange_rates_no_delete BEFORE DELETE ON exchange_rates BEGIN SELECT RAISE(ABORT, 'exchange rates are append-only'); END;
