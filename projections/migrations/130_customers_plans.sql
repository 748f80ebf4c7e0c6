-- Customer administration. Personal data (name, e-mail, phone) is not copied here: queries join the
-- License tab, the one read model that holds it, so erasing an account has one place to clear.
CREATE TABLE customers (
    account_id       uuid PRIMARY KEY,
    customer_number  text NOT NULL,
    manager_id       uuid,  -- the reseller managing it: its account, or a staff reseller's user id
    level            text NOT NULL DEFAULT 'customer',
    enabled          boolean NOT NULL DEFAULT true,
    api_access       boolean NOT NULL DEFAULT true,
    time_zone        text NOT NULL DEFAULT 'UTC',
    accessibility    boolean NOT NULL DEFAULT false,
    opened_at        timestamptz NOT NULL,
    position         bigint NOT NULL
);
CREATE INDEX customers_by_manager ON customers (manager_id, opened_at);

CREATE TABLE reseller_plans (
    account_id               uuid NOT NULL,  -- the platform's account: plans are the platform's
    plan_id                  uuid NOT NULL,
    name                     text NOT NULL,
    max_customers            int NOT NULL,
    max_clients              int NOT NULL,
    products                 text[] NOT NULL,
    max_concurrent_sessions  int NOT NULL,
    api_access               boolean NOT NULL,
    namespaces               boolean NOT NULL,
    retired                  boolean NOT NULL DEFAULT false,
    created_at               timestamptz NOT NULL,
    position                 bigint NOT NULL,
    PRIMARY KEY (account_id, plan_id)
);

CREATE TABLE reseller_usage (
    account_id  uuid PRIMARY KEY,  -- the reseller's account
    plan_id     uuid NOT NULL,
    customers   int NOT NULL DEFAULT 0,
    clients     int NOT NULL DEFAULT 0,
    position    bigint NOT NULL
);
