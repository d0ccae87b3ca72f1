-- Version 3: the two security groups' members and per-computer update state.

-- A principal of WSUS Administrators or WSUS Reporters: a local account
-- (argon2id password hash), a Kerberos principal, or a client-certificate
-- subject mapped to a name. name is normalized (lower case).
CREATE TABLE principal (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('administrators', 'reporters')),
    password_hash TEXT,
    kerberos      TEXT UNIQUE,
    cert_subject  TEXT UNIQUE,
    created_at    TEXT NOT NULL,
    last_used     TEXT
);

-- What clients report: one state per computer and update, with the time of
-- the event that set it.
CREATE TABLE computer_update_status (
    computer_id TEXT NOT NULL REFERENCES computer(computer_id) ON DELETE CASCADE,
    update_id   TEXT NOT NULL CHECK (length(update_id) = 36),
    state       TEXT NOT NULL CHECK (state IN ('notapplicable', 'needed', 'downloaded', 'installed', 'failed')),
    last_event  TEXT NOT NULL,
    PRIMARY KEY (computer_id, update_id)
);
