"""Read models fed contract events straight into `apply`, on the session's real PostgreSQL.

Each test writes through one connection inside a transaction that is rolled back at its end, so its rows are
never seen by another test, nor by a rebuild's `verify` of whole tables; queries run on that same connection
(asyncpg's Connection answers fetch/fetchrow/fetchval as a Pool does)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import msgspec
import pytest

from domain.contract import PortalEvent
from projections.fold import Fold
from projections.readmodel import ReadModel
from workers.shredding import StreamKeys

START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class Feed:
    """One account's events, applied in order to each of `models` with rising positions and times, a second
    apart (a read model ignores the events it does not show)."""

    def __init__(self, conn: asyncpg.Connection, *models: ReadModel) -> None:
        self.conn = conn
        self.models = models
        self.keys = StreamKeys.from_env()  # the bodies fed here are plain: no key is ever looked up
        self.account_id = uuid4()
        self.position = 0
        self.delivered: list[tuple[str, bytes, int]] = []  # (event type, body, position), in order

    def at(self, seconds: int) -> datetime:
        return START + timedelta(seconds=seconds)

    async def __call__(self, event_type: type[PortalEvent], **fields: Any) -> int:
        """Apply one event of `event_type` (the envelope fields filled in); answers its position."""
        self.position += 1
        fields.setdefault("occurred_at", self.at(self.position))
        fields.setdefault("aggregate_id", uuid4())
        event = event_type(account_id=self.account_id, aggregate_version=1, **fields)
        self.delivered.append((event_type.__name__, msgspec.json.encode(event), self.position))
        await self.deliver(*self.last)
        return self.position

    @property
    def last(self) -> tuple[str, bytes, int]:
        return self.delivered[-1]

    async def deliver(self, event_type: str, body: bytes, position: int) -> None:
        """Apply one event as a batch of its own, written at once (the queries that follow read the tables)."""
        fold = Fold(self.conn, exact=True)
        for model in self.models:
            await model.apply(fold, event_type, body, position, self.keys)
        await fold.finish()

    async def again(self) -> None:
        """Deliver the last event once more, at its own position (a redelivery)."""
        await self.deliver(*self.last)


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            yield conn
        finally:
            await tx.rollback()


def ids(rows: list[Any], key: str) -> list[str]:
    return [getattr(r, key) for r in rows]


async def walk(fetch_page: Any, key: str, limit: int = 2) -> list[Any]:
    """Every row of a listing, page after page of `limit`, checking pages are full, never overlap and end;
    `fetch_page(cursor, limit)` answers (rows, next cursor)."""
    rows: list[Any] = []
    cursor = None
    for _ in range(20):
        page, cursor = await fetch_page(cursor, limit)
        rows += page
        seen = ids(rows, key)
        assert len(seen) == len(set(seen)), f"a page repeats a row: {seen}"
        if cursor is None:
            return rows
        assert len(page) == limit, "a page before the last is short"
    raise AssertionError("the pages never end")

