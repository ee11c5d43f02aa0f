-- The shortfall of an order paid within TPG_UNDERPAYMENT_TOLERANCE
-- (engine/writeoff.go): at most one per order, never a balance.
CREATE TABLE write_offs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT    NOT NULL,
    order_id   TEXT    NOT NULL UNIQUE REFERENCES orders (order_id),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    tolerance  INTEGER NOT NULL CHECK (tolerance > 0 AND tolerance <= 50000)
);
CREATE INDEX write_offs_created ON write_offs (created_at);
CREATE TRIGGER write_offs_no_delete BEFORE DELETE ON write_offs BEGIN SELECT RAISE(ABORT, 'write-offs are never deleted'); END;
