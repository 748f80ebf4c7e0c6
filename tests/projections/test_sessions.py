"""The Sessions read model (projections.sessions) fed contract events: the row after each event kind,
redeliveries, both sides' current aliases, keyset pages each way, the client, time and active filters, a
client's recent sessions and forged cursors."""

from uuid import uuid4

import pytest

from domain.contract.usage import (ClientAliasChanged, ClientLinked, ClientUnlinked, SessionCommented,
                                   SessionEnded, SessionStarted)
from projections.clients import CLIENTS
from projections.paging import BadCursor, encode_cursor
from projections.sessions import (SESSIONS, SessionFilter, recent_sessions, session_details, session_page,
                                  session_slice)
from tests.projections.conftest import Feed, ids, walk


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, CLIENTS, SESSIONS)


def new_client_id() -> str:
    return str(uuid4().int % 10**9).zfill(9)


async def started(feed: Feed, from_client_id: str | None = None, to_client_id: str | None = None) -> str:
    """A session started now (at the event's own time) between two clients, new ones unless named."""
    session_id = str(uuid4())
    await feed(SessionStarted, session_id=session_id, from_client_id=from_client_id or new_client_id(),
               to_client_id=to_client_id or new_client_id(), started_at=feed.at(feed.position + 1))
    return session_id


async def ended(feed: Feed, from_client_id: str | None = None, to_client_id: str | None = None) -> str:
    session_id = await started(feed, from_client_id, to_client_id)
    await feed(SessionEnded, session_id=session_id, ended_at=feed.at(feed.position + 1), reason="ended")
    return session_id


async def listed(feed: Feed, descending: bool = True, **filters) -> list[str]:
    rows, _ = await session_page(feed.conn, feed.account_id, SessionFilter(**filters), descending=descending,
                                 cursor=None, limit=100)
    return ids(rows, "session_id")


async def details(feed: Feed, session_id: str):
    return await session_details(feed.conn, feed.account_id, session_id)


# The row after each event

async def test_a_started_session_is_active_without_end_or_duration(feed):
    session_id = await started(feed)

    shown = await details(feed, session_id)

    assert (shown.active, shown.ended_at, shown.duration_seconds, shown.end_reason, shown.started_at) == (
        True, None, None, None, feed.at(1))


async def test_an_ended_session_shows_its_end_reason_and_duration(feed):
    session_id = await started(feed)
    await feed(SessionEnded, session_id=session_id, ended_at=feed.at(91), reason="closed")

    shown = await details(feed, session_id)

    assert (shown.active, shown.ended_at, shown.duration_seconds, shown.end_reason) == (
        False, feed.at(91), 90, "closed")


async def test_a_comment_shows_in_the_details(feed):
    session_id = await ended(feed)
    await feed(SessionCommented, session_id=session_id, comment="Printer setup")

    assert (await details(feed, session_id)).comment == "Printer setup"


async def test_a_redelivered_start_does_not_reopen_an_ended_session(feed):
    session_id = await started(feed)
    start = feed.last
    await feed(SessionEnded, session_id=session_id, ended_at=feed.at(50), reason="ended")

    await feed.deliver(*start)

    assert (await details(feed, session_id)).active is False


@pytest.mark.parametrize("kind", ["started", "ended", "commented"])
async def test_a_redelivered_event_leaves_the_row_as_it_was(feed, kind):
    session_id = await started(feed)
    if kind == "ended":
        await feed(SessionEnded, session_id=session_id, ended_at=feed.at(50), reason="ended")
    if kind == "commented":
        await feed(SessionCommented, session_id=session_id, comment="hi")
    before = await feed.conn.fetch("SELECT * FROM sessions WHERE account_id = $1", feed.account_id)

    await feed.again()

    assert await feed.conn.fetch("SELECT * FROM sessions WHERE account_id = $1", feed.account_id) == before


async def test_sessions_show_both_sides_current_aliases(feed):
    helpdesk, peer = new_client_id(), new_client_id()
    await feed(ClientLinked, client_id=helpdesk)
    await feed(ClientAliasChanged, client_id=helpdesk, alias="old@acme")
    session_id = await started(feed, peer, helpdesk)
    await feed(ClientAliasChanged, client_id=helpdesk, alias="helpdesk@acme")

    shown = await details(feed, session_id)

    assert ((shown.from_.client_id, shown.from_.alias), (shown.to.client_id, shown.to.alias)) == (
        (peer, None), (helpdesk, "helpdesk@acme"))


async def test_a_removed_clients_past_sessions_stay_listed_without_its_alias(feed):
    a = new_client_id()
    await feed(ClientLinked, client_id=a)
    await feed(ClientAliasChanged, client_id=a, alias="desk@acme")
    session_id = await ended(feed, a)
    await feed(ClientUnlinked, client_id=a)

    assert await listed(feed, client_id=a) == [session_id]
    assert (await details(feed, session_id)).from_.alias is None


async def test_another_accounts_session_is_neither_listed_nor_found(conn, feed):
    session_id = await started(feed)
    stranger = Feed(conn, CLIENTS, SESSIONS)
    await started(stranger)

    assert session_id not in await listed(stranger)
    assert await details(stranger, session_id) is None


# Pages and filters

