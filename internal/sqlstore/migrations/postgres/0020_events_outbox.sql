-- Product events users subscribe to (Events.subscribeByMarker).
CREATE TABLE events (
    marker       TEXT PRIMARY KEY,
    trigger_kind TEXT NOT NULL,
    subject      TEXT NOT NULL,
    position     BIGINT NOT NULL
);

-- A deleted user's subscriptions are deleted with the account.
CREATE TABLE event_subscriptions (
    user_id      BIGINT NOT NULL REFERENCES users (id),
    event_marker TEXT NOT NULL REFERENCES events (marker),
    product_id   BIGINT NOT NULL REFERENCES products (id),
    locale       TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    PRIMARY KEY (user_id, event_marker, product_id)
);
CREATE INDEX event_subscriptions_by_product ON event_subscriptions (product_id, event_marker);
CREATE INDEX event_subscriptions_by_user ON event_subscriptions (user_id, created_ms);

-- Work to do after a commit (product changes to tell subscribers of, mail
-- to send), written in the transaction that caused it. An instance leases
-- a message (lease_owner, lease_until_ms) and marks it done; a failed one
-- is due again at due_ms, or dead after too many attempts.
CREATE TABLE outbox (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic          TEXT NOT NULL,
    msg_key        TEXT NOT NULL UNIQUE,
    user_id        BIGINT, -- whose personal data the payload holds, deleted with the account
    payload        TEXT NOT NULL,
    created_ms     BIGINT NOT NULL,
    due_ms         BIGINT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    lease_owner    TEXT,
    lease_until_ms BIGINT,
    done_ms        BIGINT,
    dead           BOOLEAN NOT NULL DEFAULT FALSE,
    last_error     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (due_ms, id) WHERE done_ms IS NULL AND NOT dead;

-- The blocks a product shows (Products.getProductBlockById), by marker.
ALTER TABLE products ADD COLUMN blocks TEXT NOT NULL DEFAULT '[]';
