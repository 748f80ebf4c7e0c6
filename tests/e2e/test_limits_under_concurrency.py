"""Limits hold under concurrency: the checks live in the aggregate that owns them, not in a projection."""

import asyncio
from uuid import uuid4

import httpx

from tests.e2e.api import Account, command, license_tab


async def license_key(http: httpx.AsyncClient, account: Account) -> str:
    return (await license_tab(http, account, account.position))["license_key"]


def new_client_ids(count: int) -> list[str]:
    base = uuid4().int % 900_000_000 + 100_000_000
    return [str(base + i) for i in range(count)]


async def register(http: httpx.AsyncClient, key: str, client_id: str) -> httpx.Response:
    return await http.post("/v1/device/register", headers={"X-License-Key": key},
                           json={"client_id": client_id, "version": "9.0.1", "platform": "windows"})


async def test_fifty_simultaneous_registrations_against_ten_free_seats_link_exactly_ten(
        http: httpx.AsyncClient, account: Account) -> None:
    position = await command(http, account, "POST", "/v1/license/upgrade", {"product": "lite"})  # 100 seats
    key = await license_key(http, account)
    for response in await asyncio.gather(*(register(http, key, c) for c in new_client_ids(90))):
        assert response.status_code == 200, response.text

    answers = await asyncio.gather(*(register(http, key, c) for c in new_client_ids(50)))

    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200] * 10 + [409] * 40
    assert {r.json()["type"] for r in answers if r.status_code == 409} == {"urn:portal:problem:seat-limit-reached"}
    position = max(position, *(r.json()["position"] for r in answers if r.status_code == 200))
    assert (await license_tab(http, account, position))["counters"]["linked"] == 100


async def test_fifty_simultaneous_session_starts_against_three_free_slots_start_exactly_three(
        http: httpx.AsyncClient, account: Account) -> None:
    await command(http, account, "POST", "/v1/license/upgrade", {"product": "performance"})  # 4 concurrent
    key = await license_key(http, account)
    near, far = new_client_ids(1)[0], new_client_ids(51)
    assert (await register(http, key, near)).status_code == 200
    first = await http.post("/v1/device/sessions", headers={"X-License-Key": key},
                            json={"from_client_id": near, "to_client_id": far[0]})
    assert first.status_code == 201, first.text  # one of four taken: three slots left

    answers = await asyncio.gather(*(
        http.post("/v1/device/sessions", headers={"X-License-Key": key},
                  json={"from_client_id": near, "to_client_id": peer}) for peer in far[1:]))

    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] * 3 + [409] * 47
    position = max(r.json()["position"] for r in answers if r.status_code == 201)
    assert (await license_tab(http, account, position))["counters"]["active_sessions"] == 4
