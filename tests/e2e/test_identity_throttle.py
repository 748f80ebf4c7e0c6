"""Failed logins are limited per login (5) and per client address (20) in a 15-minute window: 429 with
Retry-After, whatever the password. Every test request comes from 127.0.0.1, so each test forgets the address
failures it caused: otherwise the whole session's later logins would be refused."""

import pytest

from gateway.throttle import LIMITS, WINDOW
from tests.e2e.api import Account, new_email, problem
from tests.e2e.people import TEST_ADDRESS, log_in, logged_in

WRONG = "Not-The-Password-1"

pytestmark = pytest.mark.usefixtures("failures_forgotten")


async def fail_logins(http, email: str, times: int) -> None:
    for _ in range(times):
        problem(await log_in(http, email, WRONG), 401)


def retry_after(response) -> int:
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= WINDOW.total_seconds() + 1
    return seconds


async def test_five_failed_logins_for_one_email_are_answered_429_with_retry_after(http, account: Account):
    await fail_logins(http, account.email, LIMITS["login"])

    response = await log_in(http, account.email, WRONG)

    problem(response, 429)
    retry_after(response)


async def test_a_throttled_login_is_refused_even_with_the_right_password(http, account: Account):
    await fail_logins(http, account.email, LIMITS["login"])

    response = await log_in(http, account.email)

    problem(response, 429)
    retry_after(response)


async def test_a_throttled_login_looks_the_same_whether_or_not_the_email_exists(http, account: Account):
    unknown = new_email()
    await fail_logins(http, account.email, LIMITS["login"])
    await fail_logins(http, unknown, LIMITS["login"])

    known_body = problem(await log_in(http, account.email), 429)
    unknown_body = problem(await log_in(http, unknown), 429)

    assert {k: v for k, v in known_body.items() if k != "detail"} == \
        {k: v for k, v in unknown_body.items() if k != "detail"}


async def test_fewer_failures_than_the_limit_still_let_the_right_password_in(http, account: Account):
    await fail_logins(http, account.email, LIMITS["login"] - 1)

    assert (await logged_in(http, account.email)).account_id == account.account_id


async def test_one_logins_failures_do_not_throttle_another_login(http, account: Account):
    await fail_logins(http, new_email(), LIMITS["login"])

    assert (await logged_in(http, account.email)).account_id == account.account_id


async def test_twenty_failures_from_one_address_throttle_every_login_from_it(http, pool, account: Account):
    earlier = await pool.fetchval(
        "SELECT count(*) FROM login_failures WHERE scope = 'address' AND key = $1 AND failed_at > now() - $2::interval",
        TEST_ADDRESS, WINDOW)
    assert earlier < LIMITS["address"], "earlier tests left this address throttled"
    for _ in range(LIMITS["address"] - earlier):
        problem(await log_in(http, new_email(), WRONG), 401)  # a fresh e-mail each time: no login limit reached

    response = await log_in(http, account.email)

    problem(response, 429)
    retry_after(response)

