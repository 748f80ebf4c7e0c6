"""The users read model (projections.users) fed contract events: the row after each event kind,
redeliveries, the listing's order and roles, and erasure of a deleted account."""

from uuid import UUID, uuid4

import pytest

from domain.contract.accounts import UserDisabledChanged, UserRegistered, UserTwoFactorDisabled, UserTwoFactorEnabled
from domain.contract.customers import AccountDeleted
from projections.users import USERS, account_users
from tests.projections.conftest import Feed


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, USERS)


async def registered(feed: Feed, email: str = "ann@example.com", account_role: str | None = "owner",
                     platform_role: str | None = None, **envelope) -> UUID:
    user_id = uuid4()
    await feed(UserRegistered, aggregate_id=user_id, email=email, name="Ann", account_role=account_role,
               platform_role=platform_role, **envelope)
    return user_id


async def only(feed: Feed):
    [user] = await account_users(feed.conn, feed.account_id)
    return user


async def test_a_registered_user_is_listed_enabled_without_two_factor(feed):
    user_id = await registered(feed)

    user = await only(feed)

    assert (user.user_id, user.email, user.role, user.disabled, user.two_factor, user.created_at) == (
        user_id, "ann@example.com", "owner", False, False, feed.at(1))


async def test_a_platform_role_shows_instead_of_the_account_role(feed):
    await registered(feed, account_role="member", platform_role="support")

    assert (await only(feed)).role == "support"


@pytest.mark.parametrize("disabled", [True, False])
async def test_disabling_and_enabling_show_in_the_row(feed, disabled):
    user_id = await registered(feed)
    await feed(UserDisabledChanged, aggregate_id=user_id, disabled=True)
    await feed(UserDisabledChanged, aggregate_id=user_id, disabled=disabled)

    assert (await only(feed)).disabled is disabled


async def test_two_factor_shows_on_after_enabling_and_off_after_disabling(feed):
    user_id = await registered(feed)
    await feed(UserTwoFactorEnabled, aggregate_id=user_id)
    on = (await only(feed)).two_factor
    await feed(UserTwoFactorDisabled, aggregate_id=user_id)

    assert (on, (await only(feed)).two_factor) == (True, False)


async def test_an_event_of_another_user_leaves_this_one_alone(feed):
    await registered(feed)
    await feed(UserDisabledChanged, aggregate_id=uuid4(), disabled=True)

    assert (await only(feed)).disabled is False


async def test_a_redelivered_registration_keeps_the_changes_since(feed):
    user_id = await registered(feed)
    registration = feed.last
    await feed(UserDisabledChanged, aggregate_id=user_id, disabled=True)

    await feed.deliver(*registration)

    assert (await only(feed)).disabled is True


async def test_users_are_listed_by_creation_time_then_email(feed):
    later = await registered(feed, "aaa@example.com", occurred_at=feed.at(100))
    second = await registered(feed, "bbb@example.com", occurred_at=feed.at(50))
    first = await registered(feed, "abb@example.com", occurred_at=feed.at(50))

    assert [u.user_id for u in await account_users(feed.conn, feed.account_id)] == [first, second, later]


async def test_a_deleted_accounts_users_are_erased_and_others_kept(conn, feed):
    await registered(feed)
    other = Feed(conn, USERS)
    kept = await registered(other)

    await feed(AccountDeleted)

    assert (await account_users(conn, feed.account_id), (await only(other)).user_id) == ([], kept)
