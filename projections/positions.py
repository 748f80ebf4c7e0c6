"""Where each projection stands, for read-your-writes (X-Min-Position) and readiness."""

import asyncio
import time

import asyncpg

from projections.access import ACCOUNT_ACCESS
from projections.audit import AUDIT
from projections.clients import CLIENTS
from projections.emails import EMAILS
from projections.license import LICENSE_TAB
from projections.readmodel import ReadModel
from projections.sessions import SESSIONS
from projections.users import USERS

READ_MODELS: tuple[ReadModel, ...] = (LICENSE_TAB, CLIENTS, SESSIONS, AUDIT, EMAILS, ACCOUNT_ACCESS, USERS)


async def position(pool: asyncpg.Pool, projection: str) -> int:
    value = await pool.fetchval("SELECT position FROM projection_positions WHERE projection = $1", projection)
    return value or 0


async def wait_for(pool: asyncpg.Pool, projection: str, target: int, timeout: float) -> bool:
    """True once the projection has applied the event at `target`; False when `timeout` passes first."""
    deadline = time.monotonic() + timeout
    delay = 0.002
    while await position(pool, projection) < target:
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)
    return True
