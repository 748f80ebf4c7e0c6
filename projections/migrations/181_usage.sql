-- Usage, exact: every session's interval and every seat's (a client linked to the account), as the events
-- recorded them; GET /v1/usage computes its figures over these in SQL.
CREATE TABLE usage_sessions (
    account_id      uuid NOT NULL,
    session_id      text NOT NULL,
    from_client_id  text NOT NULL,
    to_client_id    text NOT NULL,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,  -- NULL while active
    position        bigint NOT NULL,
    PRIMARY KEY (account_id, session_id)
);
CREATE INDEX usage_sessions_by_start ON usage_sessions (account_id, started_at);
CREATE INDEX usage_sessions_by_end ON usage_sessions (account_id, ended_at);

CREATE TABLE usage_seats (
    account_id       uuid NOT NULL,
    client_id        text NOT NULL,
    linked_position  bigint NOT NULL,  -- the ClientLinked event's: a client may be linked, removed and linked again
    linked_at        timestamptz NOT NULL,
    unlinked_at      timestamptz,  -- NULL while linked
    position         bigint NOT NULL,
    PRIMARY KEY (account_id, client_id, linked_position)
);
CREATE INDEX usage_seats_by_link ON usage_seats (account_id, linked_at);
