"""The tokens a gateway keeps (gateway/credentials.py) are forgotten the moment they may no longer be trusted:
on every change PostgreSQL announces (a revocation by another gateway process, an account switched off, its
language changed, a rebuild of those read models), when the listening connection is lost, and at expiry. Two
`KnownTokens`, each on its own listening connection, stand for two gateway processes on one database."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import pytest

from domain.application import Portal
from gateway.credentials import KnownTokens
from gateway.identity import digest, revoke_token
from projections.access import ACCOUNT_ACCESS
from projections.rebuild import rebuild
from workers.config import Settings


@pytest.fixture
async def gateways(settings: Settings, pool: asyncpg.Pool
                   ) -> AsyncIterator[tuple[KnownTokens, KnownTokens, list[asyncpg.Connection]]]:
    listeners = [await asyncpg.connect(settings.database_url) for _ in range(2)]
    first, second = KnownTokens(), KnownTokens()
    await first.listen(listeners[0])
    await second.listen(listeners[1])
    yield first, second, listeners
    for listener in listeners:
        await listener.close()
    # The rows made up here belong to no account of the event store: other tests compare views with rebuilds.
    for table in ("auth_tokens", "account_access", "account_preferences"):
        await pool.execute(f"DELETE FROM {table} WHERE account_id = any($1::uuid[])", MADE_UP)
    MADE_UP.clear()


MADE_UP: list[UUID] = []  # the accounts of this module's tokens


async def token_of(pool: asyncpg.Pool, account_id: UUID, expires_in: timedelta = timedelta(hours=1)) -> tuple[str, dict]:
    MADE_UP.append(account_id)
    token = uuid4().hex
    await pool.execute("INSERT INTO auth_tokens (token_hash, account_id, email, role, expires_at) "
                       "VALUES ($1, $2, 'someone@example.com', 'owner', $3)",
                       digest(token), account_id, datetime.now(UTC) + expires_in)
    await pool.execute("INSERT INTO account_access (account_id, position) VALUES ($1, 0) ON CONFLICT DO NOTHING",
                       account_id)
    row = await pool.fetchrow("SELECT account_id, expires_at FROM auth_tokens WHERE token_hash = $1", digest(token))
    return token, dict(row)


async def test_a_token_revoked_by_one_gateway_is_forgotten_by_the_other(pool: asyncpg.Pool, gateways) -> None:
    first, second, _ = gateways
    token, row = await token_of(pool, uuid4())
    first.keep(digest(token), row)
    second.keep(digest(token), row)
    await revoke_token(pool, first, token)
    assert first.get(digest(token)) is None  # the revoking process: at once, before any announcement
    await second.settled(pool)
    assert second.get(digest(token)) is None


async def test_switching_an_account_off_or_changing_its_language_forgets_its_tokens(pool: asyncpg.Pool,
                                                                                     gateways) -> None:
    first, _, _ = gateways
    account_id, other = uuid4(), uuid4()
    token, row = await token_of(pool, account_id)
    untouched, other_row = await token_of(pool, other)
    first.keep(digest(token), row)
    first.keep(digest(untouched), other_row)
    await pool.execute("UPDATE account_access SET disabled = true WHERE account_id = $1", account_id)
    await first.settled(pool)
    assert first.get(digest(token)) is None
    assert first.get(digest(untouched)) is not None  # another account's tokens are kept

    first.keep(digest(token), row)
    await pool.execute("INSERT INTO account_preferences (account_id, language, position) VALUES ($1, 'de', 0)",
                       account_id)
    await first.settled(pool)
    assert first.get(digest(token)) is None


async def test_a_rebuilt_access_view_keeps_announcing(pool: asyncpg.Pool, portal: Portal, gateways) -> None:
    first, _, _ = gateways
    account_id = uuid4()
    token, row = await token_of(pool, account_id)
    first.keep(digest(token), row)
    await rebuild(pool, portal, ACCOUNT_ACCESS)
    await first.settled(pool)
    assert first.get(digest(token)) is None  # the swap said every row may have changed

    token, row = await token_of(pool, account_id)  # the rebuilt table has its trigger again
    first.keep(digest(token), row)
    await pool.execute("UPDATE account_access SET api_access = false WHERE account_id = $1", account_id)
    await first.settled(pool)
    assert first.get(digest(token)) is None


async def test_nothing_is_kept_without_the_listening_connection_or_past_expiry(pool: asyncpg.Pool,
                                                                                gateways) -> None:
    first, second, listeners = gateways
    token, row = await token_of(pool, uuid4())
    first.keep(digest(token), row)
    await listeners[0].close()
    assert first.get(digest(token)) is None
    first.keep(digest(token), row)
    assert first.get(digest(token)) is None

    soon, soon_row = await token_of(pool, uuid4(), expires_in=timedelta(milliseconds=1))
    second.keep(digest(soon), {**soon_row, "expires_at": datetime.now(UTC) - timedelta(seconds=1)})
    assert second.get(digest(soon)) is None
