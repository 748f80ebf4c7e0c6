-- Bearer tokens of logged-in users. Only a SHA-256 of each token is kept: a leaked table logs nobody in.
CREATE TABLE auth_tokens (
    token_hash  bytea PRIMARY KEY,
    account_id  uuid NOT NULL,
    email       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX auth_tokens_account ON auth_tokens (account_id);
