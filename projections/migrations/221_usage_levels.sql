-- How many sessions of the account are active from each instant a session starts or ends until the next one:
-- the License tab reads the month's peak from here with one short index range instead of counting every session
-- of the account's history. Filled from the session intervals already projected.
CREATE TABLE usage_levels (
    account_id  uuid NOT NULL,
    at          timestamptz NOT NULL,
    active      bigint NOT NULL,
    PRIMARY KEY (account_id, at)
);

INSERT INTO usage_levels (account_id, at, active)
SELECT account_id, t, sum(sum(delta)) OVER (PARTITION BY account_id ORDER BY t)
FROM (SELECT account_id, started_at AS t, 1 AS delta FROM usage_sessions
      UNION ALL
      SELECT account_id, ended_at, -1 FROM usage_sessions WHERE ended_at IS NOT NULL) changes
GROUP BY account_id, t;
