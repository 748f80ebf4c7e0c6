"""Writing to a customer, and a reseller resetting its customers' passwords (a mailer writes to a folder)."""

from pathlib import Path

import pytest

from domain.user import User
from tests.e2e.api import PASSWORD, new_email, problem
from tests.e2e.customers import create_customer, new_customer, reseller_account
from tests.e2e.people import NEW_PASSWORD_SUBJECT, Person, body_of, logged_in, mail_to, staff_member
from tests.e2e.mail.test_admin import new_password_in


@pytest.fixture
async def admin(http, settings) -> Person:
    return await staff_member(http, settings, "administrator")


@pytest.fixture
async def reseller(http, admin: Person) -> Person:
    return await reseller_account(http, admin.token)


async def write(http, who: Person, account_id: str, subject: str = "Maintenance tonight"):
    return await http.post(f"/v1/admin/customers/{account_id}/email", headers=who.auth,
                           json={"subject": subject, "text": "We restart the servers at 23:00."})


async def test_an_email_to_a_customer_reaches_its_owner(http, admin: Person, mail_dir: Path):
    email = new_email()
    account_id = await new_customer(http, admin.token, email=email, password=PASSWORD, welcome_email=False)

    response = await write(http, admin, account_id)

    assert response.status_code == 201, response.text
    assert "We restart the servers at 23:00." in body_of(await mail_to(mail_dir, email, "Maintenance tonight"))


async def test_an_email_to_a_customer_is_in_its_audit_trail_naming_the_sender(http, admin: Person):
    email = new_email()
    account_id = await new_customer(http, admin.token, email=email, password=PASSWORD, welcome_email=False)
    position = (await write(http, admin, account_id)).json()["position"]
    owner = await logged_in(http, email)

    trail = await http.get("/v1/audit", params={"kind": "EmailQueued"},
                           headers={**owner.auth, "X-Min-Position": str(position)})

    assert [e["actor"]["name"] for e in trail.json()["entries"]] == [admin.email]


async def test_an_email_to_a_customer_shows_in_the_help_desks_email_status(http, settings, admin: Person):
    account_id = await new_customer(http, admin.token, welcome_email=False)
    sent = (await write(http, admin, account_id, subject="Your invoice")).json()
    help_desk = await staff_member(http, settings, "help desk")

    status = await http.get(f"/v1/admin/email/accounts/{account_id}",
                            headers={**help_desk.auth, "X-Min-Position": str(sent["position"])})

    assert sent["email_id"] in [e["email_id"] for e in status.json()["items"]]


async def test_a_reseller_writes_to_its_own_customer_only(http, admin: Person, reseller: Person):
    own = await new_customer(http, reseller.token)
    other = await new_customer(http, admin.token)

    assert (await write(http, reseller, own)).status_code == 201
    problem(await write(http, reseller, other), 404)


async def test_a_reseller_resets_its_customers_password_by_email(http, reseller: Person, mail_dir: Path):
    email = new_email()
    await create_customer(http, reseller.token, email=email, password=PASSWORD, welcome_email=False)

    response = await http.post(f"/v1/admin/users/{User.id_for(email)}/password", json={}, headers=reseller.auth)

    assert response.status_code == 200, response.text
    password = new_password_in(body_of(await mail_to(mail_dir, email, NEW_PASSWORD_SUBJECT)))
    assert (await logged_in(http, email, password)).email == email


async def test_a_reseller_cannot_reset_another_resellers_customers_password(http, admin: Person, reseller: Person):
    email = new_email()
    await new_customer(http, admin.token, email=email, password=PASSWORD, welcome_email=False)

    response = await http.post(f"/v1/admin/users/{User.id_for(email)}/password", json={"password": "Another-Hb-4"},
                               headers=reseller.auth)

    problem(response, 404)
    assert (await logged_in(http, email)).email == email
