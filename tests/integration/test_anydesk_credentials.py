"""The AnyDesk API's credential store and replay memory (projections.anydesk_credentials) on real PostgreSQL:
a replay is refused whichever gateway process sees it, old requests are forgotten, an older reset never wins."""

import secrets
import time
from uuid import uuid4

import asyncpg

from projections.anydesk_credentials import credential, first_sight, keep_password
from workers.config import Settings


def new_license_id() -> str:
    return str(10 ** 15 + secrets.randbelow(9 * 10 ** 15))


async def test_a_request_seen_by_one_gateway_is_a_replay_for_another(pool, settings: Settings):
    license_id, now = new_license_id(), int(time.time())
    other_gateway = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=1)
    try:
        assert await first_sight(pool, license_id, now, "token-a", 600)

        assert not await first_sight(other_gateway, license_id, now, "token-a", 600)
    finally:
        await other_gateway.close()


async def test_other_requests_of_the_same_second_are_each_new(pool):
    license_id, now = new_license_id(), int(time.time())

    assert [await first_sight(pool, license_id, now, token, 600) for token in ("a", "b", "c")] == [True] * 3


async def test_requests_past_their_window_are_forgotten(pool):
    license_id, long_ago = new_license_id(), int(time.time()) - 3_600
    await first_sight(pool, license_id, long_ago, "old", 600)

    await first_sight(pool, license_id, int(time.time()), "new", 600)

    tokens = await pool.fetch("SELECT token FROM anydesk_requests_seen WHERE license_id = $1", license_id)
    assert [r["token"] for r in tokens] == ["new"]


async def test_an_older_reset_arriving_late_does_not_replace_a_newer_password(pool):
    account_id, license_id = uuid4(), new_license_id()
    await keep_password(pool, account_id, license_id, b"newer", 20)

    await keep_password(pool, account_id, license_id, b"older", 10)

    found = await credential(pool, license_id)
    assert found is not None and found.sealed_password == b"newer" and found.account_id == account_id


async def test_a_credential_tells_whether_api_access_is_on(pool):
    account_id, license_id = uuid4(), new_license_id()
    await keep_password(pool, account_id, license_id, b"sealed", 1)
    async with pool.acquire() as conn:
        scratch = conn.transaction()  # a made-up row of a read model: never left for other tests' rebuilds
        await scratch.start()
        try:
            await conn.execute("INSERT INTO account_access (account_id, api_access, position) VALUES ($1, false, 1)",
                               account_id)
            found = await credential(conn, license_id)
        finally:
            await scratch.rollback()

    assert found is not None and (found.api_access, found.disabled) == (False, False)


async def test_an_unknown_license_has_no_credential(pool):
    assert await credential(pool, new_license_id()) is None
