"""AnyDesk's /clients through HTTP on a seeded account: fields and types as AnyDesk names them, equal to what
Portal's own Clients tab shows; offset pages, sorting, the online flag and filter; alias and comment changes
through Portal's commands, with AnyDesk's refusals."""

from uuid import UUID

import pytest

from domain.catalog import PRODUCTS
from tests.e2e.anydesk import AnyDesk, anydesk_of, refusal, seed, seeded_account
from tests.e2e.api import Account, sign_up
from tests.e2e.devices import alias, read

CLIENT_FIELDS = {"cid": int, "alias": (str, type(None)), "client-version": str, "online": bool, "online-time": int,
                 "comment": str, "user_ref": (str, type(None))}


def assert_client_shape(item: dict) -> None:
    assert item.keys() == CLIENT_FIELDS.keys()
    assert all(isinstance(item[k], t) for k, t in CLIENT_FIELDS.items()), item


async def test_listed_clients_have_anydesks_fields_and_portals_values(http, ns_account: Account, seeded):
    data, api = seeded
    body = await api.get("/clients")

    assert (body["count"], body["selected"], body["offset"], body["limit"]) == (4, 4, 0, -1)
    assert "online" not in body
    for item in body["list"]:
        assert_client_shape(item)
        own = await read(http, ns_account, f"/v1/clients/{item['cid']}", data.position)
        assert (item["alias"], item["client-version"], item["online"], item["comment"]) == (
            own["alias"], own["version"], own["online"], own["comment"])
        assert item["online-time"] == -1


async def test_one_client_has_its_fields_and_its_five_latest_sessions(http, portal, ns_account: Account):
    data, api = await seeded_account(http, portal, ns_account, clients=2, sessions=7)
    cid = data.clients[0]

    body = await api.get(f"/clients/{cid}")
    own = await read(http, ns_account, f"/v1/clients/{cid}", data.position)

    assert_client_shape({k: v for k, v in body.items() if k != "last-sessions"})
    assert [s["sid"] for s in body["last-sessions"]] == [s["session_id"] for s in own["recent_sessions"]]
    assert len(body["last-sessions"]) == 5


async def test_an_online_client_counts_its_time_online(http, portal, ns_account: Account, seeded):
    data, api = seeded
    position = portal.client_came_online(UUID(ns_account.account_id), data.clients[1], "9.0.1")
    await read(http, ns_account, "/v1/clients", position)

    body = await api.get("/clients?online")

    assert [(c["cid"], c["online"]) for c in body["list"]] == [(int(data.clients[1]), True)]
    assert body["online"] is True and body["list"][0]["online-time"] >= 0


@pytest.mark.parametrize(("offset", "limit", "expected"), [(1, 2, slice(1, 3)), (0, -1, slice(None))])
async def test_pages_go_by_offset_and_limit(seeded, offset: int, limit: int, expected: slice):
    data, api = seeded

    body = await api.get(f"/clients?offset={offset}&limit={limit}")

    assert [str(c["cid"]) for c in body["list"]] == data.clients[expected]
    assert (body["count"], body["selected"], body["offset"], body["limit"]) == (
        4, len(data.clients[expected]), offset, limit)


@pytest.mark.parametrize("sort", ["cid", "alias", "online"])
async def test_clients_sort_by_each_key_descending(http, portal, ns_account: Account, seeded, sort: str):
    """Each AnyDesk sort name reaches its sort (each way: tests/projections/test_clients.py)."""
    data, api = seeded
    account_id = UUID(ns_account.account_id)
    for name, cid in zip(["c3", "a1", "d4", "b2"], data.clients):
        portal.set_alias(account_id, cid, alias(ns_account, name))
    await read(http, ns_account, "/v1/clients", portal.client_came_online(account_id, data.clients[2], "9.0.1"))

    listed = (await api.get(f"/clients?sort={sort}&order=desc"))["list"]

    key = {"cid": lambda c: c["cid"], "alias": lambda c: c["alias"], "online": lambda c: c["online"]}[sort]
    assert [key(c) for c in listed] == sorted((key(c) for c in listed), reverse=True)
    assert len(listed) == 4


async def test_the_filter_matches_part_of_the_id_or_the_alias(http, portal, ns_account: Account, seeded):
    data, api = seeded
    position = portal.set_alias(UUID(ns_account.account_id), data.clients[0], alias(ns_account, "front-desk"))
    await read(http, ns_account, "/v1/clients", position)

    by_alias = await api.get("/clients?filter=front")
    by_id = await api.get(f"/clients?filter={data.clients[3][2:8]}")

    assert [c["cid"] for c in by_alias["list"]] == [int(data.clients[0])]
    assert int(data.clients[3]) in [c["cid"] for c in by_id["list"]]


