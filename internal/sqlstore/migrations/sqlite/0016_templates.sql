-- Templates: layouts pages, products and blocks name by marker.
CREATE TABLE templates (
    id               INTEGER PRIMARY KEY,
    identifier       TEXT NOT NULL UNIQUE,
    type             TEXT NOT NULL,
    title            TEXT NOT NULL,
    position         BIGINT NOT NULL,
    attribute_set    TEXT NOT NULL,
    attribute_values TEXT NOT NULL,
    version          BIGINT NOT NULL
);
