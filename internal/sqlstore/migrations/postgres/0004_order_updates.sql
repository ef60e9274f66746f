-- The status a customer's cancel moves an order to; '' means customers
-- cannot cancel.
ALTER TABLE order_storages ADD COLUMN canceled_status TEXT NOT NULL DEFAULT '';
-- When the order was canceled; a canceled order is neither changed nor paid.
ALTER TABLE orders ADD COLUMN canceled_ms BIGINT;

-- The pair a rotation answered, sealed under a key only the old refresh
-- token gives, so that the same token presented again within the reuse
-- window gets the same pair and the table never holds a usable token.
ALTER TABLE refresh_tokens ADD COLUMN successor BYTEA;
