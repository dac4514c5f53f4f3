-- Complaints (PRODUCT.md S2): the complaint, its history, and the
-- community triggers its ward's complaints fire. Keep in step with
-- ../postgres/0009_complaints.sql. Times are Unix seconds, UTC; 0 is "not yet".
CREATE TABLE community_triggers (
    id                      INTEGER PRIMARY KEY,
    force                   TEXT    NOT NULL,
    borough                 TEXT    NOT NULL,
    ward                    TEXT    NOT NULL,
    window_start            INTEGER NOT NULL,
    fired_at                INTEGER NOT NULL,
    count                   INTEGER NOT NULL,
    complaint_refs          TEXT    NOT NULL, -- the complaints' references, comma-separated
    panel_id                INTEGER NOT NULL DEFAULT 0, -- the panel notified (0: none covers the ward)
    explanation_required_at INTEGER NOT NULL DEFAULT 0,
    explanation_required_by INTEGER NOT NULL DEFAULT 0, -- the panel that required it
    explanation             TEXT    NOT NULL DEFAULT '',
    explained_at            INTEGER NOT NULL DEFAULT 0,
    explained_by            INTEGER NOT NULL DEFAULT 0,
    published               INTEGER NOT NULL DEFAULT 0 -- the explanation is public
);
CREATE INDEX community_triggers_ward ON community_triggers (ward, fired_at);
CREATE INDEX community_triggers_panel ON community_triggers (panel_id, fired_at);

CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,
    reference     TEXT    NOT NULL UNIQUE,
    record_id     INTEGER REFERENCES records (id), -- NULL: lodged without a receipt
    force         TEXT    NOT NULL,
    borough       TEXT    NOT NULL DEFAULT '',
    ward          TEXT    NOT NULL DEFAULT '',
    month         INTEGER NOT NULL, -- YYYYMM, London month it was lodged
    lodged_at     INTEGER NOT NULL,
    via           TEXT    NOT NULL, -- receipt, site, api
    anonymous     INTEGER NOT NULL DEFAULT 0,
    -- how to reach the complainant: never public, never shown to the officer
    contact       TEXT    NOT NULL DEFAULT '',
    text          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    category      TEXT    NOT NULL DEFAULT '',
    assignee_id   INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT    NOT NULL DEFAULT '',
    learning      TEXT    NOT NULL DEFAULT '',
    released_at   INTEGER NOT NULL DEFAULT 0, -- shown to the officer from then on
    decided_at    INTEGER NOT NULL DEFAULT 0,
    closed_at     INTEGER NOT NULL DEFAULT 0,
    due_triage    INTEGER NOT NULL,
    due_assign    INTEGER NOT NULL,
    due_outcome   INTEGER NOT NULL,
    due_statutory INTEGER NOT NULL,
    due_close     INTEGER NOT NULL DEFAULT 0,
    -- the community trigger this complaint counted towards (0: none yet)
    trigger_id    INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX complaints_ward ON complaints (ward, trigger_id, lodged_at);
CREATE INDEX complaints_record ON complaints (record_id);
CREATE INDEX complaints_open ON complaints (force, status, lodged_at);
CREATE INDEX complaints_month ON complaints (force, month);

CREATE TABLE complaint_events (
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    n            INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    by_id        INTEGER NOT NULL, -- 0: the complainant or the system
    action       TEXT    NOT NULL,
    status       TEXT    NOT NULL, -- after the event
    note         TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (complaint_id, n)
);
