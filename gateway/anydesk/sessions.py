"""AnyDesk's sessions: the list (one client's, in or out, in a time range; offset pages, five sorts), one
session, its comment, and closing an active one, through Portal's own commands."""

from datetime import UTC, datetime
from typing import Annotated, Literal

import asyncpg
import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from domain.application import Portal
from gateway.anydesk.errors import AnyDeskError
from gateway.anydesk.guard import Licensee
from gateway.anydesk.shapes import AnyDeskSession, Limit, Offset, Order, applied, now, session
from gateway.consistency import command
from projections.sessions import SESSIONS, SessionFilter, session_details, session_slice

# AnyDesk's names -> the read model's
SORTS = {"from.cid": "from_client_id", "to.cid": "to_client_id", "start-time": "started_at", "end-time": "ended_at",
         "duration": "duration"}


class SessionQuery(msgspec.Struct, frozen=True, kw_only=True):
    cid: int | None
    direction: str | None
    filter: SessionFilter
    sort: str
    order: str
    offset: int
    limit: int


async def session_query(cid: Annotated[int | None, Parameter(ge=0, description="One client's sessions")] = None,
                        direction: Annotated[Literal["in", "out", "inout"] | None, Parameter(
                            description="Relative to cid: connected to it, from it, or either")] = None,
                        since: Annotated[int | None, Parameter(
                            query="from", ge=0, description="Started at or after (Unix seconds)")] = None,
                        until: Annotated[int | None, Parameter(
                            query="to", ge=0, description="Started before (Unix seconds)")] = None,
                        sort: Literal["from.cid", "to.cid", "start-time", "end-time", "duration"] = "start-time",
                        order: Order = "desc", offset: Offset = 0, limit: Limit = -1) -> SessionQuery:
    f = SessionFilter(client_id=None if cid is None else str(cid), direction=direction or "inout",
                      started_after=None if since is None else datetime.fromtimestamp(since, UTC),
                      started_before=None if until is None else datetime.fromtimestamp(until, UTC))
    return SessionQuery(cid=cid, direction=direction, filter=f, sort=sort, order=order, offset=offset, limit=limit)


class AnyDeskSessionList(msgspec.Struct, kw_only=True, omit_defaults=True):  # cid, direction: only when asked for
    count: int  # every match
    selected: int  # in this answer
    offset: int
    limit: int
    cid: int | None = None
    direction: str | None = None
    # Over every match, in seconds (active sessions: so far); only when something matches.
    duration_min: int | None = msgspec.field(default=None, name="duration.min")
    duration_max: int | None = msgspec.field(default=None, name="duration.max")
    items: list[AnyDeskSession] = msgspec.field(name="list")


class SessionComment(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    comment: Annotated[str, msgspec.Meta(max_length=2_000)]


class SessionAction(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    action: Literal["close"]


class AnyDeskSessionsController(Controller):
    path = "/sessions"
    tags = ["anydesk"]

    @get("", summary="AnyDesk: the account's sessions", dependencies={"listing": Provide(session_query)})
    async def list_sessions(self, caller: Licensee, listing: SessionQuery, pool: asyncpg.Pool) -> AnyDeskSessionList:
        found = await session_slice(pool, caller.account_id, listing.filter, sort=SORTS[listing.sort],
                                    descending=listing.order == "desc", offset=listing.offset,
                                    limit=None if listing.limit < 0 else listing.limit)
        at = now()
        return AnyDeskSessionList(count=found.total, selected=len(found.items), offset=listing.offset,
                                  limit=listing.limit, cid=listing.cid, direction=listing.direction,
                                  duration_min=found.shortest, duration_max=found.longest,
                                  items=[session(s, at) for s in found.items])

    @get("/{sid:str}", summary="AnyDesk: one session")
    async def show_session(self, sid: str, caller: Licensee, pool: asyncpg.Pool) -> AnyDeskSession:
        details = await session_details(pool, caller.account_id, sid)
        if details is None:
            raise AnyDeskError(404, "not_found", "No such session")
        return session(details, now())

    @patch("/{sid:str}", status_code=204, summary="AnyDesk: write the session's comment")
    async def comment_session(self, sid: str, data: SessionComment, caller: Licensee, portal: Portal,
                              state: State) -> Response[None]:
        position = await command(caller.actor, portal.comment_session, caller.account_id, sid, data.comment)
        return await applied(state, SESSIONS.name, position)

    @post("/{sid:str}/action", status_code=204, summary="AnyDesk: close an active session (404 when not active)")
    async def act(self, sid: str, data: SessionAction, caller: Licensee, portal: Portal,
                  state: State) -> Response[None]:
        position = await command(caller.actor, portal.close_session, caller.account_id, sid)
        return await applied(state, SESSIONS.name, position)
