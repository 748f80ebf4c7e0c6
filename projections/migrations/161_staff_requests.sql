-- Help-desk requests per staff member in the recent window (verification codes sent and checked), for
-- gateway/throttle.py's per-staff limit.
CREATE UNLOGGED TABLE staff_requests (
    scope         text NOT NULL,  -- 'code sent' or 'code checked'
    key           text NOT NULL,  -- the staff member's user id
    requested_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_requests_recent ON staff_requests (scope, key, requested_at);
