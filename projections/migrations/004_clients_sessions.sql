-- The Clients and Sessions tabs. A removed client keeps its row (linked = false) so its software details and
-- comment survive a later re-registration; lists show linked clients only.
CREATE TABLE clients (
    account_id    uuid NOT NULL,
    client_id     text NOT NULL,
    linked        boolean NOT NULL DEFAULT true,
    alias         text,
    comment       text NOT NULL DEFAULT '',
    version       text NOT NULL DEFAULT '',
    platform      text NOT NULL DEFAULT '',
    online_since  timestamptz,  -- NULL while offline
    linked_at     timestamptz NOT NULL,
    position      bigint NOT NULL,
    PRIMARY KEY (account_id, client_id)
);
CREATE INDEX clients_by_alias ON clients (account_id, alias, client_id) WHERE linked;
CREATE INDEX clients_online ON clients (account_id, online_since, client_id) WHERE online_since IS NOT NULL;

CREATE TABLE sessions (
    account_id      uuid NOT NULL,
    session_id      text NOT NULL,
    from_client_id  text NOT NULL,
    to_client_id    text NOT NULL,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,  -- NULL while active
    end_reason      text,
    comment         text NOT NULL DEFAULT '',
    position        bigint NOT NULL,
    PRIMARY KEY (account_id, session_id)
);
CREATE INDEX sessions_by_start ON sessions (account_id, started_at DESC, session_id DESC);
CREATE INDEX sessions_by_from ON sessions (account_id, from_client_id, started_at DESC);
CREATE INDEX sessions_by_to ON sessions (account_id, to_client_id, started_at DESC);
CREATE INDEX sessions_active ON sessions (started_at) WHERE ended_at IS NULL;

-- Device calls find their account by license key.
CREATE INDEX license_tab_by_key ON license_tab (license_key);

-- Presence: the fast store behind heartbeats (not an event stream: only transitions become events).
-- UNLOGGED: cheap writes; after a database crash it is empty and heals from the next heartbeats, while the
-- timers take clients the Clients tab shows online but with no fresh presence offline.
CREATE UNLOGGED TABLE presence (
    account_id  uuid NOT NULL,
    client_id   text NOT NULL,
    online      boolean NOT NULL DEFAULT false,  -- the last transition recorded in the event store
    version     text NOT NULL DEFAULT '',
    last_seen   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, client_id)
);
