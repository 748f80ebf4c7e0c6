"""Customers, as administrators and resellers manage them (MediaCP's customer accounts): list and search,
CSV, the overview, create and change. A reseller reaches only its own customers; others answer 404."""

import re
import secrets
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Stream

from domain.application import Portal
from domain.customer_commands import Changes, Profile
from domain.i18n import N_
from domain.user import User
from domain.user_commands import PLATFORM_ACCOUNT
from domain.user_commands import normalised_email
from gateway.credentials import KnownTokens
from gateway.fields import EmailAddress, Name, Password, ProductCode, require_strong
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.csv_export import export, exported
from gateway.identity import forget_logins, hash_password, revoke_account_tokens
from gateway.managers import Manager, managed, manager
from gateway.problems import Problem
from gateway.resets import send_invitation
from projections.access import ACCOUNT_ACCESS
from projections.customers import CUSTOMERS, CustomerRow, Filter, customer, customer_page, every_customer
from projections.license import LICENSE_TAB
from projections.plans import PLANS, Usage, usage
from projections.users import account_users

AccountType = Literal["customer", "administrator", "reseller"]
Phone = Annotated[str, msgspec.Meta(max_length=30, description="International format, e.g. +34 600 123 456")]
TimeZone = Annotated[str, msgspec.Meta(max_length=64, description="IANA name, e.g. Europe/Madrid")]
PHONE = re.compile(r"\+[1-9][0-9 ]{6,25}")
Limit = Annotated[int, Parameter(ge=1, le=500, description="Rows per page")]
Sort = Literal["opened_at", "customer_number", "name"]
Order = Literal["asc", "desc"]


