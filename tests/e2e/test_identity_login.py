"""Logging in through HTTP: who gets which role, what a refusal reveals, disabled accounts, and ending sessions."""

import httpx
import pytest

from tests.e2e.api import PASSWORD, Account, new_email, problem
from tests.e2e.people import bearer, log_in, logged_in, member_of, staff_member


@pytest.fixture
async def admin(http, settings):
    return await staff_member(http, settings, "administrator")


async def switch_account(http: httpx.AsyncClient, admin, account: Account, enabled: bool) -> None:
    response = await http.patch(f"/v1/admin/customers/{account.account_id}", json={"enabled": enabled},
                                headers=admin.auth)
    assert response.status_code == 200, response.text


async def test_the_owner_logs_in_as_owner_of_their_account(http, account: Account):
    owner = await logged_in(http, account.email)

    assert (owner.role, owner.account_id) == ("owner", account.account_id)


async def test_a_member_logs_in_as_member_of_the_owners_account(http, portal, account: Account):
    member = await member_of(http, portal, account)

    assert (member.role, member.account_id) == ("member", account.account_id)


@pytest.mark.parametrize("role", ["administrator", "reseller", "help desk", "auditor"])
async def test_staff_log_in_with_their_platform_role(http, settings, role: str):
    person = await staff_member(http, settings, role)

    me = await http.get("/v1/auth/me", headers=person.auth)
    assert person.role == role
    assert me.json()["role"] == role


@pytest.mark.usefixtures("failures_forgotten")
async def test_a_refused_login_never_says_whether_the_email_or_the_password_was_wrong(http, account: Account):
    wrong_password = problem(await log_in(http, account.email, "Not-The-Password-1"), 401)
    unknown_email = problem(await log_in(http, new_email()), 401)

    assert wrong_password == unknown_email
    assert "token" not in wrong_password


async def test_a_token_answers_who_it_belongs_to(http, account: Account):
    me = await http.get("/v1/auth/me", headers=account.auth)

    assert me.status_code == 200, me.text
    assert {k: me.json()[k] for k in ("account_id", "email", "role", "scope", "two_factor")} == {
        "account_id": account.account_id, "email": account.email, "role": "owner", "scope": "write",
        "two_factor": False}


async def test_a_disabled_account_refuses_its_owners_token_and_login(http, admin, account: Account):
    await switch_account(http, admin, account, enabled=False)

    problem(await http.get("/v1/auth/me", headers=account.auth), 401)
    problem(await log_in(http, account.email), 403)


async def test_enabling_an_account_again_lets_its_owner_log_in(http, admin, account: Account):
    await switch_account(http, admin, account, enabled=False)
    await switch_account(http, admin, account, enabled=True)

    owner = await logged_in(http, account.email)
    assert (await http.get("/v1/auth/me", headers=owner.auth)).status_code == 200


async def test_logging_out_ends_only_this_session(http, account: Account):
    other = await logged_in(http, account.email)

    response = await http.post("/v1/auth/logout", headers=account.auth)

    assert response.status_code == 204, response.text
    problem(await http.get("/v1/auth/me", headers=account.auth), 401)
    assert (await http.get("/v1/auth/me", headers=other.auth)).status_code == 200


async def test_logging_out_everywhere_ends_every_session_of_the_user(http, account: Account):
    other = await logged_in(http, account.email)

    response = await http.post("/v1/auth/logout-everywhere", headers=account.auth)

    assert response.status_code == 204, response.text
    problem(await http.get("/v1/auth/me", headers=account.auth), 401)
    problem(await http.get("/v1/auth/me", headers=other.auth), 401)


async def test_logging_out_everywhere_leaves_other_users_of_the_account_logged_in(http, portal, account: Account):
    member = await member_of(http, portal, account)

    await http.post("/v1/auth/logout-everywhere", headers=account.auth)

    assert (await http.get("/v1/auth/me", headers=member.auth)).status_code == 200


async def test_logging_out_everywhere_leaves_the_accounts_api_keys_working(http, account: Account):
    created = await http.post("/v1/api-keys", json={"name": "backup", "scope": "read"}, headers=account.auth)
    key = bearer(created.json()["api_key"])

    await http.post("/v1/auth/logout-everywhere", headers=account.auth)

    assert (await http.get("/v1/auth/me", headers=key)).status_code == 200


async def test_signing_up_twice_with_one_email_is_refused(http, account: Account):
    response = await http.post("/v1/signup", json={"email": account.email.upper(), "password": PASSWORD,
                                                   "name": "Eve"})

    problem(response, 409, field="email")

