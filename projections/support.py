"""Support requests read model: each request with its status, and its thread of messages; the customer's list,
a request with its thread, and the help desk's queue across accounts (oldest first)."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from domain.contract.support import (SupportCustomerWrote, SupportRequestOpened, SupportStaffAnswered,
                                     SupportStatusChanged)
from domain.support_request import CUSTOMER, OPEN, STAFF
from projections.fold import Fold
from projections.erasure import erases_deleted_accounts
from projections.paging import Sort, page
from projections.readmodel import ReadModel

SUPPORT = ReadModel("support", tables=("support_requests", "support_messages"))
erases_deleted_accounts(SUPPORT, "support_requests", "support_messages")


class Opened(msgspec.Struct):
    account_id: UUID
    request_id: str
    number: str
    category: str
    subject: str
    body: str
    client_id: str | None
    session_id: str | None
    opened_at: datetime


@SUPPORT.on(SupportRequestOpened, Opened)
async def _opened(conn: Fold, e: Opened, position: int) -> None:
    await conn.execute(
        """INSERT INTO support_requests (account_id, request_id, number, category, subject, status, client_id,
                                         session_id, opened_at, updated_at, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) ON CONFLICT DO NOTHING""",
        e.account_id, e.request_id, e.number, e.category, e.subject, OPEN, e.client_id, e.session_id, e.opened_at,
        position)
    await _message(conn, e.account_id, e.request_id, CUSTOMER, e.body, e.opened_at, position)


class Wrote(msgspec.Struct):
    account_id: UUID
    request_id: str
    body: str
    written_at: datetime
    status: str = OPEN  # a customer's message opens the request for the help desk again


@SUPPORT.on(SupportCustomerWrote, Wrote)
async def _customer_wrote(conn: Fold, e: Wrote, position: int) -> None:
    await _message(conn, e.account_id, e.request_id, CUSTOMER, e.body, e.written_at, position)
    await _status(conn, e.account_id, e.request_id, e.status, e.written_at, position, messages=1)


@SUPPORT.on(SupportStaffAnswered, Wrote)
async def _staff_answered(conn: Fold, e: Wrote, position: int) -> None:
    await _message(conn, e.account_id, e.request_id, STAFF, e.body, e.written_at, position)
    await _status(conn, e.account_id, e.request_id, e.status, e.written_at, position, messages=1)


class StatusChanged(msgspec.Struct):
    account_id: UUID
    request_id: str
    status: str
    occurred_at: datetime


@SUPPORT.on(SupportStatusChanged, StatusChanged)
async def _status_changed(conn: Fold, e: StatusChanged, position: int) -> None:
    await _status(conn, e.account_id, e.request_id, e.status, e.occurred_at, position)


async def _message(conn: Fold, account_id: UUID, request_id: str, author: str, body: str,
                   at: datetime, position: int) -> None:
    await conn.execute(
        """INSERT INTO support_messages (account_id, request_id, author, body, written_at, position)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
        account_id, request_id, author, body, at, position)


async def _status(conn: Fold, account_id: UUID, request_id: str, status: str, at: datetime,
                  position: int, messages: int = 0) -> None:
    await conn.execute(
        """UPDATE support_requests SET status = $3, updated_at = $4, messages = messages + $5, position = $6
           WHERE account_id = $1 AND request_id = $2""",
        account_id, request_id, status, at, messages, position)


# -- queries ---------------------------------------------------------------------------------------------

class SupportRequestRow(msgspec.Struct, kw_only=True):
    request_id: str
    number: str
    category: str
    subject: str
    status: str
    client_id: str | None
    session_id: str | None
    opened_at: datetime
    updated_at: datetime
    messages: int


class Message(msgspec.Struct, kw_only=True):
    author: str  # customer or staff
    body: str
    written_at: datetime


class SupportRequestDetails(SupportRequestRow, kw_only=True):
    thread: list[Message]  # oldest first


class QueueRow(SupportRequestRow, kw_only=True):
    account_id: UUID


class QueueFilter(msgspec.Struct, kw_only=True):
    status: str | None = None
    opened_before: datetime | None = None  # the age filter: requests at least this old
    account_id: UUID | None = None
    reseller_id: UUID | None = None  # only this reseller's customers (a reseller's staff); None: every account


COLUMNS = ("r.request_id, r.number, r.category, r.subject, r.status, r.client_id, r.session_id, r.opened_at, "
           "r.updated_at, r.messages")
SORTS = {"opened_at": Sort("r.opened_at", "timestamptz", "opened_at")}


async def request_page(pool: asyncpg.Pool, account_id: UUID, status: str | None, *, cursor: str | None,
                       limit: int) -> tuple[list[SupportRequestRow], str | None]:
    """The account's requests, newest first."""
    args: list[Any]
    where, args = "r.account_id = $1", [account_id]
    if status is not None:
        where, args = f"{where} AND r.status = $2", [account_id, status]
    rows, next_cursor = await page(pool, select=f"SELECT {COLUMNS} FROM support_requests r", where=where,
                                   args=args, sorts=SORTS, sort="opened_at", descending=True,
                                   id_column="r.request_id", cursor=cursor, limit=limit)
    return [SupportRequestRow(**dict(r)) for r in rows], next_cursor


async def open_requests(pool: asyncpg.Pool, account_id: UUID) -> list[SupportRequestRow]:
    """The account's requests not yet closed, oldest first (what the help desk still has to do)."""
    rows = await pool.fetch(f"SELECT {COLUMNS} FROM support_requests r WHERE r.account_id = $1 "
                            "AND r.status <> 'closed' ORDER BY r.opened_at, r.request_id", account_id)
    return [SupportRequestRow(**dict(r)) for r in rows]


async def request_details(pool: asyncpg.Pool, account_id: UUID, request_id: str) -> SupportRequestDetails | None:
    row = await pool.fetchrow(f"SELECT {COLUMNS} FROM support_requests r WHERE r.account_id = $1 "
                              "AND r.request_id = $2", account_id, request_id)
    if row is None:
        return None
    thread = await pool.fetch("SELECT author, body, written_at FROM support_messages WHERE account_id = $1 "
                              "AND request_id = $2 ORDER BY position", account_id, request_id)
    return SupportRequestDetails(**dict(row), thread=[Message(**dict(m)) for m in thread])


async def queue_page(pool: asyncpg.Pool, f: QueueFilter, *, cursor: str | None,
                     limit: int) -> tuple[list[QueueRow], str | None]:
    """Requests across accounts, oldest first, as the help desk works through them."""
    clauses, args = ["true"], []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    for value, clause in ((f.status, "r.status = {}"), (f.opened_before, "r.opened_at < {}"),
                          (f.account_id, "r.account_id = {}"), (f.reseller_id, "c.manager_id = {}")):
        if value is not None:
            clauses.append(clause.format(arg(value)))
    rows, next_cursor = await page(
        pool, select=f"SELECT r.account_id, {COLUMNS} FROM support_requests r "
                     "LEFT JOIN customers c ON c.account_id = r.account_id",
        where=" AND ".join(clauses), args=args, sorts=SORTS, sort="opened_at", descending=False,
        id_column="r.request_id", cursor=cursor, limit=limit)
    return [QueueRow(**dict(r)) for r in rows], next_cursor

