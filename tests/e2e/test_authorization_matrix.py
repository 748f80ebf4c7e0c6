"""Tenant isolation, proved: every route of the gateway (read from the app's own route table) × every role
× own account / another account / no credentials, each answer checked against tests/e2e/authorization.py."""

import re
from uuid import uuid4
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar.routes import HTTPRoute

from gateway.app import create_app
from tests.e2e.anydesk import AnyDesk, anydesk_of
from tests.e2e.api import PASSWORD
from tests.e2e.authorization import DEVICE_ROUTES, RULES, Rule
from tests.e2e.signed_routes import ANYDESK_ROUTES
from tests.e2e.world import EVERYONE, ROLES, World, build_world
from workers.config import Settings
from workers.staff import add_staff


def app_routes() -> set[tuple[str, str]]:
    app = create_app(Settings(database_url="postgresql://unused", nats_url="nats://unused"),
                     open_portal=lambda: pytest.fail("the route table needs no event store"),
                     connect_bus=lambda: pytest.fail("the route table needs no bus"))
    return {(method, route.path) for route in app.routes if isinstance(route, HTTPRoute)
            for method in route.methods - {"HEAD", "OPTIONS"}}


@pytest.fixture(scope="module")
async def world(gateway: str, settings: Settings) -> AsyncIterator[World]:
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        yield await build_world(http, lambda email, role: add_staff(settings, email, "Staff", role, PASSWORD))


async def send(w: World, method: str, path: str, rule: Rule, role: str,
               params: dict[str, str]) -> httpx.Response:
    response = await send_with(w, method, path, rule, await w.token(role, fresh=rule.fresh_token), params)
    if rule.fresh_token:
        await w.renew(role)  # logging out everywhere also ended the role's shared session
    return response


async def send_with(w: World, method: str, path: str, rule: Rule, token: str | None,
                    params: dict[str, str]) -> httpx.Response:
    url = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: params[m.group(1)], path)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = rule.body(w) if rule.body else None
    async with w.http.stream(method, url, json=body, headers=headers, params=rule.query) as response:
        if not response.headers.get("content-type", "").startswith("text/event-stream"):
            await response.aread()  # a live event stream never ends: its status says enough
    return response


def verdict(response: httpx.Response) -> str:
    problem = response.json() if response.headers.get("content-type") == "application/problem+json" else {}
    kind = problem.get("type", "").rpartition(":")[2]
    if response.status_code == 401 and kind == "unauthenticated":
        return "unauthenticated"
    if response.status_code == 403 and kind in ("forbidden", "read-only-key"):
        return "forbidden"
    if response.status_code == 404:
        return "not found"
    assert response.status_code < 500, response.text
    return "allowed"


def expected(rule: Rule, role: str) -> str:
    if role in rule.allowed:
        return "allowed"
    if role in rule.hidden:
        return "not found"
    return "unauthenticated" if role == "anonymous" else "forbidden"


def test_every_route_has_a_rule() -> None:
    assert app_routes() == set(RULES) | DEVICE_ROUTES | set(ANYDESK_ROUTES)


