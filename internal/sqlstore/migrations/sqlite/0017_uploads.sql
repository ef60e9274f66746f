-- Files clients upload (the SDK's FileUploading module). An upload is a
-- name in a folder (OneEntry's type, entity and id) for a row of files,
-- which stays shared: the same bytes are stored once.
-- in_project marks files a project's attribute values name: deleting the
-- last upload of some bytes deletes them only when no project uses them.
-- Every file stored before uploads existed came from a project.
ALTER TABLE files ADD COLUMN in_project BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE files SET in_project = TRUE;

-- owner_id is NULL for a guest's upload.
CREATE TABLE uploads (
    id          INTEGER PRIMARY KEY,
    file_id     BIGINT NOT NULL REFERENCES files (id),
    folder_type TEXT NOT NULL,
    entity      TEXT NOT NULL,
    object_id   BIGINT NOT NULL,
    name        TEXT NOT NULL,
    owner_id    BIGINT REFERENCES users (id),
    address     TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    UNIQUE (folder_type, entity, object_id, name)
);
CREATE INDEX uploads_by_file ON uploads (file_id);
