"""Hostile bodies: control characters and direction overrides in free text, e-mail addresses that are not
one, numbers posing as booleans, and bodies that are not JSON. Each is refused with a problem naming the
field in words, and changes nothing; ordinary Unicode is welcome."""

from typing import Any

import httpx
import msgspec
import pytest

from domain.application import Portal
from tests.e2e.api import CARD, PASSWORD, command, new_email, problem, sign_up
from tests.e2e.devices import device_of, read
from tests.e2e.people import added_member, staff_member

FORBIDDEN = {"nul": "\u0000", "escape": "\u001b", "line-break": "\n", "delete": "\u007f", "c1-next-line": "\u0085",
             "right-to-left-override": "\u202e", "first-strong-isolate": "\u2068"}


def signup_body(**overrides: Any) -> dict[str, Any]:
    return {"email": new_email(), "password": PASSWORD, "name": "Ann Example", **overrides}


def refused_in_words(response: httpx.Response, field: str, status: int = 422) -> dict[str, Any]:
    """A problem naming the field, in a sentence rather than a pattern."""
    body = problem(response, status, field=field)
    assert "regex" not in body["detail"] and "\\x" not in body["detail"], body["detail"]
    return body


@pytest.mark.parametrize("character", FORBIDDEN.values(), ids=FORBIDDEN.keys())
async def test_a_signup_name_with_a_control_or_override_character_opens_no_account(http, portal: Portal,
                                                                                  character):
    body = signup_body(name=f"Eve{character}Null")

    refused_in_words(await http.post("/v1/signup", json=body), "name")

    assert portal.find_login_or_none(body["email"]) is None


async def test_ordinary_unicode_names_are_welcome(http):
    name = "Zoë Ünal-Øre 张伟 ✨🚀"
    account = await sign_up(http, name=name)

    tab = await read(http, account, "/v1/license", account.position)

    assert tab["contact"]["name"] == name


async def test_a_comment_with_nul_is_refused_and_the_old_comment_stays(http, account):
    client_id, at = await (await device_of(http, account)).register()
    at = await command(http, account, "PATCH", f"/v1/clients/{client_id}", {"comment": "hello world"})

    response = await http.patch(f"/v1/clients/{client_id}", json={"comment": "hello\u0000world"},
                                headers=account.auth)

    refused_in_words(response, "comment")
    assert (await read(http, account, f"/v1/clients/{client_id}", at))["comment"] == "hello world"


def free_text_routes() -> dict[str, tuple[str, str, Any, str]]:
    """Every free-text field an account's owner can send: (method, path, body with `{}` for the text, field)."""
    return {
        "contact-name": ("PUT", "/v1/account/contact", {"name": "{}"}, "name"),
        "contact-street": ("PUT", "/v1/account/contact", {"name": "Ann", "street": "{}"}, "street"),
        "contact-city": ("PUT", "/v1/account/contact", {"name": "Ann", "city": "{}"}, "city"),
        "contact-postal-code": ("PUT", "/v1/account/contact", {"name": "Ann", "postal_code": "{}"}, "postal_code"),
        "card-holder": ("PUT", "/v1/account/payment", {**CARD, "holder": "{}"}, "holder"),
        "api-key-name": ("POST", "/v1/api-keys", {"name": "{}", "scope": "read"}, "name"),
        "member-name": ("POST", "/v1/users", {"email": new_email(), "name": "{}"}, "name"),
        "time-zone": ("PATCH", "/v1/settings", {"time_zone": "{}"}, "time_zone"),
    }


@pytest.mark.parametrize("route", free_text_routes())
async def test_every_free_text_field_refuses_nul_and_records_nothing(http, account, portal: Portal, route):
    method, path, body, field = free_text_routes()[route]
    body = {k: (v.replace("{}", "Ann\u0000") if isinstance(v, str) else v) for k, v in body.items()}
    head = portal.current_position()

    refused_in_words(await http.request(method, path, json=body, headers=account.auth), field)

    assert portal.current_position() == head


