"""The AnyDesk API's objects, named exactly as AnyDesk names them (times in Unix seconds), made from Portal's
read-model rows."""

from datetime import UTC, datetime
from typing import Annotated, Literal

import msgspec
from litestar import Response
from litestar.datastructures import State
from litestar.params import Parameter

from gateway.consistency import POSITION_HEADER, reach
from projections.clients import ClientDetails
from projections.sessions import Peer, SessionDetails

Offset = Annotated[int, Parameter(ge=0, description="Skip this many")]  # AnyDesk's paging, for every list
Limit = Annotated[int, Parameter(ge=-1, description="At most this many; -1: all")]
Order = Literal["asc", "desc"]


class AnyDeskPeer(msgspec.Struct, kw_only=True):
    cid: int
    alias: str | None


class AnyDeskSession(msgspec.Struct, kw_only=True, rename="kebab"):
    sid: str
    from_: AnyDeskPeer = msgspec.field(name="from")
    to: AnyDeskPeer
    active: bool
    start_time: int
    end_time: int | None  # None while active
    duration: int  # seconds; while active, so far
    comment: str
    src_user_ref: str | None = msgspec.field(name="src_user_ref")
    dst_user_ref: str | None = msgspec.field(name="dst_user_ref")


class AnyDeskClient(msgspec.Struct, kw_only=True, rename="kebab"):
    cid: int
    alias: str | None  # name@namespace
    client_version: str
    online: bool
    online_time: int  # seconds online, -1 while offline
    comment: str
    user_ref: str | None = msgspec.field(name="user_ref")


class AnyDeskClientDetails(AnyDeskClient, kw_only=True, rename="kebab"):
    last_sessions: list[AnyDeskSession]


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def side(peer: Peer) -> AnyDeskPeer:
    return AnyDeskPeer(cid=int(peer.client_id), alias=peer.alias)


def session(s: SessionDetails, now: datetime) -> AnyDeskSession:
    ended = s.ended_at or now
    return AnyDeskSession(sid=s.session_id, from_=side(s.from_), to=side(s.to), active=s.active,
                          start_time=unix(s.started_at), end_time=unix(s.ended_at) if s.ended_at else None,
                          duration=max(0, int((ended - s.started_at).total_seconds())), comment=s.comment,
                          src_user_ref=None, dst_user_ref=None)  # Portal has no user references on sessions


def client(c: ClientDetails, now: datetime) -> AnyDeskClient:
    online_time = int((now - c.online_since).total_seconds()) if c.online_since else -1
    return AnyDeskClient(cid=int(c.client_id), alias=c.alias, client_version=c.version, online=c.online,
                         online_time=online_time, comment=c.comment, user_ref=None)


def now() -> datetime:
    return datetime.now(UTC)


async def applied(state: State, read_model: str, position: int) -> Response[None]:
    """A write's answer (204, as AnyDesk answers), once its read model shows it: AnyDesk's clients send no
    X-Min-Position, and a script's next GET must see its own change."""
    await reach(state, read_model, position)
    return Response(None, status_code=204, headers={POSITION_HEADER: str(position)})
