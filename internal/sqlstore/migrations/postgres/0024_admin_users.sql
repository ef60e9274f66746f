-- Archiving clears is_active (tokens check it), so what it was is kept for
-- a restore; users archived before this were signed in, hence active.
ALTER TABLE users ADD COLUMN active_before_archive BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE users SET active_before_archive = TRUE WHERE archived_ms IS NOT NULL;
CREATE INDEX users_by_created ON users (created_ms, id);

-- The precondition of staff writes to an entry (status, delete).
ALTER TABLE form_entries ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
