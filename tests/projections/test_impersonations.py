"""The access list read model (projections.impersonations) fed contract events: impersonations and help-desk
read-only sessions side by side, their ends, the owner's consent, and what a deleted account leaves."""

from datetime import timedelta
from uuid import uuid4

from domain.actor import Actor
from domain.contract.customers import AccountDeleted
from domain.contract.helpdesk import HelpDeskAccessChanged, ReadOnlySessionEnded, ReadOnlySessionStarted
from domain.contract.impersonations import ImpersonationStarted
from projections.impersonations import IMPERSONATIONS, READ_ONLY, Consent, accesses, consent
from tests.projections.conftest import START, Feed

DESK = Actor(kind="user", name="desk@staff.test", role="help desk")
FAR = START + timedelta(days=3650)  # far enough ahead to be current whenever the test runs


async def test_a_read_only_session_is_listed_with_who_why_and_until_when(conn):
    feed, session_id = Feed(conn, IMPERSONATIONS), uuid4()

    await feed(ReadOnlySessionStarted, session_id=session_id, staff_user_id=uuid4(), reason="Ticket 7",
               started_at=START, expires_at=FAR, actor=DESK)

    [access] = await accesses(conn, feed.account_id)
    assert (access.access_id, access.kind, access.staff, access.reason, access.expires_at, access.current) == (
        session_id, READ_ONLY, DESK.name, "Ticket 7", FAR, True)


async def test_an_ended_session_is_no_longer_current_and_says_who_ended_it(conn):
    feed, session_id = Feed(conn, IMPERSONATIONS), uuid4()
    await feed(ReadOnlySessionStarted, session_id=session_id, staff_user_id=uuid4(), reason="Ticket 7",
               started_at=START, expires_at=FAR, actor=DESK)

    await feed(ReadOnlySessionEnded, session_id=session_id, at=START, by="customer")
    await feed.again()

    [access] = await accesses(conn, feed.account_id)
    assert (access.current, access.ended_by) == (False, "customer")


async def test_impersonations_and_sessions_share_the_list_newest_first(conn):
    feed = Feed(conn, IMPERSONATIONS)
    await feed(ImpersonationStarted, impersonation_id=uuid4(), staff_user_id=uuid4(), reason="older",
               started_at=START, expires_at=FAR, actor=DESK)
    await feed(ReadOnlySessionStarted, session_id=uuid4(), staff_user_id=uuid4(), reason="newer",
               started_at=START + timedelta(minutes=1), expires_at=FAR, actor=DESK)

    assert [(a.kind, a.reason) for a in await accesses(conn, feed.account_id)] == [(READ_ONLY, "newer"),
                                                                                   ("impersonation", "older")]


async def test_consent_is_forbidden_until_given_and_lapses_at_its_end(conn):
    feed = Feed(conn, IMPERSONATIONS)
    assert await consent(conn, feed.account_id) == Consent(allowed=False, until=None)

    await feed(HelpDeskAccessChanged, allowed=True, until=FAR)
    assert await consent(conn, feed.account_id) == Consent(allowed=True, until=FAR)
    await feed(HelpDeskAccessChanged, allowed=True, until=START)  # long past
    assert await consent(conn, feed.account_id) == Consent(allowed=False, until=START)


async def test_a_deleted_account_leaves_neither_sessions_nor_consent(conn):
    feed = Feed(conn, IMPERSONATIONS)
    await feed(HelpDeskAccessChanged, allowed=True, until=None)
    await feed(ReadOnlySessionStarted, session_id=uuid4(), staff_user_id=uuid4(), reason="Ticket 7",
               started_at=START, expires_at=FAR, actor=DESK)

    await feed(AccountDeleted)

    assert (await accesses(conn, feed.account_id), await consent(conn, feed.account_id)) == (
        [], Consent(allowed=False, until=None))
