"""The customers read model (projections.customers) fed contract events, joined to the License tab: the row
after each event kind, a reseller's scope, search, filters, every sort each way in keyset pages, forged
cursors and erasure. Each customer is an account of its own, under a reseller made up for the test."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from domain.contract.accounts import (AccountApiAccessChanged, AccountContactChanged, AccountDisabledChanged,
                                      AccountOpened, AccountPreferencesChanged)
from domain.contract.customers import AccountAccessibilityChanged, AccountDeleted, AccountLevelChanged
from projections.customers import CUSTOMERS, Filter, customer, customer_page
from projections.license import LICENSE_TAB
from projections.paging import BadCursor, encode_cursor
from tests.projections.conftest import START, Feed, walk

PREFERENCES = {"language": "en", "csv_scope": "all", "csv_date_format": "iso"}


class Reseller:
    """Customers opened under one reseller a second apart, each through its own feed."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.id = uuid4()
        self.feeds: dict[UUID, Feed] = {}

    async def open(self, name: str = "Ann", number: str | None = None, email: str | None = None,
                   **envelope) -> Feed:
        feed = Feed(self.conn, CUSTOMERS, LICENSE_TAB)
        envelope.setdefault("occurred_at", feed.at(len(self.feeds)))  # opened one after another
        await feed(AccountOpened, customer_number=number or str(uuid4().int % 10**8), name=name,
                   email=email or f"{uuid4().hex[:12]}@example.com", reseller_id=self.id, **envelope)
        self.feeds[feed.account_id] = feed
        return feed

    async def page(self, cursor: str | None = None, limit: int = 100, sort: str = "opened_at",
                   descending: bool = False, **filters):
        return await customer_page(self.conn, self.id, Filter(**filters), sort=sort, descending=descending,
                                   cursor=cursor, limit=limit)

    async def listed(self, **params) -> list[UUID]:
        rows, _ = await self.page(**params)
        return [r.account_id for r in rows]

    async def shown(self, feed: Feed):
        return await customer(self.conn, self.id, feed.account_id)


@pytest.fixture
def reseller(conn) -> Reseller:
    return Reseller(conn)


async def test_an_opened_customer_shows_enabled_with_its_number_login_and_license(reseller):
    feed = await reseller.open("Ann", "4711", "ann@example.com")

    shown = await reseller.shown(feed)

    assert (shown.customer_number, shown.login, shown.name, shown.enabled, shown.level, shown.product,
            shown.reseller_id, shown.opened_at) == ("4711", "ann@example.com", "Ann", True, "customer", "free",
                                                    reseller.id, feed.at(0))


@pytest.mark.parametrize(("event_type", "fields", "column", "value"), [
    (AccountDisabledChanged, {"disabled": True}, "enabled", False),
    (AccountApiAccessChanged, {"enabled": False}, "api_access", False),
    (AccountAccessibilityChanged, {"enabled": True}, "accessibility", True),
    (AccountPreferencesChanged, {**PREFERENCES, "time_zone": "Asia/Tokyo"}, "time_zone", "Asia/Tokyo"),
    (AccountLevelChanged, {"level": "reseller"}, "level", "reseller")], ids=lambda v: getattr(v, "__name__", None))
async def test_an_account_change_shows_in_its_column(reseller, event_type, fields, column, value):
    feed = await reseller.open()
    await feed(event_type, **fields)

    assert getattr(await reseller.shown(feed), column) == value


async def test_the_name_and_phone_come_from_the_contact_as_last_changed(reseller):
    feed = await reseller.open("Ann")
    await feed(AccountContactChanged, name="Ann Renamed", street="Main St 1", postal_code="10115",
               city="Berlin", country="DE", phone="+49 711 123456")

    shown = await reseller.shown(feed)

    assert (shown.name, shown.phone) == ("Ann Renamed", "+49 711 123456")


async def test_a_redelivered_opening_keeps_the_changes_since(reseller):
    feed = await reseller.open()
    await feed(AccountDisabledChanged, disabled=True)

    await feed.deliver(*feed.delivered[0])

    assert (await reseller.shown(feed)).enabled is False


async def test_a_reseller_sees_only_its_own_customers(conn, reseller):
    mine = await reseller.open()
    other = Reseller(conn)
    theirs = await other.open()

    assert (await reseller.listed(), await reseller.shown(theirs)) == ([mine.account_id], None)


async def test_a_deleted_customer_is_neither_listed_nor_shown(reseller):
    kept = await reseller.open()
    gone = await reseller.open()

    await gone(AccountDeleted)

    assert (await reseller.listed(), await reseller.shown(gone)) == ([kept.account_id], None)


@pytest.mark.parametrize("q", ["zebulon QUAINT", "zq-mail", "4711"], ids=["name", "e-mail", "number"])
async def test_search_finds_a_customer_by_part_of_the_name_or_e_mail_or_the_whole_number(reseller, q):
    wanted = await reseller.open("Zebulon Quaintance", "4711", "zq-mail@example.com")
    await reseller.open("Ann", "47110")

    assert await reseller.listed(q=q) == [wanted.account_id]


async def test_a_like_wildcard_in_the_search_matches_only_itself(reseller):
    await reseller.open("Ann Smith")
    odd = await reseller.open("100% Ann")

    assert await reseller.listed(q="%") == [odd.account_id]


@pytest.mark.parametrize(("filters", "expected"), [({"enabled": False}, [1]), ({"enabled": True}, [0, 2]),
                                                   ({"level": "reseller"}, [2])])
async def test_a_filter_keeps_only_the_customers_matching_it(reseller, filters, expected):
    made = [await reseller.open() for _ in range(3)]
    await made[1](AccountDisabledChanged, disabled=True)
    await made[2](AccountLevelChanged, level="reseller")

    assert await reseller.listed(**filters) == [made[i].account_id for i in expected]


NAMES = ["bravo", "charlie", "alpha"]  # name order: 2, 0, 1
NUMBERS = ["300", "100", "200"]  # number order: 1, 2, 0
OPENED = [2, 0, 1]  # seconds: opening order 1, 2, 0


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize(("sort", "ranks"), [("name", [1, 2, 0]), ("customer_number", [2, 0, 1]),
                                             ("opened_at", [2, 0, 1])])
async def test_customers_are_sorted_across_pages(reseller, sort, ranks, descending):
    made = [await reseller.open(name, number, occurred_at=START + timedelta(seconds=seconds))
            for name, number, seconds in zip(NAMES, NUMBERS, OPENED)]
    expected = [made[i].account_id for i in sorted(range(3), key=lambda i: ranks[i], reverse=descending)]

    rows = await walk(lambda cursor, limit: reseller.page(cursor, limit, sort=sort, descending=descending),
                      "account_id", limit=1)

    assert [r.account_id for r in rows] == expected


@pytest.mark.parametrize(("sort", "cursor"), [("name", encode_cursor("opened_at", "x", "y")),
                                              ("opened_at", encode_cursor("opened_at", "2026-11-21T10:00:00", "y"))],
                         ids=["another-sort", "time-without-zone"])
async def test_a_cursor_we_did_not_make_for_this_sort_is_refused(reseller, sort, cursor):
    with pytest.raises(BadCursor):
        await reseller.page(cursor, sort=sort)
