-- Versions of locales and integration collections: the precondition of
-- admin writes (templates have had one since 0016).
ALTER TABLE locales ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE integration_collections ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
