"""The authorization rules of every route, and the world the matrix test runs them in.

A rule names who passes authorization; everyone else is refused: no credentials 401, a role without the
right 403 (or 404 where even the existence of the thing is the caller's business: another account's ids,
other accounts' history). Adding a route without a rule fails the matrix test.
"""

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import uuid4

import httpx

from tests.e2e.api import PASSWORD, Account, command, license_tab, sign_up
from tests.e2e.customers import customer_body, impersonate, new_customer, new_plan, plan_body, reseller_account
from tests.e2e.devices import Device, new_client_id
from tests.e2e.files import CUSTOM_CLIENT, custom_client

CUSTOMER_USERS = {"owner", "member"}
API_KEYS = {"api_read", "api_write"}
STAFF = {"administrator", "reseller", "help_desk", "auditor"}
PEOPLE = CUSTOMER_USERS | STAFF
ROLES = ["anonymous", *sorted(CUSTOMER_USERS | API_KEYS | STAFF)]
EVERYONE = set(ROLES)


@dataclass(frozen=True)
class Rule:
    allowed: set[str]
    hidden: set[str] = field(default_factory=set)  # refused with 404, not 403
    body: Callable[["World"], Any] | None = None
    params: Callable[["World", str], Awaitable[dict[str, str]]] | None = None  # (world, role) -> path params
    other: Callable[["World"], dict[str, str]] | None = None  # another account's ids: the allowed get 404
    fresh_token: bool = False  # the route ends sessions or keys: give it a token of its own
    query: dict[str, str] | None = None


@dataclass
class World:
    http: httpx.AsyncClient
    a: Account  # the callers' own account
    b: Account  # another account
    device_a: Device
    client_a: str
    session_a: str
    client_b: str
    session_b: str
    member_email: str
    member_id: str
    throwaway_id: str  # a member whose password admins may reset
    reseller_customer: str  # created by the staff reseller
    reseller_account_customer: str  # created by a reseller account (another reseller; its token: "reseller_account")
    plan_id: str
    impersonation_b: str  # a current impersonation of account B
    custom_client_a: str
    custom_client_b: str
    public_token_a: str
    tokens: dict[str, str]
    staff_emails: dict[str, str]

    async def token(self, role: str, fresh: bool = False) -> str | None:
        if role == "anonymous":
            return None
        if fresh and role in PEOPLE:
            return await login(self.http, self.email_of(role))
        if fresh and role in API_KEYS:
            return await new_api_key(self.http, self.a, "read" if role == "api_read" else "write")
        return self.tokens[role]

    async def renew(self, role: str) -> None:
        if role in PEOPLE:
            self.tokens[role] = await login(self.http, self.email_of(role))
            if role == "owner":
                self.a = replace(self.a, token=self.tokens[role])

    def email_of(self, role: str) -> str:
        return self.staff_emails.get(role) or {"owner": self.a.email, "member": self.member_email}[role]


async def login(http: httpx.AsyncClient, email: str) -> str:
    response = await http.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["token"]


async def new_api_key(http: httpx.AsyncClient, account: Account, scope: str) -> str:
    response = await http.post("/v1/api-keys", json={"name": f"matrix {scope}", "scope": scope}, headers=account.auth)
    assert response.status_code == 201, response.text
    return response.json()["api_key"]


