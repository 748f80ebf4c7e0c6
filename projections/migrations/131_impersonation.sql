-- Impersonation tokens: staff acting as a customer's owner, refused once ended or expired.
ALTER TABLE auth_tokens DROP CONSTRAINT auth_tokens_kind_check;
ALTER TABLE auth_tokens ADD CONSTRAINT auth_tokens_kind_check
    CHECK (kind IN ('session', 'api_key', 'impersonation'));
ALTER TABLE auth_tokens
    ADD COLUMN impersonation_id uuid,
    ADD COLUMN staff_role       text;  -- the impersonating staff member's role, recorded with each event
CREATE INDEX auth_tokens_by_impersonation ON auth_tokens (impersonation_id) WHERE impersonation_id IS NOT NULL;

-- Read model: the account's access list (past and current impersonations).
CREATE TABLE impersonations (
    account_id        uuid NOT NULL,
    impersonation_id  uuid NOT NULL,
    staff             text NOT NULL,  -- who, as the event's actor names them
    reason            text NOT NULL,
    started_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    ended_at          timestamptz,
    ended_by          text,
    position          bigint NOT NULL,
    PRIMARY KEY (account_id, impersonation_id)
);
