-- Files named by image, groupOfImages and file attribute values, kept in
-- the database so that every instance over it serves the same bytes.
-- Content-addressed: digest (SHA-256 of bytes) is unique, so the same
-- bytes are stored once; a row never changes.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    digest       BLOB NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BLOB NOT NULL,
    created_ms   BIGINT NOT NULL,
    name         TEXT NOT NULL
);
