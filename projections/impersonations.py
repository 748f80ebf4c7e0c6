"""The account's access list: every impersonation of it, past and current, as its owner sees it."""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from domain.actor import Actor
from domain.contract.impersonations import ImpersonationEnded, ImpersonationStarted
from projections.erasure import erases_deleted_accounts
from projections.readmodel import ReadModel

IMPERSONATIONS = ReadModel("impersonations", tables=("impersonations",))
erases_deleted_accounts(IMPERSONATIONS, "impersonations")


class Started(msgspec.Struct):
    account_id: UUID
    impersonation_id: UUID
    reason: str
    started_at: datetime
    expires_at: datetime
    actor: Actor | None = None


@IMPERSONATIONS.on(ImpersonationStarted, Started)
async def _started(conn: asyncpg.Connection, e: Started, position: int) -> None:
    await conn.execute(
        """INSERT INTO impersonations (account_id, impersonation_id, staff, reason, started_at, expires_at, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
        e.account_id, e.impersonation_id, e.actor.name if e.actor else "", e.reason, e.started_at, e.expires_at,
        position)


class Ended(msgspec.Struct):
    account_id: UUID
    impersonation_id: UUID
    at: datetime
    by: str


@IMPERSONATIONS.on(ImpersonationEnded, Ended)
async def _ended(conn: asyncpg.Connection, e: Ended, position: int) -> None:
    await conn.execute("UPDATE impersonations SET ended_at = $3, ended_by = $4, position = $5 "
                       "WHERE account_id = $1 AND impersonation_id = $2",
                       e.account_id, e.impersonation_id, e.at, e.by, position)


class Access(msgspec.Struct, kw_only=True):
    impersonation_id: UUID
    staff: str
    reason: str
    started_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    ended_by: str | None
    current: bool  # acting now: neither ended nor expired


async def accesses(pool: asyncpg.Pool, account_id: UUID) -> list[Access]:
    rows = await pool.fetch(
        """SELECT impersonation_id, staff, reason, started_at, expires_at, ended_at, ended_by,
                  ended_at IS NULL AND expires_at > now() AS current
           FROM impersonations WHERE account_id = $1 ORDER BY started_at DESC, impersonation_id""", account_id)
    return [Access(**dict(r)) for r in rows]
