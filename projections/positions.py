"""Where each projection stands, for read-your-writes (X-Min-Position) and readiness."""

import asyncio
import time

import asyncpg

from projections.access import ACCOUNT_ACCESS
from projections.audit import AUDIT
from projections.clients import CLIENTS
from projections.customers import CUSTOMERS
from projections.emails import EMAILS
from projections.impersonations import IMPERSONATIONS
from projections.license import LICENSE_TAB
from projections.plans import PLANS
from projections.readmodel import ReadModel
from projections.sessions import SESSIONS
from projections.users import USERS

READ_MODELS: tuple[ReadModel, ...] = (LICENSE_TAB, CLIENTS, SESSIONS, AUDIT, EMAILS, ACCOUNT_ACCESS, USERS,
                                      CUSTOMERS, PLANS, IMPERSONATIONS)


async def position(pool: asyncpg.Pool, projection: str) -> int:
    value = await pool.fetchval("SELECT position FROM projection_positions WHERE projection = $1", projection)
    return value or 0


CHANNEL = "portal_projections"  # projectors NOTIFY it when a batch commits
FALLBACK_POLL = 0.05  # seconds: a lost notification costs at most this


class Advances:
    """Wakes every waiting query when any projector commits a batch (one LISTEN connection per gateway)."""

    def __init__(self) -> None:
        self._next = asyncio.Event()

    def notify(self, *_: object) -> None:
        self._next.set()
        self._next = asyncio.Event()

    async def listen(self, conn: asyncpg.Connection) -> None:
        await conn.add_listener(CHANNEL, self.notify)

    async def next(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._next.wait(), timeout)
        except TimeoutError:
            pass


async def announce(conn: asyncpg.Connection, projection: str) -> None:
    """Inside a projector's transaction: delivered when (and only if) the batch commits."""
    await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, projection)


async def wait_for(pool: asyncpg.Pool, advances: Advances, projection: str, target: int, timeout: float) -> bool:
    """True once the projection has applied the event at `target`; False when `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while await position(pool, projection) < target:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        await advances.next(min(remaining, FALLBACK_POLL))
    return True
