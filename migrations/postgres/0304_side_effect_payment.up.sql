-- A part-payment job reports one payment of an order to the storefront
-- (docs/part-payments.md), so a job is now unique per kind, order and
-- payment; tx_id is '' for the jobs that concern the whole order.
ALTER TABLE side_effects ADD COLUMN tx_id TEXT NOT NULL DEFAULT '';
ALTER TABLE side_effects DROP CONSTRAINT side_effects_kind_order_id_key;
ALTER TABLE side_effects ADD CONSTRAINT side_effects_kind_order_id_tx_id_key UNIQUE (kind, order_id, tx_id);
