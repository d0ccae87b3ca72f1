-- Version 2: the update catalog, computer groups, approvals and the audit
-- trail. Dialect tokens, replaced by each backend before running:
--   @AUTOID@  an auto-assigned 64-bit integer primary key
--   @BLOB@    a byte string
-- Text timestamps are RFC 3339 UTC ("2026-11-24T10:00:00Z").

-- One row per imported revision of an update, with the original document.
-- revision_id is the server-local id that clients cache.
CREATE TABLE update_revision (
    revision_id   @AUTOID@,
    update_id     TEXT NOT NULL CHECK (length(update_id) = 36),
    revision      INTEGER NOT NULL CHECK (revision >= 0),
    type          TEXT NOT NULL,
    category_type TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    kb            TEXT NOT NULL DEFAULT '',
    msrc_severity TEXT NOT NULL DEFAULT '',
    creation_date TEXT NOT NULL DEFAULT '',
    removable     INTEGER NOT NULL DEFAULT 0,
    deployable    INTEGER NOT NULL DEFAULT 0,
    doc           @BLOB@ NOT NULL,
    doc_sha256    TEXT NOT NULL CHECK (length(doc_sha256) = 64),
    imported_at   TEXT NOT NULL,
    UNIQUE (update_id, revision)
);

-- Prerequisites, bundled updates and supersedence, as the document states
-- them. grp 0: required on its own; grp k > 0: one of the k-th AtLeastOne.
CREATE TABLE revision_relation (
    revision_id      BIGINT NOT NULL REFERENCES update_revision(revision_id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('prerequisite', 'bundled', 'supersedes')),
    related_id       TEXT NOT NULL CHECK (length(related_id) = 36),
    related_revision INTEGER,
    grp              INTEGER NOT NULL DEFAULT 0,
    is_category      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX revision_relation_by_revision ON revision_relation(revision_id, kind);
CREATE INDEX revision_relation_by_related ON revision_relation(related_id, kind);

CREATE TABLE revision_file (
    revision_id BIGINT NOT NULL REFERENCES update_revision(revision_id) ON DELETE CASCADE,
    sha1        TEXT NOT NULL CHECK (length(sha1) = 40),
    sha256      TEXT NOT NULL DEFAULT '',
    size        BIGINT NOT NULL CHECK (size >= 0),
    name        TEXT NOT NULL,
    modified    TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX revision_file_by_revision ON revision_file(revision_id);
CREATE INDEX revision_file_by_sha1 ON revision_file(sha1);

-- Computer groups form a tree under All Computers. name_key is the
-- lower-cased name: group names are unique regardless of case.
CREATE TABLE computer_group (
    group_id   TEXT PRIMARY KEY CHECK (length(group_id) = 36),
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL UNIQUE,
    parent_id  TEXT REFERENCES computer_group(group_id),
    created_at TEXT NOT NULL
);
-- The two groups WSUS always has, with WSUS's well-known ids.
INSERT INTO computer_group VALUES
    ('a0a08746-4dbe-4a37-9adf-9e7652c0b421', 'All Computers', 'all computers', NULL, '1970-01-01T00:00:00Z');
INSERT INTO computer_group VALUES
    ('b73ca6ed-5727-47f3-84de-015e03f6a88a', 'Unassigned Computers', 'unassigned computers',
     'a0a08746-4dbe-4a37-9adf-9e7652c0b421', '1970-01-01T00:00:00Z');

CREATE TABLE computer (
    computer_id   TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    os_description TEXT NOT NULL DEFAULT '',
    hardware      TEXT NOT NULL DEFAULT '',
    registered_at TEXT NOT NULL,
    last_contact  TEXT NOT NULL
);
CREATE INDEX computer_by_last_contact ON computer(last_contact);

CREATE TABLE computer_group_member (
    computer_id TEXT NOT NULL REFERENCES computer(computer_id) ON DELETE CASCADE,
    group_id    TEXT NOT NULL REFERENCES computer_group(group_id) ON DELETE CASCADE,
    PRIMARY KEY (computer_id, group_id)
);

-- Approvals are per update (the latest revision is what clients get) and
-- per group. Declines are global.
CREATE TABLE approval (
    update_id         TEXT NOT NULL CHECK (length(update_id) = 36),
    group_id          TEXT NOT NULL REFERENCES computer_group(group_id) ON DELETE CASCADE,
    action            TEXT NOT NULL CHECK (action IN ('install', 'uninstall', 'notapproved')),
    deadline          TEXT,
    apply_to_children INTEGER NOT NULL DEFAULT 1,
    approved_by       TEXT NOT NULL,
    approved_at       TEXT NOT NULL,
    PRIMARY KEY (update_id, group_id)
);

CREATE TABLE decline (
    update_id   TEXT PRIMARY KEY CHECK (length(update_id) = 36),
    declined_by TEXT NOT NULL,
    declined_at TEXT NOT NULL
);

-- Every administrative change: who, what, when.
CREATE TABLE audit_log (
    entry_id  @AUTOID@,
    at        TEXT NOT NULL,
    principal TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);
