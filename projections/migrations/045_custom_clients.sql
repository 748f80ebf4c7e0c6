-- The Files tab: custom clients and their latest package, and each platform's published software version.
-- A deleted custom client has no row, so its public link and enrollment secret find nothing at once.
CREATE TABLE custom_clients (
    account_id                uuid NOT NULL,
    custom_client_id          uuid NOT NULL,
    name                      text NOT NULL,
    platform                  text NOT NULL,
    direction                 text NOT NULL,
    allow_install             boolean NOT NULL,
    program_name              text NOT NULL,
    options                   jsonb NOT NULL,
    public                    boolean NOT NULL,
    prefix                    text NOT NULL,
    generation                int NOT NULL,  -- the package generation requested last
    release                   text NOT NULL,  -- the software version it was requested for
    status                    text NOT NULL,  -- requested, building, ready, failed
    failure                   text,
    version                   text,  -- of the latest package built (it stays downloadable during a rebuild)
    sha256                    text,
    size                      bigint,
    object_name               text,
    built_at                  timestamptz,
    enrollment_fingerprint    text NOT NULL,  -- SHA-256 of the secrets, never the secrets
    public_token_fingerprint  text NOT NULL,
    created_at                timestamptz NOT NULL,
    position                  bigint NOT NULL,
    PRIMARY KEY (account_id, custom_client_id)
);
CREATE INDEX custom_clients_by_created ON custom_clients (account_id, created_at, custom_client_id);
CREATE UNIQUE INDEX custom_clients_by_token ON custom_clients (public_token_fingerprint);  -- GET /d/{token}
CREATE UNIQUE INDEX custom_clients_by_enrollment ON custom_clients (enrollment_fingerprint);  -- device registration
CREATE INDEX custom_clients_by_platform ON custom_clients (platform);  -- the builder's rebuilds after a release

-- account_id is the platform's account: releases are platform-wide. A platform without a row is at the
-- catalog's version.
CREATE TABLE software_releases (
    account_id   uuid NOT NULL,
    platform     text NOT NULL,
    version      text NOT NULL,
    released_at  timestamptz NOT NULL,
    position     bigint NOT NULL,
    PRIMARY KEY (account_id, platform)
);

-- Not a read model (a download is not an event, like a heartbeat): how often each package was downloaded.
CREATE TABLE custom_client_downloads (
    account_id        uuid NOT NULL,
    custom_client_id  uuid NOT NULL,
    downloads         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, custom_client_id)
);
