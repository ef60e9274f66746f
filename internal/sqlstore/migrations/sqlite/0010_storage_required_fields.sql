-- Form attributes an order in the storage must fill, besides those its form
-- requires: two storages may share a form and ask for different fields.
ALTER TABLE order_storages ADD COLUMN required_fields TEXT NOT NULL DEFAULT '[]';
