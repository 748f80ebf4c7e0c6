"""The Sessions tab and session details through HTTP: the listing's parameters, comment, close by force,
tenant isolation and CSV export in the account's time zone. The read model's paging, filters and aliases are
tested on it alone, in tests/projections/test_sessions.py."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.api import Account, command, problem, sign_up
from tests.e2e.devices import Device, device_of, export, new_client_id, read


@pytest.fixture
async def device(http, account) -> Device:
    return await device_of(http, account)


async def listed(http, account: Account, at: int, **params) -> list[str]:
    """The session ids of the Sessions tab's first page, as shown."""
    return [s["session_id"] for s in (await read(http, account, "/v1/sessions", at, **params))["items"]]


async def three_ended(device: Device) -> tuple[list[str], list[str], int]:
    """Three sessions one after another (a→x, y→a, b→z), ended; answers their ids, a and b, and the position."""
    a, _ = await device.register()
    b, _ = await device.register()
    sessions = [await device.session(a, new_client_id()), await device.session(new_client_id(), a),
                await device.session(b, new_client_id())]
    return [s for s, _ in sessions], [a, b], sessions[-1][1]


async def started_at(http, account: Account, session_id: str, at: int) -> datetime:
    return datetime.fromisoformat((await read(http, account, f"/v1/sessions/{session_id}", at))["started_at"])


# Listing and filtering

async def test_pages_of_two_cover_three_sessions_without_overlap(http, account, device):
    ids, _, position = await three_ended(device)

    first = await read(http, account, "/v1/sessions", position, limit=2)
    second = await read(http, account, "/v1/sessions", position, limit=2, cursor=first["next_cursor"])

    assert second["next_cursor"] is None
    assert [s["session_id"] for s in first["items"] + second["items"]] == ids[::-1]


async def test_the_client_filter_matches_either_side(http, account, device):
    ids, (a, _), position = await three_ended(device)

    assert await listed(http, account, position, client_id=a) == [ids[1], ids[0]]


async def test_the_time_range_starts_at_from_and_ends_before_to_in_any_zone(http, account, device):
    ids, _, position = await three_ended(device)
    middle = (await started_at(http, account, ids[1], position)).astimezone(ZoneInfo("Asia/Kolkata")).isoformat()

    assert await listed(http, account, position, **{"from": middle}) == [ids[2], ids[1]]
    assert await listed(http, account, position, to=middle) == [ids[0]]


@pytest.mark.parametrize("bound", ["from", "to"])
async def test_a_time_bound_without_a_zone_is_refused_naming_it(http, account, bound):
    response = await http.get("/v1/sessions", params={bound: "2026-11-21T10:00:00"}, headers=account.auth)

    problem(response, 422, field=bound)


async def test_the_listing_applies_the_active_filter_it_is_given(http, account, device):
    a, _ = await device.register()
    await device.session(a, new_client_id())
    running, position = await device.start(a, new_client_id())

    assert await listed(http, account, position, active="true") == [running]


# Details, comment, close

async def test_a_comment_shows_in_the_details(http, account, device):
    a, _ = await device.register()
    session_id, _ = await device.session(a, new_client_id())

    position = await command(http, account, "PATCH", f"/v1/sessions/{session_id}", {"comment": "Printer setup"})

    assert (await read(http, account, f"/v1/sessions/{session_id}", position))["comment"] == "Printer setup"


async def test_closing_an_active_session_ends_it_as_closed(http, account, device):
    a, _ = await device.register()
    session_id, _ = await device.start(a, new_client_id())

    position = await command(http, account, "POST", f"/v1/sessions/{session_id}/close")

    shown = await read(http, account, f"/v1/sessions/{session_id}", position)
    assert (shown["active"], shown["end_reason"]) == (False, "closed")
    assert shown["duration_seconds"] >= 0 and shown["ended_at"] is not None


