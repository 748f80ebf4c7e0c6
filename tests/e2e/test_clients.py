"""The Clients tab and client details through HTTP: the listing's parameters, alias, comment, removal, tenant
isolation and CSV export as the account's settings say. The read model's paging, sorting, filters and search
are tested on it alone, in tests/projections/test_clients.py."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.api import Account, command, problem, sign_up
from tests.e2e.devices import (Device, accepted, alias, device_of, export, new_client_id, patch, read,
                               with_namespace)

CSV_HEADER = ["ID", "Alias", "Online", "Online since", "Version", "Platform"]
VERSIONS = ["3.0.0", "1.0.0", "2.0.0"]  # of the clients in id order: version order is 1, 2, 0
NAMES = ["bravo", "charlie", "alpha"]  # alias order: 2, 0, 1
CAME_ONLINE = [1, 2, 0]


@dataclass(frozen=True)
class Tab:
    """An account with three clients whose id, alias, version and coming-online orders all differ."""

    account: Account
    device: Device
    ids: list[str]  # ascending
    position: int


@pytest.fixture
async def device(http, account) -> Device:
    return await device_of(http, account)


@pytest.fixture
async def named(http, professional) -> Account:
    return await with_namespace(http, professional)


@pytest.fixture
async def tab(http, named) -> Tab:
    device = await device_of(http, named)
    ids = sorted([new_client_id() for _ in range(3)])
    for client_id, version in zip(ids, VERSIONS):
        await device.register(client_id, version)
    for client_id, name in zip(ids, NAMES):
        await command(http, named, "PATCH", f"/v1/clients/{client_id}", {"alias": alias(named, name)})
    for i in CAME_ONLINE:
        position = await device.online(ids[i], VERSIONS[i])
    return Tab(named, device, ids, position)


# What the listing passes to the read model (its paging, sorting, filters and search: tests/projections)

async def test_the_listing_pages_in_the_sort_and_order_it_is_given(http, tab):
    first = await read(http, tab.account, "/v1/clients", tab.position, sort="version", order="desc", limit=2)
    second = await read(http, tab.account, "/v1/clients", tab.position, sort="version", order="desc", limit=2,
                        cursor=first["next_cursor"])

    assert second["next_cursor"] is None
    assert [c["client_id"] for c in first["items"] + second["items"]] == [tab.ids[0], tab.ids[2], tab.ids[1]]


async def test_the_listing_applies_the_online_filter_and_search_it_is_given(http, tab):
    found = (await read(http, tab.account, "/v1/clients", tab.position, q="HARL", online="true"))["items"]
    offline = (await read(http, tab.account, "/v1/clients", tab.position, online="false"))["items"]

    assert ([c["client_id"] for c in found], offline) == ([tab.ids[1]], [])


async def test_a_cursor_we_did_not_make_is_a_422_naming_it(http, account):
    response = await http.get("/v1/clients", params={"cursor": "garbage!"}, headers=account.auth)

    problem(response, 422, field="cursor")


# Details, alias, comment

async def test_details_show_the_comment_and_a_connect_url(http, account, device):
    client_id, _ = await device.register()
    position = await command(http, account, "PATCH", f"/v1/clients/{client_id}", {"comment": "Front desk, 2nd floor"})

    shown = await read(http, account, f"/v1/clients/{client_id}", position)

    assert (shown["comment"], shown["connect_url"]) == ("Front desk, 2nd floor", f"anydesk:{client_id}")


async def test_details_show_the_five_most_recent_sessions_newest_first(http, account, device):
    client_id, _ = await device.register()
    sessions = [await device.session(client_id, new_client_id()) for _ in range(6)]

    shown = await read(http, account, f"/v1/clients/{client_id}", sessions[-1][1])

    assert [s["session_id"] for s in shown["recent_sessions"]] == [s for s, _ in reversed(sessions[1:])]


async def test_an_alias_and_a_comment_set_together_both_show(http, named):
    client_id, _ = await (await device_of(http, named)).register()

    position = await command(http, named, "PATCH", f"/v1/clients/{client_id}",
                             {"alias": alias(named, "reception"), "comment": "by the door"})

    shown = await read(http, named, f"/v1/clients/{client_id}", position)
    assert (shown["alias"], shown["comment"]) == (alias(named, "reception"), "by the door")


async def test_a_bare_alias_name_gets_the_accounts_namespace(http, named):
    client_id, _ = await (await device_of(http, named)).register()

    position = await command(http, named, "PATCH", f"/v1/clients/{client_id}", {"alias": "box1"})

    assert (await read(http, named, f"/v1/clients/{client_id}", position))["alias"] == alias(named, "box1")


async def test_an_alias_in_another_namespace_is_a_422_naming_the_accounts_own(http, named):
    client_id, _ = await (await device_of(http, named)).register()

    response = await patch(http, named, f"/v1/clients/{client_id}", {"alias": "box1@someone-else"})

    assert alias(named, "") in problem(response, 422, field="alias")["detail"]


async def test_a_null_alias_removes_it(http, tab):
    position = await command(http, tab.account, "PATCH", f"/v1/clients/{tab.ids[0]}", {"alias": None})

    assert (await read(http, tab.account, f"/v1/clients/{tab.ids[0]}", position))["alias"] is None


async def test_an_alias_another_client_has_is_refused(http, tab):
    response = await patch(http, tab.account, f"/v1/clients/{tab.ids[0]}", {"alias": alias(tab.account, "alpha")})

    assert problem(response, 409, field="alias")["type"] == "urn:portal:problem:alias-taken"


async def test_an_empty_change_is_refused(http, account, device):
    client_id, _ = await device.register()

    problem(await patch(http, account, f"/v1/clients/{client_id}", {}), 422)


# One account at a time

async def test_a_client_registered_with_another_accounts_key_moves_there(http, account, device):
    client_id, _ = await device.register()
    other = await sign_up(http)

    position = (await (await device_of(http, other)).register(client_id))[1]

    assert [c["client_id"] for c in (await read(http, other, "/v1/clients", position))["items"]] == [client_id]
    assert client_id not in {c["client_id"] for c in (await read(http, account, "/v1/clients", position))["items"]}
    left = (await read(http, account, "/v1/audit", position, kind="ClientUnlinked"))["entries"][-1]
    assert (left["details"]["client_id"], left["details"]["reason"]) == (client_id, "moved")


# Removal and isolation

async def test_removing_a_client_frees_its_seat(http, account, device):
    ids = [(await device.register())[0] for _ in range(3)]
    response = await http.delete(f"/v1/clients/{ids[0]}", headers=account.auth)
    accepted(response)

    client_id, position = await device.register()

    items = (await read(http, account, "/v1/clients", position))["items"]
    assert {c["client_id"] for c in items} == {*ids[1:], client_id}


async def test_removing_a_client_frees_its_alias(http, tab):
    accepted(await http.delete(f"/v1/clients/{tab.ids[2]}", headers=tab.account.auth))

    freed = alias(tab.account, "alpha")
    position = await command(http, tab.account, "PATCH", f"/v1/clients/{tab.ids[0]}", {"alias": freed})

    assert (await read(http, tab.account, f"/v1/clients/{tab.ids[0]}", position))["alias"] == freed
    problem(await http.get(f"/v1/clients/{tab.ids[2]}", headers=tab.account.auth), 404)


@pytest.mark.parametrize(("method", "body"), [("GET", None), ("PATCH", {"comment": "mine now"}), ("DELETE", None)])
async def test_another_accounts_client_is_not_found(http, device, method, body):
    client_id, position = await device.register()
    stranger = await sign_up(http)

    response = await http.request(method, f"/v1/clients/{client_id}", json=body,
                                  headers={**stranger.auth, "X-Min-Position": str(position)})

    problem(response, 404)


# CSV export

async def test_the_csv_export_starts_with_a_byte_order_mark_and_a_header(http, account, device):
    client_id, position = await device.register(version="5.2.1", platform="linux")
    await read(http, account, "/v1/clients", position)

    rows = await export(http, account, "/v1/clients.csv")

    assert rows == [CSV_HEADER, [client_id, "", "no", "", "5.2.1", "linux"]]


async def test_the_csv_export_renders_dates_in_the_accounts_zone_and_format(http, account, device):
    client_id, _ = await device.register()
    position = await device.online(client_id)
    since = datetime.fromisoformat((await read(http, account, f"/v1/clients/{client_id}", position))["online_since"])
    await command(http, account, "PATCH", "/v1/settings", {"time_zone": "Europe/Berlin", "csv_date_format": "de"})

    [_, row] = await export(http, account, "/v1/clients.csv")

    local = since.astimezone(ZoneInfo("Europe/Berlin"))
    assert row[2:4] == ["yes", f"{local.strftime('%d.%m.%Y %H:%M:%S')} {local.isoformat()[-6:]}"]


async def test_the_csv_export_speaks_the_accounts_language(http, account, device):
    await device.register()
    await command(http, account, "PATCH", "/v1/settings", {"language": "fr"})

    [header, row] = await export(http, account, "/v1/clients.csv")

    assert header[:4] == ["ID", "Alias", "En ligne", "En ligne depuis"] and row[2] == "non"


async def test_a_page_scoped_csv_export_has_only_limit_rows(http, tab):
    await command(http, tab.account, "PATCH", "/v1/settings", {"csv_scope": "page"})

    rows = await export(http, tab.account, "/v1/clients.csv", limit=2, sort="version")

    assert [r[0] for r in rows[1:]] == [tab.ids[1], tab.ids[2]]


async def test_an_all_rows_csv_export_ignores_the_limit(http, tab):
    rows = await export(http, tab.account, "/v1/clients.csv", limit=2, sort="alias")

    assert [r[0] for r in rows[1:]] == [tab.ids[2], tab.ids[0], tab.ids[1]]


async def test_the_csv_of_every_client_copied_from_postgresql_is_the_page_written_by_python(http, tab):
    await read(http, tab.account, "/v1/clients", tab.position)
    await command(http, tab.account, "PATCH", "/v1/settings", {"language": "de", "time_zone": "America/St_Johns",
                                                               "csv_date_format": "us"})
    every = await http.get("/v1/clients.csv", params={"sort": "alias"}, headers=tab.account.auth)
    await command(http, tab.account, "PATCH", "/v1/settings", {"csv_scope": "page"})

    page = await http.get("/v1/clients.csv", params={"sort": "alias", "limit": 100}, headers=tab.account.auth)

    assert every.content == page.content and every.content.count(b"\r\n") == 4
