"""The offset-page queries the AnyDesk-compatible API reads (projections.clients.client_slice,
projections.sessions.session_slice) on real PostgreSQL, over rows written straight into their tables."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import pytest

from projections.clients import client_slice
from projections.sessions import SessionFilter, session_slice

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def account_id(pool):  # type: ignore[no-untyped-def]
    """An account of rows only, removed afterwards: a rebuild from the event store would not have them."""
    account_id = uuid4()
    yield account_id
    for table in ("clients", "sessions"):
        await pool.execute(f"DELETE FROM {table} WHERE account_id = $1", account_id)


async def add_client(pool: asyncpg.Pool, account_id: UUID, client_id: str, alias: str | None = None) -> None:
    await pool.execute("INSERT INTO clients (account_id, client_id, alias, linked_at, position) "
                       "VALUES ($1, $2, $3, now(), 0)", account_id, client_id, alias)


async def add_session(pool: asyncpg.Pool, account_id: UUID, from_id: str, to_id: str, started: datetime,
                      minutes: int | None) -> None:
    ended = None if minutes is None else started + timedelta(minutes=minutes)
    await pool.execute("INSERT INTO sessions (account_id, session_id, from_client_id, to_client_id, started_at, "
                       "ended_at, position) VALUES ($1, $2, $3, $4, $5, $6, 0)",
                       account_id, str(uuid4()), from_id, to_id, started, ended)


async def test_client_ids_sort_by_number_not_by_text(pool, account_id):
    for client_id in ("1000000000", "999999999", "123456789"):
        await add_client(pool, account_id, client_id)

    _, rows = await client_slice(pool, account_id, online=None, search=None, sort="client_id", descending=False,
                                 offset=0, limit=None)

    assert [r.client_id for r in rows] == ["123456789", "999999999", "1000000000"]


@pytest.mark.parametrize(("offset", "limit", "expected"), [(1, 1, ["222222222"]), (0, None, None), (5, 2, [])])
async def test_the_count_is_of_every_match_whatever_the_page(pool, account_id, offset, limit, expected):
    ids = ["111111111", "222222222", "333333333"]
    for client_id in ids:
        await add_client(pool, account_id, client_id)

    total, rows = await client_slice(pool, account_id, online=None, search=None, sort="client_id",
                                     descending=False, offset=offset, limit=limit)

    assert (total, [r.client_id for r in rows]) == (3, ids if expected is None else expected)


async def test_sessions_go_in_or_out_of_a_client(pool, account_id):
    await add_session(pool, account_id, "111111111", "222222222", NOW - timedelta(hours=2), 5)
    await add_session(pool, account_id, "222222222", "333333333", NOW - timedelta(hours=1), 5)

    counts = {d: (await session_slice(pool, account_id, SessionFilter(client_id="222222222", direction=d),
                                      sort="started_at", descending=True, offset=0, limit=None)).total
              for d in ("in", "out", "inout")}

    assert counts == {"in": 1, "out": 1, "inout": 2}


async def test_an_active_session_lasts_until_now_in_durations(pool, account_id):
    await add_session(pool, account_id, "111111111", "222222222", NOW - timedelta(days=2), 30)
    await add_session(pool, account_id, "111111111", "222222222", NOW - timedelta(days=1), None)

    found = await session_slice(pool, account_id, SessionFilter(), sort="duration", descending=True, offset=0,
                                limit=None)

    assert found.items[0].active and found.longest is not None and found.longest >= 24 * 3600
    assert found.shortest == 30 * 60


async def test_no_match_has_no_durations(pool, account_id):
    found = await session_slice(pool, account_id, SessionFilter(), sort="started_at", descending=True, offset=0,
                                limit=0)

    assert (found.total, found.shortest, found.longest, found.items) == (0, None, None, [])