class NewCustomer(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress  # the login
    name: Name
    password: Password | None = None  # None: the owner gets an invitation link to choose one
    invite: bool = False
    enabled: bool = True  # a disabled customer cannot log in
    api_access: bool = True
    welcome_email: bool = True
    phone: Phone | None = None
    account_type: AccountType = "customer"
    plan_id: UUID | None = None  # the plan of a reseller account
    product: ProductCode = "free"
    time_zone: TimeZone | None = None
    accessibility: bool = False


class CustomerPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    api_access: bool | msgspec.UnsetType = msgspec.UNSET
    account_type: AccountType | msgspec.UnsetType = msgspec.UNSET
    plan_id: UUID | msgspec.UnsetType = msgspec.UNSET
    product: ProductCode | msgspec.UnsetType = msgspec.UNSET
    time_zone: TimeZone | msgspec.UnsetType = msgspec.UNSET
    accessibility: bool | msgspec.UnsetType = msgspec.UNSET


class Created(msgspec.Struct, kw_only=True):
    account_id: UUID
    customer_number: str
    position: int


class Message(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]


class Queued(msgspec.Struct, kw_only=True):
    email_id: str
    position: int


class CustomerList(msgspec.Struct, kw_only=True):
    items: list[CustomerRow]
    next_cursor: str | None


class Overview(CustomerRow, kw_only=True):
    reseller_usage: Usage | None  # a reseller account's plan and what it uses of it


async def caught_up(state: State, min_position: int | None) -> None:
    """The list and the overview join three read models: each must have reached the caller's write."""
    for model in (CUSTOMERS, LICENSE_TAB, PLANS):
        await reach(state, model.name, min_position)


def checked_phone(phone: str | None) -> str:
    if phone and not PHONE.fullmatch(phone):
        raise Problem(422, "validation", N_("{field}: a number in international format, such as +34 600 123 456"),
                      field="phone")
    return phone or ""


class CustomerQuery(msgspec.Struct, frozen=True, kw_only=True):
    filter: Filter
    sort: Sort
    descending: bool
    cursor: str | None
    limit: int


async def customer_query(who: Manager, q: Annotated[str | None, Parameter(max_length=100)] = None,
                         enabled: bool | None = None, plan_id: UUID | None = None, level: AccountType | None = None,
                         limit: Limit = 50, cursor: str | None = None, sort: Sort = "opened_at",
                         order: Order = "asc") -> CustomerQuery:
    # `who` is only asked for so that the credentials are checked before these parameters.
    return CustomerQuery(filter=Filter(q=q, enabled=enabled, plan_id=plan_id, level=level), sort=sort,
                         descending=order == "desc", cursor=cursor, limit=limit)


async def customers_page(pool: asyncpg.Pool, who: Manager,
                         listing: CustomerQuery) -> tuple[list[CustomerRow], str | None]:
    return await customer_page(pool, who.scope, listing.filter, sort=listing.sort, descending=listing.descending,
                               cursor=listing.cursor, limit=listing.limit)


CSV_HEADER = (N_("Customer ID"), N_("Customer number"), N_("Login"), N_("Name"), N_("Contact number"), N_("Level"),
              N_("Enabled"), N_("API access"), N_("Time zone"), N_("Product"), N_("Expires"), N_("Clients"),
              N_("Online"), N_("Reseller"), N_("Plan"), N_("Opened"))


def csv_cells(c: CustomerRow) -> tuple[Any, ...]:
    return (c.account_id, c.customer_number, c.login, c.name, c.phone, c.level, c.enabled, c.api_access,
            c.time_zone, c.product, c.expires_at, c.linked_clients, c.online_clients, c.reseller_id, c.plan_id,
            c.opened_at)


CSV_COLUMNS = ("account_id, customer_number, login, name, phone, level, enabled, api_access, time_zone, product, "
               "expires_at, linked_clients, online_clients, reseller_id, plan_id, opened_at")  # csv_cells in SQL


class CustomersController(Controller):
    path = "/v1/admin"
    tags = ["admin"]
    dependencies = {"who": Provide(manager), "listing": Provide(customer_query)}

    @get("/customers", summary="Customers, searched by name, e-mail or number, by status, plan and level; keyset pages")
    async def list_customers(self, who: Manager, listing: CustomerQuery, state: State, pool: asyncpg.Pool,
                             min_position: Annotated[int | None, MinPosition] = None) -> CustomerList:
        await caught_up(state, min_position)
        items, next_cursor = await customers_page(pool, who, listing)
        return CustomerList(items=items, next_cursor=next_cursor)

    @get("/customers.csv", summary="The customers list as CSV (all rows or the page, per the caller's settings)",
         media_type="text/csv")
    async def export_customers(self, who: Manager, listing: CustomerQuery, state: State, pool: asyncpg.Pool,
                               min_position: Annotated[int | None, MinPosition] = None) -> Stream:
        await caught_up(state, min_position)
        async def page() -> list[CustomerRow]:
            return (await customers_page(pool, who, listing))[0]

        return await export(pool, who.caller.account_id, "customers.csv", CSV_HEADER, csv_cells, page=page,
                            every=exported(CSV_COLUMNS, *every_customer(who.scope, listing.filter, sort=listing.sort,
                                                                         descending=listing.descending)))

    @get("/customers/{account_id:uuid}", summary="The customer overview: who, level, time zone, license and clients, "
                                       "reseller plan and usage")
    async def show(self, account_id: UUID, who: Manager, state: State, pool: asyncpg.Pool,
                   min_position: Annotated[int | None, MinPosition] = None) -> Overview:
        await caught_up(state, min_position)
        row = await customer(pool, who.scope, account_id)
        if row is None:
            raise Problem(404, "not-found", N_("No such account"))
        return Overview(**msgspec.structs.asdict(row),
                        reseller_usage=await usage(pool, PLATFORM_ACCOUNT, account_id))

    @post("/customers", status_code=201, summary="Create a customer (or, for administrators, an administrator or reseller "
                                       "account); with no password its owner gets an invitation link")
    async def create(self, data: NewCustomer, who: Manager, state: State, portal: Portal,
                     pool: asyncpg.Pool, tokens: KnownTokens) -> Response[Any]:
        email = normalised_email(data.email)
        if data.password is not None and data.invite:
            raise Problem(422, "validation", N_("{field}: give a password or an invitation, not both"),
                          field="password")
        if data.password is not None:
            require_strong(data.password, email)
        secret = data.password or secrets.token_urlsafe(32)  # an invitation's login is unusable until chosen
        profile = Profile(name=data.name.strip(), phone=checked_phone(data.phone), enabled=data.enabled,
                          api_access=data.api_access, account_type=data.account_type, plan_id=data.plan_id,
                          product=data.product, time_zone=data.time_zone, accessibility=data.accessibility)
        account_id, number, position = await command(who.caller.actor, portal.create_customer, email,
                                                     await off_loop(hash_password, secret), profile, who.scope)
        if data.password is None:
            position = await send_invitation(portal, pool, state.settings.public_url, who.caller.actor, email, position)
        elif data.welcome_email:
            _, position = await command(who.caller.actor, portal.queue_email, account_id, email, "welcome",
                                        {"name": profile.name})
        return accepted(position, Created(account_id=account_id, customer_number=number, position=position),
                        status=201)

    @patch("/customers/{account_id:uuid}", summary="Change a customer: name, phone, status, API access, product, time zone, "
                                         "accessibility; administrators also its type and plan")
    async def change(self, account_id: UUID, data: CustomerPatch, who: Manager, state: State, portal: Portal,
                     pool: asyncpg.Pool, tokens: KnownTokens) -> Response[Any]:
        await managed(portal, who, account_id)
        given = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        if "phone" in given:
            given["phone"] = checked_phone(given["phone"])
        position = await command(who.caller.actor, portal.change_customer, account_id, Changes(**given), who.scope)
        if "enabled" in given or "api_access" in given:
            await reach(state, ACCOUNT_ACCESS.name, position)  # in force for every token once this answers
        if given.get("enabled") is False:  # sessions and API keys end for good: enabling again revives neither
            await revoke_account_tokens(pool, tokens, account_id)
            await state.beats.revoke(account_id)  # and its devices' heartbeats are checked again
        return accepted(position)

    @post("/customers/{account_id:uuid}/email", status_code=201,
          summary="E-mail the customer (subject and text); it goes out through the outbox and shows in the "
                  "account's audit trail and e-mail status")
    async def email(self, account_id: UUID, data: Message, who: Manager, portal: Portal) -> Response[Any]:
        await managed(portal, who, account_id)
        email_id, position = await command(who.caller.actor, portal.email_customer, account_id, data.subject,
                                           data.text)
        return accepted(position, Queued(email_id=email_id, position=position), status=201)

    @delete("/customers/{account_id:uuid}", status_code=200,
            summary="Delete the customer permanently (type its customer number as `confirm`): its personal data is "
                    "destroyed with its key")
    async def remove(self, account_id: UUID, who: Manager, portal: Portal, pool: asyncpg.Pool,
                     tokens: KnownTokens,
                     confirm: Annotated[str, Parameter(max_length=20, description="The customer number")] = ""
                     ) -> Response[Any]:
        account = await managed(portal, who, account_id)
        logins = [account.email, *(u.email for u in await account_users(pool, account_id))]
        position = await command(who.caller.actor, portal.delete_customer, account_id, confirm)
        await off_loop(portal.shred, account_id, [account_id, *map(User.id_for, logins)])
        await forget_logins(pool, tokens, account_id, logins)
        return accepted(position)
