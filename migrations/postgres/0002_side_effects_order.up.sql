-- The admin reads an order's outbox jobs by order_id alone.
CREATE INDEX side_effects_order ON side_effects (order_id, id);
