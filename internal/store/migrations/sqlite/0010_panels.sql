-- Independent scrutiny (S3): a panel's meetings, the anonymised sample
-- drawn once for each, the members' ratings and the panel's findings with
-- the force's response. Keep in step with ../postgres/0010_panels.sql.
-- Times are Unix seconds, UTC; months are YYYYMM.
CREATE TABLE panel_meetings (
    id          INTEGER PRIMARY KEY,
    panel_id    INTEGER NOT NULL REFERENCES panels (id),
    meets_on    INTEGER NOT NULL, -- the day, midnight UTC
    from_month  INTEGER NOT NULL,
    to_month    INTEGER NOT NULL,
    sample_size INTEGER NOT NULL,
    findings    TEXT    NOT NULL DEFAULT '',
    findings_at INTEGER NOT NULL DEFAULT 0,
    response    TEXT    NOT NULL DEFAULT '',
    response_at INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX panel_meetings_panel ON panel_meetings (panel_id, meets_on);

-- The sample: record_id is kept so that the force can find a record the
-- panel asks about (by meeting and ordinal); it is never shown to the
-- panel or the public. view is the anonymised record (charter.SampleRecord
-- as JSON), made once when the sample is drawn.
CREATE TABLE panel_samples (
    meeting_id INTEGER NOT NULL REFERENCES panel_meetings (id),
    ordinal    INTEGER NOT NULL,
    record_id  INTEGER NOT NULL REFERENCES records (id),
    view       TEXT    NOT NULL,
    PRIMARY KEY (meeting_id, ordinal)
);

-- One member's rating of one sampled record: a mark per rubric question
-- (0 not assessed, 1 not met, 2 partly, 3 met) and a comment.
CREATE TABLE panel_ratings (
    meeting_id INTEGER NOT NULL,
    ordinal    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    grounds    INTEGER NOT NULL,
    gowisely   INTEGER NOT NULL,
    video      INTEGER NOT NULL,
    respect    INTEGER NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, ordinal, user_id),
    FOREIGN KEY (meeting_id, ordinal) REFERENCES panel_samples (meeting_id, ordinal)
);
