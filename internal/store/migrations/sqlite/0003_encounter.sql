-- The encounter half: accounts, sessions, device tokens and the audit trail.
-- Keep in step with ../postgres/0003_encounter.sql. Times are Unix seconds,
-- UTC, except audit_events.at (microseconds, part of the hash).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL,
    force         TEXT    NOT NULL DEFAULT '',
    rank          INTEGER NOT NULL DEFAULT 0,
    -- argon2id in the PHC string format; '' when the user signs in only
    -- through single sign-on.
    password_hash TEXT    NOT NULL DEFAULT '',
    -- the identity provider's issuer and subject, for single sign-on
    oidc_issuer   TEXT    NOT NULL DEFAULT '',
    oidc_subject  TEXT    NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Sessions of the web pages: only the SHA-256 of the cookie's random token
-- is kept, so a copy of the database signs nobody in.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Device tokens of the officers' handsets (Bearer tokens of the API),
-- hashed like sessions.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    label       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The audit trail: append-only, each event holding the hash of the one
-- before (see charter.AuditEvent).
CREATE TABLE audit_events (
    seq      INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor_id INTEGER NOT NULL DEFAULT 0,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    subject  TEXT    NOT NULL,
    before   TEXT    NOT NULL DEFAULT '',
    after    TEXT    NOT NULL DEFAULT '',
    prev     TEXT    NOT NULL,
    hash     TEXT    NOT NULL
);
CREATE INDEX audit_events_subject ON audit_events (subject);

-- The chain's head as published each day on the public site: once a day's
-- head is out, a rewrite of the whole chain no longer matches it.
CREATE TABLE audit_heads (
    day          TEXT    PRIMARY KEY,
    seq          INTEGER NOT NULL,
    hash         TEXT    NOT NULL,
    published_at INTEGER NOT NULL
);
