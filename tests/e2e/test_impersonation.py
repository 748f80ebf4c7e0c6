"""Log in as a customer through HTTP: the token acts as the owner with the staff member recorded, its forbidden
actions are refused, the customer is told and may end it, and it ends at its expiry to the second."""

from datetime import datetime

import pytest

from tests.e2e.api import Account, license_tab, problem
from tests.e2e.customers import impersonate, works_until_its_expiry
from tests.e2e.people import Person, bearer, staff_member

REASON = "Ticket 4711: the customer cannot find its clients list"


@pytest.fixture
async def admin(http, settings) -> Person:
    return await staff_member(http, settings, "administrator")


async def access_list(http, account: Account, position: int) -> list[dict]:
    response = await http.get("/v1/account/access", headers={**account.auth, "X-Min-Position": str(position)})
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_token_acts_as_the_customers_owner(http, admin: Person, account: Account):
    _, token, _ = await impersonate(http, admin.token, account.account_id)

    response = await http.get("/v1/license", headers={**bearer(token), "X-Min-Position": str(account.position)})

    assert response.json()["account_id"] == account.account_id


async def test_its_events_name_the_staff_member_on_behalf_of_the_customer(http, admin: Person, account: Account):
    _, token, _ = await impersonate(http, admin.token, account.account_id)
    changed = await http.put("/v1/account/contact", json={"name": "Ann Corrected"}, headers=bearer(token))

    trail = await http.get("/v1/audit", params={"kind": "AccountContactChanged"},
                           headers={**account.auth, "X-Min-Position": str(changed.json()["position"])})

    actor = trail.json()["entries"][-1]["actor"]
    assert (actor["name"], actor["role"], actor["on_behalf_of"]) == (admin.email, "administrator",
                                                                     account.account_id)


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/v1/auth/password", {"current_password": "x", "new_password": "Another-Harbour-43"}),
    ("POST", "/v1/auth/2fa/setup", None),
    ("POST", "/v1/auth/2fa/disable", {"code": "000000"}),
    ("POST", "/v1/api-keys", {"name": "sneaky", "scope": "write"}),
    ("GET", "/v1/api-keys", None),
    ("DELETE", "/v1/admin/customers/{account_id}", None),
    ("POST", "/v1/admin/customers/{account_id}/impersonation", {"reason": "again", "minutes": 5}),
])
async def test_what_an_impersonation_may_not_do_is_refused(http, admin: Person, account: Account, method, path,
                                                           body):
    _, token, _ = await impersonate(http, admin.token, account.account_id)

    response = await http.request(method, path.format(account_id=account.account_id), json=body,
                                  headers=bearer(token))

    assert "acting for a customer" in problem(response, 403)["detail"]


async def test_the_customer_is_emailed_when_it_starts(http, settings, admin: Person, account: Account):
    _, _, position = await impersonate(http, admin.token, account.account_id)
    help_desk = await staff_member(http, settings, "help desk")

    mails = await http.get(f"/v1/admin/email/accounts/{account.account_id}",
                           headers={**help_desk.auth, "X-Min-Position": str(position)})

    assert "Support is accessing your Portal account" in [m["subject"] for m in mails.json()["items"]]


async def test_the_customers_audit_trail_says_support_accessed_it_and_why(http, admin: Person, account: Account):
    _, _, position = await impersonate(http, admin.token, account.account_id, reason=REASON)

    trail = await http.get("/v1/audit", params={"kind": "ImpersonationStarted"},
                           headers={**account.auth, "X-Min-Position": str(position)})

    assert [e["summary"] for e in trail.json()["entries"]] == [f"Accessed by support: {REASON}"]


async def test_the_owner_sees_a_current_access_and_ends_it(http, admin: Person, account: Account):
    impersonation_id, token, position = await impersonate(http, admin.token, account.account_id, reason=REASON)
    assert [(a["access_id"], a["kind"], a["reason"], a["staff"], a["current"])
            for a in await access_list(http, account, position)] == [(impersonation_id, "impersonation", REASON,
                                                                      admin.email, True)]

    ended = await http.delete(f"/v1/account/access/{impersonation_id}", headers=account.auth)

    assert ended.status_code == 200, ended.text
    problem(await http.get("/v1/license", headers=bearer(token)), 401)
    [access] = await access_list(http, account, ended.json()["position"])
    assert (access["current"], access["ended_by"]) == (False, "customer")


async def test_the_staff_member_ends_it(http, admin: Person, account: Account):
    _, token, _ = await impersonate(http, admin.token, account.account_id)

    ended = await http.delete("/v1/impersonation", headers=bearer(token))

    assert ended.status_code == 200, ended.text
    problem(await http.get("/v1/license", headers=bearer(token)), 401)
    assert (await access_list(http, account, ended.json()["position"]))[0]["ended_by"] == "staff"


async def test_an_impersonation_needs_a_reason_and_at_most_an_hour(http, admin: Person, account: Account):
    url = f"/v1/admin/customers/{account.account_id}/impersonation"

    problem(await http.post(url, json={"minutes": 5}, headers=admin.auth), 422, field="reason")
    problem(await http.post(url, json={"reason": "help", "minutes": 61}, headers=admin.auth), 422, field="minutes")


@pytest.mark.slow
async def test_the_token_works_until_its_expiry_and_not_a_second_longer(http, admin: Person, account: Account):
    await license_tab(http, account, account.position)  # the view exists: its answers are 200, then 401
    response = await http.post(f"/v1/admin/customers/{account.account_id}/impersonation", headers=admin.auth,
                               json={"reason": REASON, "minutes": 1})
    started = response.json()
    await works_until_its_expiry(http, started["token"], datetime.fromisoformat(started["expires_at"]), timeout=90)
