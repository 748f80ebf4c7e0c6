"""The Clients tab read model: linked clients with alias, presence, version, comment; client details."""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from projections.fold import Fold
from projections.paging import Sort, page
from domain.contract.usage import ClientAliasChanged, ClientCameOnline, ClientCommented, ClientLinked, ClientRegistered, ClientSoftwareChanged, ClientUnlinked, ClientWentOffline
from projections.readmodel import ReadModel, update_row

CLIENTS = ReadModel("clients", tables=("clients",))


class ClientEvent(msgspec.Struct):
    account_id: UUID
    client_id: str
    occurred_at: datetime


class Software(ClientEvent):
    version: str
    platform: str


class Alias(ClientEvent):
    alias: str | None


class Presence(ClientEvent):
    at: datetime


class Comment(ClientEvent):
    comment: str


def _key(e: ClientEvent) -> dict[str, object]:
    return {"account_id": e.account_id, "client_id": e.client_id}


@CLIENTS.on(ClientLinked, ClientEvent)
async def _linked(conn: Fold, e: ClientEvent, position: int) -> None:
    clients = conn.rows("clients")  # linked again: the row stays, with its comment, version and platform
    await clients.insert(_key(e), linked_at=e.occurred_at, position=position)
    await clients.update(_key(e), linked=True, linked_at=e.occurred_at, position=position)


@CLIENTS.on(ClientUnlinked, ClientEvent)
async def _unlinked(conn: Fold, e: ClientEvent, position: int) -> None:
    await update_row(conn, "clients", _key(e), position, linked=False, alias=None)


@CLIENTS.on(ClientRegistered, Software)
@CLIENTS.on(ClientSoftwareChanged, Software)
async def _software(conn: Fold, e: Software, position: int) -> None:
    await update_row(conn, "clients", _key(e), position, version=e.version, platform=e.platform)


@CLIENTS.on(ClientAliasChanged, Alias)
async def _alias(conn: Fold, e: Alias, position: int) -> None:
    await update_row(conn, "clients", _key(e), position, alias=e.alias)


@CLIENTS.on(ClientCameOnline, Presence)
async def _came_online(conn: Fold, e: Presence, position: int) -> None:
    await update_row(conn, "clients", _key(e), position, online_since=e.at)


@CLIENTS.on(ClientWentOffline, Presence)
async def _went_offline(conn: Fold, e: Presence, position: int) -> None:
    await update_row(conn, "clients", _key(e), position, online_since=None)


@CLIENTS.on(ClientCommented, Comment)
async def _commented(conn: Fold, e: Comment, position: int) -> None:
    await update_row(conn, "clients", _key(e), position, comment=e.comment)


# -- queries ---------------------------------------------------------------------------------------------

class ClientRow(msgspec.Struct, kw_only=True):
    client_id: str
    alias: str | None
    online: bool
    online_since: datetime | None
    version: str
    platform: str


# also in migrations/230_list_indexes.sql, whose index is on this very expression
NEVER = "'9999-12-31 00:00:00+00'::timestamptz"

SORTS = {
    "client_id": Sort("client_id", "text", "client_id"),
    "alias": Sort("coalesce(alias, '')", "text", "sort_alias"),
    "version": Sort("version", "text", "version"),
    # Offline clients sort after online ones. Not 'infinity': the cursor must carry the value back exactly.
    "online_since": Sort(f"coalesce(online_since, {NEVER})", "timestamptz", "sort_online"),
}

SELECT = f"""SELECT client_id, alias, online_since IS NOT NULL AS online, online_since, version, platform,
                   coalesce(alias, '') AS sort_alias,
                   coalesce(online_since, {NEVER}) AS sort_online
            FROM clients"""


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filters(account_id: UUID, online: bool | None, search: str | None) -> tuple[str, list[object]]:
    where = ["account_id = $1", "linked"]
    args: list[object] = [account_id]
    if online is not None:
        where.append("online_since IS NOT NULL" if online else "online_since IS NULL")
    if search:
        args.append(like_pattern(search))
        where.append(f"(client_id LIKE ${len(args)} OR alias ILIKE ${len(args)})")
    return " AND ".join(where), args


def _row(r: asyncpg.Record) -> ClientRow:
    return ClientRow(client_id=r["client_id"], alias=r["alias"], online=r["online"], online_since=r["online_since"],
                     version=r["version"], platform=r["platform"])


async def client_page(pool: asyncpg.Pool, account_id: UUID, *, online: bool | None, search: str | None,
                      sort: str, descending: bool, cursor: str | None, limit: int) -> tuple[list[ClientRow], str | None]:
    where, args = _filters(account_id, online, search)
    rows, next_cursor = await page(pool, select=SELECT, where=where, args=args, sorts=SORTS, sort=sort,
                                   descending=descending, id_column="client_id", cursor=cursor, limit=limit)
    return [_row(r) for r in rows], next_cursor


def every_client(account_id: UUID, *, online: bool | None, search: str | None, sort: str,
                 descending: bool) -> tuple[str, list[object]]:
    """Every matching client in order, as one query and its arguments (for a COPY of any size)."""
    where, args = _filters(account_id, online, search)
    direction = "DESC" if descending else "ASC"
    return f"{SELECT} WHERE {where} ORDER BY {SORTS[sort].expression} {direction}, client_id {direction}", args


class ClientDetails(ClientRow, kw_only=True):
    comment: str
    linked_at: datetime


DETAILS = """SELECT client_id, alias, online_since IS NOT NULL AS online, online_since, version, platform, comment,
                    linked_at FROM clients"""


async def client_details(pool: asyncpg.Pool, account_id: UUID, client_id: str) -> ClientDetails | None:
    r = await pool.fetchrow(f"{DETAILS} WHERE account_id = $1 AND client_id = $2 AND linked", account_id, client_id)
    return ClientDetails(**dict(r)) if r else None


# Offset pages, for APIs that page that way (the AnyDesk-compatible one). Client ids are digits: by number.
SLICE_ORDERS = {"client_id": "client_id::bigint", "alias": "alias", "online": "online_since IS NOT NULL"}


async def client_slice(pool: asyncpg.Pool, account_id: UUID, *, online: bool | None, search: str | None, sort: str,
                       descending: bool, offset: int, limit: int | None) -> tuple[int, list[ClientDetails]]:
    """How many clients match, and the `limit` of them (None: all) after the first `offset`."""
    where, args = _filters(account_id, online, search)
    direction = "DESC" if descending else "ASC"
    total = await pool.fetchval(f"SELECT count(*) FROM clients WHERE {where}", *args)
    rows = await pool.fetch(
        f"""{DETAILS} WHERE {where} ORDER BY {SLICE_ORDERS[sort]} {direction}, client_id::bigint {direction}
            OFFSET ${len(args) + 1} LIMIT ${len(args) + 2}""", *args, offset, limit)
    return total, [ClientDetails(**dict(r)) for r in rows]
