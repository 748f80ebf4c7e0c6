"""AnyDesk's /sessions, /sysinfo and /rosters through HTTP on a seeded account: fields and types as AnyDesk
names them, equal to what Portal's own routes show; filters, offset pages, sorting; comments and closing an
active session through Portal's commands."""

from datetime import datetime

import pytest

from domain.seeding import PastSession
from tests.e2e.anydesk import anydesk_of, refusal
from tests.e2e.api import Account, license_tab, sign_up
from tests.e2e.devices import device_of, read

SESSION_FIELDS = {"sid": str, "from": dict, "to": dict, "active": bool, "start-time": int,
                  "end-time": (int, type(None)),
                  "duration": int, "comment": str, "src_user_ref": (str, type(None)), "dst_user_ref": (str, type(None))}


SIDES = {"in": ("to",), "out": ("from",), "inout": ("from", "to")}  # where the cid is, by direction


def unix_of(iso: str | None) -> int | None:
    return None if iso is None else int(datetime.fromisoformat(iso).timestamp())


async def test_sessions_have_anydesks_fields_and_portals_values(http, ns_account: Account, seeded):
    data, api = seeded
    body = await api.get("/sessions")

    assert (body["count"], body["selected"], body["offset"], body["limit"]) == (6, 6, 0, -1)
    for item in body["list"]:
        assert item.keys() == SESSION_FIELDS.keys()
        assert all(isinstance(item[k], t) for k, t in SESSION_FIELDS.items()), item
        own = await read(http, ns_account, f"/v1/sessions/{item['sid']}", data.position)
        assert (item["from"], item["to"]) == ({"cid": int(own["from"]["client_id"]), "alias": own["from"]["alias"]},
                                              {"cid": int(own["to"]["client_id"]), "alias": own["to"]["alias"]})
        assert (item["active"], item["start-time"], item["end-time"], item["duration"], item["comment"]) == (
            own["active"], unix_of(own["started_at"]), unix_of(own["ended_at"]), own["duration_seconds"],
            own["comment"])


async def test_one_session_is_the_listed_one(seeded):
    _, api = seeded
    first = (await api.get("/sessions?limit=1"))["list"][0]

    assert await api.get(f"/sessions/{first['sid']}") == first


def involves(session: PastSession, cid: int, direction: str) -> bool:
    return any(int(getattr(session, f"{side}_client_id")) == cid for side in SIDES[direction])


@pytest.mark.parametrize("direction", ["in", "out", "inout"])
async def test_a_clients_sessions_go_in_out_or_both_ways(seeded, direction: str):
    data, api = seeded
    cid = int(data.clients[1])

    body = await api.get(f"/sessions?cid={cid}&direction={direction}&sort=start-time&order=asc")

    expected = [int(s.started_at.timestamp()) for s in data.sessions if involves(s, cid, direction)]
    assert (body["cid"], body["direction"]) == (cid, direction)
    assert [s["start-time"] for s in body["list"]] == expected and body["count"] == len(expected)
    assert all(any(s[side]["cid"] == cid for side in SIDES[direction]) for s in body["list"])


async def test_a_time_range_keeps_the_sessions_started_in_it(seeded):
    data, api = seeded
    since, until = (int(data.sessions[i].started_at.timestamp()) for i in (1, 4))

    body = await api.get(f"/sessions?from={since}&to={until}")

    assert sorted(s["start-time"] for s in body["list"]) == [int(s.started_at.timestamp()) for s in data.sessions[1:4]]


SORT_KEYS = {"from.cid": lambda s: s["from"]["cid"], "to.cid": lambda s: s["to"]["cid"],
             "start-time": lambda s: s["start-time"], "end-time": lambda s: s["end-time"],
             "duration": lambda s: s["duration"]}


@pytest.mark.parametrize("sort", sorted(SORT_KEYS))
async def test_sessions_sort_by_each_key_descending(seeded, sort: str):
    """Each AnyDesk sort name reaches its sort (each way: tests/projections/test_sessions.py)."""
    _, api = seeded
    key = SORT_KEYS[sort]

    listed = (await api.get(f"/sessions?sort={sort}&order=desc"))["list"]

    assert [key(s) for s in listed] == sorted(map(key, listed), reverse=True)
    assert len({key(s) for s in listed}) > 1  # the seeded values differ, so the order says something


