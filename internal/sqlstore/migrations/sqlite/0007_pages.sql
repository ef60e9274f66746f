-- Pages: a tree of catalogue categories and common pages.
CREATE TABLE pages (
    id                  INTEGER PRIMARY KEY,
    page_url            TEXT NOT NULL UNIQUE,
    parent_id           BIGINT REFERENCES pages (id),
    depth               BIGINT NOT NULL,
    position            BIGINT NOT NULL,
    type                TEXT NOT NULL,
    is_visible          BOOLEAN NOT NULL,
    localize_infos      TEXT NOT NULL,
    attribute_set       TEXT NOT NULL,
    attribute_values    TEXT NOT NULL,
    template_identifier TEXT NOT NULL,
    config              TEXT NOT NULL,
    updated_ms          BIGINT NOT NULL
);
CREATE INDEX pages_by_parent ON pages (parent_id, position);

-- The pages (categories) a product is listed on, in its position there.
CREATE TABLE product_pages (
    product_id BIGINT NOT NULL REFERENCES products (id),
    page_id    BIGINT NOT NULL REFERENCES pages (id),
    position   BIGINT NOT NULL,
    PRIMARY KEY (product_id, page_id)
);
CREATE INDEX product_pages_by_page ON product_pages (page_id, position);
