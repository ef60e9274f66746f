-- Attribute sets: typed, localized attributes products carry values of.
CREATE TABLE attribute_sets (
    id              INTEGER PRIMARY KEY,
    identifier      TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    localize_infos  TEXT NOT NULL,
    position        BIGINT NOT NULL,
    is_visible      BOOLEAN NOT NULL,
    version         BIGINT NOT NULL,
    attributes      TEXT NOT NULL,
    stock_attribute TEXT NOT NULL,
    created_ms      BIGINT NOT NULL,
    updated_ms      BIGINT NOT NULL
);

CREATE TABLE product_statuses (
    id             INTEGER PRIMARY KEY,
    identifier     TEXT NOT NULL UNIQUE,
    localize_infos TEXT NOT NULL,
    position       BIGINT NOT NULL,
    is_default     BOOLEAN NOT NULL,
    not_for_sale   BOOLEAN NOT NULL
);

ALTER TABLE products ADD COLUMN attribute_set TEXT NOT NULL DEFAULT '';
-- locale → marker → value, as the project file gives them
ALTER TABLE products ADD COLUMN attribute_values TEXT NOT NULL DEFAULT '{}';
ALTER TABLE products ADD COLUMN related_ids TEXT NOT NULL DEFAULT '[]';
-- Units left when the product's set counts stock; NULL: not counted.
ALTER TABLE products ADD COLUMN stock BIGINT;
-- The stock the project file last set: re-applying the same file keeps
-- the units sold since, a changed figure restocks.
ALTER TABLE products ADD COLUMN stock_applied BIGINT;
-- The line took units from the product's stock; a cancel gives them back.
ALTER TABLE order_lines ADD COLUMN takes_stock BOOLEAN NOT NULL DEFAULT FALSE;
