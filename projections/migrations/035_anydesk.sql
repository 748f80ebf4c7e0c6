-- The AnyDesk-compatible REST API. Each account's API password, sealed (AES-256-GCM under PORTAL_SECRETS_KEY):
-- the HMAC check needs it in clear, so it cannot be a hash. Written by the command that sets it (never an
-- event body), found by license id on every request.
CREATE TABLE anydesk_credentials (
    account_id       uuid PRIMARY KEY,
    license_id       text NOT NULL UNIQUE,
    sealed_password  bytea NOT NULL,
    position         bigint NOT NULL  -- of its PasswordSet event: a slower, older reset never wins
);

-- Signed requests already answered, kept while their timestamp could still pass: a replay is refused by every
-- gateway process. Rows past expires_at are purged as the same license signs new requests.
CREATE TABLE anydesk_requests_seen (
    license_id  text NOT NULL,
    signed_at   bigint NOT NULL,
    token       text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (license_id, signed_at, token)
);
