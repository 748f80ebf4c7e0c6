"""The help desk: views of a user and of a customer (each recorded in the customer's audit trail, from where),
"send code" to verify a caller, and read-only sessions on a customer that its owner allows or forbids.

Who: the platform's help desk and administrators for every customer, a reseller's help desk (a staff reseller
or a reseller account's owner) for its own customers only (others answer 404); customers and auditors 403.
E-mail status and the suppression list stay in gateway/email.py; search is gateway/helpdesk_search.py."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.helpdesk_access import DEFAULT_MINUTES, MAX_MINUTES
from domain.i18n import N_
from domain.user import User
from domain.user_commands import PLATFORM_ACCOUNT
from gateway.credentials import KnownTokens
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.fields import Cursor, Limit, Plain, Reason, SixDigits
from gateway.identity import Caller, access_account, customer, issue_access_token, last_logins, owner, \
    revoke_access
from gateway.managers import Manager, help_desk, managed
from gateway.problems import Problem
from gateway.throttle import count_staff_request
from projections.clients import CLIENTS, ClientRow, client_page
from projections.customers import CUSTOMERS, customer as customer_row
from projections.domains import DOMAINS, domains_of
from projections.email_secrets import keep_secrets
from projections.emails import EMAILS, AddressEmail, emails_to, listed_among
from projections.invoices import INVOICES, InvoiceRow, latest_invoices
from projections.impersonations import IMPERSONATIONS, Consent, consent
from projections.license import LICENSE_TAB, Counters, Limits, ProductView, license_tab
from projections.support import SUPPORT, SupportRequestRow, open_requests
from projections.users import USERS, UserRow, account_users


class Subscription(msgspec.Struct, kw_only=True):
    product: ProductView
    expires_at: datetime | None
    cancelled_at: datetime | None
    limits: Limits
    usage: Counters


class Devices(msgspec.Struct, kw_only=True):
    items: list[ClientRow]
    next_cursor: str | None


class UserView(msgspec.Struct, kw_only=True):
    user_id: UUID
    account_id: UUID
    email: str
    name: str
    status: str  # active, disabled, or invited (never logged in)
    role: str
    two_factor: bool
    last_login: datetime | None
    last_email: AddressEmail | None  # the last e-mail sent to the user, and its status
    license: Subscription | None
    devices: Devices  # the account's linked devices, first page


class Person(msgspec.Struct, kw_only=True):
    user_id: UUID
    name: str
    email: str
    role: str
    status: str
    two_factor: bool
    last_login: datetime | None


class ClaimedDomain(msgspec.Struct, kw_only=True):
    domain: str
    verified: bool
    claimed_at: datetime
    verified_at: datetime | None


class CustomerView(msgspec.Struct, kw_only=True):
    account_id: UUID
    customer_number: str
    name: str
    email: str
    created_at: datetime
    enabled: bool
    level: str
    license: Subscription | None
    owners: list[Person]
    users: list[Person]
    devices: Devices  # searchable with ?client= (a client id or alias)
    support_requests: list[SupportRequestRow]  # not yet closed, oldest first
    invoices: list[InvoiceRow]  # the last 20, newest first
    domains: list[ClaimedDomain]  # claimed, verified or not
    suppressed_addresses: list[str]  # of its logins and its contact address
    helpdesk_access: Consent  # whether its owner allows a read-only session now


class DeviceQuery(msgspec.Struct, frozen=True, kw_only=True):
    client: str | None
    cursor: str | None
    limit: int


async def device_query(who: Manager, client: Annotated[str | None, Plain] = None, cursor: Cursor = None,
                       limit: Limit = 50) -> DeviceQuery:
    # `who` is only asked for so that the credentials are checked before these parameters.
    return DeviceQuery(client=client, cursor=cursor, limit=limit)


class CodeCheck(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    code: SixDigits


class CodeChecked(msgspec.Struct, kw_only=True):
    verified: bool
    attempts_left: int


class StartSession(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason  # shown to the customer
    minutes: Annotated[int, msgspec.Meta(ge=1, le=MAX_MINUTES)] = DEFAULT_MINUTES


class SessionStarted(msgspec.Struct, kw_only=True):
    session_id: UUID
    token: str  # a bearer token reading the customer's account as its owner sees it, until expires_at
    expires_at: datetime


class HelpDeskAccess(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    allowed: bool
    until: Annotated[datetime, msgspec.Meta(tz=True)] | None = None  # forbidden again from then on


async def account_owner(token_caller: Caller) -> Caller:
    return await owner(await customer(token_caller))


def staff_id(who: Manager) -> UUID:
    if who.caller.user_id is None:
        raise Problem(403, "forbidden", N_("Only a person may work at the help desk"))
    return who.caller.user_id


def status_of(disabled: bool, last_login: datetime | None) -> str:
    return "disabled" if disabled else "active" if last_login else "invited"


async def subscription(pool: asyncpg.Pool, account_id: UUID) -> Subscription | None:
    tab = await license_tab(pool, account_id)  # the help desk never sees the key
    if tab is None:
        return None
    return Subscription(product=tab.product, expires_at=tab.expires_at, cancelled_at=tab.cancelled_at,
                        limits=tab.limits, usage=tab.counters)


async def devices(pool: asyncpg.Pool, account_id: UUID, q: DeviceQuery) -> Devices:
    items, next_cursor = await client_page(pool, account_id, online=None, search=q.client, sort="client_id",
                                           descending=False, cursor=q.cursor, limit=q.limit)
    return Devices(items=items, next_cursor=next_cursor)


async def people(pool: asyncpg.Pool, rows: list[UserRow]) -> list[Person]:
    logins = await last_logins(pool, [r.user_id for r in rows])
    return [Person(user_id=r.user_id, name=r.name, email=r.email, role=r.role, two_factor=r.two_factor,
                   last_login=logins.get(r.user_id), status=status_of(r.disabled, logins.get(r.user_id)))
            for r in rows]


async def user_view(pool: asyncpg.Pool, user: User, q: DeviceQuery) -> UserView:
    last_login = (await last_logins(pool, [user.id])).get(user.id)
    last_email = next(iter(await emails_to(pool, user.email, limit=1)), None)
    return UserView(user_id=user.id, account_id=user.account_id, email=user.email, name=user.name,
                    status=status_of(user.disabled, last_login), role=user.role,
                    two_factor=user.two_factor_secret is not None, last_login=last_login, last_email=last_email,
                    license=await subscription(pool, user.account_id),
                    devices=await devices(pool, user.account_id, q))


async def customer_view(pool: asyncpg.Pool, account_id: UUID, q: DeviceQuery) -> CustomerView:
    row = await customer_row(pool, None, account_id)
    if row is None:
        raise Problem(503, "projection-behind", N_("The customer's view is still being prepared; retry shortly"),
                      headers={"Retry-After": "1"})
    logins = await people(pool, await account_users(pool, account_id))
    addresses = sorted({row.login, *(p.email for p in logins)})
    return CustomerView(
        account_id=account_id, customer_number=row.customer_number, name=row.name, email=row.login,
        created_at=row.opened_at, enabled=row.enabled, level=row.level,
        license=await subscription(pool, account_id),
        owners=[p for p in logins if p.role == "owner"], users=logins, devices=await devices(pool, account_id, q),
        support_requests=await open_requests(pool, account_id), invoices=await latest_invoices(pool, account_id),
        domains=await claimed_domains(pool, account_id),
        suppressed_addresses=await listed_among(pool, PLATFORM_ACCOUNT, addresses),
        helpdesk_access=await consent(pool, account_id))


VIEWS_READ = (CUSTOMERS, LICENSE_TAB, USERS, CLIENTS, EMAILS, IMPERSONATIONS, SUPPORT, INVOICES,
              DOMAINS)  # the read models the views show


async def reach_views(state: State, min_position: int | None) -> None:
    for model in VIEWS_READ:
        await reach(state, model.name, min_position)


class HelpDeskController(Controller):
    path = "/v1"
    tags = ["helpdesk"]

    @get("/helpdesk/users/{user_id:uuid}", dependencies={"who": Provide(help_desk), "q": Provide(device_query)},
         summary="A customer's user as the help desk sees them (the view is recorded in its audit trail)")
    async def user(self, user_id: UUID, who: Manager, q: DeviceQuery, state: State, portal: Portal,
                   pool: asyncpg.Pool,
                   min_position: Annotated[int | None, MinPosition] = None) -> Response[UserView]:
        await reach_views(state, min_position)
        user = await off_loop(portal.customer_user, user_id)
        await managed(portal, who, user.account_id)
        position = await command(who.caller.actor, portal.record_view, user.account_id, "user", user_id,
                                 staff_id(who))
        return accepted(position, await user_view(pool, user, q))  # the position: of the view's record

    @get("/helpdesk/customers/{account_id:uuid}", dependencies={"who": Provide(help_desk),
                                                               "q": Provide(device_query)},
         summary="A customer as the help desk sees it (the view is recorded in its audit trail)")
    async def customer(self, account_id: UUID, who: Manager, q: DeviceQuery, state: State, portal: Portal,
                       pool: asyncpg.Pool,
                       min_position: Annotated[int | None, MinPosition] = None) -> Response[CustomerView]:
        await reach_views(state, min_position)
        await managed(portal, who, account_id)
        position = await command(who.caller.actor, portal.record_view, account_id, "customer", account_id,
                                 staff_id(who))
        return accepted(position, await customer_view(pool, account_id, q))

    @post("/helpdesk/users/{user_id:uuid}/verification-code", status_code=200,
          dependencies={"who": Provide(help_desk)},
          summary="E-mail the user a 6-digit code to read back, so the help desk knows who is calling")
    async def send_code(self, user_id: UUID, who: Manager, portal: Portal, pool: asyncpg.Pool) -> Response[Any]:
        user = await off_loop(portal.customer_user, user_id)
        await managed(portal, who, user.account_id)
        await count_staff_request(pool, "code sent", staff_id(who))
        code, email_id, position = await command(who.caller.actor, portal.send_verification_code, user_id,
                                                 staff_id(who))
        await keep_code(pool, email_id, code)
        return accepted(position)

    @post("/helpdesk/users/{user_id:uuid}/verification-code/check", status_code=200,
          dependencies={"who": Provide(help_desk)},
          summary="Whether the caller read back the user's current code; nothing else is told")
    async def check_code(self, user_id: UUID, data: CodeCheck, who: Manager, portal: Portal,
                         pool: asyncpg.Pool) -> Response[CodeChecked]:
        user = await off_loop(portal.customer_user, user_id)
        await managed(portal, who, user.account_id)
        await count_staff_request(pool, "code checked", staff_id(who))
        verified, left, position = await command(who.caller.actor, portal.check_verification_code, user_id,
                                                 data.code, staff_id(who))
        return accepted(position, CodeChecked(verified=verified, attempts_left=left))

    @post("/helpdesk/customers/{account_id:uuid}/read-only-session", status_code=201,
          dependencies={"who": Provide(help_desk)},
          summary="Look inside the customer's account, read only, with a reason it is told; only with its consent")
    async def start_session(self, account_id: UUID, data: StartSession, who: Manager, portal: Portal,
                            pool: asyncpg.Pool) -> Response[SessionStarted]:
        account = await managed(portal, who, account_id)
        session_id, expires_at, position = await command(who.caller.actor, portal.start_read_only_session,
                                                         account_id, staff_id(who), who.caller.email, data.reason,
                                                         data.minutes)
        token = await issue_access_token(
            pool, kind="read_only", account_id=account_id, owner_id=User.id_for(account.email),
            staff_email=who.caller.email, staff_role=who.caller.platform_role or "reseller", access_id=session_id,
            expires_at=expires_at)
        return accepted(position, SessionStarted(session_id=session_id, token=token, expires_at=expires_at),
                        status=201)

    @delete("/helpdesk/read-only-sessions/{session_id:uuid}", status_code=200,
            dependencies={"who": Provide(help_desk)}, summary="End a read-only session you opened")
    async def end_session(self, session_id: UUID, who: Manager, portal: Portal,
                          pool: asyncpg.Pool, tokens: KnownTokens) -> Response[Any]:
        account_id = await access_account(pool, "read_only", session_id)
        if account_id is None:
            raise Problem(404, "not-found", N_("No such access"))
        await managed(portal, who, account_id)
        position = await command(who.caller.actor, portal.end_read_only_session, account_id, session_id, "staff",
                                 staff_id(who))
        await revoke_access(pool, tokens, session_id)
        return accepted(position)

    @get("/account/helpdesk-access", dependencies={"caller": Provide(account_owner)},
         summary="Whether the help desk may open read-only sessions on the account, and until when")
    async def show_access(self, caller: Caller, state: State, pool: asyncpg.Pool,
                          min_position: Annotated[int | None, MinPosition] = None) -> Consent:
        await reach(state, IMPERSONATIONS.name, min_position)
        return await consent(pool, caller.account_id)

    @put("/account/helpdesk-access", dependencies={"caller": Provide(account_owner)},
         summary="Allow (until a moment, or until further notice) or forbid help-desk read-only sessions; "
                 "forbidding ends every open one at once")
    async def set_access(self, data: HelpDeskAccess, caller: Caller, portal: Portal,
                         pool: asyncpg.Pool, tokens: KnownTokens) -> Response[Any]:
        ended, position = await command(caller.actor, portal.set_helpdesk_access, caller.account_id, data.allowed,
                                        data.until)
        await revoke_access(pool, tokens, *ended)
        return accepted(position)


async def keep_code(pool: asyncpg.Pool, email_id: str, code: str) -> None:
    """The code goes to the outbox's secret store, which the mailer empties as it sends (never an event)."""
    await keep_secrets(pool, email_id, {"code": code})


async def claimed_domains(pool: asyncpg.Pool, account_id: UUID) -> list[ClaimedDomain]:
    return [ClaimedDomain(domain=d.domain, verified=d.verified, claimed_at=d.claimed_at, verified_at=d.verified_at)
            for d in await domains_of(pool, account_id)]
