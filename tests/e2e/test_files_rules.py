"""The Files tab's refusals through HTTP: bad settings name their field and build nothing, other accounts'
custom clients do not exist, tiers without custom clients are told which one has them, the maximum holds."""

import asyncio

import httpx
import pytest

from tests.e2e.api import Account, problem
from tests.e2e.files import gateway  # noqa: F401  (this module's stack runs the builder)
from tests.e2e.files import SETTINGS, create, performance_account


@pytest.fixture
async def owner(http: httpx.AsyncClient) -> Account:
    return await performance_account(http)


@pytest.mark.parametrize(("changes", "field"), [
    ({"platform": "beos"}, "platform"),
    ({"options": {"ad.telemetry.everything": True}}, "options.ad.telemetry.everything"),
    ({"options": {"ad.connection.port": "seven"}}, "options.ad.connection.port"),
    ({"program_name": "A" * 300}, "program_name"),
    ({"name": "Front\u0007desk"}, "name"),
    ({"name": "Front\ndesk"}, "name"),
])
async def test_bad_settings_name_the_field_and_build_nothing(http, owner, changes, field):
    response = await http.post("/v1/files", json={**SETTINGS, **changes}, headers=owner.auth)

    body = problem(response, 422, field)
    assert "regex" not in body["detail"] and "^" not in body["detail"]
    good, position = await create(http, owner)  # projected after anything the bad request might have recorded
    listed = await http.get("/v1/files", headers={**owner.auth, "X-Min-Position": str(position)})
    assert [i["custom_client_id"] for i in listed.json()["items"]] == [good]


async def test_a_missing_setting_is_named(http, owner):
    response = await http.post("/v1/files", json={k: v for k, v in SETTINGS.items() if k != "program_name"},
                               headers=owner.auth)

    problem(response, 422, "program_name")


async def test_a_free_account_is_told_which_tier_it_needs(http, account):
    response = await http.post("/v1/files", json=SETTINGS, headers=account.auth)

    assert "Performance or Enterprise" in problem(response, 402)["detail"]


async def test_another_accounts_custom_client_is_not_found_on_any_route(http, owner, account):
    custom_client_id, position = await create(http, owner)
    other = account.auth
    routes = [("GET", ""), ("PATCH", ""), ("POST", "/public-link"), ("GET", "/download"), ("DELETE", "")]

    for method, suffix in routes:
        response = await http.request(method, f"/v1/files/{custom_client_id}{suffix}", headers=other,
                                      json={"name": "Mine now"} if method == "PATCH" else None)
        problem(response, 404)
    still = await http.get(f"/v1/files/{custom_client_id}", headers={**owner.auth, "X-Min-Position": str(position)})
    assert still.json()["name"] == SETTINGS["name"]


async def test_an_unknown_public_link_is_not_found(http):
    problem(await http.get("/d/not-a-link-anyone-made"), 404)


async def test_concurrent_creations_stop_at_the_tiers_maximum(http, owner):
    for _ in range(19):  # Performance holds 20
        await create(http, owner)

    answers = await asyncio.gather(*(http.post("/v1/files", json=SETTINGS, headers=owner.auth) for _ in range(4)))

    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409]
    assert all(problem(r, 409)["type"].endswith("custom-client-limit-reached")
               for r in answers if r.status_code == 409)