async def build_world(http: httpx.AsyncClient, add_staff: Callable[[str, str], None]) -> World:
    a, b = await sign_up(http), await sign_up(http)
    await command(http, a, "POST", "/v1/license/upgrade", {"product": "professional"})
    devices = []
    for account in (a, b):
        key = (await license_tab(http, account, account.position))["license_key"]
        device = Device(http, key)
        client, _ = await device.register()
        session, _ = await device.start(client, new_client_id())
        devices.append((device, client, session))
    staff_emails = {role: f"{role}-{uuid4().hex[:8]}@staff.test" for role in STAFF}
    for role, email in staff_emails.items():
        add_staff(email, role.replace("_", " "))
    tokens = {role: await login(http, email) for role, email in staff_emails.items()}
    tokens["owner"] = a.token
    member_email, member_id = await add_member(http, a, tokens["administrator"])
    _, throwaway_id = await add_member(http, a, tokens["administrator"])
    tokens["member"] = await login(http, member_email)
    tokens["api_read"] = await new_api_key(http, a, "read")
    tokens["api_write"] = await new_api_key(http, a, "write")
    plan_id = await new_plan(http, tokens["administrator"])
    reseller = await reseller_account(http, tokens["administrator"])
    tokens["reseller_account"] = reseller.token
    (device_a, client_a, session_a), (_, client_b, session_b) = devices
    (custom_client_a, public_token_a), (custom_client_b, _) = [await custom_client(http, x) for x in (a, b)]
    return World(http=http, a=a, b=b, device_a=device_a, client_a=client_a, session_a=session_a, client_b=client_b,
                 session_b=session_b, member_email=member_email, member_id=member_id, throwaway_id=throwaway_id,
                 reseller_customer=await new_customer(http, tokens["reseller"]),
                 reseller_account_customer=await new_customer(http, reseller.token),
                 plan_id=plan_id, impersonation_b=(await impersonate(http, tokens["administrator"], b.account_id))[0],
                 custom_client_a=custom_client_a, custom_client_b=custom_client_b, public_token_a=public_token_a,
                 tokens=tokens,
                 staff_emails=staff_emails)


async def add_member(http: httpx.AsyncClient, owner: Account, admin_token: str) -> tuple[str, str]:
    """A member of `owner`'s account with the test password (set by an administrator)."""
    email = f"{uuid4().hex}@member.test"
    response = await http.post("/v1/users", json={"email": email, "name": "Mo Member"}, headers=owner.auth)
    assert response.status_code == 201, response.text
    user_id = response.json()["user_id"]
    response = await http.post(f"/v1/admin/users/{user_id}/password", json={"password": PASSWORD},
                               headers={"Authorization": f"Bearer {admin_token}"})
    assert response.status_code == 200, response.text
    return email, user_id


# -- path parameters ----------------------------------------------------------------------------------------

async def own_custom_client(w: World, role: str) -> dict[str, str]:
    return {"custom_client_id": w.custom_client_a}


async def disposable_custom_client(w: World, role: str) -> dict[str, str]:
    response = await w.http.post("/v1/files", json=CUSTOM_CLIENT, headers=w.a.auth)
    return {"custom_client_id": response.json()["custom_client_id"]}


async def public_link(w: World, role: str) -> dict[str, str]:
    return {"public_token": w.public_token_a}


def other_custom_client(w: World) -> dict[str, str]:
    return {"custom_client_id": w.custom_client_b}


async def own_client(w: World, role: str) -> dict[str, str]:
    return {"client_id": w.client_a}


async def disposable_client(w: World, role: str) -> dict[str, str]:
    client_id, _ = await w.device_a.register()  # removing it must not take the shared client away
    return {"client_id": client_id}


async def own_session(w: World, role: str) -> dict[str, str]:
    return {"session_id": w.session_a}


async def own_account(w: World, role: str) -> dict[str, str]:
    return {"account_id": w.a.account_id}


async def managed_account(w: World, role: str) -> dict[str, str]:
    own = {"reseller": w.reseller_customer, "reseller_account": w.reseller_account_customer}
    return {"account_id": own.get(role, w.a.account_id)}


async def member(w: World, role: str) -> dict[str, str]:
    return {"user_id": w.member_id}


async def throwaway(w: World, role: str) -> dict[str, str]:
    return {"user_id": w.throwaway_id}


async def disposable_key(w: World, role: str) -> dict[str, str]:
    response = await w.http.post("/v1/api-keys", json={"name": "to revoke", "scope": "read"}, headers=w.a.auth)
    return {"key_id": response.json()["key_id"]}


