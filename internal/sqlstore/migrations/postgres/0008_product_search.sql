-- The product search index: derived from products, rewritten for the
-- products each apply (and the bench seed) writes, in the same
-- transaction; never edited otherwise. Only visible products have rows,
-- one set per indexed locale, values resolved as reads show them. Keys
-- (value_key, price) are openentry.NumberKey/TextKey/… strings: a kind
-- byte, then an encoding whose byte order is the value order, so that
-- numbers compare exactly and one index serves every type.

-- When the product first got into the catalogue: the "date" sort key.
ALTER TABLE products ADD COLUMN created_ms BIGINT;
UPDATE products SET created_ms = updated_ms;

-- One row per visible product and locale: what lists sort by and test
-- on the row itself.
CREATE TABLE product_search (
    locale     TEXT COLLATE "C" NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id),
    status     TEXT NOT NULL,
    sku        TEXT COLLATE "C" NOT NULL,   -- '' without one
    price      TEXT COLLATE "C" NOT NULL,   -- NumberKey of the price
    position   BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    title      TEXT COLLATE "C" NOT NULL,   -- lower-cased
    PRIMARY KEY (product_id, locale)
);
CREATE INDEX product_search_by_price ON product_search (locale, price, product_id);
CREATE INDEX product_search_by_position ON product_search (locale, position, product_id);
CREATE INDEX product_search_by_date ON product_search (locale, created_ms, product_id);
CREATE INDEX product_search_by_title ON product_search (locale, title, product_id);
-- Covers the tests lists make on the row itself (sku, status, price), so
-- that counting a whole catalogue reads one index, not every row.
CREATE INDEX product_search_by_sku ON product_search (locale, sku, status, price);

-- One row per value key of a product, repeated for each page the product
-- is listed on (page_id 0: any page), so that "on this page with this
-- value" is one index range. Folded keys (kind v) only have page 0 rows.
CREATE TABLE product_values (
    product_id BIGINT NOT NULL,
    locale     TEXT COLLATE "C" NOT NULL,
    marker     TEXT COLLATE "C" NOT NULL,
    page_id    BIGINT NOT NULL,
    value_key  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (product_id, locale, marker, page_id, value_key)
);
CREATE INDEX product_values_by_key ON product_values (locale, marker, page_id, value_key, product_id);

-- Every suffix of every word of a product's lower-cased title: text a
-- title contains is a prefix of one of them.
CREATE TABLE product_words (
    product_id BIGINT NOT NULL,
    locale     TEXT COLLATE "C" NOT NULL,
    suffix     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (product_id, locale, suffix)
);
CREATE INDEX product_words_by_suffix ON product_words (locale, suffix, product_id);

-- The product attribute markers lists may test, with the key kinds of
-- their values (openentry.Kind*, one byte each) and whether some set counts
-- stock in them: rewritten with every apply, read by every list.
CREATE TABLE product_markers (
    marker TEXT COLLATE "C" PRIMARY KEY,
    kinds  TEXT NOT NULL,
    stock  BOOLEAN NOT NULL
);

-- A page's products by id, covering: the driver of page filters.
CREATE INDEX product_pages_by_page_product ON product_pages (page_id, product_id);

-- Keys compare byte by byte (COLLATE "C" above), as SQLite's BINARY does.
-- The planner learns how markers, pages and keys go together.
CREATE STATISTICS product_values_stats (dependencies, ndistinct) ON locale, marker, page_id FROM product_values;
