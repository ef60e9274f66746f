-- PostgreSQL twin of migrations/sqlite/0002_user_codes.sql.
-- Events a provider sends one-time codes for, e.g. ["user_registration","reset"].
ALTER TABLE auth_providers ADD COLUMN events TEXT NOT NULL DEFAULT '[]';

-- archived: the user closed the account (can no longer log in);
-- deleted: personal data was erased, the row stays for the orders' books.
ALTER TABLE users ADD COLUMN archived_ms BIGINT;
ALTER TABLE users ADD COLUMN deleted_ms BIGINT;

-- One live code per user and event, stored as an HMAC, never in clear.
CREATE TABLE user_codes (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event      TEXT NOT NULL,
    digest     BYTEA NOT NULL,
    attempts   BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, event)
);

-- Firebase Cloud Messaging tokens a user's devices registered for pushes.
CREATE TABLE user_push_tokens (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token      TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, token)
);
