-- Charter schema, SQLite. Keep in step with ../postgres/0001_init.sql.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    checksum    TEXT    NOT NULL,
    format      TEXT    NOT NULL,
    coverage    TEXT    NOT NULL DEFAULT '',
    rows        INTEGER NOT NULL DEFAULT 0,
    rejects     INTEGER NOT NULL DEFAULT 0,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    UNIQUE (kind, checksum)
);

-- Labels of the coded stop fields, spelled exactly as the source spells them,
-- so that export reproduces the source and stops stay a few bytes per field.
CREATE TABLE vocab (
    id    INTEGER PRIMARY KEY,
    field TEXT NOT NULL,
    label TEXT NOT NULL,
    code  TEXT NOT NULL DEFAULT '',
    UNIQUE (field, label)
);

CREATE TABLE areas (
    id            INTEGER PRIMARY KEY,
    level         TEXT    NOT NULL,
    code          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    parent_code   TEXT    NOT NULL DEFAULT '',
    boundary_year INTEGER NOT NULL DEFAULT 0,
    boundary      TEXT,
    import_id     INTEGER,
    UNIQUE (level, code)
);

-- One row per import, force and month of stops: which source counts when
-- several cover the same force-month (active = 1).
CREATE TABLE stop_batches (
    import_id INTEGER NOT NULL,
    force     TEXT    NOT NULL,
    month     INTEGER NOT NULL,
    coverage  TEXT    NOT NULL,
    rows      INTEGER NOT NULL,
    active    INTEGER NOT NULL,
    PRIMARY KEY (import_id, force, month)
);

CREATE TABLE stops (
    id               INTEGER PRIMARY KEY,
    import_id        INTEGER NOT NULL,
    source_row       INTEGER NOT NULL,
    force            TEXT    NOT NULL,
    month            INTEGER NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1,
    -- Unix seconds, UTC; local_minute is the minute of the day in London.
    occurred_at      INTEGER NOT NULL,
    local_minute     INTEGER NOT NULL,
    type_id          INTEGER,
    operation        INTEGER,
    operation_name   TEXT,
    latitude         REAL,
    longitude        REAL,
    street_id        INTEGER,
    street_name      TEXT,
    gender_id        INTEGER,
    age_id           INTEGER,
    self_eth_id      INTEGER,
    officer_eth_id   INTEGER,
    legislation_id   INTEGER,
    object_id        INTEGER,
    outcome_id       INTEGER,
    outcome_linked   INTEGER,
    removal          INTEGER,
    borough_id       INTEGER,
    ward_id          INTEGER,
    msoa_id          INTEGER,
    lsoa_id          INTEGER,
    grounds          TEXT,
    officer_id       INTEGER,
    receipt_ref      TEXT,
    authorisation_id INTEGER
);
-- No secondary index on stops: aggregate questions are answered by scanning
-- (by the in-memory analytic index in later releases), and every index costs
-- about a tenth of bulk-import speed on SQLite. PostgreSQL keeps one.

CREATE TABLE street_crimes (
    id           INTEGER PRIMARY KEY,
    import_id    INTEGER NOT NULL,
    source_row   INTEGER NOT NULL,
    crime_ref    TEXT    NOT NULL,
    month        INTEGER NOT NULL,
    reported_by  TEXT    NOT NULL,
    falls_within TEXT    NOT NULL,
    latitude     REAL,
    longitude    REAL,
    location     TEXT    NOT NULL,
    lsoa_code    TEXT    NOT NULL,
    lsoa_name    TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    last_outcome TEXT    NOT NULL,
    context      TEXT    NOT NULL,
    borough_id   INTEGER,
    ward_id      INTEGER,
    msoa_id      INTEGER,
    lsoa_id      INTEGER
);
CREATE INDEX street_crimes_month ON street_crimes (month, category);

-- Which download each level-month of crime counts comes from. Counts are
-- stored sparsely: a ward with no offences of a category in a covered month
-- has no row (most cells of the MPS files are 0).
CREATE TABLE crime_count_months (
    level     TEXT    NOT NULL,
    month     INTEGER NOT NULL,
    vintage   INTEGER NOT NULL,
    import_id INTEGER NOT NULL,
    PRIMARY KEY (level, month)
);

CREATE TABLE crime_counts (
    level     TEXT    NOT NULL,
    area_code TEXT    NOT NULL,
    area_name TEXT    NOT NULL,
    unit      TEXT    NOT NULL,
    month     INTEGER NOT NULL,
    major     TEXT    NOT NULL,
    minor     TEXT    NOT NULL,
    major_key TEXT    NOT NULL,
    count     INTEGER NOT NULL,
    vintage   INTEGER NOT NULL,
    import_id INTEGER NOT NULL
);
CREATE INDEX crime_counts_level_month ON crime_counts (level, month, area_code);

CREATE TABLE population (
    level         TEXT    NOT NULL,
    area_code     TEXT    NOT NULL,
    area_name     TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    ethnic_group  INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    census        INTEGER NOT NULL,
    import_id     INTEGER NOT NULL,
    PRIMARY KEY (level, area_code, category)
);