@pytest.mark.parametrize(("offset", "limit", "expected"), [(2, 3, slice(2, 5)), (0, -1, slice(None))])
async def test_session_pages_go_by_offset_and_limit(seeded, offset: int, limit: int, expected: slice):
    data, api = seeded
    oldest_first = [int(s.started_at.timestamp()) for s in data.sessions]

    body = await api.get(f"/sessions?sort=start-time&order=asc&offset={offset}&limit={limit}")

    assert [s["start-time"] for s in body["list"]] == oldest_first[expected]
    assert (body["count"], body["selected"]) == (6, len(oldest_first[expected]))


async def test_the_list_tells_the_shortest_and_longest_duration(seeded):
    data, api = seeded
    durations = [int((s.ended_at - s.started_at).total_seconds()) for s in data.sessions]

    body = await api.get("/sessions")

    assert (body["duration.min"], body["duration.max"]) == (min(durations), max(durations))


async def test_a_comment_written_through_anydesk_is_portals(http, ns_account: Account, seeded):
    _, api = seeded
    sid = (await api.get("/sessions?limit=1"))["list"][0]["sid"]

    response = await api.request("PATCH", f"/sessions/{sid}", {"comment": "billed"})

    assert response.status_code == 204, response.text
    own = await read(http, ns_account, f"/v1/sessions/{sid}", int(response.headers["X-Event-Position"]))
    assert own["comment"] == "billed"


@pytest.fixture
async def active_session(http, ns_account: Account) -> str:
    device = await device_of(http, ns_account)
    here, _ = await device.register()
    there, _ = await device.register()
    session_id, position = await device.start(here, there)
    await read(http, ns_account, "/v1/sessions", position)
    return session_id


async def test_closing_an_active_session_through_action_ends_it(http, ns_account: Account, active_session: str):
    api = await anydesk_of(http, ns_account)

    response = await api.request("POST", f"/sessions/{active_session}/action", {"action": "close"})

    assert response.status_code == 204, response.text
    closed = await api.get(f"/sessions/{active_session}")
    assert closed["active"] is False and isinstance(closed["end-time"], int)
    own = await read(http, ns_account, f"/v1/sessions/{active_session}", int(response.headers["X-Event-Position"]))
    assert own["end_reason"] == "closed"


async def test_closing_a_session_that_is_not_active_is_a_404(http, ns_account: Account, active_session: str):
    api = await anydesk_of(http, ns_account)
    await api.request("POST", f"/sessions/{active_session}/action", {"action": "close"})

    response = await api.request("POST", f"/sessions/{active_session}/action", {"action": "close"})

    refusal(response, 404, "not_found")


async def test_another_accounts_session_is_not_found(http, ns_account: Account, active_session: str):
    stranger = await anydesk_of(http, await sign_up(http))

    refusal(await stranger.request("GET", f"/sessions/{active_session}"), 404, "not_found")
    refusal(await stranger.request("POST", f"/sessions/{active_session}/action", {"action": "close"}), 404,
            "not_found")


async def test_an_unknown_action_is_a_400(http, ns_account: Account, active_session: str):
    api = await anydesk_of(http, ns_account)

    refusal(await api.request("POST", f"/sessions/{active_session}/action", {"action": "pause"}), 400,
            "invalid_request")


async def test_sysinfo_shows_the_license_as_portal_does(http, ns_account: Account, seeded):
    data, api = seeded
    tab = await license_tab(http, ns_account, data.position)

    body = await api.get("/sysinfo")

    assert body.keys() == {"name", "api-ver", "standalone", "clients", "sessions", "license"}
    assert body["clients"] == {"total": tab["counters"]["linked"], "online": tab["counters"]["online"]}
    assert body["sessions"] == {"total": 6, "active": tab["counters"]["active_sessions"]}
    license_ = body["license"]
    assert license_ == {
        "name": tab["product"]["name"], "expires": unix_of(tab["expires_at"]), "has-expired": False,
        "max-clients": tab["limits"]["max_clients"], "max-sessions": tab["limits"]["max_concurrent_sessions"],
        "max-session-time": tab["limits"]["max_session_minutes"] * 60, "license-id": tab["api_license_id"],
        "license-key": tab["license_key"], "api-password": license_["api-password"],
        "namespaces": [{"name": tab["namespace"]["name"], "size": tab["namespace"]["max_aliases"]}],
        "power-user": False}
    assert license_["api-password"].endswith(api.password[-3:]) and api.password[:-3] not in license_["api-password"]


async def test_the_address_books_are_an_empty_list(seeded):
    _, api = seeded

    assert await api.get("/rosters") == {"list": []}
