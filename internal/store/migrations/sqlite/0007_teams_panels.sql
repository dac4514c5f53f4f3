-- Accountability's people: the team an officer works in (a supervisor
-- reviews their team's records) and the independent scrutiny panels, their
-- areas and members. Keep in step with ../postgres/0007_teams_panels.sql.
ALTER TABLE users ADD COLUMN team TEXT NOT NULL DEFAULT '';

CREATE TABLE panels (
    id         INTEGER PRIMARY KEY,
    force      TEXT    NOT NULL,
    name       TEXT    NOT NULL UNIQUE,
    -- the borough and ward codes the panel scrutinises, comma-separated
    areas      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

ALTER TABLE users ADD COLUMN panel_id INTEGER NOT NULL DEFAULT 0;
