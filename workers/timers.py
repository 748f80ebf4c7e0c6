"""Timers turn time into commands: silent clients go offline, overdue sessions close, licenses expire or renew
(and are invoiced), invoices are charged and failed payments retried (workers/collection.py).

Each sweep finds candidates in the read models (cheap, may lag) and lets the domain decide: the commands are
idempotent and re-check their rule against the event store, so with two timer replicas, or a crash between
two steps, each transition is still recorded exactly once.
"""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import asyncpg

from domain.actor import Actor, acting
from domain.application import Portal
from domain.catalog import CATALOG
from domain.payments import PROVIDERS, PaymentProvider
from projections import presence
from workers.collection import candidates, claimed, collect
from workers.config import Settings, event_store_env
from workers.stream import pause

TICK = 1.0  # seconds between sweeps
BATCH = 500
ACTOR = Actor(kind="system", name="timers")

log = logging.getLogger("portal.timers")


async def as_timers(fn, *args):  # type: ignore[no-untyped-def]
    def run():  # type: ignore[no-untyped-def]
        with acting(ACTOR):
            return fn(*args)
    return await asyncio.to_thread(run)


async def offline_sweep(pool: asyncpg.Pool, portal: Portal, timeout: float) -> int:
    cutoff = datetime.now(UTC) - timedelta(seconds=timeout)
    done = 0
    for candidate in await presence.silent_clients(pool, cutoff, BATCH):
        account_id, client_id = candidate["account_id"], candidate["client_id"]
        async with presence.locked(pool, account_id, client_id) as row:
            if row.online and row.last_seen >= cutoff:
                continue  # a heartbeat arrived meanwhile
            await as_timers(portal.client_went_offline, account_id, client_id, min(row.last_seen, cutoff))
            await row.mark(online=False)
            done += 1
    return done


async def session_sweep(pool: asyncpg.Pool, portal: Portal) -> int:
    overdue = await pool.fetch(
        """SELECT s.account_id, s.session_id FROM sessions s
           JOIN license_tab l ON l.account_id = s.account_id
           JOIN unnest($1::text[], $2::int[]) AS tier(code, minutes) ON tier.code = l.product
           WHERE s.ended_at IS NULL AND s.started_at <= now() - make_interval(mins => tier.minutes)
           LIMIT $3""", [p.code for p in CATALOG], [p.max_session_minutes for p in CATALOG], BATCH)
    for row in overdue:
        await as_timers(portal.time_out_session, row["account_id"], row["session_id"])
    return len(overdue)


async def license_sweep(pool: asyncpg.Pool, portal: Portal) -> int:
    expired = await pool.fetch("SELECT account_id FROM license_tab WHERE product <> 'free' AND expires_at <= now() "
                               "LIMIT $1", BATCH)
    for row in expired:
        await as_timers(portal.expire_license, row["account_id"])
    return len(expired)


async def payment_sweep(pool: asyncpg.Pool, portal: Portal, provider: PaymentProvider, at: datetime) -> int:
    """Charge every invoice (refund every credit note) whose next try is due at `at`."""
    due = await candidates(pool, at, BATCH)
    for account_id, invoice_id in due:
        async with pool.acquire() as conn, conn.transaction():
            if await claimed(conn, invoice_id):
                await as_timers(collect, portal, provider, account_id, invoice_id, at)
    return len(due)


async def run(settings: Settings, stop: asyncio.Event) -> None:
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    portal = Portal(env=event_store_env(settings.database_url))
    provider = PROVIDERS[settings.payment_provider]()
    try:
        while not stop.is_set():
            counts = {"offline": await offline_sweep(pool, portal, settings.presence_timeout_seconds),
                      "timed_out": await session_sweep(pool, portal),
                      "expired": await license_sweep(pool, portal),
                      "collected": await payment_sweep(pool, portal, provider, datetime.now(UTC))}
            if any(counts.values()):
                log.info("timers recorded transitions", extra=counts)
            await pause(stop, TICK)
    finally:
        await pool.close()
        portal.close()
