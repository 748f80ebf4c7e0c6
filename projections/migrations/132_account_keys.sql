-- Each account's data key, wrapped by the master key (workers/shredding.py). Deleting an account destroys its
-- key (wrapped becomes NULL) and keeps the row as a tombstone, so nothing is ever sealed for it again.
CREATE TABLE account_keys (
    account_id    uuid PRIMARY KEY,
    wrapped       bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    destroyed_at  timestamptz,
    CHECK ((wrapped IS NULL) = (destroyed_at IS NOT NULL))
);
