"""Customer administration through HTTP: create with the whole profile, the overview, change, search, pages,
CSV; a reseller account sees only the customers it created."""

import csv
import io

import pytest

from tests.e2e.api import PASSWORD, new_email, problem
from tests.e2e.customers import create_customer, new_customer, new_plan, reseller_account
from tests.e2e.people import Person, log_in, logged_in, staff_member


@pytest.fixture
async def admin(http, settings) -> Person:
    return await staff_member(http, settings, "administrator")


async def overview(http, who: Person, account_id: str, position: int | None = None):
    headers = {**who.auth, **({"X-Min-Position": str(position)} if position else {})}
    return await http.get(f"/v1/admin/customers/{account_id}", headers=headers)


async def test_a_customer_is_created_with_its_whole_profile(http, admin: Person):
    email = new_email()

    created = await create_customer(http, admin.token, email=email, name="Lucía Pérez", password=PASSWORD,
                                    phone="+34 600 123 456", api_access=False, time_zone="Europe/Madrid",
                                    product="professional", accessibility=True, welcome_email=False)

    assert created.status_code == 201, created.text
    body = created.json()
    shown = (await overview(http, admin, body["account_id"], body["position"])).json()
    assert {k: shown[k] for k in ("customer_number", "login", "name", "phone", "level", "enabled", "api_access",
                                  "time_zone", "product", "accessibility")} == {
        "customer_number": body["customer_number"], "login": email, "name": "Lucía Pérez",
        "phone": "+34 600 123 456", "level": "customer", "enabled": True, "api_access": False,
        "time_zone": "Europe/Madrid", "product": "professional", "accessibility": True}


@pytest.mark.usefixtures("failures_forgotten")
async def test_a_customer_created_disabled_cannot_log_in(http, admin: Person):
    email = new_email()
    await new_customer(http, admin.token, email=email, password=PASSWORD, enabled=False)

    problem(await log_in(http, email), 403)


async def test_a_customer_enabled_later_logs_in(http, admin: Person):
    email = new_email()
    account_id = await new_customer(http, admin.token, email=email, password=PASSWORD, enabled=False)

    changed = await http.patch(f"/v1/admin/customers/{account_id}", json={"enabled": True}, headers=admin.auth)

    assert changed.status_code == 200, changed.text
    assert (await log_in(http, email)).status_code == 200


async def test_a_change_shows_in_the_overview(http, admin: Person):
    account_id = await new_customer(http, admin.token)

    changed = await http.patch(f"/v1/admin/customers/{account_id}",
                               json={"name": "Cai Renamed", "phone": "+49 711 123456", "time_zone": "Asia/Tokyo"},
                               headers=admin.auth)

    shown = (await overview(http, admin, account_id, changed.json()["position"])).json()
    assert (shown["name"], shown["phone"], shown["time_zone"]) == ("Cai Renamed", "+49 711 123456", "Asia/Tokyo")


async def test_a_password_and_an_invitation_together_are_refused(http, admin: Person):
    response = await create_customer(http, admin.token, password=PASSWORD, invite=True)

    problem(response, 422, field="password")


async def test_a_phone_number_must_be_international(http, admin: Person):
    response = await create_customer(http, admin.token, phone="0711 123")

    assert "international format" in problem(response, 422, field="phone")["detail"]


async def test_search_finds_a_customer_by_name_e_mail_or_number(http, admin: Person):
    email = new_email()
    created = (await create_customer(http, admin.token, email=email, name="Zebulon Quaintance")).json()

    for q in ("zebulon quaint", email.split("@")[0], created["customer_number"]):
        found = await http.get("/v1/admin/customers", params={"q": q},
                               headers={**admin.auth, "X-Min-Position": str(created["position"])})
        assert [c["account_id"] for c in found.json()["items"]] == [created["account_id"]], q


