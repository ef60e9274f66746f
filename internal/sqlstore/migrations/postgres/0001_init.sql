-- PostgreSQL twin of migrations/sqlite/0001_init.sql; keep them in step.
-- Times are Unix milliseconds; money is integer minor units; JSON is TEXT.
CREATE TABLE forms (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier      TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    processing_type TEXT NOT NULL,
    localize_infos  TEXT NOT NULL,
    attributes      TEXT NOT NULL,
    position        BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE auth_providers (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier      TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    form_identifier TEXT NOT NULL,
    user_group      TEXT NOT NULL,
    is_active       BOOLEAN NOT NULL,
    is_check_code   BOOLEAN NOT NULL,
    position        BIGINT NOT NULL,
    localize_infos  TEXT NOT NULL,
    config          TEXT NOT NULL
);

CREATE TABLE users (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider           TEXT NOT NULL,
    identifier         TEXT NOT NULL,
    identifier_folded  TEXT NOT NULL, -- logins are unique case-insensitively
    password_hash      TEXT NOT NULL,
    form_identifier    TEXT NOT NULL,
    form_data          TEXT NOT NULL,
    notification_email TEXT NOT NULL,
    phone_push         TEXT NOT NULL,
    locale             TEXT NOT NULL,
    state              TEXT NOT NULL,
    is_active          BOOLEAN NOT NULL,
    version            BIGINT NOT NULL,
    created_ms         BIGINT NOT NULL,
    updated_ms         BIGINT NOT NULL,
    UNIQUE (provider, identifier_folded)
);

-- One row per login on a device; closing it (revoked_ms) kills its tokens.
CREATE TABLE user_sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    device_info  TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    last_used_ms BIGINT NOT NULL,
    revoked_ms   BIGINT
);
CREATE INDEX user_sessions_by_user ON user_sessions (user_id);

-- Only the SHA-256 of a refresh token is stored. used_ms marks rotation.
CREATE TABLE refresh_tokens (
    digest     BYTEA PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES user_sessions (id) ON DELETE CASCADE,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    used_ms    BIGINT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

CREATE TABLE payment_accounts (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier     TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL,
    is_visible     BOOLEAN NOT NULL,
    test_mode      BOOLEAN NOT NULL,
    localize_infos TEXT NOT NULL,
    position       BIGINT NOT NULL,
    updated_ms     BIGINT NOT NULL
);

CREATE TABLE order_storages (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier      TEXT NOT NULL UNIQUE,
    form_identifier TEXT NOT NULL,
    localize_infos  TEXT NOT NULL,
    position        BIGINT NOT NULL
);

CREATE TABLE order_storage_accounts (
    storage_id BIGINT NOT NULL REFERENCES order_storages (id),
    account_id BIGINT NOT NULL REFERENCES payment_accounts (id),
    position   BIGINT NOT NULL,
    PRIMARY KEY (storage_id, account_id)
);

CREATE TABLE order_statuses (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    storage_id     BIGINT NOT NULL REFERENCES order_storages (id),
    identifier     TEXT NOT NULL,
    localize_infos TEXT NOT NULL,
    position       BIGINT NOT NULL,
    is_default     BOOLEAN NOT NULL,
    UNIQUE (storage_id, identifier)
);

CREATE TABLE products (
    id                BIGINT PRIMARY KEY,
    localize_infos    TEXT NOT NULL,
    price_minor       BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    sku               TEXT NOT NULL,
    status_identifier TEXT NOT NULL,
    position          BIGINT NOT NULL,
    is_visible        BOOLEAN NOT NULL,
    updated_ms        BIGINT NOT NULL
);

CREATE TABLE orders (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    storage_id         BIGINT NOT NULL REFERENCES order_storages (id),
    user_id            BIGINT NOT NULL REFERENCES users (id),
    form_identifier    TEXT NOT NULL,
    form_data          TEXT NOT NULL,
    payment_account_id BIGINT NOT NULL REFERENCES payment_accounts (id),
    status_identifier  TEXT NOT NULL,
    currency           TEXT NOT NULL,
    total_minor        BIGINT NOT NULL,
    is_completed       BOOLEAN NOT NULL,
    created_ms         BIGINT NOT NULL,
    updated_ms         BIGINT NOT NULL
);
CREATE INDEX orders_by_user ON orders (user_id, storage_id, id DESC);

-- Lines keep the price, title and SKU as they were when ordered.
CREATE TABLE order_lines (
    order_id       BIGINT NOT NULL REFERENCES orders (id),
    line_no        BIGINT NOT NULL,
    product_id     BIGINT NOT NULL,
    quantity       BIGINT NOT NULL,
    unit_minor     BIGINT NOT NULL,
    localize_infos TEXT NOT NULL,
    sku            TEXT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE payment_sessions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id      BIGINT NOT NULL REFERENCES orders (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    account_id    BIGINT NOT NULL REFERENCES payment_accounts (id),
    type          TEXT NOT NULL,
    status        TEXT NOT NULL,
    payment_url   TEXT,
    amount_minor  BIGINT,
    client_secret TEXT,
    created_ms    BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL
);
CREATE INDEX payment_sessions_by_user ON payment_sessions (user_id, id DESC);
CREATE INDEX payment_sessions_by_order ON payment_sessions (order_id, id DESC);
-- An order has at most one open session, whatever races createSession.
CREATE UNIQUE INDEX payment_sessions_one_waiting ON payment_sessions (order_id) WHERE status = 'waiting';
