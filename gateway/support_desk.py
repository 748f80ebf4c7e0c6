"""The help desk's side of support requests: the queue across accounts (oldest first), a request's thread, a
reply (the customer is e-mailed), a status. Help desk and administrators reach every account, a reseller only
its own customers (another's requests answer 404). Every reply and status change is an event in the
customer's audit trail, naming the staff member."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from domain.application import Portal
from domain.i18n import N_
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.fields import Cursor, Limit
from gateway.identity import Caller
from gateway.managers import Manager, managed, manager
from gateway.problems import Problem
from gateway.support import MAX_SUPPORT_BODY, MessageText, RequestId, Status
from projections.support import SUPPORT, QueueFilter, QueueRow, SupportRequestDetails, queue_page, request_details

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
        details = await request_details(pool, await requests_account(who, portal, request_id), request_id)
        if details is None:  # recorded, but not yet in the view: X-Min-Position waits for it
            raise Problem(404, "not-found", N_("No such support request"))
        return details

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
