"""The Clients tab and client details: list (keyset pages, sort, filters), CSV export, alias, comment, removal."""

from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, delete, get, patch
from litestar.datastructures import State
from litestar.di import Provide
from litestar.response import Stream

from domain.application import Portal
from domain.i18n import N_
from gateway.consistency import MinPosition, accepted, command, reach
from gateway.csv_export import export, exported
from gateway.fields import Comment, Cursor, Limit, Order, Plain, SearchText, Text
from gateway.identity import Caller, customer
from gateway.problems import Problem
from projections.clients import CLIENTS, ClientDetails, ClientRow, client_details, client_page, every_client
from projections.sessions import SESSIONS, SessionRow, recent_sessions

Sort = Literal["client_id", "alias", "version", "online_since"]
ClientId = Annotated[str, Plain]


class ClientList(msgspec.Struct, kw_only=True):
    items: list[ClientRow]
    next_cursor: str | None


class ClientView(ClientDetails, kw_only=True):
    connect_url: str  # opens the remote-desktop software with a connection request to this client
    recent_sessions: list[SessionRow]


class ClientPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    alias: Annotated[Text, msgspec.Meta(min_length=3, max_length=80)] | None | msgspec.UnsetType = msgspec.UNSET
    comment: Comment | msgspec.UnsetType = msgspec.UNSET


class ClientQuery(msgspec.Struct, frozen=True, kw_only=True):
    online: bool | None
    search: str | None
    sort: Sort
    descending: bool
    cursor: str | None
    limit: int


async def client_query(caller: Caller, limit: Limit = 50, cursor: Cursor = None, sort: Sort = "client_id",
                       order: Order = "asc", online: bool | None = None, q: SearchText = None) -> ClientQuery:
    # `caller` is only asked for so that the credentials are checked before these parameters.
    return ClientQuery(online=online, search=q, sort=sort, descending=order == "desc", cursor=cursor, limit=limit)


async def clients_page(pool: asyncpg.Pool, account_id: UUID,
                       listing: ClientQuery) -> tuple[list[ClientRow], str | None]:
    return await client_page(pool, account_id, online=listing.online, search=listing.search, sort=listing.sort,
                             descending=listing.descending, cursor=listing.cursor, limit=listing.limit)


CSV_HEADER = (N_("ID"), N_("Alias"), N_("Online"), N_("Online since"), N_("Version"), N_("Platform"))


def csv_cells(c: ClientRow) -> tuple[Any, ...]:
    return (c.client_id, c.alias, c.online, c.online_since, c.version, c.platform)


CSV_COLUMNS = "client_id, alias, online, online_since, version, platform"  # csv_cells in SQL, for COPY


class ClientsController(Controller):
    path = "/v1"
    tags = ["clients"]
    dependencies = {"caller": Provide(customer), "listing": Provide(client_query)}

    @get("/clients", summary="The Clients tab: linked clients, one keyset page at a time")
    async def list_clients(self, caller: Caller, listing: ClientQuery, state: State, pool: asyncpg.Pool,
                           min_position: Annotated[int | None, MinPosition] = None) -> ClientList:
        await reach(state, CLIENTS.name, min_position)
        items, next_cursor = await clients_page(pool, caller.account_id, listing)
        return ClientList(items=items, next_cursor=next_cursor)

    @get("/clients.csv", summary="Export the Clients tab as CSV (all rows or the page, per the account's "
                                 "settings)", media_type="text/csv")
    async def export_clients(self, caller: Caller, listing: ClientQuery, state: State, pool: asyncpg.Pool,
                             min_position: Annotated[int | None, MinPosition] = None) -> Stream:
        await reach(state, CLIENTS.name, min_position)
        async def page() -> list[ClientRow]:
            return (await clients_page(pool, caller.account_id, listing))[0]

        return await export(pool, caller.account_id, "clients.csv", CSV_HEADER, csv_cells, page=page,
                            every=exported(CSV_COLUMNS, *every_client(caller.account_id, online=listing.online,
                                                                       search=listing.search, sort=listing.sort,
                                                                       descending=listing.descending)))

    @get("/clients/{client_id:str}", summary="Client details with its five most recent sessions")
    async def show_client(self, client_id: ClientId, caller: Caller, state: State, pool: asyncpg.Pool,
                          min_position: Annotated[int | None, MinPosition] = None) -> ClientView:
        await reach(state, CLIENTS.name, min_position)
        await reach(state, SESSIONS.name, min_position)
        details = await client_details(pool, caller.account_id, client_id)
        if details is None:
            raise Problem(404, "not-found", N_("No such client"))
        recent = await recent_sessions(pool, caller.account_id, client_id)
        return ClientView(**msgspec.structs.asdict(details), connect_url=f"anydesk:{client_id}",
                          recent_sessions=recent)

    @patch("/clients/{client_id:str}", summary="Set or remove the alias (`null`), or write the comment")
    async def change_client(self, client_id: ClientId, data: ClientPatch, caller: Caller,
                            portal: Portal) -> Response[Any]:
        if data.alias is msgspec.UNSET and data.comment is msgspec.UNSET:
            raise Problem(422, "validation", N_("Give `alias` and/or `comment`"), field="body")
        position = None
        if data.alias is not msgspec.UNSET:
            position = await command(caller.actor, portal.set_alias, caller.account_id, client_id, data.alias)
        if data.comment is not msgspec.UNSET:
            position = await command(caller.actor, portal.comment_client, caller.account_id, client_id,
                                     data.comment)
        return accepted(position or 0)

    @delete("/clients/{client_id:str}", status_code=200, summary="Remove the client: frees its seat and alias")
    async def remove_client(self, client_id: ClientId, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.remove_client, caller.account_id, client_id))
