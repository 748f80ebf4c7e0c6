"""The domains each account claimed, as its owner sees them (with the token to publish) and as the help
desk's views show them: `domains_of`."""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from domain.contract.domains import DomainClaimed, DomainRemoved, DomainVerified
from projections.fold import Fold
from projections.erasure import erases_deleted_accounts
from projections.readmodel import ReadModel, update_row

DOMAINS = ReadModel("domains", tables=("account_domains",))
erases_deleted_accounts(DOMAINS, "account_domains")


class Claimed(msgspec.Struct):
    account_id: UUID
    domain: str
    token: str
    occurred_at: datetime


@DOMAINS.on(DomainClaimed, Claimed)
async def _claimed(conn: Fold, e: Claimed, position: int) -> None:
    await conn.execute(
        """INSERT INTO account_domains (account_id, domain, token, claimed_at, position) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING""", e.account_id, e.domain, e.token, e.occurred_at, position)


class Verified(msgspec.Struct):
    account_id: UUID
    domain: str
    verified_at: datetime


@DOMAINS.on(DomainVerified, Verified)
async def _verified(conn: Fold, e: Verified, position: int) -> None:
    await update_row(conn, "account_domains", {"account_id": e.account_id, "domain": e.domain}, position,
                     verified_at=e.verified_at)


class Removed(msgspec.Struct):
    account_id: UUID
    domain: str


@DOMAINS.on(DomainRemoved, Removed)
async def _removed(conn: Fold, e: Removed, position: int) -> None:
    await conn.execute("DELETE FROM account_domains WHERE account_id = $1 AND domain = $2", e.account_id, e.domain)


class DomainRow(msgspec.Struct, kw_only=True):
    domain: str  # the ASCII (A-label) form
    token: str
    claimed_at: datetime
    verified_at: datetime | None

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


async def domains_of(db: asyncpg.Pool | asyncpg.Connection, account_id: UUID) -> list[DomainRow]:
    """The account's claimed domains, verified or not, by name (an account has at most a few dozen)."""
    rows = await db.fetch("SELECT domain, token, claimed_at, verified_at FROM account_domains WHERE account_id = $1 "
                          "ORDER BY domain", account_id)
    return [DomainRow(**dict(r)) for r in rows]

