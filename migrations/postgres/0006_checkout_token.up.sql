-- The storefront's checkout token of each order (engine.Order.CheckoutToken):
-- the Thank-you page extension proves with it that its buyer placed the
-- order (docs/shopify-setup.md). Orders stored before have none, and are
-- shown to the Order status page's signed-in customer only.
ALTER TABLE orders ADD COLUMN checkout_token TEXT NOT NULL DEFAULT '';
ALTER TABLE waiting_orders ADD COLUMN checkout_token TEXT NOT NULL DEFAULT '';
