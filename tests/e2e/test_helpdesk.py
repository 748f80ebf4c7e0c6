"""The help desk through HTTP: the user and customer views (each recorded in the customer's audit trail, with
who and from where), reseller scoping, and read-only sessions under the customer's consent: refused without it,
e-mailed and listed, ended by either side, by withdrawing consent, and at their expiry to the second."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.user import User
from tests.e2e.api import Account, PASSWORD, command, license_tab, problem, sign_up
from tests.e2e.customers import (create_customer, impersonate, new_customer, reseller_account,
                                 works_until_its_expiry)
from tests.e2e.devices import device_of
from tests.e2e.support import open_request
from tests.e2e.people import Person, added_member, bearer, forwarded, new_address, staff_member

REASON = "Ticket 815: the clients list looks empty"


@pytest.fixture
async def desk(http, settings) -> Person:
    return await staff_member(http, settings, "help desk")


@pytest.fixture
async def admin(http, settings) -> Person:
    return await staff_member(http, settings, "administrator")


def owner_id(account: Account) -> str:
    return str(User.id_for(account.email))


async def view(http, staff: Person, path: str, at: int, **params: str):
    response = await http.get(f"/v1/helpdesk/{path}", params=params,
                              headers={**staff.auth, "X-Min-Position": str(at)})
    assert response.status_code == 200, response.text
    return response.json()


async def trail(http, account: Account, kind: str, at: int) -> list[dict]:
    response = await http.get("/v1/audit", params={"kind": kind},
                              headers={**account.auth, "X-Min-Position": str(at)})
    assert response.status_code == 200, response.text
    return response.json()["entries"]


async def allow(http, account: Account, until: datetime | None = None) -> int:
    body = {"allowed": True, **({"until": until.isoformat()} if until else {})}
    response = await http.put("/v1/account/helpdesk-access", json=body, headers=account.auth)
    assert response.status_code == 200, response.text
    return response.json()["position"]


async def open_session(http, staff: Person, account: Account, minutes: int = 60) -> dict:
    response = await http.post(f"/v1/helpdesk/customers/{account.account_id}/read-only-session",
                               json={"reason": REASON, "minutes": minutes}, headers=staff.auth)
    assert response.status_code == 201, response.text
    assert set(response.json()) == {"session_id", "token", "expires_at"}
    return {**response.json(), "position": int(response.headers["X-Event-Position"])}


@pytest.fixture
async def session(http, desk, account) -> dict:
    """A read-only session of `desk` on `account`, whose owner allowed the help desk in."""
    await allow(http, account)
    return await open_session(http, desk, account)


# Views

async def test_the_customer_view_shows_its_license_owners_users_and_devices(http, desk, account):
    device = await device_of(http, account)
    client_id, at = await device.register()

    shown = await view(http, desk, f"customers/{account.account_id}", at)

    assert (shown["customer_number"], shown["license"]["product"]["code"]) == (account.customer_number, "free")
    assert [(o["email"], o["status"]) for o in shown["owners"]] == [(account.email, "active")]
    assert [d["client_id"] for d in shown["devices"]["items"]] == [client_id]
    assert "license_key" not in str(shown) and shown["helpdesk_access"] == {"allowed": False, "until": None}
    assert (shown["support_requests"], shown["invoices"], shown["domains"]) == ([], [], [])


async def test_the_customer_view_shows_open_support_requests_invoices_and_claimed_domains(http, desk, account):
    opened = await open_request(http, account.token)
    await command(http, account, "POST", "/v1/license/upgrade", {"product": "professional"})
    claimed = await http.post("/v1/account/domains", json={"domain": f"{uuid4().hex[:12]}.example"},
                              headers=account.auth)

    shown = await view(http, desk, f"customers/{account.account_id}", claimed.json()["position"])

    assert [r["number"] for r in shown["support_requests"]] == [opened["number"]]
    assert [(i["kind"], i["status"]) for i in shown["invoices"]] == [("invoice", "open")]
    assert [(d["domain"], d["verified"]) for d in shown["domains"]] == [(claimed.json()["domain"], False)]


async def test_devices_are_searched_within_the_account(http, desk, account):
    device = await device_of(http, account)
    wanted, _ = await device.register()
    _, at = await device.register()

    shown = await view(http, desk, f"customers/{account.account_id}", at, client=wanted)

    assert [d["client_id"] for d in shown["devices"]["items"]] == [wanted]


async def test_the_customer_view_says_which_of_its_addresses_are_suppressed(http, admin, desk, account):
    response = await http.post("/v1/admin/email/suppressions", json={"email": account.email, "reason": "bounced"},
                               headers=admin.auth)

    shown = await view(http, desk, f"customers/{account.account_id}", response.json()["position"])

    assert shown["suppressed_addresses"] == [account.email]


async def test_the_user_view_shows_status_role_two_factor_last_login_and_last_email(http, desk, account):
    member_email, member_id, at = await added_member(http, account)  # invited: an e-mail, never logged in

    owner = await view(http, desk, f"users/{owner_id(account)}", at)
    member = await view(http, desk, f"users/{member_id}", at)

    assert (owner["status"], owner["role"], owner["two_factor"]) == ("active", "owner", False)
    assert owner["last_login"] is not None and owner["license"]["product"]["code"] == "free"
    assert (member["status"], member["role"], member["last_login"]) == ("invited", "member", None)
    assert (member["last_email"]["to"], member["last_email"]["status"]) == (member_email, "queued")


async def test_every_staff_view_is_in_the_customers_audit_trail_with_who_and_from_where(http, desk, account):
    address = new_address()
    for path in (f"customers/{account.account_id}", f"users/{owner_id(account)}"):
        response = await http.get(f"/v1/helpdesk/{path}", headers={**desk.auth, **forwarded(address),
                                                                   "X-Min-Position": str(account.position)})
        assert response.status_code == 200, response.text

    entries = await trail(http, account, "StaffViewed", int(response.headers["X-Event-Position"]))

    assert [(e["details"]["view"], e["actor"]["name"], e["actor"]["role"], e["actor"]["address"])
            for e in entries] == [("customer", desk.email, "help desk", address),
                                  ("user", desk.email, "help desk", address)]


async def test_a_resellers_help_desk_sees_only_its_own_customers(http, settings, admin, account):
    reseller = await staff_member(http, settings, "reseller")
    email = f"own-{account.email}"
    await new_customer(http, reseller.token, email=email, password=PASSWORD, welcome_email=False)

    assert (await http.get(f"/v1/helpdesk/users/{User.id_for(email)}", headers=reseller.auth)).status_code == 200
    for path in (f"customers/{account.account_id}", f"users/{owner_id(account)}"):
        problem(await http.get(f"/v1/helpdesk/{path}", headers=reseller.auth), 404)
    problem(await http.post(f"/v1/helpdesk/users/{owner_id(account)}/verification-code", headers=reseller.auth), 404)
    problem(await http.post(f"/v1/helpdesk/customers/{account.account_id}/read-only-session",
                            json={"reason": REASON}, headers=reseller.auth), 404)


async def test_a_reseller_accounts_owner_is_the_help_desk_of_its_own_customers_only(http, admin, account):
    reseller = await reseller_account(http, admin.token)
    created = (await create_customer(http, reseller.token)).json()

    await view(http, reseller, f"customers/{created['account_id']}", created["position"])
    problem(await http.get(f"/v1/helpdesk/customers/{account.account_id}", headers=reseller.auth), 404)


async def test_customers_and_auditors_may_not_use_the_help_desk(http, settings, account):
    auditor = await staff_member(http, settings, "auditor")

    for token in (account.token, auditor.token):
        problem(await http.get(f"/v1/helpdesk/customers/{account.account_id}", headers=bearer(token)), 403)


async def test_an_unknown_user_and_a_staff_login_are_not_found(http, desk):
    for user_id in (owner_id(await sign_up(http))[:-4] + "0000", desk.user_id):
        problem(await http.get(f"/v1/helpdesk/users/{user_id}", headers=desk.auth), 404)


async def test_a_code_to_check_is_six_digits(http, desk, account):
    url = f"/v1/helpdesk/users/{owner_id(account)}/verification-code/check"

    for code in ("12345", "1234567", "12a456", 123456):
        problem(await http.post(url, json={"code": code}, headers=desk.auth), 422, field="code")


# Consent and read-only sessions

async def test_help_desk_access_is_forbidden_by_default_and_a_session_refused(http, desk, account):
    shown = await http.get("/v1/account/helpdesk-access", headers=account.auth)
    assert shown.json() == {"allowed": False, "until": None}

    refused = await http.post(f"/v1/helpdesk/customers/{account.account_id}/read-only-session",
                              json={"reason": REASON}, headers=desk.auth)

    assert "not allowed help-desk access" in problem(refused, 403)["detail"]


async def test_consent_ends_in_the_future_and_names_its_time_zone(http, account):
    url, past = "/v1/account/helpdesk-access", datetime.now(UTC) - timedelta(minutes=1)

    problem(await http.put(url, json={"allowed": True, "until": past.isoformat()}, headers=account.auth), 422,
            field="until")
    problem(await http.put(url, json={"allowed": True, "until": "2099-01-01T00:00:00"}, headers=account.auth), 422,
            field="until")


async def test_a_session_lasts_at_most_eight_hours_and_an_hour_by_default(http, desk, account):
    await allow(http, account)
    url = f"/v1/helpdesk/customers/{account.account_id}/read-only-session"
    problem(await http.post(url, json={"reason": REASON, "minutes": 481}, headers=desk.auth), 422, field="minutes")

    started = await http.post(url, json={"reason": REASON}, headers=desk.auth)

    expires_at = datetime.fromisoformat(started.json()["expires_at"])
    assert timedelta(minutes=59) < expires_at - datetime.now(UTC) <= timedelta(minutes=60)


async def test_the_session_is_emailed_listed_and_in_the_audit_trail(http, desk, account):
    await allow(http, account)
    session = await open_session(http, desk, account)
    at = session["position"]

    mails = await http.get(f"/v1/admin/email/accounts/{account.account_id}",
                           headers={**desk.auth, "X-Min-Position": str(at)})
    access = await http.get("/v1/account/access", headers={**account.auth, "X-Min-Position": str(at)})

    assert "Our help desk is looking at your Portal account" in [m["subject"] for m in mails.json()["items"]]
    assert [(a["access_id"], a["kind"], a["staff"], a["reason"], a["current"]) for a in access.json()] == [
        (session["session_id"], "read-only session", desk.email, REASON, True)]
    assert [e["summary"] for e in await trail(http, account, "ReadOnlySessionStarted", at)] == [
        f"Read-only session by the help desk: {REASON}"]


async def test_the_staff_member_ends_the_session(http, desk, session):
    ended = await http.delete(f"/v1/helpdesk/read-only-sessions/{session['session_id']}", headers=desk.auth)

    assert ended.status_code == 200, ended.text
    problem(await http.get("/v1/license", headers=bearer(session["token"])), 401)


async def test_another_staff_member_does_not_find_the_session(http, settings, session):
    other = await staff_member(http, settings, "help desk")

    problem(await http.delete(f"/v1/helpdesk/read-only-sessions/{session['session_id']}", headers=other.auth), 404)


async def test_the_customer_ends_the_session_in_its_access_list(http, account, session):
    ended = await http.delete(f"/v1/account/access/{session['session_id']}", headers=account.auth)

    assert ended.status_code == 200, ended.text
    problem(await http.get("/v1/license", headers=bearer(session["token"])), 401)
    access = await http.get("/v1/account/access",
                            headers={**account.auth, "X-Min-Position": str(ended.json()["position"])})
    assert [(a["current"], a["ended_by"]) for a in access.json()] == [(False, "customer")]


async def test_withdrawing_consent_ends_every_open_session_at_once(http, desk, admin, account):
    await allow(http, account)
    tokens = [(await open_session(http, staff, account))["token"] for staff in (desk, admin)]
    await license_tab(http, account, account.position)
    for token in tokens:
        assert (await http.get("/v1/license", headers=bearer(token))).status_code == 200

    withdrawn = await http.put("/v1/account/helpdesk-access", json={"allowed": False}, headers=account.auth)

    assert withdrawn.status_code == 200, withdrawn.text
    for token in tokens:
        problem(await http.get("/v1/license", headers=bearer(token)), 401)
    problem(await http.post(f"/v1/helpdesk/customers/{account.account_id}/read-only-session",
                            json={"reason": REASON}, headers=desk.auth), 403)


async def test_an_impersonation_cannot_give_the_help_desk_consent(http, admin, account):
    _, token, _ = await impersonate(http, admin.token, account.account_id)

    refused = await http.put("/v1/account/helpdesk-access", json={"allowed": True}, headers=bearer(token))

    assert "acting for a customer" in problem(refused, 403)["detail"]


async def test_a_session_reads_until_its_expiry_and_not_a_second_longer(http, desk, account):
    await license_tab(http, account, account.position)  # the view exists: its answers are 200, then 401
    await allow(http, account, until=datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4))
    session = await open_session(http, desk, account)  # consent's end is the session's end
    await works_until_its_expiry(http, session["token"], datetime.fromisoformat(session["expires_at"]), timeout=30)
