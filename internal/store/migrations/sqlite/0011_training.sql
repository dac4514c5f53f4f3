-- Training (S4): courses and who completed which when. Keep in step with
-- ../postgres/0011_training.sql. Times are Unix seconds, UTC.
CREATE TABLE training_courses (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    description TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);

-- An officer may complete a course more than once (a refresher); the same
-- day twice is one completion.
CREATE TABLE training_completions (
    id           INTEGER PRIMARY KEY,
    officer_id   INTEGER NOT NULL REFERENCES users (id),
    course_id    INTEGER NOT NULL REFERENCES training_courses (id),
    completed_on INTEGER NOT NULL, -- the day, midnight UTC
    created_at   INTEGER NOT NULL,
    UNIQUE (officer_id, course_id, completed_on)
);
CREATE INDEX training_completions_course ON training_completions (course_id, completed_on);
