"""E-mail for platform staff: the last e-mails to an address and their status (the help desk's question
"did my mail go out?"), an account's e-mails, the suppression list, and the bounce webhook of a provider."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.actor import Actor
from domain.user_commands import PLATFORM_ACCOUNT
from gateway.consistency import MinPosition, accepted, command, reach
from gateway.fields import Cursor, EmailAddress, Limit, Reason, given
from gateway.identity import Caller, staff
from projections.emails import (EMAILS, AddressEmail, EmailRow, SuppressedAddress, account_emails, emails_to,
                                is_listed, suppressed_addresses)

ADMINISTRATOR, HELP_DESK = "administrator", "help desk"


class AddressEmails(msgspec.Struct, kw_only=True):
    to: str
    suppressed: bool
    items: list[AddressEmail]  # newest first


class EmailList(msgspec.Struct, kw_only=True):
    items: list[EmailRow]
    next_cursor: str | None


class SuppressionList(msgspec.Struct, kw_only=True):
    items: list[SuppressedAddress]
    next_cursor: str | None


class SuppressionRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress
    reason: Reason


class EmailPage(msgspec.Struct, frozen=True, kw_only=True):
    cursor: str | None
    limit: int


def paging(default_limit: int) -> Callable[..., Awaitable[EmailPage]]:
    async def page(caller: Caller, limit: Limit = default_limit, cursor: Cursor = None) -> EmailPage:
        # `caller` is only asked for so that the credentials are checked before these parameters.
        return EmailPage(cursor=cursor, limit=limit)
    return page


async def record_bounce(portal: Portal, pool: asyncpg.Pool, actor: Actor, address: str, reason: str) -> int:
    """The bounce of the address's last sent e-mail (which suppresses it), or just the suppression."""
    last_sent = next((e for e in await emails_to(pool, address) if e.status == "sent"), None)
    if last_sent is None:
        return await command(actor, portal.suppress_address, address, reason)
    return await command(actor, portal.mark_bounced, last_sent.account_id, last_sent.email_id, reason)


class EmailController(Controller):
    path = "/v1/admin/email"
    tags = ["admin"]
    dependencies = {"caller": Provide(staff(ADMINISTRATOR, HELP_DESK))}

    @get("", summary="The last e-mails to an address, newest first, and whether it is suppressed")
    async def to_address(self, caller: Caller, state: State, pool: asyncpg.Pool,
                         to: EmailAddress | None = None,
                         min_position: Annotated[int | None, MinPosition] = None) -> AddressEmails:
        await reach(state, EMAILS.name, min_position)
        address = given(to, "to").strip().lower()
        return AddressEmails(to=address, suppressed=await is_listed(pool, PLATFORM_ACCOUNT, address),
                             items=await emails_to(pool, address))

    @get("/accounts/{account_id:uuid}", summary="An account's e-mails, newest first, one keyset page at a time",
         dependencies={"listing": Provide(paging(50))})
    async def of_account(self, account_id: UUID, caller: Caller, listing: EmailPage, state: State,
                         pool: asyncpg.Pool, min_position: Annotated[int | None, MinPosition] = None) -> EmailList:
        await reach(state, EMAILS.name, min_position)
        items, next_cursor = await account_emails(pool, account_id, cursor=listing.cursor, limit=listing.limit)
        return EmailList(items=items, next_cursor=next_cursor)

    @get("/suppressions", summary="The platform's suppressed addresses, by address",
         dependencies={"listing": Provide(paging(100))})
    async def suppressions(self, caller: Caller, listing: EmailPage, state: State, pool: asyncpg.Pool,
                           min_position: Annotated[int | None, MinPosition] = None) -> SuppressionList:
        await reach(state, EMAILS.name, min_position)
        items, next_cursor = await suppressed_addresses(pool, PLATFORM_ACCOUNT, cursor=listing.cursor,
                                                        limit=listing.limit)
        return SuppressionList(items=items, next_cursor=next_cursor)

    @post("/suppressions", status_code=200, summary="Stop mailing an address until someone clears it",
          dependencies={"caller": Provide(staff(ADMINISTRATOR))})
    async def suppress(self, data: SuppressionRequest, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.suppress_address, data.email, data.reason))

    @delete("/suppressions/{email:str}", status_code=200, summary="Clear an address: mail goes to it again")
    async def clear(self, email: EmailAddress, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.clear_suppression, email, caller.email))

    @post("/bounces", status_code=200, summary="A provider's bounce report: the address's last e-mail bounced",
          dependencies={"caller": Provide(staff(ADMINISTRATOR))})
    async def bounce(self, data: SuppressionRequest, caller: Caller, portal: Portal,
                     pool: asyncpg.Pool) -> Response[Any]:
        return accepted(await record_bounce(portal, pool, caller.actor, data.email.strip().lower(), data.reason))
