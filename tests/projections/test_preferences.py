"""The account preferences read model (projections.preferences) fed contract events."""

import pytest

from domain.account import DEFAULT_PREFERENCES
from domain.contract.accounts import AccountOpened, AccountPreferencesChanged
from projections.preferences import ACCOUNT_PREFERENCES, Preferences, preferences
from tests.projections.conftest import Feed

CHOSEN = {"language": "fr", "time_zone": "Europe/Berlin", "csv_scope": "page", "csv_date_format": "de"}


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, ACCOUNT_PREFERENCES)


async def opened(feed: Feed) -> None:
    await feed(AccountOpened, customer_number="100001", email="ann@example.com", name="Ann")


async def test_an_account_not_yet_projected_has_the_default_preferences(feed):
    assert await preferences(feed.conn, feed.account_id) == Preferences(**DEFAULT_PREFERENCES)


async def test_an_opened_account_has_the_default_preferences(feed):
    await opened(feed)

    assert await preferences(feed.conn, feed.account_id) == Preferences(**DEFAULT_PREFERENCES)


async def test_a_change_shows_every_preference_chosen(feed):
    await opened(feed)
    await feed(AccountPreferencesChanged, **CHOSEN)

    assert await preferences(feed.conn, feed.account_id) == Preferences(**CHOSEN)


async def test_a_redelivered_opening_keeps_the_preferences_changed_since(feed):
    await opened(feed)
    opening = feed.last
    await feed(AccountPreferencesChanged, **CHOSEN)

    await feed.deliver(*opening)

    assert await preferences(feed.conn, feed.account_id) == Preferences(**CHOSEN)


async def test_another_accounts_change_leaves_these_preferences_alone(conn, feed):
    await opened(feed)
    other = Feed(conn, ACCOUNT_PREFERENCES)
    await opened(other)

    await other(AccountPreferencesChanged, **CHOSEN)

    assert await preferences(feed.conn, feed.account_id) == Preferences(**DEFAULT_PREFERENCES)
