"""The Sessions tab read model: past and current sessions of the account's clients; session details."""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from projections.fold import Fold
from projections.paging import Sort, page
from domain.contract.usage import SessionCommented, SessionEnded, SessionStarted
from projections.readmodel import ReadModel, update_row

SESSIONS = ReadModel("sessions", tables=("sessions",))


class SessionEvent(msgspec.Struct):
    account_id: UUID
    session_id: str


def _key(e: SessionEvent) -> dict[str, object]:
    return {"account_id": e.account_id, "session_id": e.session_id}


class Started(SessionEvent):
    from_client_id: str
    to_client_id: str
    started_at: datetime


@SESSIONS.on(SessionStarted, Started)
async def _started(conn: Fold, e: Started, position: int) -> None:
    await conn.rows("sessions").insert(_key(e), from_client_id=e.from_client_id, to_client_id=e.to_client_id,
                                       started_at=e.started_at, position=position)


class Ended(SessionEvent):
    ended_at: datetime
    reason: str


@SESSIONS.on(SessionEnded, Ended)
async def _ended(conn: Fold, e: Ended, position: int) -> None:
    await update_row(conn, "sessions", _key(e), position, ended_at=e.ended_at, end_reason=e.reason)


class Commented(SessionEvent):
    comment: str


@SESSIONS.on(SessionCommented, Commented)
async def _commented(conn: Fold, e: Commented, position: int) -> None:
    await update_row(conn, "sessions", _key(e), position, comment=e.comment)


# -- queries ---------------------------------------------------------------------------------------------

class Peer(msgspec.Struct, kw_only=True):
    client_id: str
    alias: str | None


class SessionRow(msgspec.Struct, kw_only=True):
    session_id: str
    from_: Peer = msgspec.field(name="from")
    to: Peer
    started_at: datetime
    ended_at: datetime | None
    duration_seconds: int | None  # None while active
    active: bool
    end_reason: str | None


class SessionDetails(SessionRow, kw_only=True):
    comment: str


SORTS = {"started_at": Sort("s.started_at", "timestamptz", "started_at")}

# Aliases are the clients' current ones, as the portal shows them: looked up by primary key for each row shown
# only. As joins, a generic plan (a prepared statement's, planned for an account of average size) read all of a
# large account's clients for every page.
ALIAS = "(SELECT alias FROM clients c WHERE c.account_id = s.account_id AND c.client_id = s.{side} AND c.linked)"
SELECT = f"""SELECT s.session_id, s.from_client_id, {ALIAS.format(side="from_client_id")} AS from_alias,
                    s.to_client_id, {ALIAS.format(side="to_client_id")} AS to_alias,
                    s.started_at, s.ended_at, s.end_reason, s.comment
             FROM sessions s"""


SIDES = {"in": ("to_client_id",), "out": ("from_client_id",), "inout": ("from_client_id", "to_client_id")}


class SessionFilter(msgspec.Struct, kw_only=True):
    client_id: str | None = None
    direction: str = "inout"  # the side `client_id` is on: "in" (connected to), "out" (connected from), either
    started_after: datetime | None = None
    started_before: datetime | None = None
    active: bool | None = None


def _filters(account_id: UUID, f: SessionFilter) -> tuple[str, list[object]]:
    where = ["s.account_id = $1"]
    args: list[object] = [account_id]
    if f.client_id:
        args.append(f.client_id)
        where.append("(" + " OR ".join(f"s.{side} = ${len(args)}" for side in SIDES[f.direction]) + ")")
    if f.started_after:
        args.append(f.started_after)
        where.append(f"s.started_at >= ${len(args)}")
    if f.started_before:
        args.append(f.started_before)
        where.append(f"s.started_at < ${len(args)}")
    if f.active is not None:
        where.append("s.ended_at IS NULL" if f.active else "s.ended_at IS NOT NULL")
    return " AND ".join(where), args


def _details(r: asyncpg.Record) -> SessionDetails:
    ended = r["ended_at"]
    return SessionDetails(
        session_id=r["session_id"], from_=Peer(client_id=r["from_client_id"], alias=r["from_alias"]),
        to=Peer(client_id=r["to_client_id"], alias=r["to_alias"]), started_at=r["started_at"], ended_at=ended,
        duration_seconds=int((ended - r["started_at"]).total_seconds()) if ended else None, active=ended is None,
        end_reason=r["end_reason"], comment=r["comment"])


