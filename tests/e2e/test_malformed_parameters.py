"""Malformed query, path and header parameters, each a server error once: forged page cursors, NUL bytes,
integers past 64 bits, numbers and zone-less texts as times, positions nobody has written. Each is now a
problem naming the parameter, and credentials are still checked first."""

import asyncio
import base64
import time
from typing import Any

import msgspec
import pytest

from domain.errors import InvalidValue
from tests.e2e.api import PASSWORD, new_email, problem
from tests.e2e.people import staff_member
from workers.staff import add_staff

HUGE = "99999999999999999999"  # past 2**64


def forged(*fields: Any) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(list(fields))).decode().rstrip("=")


@pytest.mark.parametrize("cursor, sort", [
    (forged("client_id", 5, "123456789"), "client_id"),
    (forged("alias", {"a": 1}, "123456789"), "alias"),
    (forged("online_since", "not-a-date", "x"), "online_since"),
    (forged("online_since", "2026-01-01T00:00:00", "x"), "online_since"),
    (forged("client_id", "a\u0000", "x"), "client_id"),
    ("%%%", "client_id"),
], ids=["number-as-text", "object", "not-a-date", "zone-less", "nul", "not-base64"])
async def test_a_forged_client_cursor_is_refused(http, account, cursor, sort):
    response = await http.get("/v1/clients", params={"cursor": cursor, "sort": sort}, headers=account.auth)

    problem(response, 422, field="cursor")


async def test_a_forged_session_cursor_is_refused(http, account):
    response = await http.get("/v1/sessions", params={"cursor": forged("started_at", [1], "x")},
                              headers=account.auth)

    problem(response, 422, field="cursor")


