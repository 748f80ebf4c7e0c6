"""Platform staff through HTTP: administrators reset passwords (by hand, or by e-mailing a new one), resellers
create and manage their own customers only, the help desk and auditors change nothing, auditors read any
account's history. A mailer writes the e-mail to a folder."""

import re
from pathlib import Path

import pytest

from domain.user import User
from tests.e2e.api import PASSWORD, Account, new_email, problem, sign_up
from tests.e2e.people import (INVITATION_SUBJECT, NEW_PASSWORD_SUBJECT, Person, body_of, log_in, logged_in,
                              mail_to, reset_token, staff_member)
from tests.support import eventually

HAND_PICKED = "Copper-Kettle-Orchard-5"


@pytest.fixture
async def admin(http, settings) -> Person:
    return await staff_member(http, settings, "administrator")


@pytest.fixture
async def reseller(http, settings) -> Person:
    return await staff_member(http, settings, "reseller")


def owner_id(account: Account) -> str:
    return str(User.id_for(account.email))


async def set_password(http, staff: Person, user_id: str, password: str | None = None):
    body = {"password": password} if password else {}
    return await http.post(f"/v1/admin/users/{user_id}/password", json=body, headers=staff.auth)


# Password resets by an administrator

@pytest.mark.usefixtures("failures_forgotten")
async def test_an_administrator_sets_a_password_by_hand(http, admin: Person, account: Account):
    response = await set_password(http, admin, owner_id(account), HAND_PICKED)

    assert response.status_code == 200, response.text
    assert (await logged_in(http, account.email, HAND_PICKED)).account_id == account.account_id
    problem(await log_in(http, account.email, PASSWORD), 401)


async def test_a_password_set_by_an_administrator_ends_the_users_sessions(http, admin: Person, account: Account):
    await set_password(http, admin, owner_id(account), HAND_PICKED)

    problem(await http.get("/v1/auth/me", headers=account.auth), 401)


async def test_an_administrator_may_not_set_a_weak_password(http, admin: Person, account: Account):
    response = await set_password(http, admin, owner_id(account), "password123")

    problem(response, 422, field="password")
    assert (await logged_in(http, account.email)).account_id == account.account_id


async def test_a_reset_without_a_password_emails_a_new_one_that_logs_in(http, admin: Person, mail_dir: Path,
                                                                        account: Account):
    response = await set_password(http, admin, owner_id(account))

    assert response.status_code == 200, response.text
    password = new_password_in(body_of(await mail_to(mail_dir, account.email, NEW_PASSWORD_SUBJECT)))
    assert (await logged_in(http, account.email, password)).account_id == account.account_id


async def test_an_emailed_new_password_is_kept_out_of_the_event_store(http, portal, pool, admin: Person,
                                                                      mail_dir: Path, account: Account):
    before = portal.current_position()

    await set_password(http, admin, owner_id(account))

    password = new_password_in(body_of(await mail_to(mail_dir, account.email, NEW_PASSWORD_SUBJECT)))
    recorded = portal.recorder.select_notifications(start=before + 1, limit=10_000)
    assert recorded, "the reset recorded no events"
    assert not [n for n in recorded if password.encode() in n.state]

    async def secret_forgotten() -> bool:
        return not await pool.fetchval("SELECT count(*) FROM email_secrets WHERE strpos(secrets::text, $1) > 0",
                                       password)
    await eventually(secret_forgotten, what="the mailer to forget the sent password")


def new_password_in(body: str) -> str:
    found = re.search(r"Your new password is:\s+(\S+)", body)
    assert found, body
    return found.group(1)


# Resellers

async def test_a_reseller_creates_a_customer_whose_owner_gets_a_link(http, reseller: Person, mail_dir: Path):
    email = new_email()

    response = await http.post("/v1/admin/customers", json={"email": email, "name": "Rita Retail"},
                               headers=reseller.auth)

    assert response.status_code == 201, response.text
    assert reset_token(await mail_to(mail_dir, email, INVITATION_SUBJECT))