async def test_an_alias_set_through_anydesk_is_portals_alias(http, ns_account: Account, seeded):
    data, api = seeded
    cid, new_alias = data.clients[0], alias(ns_account, "reception")

    response = await api.request("PATCH", f"/clients/{cid}", {"alias": new_alias})

    assert response.status_code == 204, response.text
    assert (await api.get(f"/clients/{cid}"))["alias"] == new_alias
    own = await read(http, ns_account, f"/v1/clients/{cid}", int(response.headers["X-Event-Position"]))
    assert own["alias"] == new_alias


async def test_a_null_alias_removes_it(api_and_aliased):
    api, cid = api_and_aliased

    assert (await api.request("PATCH", f"/clients/{cid}", {"alias": None})).status_code == 204

    assert (await api.get(f"/clients/{cid}"))["alias"] is None


async def test_a_comment_is_written_and_the_api_is_its_actor(http, ns_account: Account, seeded):
    data, api = seeded

    response = await api.request("PATCH", f"/clients/{data.clients[1]}", {"comment": "printer room"})

    assert (await api.get(f"/clients/{data.clients[1]}"))["comment"] == "printer room"
    audit = await read(http, ns_account, "/v1/audit", int(response.headers["X-Event-Position"]),
                       kind="ClientCommented")
    assert [(e["actor"]["kind"], e["actor"]["name"]) for e in audit["entries"]] == [("anydesk_api", api.license_id)]


@pytest.mark.parametrize("bad", ["desk@elsewhere", "Desk@{ns}", "no-namespace"])
async def test_an_invalid_alias_is_a_400(ns_account: Account, seeded, bad: str):
    data, api = seeded
    namespace = alias(ns_account, "x").partition("@")[2]

    response = await api.request("PATCH", f"/clients/{data.clients[0]}", {"alias": bad.format(ns=namespace)})

    refusal(response, 400, "invalid_alias")


async def test_an_alias_in_use_is_a_409(api_and_aliased, seeded):
    api, cid = api_and_aliased
    taken = (await api.get(f"/clients/{cid}"))["alias"]
    other = next(c for c in seeded[0].clients if c != cid)

    refusal(await api.request("PATCH", f"/clients/{other}", {"alias": taken}), 409, "alias_in_use")


async def test_an_alias_past_the_namespaces_size_is_a_402(http, portal, ns_account: Account):
    size = PRODUCTS["professional"].max_aliases
    data = seed(portal, ns_account, clients=size + 1, sessions=0)
    for i, cid in enumerate(data.clients[:size]):
        portal.set_alias(UUID(ns_account.account_id), cid, alias(ns_account, f"desk-{i}"))
    api = await anydesk_of(http, ns_account)

    response = await api.request("PATCH", f"/clients/{data.clients[-1]}", {"alias": alias(ns_account, "one-more")})

    refusal(response, 402, "namespace_full")


async def test_another_accounts_client_is_not_found(http, seeded):
    data, _ = seeded
    stranger = await anydesk_of(http, await sign_up(http))

    refusal(await stranger.request("GET", f"/clients/{data.clients[0]}"), 404, "not_found")
    refusal(await stranger.request("PATCH", f"/clients/{data.clients[0]}", {"comment": "x"}), 404, "not_found")


@pytest.mark.parametrize("body", [{"nickname": "x"}, {}, {"comment": 7}])
async def test_a_body_anydesk_does_not_know_is_a_400(seeded, body):
    data, api = seeded

    refusal(await api.request("PATCH", f"/clients/{data.clients[0]}", body), 400, "invalid_request")


@pytest.mark.parametrize(("query", "named"), [("limit=all", "limit"), ("sort=version", "sort"), ("offset=-1", "offset")])
async def test_a_parameter_anydesk_does_not_know_is_a_400_naming_it(seeded, query: str, named: str):
    _, api = seeded

    body = refusal(await api.request("GET", f"/clients?{query}"), 400, "invalid_request")

    assert body["error"].startswith(f"{named}: ")


@pytest.fixture
async def api_and_aliased(http, ns_account: Account, seeded) -> tuple[AnyDesk, str]:
    data, api = seeded
    cid = data.clients[2]
    response = await api.request("PATCH", f"/clients/{cid}", {"alias": alias(ns_account, "aliased")})
    assert response.status_code == 204, response.text
    return api, cid
