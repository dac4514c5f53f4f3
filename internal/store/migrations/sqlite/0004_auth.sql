-- Sign-in: one account per identity at the identity provider, so that
-- single sign-on can never match two users. Keep in step with
-- ../postgres/0004_auth.sql.
CREATE UNIQUE INDEX users_oidc ON users (oidc_issuer, oidc_subject) WHERE oidc_subject <> '';

-- Revoking a device token by its label looks it up per user.
CREATE INDEX api_tokens_label ON api_tokens (user_id, label);
