"""Reseller plans through HTTP: administrators create, change and retire them; every limit holds under races."""

import asyncio

import pytest

import httpx

from tests.e2e.api import PASSWORD, Account, new_email, problem
from tests.e2e.customers import create_customer, new_plan, plan_body, reseller_account
from tests.e2e.devices import Device, device_of, new_client_id
from tests.e2e.people import Person, logged_in, staff_member


@pytest.fixture
async def admin(http, settings) -> Person:
    return await staff_member(http, settings, "administrator")


async def test_a_plan_is_created_and_shown(http, admin: Person):
    created = await http.post("/v1/admin/plans", json=plan_body(name="Gold", max_customers=7), headers=admin.auth)

    assert created.status_code == 201, created.text
    shown = await http.get(f"/v1/admin/plans/{created.json()['plan_id']}",
                           headers={**admin.auth, "X-Min-Position": str(created.json()["position"])})
    assert (shown.json()["name"], shown.json()["max_customers"], shown.json()["retired"]) == ("Gold", 7, False)


async def test_a_plan_change_keeps_what_is_not_given(http, admin: Person):
    plan_id = await new_plan(http, admin.token, max_clients=40)

    changed = await http.patch(f"/v1/admin/plans/{plan_id}", json={"max_customers": 3}, headers=admin.auth)

    shown = (await http.get(f"/v1/admin/plans/{plan_id}",
                            headers={**admin.auth, "X-Min-Position": str(changed.json()["position"])})).json()
    assert (shown["max_customers"], shown["max_clients"]) == (3, 40)


async def test_a_retired_plan_is_given_to_no_new_reseller(http, admin: Person):
    plan_id = await new_plan(http, admin.token)
    assert (await http.delete(f"/v1/admin/plans/{plan_id}", headers=admin.auth)).status_code == 200

    response = await create_customer(http, admin.token, account_type="reseller", plan_id=plan_id)

    problem(response, 409, field="plan_id")


async def test_a_plan_names_only_known_products(http, admin: Person):
    response = await http.post("/v1/admin/plans", json=plan_body(products=["gold"]), headers=admin.auth)

    problem(response, 422, field="products[0]")


async def test_fifty_concurrent_creations_against_a_limit_of_ten_create_ten(http, gateway, admin: Person):
    reseller = await reseller_account(http, admin.token, max_customers=10)

    async with httpx.AsyncClient(base_url=gateway, timeout=300) as patient:  # 50 password hashes on a busy machine
        answers = await asyncio.gather(*(create_customer(patient, reseller.token) for _ in range(50)))

    assert sorted(r.status_code for r in answers) == [201] * 10 + [409] * 40
    assert {r.json()["type"] for r in answers if r.status_code == 409} == {"urn:portal:problem:customer-limit-reached"}
    last = max(r.json()["position"] for r in answers if r.status_code == 201)
    shown = await http.get(f"/v1/admin/customers/{reseller.account_id}",
                           headers={**admin.auth, "X-Min-Position": str(last)})
    assert shown.json()["reseller_usage"]["customers"] == 10


async def customer_device(http, reseller: Person) -> Device:
    """The remote-desktop software of a new customer of the reseller."""
    email = new_email()
    created = (await create_customer(http, reseller.token, email=email, password=PASSWORD)).json()
    owner = await logged_in(http, email)
    return await device_of(http, Account(email=email, account_id=owner.account_id, token=owner.token,
                                         customer_number=created["customer_number"], position=created["position"]))


async def registration(device: Device) -> httpx.Response:
    return await device.post("/register", {"client_id": new_client_id(), "version": "1.0.0", "platform": "windows"})


async def test_a_registration_past_the_resellers_client_total_is_refused(http, admin: Person):
    reseller = await reseller_account(http, admin.token, max_clients=3)
    first, second = [await customer_device(http, reseller) for _ in range(2)]
    await first.register(), await first.register()
    await second.register()

    # The second customer's free license links three clients; the reseller's total of three is reached.
    response = await registration(second)

    problem(response, 409, field="client_id")
    assert response.json()["type"] == "urn:portal:problem:reseller-client-limit-reached"


async def test_concurrent_registrations_stop_at_the_resellers_client_total(http, admin: Person):
    reseller = await reseller_account(http, admin.token, max_clients=4)
    devices = [await customer_device(http, reseller) for _ in range(3)]

    answers = await asyncio.gather(*(registration(d) for d in devices for _ in range(3)))

    assert sorted(r.status_code for r in answers) == [200] * 4 + [409] * 5