async def test_a_reseller_manages_their_own_customer(http, reseller: Person):
    created = await http.post("/v1/admin/customers", json={"email": new_email(), "name": "Rita Retail"},
                              headers=reseller.auth)

    response = await http.patch(f"/v1/admin/customers/{created.json()['account_id']}", json={"api_access": False},
                                headers=reseller.auth)

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("switch", ["enabled", "api_access"])
async def test_a_reseller_does_not_find_another_customers_account(http, reseller: Person, account: Account,
                                                                  switch: str):
    response = await http.patch(f"/v1/admin/customers/{account.account_id}", json={switch: False},
                                headers=reseller.auth)

    problem(response, 404)
    assert (await http.get("/v1/auth/me", headers=account.auth)).status_code == 200


async def test_a_reseller_cannot_reset_another_customers_password(http, reseller: Person, account: Account):
    response = await set_password(http, reseller, owner_id(account), HAND_PICKED)

    problem(response, 404)
    assert (await logged_in(http, account.email)).account_id == account.account_id


async def test_a_reseller_cannot_reset_a_staff_password(http, settings, reseller: Person):
    other = await staff_member(http, settings, "help desk")

    problem(await set_password(http, reseller, other.user_id, HAND_PICKED), 404)


async def test_a_reseller_cannot_add_staff(http, reseller: Person):
    body = {"email": new_email(), "name": "Sneaky", "role": "administrator"}

    response = await http.post("/v1/admin/staff", json=body, headers=reseller.auth)

    problem(response, 403)


async def test_an_administrator_adds_staff_who_get_a_link(http, admin: Person, mail_dir: Path):
    email = new_email()

    response = await http.post("/v1/admin/staff", json={"email": email, "name": "Hal Desk", "role": "help desk"},
                               headers=admin.auth)

    assert response.status_code == 201, response.text
    assert reset_token(await mail_to(mail_dir, email, INVITATION_SUBJECT))


# Read-only staff and customers

def admin_writes(account: Account) -> list[tuple[str, str, dict]]:
    return [
        ("POST", "/v1/admin/customers", {"email": new_email(), "name": "Nope"}),
        ("POST", "/v1/admin/staff", {"email": new_email(), "name": "Nope", "role": "auditor"}),
        ("PATCH", f"/v1/admin/customers/{account.account_id}", {"enabled": False}),
        ("PATCH", f"/v1/admin/customers/{account.account_id}", {"api_access": False}),
        ("POST", f"/v1/admin/users/{owner_id(account)}/password", {"password": HAND_PICKED}),
    ]


@pytest.mark.parametrize("role", ["help desk", "auditor"])
async def test_read_only_staff_may_not_use_the_admin_write_routes(http, settings, account: Account, role: str):
    person = await staff_member(http, settings, role)

    for method, path, body in admin_writes(account):
        problem(await http.request(method, path, json=body, headers=person.auth), 403)


async def test_a_customer_may_not_use_the_admin_write_routes(http, account: Account):
    other = await sign_up(http)

    for method, path, body in admin_writes(account):
        problem(await http.request(method, path, json=body, headers=other.auth), 403)


async def test_an_auditor_reads_any_accounts_history(http, settings, account: Account):
    auditor = await staff_member(http, settings, "auditor")

    response = await http.get(f"/v1/accounts/{account.account_id}/history", headers=auditor.auth)

    assert response.status_code == 200, response.text
    assert response.json()[0]["kind"] == "AccountOpened"


async def test_an_owner_reads_their_own_accounts_history(http, account: Account):
    response = await http.get(f"/v1/accounts/{account.account_id}/history", headers=account.auth)

    assert response.status_code == 200, response.text


async def test_an_owner_does_not_find_another_accounts_history(http, account: Account):
    other = await sign_up(http)

    response = await http.get(f"/v1/accounts/{account.account_id}/history", headers=other.auth)

    problem(response, 404)
