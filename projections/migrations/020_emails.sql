-- E-mails and the platform's suppression list (read models), then the mailer's own bookkeeping.
CREATE TABLE emails (
    account_id  uuid NOT NULL,  -- the account the e-mail concerns
    email_id    text NOT NULL,
    to_address  text NOT NULL,
    template    text NOT NULL,
    subject     text NOT NULL,
    status      text NOT NULL,  -- queued, sent, bounced, suppressed, failed
    queued_at   timestamptz NOT NULL,
    sent_at     timestamptz,
    bounced_at  timestamptz,
    changed_at  timestamptz NOT NULL,  -- of the latest status
    reason      text,  -- why it bounced or failed
    position    bigint NOT NULL,
    PRIMARY KEY (account_id, email_id)
);
CREATE INDEX emails_by_queued ON emails (account_id, queued_at DESC, email_id DESC);
CREATE INDEX emails_by_address ON emails (to_address, queued_at DESC);  -- the help desk's lookup, across accounts
CREATE INDEX emails_to_send ON emails (queued_at) WHERE status = 'queued';  -- the mailer's work list

-- account_id is the platform's account: the list is platform-wide. A cleared address has no row.
CREATE TABLE email_suppressions (
    account_id     uuid NOT NULL,
    address        text NOT NULL,
    reason         text NOT NULL,
    suppressed_at  timestamptz NOT NULL,
    position       bigint NOT NULL,
    PRIMARY KEY (account_id, address)
);

-- Not read models (no event feeds them, a rebuild leaves them alone):
-- secret values of queued e-mails (reset links, new passwords, codes), kept out of the event store and NATS
-- and deleted by the mailer as soon as the e-mail is handed over;
CREATE TABLE email_secrets (
    email_id    text PRIMARY KEY,
    secrets     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- and the mailer's delivery state: a row lock claims an e-mail, `delivered_at` says it was handed over.
CREATE TABLE email_outbox (
    email_id         text PRIMARY KEY,
    account_id       uuid NOT NULL,
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    delivered_at     timestamptz
);
