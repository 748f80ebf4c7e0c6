"""Login failures are limited per login and per address, across every gateway replica (429 + Retry-After)."""

from datetime import timedelta

import asyncpg

from gateway.problems import Problem

WINDOW = timedelta(minutes=15)
LIMITS = {"login": 5, "address": 20}  # failures allowed in the window


async def refuse_when_throttled(pool: asyncpg.Pool, login: str, address: str) -> None:
    rows = await pool.fetch(
        """SELECT scope, count(*) AS failures, min(failed_at) + $3::interval - now() AS wait
           FROM login_failures
           WHERE ((scope = 'login' AND key = $1) OR (scope = 'address' AND key = $2)) AND failed_at > now() - $3::interval
           GROUP BY scope""", login, address, WINDOW)
    for row in rows:
        if row["failures"] >= LIMITS[row["scope"]]:
            wait = max(1, int(row["wait"].total_seconds()) + 1)
            raise Problem(429, "too-many-attempts", f"Too many failed logins; try again in {wait} seconds",
                          headers={"Retry-After": str(wait)})


async def record_failure(pool: asyncpg.Pool, login: str, address: str) -> None:
    await pool.executemany("INSERT INTO login_failures (scope, key) VALUES ($1, $2)",
                           [("login", login), ("address", address)])
    await pool.execute("DELETE FROM login_failures WHERE failed_at < now() - $1::interval", WINDOW * 2)
