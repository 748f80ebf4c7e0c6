"""Settings, Support: the contact form. A customer opens requests, reads their threads, writes, closes and
reopens them; each request and each message is e-mailed to the help desk (PORTAL_SUPPORT_EMAIL).

The help desk's side (SupportDeskController): the queue across accounts (oldest first), a request's thread, a
reply (the customer is e-mailed), a status. Help desk and administrators reach every account, a reseller only
its own customers (another's requests answer 404). Every reply and status change is an event in the
customer's audit trail, naming the staff member."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from domain.application import Portal
from domain.i18n import N_
from domain.support_commands import MAX_MESSAGE, MAX_SUBJECT
from domain.support_request import CATEGORIES, STATUSES
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.fields import Cursor, Limit, Paragraphs, Plain, Text, described
from gateway.identity import Caller, customer
from gateway.managers import Manager, managed, manager
from gateway.problems import Problem
from projections.support import (SUPPORT, QueueFilter, QueueRow, SupportRequestDetails, SupportRequestRow,
                                 queue_page, request_details, request_page)

Category = Literal["license", "clients", "sessions", "custom_clients", "payment_and_invoices", "account",
                   "technical_problem", "other"]
Status = Literal["open", "waiting_for_customer", "answered", "closed"]
if get_args(Category) != CATEGORIES or get_args(Status) != STATUSES:
    raise ImportError("gateway.support's Category and Status must name exactly those of domain/support_request.py")
Subject = Annotated[Text, msgspec.Meta(min_length=1, max_length=MAX_SUBJECT)]
MessageText = Annotated[Paragraphs, msgspec.Meta(min_length=1, max_length=MAX_MESSAGE)]
ClientId = Annotated[str, described("a client id of 9 or 10 digits", r"^[0-9]{9,10}$")]
SessionId = Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
RequestId = Annotated[str, Plain]
# A message of 10,000 characters, each JSON-escaped as a surrogate pair, is 120 kB: more than other forms need.
# Bodies up to this size are read, so an oversized message is refused naming its field.
MAX_SUPPORT_BODY = 2 * 1024 * 1024


class NewRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    subject: Subject
    category: Category
    message: MessageText
    client_id: ClientId | None = None  # the client the request is about: one of the account's
    session_id: SessionId | None = None  # the session it is about: one of the account's


class Opened(msgspec.Struct, kw_only=True):
    request_id: str
    number: str  # <customer number>-<n>: quote it when you call us
    position: int


class NewMessage(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    message: MessageText


class CustomerStatus(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    status: Literal["closed", "open"]  # close, or reopen a closed request


class RequestList(msgspec.Struct, kw_only=True):
    items: list[SupportRequestRow]
    next_cursor: str | None


class RequestQuery(msgspec.Struct, frozen=True, kw_only=True):
    status: Status | None
    cursor: str | None
    limit: int


async def request_query(caller: Caller, limit: Limit = 50, cursor: Cursor = None,
                        status: Status | None = None) -> RequestQuery:
    # `caller` is only asked for so that the credentials are checked before these parameters.
    return RequestQuery(status=status, cursor=cursor, limit=limit)


def support_address(state: State) -> str:
    return state.settings.support_email


def answers_to(caller: Caller) -> str | None:
    """Where answers are announced: the person who wrote (staff acting for the customer, or an API key: the
    account's own address)."""
    return caller.email if caller.user_id is not None and caller.access_id is None else None


async def shown(state: State, portal: Portal, pool: asyncpg.Pool, account_id: UUID,
                request_id: str) -> SupportRequestDetails:
    """The request with its thread; one the view has not applied yet is waited for (up to the event store's
    position now), so a link followed right after opening works; 404 when it is not the account's."""
    details = await request_details(pool, account_id, request_id)
    if details is None:
        await reach(state, SUPPORT.name, await off_loop(portal.current_position))
        details = await request_details(pool, account_id, request_id)
    if details is None:
        raise Problem(404, "not-found", N_("No such support request"))
    return details


class SupportController(Controller):
    path = "/v1/support/requests"
    tags = ["support"]
    dependencies = {"caller": Provide(customer), "listing": Provide(request_query),
                    "desk": Provide(support_address, sync_to_thread=False)}

    @post("", status_code=201, request_max_body_size=MAX_SUPPORT_BODY,
          summary="Open a support request; the help desk is e-mailed it")
    async def open(self, data: NewRequest, caller: Caller, desk: str, portal: Portal) -> Response[Any]:
        request_id, number, position = await command(
            caller.actor, portal.open_support_request, caller.account_id, data.subject, data.category,
            data.message, desk, answers_to(caller), data.client_id, data.session_id)
        return accepted(position, Opened(request_id=request_id, number=number, position=position), status=201)

    @get("", summary="The account's support requests, newest first")
    async def list_requests(self, caller: Caller, listing: RequestQuery, state: State, pool: asyncpg.Pool,
                            min_position: Annotated[int | None, MinPosition] = None) -> RequestList:
        await reach(state, SUPPORT.name, min_position)
        items, next_cursor = await request_page(pool, caller.account_id, listing.status, cursor=listing.cursor,
                                                limit=listing.limit)
        return RequestList(items=items, next_cursor=next_cursor)

    @get("/{request_id:str}", summary="A support request with its thread of messages, oldest first")
    async def show(self, request_id: RequestId, caller: Caller, state: State, portal: Portal, pool: asyncpg.Pool,
                   min_position: Annotated[int | None, MinPosition] = None) -> SupportRequestDetails:
        await reach(state, SUPPORT.name, min_position)
        return await shown(state, portal, pool, caller.account_id, request_id)

    @post("/{request_id:str}/messages", status_code=200, request_max_body_size=MAX_SUPPORT_BODY,
          summary="Write to the help desk in the request's thread (refused while it is closed)")
    async def write(self, request_id: RequestId, data: NewMessage, caller: Caller, desk: str,
                    portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.write_support_message, caller.account_id, request_id,
                                      data.message, desk))

    @patch("/{request_id:str}", summary="Close the request, or reopen a closed one (`open`)")
    async def close_or_reopen(self, request_id: RequestId, data: CustomerStatus, caller: Caller,
                              portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.close_or_reopen_support_request, caller.account_id,
                                      request_id, data.status))


