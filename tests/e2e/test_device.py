"""The device side: what the remote-desktop software calls with the account's license key. Registering
takes a seat, heartbeats record only transitions, sessions take a slot; every refusal names its cause."""

from datetime import datetime
from uuid import UUID

import pytest

from domain.application import Portal
from domain.client import Client
from tests.e2e.api import command, license_tab, problem
from tests.e2e.devices import Device, device_of, new_client_id, read
from tests.e2e.people import staff_member

ROUTES = {"register": ("/register", {"client_id": "123456789", "version": "1.0.0", "platform": "windows"}),
          "heartbeat": ("/heartbeat", {"client_id": "123456789", "version": "1.0.0"}),
          "start": ("/sessions", {"from_client_id": "123456789", "to_client_id": "987654321"}),
          "end": (f"/sessions/{UUID(int=7)}/end", None)}


@pytest.fixture
async def device(http, account) -> Device:
    return await device_of(http, account)


def recorded(portal: Portal, position: int) -> object:
    """The domain event stored at this position."""
    [notification] = portal.recorder.select_notifications(position, 1)
    return portal.mapper.to_domain_event(notification)


# Registering

async def test_a_registered_client_shows_on_the_clients_tab_offline(http, account, device):
    client_id, position = await device.register(version="7.1.2", platform="macos")

    shown = await read(http, account, f"/v1/clients/{client_id}", position)
    assert (shown["version"], shown["platform"], shown["online"], shown["online_since"]) == (
        "7.1.2", "macos", False, None)


async def test_registering_past_the_free_seat_limit_is_refused_naming_client_id(http, account, device):
    for _ in range(3):
        await device.register()

    body = {"client_id": new_client_id(), "version": "1.0.0", "platform": "windows"}
    refusal = problem(await device.post("/register", body), 409, field="client_id")
    assert refusal["type"] == "urn:portal:problem:seat-limit-reached"


async def test_registering_a_linked_client_again_takes_no_second_seat(http, account, device):
    client_id, _ = await device.register()
    await device.register(client_id)
    await device.register()
    _, position = await device.register()  # the third seat: still free

    assert (await license_tab(http, account, position))["counters"]["linked"] == 3


# Heartbeats

async def test_the_first_heartbeat_records_that_the_client_came_online(http, account, device, portal):
    client_id, _ = await device.register()

    position = await device.online(client_id)

    assert isinstance(recorded(portal, position), Client.CameOnline)
    shown = (await read(http, account, "/v1/clients", position))["items"]
    assert [(c["client_id"], c["online"]) for c in shown] == [(client_id, True)]
    assert datetime.fromisoformat(shown[0]["online_since"]).tzinfo is not None


async def test_a_repeated_heartbeat_records_nothing(http, account, device, portal):
    client_id, _ = await device.register()
    position = await device.online(client_id)
    await read(http, account, f"/v1/clients/{client_id}", position)  # the fast path reads the Clients tab

    before = portal.current_position()
    response = await device.beat(client_id)

    assert response.status_code == 200, response.text
    assert response.json() == {"position": None}
    assert portal.current_position() == before


async def test_a_heartbeat_with_a_new_version_records_the_change(http, account, device, portal):
    client_id, _ = await device.register(version="1.0.0")
    first = await device.online(client_id, "1.0.0")
    await read(http, account, f"/v1/clients/{client_id}", first)

    position = await device.online(client_id, "1.1.0")

    change = recorded(portal, position)
    assert isinstance(change, Client.SoftwareChanged) and change.version == "1.1.0"
    shown = await read(http, account, f"/v1/clients/{client_id}", position)
    assert (shown["version"], shown["online"]) == ("1.1.0", True)


async def test_a_heartbeat_from_an_unregistered_client_is_not_found(device):
    problem(await device.beat(new_client_id()), 404)


# Sessions

async def test_starting_a_session_answers_its_id_and_shows_it_active(http, account, device):
    a, _ = await device.register()
    b, _ = await device.register()

    session_id, position = await device.start(a, b)

    UUID(session_id)
    shown = await read(http, account, f"/v1/sessions/{session_id}", position)
    assert (shown["from"]["client_id"], shown["to"]["client_id"], shown["active"]) == (a, b, True)


async def test_a_second_concurrent_session_on_the_free_tier_is_refused(device):
    a, _ = await device.register()
    await device.start(a, new_client_id())

    response = await device.post("/sessions", {"from_client_id": a, "to_client_id": new_client_id()})
    assert problem(response, 409)["type"] == "urn:portal:problem:session-limit-reached"


async def test_a_session_between_two_unlinked_clients_is_refused(device):
    response = await device.post("/sessions", {"from_client_id": new_client_id(), "to_client_id": new_client_id()})
    problem(response, 409)


