-- Who sees an order (engine/visibility.go, docs/security.md): a claim by
-- order id links an address to the customer for money, but shows it only
-- the orders it signed, named in a payment or paid (order_viewers), unless
-- the link is proven (proven_at: a claim through the order's pay page).
ALTER TABLE address_customer_links ADD COLUMN proven_at TEXT;

CREATE TABLE order_viewers (
    address    TEXT NOT NULL,
    order_id   TEXT NOT NULL REFERENCES orders (order_id),
    proof      TEXT NOT NULL CHECK (proof IN ('claim', 'payment', 'settled', 'pay_page')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (address, order_id)
);
CREATE INDEX order_viewers_order ON order_viewers (order_id, created_at);

-- What the ledger already shows. Pay-page claims were audited with the
-- actor pay:<address>, memo claims with the reason "... by <address>".
INSERT INTO order_viewers (address, order_id, proof, created_at)
SELECT substr(a.actor, 5), a.entity_id, 'pay_page', min(a.at)
FROM audit_entries a JOIN orders o ON o.order_id = a.entity_id
WHERE a.entity = 'order' AND a.field = 'status' AND a.new_value = 'New'
  AND a.actor LIKE 'pay:%' AND a.reason = 'claimed with a memo signature by ' || substr(a.actor, 5)
GROUP BY a.actor, a.entity_id
ON CONFLICT DO NOTHING;

UPDATE address_customer_links SET proven_at = (
    SELECT min(v.created_at) FROM order_viewers v JOIN orders o ON o.order_id = v.order_id
    WHERE v.proof = 'pay_page' AND v.address = address_customer_links.address
      AND o.customer_id = address_customer_links.customer_id)
WHERE proven_at IS NULL;

INSERT INTO order_viewers (address, order_id, proof, created_at)
SELECT substr(a.reason, length('claimed with a memo signature by ') + 1), a.entity_id, 'claim', min(a.at)
FROM audit_entries a JOIN orders o ON o.order_id = a.entity_id
WHERE a.entity = 'order' AND a.field = 'status' AND a.new_value = 'New'
  AND a.reason LIKE 'claimed with a memo signature by %'
GROUP BY a.reason, a.entity_id
ON CONFLICT DO NOTHING;

INSERT INTO order_viewers (address, order_id, proof, created_at)
SELECT substr(a.reason, length('memo signature in the order note by ') + 1), a.entity_id, 'claim', min(a.at)
FROM audit_entries a JOIN orders o ON o.order_id = a.entity_id
WHERE a.entity = 'order' AND a.field = 'status' AND a.new_value = 'New'
  AND a.reason LIKE 'memo signature in the order note by %'
GROUP BY a.reason, a.entity_id
ON CONFLICT DO NOTHING;

INSERT INTO order_viewers (address, order_id, proof, created_at)
SELECT p.sender, o.order_id, 'payment', min(p.created_at)
FROM payments p JOIN orders o ON o.order_id = p.order_id OR o.alt_id = p.order_id
WHERE p.status <> 'Cancelled' AND p.payment_type = 'OnChain'
GROUP BY p.sender, o.order_id
ON CONFLICT DO NOTHING;

INSERT INTO order_viewers (address, order_id, proof, created_at)
SELECT payment_address, order_id, 'settled', min(created_at)
FROM settlements
GROUP BY payment_address, order_id
ON CONFLICT DO NOTHING;
