-- The encounter's records: searches recorded first-hand, their versions,
-- receipts, feedback and the s60/s47A authorisation register. Keep in step
-- with ../postgres/0005_records.sql. Times are Unix seconds, UTC.
CREATE TABLE authorisations (
    id                  INTEGER PRIMARY KEY,
    force               TEXT    NOT NULL,
    power               TEXT    NOT NULL,
    authorised_by       INTEGER NOT NULL REFERENCES users (id),
    rank                INTEGER NOT NULL,
    wards               TEXT    NOT NULL, -- ward codes, comma-separated
    start_at            INTEGER NOT NULL,
    end_at              INTEGER NOT NULL, -- after every extension
    grounds             TEXT    NOT NULL,
    violence_will_occur INTEGER NOT NULL DEFAULT 0,
    rule_set            TEXT    NOT NULL,
    created_at          INTEGER NOT NULL
);
CREATE INDEX authorisations_force ON authorisations (force, end_at);

CREATE TABLE authorisation_extensions (
    authorisation_id INTEGER NOT NULL REFERENCES authorisations (id),
    n                INTEGER NOT NULL,
    by_id            INTEGER NOT NULL REFERENCES users (id),
    rank             INTEGER NOT NULL,
    until_at         INTEGER NOT NULL,
    at               INTEGER NOT NULL,
    PRIMARY KEY (authorisation_id, n)
);

-- One row per search; body is the current version (charter.Record as JSON),
-- the columns beside it are what queries select on.
CREATE TABLE records (
    id               INTEGER PRIMARY KEY,
    reference        TEXT    NOT NULL UNIQUE,
    force            TEXT    NOT NULL,
    month            INTEGER NOT NULL, -- YYYYMM, London month of the search
    officer_id       INTEGER NOT NULL REFERENCES users (id),
    version          INTEGER NOT NULL,
    authorisation_id INTEGER REFERENCES authorisations (id),
    borough          TEXT    NOT NULL DEFAULT '',
    ward             TEXT    NOT NULL DEFAULT '',
    searched_at      INTEGER NOT NULL,
    body             TEXT    NOT NULL,
    -- SHA-256 of the receipt's token: the token itself is never stored.
    receipt_hash     TEXT    NOT NULL UNIQUE,
    receipt_expires  INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX records_officer ON records (officer_id, id);
CREATE INDEX records_month ON records (force, month);
CREATE INDEX records_authorisation ON records (authorisation_id);

-- Every version of every record, the first included: a correction never
-- loses what was recorded before.
CREATE TABLE record_versions (
    record_id  INTEGER NOT NULL REFERENCES records (id),
    version    INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    by_id      INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (record_id, version)
);

-- Idempotency-Keys claimed by each user: a resend returns the first record.
CREATE TABLE idempotency (
    user_id    INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    record_id  INTEGER NOT NULL REFERENCES records (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- The procedural-justice survey, once per receipt; 0 is "not answered".
-- The comment is never published.
CREATE TABLE feedback (
    record_id  INTEGER PRIMARY KEY REFERENCES records (id),
    listened   INTEGER NOT NULL,
    explained  INTEGER NOT NULL,
    respect    INTEGER NOT NULL,
    debriefed  INTEGER NOT NULL,
    trust      INTEGER NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

-- Secrets the server keeps for itself (the key receipts' tokens are
-- derived with).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