async def test_ending_a_session_twice_is_harmless(http, account, device):
    a, _ = await device.register()
    session_id, _ = await device.start(a, new_client_id())

    await device.end(session_id)
    position = await device.end(session_id)

    shown = await read(http, account, f"/v1/sessions/{session_id}", position)
    assert (shown["active"], shown["end_reason"]) == (False, "ended")


async def test_an_ended_session_frees_its_slot(device):
    a, _ = await device.register()
    first, _ = await device.start(a, new_client_id())
    await device.end(first)

    second, _ = await device.start(a, new_client_id())
    assert second != first


# Keys and input

@pytest.mark.parametrize("route", ROUTES)
async def test_a_device_call_without_a_license_key_is_unauthorized(http, route):
    path, body = ROUTES[route]
    problem(await http.post(f"/v1/device{path}", json=body), 401)


@pytest.mark.parametrize("route", ROUTES)
async def test_a_device_call_with_an_unknown_license_key_is_unauthorized(http, route):
    path, body = ROUTES[route]
    response = await http.post(f"/v1/device{path}", json=body, headers={"X-License-Key": "0000-0000-0000-0000-0000"})
    assert problem(response, 401)["type"] == "urn:portal:problem:invalid-license-key"


@pytest.mark.parametrize("route", ["register", "start"])
async def test_the_old_key_is_refused_after_a_key_reset(http, account, device, route):
    a, _ = await device.register()
    await command(http, account, "POST", "/v1/license/key/reset")
    path, body = ROUTES[route]
    body = {**body, "client_id": a} if route == "register" else {**body, "from_client_id": a}

    assert problem(await device.post(path, body), 401)["type"] == "urn:portal:problem:invalid-license-key"


async def test_the_new_key_works_after_a_key_reset(http, account, device):
    position = await command(http, account, "POST", "/v1/license/key/reset")

    renewed = await device_of(http, account, position)
    client_id, _ = await renewed.register()
    assert client_id


async def test_a_key_reset_answers_the_new_key_the_license_tab_shows(http, account):
    reset = await http.post("/v1/license/key/reset", headers=account.auth)

    assert reset.status_code == 200
    tab = await license_tab(http, account, reset.json()["position"])
    assert reset.json()["license_key"] == tab["license_key"]


async def test_a_heartbeat_with_the_old_key_is_refused_once_the_reset_shows(http, account, device):
    client_id, _ = await device.register()
    await device.online(client_id)
    position = await command(http, account, "POST", "/v1/license/key/reset")
    await read(http, account, f"/v1/clients/{client_id}", position)
    await license_tab(http, account, position)

    problem(await device.beat(client_id), 401)


async def test_a_heartbeat_with_the_old_key_is_refused_right_after_a_reset(http, account, device):
    client_id, _ = await device.register()
    position = await device.online(client_id)
    await read(http, account, f"/v1/clients/{client_id}", position)
    await command(http, account, "POST", "/v1/license/key/reset")

    problem(await device.beat(client_id), 401)


@pytest.mark.parametrize("route", ROUTES)
async def test_every_device_call_of_a_switched_off_account_is_forbidden(http, settings, account, device, route):
    client_id, _ = await device.register()
    position = await device.online(client_id)
    await read(http, account, f"/v1/clients/{client_id}", position)  # a heartbeat would take the fast path
    session_id, _ = await device.start(client_id, new_client_id())
    admin = await staff_member(http, settings, "administrator")
    switched = await http.patch(f"/v1/admin/customers/{account.account_id}", json={"enabled": False},
                              headers=admin.auth)
    assert switched.status_code == 200, switched.text
    path, body = ROUTES[route]
    path = f"/sessions/{session_id}/end" if route == "end" else path
    body = body and {k: client_id if k in ("client_id", "from_client_id") else v for k, v in body.items()}

    refusal = problem(await device.post(path, body), 403)

    assert refusal["type"] == "urn:portal:problem:account-disabled"


@pytest.mark.parametrize("client_id", ["12345678", "12345678901", "12345678a", " 123456789", 123456789])
async def test_a_malformed_client_id_is_refused_naming_it(device, client_id):
    body = {"client_id": client_id, "version": "1.0.0", "platform": "windows"}
    problem(await device.post("/register", body), 422, field="client_id")


@pytest.mark.parametrize("route", ["register", "heartbeat", "start"])
async def test_an_unknown_field_is_refused_naming_it(device, route):
    path, body = ROUTES[route]
    response = await device.post(path, {**body, "is_admin": True})
    assert "`is_admin`" in problem(response, 422)["detail"]
