"""The Sessions tab and session details: list (keyset pages, filters), CSV export, close, comment."""

from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Stream

from domain.application import Portal
from domain.i18n import N_
from gateway.consistency import MinPosition, accepted, command, reach
from gateway.csv_export import export, exported
from gateway.fields import ZONE_RULE, Comment, Cursor, Limit, Order, Plain, moment, parameter
from gateway.identity import Caller, customer
from gateway.problems import Problem
from projections.sessions import (SESSIONS, SessionDetails, SessionFilter, SessionRow, session_details,
                                  session_page, every_session)

ClientFilter = Annotated[str | None, parameter(N_("a client id of 9 or 10 digits"), r"^[0-9]{9,10}$")]
After = Annotated[str | None, Parameter(query="from", max_length=40, description=f"Started at or after: {ZONE_RULE}")]
Before = Annotated[str | None, Parameter(query="to", max_length=40, description=f"Started before: {ZONE_RULE}")]
SessionId = Annotated[str, Plain]


class SessionList(msgspec.Struct, kw_only=True):
    items: list[SessionRow]
    next_cursor: str | None


class SessionPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    comment: Comment


CSV_HEADER = (N_("Session"), N_("From ID"), N_("From alias"), N_("To ID"), N_("To alias"), N_("Start"), N_("End"),
              N_("Duration (s)"), N_("Active"))


def csv_cells(s: SessionRow) -> tuple[Any, ...]:
    return (s.session_id, s.from_.client_id, s.from_.alias, s.to.client_id, s.to.alias, s.started_at, s.ended_at,
            s.duration_seconds, s.active)


# csv_cells in SQL, over the columns of projections.sessions' query, for COPY
CSV_COLUMNS = ("session_id, from_client_id, from_alias, to_client_id, to_alias, started_at, ended_at, "
               "trunc(extract(epoch FROM ended_at - started_at))::bigint, ended_at IS NULL")


class SessionQuery(msgspec.Struct, frozen=True, kw_only=True):
    filter: SessionFilter
    descending: bool
    cursor: str | None
    limit: int


async def session_query(caller: Caller, limit: Limit = 50, cursor: Cursor = None, order: Order = "desc",
                        client_id: ClientFilter = None, started_after: After = None, started_before: Before = None,
                        active: bool | None = None) -> SessionQuery:
    # `caller` is only asked for so that the credentials are checked before these parameters.
    f = SessionFilter(client_id=client_id, started_after=moment(started_after, "from"),
                      started_before=moment(started_before, "to"), active=active)
    return SessionQuery(filter=f, descending=order == "desc", cursor=cursor, limit=limit)


async def sessions_page(pool: asyncpg.Pool, account_id: UUID,
                        listing: SessionQuery) -> tuple[list[SessionRow], str | None]:
    return await session_page(pool, account_id, listing.filter, descending=listing.descending, cursor=listing.cursor,
                              limit=listing.limit)


class SessionsController(Controller):
    path = "/v1"
    tags = ["sessions"]
    dependencies = {"caller": Provide(customer), "listing": Provide(session_query)}

    @get("/sessions", summary="The Sessions tab: past and current sessions, newest first by default")
    async def list_sessions(self, caller: Caller, listing: SessionQuery, state: State, pool: asyncpg.Pool,
                            min_position: Annotated[int | None, MinPosition] = None) -> SessionList:
        await reach(state, SESSIONS.name, min_position)
        items, next_cursor = await sessions_page(pool, caller.account_id, listing)
        return SessionList(items=items, next_cursor=next_cursor)

    @get("/sessions.csv", summary="Export the Sessions tab as CSV (all rows or the page, per the account's "
                                  "settings)", media_type="text/csv")
    async def export_sessions(self, caller: Caller, listing: SessionQuery, state: State, pool: asyncpg.Pool,
                              min_position: Annotated[int | None, MinPosition] = None) -> Stream:
        await reach(state, SESSIONS.name, min_position)
        async def page() -> list[SessionRow]:
            return (await sessions_page(pool, caller.account_id, listing))[0]

        return await export(pool, caller.account_id, "sessions.csv", CSV_HEADER, csv_cells, page=page,
                            every=exported(CSV_COLUMNS, *every_session(caller.account_id, listing.filter,
                                                                        descending=listing.descending)))

    @get("/sessions/{session_id:str}", summary="Session details with its comment")
    async def show_session(self, session_id: SessionId, caller: Caller, state: State, pool: asyncpg.Pool,
                           min_position: Annotated[int | None, MinPosition] = None) -> SessionDetails:
        await reach(state, SESSIONS.name, min_position)
        details = await session_details(pool, caller.account_id, session_id)
        if details is None:
            raise Problem(404, "not-found", N_("No such session"))
        return details

    @patch("/sessions/{session_id:str}", summary="Write the session's comment")
    async def comment_session(self, session_id: SessionId, data: SessionPatch, caller: Caller,
                              portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.comment_session, caller.account_id, session_id,
                                      data.comment))

    @post("/sessions/{session_id:str}/close", status_code=200,
          summary="Close an active session by force; the clients learn it from the SessionEnded event")
    async def close_session(self, session_id: SessionId, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.close_session, caller.account_id, session_id))
