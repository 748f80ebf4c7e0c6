"""Keyset pagination: a page is `ORDER BY <sort>, <id>` after the cursor's (sort value, id), never OFFSET,
so deep pages cost the same as the first and rows arriving meanwhile never shift what a reader sees."""

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import msgspec
from domain.i18n import N_


class Sort(msgspec.Struct, frozen=True):
    expression: str  # SQL over the table's columns
    sql_type: str  # how the cursor's value is cast back
    key: str  # the row field holding the value, as the page's items carry it


class BadCursor(ValueError):
    """The cursor was not made by us for this sort, or was altered."""


def encode_cursor(sort: str, value: Any, row_id: str) -> str:
    raw = msgspec.json.encode([sort, value, row_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CursorFields = tuple[str, str | None, str]  # (sort name, the sort value as text, row id), as encode_cursor makes


def decode_cursor(cursor: str, sort: str, sql_type: str) -> tuple[str | None, str]:
    """The cursor's (value, row id), checked so that no forged value reaches PostgreSQL: text without NUL,
    and for a time sort a time with its zone."""
    try:
        name, value, row_id = msgspec.json.decode(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)),
                                                  type=CursorFields)
        if sql_type == "timestamptz" and value is not None and datetime.fromisoformat(value).tzinfo is None:
            raise ValueError("a time without its zone")
    except (ValueError, TypeError, msgspec.DecodeError):
        raise BadCursor(N_("The cursor is malformed; start again without one")) from None
    if "\x00" in f"{value}{row_id}":
        raise BadCursor(N_("The cursor is malformed; start again without one"))
    if name != sort:
        raise BadCursor(N_("The cursor belongs to another sort order; start again without one"))
    return value, row_id


async def page(conn: asyncpg.Pool | asyncpg.Connection, *, select: str, where: str, args: Sequence[Any],
               sorts: dict[str, Sort], sort: str, descending: bool, id_column: str, cursor: str | None,
               limit: int) -> tuple[list[asyncpg.Record], str | None]:
    """One page of rows and the cursor of the next page (None on the last)."""
    order = sorts[sort]
    args = list(args)
    direction, compare = ("DESC", "<") if descending else ("ASC", ">")
    if cursor is not None:
        value, row_id = decode_cursor(cursor, sort, order.sql_type)
        args += [value, row_id]
        where += (f" AND ({order.expression}, {id_column}) {compare} "
                  f"(${len(args) - 1}::text::{order.sql_type}, ${len(args)})")
    args.append(limit + 1)
    rows = await conn.fetch(f"{select} WHERE {where} ORDER BY {order.expression} {direction}, "
                            f"{id_column} {direction} LIMIT ${len(args)}", *args)
    if len(rows) <= limit:
        return list(rows), None
    last = rows[limit - 1]
    id_key = id_column.rpartition(".")[2]  # "s.session_id" is read back as "session_id"
    return list(rows[:limit]), encode_cursor(sort, _text(last[order.key]), last[id_key])


def _text(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
