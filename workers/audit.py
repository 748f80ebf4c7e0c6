"""`portal replay` and `portal audit verify`: an account's state as of a moment, and its hash chain,
both recomputed from the event store."""

import asyncio
from uuid import UUID

import asyncpg

from domain.application import Portal
from domain.history import AccountState, parse_as_of, state_as_of
from projections.audit import ChainReport, verify_chain
from workers.config import Settings, event_store_env
from workers.progress import Progress


def replay(settings: Settings, account_id: UUID, as_of: str | None) -> AccountState:
    portal = Portal(env=event_store_env(settings.database_url))
    try:
        if not portal.recorder.select_events(account_id, limit=1):  # an account's id is its Account's id
            raise SystemExit(f"no account {account_id} in the event store")
        head = portal.current_position()
        try:
            moment = parse_as_of(as_of) if as_of else head
        except ValueError as e:
            raise SystemExit(f"--as-of: {e}; give a position or an ISO 8601 time with its zone") from None
        progress = Progress("replaying", moment if isinstance(moment, int) else head)
        state = state_as_of(portal, account_id, moment, progress)
        progress.finish()
        return state
    finally:
        portal.close()


async def verify(settings: Settings, account_id: UUID) -> ChainReport:
    portal = Portal(env=event_store_env(settings.database_url))
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        return await verify_chain(pool, portal, account_id)
    finally:
        await pool.close()
        await asyncio.to_thread(portal.close)
