"""The Clients read model (projections.clients) fed contract events: the row after each event kind,
redeliveries, keyset pages, every sort each way, the online filter, search and forged cursors."""

from uuid import uuid4

import pytest

from domain.contract.usage import (ClientAliasChanged, ClientCameOnline, ClientCommented, ClientLinked,
                                   ClientRegistered, ClientSoftwareChanged, ClientUnlinked, ClientWentOffline)
from projections.clients import CLIENTS, client_details, client_page, client_slice
from projections.paging import BadCursor, encode_cursor
from tests.projections.conftest import START, Feed, ids, walk


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, CLIENTS)


def new_client_id() -> str:
    return str(uuid4().int % 10**9).zfill(9)


async def registered(feed: Feed, version: str = "1.0.0", client_id: str | None = None) -> str:
    client_id = client_id or new_client_id()
    await feed(ClientLinked, client_id=client_id)
    await feed(ClientRegistered, client_id=client_id, version=version, platform="linux")
    return client_id


async def listed(feed: Feed, **params) -> list[str]:
    params = {"online": None, "search": None, "sort": "client_id", "descending": False, **params}
    rows, _ = await client_page(feed.conn, feed.account_id, cursor=None, limit=100, **params)
    return ids(rows, "client_id")


async def details(feed: Feed, client_id: str):
    return await client_details(feed.conn, feed.account_id, client_id)


# The row after each event

async def test_a_linked_client_shows_offline_without_alias_version_or_comment(feed):
    client_id = new_client_id()
    await feed(ClientLinked, client_id=client_id)

    shown = await details(feed, client_id)

    assert (shown.alias, shown.online, shown.version, shown.comment, shown.linked_at) == (
        None, False, "", "", feed.at(1))


async def test_registering_shows_the_version_and_platform(feed):
    client_id = await registered(feed, "5.2.1")

    shown = await details(feed, client_id)

    assert (shown.version, shown.platform) == ("5.2.1", "linux")


CHANGES = {  # an event, and the columns it shows
    "software": (ClientSoftwareChanged, {"version": "6.0.0", "platform": "windows"}),
    "alias": (ClientAliasChanged, {"alias": "desk@acme"}),
    "comment": (ClientCommented, {"comment": "Front desk, 2nd floor"}),
}


@pytest.mark.parametrize(("event_type", "columns"), CHANGES.values(), ids=CHANGES.keys())
async def test_a_change_shows_in_the_details(feed, event_type, columns):
    client_id = await registered(feed, "5.2.1")
    await feed(event_type, client_id=client_id, **columns)

    shown = await details(feed, client_id)

    assert {column: getattr(shown, column) for column in columns} == columns


async def test_a_null_alias_removes_it(feed):
    client_id = await registered(feed)
    await feed(ClientAliasChanged, client_id=client_id, alias="desk@acme")
    await feed(ClientAliasChanged, client_id=client_id, alias=None)

    assert (await details(feed, client_id)).alias is None


async def test_coming_online_shows_online_since_the_events_time(feed):
    client_id = await registered(feed)
    await feed(ClientCameOnline, client_id=client_id, at=feed.at(100))

    shown = await details(feed, client_id)

    assert (shown.online, shown.online_since) == (True, feed.at(100))


async def test_going_offline_clears_online_since(feed):
    client_id = await registered(feed)
    await feed(ClientCameOnline, client_id=client_id, at=feed.at(100))
    await feed(ClientWentOffline, client_id=client_id, at=feed.at(200))

    shown = await details(feed, client_id)

    assert (shown.online, shown.online_since) == (False, None)


async def test_an_unlinked_client_is_neither_listed_nor_found(feed):
    kept = await registered(feed)
    gone = await registered(feed)
    await feed(ClientUnlinked, client_id=gone)

    assert (await listed(feed), await details(feed, gone)) == ([kept], None)


async def test_a_relinked_client_shows_again_without_its_old_alias(feed):
    client_id = await registered(feed)
    await feed(ClientAliasChanged, client_id=client_id, alias="desk@acme")
    await feed(ClientUnlinked, client_id=client_id)
    relinked = await feed(ClientLinked, client_id=client_id)

    shown = await details(feed, client_id)

    assert (shown.alias, shown.linked_at) == (None, feed.at(relinked))