async def suppressed_address(w: World, role: str) -> dict[str, str]:
    email = f"{uuid4().hex}@bounce.test"
    await w.http.post("/v1/admin/email/suppressions", json={"email": email, "reason": "matrix"},
                      headers={"Authorization": f"Bearer {w.tokens['administrator']}"})
    return {"email": email}


def other_client(w: World) -> dict[str, str]:
    return {"client_id": w.client_b}


def other_session(w: World) -> dict[str, str]:
    return {"session_id": w.session_b}


def other_account(w: World) -> dict[str, str]:
    return {"account_id": w.b.account_id}


def other_resellers_customer(w: World) -> dict[str, str]:
    return {"account_id": w.reseller_account_customer}


async def impersonation_of_a(w: World, role: str) -> dict[str, str]:
    return {"impersonation_id": (await impersonate(w.http, w.tokens["administrator"], w.a.account_id))[0]}


def other_impersonation(w: World) -> dict[str, str]:
    return {"impersonation_id": w.impersonation_b}


async def the_plan(w: World, role: str) -> dict[str, str]:
    return {"plan_id": w.plan_id}


async def disposable_plan(w: World, role: str) -> dict[str, str]:
    return {"plan_id": await new_plan(w.http, w.tokens["administrator"])}


# -- the rules ------------------------------------------------------------------------------------------------

READERS = CUSTOMER_USERS | API_KEYS
OPERATORS = CUSTOMER_USERS | {"api_write"}
OWNER = {"owner"}
AUDITORS = {"owner", "auditor", "administrator"}
ADMINS = {"administrator"}
MANAGERS = {"administrator", "reseller"}
EMAIL_DESK = {"administrator", "help_desk"}
LOGGED_IN = EVERYONE - {"anonymous"}
PUBLIC = Rule(allowed=EVERYONE)


