"""Where each projection stands, for read-your-writes (X-Min-Position) and readiness, and where one is
stalled on an event it cannot apply."""

import asyncio
import time
from datetime import datetime

import asyncpg
import msgspec

from projections.access import ACCOUNT_ACCESS
from projections.audit import AUDIT
from projections.clients import CLIENTS
from projections.custom_clients import CUSTOM_CLIENTS
from projections.customers import CUSTOMERS
from projections.domains import DOMAINS
from projections.emails import EMAILS
from projections.impersonations import IMPERSONATIONS
from projections.invoices import INVOICES
from projections.license import LICENSE_TAB
from projections.plans import PLANS
from projections.preferences import ACCOUNT_PREFERENCES
from projections.readmodel import ReadModel, Unappliable
from projections.search import SEARCH
from projections.sessions import SESSIONS
from projections.support import SUPPORT
from projections.usage import USAGE
from projections.users import USERS

READ_MODELS: tuple[ReadModel, ...] = (LICENSE_TAB, CLIENTS, SESSIONS, AUDIT, EMAILS, ACCOUNT_ACCESS, USERS,
                                     ACCOUNT_PREFERENCES, CUSTOM_CLIENTS, CUSTOMERS, PLANS, IMPERSONATIONS, DOMAINS,
                                     SEARCH, SUPPORT, USAGE, INVOICES)


async def position(pool: asyncpg.Pool, projection: str) -> int:
    value = await pool.fetchval("SELECT position FROM projection_positions WHERE projection = $1", projection)
    return value or 0


CHANNEL = "portal_projections"  # projectors NOTIFY it when a batch commits
CREDENTIALS_CHANNEL = "portal_credentials"  # a token, account access or preferences changed (migration 220)
FALLBACK_POLL = 0.05  # seconds: a lost notification costs at most this


class Advances:
    """Wakes every waiting query when any projector commits a batch (one LISTEN connection per gateway), and
    remembers the positions announced: a view known to be past a position needs no look at the database."""

    def __init__(self) -> None:
        self._next = asyncio.Event()
        self.reached: dict[str, int] = {}  # a lower bound of each projection's position

    def notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        projection, _, reached = payload.partition(" ")
        if reached.isdigit():
            self.reached[projection] = max(int(reached), self.reached.get(projection, 0))
        self._next.set()
        self._next = asyncio.Event()

    async def listen(self, conn: asyncpg.Connection) -> None:
        await conn.add_listener(CHANNEL, self.notify)

    async def next(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._next.wait(), timeout)
        except TimeoutError:
            pass


async def advance(conn: asyncpg.Connection, projection: str, position: int, stream_seq: int) -> int | None:
    """Inside a projector's transaction, in one round trip (a batch pays it for every read model): record where
    it stands, forget the stall of an event it has now applied (answers that stall's position), and announce it
    with its position, which is delivered when (and only if) the batch commits."""
    return await conn.fetchval(
        """WITH moved AS (UPDATE projection_positions SET position = $2, stream_seq = $3, updated_at = now()
                          WHERE projection = $1),
                cleared AS (DELETE FROM projection_stalls WHERE projection = $1 AND position <= $2
                            RETURNING position)
           SELECT (SELECT position FROM cleared)
           FROM (SELECT pg_notify($4, $1 || ' ' || $2::text)) AS announced""",
        projection, position, stream_seq, CHANNEL)


async def wait_for(pool: asyncpg.Pool, advances: Advances, projection: str, target: int, timeout: float) -> bool:
    """True once the projection has applied the event at `target`; False when `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while advances.reached.get(projection, 0) < target and await position(pool, projection) < target:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        await advances.next(min(remaining, FALLBACK_POLL))
    return True


class Stall(msgspec.Struct, kw_only=True):
    projection: str
    position: int  # the event it cannot apply
    event_type: str
    error: str
    attempts: int
    since: datetime

    def describe(self) -> str:
        return f"{self.projection} is stalled at position {self.position} ({self.event_type}: {self.error})"


async def stalls(db: asyncpg.Pool | asyncpg.Connection) -> dict[str, Stall]:
    """The stalled read models; stalls of projections no longer served (or a test's own) do not count."""
    rows = await db.fetch("SELECT projection, position, event_type, error, attempts, since FROM projection_stalls")
    served = {m.name for m in READ_MODELS}
    return {r["projection"]: Stall(**dict(r)) for r in rows if r["projection"] in served}


async def record_stall(conn: asyncpg.Connection, poison: Unappliable) -> None:
    await conn.execute(
        """INSERT INTO projection_stalls (projection, position, event_type, account_id, error, reason)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (projection) DO UPDATE
           SET position = excluded.position, event_type = excluded.event_type, account_id = excluded.account_id,
               error = excluded.error, reason = excluded.reason, attempts = projection_stalls.attempts + 1,
               last_attempt = now()""",
        poison.projection, poison.position, poison.event_type, poison.account_id, poison.error, poison.reason)


async def clear_stall(conn: asyncpg.Connection, projection: str, applied: int) -> int | None:
    """Forget the stall once the read model has applied its event; answers the position it was stalled at."""
    return await conn.fetchval("DELETE FROM projection_stalls WHERE projection = $1 AND position <= $2 "
                               "RETURNING position", projection, applied)
