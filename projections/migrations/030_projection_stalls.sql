-- A read model that cannot apply an event stops just before it; the stall is kept here so that /ready,
-- /metrics and `portal check projector` see it from any process. The row goes once the read model moves past.
CREATE TABLE projection_stalls (
    projection   text PRIMARY KEY,
    position     bigint NOT NULL,             -- the event it cannot apply (the read model stands before it)
    event_type   text NOT NULL,
    account_id   text,                        -- from the NATS subject, never from the body
    error        text NOT NULL,               -- the exception's class
    reason       text NOT NULL,               -- its message, quoted values masked (no personal data)
    attempts     integer NOT NULL DEFAULT 1,
    since        timestamptz NOT NULL DEFAULT now(),
    last_attempt timestamptz NOT NULL DEFAULT now()
);
