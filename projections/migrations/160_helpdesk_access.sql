-- Help-desk read-only sessions: tokens of a kind of their own (reads only), listed with the impersonations in
-- the account's access list; both name their access in access_id.
ALTER TABLE auth_tokens DROP CONSTRAINT auth_tokens_kind_check;
ALTER TABLE auth_tokens ADD CONSTRAINT auth_tokens_kind_check
    CHECK (kind IN ('session', 'api_key', 'impersonation', 'read_only'));
ALTER TABLE auth_tokens RENAME COLUMN impersonation_id TO access_id;
ALTER INDEX auth_tokens_by_impersonation RENAME TO auth_tokens_by_access;

ALTER TABLE impersonations RENAME COLUMN impersonation_id TO access_id;
ALTER TABLE impersonations ADD COLUMN kind text NOT NULL DEFAULT 'impersonation';  -- or 'read-only session'

-- Read model: whether the account's owner allows help-desk read-only sessions, and until when.
CREATE TABLE helpdesk_consent (
    account_id  uuid PRIMARY KEY,
    allowed     boolean NOT NULL,
    until       timestamptz,
    position    bigint NOT NULL
);
