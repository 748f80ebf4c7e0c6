"""Presence: the fast store behind heartbeats. A heartbeat is not an event; only transitions are recorded.

A client's transitions (came online, went offline) are recorded while its presence row is locked, so a
heartbeat and the offline timer never interleave: whichever comes second sees what the first did.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from domain.history import fingerprint


REFRESH = """UPDATE presence p SET last_seen = greatest(p.last_seen, b.at)
    FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS b(key_fingerprint, client_id, version, at),
         license_tab l, clients c, account_access a
    WHERE l.key_fingerprint = b.key_fingerprint AND p.account_id = l.account_id AND p.client_id = b.client_id
      AND a.account_id = l.account_id AND NOT a.disabled
      AND p.online AND p.version = b.version
      AND c.account_id = l.account_id AND c.client_id = b.client_id AND c.linked
      AND c.online_since IS NOT NULL AND c.version = b.version
    RETURNING b.key_fingerprint, b.client_id, l.account_id"""


async def refresh(pool: asyncpg.Pool, beats: list[tuple[str, str, str, datetime]]) -> dict[tuple[str, str], UUID]:
    """Many heartbeats in one statement, each (key fingerprint, client id, version, when) of a linked client
    already online with that version under the account's current key, the account not switched off; answers
    the account of each one written (the others may be due a transition: the caller's slow path)."""
    rows = await pool.fetch(REFRESH, *(list(column) for column in zip(*beats))) if beats else []
    return {(r["key_fingerprint"], r["client_id"]): r["account_id"] for r in rows}


async def beat(pool: asyncpg.Pool, license_key: str, client_id: str, version: str) -> UUID | None:
    """One heartbeat, as `refresh` writes it; answers the client's account when written."""
    written = await refresh(pool, [(fingerprint(license_key), client_id, version, datetime.now(UTC))])
    return next(iter(written.values()), None)


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
