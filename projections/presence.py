"""Presence: the fast store behind heartbeats. A heartbeat is not an event; only transitions are recorded.

A client's transitions (came online, went offline) are recorded while its presence row is locked, so a
heartbeat and the offline timer never interleave: whichever comes second sees what the first did.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from uuid import UUID

import asyncpg

from domain.history import fingerprint


async def beat(pool: asyncpg.Pool, license_key: str, client_id: str, version: str) -> bool:
    """The common case in one statement: a linked client already online, same version. True when absorbed;
    False means a transition may be due (or the key or client is unknown, or the account switched off), for
    the caller's slow path, which checks the key itself."""
    return await pool.fetchval(
        """UPDATE presence p SET last_seen = now()
           FROM license_tab l, clients c, account_access a
           WHERE l.key_fingerprint = $1 AND p.account_id = l.account_id AND p.client_id = $2
             AND a.account_id = l.account_id AND NOT a.disabled
             AND p.online AND p.version = $3
             AND c.account_id = l.account_id AND c.client_id = $2 AND c.linked
             AND c.online_since IS NOT NULL AND c.version = $3
           RETURNING true""", fingerprint(license_key), client_id, version) or False


class PresenceRow:
    def __init__(self, conn: asyncpg.Connection, account_id: UUID, client_id: str, record: asyncpg.Record) -> None:
        self.conn, self.account_id, self.client_id = conn, account_id, client_id
        self.online: bool = record["online"]
        self.last_seen: datetime = record["last_seen"]

    async def mark(self, online: bool, version: str | None = None) -> None:
        await self.conn.execute(
            """UPDATE presence SET online = $3, version = coalesce($4, version),
                      last_seen = CASE WHEN $3 THEN now() ELSE last_seen END
               WHERE account_id = $1 AND client_id = $2""", self.account_id, self.client_id, online, version)


@asynccontextmanager
async def locked(pool: asyncpg.Pool, account_id: UUID, client_id: str) -> AsyncIterator[PresenceRow]:
    """The client's presence row, locked until the block ends (committed unless it raises)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("INSERT INTO presence (account_id, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                           account_id, client_id)
        record = await conn.fetchrow("SELECT online, last_seen FROM presence WHERE account_id = $1 AND client_id = $2 "
                                     "FOR UPDATE", account_id, client_id)
        yield PresenceRow(conn, account_id, client_id, record)


async def silent_clients(pool: asyncpg.Pool, cutoff: datetime, limit: int) -> list[asyncpg.Record]:
    """Clients the Clients tab shows online with no heartbeat since `cutoff` (or none at all: presence is
    unlogged and empty after a database crash)."""
    return await pool.fetch(
        """SELECT c.account_id, c.client_id FROM clients c
           LEFT JOIN presence p ON p.account_id = c.account_id AND p.client_id = c.client_id
           WHERE c.online_since IS NOT NULL AND c.linked
             AND (p.last_seen IS NULL OR p.last_seen < $1 OR NOT p.online)
           LIMIT $2""", cutoff, limit)
