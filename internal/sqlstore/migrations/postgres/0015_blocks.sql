-- Blocks: content a front end places by marker (banners, a dictionary of
-- texts, rows of products).
CREATE TABLE blocks (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier          TEXT NOT NULL UNIQUE,
    type                TEXT NOT NULL,
    localize_infos      TEXT NOT NULL,
    position            BIGINT NOT NULL,
    is_visible          BOOLEAN NOT NULL,
    template_identifier TEXT NOT NULL,
    attribute_set       TEXT NOT NULL,
    attribute_values    TEXT NOT NULL,
    products            TEXT NOT NULL,
    per_row             BIGINT NOT NULL,
    quantity            BIGINT NOT NULL,
    version             BIGINT NOT NULL,
    updated_ms          BIGINT NOT NULL
);
CREATE INDEX blocks_by_type ON blocks (type, position);

-- The markers of the blocks a page shows, in order.
ALTER TABLE pages ADD COLUMN blocks TEXT NOT NULL DEFAULT '[]';

-- Frequently ordered together: the lines of a product's orders.
CREATE INDEX order_lines_by_product ON order_lines (product_id, order_id);
