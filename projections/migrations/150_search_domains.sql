-- Trigram matching for the help desk's search (the extension ships with PostgreSQL's contrib, and with the
-- embedded wheel).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Read model: the domains each account claimed, with their verification tokens.
CREATE TABLE account_domains (
    account_id   uuid NOT NULL,
    domain       text NOT NULL,  -- its ASCII (A-label) form, lower case
    token        text NOT NULL,  -- published as the TXT record portal-verification=<token>
    claimed_at   timestamptz NOT NULL,
    verified_at  timestamptz,
    position     bigint NOT NULL,
    PRIMARY KEY (account_id, domain)
);

-- Read model: the help desk's search. One row per thing found (a customer, a user, a client, an invoice);
-- `terms` is what matching reads: the title, the exact keys (ids, numbers, e-mail) and the verified domains.
CREATE TABLE search_entries (
    account_id    uuid NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('customer', 'user', 'client', 'invoice')),
    id            text NOT NULL,
    title         text NOT NULL,
    detail        text NOT NULL DEFAULT '',
    keys          text NOT NULL DEFAULT '',
    domains       text NOT NULL DEFAULT '',  -- a customer's verified domains, space-separated
    email_domain  text,  -- a user's address's domain: the account verifying it counts the user as its own
    manager_id    uuid,  -- the account's reseller (its account, or a staff reseller's user id)
    terms         text GENERATED ALWAYS AS (lower(title || ' ' || keys || ' ' || domains)) STORED,
    position      bigint NOT NULL,
    PRIMARY KEY (account_id, kind, id)
);
CREATE INDEX search_entries_terms ON search_entries USING gin (terms gin_trgm_ops);
CREATE INDEX search_entries_by_email_domain ON search_entries (email_domain) WHERE email_domain IS NOT NULL;

-- Verified domains (at most one account holds each: domain/claim.py), to name the holder of users' addresses.
CREATE TABLE search_domains (
    account_id  uuid NOT NULL,
    domain      text NOT NULL,
    position    bigint NOT NULL,
    PRIMARY KEY (account_id, domain)
);
CREATE INDEX search_domains_by_domain ON search_domains (domain);
