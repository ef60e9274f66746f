-- PostgreSQL twin of migrations/sqlite/0003_payments.sql.
-- Provider settings of payment accounts. The keys are secrets: never sent to clients.
ALTER TABLE payment_accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE payment_accounts ADD COLUMN secret_key TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_accounts ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';
-- Minutes a session may wait for payment; 0: no limit.
ALTER TABLE payment_accounts ADD COLUMN session_timeout_min BIGINT NOT NULL DEFAULT 0;

-- The status a paid order moves to.
ALTER TABLE order_storages ADD COLUMN paid_status TEXT NOT NULL DEFAULT '';

-- A session is 'creating' while the provider is being asked, then 'waiting'.
ALTER TABLE payment_sessions ADD COLUMN provider_ref TEXT;
ALTER TABLE payment_sessions ADD COLUMN expires_ms BIGINT;
ALTER TABLE payment_sessions ADD COLUMN last_error TEXT;
-- The provider's payment (a Stripe PaymentIntent) once known: refunds go against it.
ALTER TABLE payment_sessions ADD COLUMN payment_ref TEXT;
DROP INDEX payment_sessions_one_waiting;
CREATE UNIQUE INDEX payment_sessions_one_open ON payment_sessions (order_id) WHERE status IN ('creating', 'waiting');
CREATE INDEX payment_sessions_by_expiry ON payment_sessions (expires_ms) WHERE status = 'waiting';
CREATE INDEX payment_sessions_by_ref ON payment_sessions (provider_ref);

-- Provider events already applied: a replay changes nothing.
CREATE TABLE payment_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    session_id  BIGINT,
    outcome     TEXT NOT NULL,
    received_ms BIGINT NOT NULL
);

CREATE TABLE refunds (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     BIGINT NOT NULL REFERENCES orders (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    status       TEXT NOT NULL, -- waiting, canceled, approved (sent to the provider), refunded
    amount_minor BIGINT NOT NULL,
    note         TEXT NOT NULL,
    products     TEXT NOT NULL, -- {"<productId>": {"quantity": n}}
    provider_ref TEXT,
    created_ms   BIGINT NOT NULL,
    updated_ms   BIGINT NOT NULL
);
CREATE INDEX refunds_by_order ON refunds (order_id, id DESC);
