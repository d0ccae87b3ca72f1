-- Version 4: content files whose rows `openwsus cleanup` has deleted and
-- whose files it has still to unlink. The row of content_file and the entry
-- here change in one transaction; the file is unlinked after the commit and
-- the entry dropped after that, so a crash in between leaves an entry that
-- the next run finishes (and a file is never unlinked while its row exists).
CREATE TABLE content_unlink (
    sha1      TEXT PRIMARY KEY CHECK (length(sha1) = 40),
    ext       TEXT NOT NULL,
    queued_at TEXT NOT NULL
);