async def test_closing_an_ended_session_is_refused(http, account, device):
    a, _ = await device.register()
    session_id, _ = await device.start(a, new_client_id())
    await command(http, account, "POST", f"/v1/sessions/{session_id}/close")

    problem(await http.post(f"/v1/sessions/{session_id}/close", headers=account.auth), 409)


async def test_a_closed_session_frees_its_slot(http, account, device):
    a, _ = await device.register()
    session_id, _ = await device.start(a, new_client_id())
    await command(http, account, "POST", f"/v1/sessions/{session_id}/close")

    assert (await device.start(a, new_client_id()))[0] != session_id


@pytest.mark.parametrize(("method", "suffix", "body"), [("GET", "", None), ("PATCH", "", {"comment": "mine"}),
                                                        ("POST", "/close", None)])
async def test_another_accounts_session_is_not_found(http, device, method, suffix, body):
    a, _ = await device.register()
    session_id, position = await device.start(a, new_client_id())
    stranger = await sign_up(http)

    response = await http.request(method, f"/v1/sessions/{session_id}{suffix}", json=body,
                                  headers={**stranger.auth, "X-Min-Position": str(position)})

    problem(response, 404)


async def test_another_accounts_session_cannot_be_ended_with_ones_own_key(http, account, device):
    a, _ = await device.register()
    session_id, position = await device.start(a, new_client_id())
    stranger = await device_of(http, await sign_up(http))

    problem(await stranger.post(f"/sessions/{session_id}/end"), 404)
    assert (await read(http, account, f"/v1/sessions/{session_id}", position))["active"] is True


# CSV export

async def test_the_csv_export_renders_times_in_the_accounts_zone(http, account, device):
    a, _ = await device.register()
    peer = new_client_id()
    ended, _ = await device.session(a, peer)
    running, position = await device.start(peer, a)
    shown = {s["session_id"]: s for s in (await read(http, account, "/v1/sessions", position))["items"]}
    await command(http, account, "PATCH", "/v1/settings", {"time_zone": "America/New_York", "csv_date_format": "us"})

    rows = await export(http, account, "/v1/sessions.csv")

    def local(text: str) -> str:
        moment = datetime.fromisoformat(text).astimezone(ZoneInfo("America/New_York"))
        return f"{moment.strftime('%m/%d/%Y %I:%M:%S %p')} {moment.isoformat()[-6:]}"

    assert rows[0] == ["Session", "From ID", "From alias", "To ID", "To alias", "Start", "End", "Duration (s)",
                       "Active"]
    assert rows[1] == [running, peer, "", a, "", local(shown[running]["started_at"]), "", "", "yes"]
    assert rows[2] == [ended, a, "", peer, "", local(shown[ended]["started_at"]), local(shown[ended]["ended_at"]),
                       str(shown[ended]["duration_seconds"]), "no"]


async def test_a_page_scoped_csv_export_of_sessions_has_only_limit_rows(http, account, device):
    ids, _, position = await three_ended(device)
    await read(http, account, "/v1/sessions", position)
    await command(http, account, "PATCH", "/v1/settings", {"csv_scope": "page"})

    rows = await export(http, account, "/v1/sessions.csv", limit=2)

    assert [r[0] for r in rows[1:]] == [ids[2], ids[1]]


async def test_the_csv_of_every_session_copied_from_postgresql_is_the_page_written_by_python(http, account, device):
    a, _ = await device.register()
    await device.session(a, new_client_id())
    _, position = await device.start(new_client_id(), a)  # still running: no end, no duration
    await read(http, account, "/v1/sessions", position)
    await command(http, account, "PATCH", "/v1/settings", {"language": "fr", "time_zone": "Asia/Kolkata",
                                                           "csv_date_format": "fr"})
    every = await http.get("/v1/sessions.csv", headers=account.auth)
    await command(http, account, "PATCH", "/v1/settings", {"csv_scope": "page"})

    page = await http.get("/v1/sessions.csv", params={"limit": 100}, headers=account.auth)

    assert every.content == page.content and every.content.count(b"\r\n") == 3
