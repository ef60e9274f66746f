-- Minutes after which an unpaid order with no payment open is canceled and
-- its units given back; 0: never.
ALTER TABLE order_storages ADD COLUMN cancel_unpaid_after_min BIGINT NOT NULL DEFAULT 0;
-- The sweep reads the oldest open orders of a storage.
CREATE INDEX orders_open_by_storage ON orders (storage_id, created_ms) WHERE canceled_ms IS NULL AND NOT is_completed;