def _row(r: asyncpg.Record) -> SessionRow:
    d = _details(r)
    return SessionRow(session_id=d.session_id, from_=d.from_, to=d.to, started_at=d.started_at,
                      ended_at=d.ended_at, duration_seconds=d.duration_seconds, active=d.active,
                      end_reason=d.end_reason)


async def session_page(pool: asyncpg.Pool, account_id: UUID, f: SessionFilter, *, descending: bool,
                       cursor: str | None, limit: int) -> tuple[list[SessionRow], str | None]:
    where, args = _filters(account_id, f)
    rows, next_cursor = await page(pool, select=SELECT, where=where, args=args, sorts=SORTS, sort="started_at",
                                   descending=descending, id_column="s.session_id", cursor=cursor, limit=limit)
    return [_row(r) for r in rows], next_cursor


def every_session(account_id: UUID, f: SessionFilter, *, descending: bool) -> tuple[str, list[object]]:
    """Every matching session in order, as one query and its arguments (for a COPY of any size)."""
    where, args = _filters(account_id, f)
    direction = "DESC" if descending else "ASC"
    return f"{SELECT} WHERE {where} ORDER BY s.started_at {direction}, s.session_id {direction}", args


async def session_details(pool: asyncpg.Pool, account_id: UUID, session_id: str) -> SessionDetails | None:
    r = await pool.fetchrow(f"{SELECT} WHERE s.account_id = $1 AND s.session_id = $2", account_id, session_id)
    return _details(r) if r else None


async def recent_sessions(pool: asyncpg.Pool, account_id: UUID, client_id: str, limit: int = 5) -> list[SessionRow]:
    """The client's most recent sessions, either side (the two indexes serve the two halves)."""
    rows = await pool.fetch(
        f"""{SELECT} WHERE s.session_id IN (
                (SELECT session_id FROM sessions WHERE account_id = $1 AND from_client_id = $2
                 ORDER BY started_at DESC LIMIT $3)
                UNION ALL
                (SELECT session_id FROM sessions WHERE account_id = $1 AND to_client_id = $2
                 ORDER BY started_at DESC LIMIT $3))
            AND s.account_id = $1 ORDER BY s.started_at DESC LIMIT $3""", account_id, client_id, limit)
    return [_row(r) for r in rows]


# Offset pages, for APIs that page that way (the AnyDesk-compatible one). Active sessions last until now.
DURATION = "coalesce(s.ended_at, now()) - s.started_at"
SLICE_ORDERS = {"from_client_id": "s.from_client_id::bigint", "to_client_id": "s.to_client_id::bigint",
                "started_at": "s.started_at", "ended_at": "s.ended_at", "duration": DURATION}


class SessionSlice(msgspec.Struct, kw_only=True):
    total: int
    shortest: int | None  # seconds, over every matching session (None when none match)
    longest: int | None
    items: list[SessionDetails]


async def session_slice(pool: asyncpg.Pool, account_id: UUID, f: SessionFilter, *, sort: str, descending: bool,
                        offset: int, limit: int | None) -> SessionSlice:
    """How many sessions match and how long they lasted, and the `limit` of them (None: all) after `offset`."""
    where, args = _filters(account_id, f)
    direction = "DESC" if descending else "ASC"
    stats = await pool.fetchrow(
        f"""SELECT count(*) AS total, extract(epoch FROM min({DURATION}))::bigint AS shortest,
                   extract(epoch FROM max({DURATION}))::bigint AS longest FROM sessions s WHERE {where}""", *args)
    rows = await pool.fetch(
        f"""{SELECT} WHERE {where} ORDER BY {SLICE_ORDERS[sort]} {direction}, s.session_id {direction}
            OFFSET ${len(args) + 1} LIMIT ${len(args) + 2}""", *args, offset, limit)
    return SessionSlice(total=stats["total"], shortest=stats["shortest"], longest=stats["longest"],
                        items=[_details(r) for r in rows])
