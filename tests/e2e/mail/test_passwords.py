"""Passwords through HTTP: changing one (needs the current one, ends the other sessions) and the self-service
reset by an e-mailed, single-use link, with a mailer writing the e-mail to a folder."""

import secrets
from pathlib import Path

import pytest

from gateway.throttle import PAIR_LIMIT, RESET_LIMITS
from tests.e2e.api import PASSWORD, Account, new_email, problem, sign_up
from tests.e2e.people import (RESET_SUBJECT, forwarded, log_in, logged_in, mail_in, mail_to, new_address,
                              reset_token)
from tests.support import eventually

NEW_PASSWORD = "Lighthouse-Meadow-77"


async def change(http, account: Account, current: str, new: str, address: str | None = None):
    return await http.post("/v1/auth/password", json={"current_password": current, "new_password": new},
                           headers={**account.auth, **forwarded(address)})


async def request_reset(http, email: str, address: str | None = None):
    """A reset request from `address` (by default one of its own, clear of the hourly limit per address)."""
    response = await http.post("/v1/auth/password/reset", json={"email": email},
                               headers=forwarded(address or new_address()))
    assert response.status_code == 202, response.text
    return response


async def ask_for_reset(http, mail_dir: Path, email: str) -> str:
    """Requests a reset link and answers the token in the e-mail."""
    await request_reset(http, email)
    return reset_token(await mail_to(mail_dir, email, RESET_SUBJECT))


async def reset_mails(mail_dir: Path, email: str, count: int) -> list[str]:
    """The tokens of the reset e-mails to `email`, once `count` of them have arrived."""
    async def arrived() -> bool:
        return len([m for m in mail_in(mail_dir, email) if m["Subject"] == RESET_SUBJECT]) >= count
    await eventually(arrived, what=f"{count} reset e-mails to {email}")
    return [reset_token(m) for m in mail_in(mail_dir, email) if m["Subject"] == RESET_SUBJECT]


async def reset_mail_marker(http, mail_dir: Path) -> None:
    """A reset e-mail asked for after the others, once it arrived: by now the others would be there too."""
    marker = await sign_up(http)
    await ask_for_reset(http, mail_dir, marker.email)


async def confirm(http, token: str, new: str = NEW_PASSWORD):
    return await http.post("/v1/auth/password/reset/confirm", json={"token": token, "new_password": new})


# Changing the password

