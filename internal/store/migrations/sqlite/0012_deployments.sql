-- Ward engagement on deployments: plans of focused searching published on
-- ward pages before they start, and residents' moderated comments with the
-- police's answers. Keep in step with ../postgres/0012_deployments.sql.
CREATE TABLE deployments (
    id           INTEGER PRIMARY KEY,
    force        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    wards        TEXT    NOT NULL, -- ward codes, comma-separated
    start_at     INTEGER  NOT NULL,
    end_at       INTEGER  NOT NULL,
    why          TEXT    NOT NULL,
    evidence     TEXT    NOT NULL, -- JSON: the precision figures attached when planned
    respond      TEXT    NOT NULL,
    planned_by   INTEGER  NOT NULL REFERENCES users (id),
    published_at INTEGER,             -- NULL while a draft
    created_at   INTEGER  NOT NULL
);
CREATE INDEX deployments_force ON deployments (force, start_at);

CREATE TABLE deployment_comments (
    id            INTEGER PRIMARY KEY,
    deployment_id INTEGER  NOT NULL REFERENCES deployments (id),
    body          TEXT    NOT NULL,
    status        TEXT    NOT NULL, -- pending, approved, hidden
    created_at    INTEGER  NOT NULL,
    moderated_by  INTEGER,
    answer        TEXT    NOT NULL DEFAULT '',
    answered_by   INTEGER,
    answered_at   INTEGER
);
CREATE INDEX deployment_comments_deployment ON deployment_comments (deployment_id, status);
