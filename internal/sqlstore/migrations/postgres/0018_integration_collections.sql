-- Integration collections: tables of rows whose columns are a form's
-- attributes. Collections come from the project file; rows are users'.
CREATE TABLE integration_collections (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier       TEXT NOT NULL UNIQUE,
    form_identifier  TEXT NOT NULL,
    localize_infos   TEXT NOT NULL,
    position         BIGINT NOT NULL,
    selected_markers TEXT NOT NULL,
    rows_public      BOOLEAN NOT NULL
);

-- A row belongs to the user who created it; a deleted user's rows are deleted.
CREATE TABLE collection_rows (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    collection_id BIGINT NOT NULL REFERENCES integration_collections (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    entity_type   TEXT NOT NULL,
    entity_id     BIGINT,
    form_data     TEXT NOT NULL,
    created_ms    BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL
);
CREATE INDEX collection_rows_by_collection ON collection_rows (collection_id, id);
CREATE INDEX collection_rows_by_user ON collection_rows (user_id, id);
