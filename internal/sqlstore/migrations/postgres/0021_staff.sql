-- Staff accounts of the admin API, separate from shop users.
CREATE TABLE staff (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL,
    email_folded  TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    version       BIGINT NOT NULL DEFAULT 1,
    created_ms    BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL
);

-- Staff sessions, found by the digest of the cookie's token.
CREATE TABLE staff_sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES staff (id),
    token_digest BYTEA NOT NULL UNIQUE,
    address      TEXT NOT NULL,
    user_agent   TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    expires_ms   BIGINT NOT NULL,
    closed_ms    BIGINT
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id) WHERE closed_ms IS NULL;

-- API keys for integrations, stored by digest.
CREATE TABLE api_keys (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    digest     BYTEA NOT NULL UNIQUE,
    role       TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    revoked_ms BIGINT
);

-- The admin journal: appended in the transaction of each admin write.
CREATE TABLE audit_journal (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms       BIGINT NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor_id    BIGINT NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    address     TEXT NOT NULL
);
CREATE INDEX audit_journal_by_object ON audit_journal (object_kind, object_id, id);
CREATE INDEX audit_journal_by_actor ON audit_journal (actor_kind, actor_id, id);
CREATE INDEX audit_journal_by_time ON audit_journal (at_ms, id);