async def test_another_accounts_clients_are_neither_listed_nor_found(conn, feed):
    client_id = await registered(feed)
    stranger = Feed(conn, CLIENTS)
    await registered(stranger)

    assert (await listed(stranger)).count(client_id) == 0
    assert await details(stranger, client_id) is None


async def test_the_row_records_the_position_of_the_last_event_applied(feed):
    client_id = await registered(feed)
    position = await feed(ClientCommented, client_id=client_id, comment="x")

    assert await feed.conn.fetchval("SELECT position FROM clients WHERE account_id = $1 AND client_id = $2",
                                    feed.account_id, client_id) == position


EVENTS = {
    "linked": (ClientLinked, {}),
    "registered": (ClientRegistered, {"version": "2.0.0", "platform": "mac"}),
    "alias": (ClientAliasChanged, {"alias": "desk@acme"}),
    "online": (ClientCameOnline, {"at": START}),
    "offline": (ClientWentOffline, {"at": START}),
    "commented": (ClientCommented, {"comment": "hi"}),
    "unlinked": (ClientUnlinked, {}),
}


@pytest.mark.parametrize("kind", EVENTS)
async def test_a_redelivered_event_leaves_the_row_as_it_was(feed, kind):
    client_id = await registered(feed)
    event_type, fields = EVENTS[kind]
    await feed(event_type, client_id=client_id, **fields)
    before = await feed.conn.fetch("SELECT * FROM clients WHERE account_id = $1", feed.account_id)

    await feed.again()

    assert await feed.conn.fetch("SELECT * FROM clients WHERE account_id = $1", feed.account_id) == before


# Pages, sorting, filters, search

async def test_pages_of_two_cover_five_clients_once_each_in_id_order(feed):
    clients = [await registered(feed) for _ in range(5)]

    rows = await walk(lambda cursor, limit: client_page(
        feed.conn, feed.account_id, online=None, search=None, sort="client_id", descending=False,
        cursor=cursor, limit=limit), "client_id")

    assert ids(rows, "client_id") == sorted(clients)


async def test_a_client_added_before_the_cursor_does_not_shift_the_next_page(feed):
    clients = sorted([await registered(feed, client_id=f"5000000{i}0") for i in range(4)])
    first, cursor = await client_page(feed.conn, feed.account_id, online=None, search=None, sort="client_id",
                                      descending=False, cursor=None, limit=2)
    await registered(feed, client_id="100000000")

    second, _ = await client_page(feed.conn, feed.account_id, online=None, search=None, sort="client_id",
                                  descending=False, cursor=cursor, limit=2)

    assert ids(first + second, "client_id") == clients


VERSIONS = ["3.0.0", "1.0.0", "2.0.0"]  # of the clients in id order: version order is 1, 2, 0
NAMES = ["bravo@acme", "charlie@acme", "alpha@acme"]  # alias order: 2, 0, 1
CAME_ONLINE = [1, 2, 0]  # online_since order: 2, 0, 1


async def three_clients(feed: Feed) -> list[str]:
    """Three clients, in id order, whose alias, version and coming-online orders all differ."""
    clients = sorted(new_client_id() for _ in range(3))
    for client_id, version, name in zip(clients, VERSIONS, NAMES):
        await registered(feed, version, client_id)
        await feed(ClientAliasChanged, client_id=client_id, alias=name)
    for n, i in enumerate(CAME_ONLINE):
        await feed(ClientCameOnline, client_id=clients[i], at=feed.at(100 + n))
    return clients


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize(("sort", "ranks"), [("alias", [1, 2, 0]), ("version", [2, 0, 1]),
                                             ("online_since", [2, 0, 1]), ("client_id", [0, 1, 2])])
async def test_clients_are_sorted_across_pages(feed, sort, ranks, descending):
    clients = await three_clients(feed)
    expected = [clients[i] for i in sorted(range(3), key=lambda i: ranks[i], reverse=descending)]

    rows = await walk(lambda cursor, limit: client_page(
        feed.conn, feed.account_id, online=None, search=None, sort=sort, descending=descending,
        cursor=cursor, limit=limit), "client_id", limit=1)

    assert ids(rows, "client_id") == expected


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
async def test_offline_clients_page_after_the_online_ones_by_online_since(feed, descending):
    on = await registered(feed)
    offline = sorted([await registered(feed) for _ in range(3)])
    await feed(ClientCameOnline, client_id=on, at=feed.at(100))
    expected = [*offline[::-1], on] if descending else [on, *offline]

    rows = await walk(lambda cursor, limit: client_page(
        feed.conn, feed.account_id, online=None, search=None, sort="online_since", descending=descending,
        cursor=cursor, limit=limit), "client_id")

    assert ids(rows, "client_id") == expected