@pytest.mark.usefixtures("failures_forgotten")
async def test_changing_the_password_makes_the_new_one_the_login(http, account: Account):
    response = await change(http, account, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 200, response.text
    assert (await logged_in(http, account.email, NEW_PASSWORD)).account_id == account.account_id
    problem(await log_in(http, account.email, PASSWORD), 401)


async def test_wrong_current_passwords_are_limited_like_failed_logins(http, account: Account):
    address = new_address()
    for _ in range(PAIR_LIMIT):
        problem(await change(http, account, "Not-The-Password-1", NEW_PASSWORD, address), 422,
                field="current_password")

    problem(await change(http, account, PASSWORD, NEW_PASSWORD, address), 429)
    assert (await logged_in(http, account.email)).account_id == account.account_id  # unchanged


@pytest.mark.usefixtures("failures_forgotten")
async def test_changing_the_password_needs_the_current_one(http, account: Account):
    response = await change(http, account, "Not-The-Password-1", NEW_PASSWORD)

    problem(response, 422, field="current_password")
    assert (await logged_in(http, account.email)).account_id == account.account_id


async def test_a_weak_new_password_is_refused(http, account: Account):
    response = await change(http, account, PASSWORD, "short")

    assert problem(response, 422)["type"].endswith(":weak-password")
    assert (await logged_in(http, account.email)).account_id == account.account_id


async def test_a_weak_new_password_is_refused_naming_the_field(http, account: Account):
    problem(await change(http, account, PASSWORD, "short"), 422, field="new_password")


async def test_changing_the_password_ends_the_users_other_sessions_but_keeps_this_one(http, account: Account):
    other = await logged_in(http, account.email)

    await change(http, account, PASSWORD, NEW_PASSWORD)

    problem(await http.get("/v1/auth/me", headers=other.auth), 401)
    assert (await http.get("/v1/auth/me", headers=account.auth)).status_code == 200


# Self-service reset

async def test_a_reset_request_answers_the_same_for_known_and_unknown_addresses(http, account: Account):
    known = await request_reset(http, account.email)
    unknown = await request_reset(http, new_email())

    assert known.content == unknown.content


async def test_a_reset_request_emails_a_link_to_the_login(http, mail_dir: Path, account: Account):
    await request_reset(http, account.email.upper())

    message = await mail_to(mail_dir, account.email, RESET_SUBJECT)
    assert reset_token(message)


async def test_a_reset_request_for_an_unknown_address_sends_nothing(http, mail_dir: Path, account: Account):
    unknown = new_email()
    await request_reset(http, unknown)
    await ask_for_reset(http, mail_dir, account.email)  # sent after the first one: by now that would be there

    assert mail_in(mail_dir, unknown) == []


@pytest.mark.usefixtures("failures_forgotten")
async def test_the_reset_link_sets_a_new_password_in_place_of_the_old(http, mail_dir: Path, account: Account):
    token = await ask_for_reset(http, mail_dir, account.email)

    response = await confirm(http, token)

    assert response.status_code == 200, response.text
    assert (await logged_in(http, account.email, NEW_PASSWORD)).account_id == account.account_id
    problem(await log_in(http, account.email, PASSWORD), 401)


async def test_resetting_the_password_ends_every_session_of_the_user(http, mail_dir: Path, account: Account):
    other = await logged_in(http, account.email)
    token = await ask_for_reset(http, mail_dir, account.email)

    await confirm(http, token)

    problem(await http.get("/v1/auth/me", headers=account.auth), 401)
    problem(await http.get("/v1/auth/me", headers=other.auth), 401)


async def test_a_reset_link_works_only_once(http, mail_dir: Path, account: Account):
    token = await ask_for_reset(http, mail_dir, account.email)
    await confirm(http, token)

    response = await confirm(http, token, "Another-Pass-Phrase-9")

    problem(response, 422, field="token")
    assert (await logged_in(http, account.email, NEW_PASSWORD)).account_id == account.account_id


async def test_a_made_up_reset_token_is_refused_naming_the_token(http):
    response = await confirm(http, secrets.token_urlsafe(32))

    problem(response, 422, field="token")


async def test_a_weak_password_leaves_the_reset_link_usable(http, mail_dir: Path, account: Account):
    token = await ask_for_reset(http, mail_dir, account.email)

    weak = await confirm(http, token, "password123")
    strong = await confirm(http, token)

    assert problem(weak, 422)["type"].endswith(":weak-password")
    assert strong.status_code == 200, strong.text



async def test_using_one_reset_link_spends_the_users_other_links(http, mail_dir: Path, account: Account):
    await request_reset(http, account.email)
    await request_reset(http, account.email)
    first, second = await reset_mails(mail_dir, account.email, 2)

    assert (await confirm(http, second)).status_code == 200

    problem(await confirm(http, first, "Another-Pass-Phrase-9"), 422, field="token")
    assert (await logged_in(http, account.email, NEW_PASSWORD)).account_id == account.account_id


async def test_changing_the_password_spends_outstanding_reset_links(http, mail_dir: Path, account: Account):
    token = await ask_for_reset(http, mail_dir, account.email)

    assert (await change(http, account, PASSWORD, NEW_PASSWORD)).status_code == 200

    problem(await confirm(http, token, "Another-Pass-Phrase-9"), 422, field="token")


async def test_reset_mails_per_login_are_limited_and_the_answer_stays_the_same(http, mail_dir: Path,
                                                                               account: Account):
    answers = [(await request_reset(http, account.email)).content for _ in range(RESET_LIMITS["login"] + 1)]
    await reset_mails(mail_dir, account.email, RESET_LIMITS["login"])

    await reset_mail_marker(http, mail_dir)

    assert len(set(answers)) == 1
    assert len([m for m in mail_in(mail_dir, account.email) if m["Subject"] == RESET_SUBJECT]) == \
        RESET_LIMITS["login"]


async def test_reset_mails_per_address_are_limited(http, pool, mail_dir: Path, account: Account):
    address = new_address()
    for _ in range(RESET_LIMITS["address"]):  # for addresses without a login: they count all the same
        await request_reset(http, new_email(), address)

    async def counted() -> bool:  # each is counted after its answer: let them all be, before the next one
        return await pool.fetchval("SELECT count(*) FROM reset_requests WHERE scope = 'address' AND key = $1",
                                   address) == RESET_LIMITS["address"]
    await eventually(counted, what="the reset requests to be counted")
    await request_reset(http, account.email, address)
    await reset_mail_marker(http, mail_dir)

    assert [m for m in mail_in(mail_dir, account.email) if m["Subject"] == RESET_SUBJECT] == []
