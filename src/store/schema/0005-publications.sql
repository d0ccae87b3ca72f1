-- Version 5: locally published updates and the publisher's signature over
-- the exact bytes of each revision's document (detached CMS, DER).
CREATE TABLE publication (
    update_id    TEXT NOT NULL CHECK (length(update_id) = 36),
    revision     INTEGER NOT NULL,
    signer       TEXT NOT NULL,
    signature    @BLOB@ NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (update_id, revision)
);