async def test_clients_without_an_alias_sort_first_by_alias(feed):
    named = await registered(feed, client_id="100000000")
    await feed(ClientAliasChanged, client_id=named, alias="a@acme")
    bare = await registered(feed, client_id="900000000")

    assert await listed(feed, sort="alias") == [bare, named]


@pytest.mark.parametrize("online", [True, False])
async def test_the_online_filter_shows_only_clients_in_that_state(feed, online):
    on = await registered(feed)
    off = await registered(feed)
    await feed(ClientCameOnline, client_id=on, at=feed.at(100))

    assert await listed(feed, online=online) == [on if online else off]


async def test_searching_by_part_of_the_id_finds_that_client(feed):
    wanted = await registered(feed, client_id="123456789")
    await registered(feed, client_id="987654321")

    assert await listed(feed, search="3456") == [wanted]


async def test_searching_by_part_of_the_alias_finds_that_client_whatever_the_case(feed):
    clients = await three_clients(feed)

    assert await listed(feed, search="HARL") == [clients[1]]


@pytest.mark.parametrize("wildcard", ["%", "_"])
async def test_a_like_wildcard_in_the_search_matches_only_itself(feed, wildcard):
    plain = await registered(feed)
    await feed(ClientAliasChanged, client_id=plain, alias="desk@acme")
    odd = await registered(feed)
    await feed(ClientAliasChanged, client_id=odd, alias=f"desk{wildcard}2@acme")

    assert await listed(feed, search=wildcard) == [odd]


CURSORS = {  # (the sort asked for, the cursor given)
    "not-base64": ("client_id", "garbage!"),
    "not-a-triple": ("client_id", "W10"),
    "another-sort": ("client_id", encode_cursor("version", "1.0", "1")),
    "nul-in-the-id": ("client_id", encode_cursor("client_id", "1", "1\x00")),
    "time-without-zone": ("online_since", encode_cursor("online_since", "2026-11-21T10:00:00", "1")),
    "not-a-time": ("online_since", encode_cursor("online_since", "yesterday", "1")),
}


@pytest.mark.parametrize(("sort", "cursor"), CURSORS.values(), ids=CURSORS.keys())
async def test_a_cursor_we_did_not_make_for_this_sort_is_refused(feed, sort, cursor):
    with pytest.raises(BadCursor):
        await client_page(feed.conn, feed.account_id, online=None, search=None, sort=sort, descending=False,
                          cursor=cursor, limit=2)


# Offset slices (the AnyDesk-compatible API's pages)

SLICE_RANKS = {"client_id": [0, 1, 2], "alias": [2, 0, 1], "online": [0, 0, 1]}  # only client 2 is online


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", SLICE_RANKS)
async def test_a_slice_is_sorted_by_each_key_each_way(feed, sort, descending):
    clients = sorted(new_client_id() for _ in range(3))
    for client_id, name in zip(clients, ["charlie@acme", "alpha@acme", "bravo@acme"]):
        await registered(feed, client_id=client_id)
        await feed(ClientAliasChanged, client_id=client_id, alias=name)
    await feed(ClientCameOnline, client_id=clients[2], at=feed.at(100))
    expected = sorted(range(3), key=lambda i: (SLICE_RANKS[sort][i], clients[i]), reverse=descending)

    _, rows = await client_slice(feed.conn, feed.account_id, online=None, search=None, sort=sort,
                                 descending=descending, offset=0, limit=None)

    assert ids(rows, "client_id") == [clients[i] for i in expected]


@pytest.mark.parametrize(("offset", "limit", "expected"), [(1, 2, slice(1, 3)), (0, None, slice(None)),
                                                            (3, 10, slice(3, None)), (9, 1, slice(0, 0))])
async def test_a_slice_is_the_limit_of_clients_after_the_offset_and_counts_them_all(feed, offset, limit, expected):
    clients = sorted([await registered(feed) for _ in range(4)])

    total, rows = await client_slice(feed.conn, feed.account_id, online=None, search=None, sort="client_id",
                                     descending=False, offset=offset, limit=limit)

    assert (total, ids(rows, "client_id")) == (4, clients[expected])
