"""AnyDesk's clients: the list (offset pages, sort, the bare `online` flag, a filter on id or alias), one client
with its last sessions, and its alias or comment changed through Portal's own commands."""

from typing import Annotated, Literal

import asyncpg
import msgspec
from litestar import Controller, Response, get, patch
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from domain.application import Portal
from gateway.anydesk.errors import AnyDeskError
from gateway.anydesk.guard import Licensee
from gateway.anydesk.shapes import (AnyDeskClient, AnyDeskClientDetails, Limit, Offset, Order, applied, client,
                                    now, session)
from gateway.consistency import command
from projections.clients import CLIENTS, client_details, client_slice
from projections.sessions import SessionFilter, session_slice

SORTS = {"cid": "client_id", "alias": "alias", "online": "online"}  # AnyDesk's names -> the read model's
LAST_SESSIONS = 5


class ClientQuery(msgspec.Struct, frozen=True, kw_only=True):
    offset: int
    limit: int
    sort: str
    order: str
    online: bool | None  # True for the bare flag; None: online or not
    filter: str | None


async def client_query(offset: Offset = 0, limit: Limit = -1, sort: Literal["cid", "alias", "online"] = "cid",
                       order: Order = "asc",
                       online: Annotated[str | None, Parameter(description="A bare flag: online clients only")] = None,
                       filter: Annotated[str | None, Parameter(max_length=100, description="Part of the id or alias, "
                                                                                           "e.g. @ad")] = None,
                       ) -> ClientQuery:
    return ClientQuery(offset=offset, limit=limit, sort=sort, order=order,
                       online=True if online is not None else None, filter=filter)


class AnyDeskClientList(msgspec.Struct, kw_only=True, omit_defaults=True):  # `online` only when asked for
    count: int  # every match
    selected: int  # in this answer
    offset: int
    limit: int
    online: bool | None = None
    items: list[AnyDeskClient] = msgspec.field(name="list")


class ClientChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    alias: Annotated[str, msgspec.Meta(max_length=80)] | None | msgspec.UnsetType = msgspec.UNSET
    comment: Annotated[str, msgspec.Meta(max_length=2_000)] | msgspec.UnsetType = msgspec.UNSET


class AnyDeskClientsController(Controller):
    path = "/clients"
    tags = ["anydesk"]
    dependencies = {"listing": Provide(client_query)}

    @get("", summary="AnyDesk: the account's clients")
    async def list_clients(self, caller: Licensee, listing: ClientQuery, pool: asyncpg.Pool) -> AnyDeskClientList:
        count, rows = await client_slice(pool, caller.account_id, online=listing.online, search=listing.filter,
                                         sort=SORTS[listing.sort], descending=listing.order == "desc",
                                         offset=listing.offset, limit=None if listing.limit < 0 else listing.limit)
        at = now()
        return AnyDeskClientList(count=count, selected=len(rows), offset=listing.offset, limit=listing.limit,
                                 online=listing.online, items=[client(r, at) for r in rows])

    @get("/{cid:int}", summary="AnyDesk: one client with its last five sessions")
    async def show_client(self, cid: int, caller: Licensee, pool: asyncpg.Pool) -> AnyDeskClientDetails:
        details = await client_details(pool, caller.account_id, str(cid))
        if details is None:
            raise AnyDeskError(404, "not_found", "No such client")
        recent = await session_slice(pool, caller.account_id, SessionFilter(client_id=str(cid)), sort="started_at",
                                     descending=True, offset=0, limit=LAST_SESSIONS)
        at = now()
        return AnyDeskClientDetails(**msgspec.structs.asdict(client(details, at)),
                                    last_sessions=[session(s, at) for s in recent.items])

    @patch("/{cid:int}", status_code=204, summary="AnyDesk: set or remove (null) the alias, or write the comment")
    async def change_client(self, cid: int, data: ClientChange, caller: Licensee, portal: Portal,
                            state: State) -> Response[None]:
        if data.alias is msgspec.UNSET and data.comment is msgspec.UNSET:
            raise AnyDeskError(400, "invalid_request", "Give alias and/or comment")
        if isinstance(data.alias, str) and "@" not in data.alias:  # AnyDesk takes only whole aliases
            raise AnyDeskError(400, "invalid_alias", "An alias reads name@namespace")
        position = 0
        if data.alias is not msgspec.UNSET:
            position = await command(caller.actor, portal.set_alias, caller.account_id, str(cid), data.alias)
        if data.comment is not msgspec.UNSET:
            position = await command(caller.actor, portal.comment_client, caller.account_id, str(cid), data.comment)
        return await applied(state, CLIENTS.name, position)
