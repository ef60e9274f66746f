-- Moves with every change of an order: the precondition of staff writes.
ALTER TABLE orders ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- When the order was paid (its session completed); revenue is counted by it.
ALTER TABLE orders ADD COLUMN paid_ms BIGINT;
-- Why the shop rejected a refund request.
ALTER TABLE refunds ADD COLUMN reason TEXT NOT NULL DEFAULT '';
-- The admin lists read all users' orders by time, and refunds by status.
CREATE INDEX orders_by_created ON orders (created_ms, id);
CREATE INDEX orders_by_paid ON orders (paid_ms) WHERE paid_ms IS NOT NULL;
CREATE INDEX refunds_by_status ON refunds (status, id);
