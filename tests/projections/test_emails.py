"""The e-mails read model (projections.emails) fed contract events: each status, redeliveries, an account's
e-mails in keyset pages, the e-mails to an address across accounts, and the suppression list."""

from uuid import uuid4

import pytest

from domain.contract.customers import AccountDeleted
from domain.contract.email import (AddressSuppressed, EmailBounced, EmailFailed, EmailQueued, EmailSent,
                                   EmailSuppressed, SuppressionCleared)
from projections.emails import EMAILS, account_emails, emails_to, is_listed, suppressed_addresses
from projections.paging import BadCursor, encode_cursor
from tests.projections.conftest import Feed, ids, walk


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, EMAILS)


async def queued(feed: Feed, to: str = "ann@example.com", seconds: int | None = None) -> str:
    """An e-mail queued at the event's own time, or `seconds` after the start."""
    email_id = str(uuid4())
    await feed(EmailQueued, email_id=email_id, to=to, template="welcome", language="en", subject="Welcome",
               body="Hello", secret_params=[], queued_at=feed.at(feed.position + 1 if seconds is None else seconds))
    return email_id


async def emails(feed: Feed):
    rows, _ = await account_emails(feed.conn, feed.account_id, cursor=None, limit=100)
    return rows


async def only(feed: Feed):
    [row] = await emails(feed)
    return row


async def test_a_queued_email_shows_queued_with_its_address_and_subject(feed):
    email_id = await queued(feed)

    row = await only(feed)

    assert (row.email_id, row.to, row.subject, row.status, row.queued_at, row.changed_at, row.sent_at) == (
        email_id, "ann@example.com", "Welcome", "queued", feed.at(1), feed.at(1), None)


@pytest.mark.parametrize(("event_type", "status", "column"), [
    (EmailSent, "sent", "sent_at"), (EmailBounced, "bounced", "bounced_at"), (EmailSuppressed, "suppressed", None),
    (EmailFailed, "failed", None)])
async def test_each_status_change_shows_with_its_time(feed, event_type, status, column):
    email_id = await queued(feed)
    reason = {"reason": "550 no such user"} if "reason" in event_type.__struct_fields__ else {}
    await feed(event_type, email_id=email_id, at=feed.at(60), **reason)

    row = await only(feed)

    assert (row.status, row.changed_at, row.reason) == (status, feed.at(60), reason.get("reason"))
    if column:
        assert getattr(row, column) == feed.at(60)


async def test_a_bounce_after_sending_keeps_the_time_it_was_sent(feed):
    email_id = await queued(feed)
    await feed(EmailSent, email_id=email_id, at=feed.at(60))
    await feed(EmailBounced, email_id=email_id, reason="mailbox full", at=feed.at(90))

    row = await only(feed)

    assert (row.status, row.sent_at, row.bounced_at) == ("bounced", feed.at(60), feed.at(90))


async def test_a_redelivered_status_change_leaves_the_row_as_it_was(feed):
    email_id = await queued(feed)
    await feed(EmailSent, email_id=email_id, at=feed.at(60))
    before = await only(feed)

    await feed.again()

    assert await only(feed) == before


async def test_an_accounts_emails_page_newest_first_each_once(feed):
    made = [await queued(feed) for _ in range(5)]

    rows = await walk(lambda cursor, limit: account_emails(feed.conn, feed.account_id, cursor=cursor,
                                                           limit=limit), "email_id")

    assert ids(rows, "email_id") == made[::-1]


async def test_a_cursor_of_another_sort_is_refused(feed):
    with pytest.raises(BadCursor):
        await account_emails(feed.conn, feed.account_id, cursor=encode_cursor("address", "a", "b"), limit=2)


async def test_the_emails_to_an_address_come_from_every_account_newest_first(conn, feed):
    address = f"{uuid4().hex}@example.com"
    other = Feed(conn, EMAILS)
    first = await queued(feed, address)
    second = await queued(other, address, seconds=100)
    await queued(feed)

    shown = await emails_to(conn, address)

    assert [(e.email_id, e.account_id) for e in shown] == [(second, other.account_id), (first, feed.account_id)]


async def test_a_suppressed_address_is_listed_until_cleared(feed):
    await feed(AddressSuppressed, address="ann@example.com", reason="bounced")
    listed = await is_listed(feed.conn, feed.account_id, "ann@example.com")

    await feed(SuppressionCleared, address="ann@example.com", by="staff@example.com")

    assert (listed, await is_listed(feed.conn, feed.account_id, "ann@example.com")) == (True, False)


async def test_suppressing_an_address_again_records_the_latest_reason(feed):
    await feed(AddressSuppressed, address="ann@example.com", reason="bounced")
    await feed(AddressSuppressed, address="ann@example.com", reason="complained")

    rows, _ = await suppressed_addresses(feed.conn, feed.account_id, cursor=None, limit=10)

    assert [(r.address, r.reason, r.suppressed_at) for r in rows] == [("ann@example.com", "complained", feed.at(2))]


async def test_suppressed_addresses_page_by_address_each_once(feed):
    addresses = [f"{c}@example.com" for c in "ebdac"]
    for address in addresses:
        await feed(AddressSuppressed, address=address, reason="bounced")

    rows = await walk(lambda cursor, limit: suppressed_addresses(feed.conn, feed.account_id, cursor=cursor,
                                                                 limit=limit), "address")

    assert ids(rows, "address") == sorted(addresses)


async def test_a_deleted_accounts_emails_are_erased_but_its_suppressions_kept(feed):
    await queued(feed)
    await feed(AddressSuppressed, address="ann@example.com", reason="bounced")

    await feed(AccountDeleted)

    assert (await emails(feed), await is_listed(feed.conn, feed.account_id, "ann@example.com")) == ([], True)
