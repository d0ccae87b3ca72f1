-- Version 1: server identity and the content store's index.
-- Every statement here must run in SQLite and PostgreSQL alike.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per file under content/XX/<SHA1>.<ext>, written only after the
-- file itself was renamed into place with a matching digest.
CREATE TABLE content_file (
    sha1     TEXT PRIMARY KEY CHECK (length(sha1) = 40),
    sha256   TEXT NOT NULL CHECK (length(sha256) = 64),
    size     BIGINT NOT NULL CHECK (size >= 0),
    ext      TEXT NOT NULL,
    added_at TEXT NOT NULL
);