async def test_a_session_comment_with_an_override_is_refused(http, account):
    device = await device_of(http, account)
    (a, _), (b, _) = await device.register(), await device.register()
    session_id, at = await device.session(a, b)

    response = await http.patch(f"/v1/sessions/{session_id}", json={"comment": "paid\u202eevil"},
                                headers=account.auth)

    refused_in_words(response, "comment")
    assert (await read(http, account, f"/v1/sessions/{session_id}", at))["comment"] in ("", None)


async def test_a_suppression_reason_with_nul_is_refused(http, settings, portal: Portal):
    admin = await staff_member(http, settings, "administrator")
    body = {"email": new_email(), "reason": "bounced\u0000"}
    head = portal.current_position()

    refused_in_words(await http.post("/v1/admin/email/suppressions", json=body, headers=admin.auth), "reason")

    assert portal.current_position() == head


# E-mail addresses

@pytest.mark.parametrize("address", ["ann\u0000@example.com", "ann@exam\u0000ple.com", "ann\u202e@example.com",
                                     "Ann <ann@example.com>", "ann@example..com", "ann@[127.0.0.1]"])
async def test_an_address_that_is_not_one_plain_address_is_refused(http, portal: Portal, address):
    refused_in_words(await http.post("/v1/signup", json=signup_body(email=address)), "email")


async def test_a_members_address_with_a_control_character_adds_no_member(http, account, portal: Portal):
    head = portal.current_position()
    body = {"email": f"max\u0007{new_email()}", "name": "Max Member"}

    refused_in_words(await http.post("/v1/users", json=body, headers=account.auth), "email")

    assert portal.current_position() == head


async def test_an_address_is_one_login_whatever_its_case(http):
    email = new_email()
    await sign_up(http, email=email.upper())

    response = await http.post("/v1/auth/login", json={"email": email, "password": PASSWORD})

    assert response.status_code == 200, response.text


# Strict types

async def test_a_number_is_not_a_boolean_and_the_member_stays_enabled(http, account):
    _, user_id, position = await added_member(http, account)

    body = refused_in_words(await http.patch(f"/v1/users/{user_id}", json={"disabled": 0}, headers=account.auth),
                            "disabled")

    assert body["detail"] == "disabled: true or false, not a whole number"

    users = {u["user_id"]: u for u in (await http.get("/v1/users", headers={
        **account.auth, "X-Min-Position": str(position)})).json()}
    assert users[user_id]["disabled"] is False


async def test_a_number_is_not_a_month(http, account):
    refused_in_words(await http.put("/v1/account/payment", json={**CARD, "expiry_month": "12"},
                                    headers=account.auth), "expiry_month")


# Only JSON bodies

@pytest.mark.parametrize("content_type", ["text/plain", None, "application/x-www-form-urlencoded"])
async def test_a_body_that_is_not_declared_json_is_unsupported(http, portal: Portal, content_type):
    body = signup_body()
    headers = {"content-type": content_type} if content_type else {}

    response = await http.post("/v1/signup", content=msgspec.json.encode(body), headers=headers)

    problem(response, 415, field="Content-Type")
    assert portal.find_login_or_none(body["email"]) is None


async def test_a_structured_json_media_type_is_json(http):
    response = await http.post("/v1/signup", content=msgspec.json.encode(signup_body()), headers={"content-type": "application/vnd.portal+json"})

    assert response.status_code == 201, response.text


@pytest.mark.parametrize("body", [b"hello", b'{"product": "professional"}', b"[" * 1_000 + b"]" * 1_000])
async def test_credentials_are_checked_before_the_body(http, body):
    response = await http.post("/v1/license/upgrade", content=body, headers={"content-type": "text/plain"})

    problem(response, 401)


DEEP = b"[" * 1_000 + b"]" * 1_000


async def test_json_nested_a_thousand_deep_where_text_belongs_is_refused_naming_the_field(http, account):
    response = await http.put("/v1/account/contact", content=b'{"name": ' + DEEP + b"}",
                              headers={**account.auth, "content-type": "application/json"})

    problem(response, 422, field="name")


async def test_json_nested_a_thousand_deep_before_the_payment_kind_is_a_bad_request(http, account):
    response = await http.put("/v1/account/payment", content=b'{"holder": ' + DEEP + b', "kind": "card"}',
                              headers={**account.auth, "content-type": "application/json"})

    assert problem(response, 400)["detail"] == "The request body is nested too deeply"
