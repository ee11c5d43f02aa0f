-- The shortfall of an order paid within TPG_UNDERPAYMENT_TOLERANCE
-- (engine/writeoff.go): at most one per order, never a balance.
CREATE TABLE write_offs (
    id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    order_id   TEXT        NOT NULL UNIQUE REFERENCES orders (order_id),
    amount     BIGINT      NOT NULL CHECK (amount > 0),
    tolerance  BIGINT      NOT NULL CHECK (tolerance > 0 AND tolerance <= 50000)
);
CREATE INDEX write_offs_created ON write_offs (created_at);
CREATE TRIGGER write_offs_no_delete BEFORE DELETE ON write_offs FOR EACH ROW EXECUTE FUNCTION taripay_forbid_change();
