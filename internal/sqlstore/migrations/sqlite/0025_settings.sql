-- Shop settings the admin API edits. version is the precondition of an
-- admin write; applied_digest is what the project file said of the object
-- when it was last applied, so that applying an unchanged file again leaves
-- admin edits alone.
ALTER TABLE auth_providers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE auth_providers ADD COLUMN updated_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE auth_providers ADD COLUMN applied_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_accounts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE payment_accounts ADD COLUMN applied_digest TEXT NOT NULL DEFAULT '';
-- Switched off by staff (or the file's "inactive"): kept, not offered.
-- is_visible stays what the Content API reads: active and set up.
ALTER TABLE payment_accounts ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE order_storages ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE order_storages ADD COLUMN updated_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_storages ADD COLUMN applied_digest TEXT NOT NULL DEFAULT '';
-- A status may be removed only while no order has it.
CREATE INDEX orders_by_status ON orders (storage_id, status_identifier);
