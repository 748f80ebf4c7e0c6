"""An account's users through HTTP: the owner adds members (who choose a password through an e-mailed link),
lists, disables and enables them; members read the account but may not do what only the owner may."""

from pathlib import Path

import pytest

from tests.e2e.api import PASSWORD, Account, license_tab, problem, sign_up
from tests.e2e.people import (INVITATION_SUBJECT, Person, added_member, log_in, logged_in, mail_in, mail_to, member_of,
                              reset_token)

OWNER_ONLY = [
    ("POST", "/v1/license/upgrade", {"product": "professional"}),
    ("GET", "/v1/users", None),
    ("POST", "/v1/users", {"email": "someone@example.com", "name": "Someone"}),
    ("GET", "/v1/api-keys", None),
    ("POST", "/v1/api-keys", {"name": "mine", "scope": "write"}),
    ("PATCH", "/v1/settings", {"language": "de"}),
    ("PUT", "/v1/account/contact", {"name": "Max Member"}),
    ("GET", "/v1/audit", None),
]


@pytest.fixture
async def member(http, portal, account: Account) -> Person:
    return await member_of(http, portal, account)


async def set_disabled(http, owner: Account, user_id: str, disabled: bool):
    return await http.patch(f"/v1/users/{user_id}", json={"disabled": disabled}, headers=owner.auth)


async def test_a_new_member_gets_an_email_with_a_link_to_choose_a_password(http, mail_dir: Path, account: Account):
    email, _, _ = await added_member(http, account)

    message = await mail_to(mail_dir, email, INVITATION_SUBJECT)

    assert reset_token(message)


async def test_a_new_member_cannot_log_in_before_choosing_a_password(http, account: Account):
    email, _, _ = await added_member(http, account)

    problem(await log_in(http, email, PASSWORD), 401)


async def test_a_member_who_chose_a_password_reads_the_license_tab(http, mail_dir: Path, account: Account):
    email, _, _ = await added_member(http, account)
    token = reset_token(await mail_to(mail_dir, email, INVITATION_SUBJECT))
    chosen = await http.post("/v1/auth/password/reset/confirm", json={"token": token, "new_password": PASSWORD})
    assert chosen.status_code == 200, chosen.text

    member = await logged_in(http, email)

    assert member.role == "member"
    tab = await license_tab(http, member, account.position)  # type: ignore[arg-type]
    assert tab["account_id"] == account.account_id


@pytest.mark.parametrize(("method", "path", "body"), OWNER_ONLY, ids=[f"{m} {p}" for m, p, _ in OWNER_ONLY])
async def test_a_member_may_not_do_what_only_the_owner_may(http, member: Person, method: str, path: str, body):
    response = await http.request(method, path, json=body, headers=member.auth)

    problem(response, 403)


async def test_the_owner_lists_the_accounts_users_with_their_roles(http, account: Account):
    email, _, position = await added_member(http, account)

    response = await http.get("/v1/users", headers={**account.auth, "X-Min-Position": str(position)})

    assert response.status_code == 200, response.text
    users = {u["email"]: u["role"] for u in response.json()}
    assert users == {account.email: "owner", email: "member"}


async def test_the_user_list_holds_no_other_accounts_users(http, account: Account, member: Person):
    other = await sign_up(http)

    response = await http.get("/v1/users", headers={**other.auth, "X-Min-Position": str(other.position)})

    assert [u["email"] for u in response.json()] == [other.email]


async def test_adding_a_member_with_an_email_that_has_a_login_is_refused(http, account: Account):
    other = await sign_up(http)

    response = await http.post("/v1/users", json={"email": other.email, "name": "Twice"}, headers=account.auth)

    problem(response, 409, field="email")


async def test_the_owner_cannot_disable_themselves(http, account: Account):
    me = (await http.get("/v1/auth/me", headers=account.auth)).json()

    response = await set_disabled(http, account, me["user_id"], True)

    problem(response, 409, field="user_id")
    assert (await http.get("/v1/auth/me", headers=account.auth)).status_code == 200


async def test_a_disabled_members_token_stops_working_at_once(http, account: Account, member: Person):
    response = await set_disabled(http, account, member.user_id, True)

    assert response.status_code == 200, response.text
    problem(await http.get("/v1/auth/me", headers=member.auth), 401)


async def test_a_disabled_member_cannot_log_in(http, account: Account, member: Person):
    await set_disabled(http, account, member.user_id, True)

    problem(await log_in(http, member.email), 403)


async def test_an_enabled_member_logs_in_again(http, account: Account, member: Person):
    await set_disabled(http, account, member.user_id, True)
    await set_disabled(http, account, member.user_id, False)

    assert (await logged_in(http, member.email)).role == "member"


async def test_a_disabled_member_gets_no_reset_link(http, mail_dir: Path, account: Account, member: Person):
    await mail_to(mail_dir, member.email, INVITATION_SUBJECT)  # the link they got when they were added
    await set_disabled(http, account, member.user_id, True)

    response = await http.post("/v1/auth/password/reset", json={"email": member.email})
    later, _, _ = await added_member(http, account)
    await mail_to(mail_dir, later, INVITATION_SUBJECT)  # queued after the reset request's would-be e-mail

    assert response.status_code == 202
    assert len(mail_in(mail_dir, member.email)) == 1


async def test_an_owner_cannot_disable_another_accounts_user(http, account: Account, member: Person):
    other = await sign_up(http)

    response = await set_disabled(http, other, member.user_id, True)

    problem(response, 404)
    assert (await http.get("/v1/auth/me", headers=member.auth)).status_code == 200
