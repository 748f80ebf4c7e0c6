"""The support read model (projections.support) fed contract events: a request and its thread after each event
kind, redeliveries, the customer's pages and filter, the help desk's queue, and a deleted account's erasure."""

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.contract.customers import AccountDeleted
from domain.contract.support import (SupportCustomerWrote, SupportRequestOpened, SupportStaffAnswered,
                                     SupportStatusChanged)
from projections.support import SUPPORT, QueueFilter, queue_page, request_details, request_page
from tests.projections.conftest import START, Feed, ids, walk


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, SUPPORT)


async def opened(feed: Feed, subject: str = "Cannot connect") -> str:
    request_id = str(uuid4())
    await feed(SupportRequestOpened, request_id=request_id, number=f"123456789-{feed.position + 1}",
               category="sessions", subject=subject, body="It stops.", email="ann@example.com", client_id=None,
               session_id=None, opened_at=feed.at(feed.position + 1))
    return request_id


async def test_a_thread_holds_each_message_in_order_and_the_last_status(feed):
    request_id = await opened(feed)
    await feed(SupportStaffAnswered, request_id=request_id, body="Which version?", status="waiting_for_customer",
               written_at=feed.at(feed.position + 1))
    await feed(SupportCustomerWrote, request_id=request_id, body="9.0.4", written_at=feed.at(feed.position + 1))

    details = await request_details(feed.conn, feed.account_id, request_id)

    assert [(m.author, m.body) for m in details.thread] == [
        ("customer", "It stops."), ("staff", "Which version?"), ("customer", "9.0.4")]
    assert (details.status, details.messages, details.updated_at) == ("open", 3, feed.at(feed.position))


async def test_a_status_change_moves_the_request_and_its_time(feed):
    request_id = await opened(feed)

    await feed(SupportStatusChanged, request_id=request_id, status="closed", by="customer")

    details = await request_details(feed.conn, feed.account_id, request_id)
    assert (details.status, details.updated_at, details.messages) == ("closed", feed.at(feed.position), 1)


async def test_a_redelivered_message_is_in_the_thread_once(feed):
    request_id = await opened(feed)
    await feed(SupportCustomerWrote, request_id=request_id, body="More", written_at=feed.at(feed.position + 1))

    await feed.again()

    details = await request_details(feed.conn, feed.account_id, request_id)
    assert [m.body for m in details.thread] == ["It stops.", "More"]


async def test_the_customers_pages_are_newest_first_and_filter_by_status(feed):
    made = [await opened(feed, f"Request {n}") for n in range(5)]
    await feed(SupportStatusChanged, request_id=made[1], status="answered", by="staff")

    async def fetch(cursor, limit):
        return await request_page(feed.conn, feed.account_id, None, cursor=cursor, limit=limit)

    every = await walk(fetch, "request_id")
    answered, _ = await request_page(feed.conn, feed.account_id, "answered", cursor=None, limit=10)

    assert ids(every, "request_id") == made[::-1]
    assert ids(answered, "request_id") == [made[1]]


async def test_another_accounts_request_is_not_there(feed, conn):
    request_id = await opened(feed)
    other = Feed(conn, SUPPORT)

    assert await request_details(conn, other.account_id, request_id) is None
    assert (await request_page(conn, other.account_id, None, cursor=None, limit=10))[0] == []


async def test_the_queue_is_oldest_first_across_accounts_and_filters(feed, conn):
    other = Feed(conn, SUPPORT)
    other.position = 100  # its events come later
    first, second = await opened(feed), await opened(other)
    mine = QueueFilter(opened_before=START + timedelta(days=1))

    rows, _ = await queue_page(conn, QueueFilter(account_id=other.account_id), cursor=None, limit=10)
    both, _ = await queue_page(conn, mine, cursor=None, limit=500)
    older, _ = await queue_page(conn, QueueFilter(opened_before=feed.at(2), account_id=feed.account_id), cursor=None,
                                limit=10)

    assert ids(rows, "request_id") == [second]
    assert [r for r in ids(both, "request_id") if r in (first, second)] == [first, second]
    assert ids(older, "request_id") == [first]


async def test_a_deleted_account_leaves_no_request_behind(feed):
    request_id = await opened(feed)

    await feed(AccountDeleted)

    assert await request_details(feed.conn, feed.account_id, request_id) is None