@pytest.mark.parametrize(("route", "role"), [(r, role) for r in sorted(RULES) for role in ROLES],
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
async def test_each_role_gets_what_the_rules_say(world: World, route: tuple[str, str], role: str) -> None:
    method, path = route
    rule = RULES[route]
    params = await rule.params(world, role) if rule.params else {}
    response = await send(world, method, path, rule, role, params)
    assert verdict(response) == expected(rule, role), response.text


OTHER_ACCOUNT_CASES = [(r, role) for r in sorted(RULES) if RULES[r].other for role in sorted(RULES[r].allowed)]


@pytest.mark.parametrize(("route", "role"), OTHER_ACCOUNT_CASES,
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
async def test_another_accounts_ids_are_not_found(world: World, route: tuple[str, str], role: str) -> None:
    method, path = route
    rule = RULES[route]
    response = await send(world, method, path, rule, role, rule.other(world))  # type: ignore[misc]
    # Auditors, administrators and the platform's own help desk see every account.
    expected_verdict = "allowed" if role in {"auditor", "administrator", "help_desk"} else "not found"
    assert verdict(response) == expected_verdict, response.text


@pytest.fixture(scope="module")
async def read_only(world: World) -> str:
    """The token of a help-desk read-only session on account A (whose owner allows the help desk in)."""
    response = await world.http.post(f"/v1/helpdesk/customers/{world.a.account_id}/read-only-session",
                                     json={"reason": "matrix", "minutes": 480},
                                     headers={"Authorization": f"Bearer {world.tokens['help_desk']}"})
    assert response.status_code == 201, response.text
    return response.json()["token"]  # type: ignore[no-any-return]


CREDENTIALED = sorted(r for r in RULES if RULES[r].allowed != EVERYONE)  # routes that look at the token at all
CUSTOMER_READS = [r for r in CREDENTIALED if r[0] == "GET" and "owner" in RULES[r].allowed]
COMMANDS = [r for r in CREDENTIALED if r[0] != "GET"]


@pytest.mark.parametrize("route", CUSTOMER_READS, ids=" ".join)
async def test_a_read_only_session_reads_every_customer_route(world: World, read_only: str,
                                                              route: tuple[str, str]) -> None:
    method, path = route
    rule = RULES[route]
    response = await send_with(world, method, path, rule, read_only,
                               await rule.params(world, "owner") if rule.params else {})
    assert verdict(response) == "allowed", response.text


def any_ids(path: str) -> dict[str, str]:
    """Ids of the right type for each path parameter: a command is refused before it looks at them."""
    return {name: str(uuid4()) if kind == ":uuid" else "x" for name, kind in re.findall(r"\{(\w+)(:\w+)?\}", path)}


@pytest.mark.parametrize("route", COMMANDS, ids=" ".join)
async def test_a_read_only_session_is_refused_every_command(world: World, read_only: str,
                                                            route: tuple[str, str]) -> None:
    method, path = route
    response = await send_with(world, method, path, RULES[route], read_only, any_ids(path))
    assert (response.status_code, response.json()["type"]) == (403, "urn:portal:problem:read-only-session")


ADMIN_ROUTES = sorted(r for r in RULES if r[1].startswith("/v1/admin/"))


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=" ".join)
async def test_a_reseller_account_gets_what_a_reseller_gets(world: World, route: tuple[str, str]) -> None:
    """A reseller account's owner (a customer holding a reseller plan) manages like a staff reseller."""
    method, path = route
    rule = RULES[route]
    params = await rule.params(world, "reseller_account") if rule.params else {}
    response = await send(world, method, path, rule, "reseller_account", params)
    assert verdict(response) == expected(rule, "reseller"), response.text


@pytest.mark.parametrize("route", [r for r in ADMIN_ROUTES if "{account_id" in r[1] and "reseller" in RULES[r].allowed],
                         ids=" ".join)
async def test_a_reseller_account_does_not_find_another_resellers_customer(world: World,
                                                                         route: tuple[str, str]) -> None:
    method, path = route
    response = await send(world, method, path, RULES[route], "reseller_account",
                          {"account_id": world.reseller_customer})
    assert verdict(response) == "not found", response.text


@pytest.mark.parametrize("route", sorted(DEVICE_ROUTES), ids=" ".join)
async def test_device_routes_want_the_accounts_license_key(world: World, route: tuple[str, str]) -> None:
    method, path = route
    url = path.replace("{session_id:str}", world.session_a)
    without = await world.http.request(method, url, json={}, headers={"Authorization": f"Bearer {world.a.token}"})
    assert (without.status_code, without.json()["type"]) == (401, "urn:portal:problem:invalid-license-key")


@pytest.fixture(scope="module")
async def signers(world: World) -> dict[str, AnyDesk]:
    """The AnyDesk-compatible API's clients of both accounts (made after the matrix reset A's password)."""
    return {"own": await anydesk_of(world.http, world.a), "other": await anydesk_of(world.http, world.b)}


def url_of(path: str, params: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: params[m.group(1)], path).removeprefix("/anydesk")


def anydesk_verdict(response: httpx.Response) -> str:
    code = response.json().get("code") if response.content else None
    if response.status_code == 401 and code in ("invalid_authorization", "invalid_token"):
        return "unauthenticated"
    if response.status_code == 404 and code == "not_found":
        return "not found"
    assert response.status_code < 400, response.text
    return "allowed"


@pytest.mark.parametrize("route", sorted(ANYDESK_ROUTES), ids=" ".join)
async def test_anydesk_routes_take_no_bearer_token(world: World, route: tuple[str, str]) -> None:
    method, path = route
    signed = ANYDESK_ROUTES[route]
    url = "/anydesk" + url_of(path, await signed.params(world) if signed.params else {})

    response = await world.http.request(method, url, json=signed.body, headers=world.a.auth)

    assert anydesk_verdict(response) == "unauthenticated"


@pytest.mark.parametrize("route", sorted(ANYDESK_ROUTES), ids=" ".join)
async def test_anydesk_routes_answer_the_accounts_own_signature(world: World, signers: dict[str, AnyDesk],
                                                                route: tuple[str, str]) -> None:
    method, path = route
    signed = ANYDESK_ROUTES[route]
    ids = signed.own or signed.params
    params = await ids(world) if ids else {}

    response = await signers["own"].request(method, url_of(path, params), signed.body)

    assert anydesk_verdict(response) == "allowed"


@pytest.mark.parametrize("route", sorted(r for r in ANYDESK_ROUTES if ANYDESK_ROUTES[r].params), ids=" ".join)
async def test_anydesk_routes_find_no_ids_of_another_account(world: World, signers: dict[str, AnyDesk],
                                                             route: tuple[str, str]) -> None:
    method, path = route
    signed = ANYDESK_ROUTES[route]
    params = await signed.params(world)  # type: ignore[misc]

    response = await signers["other"].request(method, url_of(path, params), signed.body)

    assert anydesk_verdict(response) == "not found"
