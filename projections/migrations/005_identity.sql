-- Who a token belongs to: a user's login session, or an account's API key (scoped read or write).
ALTER TABLE auth_tokens
    ADD COLUMN user_id       uuid,
    ADD COLUMN role          text NOT NULL DEFAULT 'owner',  -- owner, member, api, or a platform role
    ADD COLUMN platform_role text,
    ADD COLUMN kind          text NOT NULL DEFAULT 'session' CHECK (kind IN ('session', 'api_key')),
    ADD COLUMN scope         text NOT NULL DEFAULT 'write' CHECK (scope IN ('read', 'write')),
    ADD COLUMN key_id        text;
CREATE INDEX auth_tokens_by_user ON auth_tokens (user_id) WHERE revoked_at IS NULL;

-- Failed logins in the recent window, per login e-mail and per address (rate limiting, shared by replicas).
CREATE UNLOGGED TABLE login_failures (
    scope      text NOT NULL,  -- 'login' or 'address'
    key        text NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_recent ON login_failures (scope, key, failed_at);

-- Self-service password resets: only a digest of each link's token, single use, short-lived.
CREATE TABLE password_resets (
    token_hash  bytea PRIMARY KEY,
    user_id     uuid NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

-- Read models.
CREATE TABLE account_access (
    account_id  uuid PRIMARY KEY,
    disabled    boolean NOT NULL DEFAULT false,
    api_access  boolean NOT NULL DEFAULT true,
    position    bigint NOT NULL
);

CREATE TABLE api_keys (
    account_id  uuid NOT NULL,
    key_id      text NOT NULL,
    name        text NOT NULL,
    scope       text NOT NULL,
    prefix      text NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    position    bigint NOT NULL,
    PRIMARY KEY (account_id, key_id)
);

CREATE TABLE users (
    account_id     uuid NOT NULL,
    user_id        uuid NOT NULL,
    email          text NOT NULL,
    name           text NOT NULL,
    account_role   text,
    platform_role  text,
    two_factor     boolean NOT NULL DEFAULT false,
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    position       bigint NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