@pytest.mark.parametrize("descending", [True, False], ids=["newest-first", "oldest-first"])
async def test_pages_of_two_cover_five_sessions_once_each_in_start_order(feed, descending):
    sessions = [await ended(feed) for _ in range(5)]

    rows = await walk(lambda cursor, limit: session_page(
        feed.conn, feed.account_id, SessionFilter(), descending=descending, cursor=cursor, limit=limit),
        "session_id")

    assert ids(rows, "session_id") == (sessions[::-1] if descending else sessions)


async def test_sessions_started_at_the_same_time_page_by_id_without_gaps(feed):
    sessions = sorted(str(uuid4()) for _ in range(5))
    for session_id in sessions:
        await feed(SessionStarted, session_id=session_id, from_client_id=new_client_id(),
                   to_client_id=new_client_id(), started_at=feed.at(0))

    rows = await walk(lambda cursor, limit: session_page(
        feed.conn, feed.account_id, SessionFilter(), descending=True, cursor=cursor, limit=limit), "session_id")

    assert ids(rows, "session_id") == sessions[::-1]


async def three(feed: Feed) -> tuple[list[str], str]:
    """Three ended sessions one after another: a→x, y→a, b→z; answers their ids and a."""
    a, b = new_client_id(), new_client_id()
    return [await ended(feed, a), await ended(feed, None, a), await ended(feed, b)], a


@pytest.mark.parametrize(("direction", "expected"), [("inout", [1, 0]), ("out", [0]), ("in", [1])])
async def test_the_client_filter_matches_the_side_asked_for(feed, direction, expected):
    sessions, a = await three(feed)

    assert await listed(feed, client_id=a, direction=direction) == [sessions[i] for i in expected]


async def test_the_time_range_starts_at_from_and_ends_before_to(feed):
    sessions, _ = await three(feed)
    middle = (await details(feed, sessions[1])).started_at

    assert await listed(feed, started_after=middle) == [sessions[2], sessions[1]]
    assert await listed(feed, started_before=middle) == [sessions[0]]


@pytest.mark.parametrize("active", [True, False])
async def test_the_active_filter_shows_only_sessions_in_that_state(feed, active):
    done = await ended(feed)
    running = await started(feed)

    assert await listed(feed, active=active) == [running if active else done]


async def test_a_clients_recent_sessions_are_its_five_newest_either_side(feed):
    a = new_client_id()
    sessions = [await ended(feed, a) if i % 2 else await ended(feed, None, a) for i in range(6)]
    await ended(feed)

    recent = await recent_sessions(feed.conn, feed.account_id, a)

    assert ids(recent, "session_id") == sessions[:0:-1]


CURSORS = {
    "time-without-zone": encode_cursor("started_at", "2026-11-21T10:00:00", "x"),
    "another-sort": encode_cursor("client_id", "1", "x"),
    "not-base64": "garbage!",
}


@pytest.mark.parametrize("cursor", CURSORS.values(), ids=CURSORS.keys())
async def test_a_cursor_we_did_not_make_is_refused(feed, cursor):
    with pytest.raises(BadCursor):
        await session_page(feed.conn, feed.account_id, SessionFilter(), descending=True, cursor=cursor, limit=2)


# Offset slices (the AnyDesk-compatible API's pages)

FROM = ["200000000", "300000000", "100000000"]  # of the sessions in start order: from order 2, 0, 1
TO = ["900000000", "700000000", "800000000"]  # to order 1, 2, 0
MINUTES = [30, 10, 20]  # started ten minutes apart: end order 1, 0, 2; duration order 1, 2, 0
SLICE_RANKS = {"from_client_id": [1, 2, 0], "to_client_id": [2, 0, 1], "started_at": [0, 1, 2],
               "ended_at": [1, 0, 2], "duration": [2, 0, 1]}


async def slice_of_three(feed: Feed) -> list[str]:
    sessions = [str(uuid4()) for _ in range(3)]
    for i, session_id in enumerate(sessions):
        await feed(SessionStarted, session_id=session_id, from_client_id=FROM[i], to_client_id=TO[i],
                   started_at=feed.at(600 * i))
        await feed(SessionEnded, session_id=session_id, ended_at=feed.at(600 * i + 60 * MINUTES[i]), reason="ended")
    return sessions


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", SLICE_RANKS)
async def test_a_slice_is_sorted_by_each_key_each_way(feed, sort, descending):
    sessions = await slice_of_three(feed)
    expected = sorted(range(3), key=lambda i: SLICE_RANKS[sort][i], reverse=descending)

    found = await session_slice(feed.conn, feed.account_id, SessionFilter(), sort=sort, descending=descending,
                                offset=0, limit=None)

    assert ids(found.items, "session_id") == [sessions[i] for i in expected]


@pytest.mark.parametrize(("offset", "limit", "expected"), [(1, 1, slice(1, 2)), (0, None, slice(None)),
                                                            (2, 4, slice(2, None)), (5, 1, slice(0, 0))])
async def test_a_slice_is_the_limit_after_the_offset_with_the_count_and_durations_of_all(feed, offset, limit,
                                                                                       expected):
    sessions = await slice_of_three(feed)

    found = await session_slice(feed.conn, feed.account_id, SessionFilter(), sort="started_at", descending=False,
                                offset=offset, limit=limit)

    assert (found.total, found.shortest, found.longest, ids(found.items, "session_id")) == (
        3, 600, 1800, sessions[expected])
