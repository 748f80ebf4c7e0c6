"""Refusals at the HTTP edge: malformed or invalid input, missing or bad credentials, taken values, and
tenant isolation. Every error is RFC 9457 problem+json, and a refused command records nothing."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from domain.application import Portal
from tests.e2e.api import CARD, PASSWORD, Account, command, license_tab, new_email, new_namespace, problem, sign_up

LUHN_INVALID = "4242 4242 4242 4241"


def signup_body(**overrides: Any) -> dict[str, Any]:
    return {"email": new_email(), "password": PASSWORD, "name": "Ann Example", **overrides}


# Malformed and invalid bodies

async def test_malformed_json_is_a_bad_request(http):
    response = await http.post("/v1/signup", content=b'{"email": ', headers={"content-type": "application/json"})

    problem(response, 400)


async def test_a_wrong_type_is_refused_naming_the_field(http):
    problem(await http.post("/v1/signup", json=signup_body(email=12)), 422, field="email")


async def test_a_missing_field_is_refused_naming_it(http):
    body = signup_body()
    del body["name"]

    assert "`name`" in problem(await http.post("/v1/signup", json=body), 422)["detail"]


async def test_an_unknown_field_is_refused_naming_it(http):
    response = await http.post("/v1/signup", json=signup_body(is_admin=True))

    assert "`is_admin`" in problem(response, 422)["detail"]


async def test_a_body_over_64_kib_is_refused_as_too_large(http):
    problem(await http.post("/v1/signup", json=signup_body(name="x" * 65 * 1024)), 413)


@pytest.mark.parametrize("password", ["Short-1", "aaaaaaaaaaaa", "password123", "My-{local}-2024"],
                         ids=["too-short", "repetitive", "common", "contains-the-email"])
async def test_a_weak_password_is_refused(http, password):
    email = new_email()
    body = signup_body(email=email, password=password.format(local=email.split("@")[0]))

    problem(await http.post("/v1/signup", json=body), 422, field="password")


@pytest.mark.parametrize("email", ["not-an-email", "ann@localhost", "ann example@example.com", "@example.com"])
async def test_a_malformed_email_is_refused(http, email):
    problem(await http.post("/v1/signup", json=signup_body(email=email)), 422, field="email")


@pytest.mark.parametrize("spelling", [str, str.upper, str.title], ids=["same", "upper", "title"])
async def test_a_taken_email_is_refused_whatever_its_case(http, account, spelling: Callable[[str], str]):
    response = await http.post("/v1/signup", json=signup_body(email=spelling(account.email)))

    assert problem(response, 409, field="email")["type"].endswith("email-taken")


async def test_signing_up_twice_at_once_opens_one_account(http):
    body = signup_body()
    responses = await asyncio.gather(*(http.post("/v1/signup", json=body) for _ in range(4)))

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]


# Credentials

async def test_a_request_without_a_token_is_unauthorized_and_says_how_to_authenticate(http):
    response = await http.get("/v1/license")

    problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("authorization", ["Bearer not-a-token", "Basic YW5uOnNlY3JldA==", "Bearer"])
async def test_a_garbage_or_foreign_scheme_token_is_unauthorized(http, authorization):
    response = await http.get("/v1/license", headers={"Authorization": authorization})

    problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_a_command_without_a_token_is_unauthorized(http):
    problem(await http.post("/v1/license/upgrade", json={"product": "professional"}), 401)


# License commands

async def test_an_unknown_product_is_refused_naming_the_field(http, account):
    response = await http.post("/v1/license/upgrade", json={"product": "gold"}, headers=account.auth)

    problem(response, 422, field="product")


async def test_a_downgrade_is_refused_naming_the_field(http, professional):
    response = await http.post("/v1/license/upgrade", json={"product": "lite"}, headers=professional.auth)

    problem(response, 409, field="product")


@pytest.mark.parametrize("namespace", ["Upper", "-leading", "trailing-", "ab", "under_score", "x" * 33])
async def test_a_malformed_namespace_is_refused(http, professional, namespace):
    response = await http.post("/v1/license/namespace", json={"namespace": namespace}, headers=professional.auth)

    problem(response, 422, field="namespace")


async def test_a_namespace_owned_by_another_account_is_refused(http, professional):
    name = new_namespace()
    await command(http, professional, "POST", "/v1/license/namespace", {"namespace": name})
    other = await sign_up(http)
    await command(http, other, "POST", "/v1/license/upgrade", {"product": "professional"})

    response = await http.post("/v1/license/namespace", json={"namespace": name}, headers=other.auth)

    assert problem(response, 409, field="namespace")["type"].endswith("namespace-taken")


async def test_one_namespace_bought_by_two_accounts_at_once_goes_to_one(http):
    buyers = await asyncio.gather(sign_up(http), sign_up(http))
    for buyer in buyers:
        await command(http, buyer, "POST", "/v1/license/upgrade", {"product": "professional"})
    name = new_namespace()

    responses = await asyncio.gather(*(http.post("/v1/license/namespace", json={"namespace": name},
                                                 headers=buyer.auth) for buyer in buyers))

    assert sorted(r.status_code for r in responses) == [200, 409]


# Payment

async def test_a_card_number_failing_the_luhn_check_is_refused(http, account):
    response = await http.put("/v1/account/payment", json={**CARD, "card_number": LUHN_INVALID},
                              headers=account.auth)

    problem(response, 422, field="card_number")


async def test_an_invalid_iban_is_refused(http, account):
    sepa = {"kind": "sepa_debit", "iban": "DE89 3704 0044 0532 0130 01", "holder": "Ann Example"}

    problem(await http.put("/v1/account/payment", json=sepa, headers=account.auth), 422, field="iban")


async def test_a_card_number_of_spaces_only_is_refused(http, account):
    response = await http.put("/v1/account/payment", json={**CARD, "card_number": " " * 12}, headers=account.auth)

    problem(response, 422, field="card_number")


async def test_a_card_number_of_two_digits_padded_with_spaces_is_refused(http, account):
    response = await http.put("/v1/account/payment", json={**CARD, "card_number": "1          8"},
                              headers=account.auth)

    problem(response, 422, field="card_number")


# Routing

async def test_an_unknown_route_is_not_found(http):
    problem(await http.get("/v1/no-such-thing"), 404)


async def test_a_wrong_method_is_not_allowed_and_says_which_are(http):
    response = await http.get("/v1/signup")

    problem(response, 405)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("value", ["-1", "soon"])
async def test_an_invalid_min_position_is_refused_naming_the_header(http, account, value):
    response = await http.get("/v1/license", headers={**account.auth, "X-Min-Position": value})

    problem(response, 422, field="X-Min-Position")


# Tenant isolation

async def test_another_accounts_token_only_ever_sees_its_own_license(http):
    a, b = await sign_up(http), await sign_up(http)
    name = new_namespace()
    await command(http, a, "POST", "/v1/license/upgrade", {"product": "professional"})
    await command(http, a, "POST", "/v1/license/namespace", {"namespace": name})
    last = await command(http, a, "PUT", "/v1/account/payment", CARD)
    a_tab = await license_tab(http, a, last)

    response = await http.get("/v1/license", headers={**b.auth, "X-Min-Position": str(last)})

    b_tab = response.json()
    assert (b_tab["account_id"], b_tab["email"], b_tab["product"]["code"]) == (b.account_id, b.email, "free")
    assert (b_tab["namespace"], b_tab["payment_method"]) == (None, None)
    for secret in (a.account_id, a.email, a.customer_number, a_tab["license_key"], name):
        assert secret not in response.text


# A refused command records nothing

REFUSED: dict[str, tuple[str, str, Callable[[Account], Any], int]] = {
    "unknown-product": ("POST", "/v1/license/upgrade", lambda a: {"product": "gold"}, 422),
    "not-an-upgrade": ("POST", "/v1/license/upgrade", lambda a: {"product": "free"}, 409),
    "namespace-on-free": ("POST", "/v1/license/namespace", lambda a: {"namespace": new_namespace()}, 409),
    "cancel-free": ("POST", "/v1/license/cancel", lambda a: None, 409),
    "luhn-invalid-card": ("PUT", "/v1/account/payment", lambda a: {**CARD, "card_number": LUHN_INVALID}, 422),
    "bad-country": ("PUT", "/v1/account/contact", lambda a: {"name": "Ann", "country": "de"}, 422),
    "unknown-field": ("PUT", "/v1/account/contact", lambda a: {"name": "Ann", "role": "admin"}, 422),
    "taken-email": ("POST", "/v1/signup", lambda a: signup_body(email=a.email.upper()), 409),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_a_refused_command_changes_nothing(http, account, portal: Portal, case):
    method, path, body, status = REFUSED[case]
    head = portal.current_position()
    before = await license_tab(http, account, head)

    problem(await http.request(method, path, json=body(account), headers=account.auth), status)

    assert portal.current_position() == head
    assert await license_tab(http, account, head) == before
