"""The account access read model (projections.access) fed contract events: disabled accounts, API access,
API keys, and what a deleted account leaves."""

import pytest

from domain.contract.accounts import (AccountApiAccessChanged, AccountDisabledChanged, AccountOpened,
                                      ApiKeyCreated, ApiKeyRevoked)
from domain.contract.customers import AccountDeleted
from projections.access import ACCOUNT_ACCESS, account_disabled, api_keys
from tests.projections.conftest import Feed


@pytest.fixture
async def feed(conn) -> Feed:
    feed = Feed(conn, ACCOUNT_ACCESS)
    await feed(AccountOpened, customer_number="100001", email="ann@example.com", name="Ann")
    return feed


async def created(feed: Feed, key_id: str, **envelope) -> None:
    await feed(ApiKeyCreated, key_id=key_id, name=f"key {key_id}", scope="read", prefix=key_id[:4], **envelope)


async def key_ids(feed: Feed) -> list[str]:
    return [k.key_id for k in await api_keys(feed.conn, feed.account_id)]


async def api_access(feed: Feed) -> bool:
    return await feed.conn.fetchval("SELECT api_access FROM account_access WHERE account_id = $1", feed.account_id)


async def test_an_opened_account_is_enabled(feed):
    assert await account_disabled(feed.conn, feed.account_id) is False


@pytest.mark.parametrize("disabled", [True, False])
async def test_disabling_and_enabling_an_account_show(feed, disabled):
    await feed(AccountDisabledChanged, disabled=True)
    await feed(AccountDisabledChanged, disabled=disabled)

    assert await account_disabled(feed.conn, feed.account_id) is disabled


@pytest.mark.parametrize("enabled", [True, False])
async def test_api_access_shows_as_last_changed(feed, enabled):
    await feed(AccountApiAccessChanged, enabled=not enabled)
    await feed(AccountApiAccessChanged, enabled=enabled)

    assert await api_access(feed) is enabled


async def test_api_keys_are_listed_oldest_first(feed):
    await created(feed, "key-b", occurred_at=feed.at(100))
    await created(feed, "key-a", occurred_at=feed.at(50))

    assert await key_ids(feed) == ["key-a", "key-b"]


async def test_a_revoked_key_is_no_longer_listed(feed):
    await created(feed, "key-a")
    await created(feed, "key-b")
    await feed(ApiKeyRevoked, key_id="key-a")

    assert await key_ids(feed) == ["key-b"]


async def test_a_redelivered_key_creation_does_not_bring_a_revoked_key_back(feed):
    await created(feed, "key-a")
    creation = feed.last
    await feed(ApiKeyRevoked, key_id="key-a")

    await feed.deliver(*creation)

    assert await key_ids(feed) == []


async def test_a_redelivered_opening_does_not_enable_a_disabled_account(feed):
    await feed(AccountDisabledChanged, disabled=True)

    await feed.deliver(*feed.delivered[0])

    assert await account_disabled(feed.conn, feed.account_id) is True


async def test_a_deleted_account_stays_disabled_without_its_keys(feed):
    await created(feed, "key-a")

    await feed(AccountDeleted)

    assert (await account_disabled(feed.conn, feed.account_id), await key_ids(feed)) == (True, [])


async def test_another_accounts_keys_are_not_listed(conn, feed):
    await created(feed, "key-a")
    other = Feed(conn, ACCOUNT_ACCESS)
    await other(AccountOpened, customer_number="100002", email="bob@example.com", name="Bob")

    assert await key_ids(other) == []
