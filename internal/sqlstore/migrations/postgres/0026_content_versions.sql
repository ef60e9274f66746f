-- Versions of pages and menus: the precondition of admin writes, so that
-- two staff editing one page cannot lose each other's change.
ALTER TABLE pages ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE menus ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