async def test_the_list_filters_by_status(http, admin: Person):
    name = f"Status {new_email()[:8]}"
    enabled = await new_customer(http, admin.token, name=name)
    disabled = (await create_customer(http, admin.token, name=name, enabled=False)).json()

    found = await http.get("/v1/admin/customers", params={"q": name, "enabled": "false"},
                           headers={**admin.auth, "X-Min-Position": str(disabled["position"])})

    ids = [c["account_id"] for c in found.json()["items"]]
    assert ids == [disabled["account_id"]] and enabled not in ids


async def test_the_list_filters_by_plan(http, admin: Person):
    plan_id = await new_plan(http, admin.token)
    holder = (await create_customer(http, admin.token, account_type="reseller", plan_id=plan_id)).json()
    other = await new_customer(http, admin.token)

    found = await http.get("/v1/admin/customers", params={"plan_id": plan_id},
                           headers={**admin.auth, "X-Min-Position": str(holder["position"])})

    ids = [c["account_id"] for c in found.json()["items"]]
    assert ids == [holder["account_id"]] and other not in ids


async def test_a_customers_own_time_zone_dates_its_exports(http, admin: Person):
    email = new_email()
    created = (await create_customer(http, admin.token, email=email, password=PASSWORD, welcome_email=False,
                                     time_zone="Asia/Tokyo")).json()
    owner = await logged_in(http, email)

    response = await http.get("/v1/audit/export", headers={**owner.auth, "X-Min-Position": str(created["position"])})

    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))[1:]
    assert rows and all(any(cell.endswith(" +09:00") for cell in row) for row in rows)


async def test_the_list_comes_in_keyset_pages(http, admin: Person):
    name = f"Paged {new_email()[:8]}"
    made = [(await create_customer(http, admin.token, name=name)).json() for _ in range(3)]
    headers = {**admin.auth, "X-Min-Position": str(made[-1]["position"])}
    seen, cursor = [], None

    while True:
        params = {"q": name, "limit": "2", "sort": "customer_number", **({"cursor": cursor} if cursor else {})}
        page = (await http.get("/v1/admin/customers", params=params, headers=headers)).json()
        seen += [c["account_id"] for c in page["items"]]
        if not (cursor := page["next_cursor"]):
            break

    assert sorted(seen) == sorted(m["account_id"] for m in made)


async def test_the_csv_has_a_row_per_customer_found(http, admin: Person):
    name = f"Csv {new_email()[:8]}"
    made = [(await create_customer(http, admin.token, name=name)).json() for _ in range(2)]
    await http.get("/v1/admin/customers", headers={**admin.auth, "X-Min-Position": str(made[-1]["position"])})

    response = await http.get("/v1/admin/customers.csv", params={"q": name}, headers=admin.auth)

    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["Customer ID", "Customer number"]
    assert {r[0] for r in rows[1:]} == {m["account_id"] for m in made}


async def test_a_reseller_account_lists_only_its_own_customers(http, admin: Person):
    reseller = await reseller_account(http, admin.token)
    own = await new_customer(http, reseller.token)
    position = (await create_customer(http, admin.token)).json()["position"]

    listed = await http.get("/v1/admin/customers", headers={**reseller.auth, "X-Min-Position": str(position)})

    assert [c["account_id"] for c in listed.json()["items"]] == [own]


async def test_a_reseller_account_creates_no_administrators(http, admin: Person):
    reseller = await reseller_account(http, admin.token)

    response = await create_customer(http, reseller.token, account_type="administrator")

    problem(response, 403, field="account_type")


async def test_a_reseller_account_does_not_change_its_customers_plan(http, admin: Person):
    reseller = await reseller_account(http, admin.token)
    own = await new_customer(http, reseller.token)

    response = await http.patch(f"/v1/admin/customers/{own}", json={"account_type": "reseller"},
                                headers=reseller.auth)

    problem(response, 403, field="account_type")


async def test_a_plain_customer_owner_is_not_a_manager(http, account):
    problem(await http.get("/v1/admin/customers", headers=account.auth), 403)