def email_body(w: World) -> dict[str, str]:
    return {"email": f"{uuid4().hex}@example.com", "reason": "matrix"}


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): PUBLIC, ("GET", "/ready"): PUBLIC,
    ("GET", "/metrics"): Rule(allowed=set(), hidden=EVERYONE),  # off without PORTAL_METRICS_TOKEN (test_answers)
    ("GET", "/schema"): PUBLIC, ("GET", "/schema/openapi.json"): PUBLIC, ("GET", "/schema/swagger"): PUBLIC,
    ("GET", "/schema/oauth2-redirect.html"): PUBLIC,
    ("GET", "/schema/{path:str}"): Rule(allowed=EVERYONE, params=lambda w, r: _const({"path": "swagger"})),
    ("GET", "/v1/events/schema"): PUBLIC, ("GET", "/v1/license/products"): PUBLIC,
    ("POST", "/v1/signup"): Rule(allowed=EVERYONE, body=lambda w: {"email": f"{uuid4().hex}@example.com",
                                                                    "password": PASSWORD, "name": "New"}),
    ("POST", "/v1/auth/login"): Rule(allowed=EVERYONE, body=lambda w: {"email": w.a.email, "password": PASSWORD}),
    ("POST", "/v1/auth/password/reset"): Rule(allowed=EVERYONE, body=lambda w: {"email": w.a.email}),
    ("POST", "/v1/auth/password/reset/confirm"): Rule(allowed=EVERYONE, body=lambda w: {
        "token": secrets.token_urlsafe(32), "new_password": "Another-Harbour-43"}),
    ("GET", "/v1/auth/me"): Rule(allowed=LOGGED_IN),
    ("POST", "/v1/auth/logout"): Rule(allowed=PEOPLE, fresh_token=True),
    ("POST", "/v1/auth/logout-everywhere"): Rule(allowed=PEOPLE, fresh_token=True),
    ("POST", "/v1/auth/password"): Rule(allowed=PEOPLE, body=lambda w: {
        "current_password": "not-the-password", "new_password": "Another-Harbour-43"}),
    ("POST", "/v1/auth/2fa/setup"): Rule(allowed=PEOPLE),
    ("POST", "/v1/auth/2fa/enable"): Rule(allowed=PEOPLE, body=lambda w: {"secret": "A" * 32, "code": "000000"}),
    ("POST", "/v1/auth/2fa/disable"): Rule(allowed=PEOPLE, body=lambda w: {"code": "000000"}),
    ("GET", "/v1/license"): Rule(allowed=READERS),
    ("POST", "/v1/license/upgrade"): Rule(allowed=OWNER, body=lambda w: {"product": "power"}),
    ("POST", "/v1/license/namespace"): Rule(allowed=OWNER, body=lambda w: {"namespace": f"m{uuid4().hex[:10]}"}),
    ("POST", "/v1/license/key/reset"): Rule(allowed=OWNER),
    ("POST", "/v1/license/cancel"): Rule(allowed=OWNER),
    ("POST", "/v1/license/api-password"): Rule(allowed=OWNER),
    ("PUT", "/v1/account/contact"): Rule(allowed=OWNER, body=lambda w: {"name": "Ann Example"}),
    ("PATCH", "/v1/account/contact"): Rule(allowed=OWNER, body=lambda w: {"phone": "+49 30 123456"}),
    ("PUT", "/v1/account/payment"): Rule(allowed=OWNER, body=lambda w: {"kind": "invoice"}),
    ("GET", "/v1/settings"): Rule(allowed=READERS),
    ("PATCH", "/v1/settings"): Rule(allowed=OWNER, body=lambda w: {"language": "en"}),
    ("GET", "/v1/clients"): Rule(allowed=READERS),
    ("GET", "/v1/clients.csv"): Rule(allowed=READERS),
    ("GET", "/v1/clients/{client_id:str}"): Rule(allowed=READERS, params=own_client, other=other_client),
    ("PATCH", "/v1/clients/{client_id:str}"): Rule(allowed=OPERATORS, body=lambda w: {"comment": "checked"},
                                                   params=own_client, other=other_client),
    ("DELETE", "/v1/clients/{client_id:str}"): Rule(allowed=OPERATORS, params=disposable_client, other=other_client),
    ("GET", "/v1/sessions"): Rule(allowed=READERS),
    ("GET", "/v1/sessions.csv"): Rule(allowed=READERS),
    ("GET", "/v1/sessions/{session_id:str}"): Rule(allowed=READERS, params=own_session, other=other_session),
    ("PATCH", "/v1/sessions/{session_id:str}"): Rule(allowed=OPERATORS, body=lambda w: {"comment": "checked"},
                                                     params=own_session, other=other_session),
    ("POST", "/v1/sessions/{session_id:str}/close"): Rule(allowed=OPERATORS, params=own_session,
                                                          other=other_session),
    ("GET", "/v1/events/stream"): Rule(allowed=READERS),
    ("GET", "/v1/users"): Rule(allowed=OWNER),
    ("POST", "/v1/users"): Rule(allowed=OWNER, body=lambda w: {"email": f"{uuid4().hex}@member.test", "name": "M"}),
    ("PATCH", "/v1/users/{user_id:uuid}"): Rule(allowed=OWNER, body=lambda w: {"disabled": False}, params=member),
    ("GET", "/v1/api-keys"): Rule(allowed=OWNER),
    ("POST", "/v1/api-keys"): Rule(allowed=OWNER, body=lambda w: {"name": "more", "scope": "read"}),
    ("DELETE", "/v1/api-keys/{key_id:str}"): Rule(allowed=OWNER, params=disposable_key),
    ("GET", "/v1/audit"): Rule(allowed=OWNER),
    ("GET", "/v1/audit/export"): Rule(allowed=OWNER),
    ("GET", "/v1/audit/verify"): Rule(allowed=OWNER),
    ("GET", "/v1/accounts/{account_id:uuid}/history"): Rule(allowed=AUDITORS, hidden=LOGGED_IN - AUDITORS,
                                                            params=own_account, other=other_account),
    ("GET", "/v1/accounts/{account_id:uuid}/state"): Rule(allowed=AUDITORS, hidden=LOGGED_IN - AUDITORS,
                                                          params=own_account, other=other_account),
    ("GET", "/v1/accounts/{account_id:uuid}/diff"): Rule(allowed=AUDITORS, hidden=LOGGED_IN - AUDITORS,
                                                         params=own_account, other=other_account,
                                                         query={"from": "1", "to": "2"}),
    ("POST", "/v1/admin/customers"): Rule(allowed=MANAGERS, body=customer_body),
    ("GET", "/v1/admin/customers"): Rule(allowed=MANAGERS),
    ("GET", "/v1/admin/customers.csv"): Rule(allowed=MANAGERS),
    ("GET", "/v1/admin/customers/{account_id:uuid}"): Rule(allowed=MANAGERS, params=managed_account,
                                                           other=other_resellers_customer),
    ("PATCH", "/v1/admin/customers/{account_id:uuid}"): Rule(allowed=MANAGERS, body=lambda w: {"enabled": True},
                                                             params=managed_account, other=other_resellers_customer),
    ("POST", "/v1/admin/customers/{account_id:uuid}/email"): Rule(
        allowed=MANAGERS, body=lambda w: {"subject": "Matrix", "text": "Hello"}, params=managed_account,
        other=other_resellers_customer),
    ("POST", "/v1/admin/customers/{account_id:uuid}/impersonation"): Rule(
        allowed=MANAGERS, body=lambda w: {"reason": "matrix", "minutes": 1}, params=managed_account,
        other=other_resellers_customer),
    ("DELETE", "/v1/impersonation"): Rule(allowed=set()),  # only an impersonation token, which no role holds
    ("GET", "/v1/account/access"): Rule(allowed=OWNER),
    ("DELETE", "/v1/account/access/{impersonation_id:uuid}"): Rule(allowed=OWNER, params=impersonation_of_a,
                                                                   other=other_impersonation),
    ("DELETE", "/v1/admin/customers/{account_id:uuid}"): Rule(  # no `confirm`: refused after authorization
        allowed=MANAGERS, params=managed_account, other=other_resellers_customer),
    ("GET", "/v1/admin/plans"): Rule(allowed=ADMINS),
    ("POST", "/v1/admin/plans"): Rule(allowed=ADMINS, body=plan_body),
    ("GET", "/v1/admin/plans/{plan_id:uuid}"): Rule(allowed=ADMINS, params=the_plan),
    ("PATCH", "/v1/admin/plans/{plan_id:uuid}"): Rule(allowed=ADMINS, body=lambda w: {"name": "Matrix"},
                                                      params=the_plan),
    ("DELETE", "/v1/admin/plans/{plan_id:uuid}"): Rule(allowed=ADMINS, params=disposable_plan),
    ("POST", "/v1/admin/staff"): Rule(allowed=ADMINS, body=lambda w: {
        "email": f"{uuid4().hex}@staff.test", "name": "S", "role": "auditor"}),
    ("POST", "/v1/admin/users/{user_id:uuid}/password"): Rule(  # a reseller may not see account A's users
        allowed=ADMINS, hidden={"reseller"}, body=lambda w: {"password": "Another-Harbour-43"}, params=throwaway),
    ("GET", "/v1/admin/email"): Rule(allowed=EMAIL_DESK, query={"to": "someone@example.com"}),
    ("GET", "/v1/admin/email/accounts/{account_id:uuid}"): Rule(allowed=EMAIL_DESK, params=own_account),
    ("GET", "/v1/admin/email/suppressions"): Rule(allowed=EMAIL_DESK),
    ("POST", "/v1/admin/email/suppressions"): Rule(allowed=ADMINS, body=email_body),
    ("DELETE", "/v1/admin/email/suppressions/{email:str}"): Rule(allowed=EMAIL_DESK, params=suppressed_address),
    ("POST", "/v1/admin/email/bounces"): Rule(allowed=ADMINS, body=email_body),
    ("GET", "/v1/files"): Rule(allowed=READERS),
    ("POST", "/v1/files"): Rule(allowed=OPERATORS, body=lambda w: CUSTOM_CLIENT),
    ("GET", "/v1/files/platforms"): PUBLIC, ("GET", "/v1/files/signing-key"): PUBLIC,
    ("GET", "/v1/files/{custom_client_id:uuid}"): Rule(allowed=READERS, params=own_custom_client,
                                                      other=other_custom_client),
    ("PATCH", "/v1/files/{custom_client_id:uuid}"): Rule(allowed=OPERATORS, body=lambda w: {"name": "Renamed"},
                                                        params=own_custom_client, other=other_custom_client),
    ("DELETE", "/v1/files/{custom_client_id:uuid}"): Rule(allowed=OPERATORS, params=disposable_custom_client,
                                                         other=other_custom_client),
    ("POST", "/v1/files/{custom_client_id:uuid}/public-link"): Rule(  # the shared one's link must stay valid
        allowed=OPERATORS, params=disposable_custom_client, other=other_custom_client),
    ("GET", "/v1/files/{custom_client_id:uuid}/download"): Rule(allowed=READERS, params=own_custom_client,
                                                               other=other_custom_client),
    ("GET", "/d/{public_token:str}"): Rule(allowed=EVERYONE, params=public_link),  # the link is the credential
    ("POST", "/v1/admin/releases"): Rule(allowed=ADMINS, body=lambda w: {"platform": "ios", "version": "99.0.0"}),
}

