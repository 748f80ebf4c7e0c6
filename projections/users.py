"""The users of each account (and the platform's staff): who may log in, with which role."""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from domain.contract.accounts import UserDisabledChanged, UserRegistered, UserTwoFactorDisabled, UserTwoFactorEnabled
from projections.fold import Fold
from projections.erasure import erases_deleted_accounts
from projections.readmodel import ReadModel, update_row

USERS = ReadModel("users", tables=("users",))
erases_deleted_accounts(USERS, "users")


class UserEvent(msgspec.Struct):
    account_id: UUID
    aggregate_id: UUID


def _key(e: UserEvent) -> dict[str, object]:
    return {"account_id": e.account_id, "user_id": e.aggregate_id}


class Registered(UserEvent):
    email: str
    name: str
    account_role: str | None
    platform_role: str | None
    occurred_at: datetime


@USERS.on(UserRegistered, Registered)
async def _registered(conn: Fold, e: Registered, position: int) -> None:
    await conn.rows("users").insert(_key(e), email=e.email, name=e.name, account_role=e.account_role,
                                    platform_role=e.platform_role, created_at=e.occurred_at, position=position)


class DisabledChanged(UserEvent):
    disabled: bool


@USERS.on(UserDisabledChanged, DisabledChanged)
async def _disabled(conn: Fold, e: DisabledChanged, position: int) -> None:
    await update_row(conn, "users", _key(e), position, disabled=e.disabled)


@USERS.on(UserTwoFactorEnabled, UserEvent)
async def _two_factor_on(conn: Fold, e: UserEvent, position: int) -> None:
    await update_row(conn, "users", _key(e), position, two_factor=True)


@USERS.on(UserTwoFactorDisabled, UserEvent)
async def _two_factor_off(conn: Fold, e: UserEvent, position: int) -> None:
    await update_row(conn, "users", _key(e), position, two_factor=False)


class UserRow(msgspec.Struct, kw_only=True):
    user_id: UUID
    email: str
    name: str
    role: str
    two_factor: bool
    disabled: bool
    created_at: datetime


async def account_users(pool: asyncpg.Pool, account_id: UUID) -> list[UserRow]:
    rows = await pool.fetch(
        """SELECT user_id, email, name, coalesce(platform_role, account_role) AS role, two_factor, disabled,
                  created_at FROM users WHERE account_id = $1 ORDER BY created_at, email""", account_id)
    return [UserRow(**dict(r)) for r in rows]


async def two_factor_on(pool: asyncpg.Pool, account_id: UUID, user_id: UUID) -> bool:
    """Whether the user has two-factor authentication on (False while the view has not seen the user)."""
    return bool(await pool.fetchval("SELECT two_factor FROM users WHERE account_id = $1 AND user_id = $2",
                                    account_id, user_id))
