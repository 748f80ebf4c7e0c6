-- Support requests (Settings, Support) and their threads; the help desk's queue reads the same rows.
CREATE TABLE support_requests (
    account_id   uuid NOT NULL,
    request_id   text NOT NULL,
    number       text NOT NULL,
    category     text NOT NULL,
    subject      text NOT NULL,
    status       text NOT NULL,
    client_id    text,
    session_id   text,
    opened_at    timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,  -- the last message or status change
    messages     int NOT NULL DEFAULT 1,
    position     bigint NOT NULL,
    PRIMARY KEY (account_id, request_id)
);
CREATE INDEX support_requests_by_opening ON support_requests (account_id, opened_at DESC, request_id DESC);
CREATE INDEX support_queue ON support_requests (status, opened_at, request_id);

CREATE TABLE support_messages (
    account_id  uuid NOT NULL,
    request_id  text NOT NULL,
    author      text NOT NULL,  -- customer or staff
    body        text NOT NULL,
    written_at  timestamptz NOT NULL,
    position    bigint NOT NULL,  -- of the event that wrote it: the thread's order, and a redelivery's key
    PRIMARY KEY (account_id, request_id, position)
);
