-- Supervision (S1): a supervisor's review of a record with the rubric's
-- marks, and when its officer first saw it. One review per record: the
-- queue is of records not yet reviewed. Keep in step with
-- ../postgres/0008_reviews.sql. Times are Unix seconds, UTC.
CREATE TABLE reviews (
    id                 INTEGER PRIMARY KEY,
    record_id          INTEGER NOT NULL UNIQUE REFERENCES records (id),
    reviewer_id        INTEGER NOT NULL REFERENCES users (id),
    -- the marks by criterion as JSON, {"grounds":3,...} (charter.Mark)
    marks              TEXT    NOT NULL,
    comment            TEXT    NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    seen_by_officer_at INTEGER NOT NULL DEFAULT 0 -- 0: not seen yet
);
CREATE INDEX users_team ON users (force, team);
-- The queue and the views read a force's records by the time of search.
CREATE INDEX records_searched ON records (force, searched_at);
