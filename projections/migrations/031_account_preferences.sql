-- Each account's language, time zone and CSV preferences, for the gateway's answers and exports
-- (queries read read models; only commands load aggregates).
CREATE TABLE account_preferences (
    account_id       uuid PRIMARY KEY,
    language         text NOT NULL DEFAULT 'en',
    time_zone        text NOT NULL DEFAULT 'UTC',
    csv_scope        text NOT NULL DEFAULT 'all',
    csv_date_format  text NOT NULL DEFAULT 'iso',
    position         bigint NOT NULL
);
