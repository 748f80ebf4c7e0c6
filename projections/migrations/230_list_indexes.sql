-- The Clients and Sessions tabs' pages at scale (issue 17, section 7): every sort a page offers walks an index
-- in its own order and stops after the page, instead of sorting all of an account's rows. The sorts are the
-- expressions projections/clients.py orders by (offline clients after online ones, no alias as ''), so each
-- index is on exactly that expression; `EXPLAIN` of each first page is in the README's benchmark section.
CREATE INDEX IF NOT EXISTS clients_by_sort_alias ON clients (account_id, (coalesce(alias, '')), client_id) WHERE linked;
CREATE INDEX IF NOT EXISTS clients_by_sort_online ON clients
    (account_id, (coalesce(online_since, '9999-12-31 00:00:00+00'::timestamptz)), client_id) WHERE linked;
CREATE INDEX IF NOT EXISTS clients_by_version ON clients (account_id, version, client_id) WHERE linked;
-- Active sessions of one account, newest first (the global sessions_active serves the timers).
CREATE INDEX IF NOT EXISTS sessions_active_by_start ON sessions (account_id, started_at DESC, session_id DESC)
    WHERE ended_at IS NULL;
