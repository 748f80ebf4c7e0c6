-- Password-reset e-mails sent in the recent window, per login e-mail and per address (gateway/throttle.py).
CREATE UNLOGGED TABLE reset_requests (
    scope         text NOT NULL,  -- 'login' or 'address'
    key           text NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reset_requests_recent ON reset_requests (scope, key, requested_at);

-- Spending one reset link spends the user's others.
CREATE INDEX password_resets_by_user ON password_resets (user_id) WHERE used_at IS NULL;

-- Failed logins are now also kept per (login, address) pair: scope 'pair'.
COMMENT ON COLUMN login_failures.scope IS '''pair'' (login and address), ''login'' or ''address''';
