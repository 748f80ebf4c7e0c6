"""Two-factor authentication through HTTP: a secret set up and confirmed with a code, logins that then need a
code (or a one-time recovery code), and turning it off again with a code."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from domain.totp import code_at, current_step
from gateway.throttle import PAIR_LIMIT
from tests.e2e.api import Account, problem
from tests.e2e.people import authenticator_code, forwarded, log_in, logged_in, new_address


@dataclass(frozen=True)
class TwoFactor:
    account: Account
    secret: str
    recovery_codes: list[str]
    position: int  # of the enabling command


def wrong_code(secret: str) -> str:
    """A six-digit code the authenticator shows at none of the accepted steps."""
    step = current_step(datetime.now(UTC))
    accepted = {code_at(secret, step + d) for d in range(-2, 3)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in accepted)


async def set_up(http, account: Account) -> str:
    response = await http.post("/v1/auth/2fa/setup", headers=account.auth)
    assert response.status_code == 200, response.text
    return response.json()["secret"]


@pytest.fixture
async def two_factor(http, account: Account) -> TwoFactor:
    secret = await set_up(http, account)
    response = await http.post("/v1/auth/2fa/enable", json={"secret": secret, "code": authenticator_code(secret)},
                               headers=account.auth)
    assert response.status_code == 200, response.text
    return TwoFactor(account, secret, response.json()["recovery_codes"], response.json()["position"])


async def test_setting_up_answers_a_secret_for_the_authenticator_app(http, account: Account):
    response = await http.post("/v1/auth/2fa/setup", headers=account.auth)

    body = response.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/Portal:")
    assert f"secret={body['secret']}" in body["otpauth_uri"]


async def test_setting_up_alone_leaves_logins_without_a_code(http, account: Account):
    await set_up(http, account)

    assert (await logged_in(http, account.email)).role == "owner"


@pytest.mark.usefixtures("failures_forgotten")
async def test_enabling_with_a_wrong_code_is_refused_naming_the_code(http, account: Account):
    secret = await set_up(http, account)
    response = await http.post("/v1/auth/2fa/enable", json={"secret": secret, "code": wrong_code(secret)},
                               headers=account.auth)

    problem(response, 401, field="code")
    assert (await logged_in(http, account.email)).role == "owner"


async def test_enabling_answers_ten_distinct_recovery_codes(two_factor: TwoFactor):
    assert len(set(two_factor.recovery_codes)) == 10


async def test_recovery_codes_are_80_bits_in_typeable_groups(two_factor: TwoFactor):
    for code in two_factor.recovery_codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")  # 16 x 5 bits


async def test_a_recovery_code_typed_in_lower_case_without_dashes_works(http, two_factor: TwoFactor):
    typed = two_factor.recovery_codes[5].replace("-", "").lower()

    assert (await logged_in(http, two_factor.account.email, code=typed)).role == "owner"


async def test_the_user_is_shown_with_two_factor_on(http, two_factor: TwoFactor):
    me = await http.get("/v1/auth/me", headers={**two_factor.account.auth,
                                                "X-Min-Position": str(two_factor.position)})

    assert me.json()["two_factor"] is True


async def test_a_login_without_a_code_asks_for_one(http, two_factor: TwoFactor):
    response = await log_in(http, two_factor.account.email)

    body = problem(response, 401, field="code")
    assert body["type"].endswith(":two-factor-required")
    assert "token" not in body


async def test_a_login_with_the_current_code_succeeds(http, two_factor: TwoFactor):
    person = await logged_in(http, two_factor.account.email, code=authenticator_code(two_factor.secret, ahead=1))

    assert person.account_id == two_factor.account.account_id


@pytest.mark.usefixtures("failures_forgotten")
async def test_a_login_with_a_wrong_code_is_refused(http, two_factor: TwoFactor):
    response = await log_in(http, two_factor.account.email, code=wrong_code(two_factor.secret))

    problem(response, 401, field="code")


@pytest.mark.usefixtures("failures_forgotten")
async def test_a_wrong_password_with_a_right_code_is_refused_like_any_wrong_password(http, two_factor: TwoFactor):
    response = await log_in(http, two_factor.account.email, "Not-The-Password-1",
                            code=authenticator_code(two_factor.secret, ahead=1))

    assert problem(response, 401)["type"].endswith(":invalid-credentials")


async def test_a_recovery_code_logs_in_in_place_of_a_code(http, two_factor: TwoFactor):
    person = await logged_in(http, two_factor.account.email, code=two_factor.recovery_codes[0])

    assert person.account_id == two_factor.account.account_id


@pytest.mark.usefixtures("failures_forgotten")
async def test_a_recovery_code_works_only_once(http, two_factor: TwoFactor):
    code = two_factor.recovery_codes[3]
    await logged_in(http, two_factor.account.email, code=code)

    response = await log_in(http, two_factor.account.email, code=code)

    problem(response, 401, field="code")


async def test_spending_one_recovery_code_leaves_the_others_usable(http, two_factor: TwoFactor):
    await logged_in(http, two_factor.account.email, code=two_factor.recovery_codes[0])

    assert (await logged_in(http, two_factor.account.email, code=two_factor.recovery_codes[1])).role == "owner"


async def test_enabling_twice_is_refused(http, two_factor: TwoFactor):
    secret = await set_up(http, two_factor.account)

    response = await http.post("/v1/auth/2fa/enable", json={"secret": secret, "code": authenticator_code(secret)},
                               headers=two_factor.account.auth)

    problem(response, 409)


async def test_disabling_with_a_code_lets_logins_in_without_one(http, two_factor: TwoFactor):
    response = await http.post("/v1/auth/2fa/disable", json={"code": authenticator_code(two_factor.secret, ahead=1)},
                               headers=two_factor.account.auth)

    assert response.status_code == 200, response.text
    assert (await logged_in(http, two_factor.account.email)).role == "owner"


@pytest.mark.usefixtures("failures_forgotten")
async def test_disabling_with_a_wrong_code_leaves_two_factor_on(http, two_factor: TwoFactor):
    response = await http.post("/v1/auth/2fa/disable", json={"code": wrong_code(two_factor.secret)},
                               headers=two_factor.account.auth)

    problem(response, 401, field="code")
    problem(await log_in(http, two_factor.account.email), 401, field="code")


@pytest.mark.usefixtures("failures_forgotten")
async def test_an_authenticator_code_works_only_once(http, two_factor: TwoFactor):
    code = authenticator_code(two_factor.secret, ahead=1)  # the current one went into turning it on
    await logged_in(http, two_factor.account.email, code=code)

    response = await log_in(http, two_factor.account.email, code=code)

    problem(response, 401, field="code")


async def test_wrong_codes_turning_it_off_are_limited_like_failed_logins(http, two_factor: TwoFactor):
    headers = {**two_factor.account.auth, **forwarded(new_address())}
    for _ in range(PAIR_LIMIT):
        response = await http.post("/v1/auth/2fa/disable", json={"code": wrong_code(two_factor.secret)},
                                   headers=headers)
        problem(response, 401, field="code")

    response = await http.post("/v1/auth/2fa/disable", json={"code": two_factor.recovery_codes[0]}, headers=headers)

    problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    problem(await log_in(http, two_factor.account.email), 401, field="code")  # still on
