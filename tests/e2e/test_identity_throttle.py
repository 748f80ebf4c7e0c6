"""Failed logins through HTTP: 5 from one address at one login, or 20 from one address at any, make that
address wait (429 + Retry-After), whatever the password; from elsewhere the right password still gets in, and
failures from many addresses only pace the login. Each test sends from addresses of its own (X-Forwarded-For
through the trusted local proxy), and forgets what it caused from 127.0.0.1 itself."""

import pytest

from gateway.throttle import ADDRESS_LIMIT, MAX_PAUSE, PAIR_LIMIT, SLOW_AFTER, WINDOW
from tests.e2e.api import Account, new_email, problem
from tests.e2e.people import log_in, logged_in, new_address
from tests.support import eventually

WRONG = "Not-The-Password-1"

pytestmark = pytest.mark.usefixtures("failures_forgotten")


async def fail_logins(http, email: str, times: int, address: str | None = None) -> None:
    """Wrong passwords, from `address` (or each from an address of its own)."""
    for _ in range(times):
        problem(await log_in(http, email, WRONG, address=address or new_address()), 401)


def retry_after(response, at_most: float = WINDOW.total_seconds()) -> int:
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= at_most + 1
    return seconds


async def test_five_failures_at_one_login_from_one_address_make_that_address_wait(http, account: Account):
    address = new_address()
    await fail_logins(http, account.email, PAIR_LIMIT, address)

    response = await log_in(http, account.email, address=address)  # even the right password

    problem(response, 429)
    assert retry_after(response) > MAX_PAUSE.total_seconds()  # the window, not a short pause


async def test_the_right_password_from_another_address_still_gets_in(http, account: Account):
    await fail_logins(http, account.email, PAIR_LIMIT, new_address())

    assert (await logged_in(http, account.email, address=new_address())).account_id == account.account_id


async def test_a_forged_hop_left_of_the_proxy_does_not_give_a_fresh_address(http, account: Account):
    address = new_address()
    for _ in range(PAIR_LIMIT):  # each time a different forged first hop; the proxy appended `address`
        problem(await log_in(http, account.email, WRONG, address=f"{new_address()}, {address}"), 401)

    problem(await log_in(http, account.email, address=f"{new_address()}, {address}"), 429)


async def test_a_throttled_login_looks_the_same_whether_or_not_the_email_exists(http, account: Account):
    address, unknown = new_address(), new_email()
    await fail_logins(http, account.email, PAIR_LIMIT, address)
    await fail_logins(http, unknown, PAIR_LIMIT, address)

    known_body = problem(await log_in(http, account.email, address=address), 429)
    unknown_body = problem(await log_in(http, unknown, address=address), 429)

    assert {k: v for k, v in known_body.items() if k != "detail"} == \
        {k: v for k, v in unknown_body.items() if k != "detail"}


async def test_fewer_failures_than_the_limit_still_let_the_right_password_in(http, account: Account):
    address = new_address()
    await fail_logins(http, account.email, PAIR_LIMIT - 1, address)

    assert (await logged_in(http, account.email, address=address)).account_id == account.account_id


async def test_one_logins_failures_do_not_throttle_another_login(http, account: Account):
    address = new_address()
    await fail_logins(http, new_email(), PAIR_LIMIT, address)

    assert (await logged_in(http, account.email, address=address)).account_id == account.account_id


async def test_twenty_failures_from_one_address_throttle_every_login_from_it(http, account: Account):
    address = new_address()
    for _ in range(ADDRESS_LIMIT):  # a fresh e-mail each time: no per-login limit is reached
        problem(await log_in(http, new_email(), WRONG, address=address), 401)

    response = await log_in(http, account.email, address=address)

    problem(response, 429)
    retry_after(response)


async def test_failures_from_many_addresses_only_pace_the_login(http, account: Account):
    await fail_logins(http, account.email, SLOW_AFTER)
    paced = await log_in(http, account.email, address=new_address())

    async def gets_in() -> bool:
        return (await log_in(http, account.email, address=new_address())).status_code == 200

    problem(paced, 429)
    retry_after(paced, at_most=MAX_PAUSE.total_seconds())
    await eventually(gets_in, timeout=MAX_PAUSE.total_seconds() + 5, what="the paced login to let the owner in")
