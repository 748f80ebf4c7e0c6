-- The audit trail: one entry per event of the account, hash-chained per account (see domain/chain.py).
CREATE TABLE audit_trail (
    account_id   uuid NOT NULL,
    position     bigint NOT NULL,  -- notification id: the entry's place in the event store
    occurred_at  timestamptz NOT NULL,
    event_type   text NOT NULL,
    aggregate    text NOT NULL,
    aggregate_id uuid NOT NULL,
    summary      text NOT NULL,
    actor_kind   text,
    actor_name   text,
    request_id   text,
    body         jsonb NOT NULL,   -- the hashed content: the contract struct without default-valued fields
    hash         text NOT NULL,    -- sha256(previous entry's hash + canonical content)
    PRIMARY KEY (account_id, position)
);
CREATE INDEX audit_trail_time ON audit_trail (account_id, occurred_at);
