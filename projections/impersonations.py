"""The account's access list: every staff access to it, past and current (impersonations and help-desk
read-only sessions), as its owner sees it; and whether the owner allows the help desk in."""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from domain.actor import Actor
from domain.contract.helpdesk import HelpDeskAccessChanged, ReadOnlySessionEnded, ReadOnlySessionStarted
from domain.contract.impersonations import ImpersonationEnded, ImpersonationStarted
from projections.fold import Fold
from projections.erasure import erases_deleted_accounts
from projections.readmodel import ReadModel

IMPERSONATIONS = ReadModel("impersonations", tables=("impersonations", "helpdesk_consent"))
erases_deleted_accounts(IMPERSONATIONS, "impersonations", "helpdesk_consent")
IMPERSONATION, READ_ONLY = "impersonation", "read-only session"


class Started(msgspec.Struct, kw_only=True):
    account_id: UUID
    reason: str
    started_at: datetime
    expires_at: datetime
    actor: Actor | None = None


class ImpersonationBegun(Started):
    impersonation_id: UUID


class SessionBegun(Started):
    session_id: UUID


async def _start(conn: Fold, e: Started, access_id: UUID, kind: str, position: int) -> None:
    await conn.execute(
        """INSERT INTO impersonations (account_id, access_id, kind, staff, reason, started_at, expires_at, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING""",
        e.account_id, access_id, kind, e.actor.name if e.actor else "", e.reason, e.started_at, e.expires_at,
        position)


@IMPERSONATIONS.on(ImpersonationStarted, ImpersonationBegun)
async def _impersonation_started(conn: Fold, e: ImpersonationBegun, position: int) -> None:
    await _start(conn, e, e.impersonation_id, IMPERSONATION, position)


@IMPERSONATIONS.on(ReadOnlySessionStarted, SessionBegun)
async def _session_started(conn: Fold, e: SessionBegun, position: int) -> None:
    await _start(conn, e, e.session_id, READ_ONLY, position)


class Ended(msgspec.Struct, kw_only=True):
    account_id: UUID
    at: datetime
    by: str


class ImpersonationOver(Ended):
    impersonation_id: UUID


class SessionOver(Ended):
    session_id: UUID


async def _end(conn: Fold, e: Ended, access_id: UUID, position: int) -> None:
    await conn.execute("UPDATE impersonations SET ended_at = $3, ended_by = $4, position = $5 "
                       "WHERE account_id = $1 AND access_id = $2", e.account_id, access_id, e.at, e.by, position)


@IMPERSONATIONS.on(ImpersonationEnded, ImpersonationOver)
async def _impersonation_ended(conn: Fold, e: ImpersonationOver, position: int) -> None:
    await _end(conn, e, e.impersonation_id, position)


@IMPERSONATIONS.on(ReadOnlySessionEnded, SessionOver)
async def _session_ended(conn: Fold, e: SessionOver, position: int) -> None:
    await _end(conn, e, e.session_id, position)


class Consent(msgspec.Struct, kw_only=True):
    allowed: bool
    until: datetime | None


class ConsentChanged(Consent):
    account_id: UUID


@IMPERSONATIONS.on(HelpDeskAccessChanged, ConsentChanged)
async def _consent(conn: Fold, e: ConsentChanged, position: int) -> None:
    await conn.execute(
        """INSERT INTO helpdesk_consent (account_id, allowed, until, position) VALUES ($1, $2, $3, $4)
           ON CONFLICT (account_id) DO UPDATE SET allowed = excluded.allowed, until = excluded.until,
                                                  position = excluded.position""",
        e.account_id, e.allowed, e.until, position)


class Access(msgspec.Struct, kw_only=True):
    access_id: UUID
    kind: str  # impersonation (acting as the owner) or read-only session (the help desk looking)
    staff: str
    reason: str
    started_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    ended_by: str | None
    current: bool  # acting now: neither ended nor expired


async def accesses(pool: asyncpg.Pool, account_id: UUID) -> list[Access]:
    rows = await pool.fetch(
        """SELECT access_id, kind, staff, reason, started_at, expires_at, ended_at, ended_by,
                  ended_at IS NULL AND expires_at > now() AS current
           FROM impersonations WHERE account_id = $1 ORDER BY started_at DESC, access_id""", account_id)
    return [Access(**dict(r)) for r in rows]


async def consent(pool: asyncpg.Pool, account_id: UUID) -> Consent:
    """Forbidden until the owner allows it; consent past its `until` reads as forbidden."""
    row = await pool.fetchrow("SELECT allowed AND (until IS NULL OR until > now()) AS allowed, until "
                              "FROM helpdesk_consent WHERE account_id = $1", account_id)
    return Consent(allowed=row["allowed"], until=row["until"]) if row else Consent(allowed=False, until=None)
