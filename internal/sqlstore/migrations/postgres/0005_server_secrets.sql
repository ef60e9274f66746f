-- PostgreSQL twin of migrations/sqlite/0005_server_secrets.sql.
-- Secrets the server generates once and every instance on this database
-- shares, e.g. "token", the HMAC key of access tokens when
-- OPENENTRY_TOKEN_SECRET is not set. Never sent to clients or logged.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    value      BYTEA NOT NULL,
    created_ms BIGINT NOT NULL
);
