"""Settings, Support: the contact form. A customer opens requests, reads their threads, writes, closes and
reopens them; each request and each message is e-mailed to the help desk (PORTAL_SUPPORT_EMAIL)."""

from typing import Annotated, Any, Literal, get_args

import asyncpg
import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.i18n import N_
from domain.support_commands import MAX_MESSAGE, MAX_SUBJECT
from domain.support_request import CATEGORIES, STATUSES
from gateway.consistency import MinPosition, accepted, command, reach
from gateway.fields import Cursor, Limit, Paragraphs, Plain, Text
from gateway.identity import Caller, customer
from gateway.problems import Problem
from projections.support import SUPPORT, SupportRequestDetails, SupportRequestRow, request_details, request_page

Category = Literal["license", "clients", "sessions", "custom_clients", "payment_and_invoices", "account",
                   "technical_problem", "other"]
Status = Literal["open", "waiting_for_customer", "answered", "closed"]
if get_args(Category) != CATEGORIES or get_args(Status) != STATUSES:
    raise ImportError("gateway.support's Category and Status must name exactly those of domain/support_request.py")
Subject = Annotated[Text, msgspec.Meta(min_length=1, max_length=MAX_SUBJECT)]
MessageText = Annotated[Paragraphs, msgspec.Meta(min_length=1, max_length=MAX_MESSAGE)]
ClientId = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{9,10}$", description="A client id of 9 or 10 digits")]
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
    return caller.email if caller.user_id is not None and caller.impersonation_id is None else None


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
    async def show(self, request_id: RequestId, caller: Caller, state: State, pool: asyncpg.Pool,
                   min_position: Annotated[int | None, MinPosition] = None) -> SupportRequestDetails:
        await reach(state, SUPPORT.name, min_position)
        details = await request_details(pool, caller.account_id, request_id)
        if details is None:
            raise Problem(404, "not-found", N_("No such support request"))
        return details

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