# Authenticated by the license key (X-License-Key), not by a role: checked separately.
DEVICE_ROUTES = {("POST", "/v1/device/register"), ("POST", "/v1/device/heartbeat"), ("POST", "/v1/device/sessions"),
                 ("POST", "/v1/device/sessions/{session_id:str}/end")}




@dataclass(frozen=True)
class Signed:
    """A route of the AnyDesk-compatible API: authenticated by its request signature (license id and API
    password), not by a role, so checked separately: no Bearer token passes, the account's own signature does,
    and another account's signature finds none of the account's ids."""

    body: dict[str, Any] | None = None
    params: Callable[[World], Awaitable[dict[str, str]]] | None = None  # the account's own ids
    own: Callable[[World], Awaitable[dict[str, str]]] | None = None  # ids for the own signature, if others


async def own_cid(w: World) -> dict[str, str]:
    return {"cid": w.client_a}


async def own_sid(w: World) -> dict[str, str]:
    return {"sid": w.session_a}


async def active_sid(w: World) -> dict[str, str]:
    """A new active session of account A, to close. A's license allows one at a time: the shared one ends
    first (ending is idempotent), with the key current now (the matrix resets it)."""
    device = Device(w.http, (await license_tab(w.http, w.a, 0))["license_key"])
    await device.end(w.session_a)
    session_id, _ = await device.start(w.client_a, new_client_id())
    return {"sid": session_id}


ANYDESK_ROUTES: dict[tuple[str, str], Signed] = {
    ("GET", "/anydesk/auth"): Signed(), ("GET", "/anydesk/sysinfo"): Signed(), ("GET", "/anydesk/rosters"): Signed(),
    ("GET", "/anydesk/clients"): Signed(),
    ("GET", "/anydesk/clients/{cid:int}"): Signed(params=own_cid),
    ("PATCH", "/anydesk/clients/{cid:int}"): Signed(body={"comment": "signed"}, params=own_cid),
    ("GET", "/anydesk/sessions"): Signed(),
    ("GET", "/anydesk/sessions/{sid:str}"): Signed(params=own_sid),
    ("PATCH", "/anydesk/sessions/{sid:str}"): Signed(body={"comment": "signed"}, params=own_sid),
    ("POST", "/anydesk/sessions/{sid:str}/action"): Signed(body={"action": "close"}, params=own_sid,
                                                           own=active_sid),
}


async def _const(params: dict[str, str]) -> dict[str, str]:
    return params
