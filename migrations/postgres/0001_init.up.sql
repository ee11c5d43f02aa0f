CREATE TABLE orders (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id           TEXT    NOT NULL UNIQUE,
    alt_id             TEXT    UNIQUE,
    customer_id        TEXT    NOT NULL,
    memo               TEXT,
    total_price        BIGINT NOT NULL CHECK (total_price >= 0),
    original_price     TEXT,
    currency           TEXT    NOT NULL,
    created_at         TIMESTAMPTZ    NOT NULL,
    updated_at         TIMESTAMPTZ    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('Unclaimed', 'New', 'Paid', 'Cancelled', 'Expired')),
    amount_outstanding TEXT,
    exchange_rate      BIGINT NOT NULL DEFAULT 0,
    recorded_at        TIMESTAMPTZ    NOT NULL,
    claimed_at         TIMESTAMPTZ,
    claim_token        TEXT    NOT NULL UNIQUE
);
CREATE INDEX orders_customer_status ON orders (customer_id, status, created_at, id);
CREATE INDEX orders_status_recorded ON orders (status, recorded_at);
CREATE INDEX orders_status_claimed ON orders (status, claimed_at);
CREATE INDEX orders_created ON orders (created_at, id);
CREATE INDEX orders_currency ON orders (currency);

CREATE TABLE payments (
    tx_id        TEXT    PRIMARY KEY,
    created_at   TIMESTAMPTZ    NOT NULL,
    updated_at   TIMESTAMPTZ    NOT NULL,
    sender       TEXT    NOT NULL,
    amount       BIGINT NOT NULL,
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
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (address, customer_id)
);
CREATE INDEX links_customer ON address_customer_links (customer_id, address);

-- One row per address with confirmed funds; it is also the address's lock.
CREATE TABLE address_balances (
    address         TEXT    PRIMARY KEY,
    total_confirmed BIGINT NOT NULL,
    total_paid      BIGINT NOT NULL,
    current_balance BIGINT NOT NULL CHECK (current_balance >= 0),
    last_update     TIMESTAMPTZ    NOT NULL,
    CHECK (current_balance = total_confirmed - total_paid)
);

CREATE TABLE settlements (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at      TIMESTAMPTZ    NOT NULL,
    order_id        TEXT    NOT NULL REFERENCES orders (order_id),
    payment_address TEXT    NOT NULL,
    settlement_type TEXT    NOT NULL CHECK (settlement_type IN ('Single', 'Multiple')),
    amount          BIGINT NOT NULL CHECK (amount >= 0)
);
CREATE INDEX settlements_order ON settlements (order_id);
CREATE INDEX settlements_address ON settlements (payment_address);

CREATE TABLE audit_entries (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_entity ON audit_entries (entity, entity_id, id);

CREATE TABLE events (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type    TEXT NOT NULL,
    payload TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE side_effects (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT    NOT NULL,
    order_id        TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ    NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    lease_owner     TEXT,
    lease_until     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ    NOT NULL,
    updated_at      TIMESTAMPTZ    NOT NULL,
    UNIQUE (kind, order_id)
);
CREATE INDEX side_effects_due ON side_effects (state, next_attempt_at);

CREATE TABLE login_nonces (
    address    TEXT    PRIMARY KEY,
    last_nonce BIGINT NOT NULL,
    updated_at TIMESTAMPTZ    NOT NULL
);

CREATE TABLE role_assignments (
    address TEXT NOT NULL,
    role    TEXT NOT NULL CHECK (role IN ('read_all', 'write', 'payment_wallet', 'super_admin')),
    PRIMARY KEY (address, role)
);

CREATE TABLE wallets (
    address    TEXT    PRIMARY KEY,
    ip_address TEXT    NOT NULL,
    last_nonce BIGINT NOT NULL,
    last_seen  TIMESTAMPTZ
);

CREATE TABLE exchange_rates (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    currency   TEXT    NOT NULL,
    rate       BIGINT NOT NULL CHECK (rate > 0),
    updated_at TIMESTAMPTZ    NOT NULL
);
CREATE INDEX exchange_rates_currency ON exchange_rates (currency, id);

CREATE FUNCTION taripay_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted or rewritten', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders FOR EACH ROW EXECUTE FUNCTION taripay_forbid_change();
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments FOR EACH ROW EXECUTE FUNCTION taripay_forbid_change();
CREATE TRIGGER settlements_no_delete BEFORE DELETE ON settlements FOR EACH ROW EXECUTE FUNCTION taripay_forbid_change();
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION taripay_forbid_change();
CREATE TRIGGER exchange_rates_no_delete BEFORE DELETE ON exchange_rates FOR EACH ROW EXECUTE FUNCTION taripay_forbid_change();
