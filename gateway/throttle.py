"""Rate limits shared by every gateway replica (rows in PostgreSQL): failed logins and second-factor codes,
password-reset e-mails, and the help desk's verification codes per staff member.

Failures lock out only the one address that made them, never the login: 5 wrong attempts at one login from
one address, or 20 at any logins from one address, make that address wait out the 15-minute window (429 +
Retry-After). Across all addresses a login is only slowed down: past 10 failures in the window each attempt
must wait a pause after the login's last failure, doubling from 1 s up to a minute. So guessing one password
from many addresses stays slow, while its owner, from their own address, gets in within a minute at worst.
"""

import math
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

import asyncpg

from domain.errors import TwoFactorFailed
from domain.i18n import N_
from gateway.problems import Problem

T = TypeVar("T")
WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5  # failures of one login from one address
ADDRESS_LIMIT = 20  # failures from one address, whichever logins
SLOW_AFTER = 10  # failures of one login from anywhere before its attempts are paced
MAX_PAUSE = timedelta(minutes=1)
RESET_WINDOW = timedelta(hours=1)
RESET_LIMITS = {"login": 3, "address": 10}  # reset e-mails sent per window


@dataclass(frozen=True)
class Failures:
    """The failures within the window that bear on one attempt."""

    pair: int = 0  # this login from this address
    pair_first: datetime | None = None
    address: int = 0  # any login from this address
    address_first: datetime | None = None
    login: int = 0  # this login from anywhere
    login_last: datetime | None = None


def pause(failures: int) -> timedelta:
    doublings = min(failures - SLOW_AFTER, 6)  # 2**6 s is past MAX_PAUSE already
    return min(timedelta(seconds=2 ** doublings), MAX_PAUSE)


def wait(f: Failures, now: datetime) -> timedelta:
    """How long the attempt must wait; zero or less lets it go ahead."""
    waits = [timedelta(0)]
    if f.pair >= PAIR_LIMIT and f.pair_first:
        waits.append(f.pair_first + WINDOW - now)
    if f.address >= ADDRESS_LIMIT and f.address_first:
        waits.append(f.address_first + WINDOW - now)
    if f.login >= SLOW_AFTER and f.login_last:
        waits.append(f.login_last + pause(f.login) - now)
    return max(waits)


def _keys(login: str, address: str) -> list[tuple[str, str]]:
    return [("pair", f"{login} {address}"), ("address", address), ("login", login)]


async def refuse_when_throttled(pool: asyncpg.Pool, login: str, address: str) -> None:
    """429 with Retry-After, the same whether or not the login exists."""
    row = await pool.fetchrow(
        """SELECT count(*) FILTER (WHERE scope = 'pair') AS pair,
                  min(failed_at) FILTER (WHERE scope = 'pair') AS pair_first,
                  count(*) FILTER (WHERE scope = 'address') AS address,
                  min(failed_at) FILTER (WHERE scope = 'address') AS address_first,
                  count(*) FILTER (WHERE scope = 'login') AS login,
                  max(failed_at) FILTER (WHERE scope = 'login') AS login_last, now() AS now
           FROM login_failures
           WHERE ((scope = 'pair' AND key = $1) OR (scope = 'address' AND key = $2) OR (scope = 'login' AND key = $3))
             AND failed_at > now() - $4::interval""", *[key for _, key in _keys(login, address)], WINDOW)
    seconds = wait(Failures(**{k: v for k, v in dict(row).items() if k != "now"}), row["now"]).total_seconds()
    if seconds > 0:
        retry = int(seconds) + 1
        raise Problem(429, "too-many-attempts", N_("Too many failed attempts; try again in {seconds} seconds"),
                      headers={"Retry-After": str(retry)}, seconds=retry)


async def record_failure(pool: asyncpg.Pool, login: str, address: str) -> None:
    await pool.executemany("INSERT INTO login_failures (scope, key) VALUES ($1, $2)", _keys(login, address))
    await pool.execute("DELETE FROM login_failures WHERE failed_at < now() - $1::interval", WINDOW * 2)


async def counted(pool: asyncpg.Pool, login: str, address: str, check: Awaitable[T]) -> T:
    """A second-factor check (at login, or turning it off), whose wrong codes count as failed attempts."""
    try:
        return await check
    except TwoFactorFailed:
        await record_failure(pool, login, address)
        raise


async def reset_mail_allowed(pool: asyncpg.Pool, login: str, address: str) -> bool:
    """Whether another reset e-mail may go out for this login and address; counts it when it may. Requests
    come in bursts, so the count and the insert are one step under locks on both keys (always login first)."""
    keys = [(scope, key) for scope, key in _keys(login, address) if scope in RESET_LIMITS]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('reset ' || $1)), "
                           "pg_advisory_xact_lock(hashtext('reset ' || $2))", login, address)
        counts = dict(await conn.fetch(
            """SELECT scope, count(*) FROM reset_requests
               WHERE ((scope = 'login' AND key = $1) OR (scope = 'address' AND key = $2))
                 AND requested_at > now() - $3::interval GROUP BY scope""", login, address, RESET_WINDOW))
        if any(counts.get(scope, 0) >= limit for scope, limit in RESET_LIMITS.items()):
            return False
        await conn.executemany("INSERT INTO reset_requests (scope, key) VALUES ($1, $2)", keys)
    await pool.execute("DELETE FROM reset_requests WHERE requested_at < now() - $1::interval", RESET_WINDOW)
    return True


STAFF_WINDOW = timedelta(minutes=15)
STAFF_LIMITS = {"code sent": 20, "code checked": 60}  # help-desk requests per staff member per window


async def count_staff_request(pool: asyncpg.Pool, scope: str, staff_id: UUID) -> None:
    """Counts one help-desk request of the staff member, or answers 429 with Retry-After once the window holds
    its limit. Requests come in bursts, so the count and the insert are one step under a lock on the key."""
    key = str(staff_id)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('staff ' || $1 || ' ' || $2))", scope, key)
        row = await conn.fetchrow(
            """SELECT count(*) AS made, min(requested_at) AS first, now() AS now FROM staff_requests
               WHERE scope = $1 AND key = $2 AND requested_at > now() - $3::interval""", scope, key, STAFF_WINDOW)
        if row["made"] >= STAFF_LIMITS[scope]:
            retry = math.ceil((row["first"] + STAFF_WINDOW - row["now"]).total_seconds())
            raise Problem(429, "too-many-requests", N_("You made {made} such requests in {minutes} minutes; try "
                          "again in {seconds} seconds"), headers={"Retry-After": str(retry)}, made=row["made"],
                          minutes=int(STAFF_WINDOW.total_seconds() // 60), seconds=retry)
        await conn.execute("INSERT INTO staff_requests (scope, key) VALUES ($1, $2)", scope, key)
    await pool.execute("DELETE FROM staff_requests WHERE requested_at < now() - $1::interval", STAFF_WINDOW * 2)
