"""The world the authorization matrix runs in: two accounts with clients, sessions and custom clients, staff of
every role, members, API keys, a reseller and its plan; and the ids each rule's path takes from it."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import uuid4

import httpx

from domain.user import User

from tests.e2e.api import PASSWORD, Account, command, license_tab, sign_up
from tests.e2e.customers import impersonate, new_customer, new_plan, reseller_account
from tests.e2e.devices import Device, new_client_id
from tests.e2e.files import CUSTOM_CLIENT, custom_client
from tests.e2e.support import open_request

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
    reseller_customer: str  # created by the staff reseller; allows the help desk in, as A does
    reseller_customer_owner: str  # its owner's user id
    reseller_account_customer: str  # created by a reseller account (another reseller; its token: "reseller_account")
    plan_id: str
    impersonation_b: str  # a current impersonation of account B
    custom_client_a: str
    custom_client_b: str
    public_token_a: str
    support_b: str  # a support request of account B
    invoice_a: str  # the invoice of A's upgrade
    invoice_b: str
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
    invoice_a, invoice_b = [await first_invoice(http, account, product)
                            for account, product in ((a, "professional"), (b, "lite"))]
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
    await allow_help_desk(http, a.token)
    reseller_customer, reseller_customer_owner = await helped_customer(http, tokens["reseller"])
    plan_id = await new_plan(http, tokens["administrator"])
    reseller = await reseller_account(http, tokens["administrator"])
    tokens["reseller_account"] = reseller.token
    (device_a, client_a, session_a), (_, client_b, session_b) = devices
    (custom_client_a, public_token_a), (custom_client_b, _) = [await custom_client(http, x) for x in (a, b)]
    return World(http=http, a=a, b=b, device_a=device_a, client_a=client_a, session_a=session_a, client_b=client_b,
                 session_b=session_b, member_email=member_email, member_id=member_id, throwaway_id=throwaway_id,
                 reseller_customer=reseller_customer, reseller_customer_owner=reseller_customer_owner,
                 reseller_account_customer=await new_customer(http, reseller.token),
                 plan_id=plan_id, impersonation_b=(await impersonate(http, tokens["administrator"], b.account_id))[0],
                 custom_client_a=custom_client_a, custom_client_b=custom_client_b, public_token_a=public_token_a,
                 support_b=(await open_request(http, b.token))["request_id"], invoice_a=invoice_a,
                 invoice_b=invoice_b, tokens=tokens, staff_emails=staff_emails)


async def allow_help_desk(http: httpx.AsyncClient, owner_token: str) -> None:
    response = await http.put("/v1/account/helpdesk-access", json={"allowed": True},
                              headers={"Authorization": f"Bearer {owner_token}"})
    assert response.status_code == 200, response.text


async def helped_customer(http: httpx.AsyncClient, reseller_token: str) -> tuple[str, str]:
    """A customer of the reseller whose owner allows the help desk in; answers its id and the owner's user id."""
    email = f"{uuid4().hex}@customer.test"
    account_id = await new_customer(http, reseller_token, email=email, password=PASSWORD, welcome_email=False)
    owner_token = await login(http, email)
    await allow_help_desk(http, owner_token)
    return account_id, str(User.id_for(email))


async def first_invoice(http: httpx.AsyncClient, account: Account, product: str) -> str:
    """Upgrade the account; answers the id of the invoice it issued."""
    position = await command(http, account, "POST", "/v1/license/upgrade", {"product": product})
    response = await http.get("/v1/invoices", headers={**account.auth, "X-Min-Position": str(position)})
    assert response.status_code == 200, response.text
    return response.json()["items"][0]["invoice_id"]


async def own_invoice(w: World, role: str) -> dict[str, str]:
    return {"invoice_id": w.invoice_a, "document": w.invoice_a}


def other_invoice(w: World) -> dict[str, str]:
    return {"invoice_id": w.invoice_b, "document": w.invoice_b}


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
    return {"access_id": (await impersonate(w.http, w.tokens["administrator"], w.a.account_id))[0]}


def other_impersonation(w: World) -> dict[str, str]:
    return {"access_id": w.impersonation_b}


HELP_DESK = {"administrator", "help_desk", "reseller"}


async def helped_user(w: World, role: str) -> dict[str, str]:
    """A user the role may help: the staff reseller's customer's owner, for others a member of A."""
    return {"user_id": w.reseller_customer_owner if role == "reseller" else w.member_id}


def other_user(w: World) -> dict[str, str]:
    return {"user_id": str(User.id_for(w.b.email))}


async def read_only_session(w: World, role: str) -> dict[str, str]:
    """A read-only session the role opened (on the customer it may help), or the administrator's."""
    staff = role if role in HELP_DESK else "administrator"
    account_id = (await managed_account(w, staff))["account_id"]
    response = await w.http.post(f"/v1/helpdesk/customers/{account_id}/read-only-session",
                                 json={"reason": "matrix", "minutes": 5},
                                 headers={"Authorization": f"Bearer {w.tokens[staff]}"})
    assert response.status_code == 201, response.text
    return {"session_id": response.json()["session_id"]}


async def the_plan(w: World, role: str) -> dict[str, str]:
    return {"plan_id": w.plan_id}


async def disposable_plan(w: World, role: str) -> dict[str, str]:
    return {"plan_id": await new_plan(w.http, w.tokens["administrator"])}


async def support_request_of_a(w: World, role: str) -> dict[str, str]:
    return {"request_id": (await open_request(w.http, w.a.token))["request_id"]}


def other_support_request(w: World) -> dict[str, str]:
    return {"request_id": w.support_b}
