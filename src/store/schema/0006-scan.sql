-- Version 6: what the client scan path (MS-WUSP) reads and writes besides
-- the catalog: a cache of the XML fragments derived from each revision's
-- document, the events clients report, and a generation counter that every
-- change of what clients are offered bumps, so that anything derived from
-- the catalog can tell whether it is still current by comparing one number.

-- Fragments derived from update_revision.doc, keyed by the server-local
-- revision id. A revision's document never changes once imported (a second
-- import with another document is refused), so a fragment stays valid until
-- its revision is deleted, which deletes it too.
CREATE TABLE revision_fragment (
    revision_id BIGINT NOT NULL REFERENCES update_revision(revision_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('core', 'extended', 'localized', 'languages')),
    lang        TEXT NOT NULL DEFAULT '',
    body        @BLOB@ NOT NULL,
    PRIMARY KEY (revision_id, kind, lang)
);

-- Events as ReportEventBatch carries them. A client resends a batch it did
-- not see acknowledged, so an event is identified by the computer and the
-- client's own event instance id, and a resent one is recorded once.
CREATE TABLE client_event (
    computer_id       TEXT NOT NULL REFERENCES computer(computer_id) ON DELETE CASCADE,
    event_instance_id TEXT NOT NULL CHECK (length(event_instance_id) = 36),
    event_id          INTEGER NOT NULL,
    update_id         TEXT NOT NULL,
    revision          INTEGER NOT NULL,
    hresult           INTEGER NOT NULL,
    time_at_target    TEXT NOT NULL,
    app_name          TEXT NOT NULL DEFAULT '',
    misc              TEXT NOT NULL DEFAULT '',
    received_at       TEXT NOT NULL,
    PRIMARY KEY (computer_id, event_instance_id)
);
CREATE INDEX client_event_by_received ON client_event(received_at);

-- The counter as text, like every meta value; it starts at 1 so that 0 can
-- mean "never read" to a caller.
INSERT INTO meta (key, value) VALUES ('catalog_generation', '1');
