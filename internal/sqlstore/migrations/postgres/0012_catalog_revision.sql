-- The catalogue's revision: every change of products, their sets, statuses
-- or pages (an apply, a seed) bumps it in the change's transaction, so that
-- what is cached of a product at one revision is known stale at the next.
-- Stock is not in it: it changes with every order and is read live.
CREATE TABLE catalog_revision (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO catalog_revision (id, value) VALUES (1, 1);
