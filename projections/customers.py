"""Customers as administrators and resellers see them: the overview, the list with search, and its CSV.

Names, e-mail addresses and phones are not stored here; the queries take them from the License tab.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from domain.contract.accounts import (AccountApiAccessChanged, AccountDisabledChanged, AccountOpened,
                                      AccountPreferencesChanged)
from domain.contract.customers import AccountAccessibilityChanged, AccountLevelChanged
from projections.fold import Fold
from projections.paging import Sort, page
from projections.erasure import erases_deleted_accounts
from projections.readmodel import Handler, ReadModel, update_row

CUSTOMERS = ReadModel("customers", tables=("customers",))
erases_deleted_accounts(CUSTOMERS, "customers")


class Opened(msgspec.Struct):
    account_id: UUID
    customer_number: str
    occurred_at: datetime
    reseller_id: UUID | None = None


@CUSTOMERS.on(AccountOpened, Opened)
async def _opened(conn: Fold, e: Opened, position: int) -> None:
    await conn.rows("customers").insert({"account_id": e.account_id}, customer_number=e.customer_number,
                                        manager_id=e.reseller_id, opened_at=e.occurred_at, position=position)


class Disabled(msgspec.Struct):
    account_id: UUID
    disabled: bool


class Switched(msgspec.Struct):
    account_id: UUID
    enabled: bool


class Preferences(msgspec.Struct):
    account_id: UUID
    time_zone: str


class Level(msgspec.Struct):
    account_id: UUID
    level: str


def _copy(column: str, value: Callable[[Any], object]) -> Handler:
    async def apply(conn: Fold, e: Any, position: int) -> None:
        await update_row(conn, "customers", {"account_id": e.account_id}, position, **{column: value(e)})
    return apply


for event_type, shape, column, value in (
        (AccountDisabledChanged, Disabled, "enabled", lambda e: not e.disabled),
        (AccountApiAccessChanged, Switched, "api_access", lambda e: e.enabled),
        (AccountAccessibilityChanged, Switched, "accessibility", lambda e: e.enabled),
        (AccountPreferencesChanged, Preferences, "time_zone", lambda e: e.time_zone),
        (AccountLevelChanged, Level, "level", lambda e: e.level)):
    CUSTOMERS.on(event_type, shape)(_copy(column, value))


# -- queries ---------------------------------------------------------------------------------------------

class CustomerRow(msgspec.Struct, kw_only=True):
    account_id: UUID
    customer_number: str
    login: str  # the owner's e-mail: one login per address
    name: str
    phone: str
    level: str
    enabled: bool
    api_access: bool
    accessibility: bool
    time_zone: str
    product: str
    expires_at: datetime | None
    linked_clients: int
    online_clients: int
    reseller_id: UUID | None
    plan_id: UUID | None  # the plan a reseller account holds
    opened_at: datetime


class Filter(msgspec.Struct, kw_only=True):
    q: str | None = None  # part of the name or e-mail, or the customer number
    enabled: bool | None = None
    plan_id: UUID | None = None
    level: str | None = None


SELECT = """SELECT c.account_id, c.customer_number, l.email AS login, l.contact_name AS name, l.phone, c.level,
                   c.enabled, c.api_access, c.accessibility, c.time_zone, l.product, l.expires_at,
                   l.linked_clients, l.online_clients, c.manager_id AS reseller_id, u.plan_id, c.opened_at
            FROM customers c JOIN license_tab l ON l.account_id = c.account_id
            LEFT JOIN reseller_usage u ON u.account_id = c.account_id"""
SORTS = {"opened_at": Sort("c.opened_at", "timestamptz", "opened_at"),
         "customer_number": Sort("c.customer_number", "text", "customer_number"),
         "name": Sort("l.contact_name", "text", "name")}


def _where(scope: UUID | None, f: Filter) -> tuple[str, list[Any]]:
    """`scope`: the reseller whose customers these are; None for every account (administrators)."""
    clauses: list[str] = ["true"]
    args: list[Any] = []

    def arg(value: object) -> str:
        args.append(value)
        return f"${len(args)}"

    if scope is not None:
        clauses.append(f"c.manager_id = {arg(scope)}")
    if f.q:
        like = arg("%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        clauses.append(f"(l.contact_name ILIKE {like} OR l.email ILIKE {like} OR c.customer_number = {arg(f.q)})")
    if f.enabled is not None:
        clauses.append(f"c.enabled = {arg(f.enabled)}")
    if f.plan_id is not None:
        clauses.append(f"u.plan_id = {arg(f.plan_id)}")
    if f.level is not None:
        clauses.append(f"c.level = {arg(f.level)}")
    return " AND ".join(clauses), args


async def customer_page(pool: asyncpg.Pool, scope: UUID | None, f: Filter, *, sort: str, descending: bool,
                        cursor: str | None, limit: int) -> tuple[list[CustomerRow], str | None]:
    where, args = _where(scope, f)
    rows, next_cursor = await page(pool, select=SELECT, where=where, args=args, sorts=SORTS, sort=sort,
                                   descending=descending, id_column="c.account_id", cursor=cursor, limit=limit)
    return [CustomerRow(**dict(r)) for r in rows], next_cursor


def every_customer(scope: UUID | None, f: Filter, *, sort: str, descending: bool) -> tuple[str, list[Any]]:
    """Every matching customer in order, as one query and its arguments (for a COPY of any size)."""
    where, args = _where(scope, f)
    order = f"{SORTS[sort].expression} {'DESC' if descending else 'ASC'}, c.account_id"
    return f"{SELECT} WHERE {where} ORDER BY {order}", args


async def customer(pool: asyncpg.Pool, scope: UUID | None, account_id: UUID) -> CustomerRow | None:
    where, args = _where(scope, Filter())
    row = await pool.fetchrow(f"{SELECT} WHERE c.account_id = ${len(args) + 1} AND {where}", *args, account_id)
    return CustomerRow(**dict(row)) if row else None