@pytest.mark.parametrize("path, params, field", [
    ("/v1/clients", {"q": "\u0000"}, "q"),
    ("/v1/clients/%00", {}, "client_id"),
    ("/v1/sessions/%00", {}, "session_id"),
    ("/v1/audit", {"actor": "\u0000"}, "actor"),
    ("/v1/audit", {"kind": "a\u0000"}, "kind"),
    ("/v1/audit", {"aggregate": "\u0000"}, "aggregate"),
    ("/v1/audit", {"request_id": "\u0000"}, "request_id"),
    ("/v1/audit/export", {"actor": "\u0000"}, "actor"),
    ("/v1/audit", {"after": HUGE}, "after"),
    ("/v1/audit", {"limit": HUGE}, "limit"),
    ("/v1/clients", {"limit": HUGE}, "limit"),
    ("/v1/events/stream", {"after": HUGE}, "after"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("/") else None)
async def test_a_malformed_parameter_is_refused_naming_it(http, account, path, params, field):
    problem(await http.get(path, params=params, headers=account.auth), 422, field=field)


@pytest.mark.parametrize("path, params", [("/v1/clients", {"q": "\u0000"}), ("/v1/audit", {"actor": "\u0000"}),
                                          ("/v1/audit/export", {"since": "0.5"})])
async def test_credentials_are_checked_before_parameters(http, path, params):
    problem(await http.get(path, params=params), 401)


ACCOUNT = "00000000-0000-4000-8000-000000000001"


@pytest.mark.parametrize("path, params", [
    ("/v1/admin/email", {}),  # `to` missing
    (f"/v1/accounts/{ACCOUNT}/diff", {}),  # `from` and `to` missing
    (f"/v1/accounts/{ACCOUNT}/diff", {"from": "1"}),
    ("/v1/admin/customers", {"limit": "0"}),
    ("/v1/sessions.csv", {"from": "yesterday"}),
    (f"/v1/admin/email/accounts/{ACCOUNT}", {"limit": "0"}),
    ("/v1/admin/email/suppressions", {"limit": "0"}),
    ("/v1/files", {"limit": "0"}),
    ("/v1/clients.csv", {"sort": "nonsense"}),
    ("/v1/usage", {}),  # `from` and `to` missing
    ("/v1/usage.csv", {"from": "2026-11-02", "to": "2026-11-01"}),
    ("/v1/support/requests", {"status": "nonsense"}),
    ("/v1/helpdesk/support/requests", {"older_than_hours": "-1"}),
], ids=lambda v: v if isinstance(v, str) else None)
async def test_credentials_are_checked_before_missing_or_bad_parameters(http, path, params):
    problem(await http.get(path, params=params), 401)


async def test_a_staff_lookup_of_an_address_with_nul_is_refused(http, settings):
    help_desk = await staff_member(http, settings, "help desk")

    response = await http.get("/v1/admin/email", params={"to": "a\u0000b@x.co"}, headers=help_desk.auth)

    problem(response, 422, field="to")


# Times: ISO 8601 with a zone offset, on every route

@pytest.mark.parametrize("path, name", [("/v1/audit", "until"), ("/v1/audit", "since"), ("/v1/sessions", "from"),
                                        ("/v1/sessions", "to")])
@pytest.mark.parametrize("value", ["0.5", "1767225600", "2026-01-01T00:00:00", "2026-01-01"])
async def test_a_time_needs_its_zone_offset_and_is_never_a_number(http, account, path, name, value):
    body = problem(await http.get(path, params={name: value}, headers=account.auth), 422, field=name)

    assert "2026-01-01T00:00:00Z" in body["detail"]


async def test_a_time_with_its_zone_is_accepted(http, account):
    params = {"since": "2026-01-01T00:00:00Z", "until": "2099-01-01T00:00:00+02:00"}

    assert (await http.get("/v1/audit", params=params, headers=account.auth)).status_code == 200


@pytest.mark.parametrize("as_of", ["2026-01-01T00:00:00", "0.5", HUGE])
async def test_an_account_state_needs_a_zoned_time_or_a_position(http, account, as_of):
    response = await http.get(f"/v1/accounts/{account.account_id}/state", params={"as_of": as_of},
                              headers=account.auth)

    assert "2026-01-01T00:00:00Z" in problem(response, 422, field="as_of")["detail"]


# Positions

async def test_a_min_position_nobody_has_written_is_refused_at_once(http, account, portal):
    beyond = portal.current_position() + 1_000_000
    started = time.monotonic()

    response = await http.get("/v1/license", headers={**account.auth, "X-Min-Position": str(beyond)})

    problem(response, 422, field="X-Min-Position")
    assert time.monotonic() - started < 1  # the test service waits 5 s for a view that is behind


@pytest.mark.parametrize("header", ["X-Min-Position", "Last-Event-ID"])
async def test_a_position_past_64_bits_is_refused(http, account, header):
    path = "/v1/events/stream" if header == "Last-Event-ID" else "/v1/license"

    problem(await http.get(path, headers={**account.auth, header: HUGE}), 422, field=header)


# Two-factor codes

async def test_a_non_ascii_two_factor_code_is_refused_naming_it(http, account):
    body = {"email": account.email, "password": PASSWORD, "code": "١٢٣٤٥٦"}  # Arabic-Indic digits

    problem(await http.post("/v1/auth/login", json=body), 422, field="code")


# Without the gateway: `portal staff add`

@pytest.mark.parametrize("email, name, field", [(None, "Sam\u0000Staff", "name"), (None, "Sam\u202effatS", "name"),
                                                ("sam\u0000@example.com", "Sam", "email"),
                                                ("not-an-address", "Sam", "email")])
async def test_portal_staff_add_refuses_what_the_gateway_refuses(settings, portal, email, name, field):
    address = email or new_email()

    with pytest.raises(InvalidValue) as refused:
        await asyncio.to_thread(add_staff, settings, address, name, "help desk", PASSWORD)

    assert refused.value.field == field
    assert portal.find_login_or_none(address.replace("\u0000", "")) is None