# -- the help desk -------------------------------------------------------------------------------------

OlderThan = Annotated[int | None, Parameter(ge=0, le=24 * 365 * 10,
                                            description="Only requests opened at least this many hours ago")]


class Reply(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    message: MessageText
    status: Literal["answered", "waiting_for_customer"] = "answered"  # waiting: the reply asks the customer


class StaffStatus(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    status: Status


class QueueList(msgspec.Struct, kw_only=True):
    items: list[QueueRow]
    next_cursor: str | None


class QueueQuery(msgspec.Struct, frozen=True, kw_only=True):
    filter: QueueFilter
    cursor: str | None
    limit: int


async def desk_staff(token_caller: Caller, portal: Portal) -> Manager:
    """Help desk and administrators: every account; resellers: their own customers; anyone else 403."""
    if token_caller.platform_role in ("help desk", "administrator"):
        return Manager(caller=token_caller, scope=None)
    return await manager(token_caller, portal)


async def queue_query(who: Manager, limit: Limit = 50, cursor: Cursor = None, status: Status | None = None,
                      older_than_hours: OlderThan = None, account_id: UUID | None = None) -> QueueQuery:
    # `who` is asked for first, so the credentials are checked before these parameters.
    before = datetime.now(UTC) - timedelta(hours=older_than_hours) if older_than_hours is not None else None
    return QueueQuery(filter=QueueFilter(status=status, opened_before=before, account_id=account_id,
                                         reseller_id=who.scope), cursor=cursor, limit=limit)


async def requests_account(who: Manager, portal: Portal, request_id: str) -> UUID:
    """The account of a request this staff member may work on (from the event store, never a lagging view);
    404 for any other."""
    account_id = await off_loop(portal.support_request_account, request_id)
    await managed(portal, who, account_id)  # a reseller's check, against the account itself
    return account_id


class SupportDeskController(Controller):
    path = "/v1/helpdesk/support/requests"
    tags = ["helpdesk"]
    dependencies = {"who": Provide(desk_staff), "listing": Provide(queue_query)}

    @get("", summary="The support queue across accounts, oldest first (filter by status, age, account)")
    async def queue(self, who: Manager, listing: QueueQuery, state: State, pool: asyncpg.Pool,
                    min_position: Annotated[int | None, MinPosition] = None) -> QueueList:
        await reach(state, SUPPORT.name, min_position)
        items, next_cursor = await queue_page(pool, listing.filter, cursor=listing.cursor, limit=listing.limit)
        return QueueList(items=items, next_cursor=next_cursor)

    @get("/{request_id:str}", summary="A support request with its thread, oldest message first")
    async def show(self, request_id: RequestId, who: Manager, state: State, portal: Portal, pool: asyncpg.Pool,
                   min_position: Annotated[int | None, MinPosition] = None) -> SupportRequestDetails:
        await reach(state, SUPPORT.name, min_position)
        return await shown(state, portal, pool, await requests_account(who, portal, request_id), request_id)

    @post("/{request_id:str}/messages", status_code=200, request_max_body_size=MAX_SUPPORT_BODY,
          summary="Answer the customer (e-mailed to them); the request becomes answered or waiting for them")
    async def reply(self, request_id: RequestId, data: Reply, who: Manager, portal: Portal) -> Response[Any]:
        account_id = await requests_account(who, portal, request_id)
        return accepted(await command(who.caller.actor, portal.answer_support_request, account_id, request_id,
                                      data.message, data.status))

    @patch("/{request_id:str}", summary="Set the request's status (any of the four)")
    async def set_status(self, request_id: RequestId, data: StaffStatus, who: Manager,
                         portal: Portal) -> Response[Any]:
        account_id = await requests_account(who, portal, request_id)
        return accepted(await command(who.caller.actor, portal.set_support_status, account_id, request_id,
                                      data.status))
