-- A product's version moves with every write of what the admin API's
-- product editor writes back (apply, admin, units taken or given back), so
-- that a save made from a stale read is refused rather than lost.
ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- What the admin list's text search reads, hidden products too: the titles
-- of every locale and the sku, folded (openentry.Fold), one per line.
-- NULL until the product is next written.
ALTER TABLE products ADD COLUMN search_text TEXT;
-- The same precondition for product statuses.
ALTER TABLE product_statuses ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
