-- What a form's senders may do with its entries.
ALTER TABLE forms ADD COLUMN entry_statuses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE forms ADD COLUMN entries_public BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE forms ADD COLUMN success_message TEXT NOT NULL DEFAULT '{}';

-- Submissions of forms (OneEntry's form data): reviews, contact requests.
-- user_id is NULL for a guest's; a deleted user's entries are deleted.
CREATE TABLE form_entries (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form_identifier   TEXT NOT NULL,
    user_id           BIGINT REFERENCES users (id),
    entity_identifier TEXT NOT NULL,
    module_config_id  BIGINT NOT NULL,
    status            TEXT NOT NULL,
    form_data         TEXT NOT NULL,
    address           TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,
    created_ms        BIGINT NOT NULL,
    updated_ms        BIGINT NOT NULL
);
CREATE INDEX form_entries_by_entity ON form_entries (form_identifier, entity_identifier, id);
CREATE INDEX form_entries_by_user ON form_entries (user_id, id);
