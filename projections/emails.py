"""E-mails and their status, and the platform's suppression list: the mailer's work list and the help
desk's "last e-mail status" lookup."""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from projections.fold import Fold
from projections.paging import Sort, page
from domain.contract.email import AddressSuppressed, EmailBounced, EmailFailed, EmailQueued, EmailSent, EmailSuppressed, SuppressionCleared
from projections.erasure import erases_deleted_accounts
from projections.readmodel import ReadModel

EMAILS = ReadModel("emails", tables=("emails", "email_suppressions"))
erases_deleted_accounts(EMAILS, "emails")  # suppressed addresses are the platform's, not the account's


class EmailEvent(msgspec.Struct):
    account_id: UUID
    email_id: str


class Queued(EmailEvent):
    to: str
    template: str
    subject: str
    queued_at: datetime


class StatusChange(EmailEvent):
    at: datetime
    reason: str | None = None


class SuppressionEvent(msgspec.Struct):
    account_id: UUID
    address: str
    occurred_at: datetime
    reason: str = ""


@EMAILS.on(EmailQueued, Queued)
async def _queued(conn: Fold, e: Queued, position: int) -> None:
    await conn.execute(
        """INSERT INTO emails (account_id, email_id, to_address, template, subject, status, queued_at, changed_at,
                               position) VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6, $7)""",
        e.account_id, e.email_id, e.to, e.template, e.subject, e.queued_at, position)


async def _status(conn: Fold, e: StatusChange, position: int, status: str, at_column: str | None) -> None:
    stamp = f", {at_column} = $4" if at_column else ""  # column names come from this module, never from input
    await conn.execute(f"UPDATE emails SET status = $3, changed_at = $4, reason = coalesce($5, reason), "
                       f"position = $6{stamp} "
                       "WHERE account_id = $1 AND email_id = $2",
                       e.account_id, e.email_id, status, e.at, e.reason, position)


@EMAILS.on(EmailSent, StatusChange)
async def _sent(conn: Fold, e: StatusChange, position: int) -> None:
    await _status(conn, e, position, "sent", "sent_at")


@EMAILS.on(EmailBounced, StatusChange)
async def _bounced(conn: Fold, e: StatusChange, position: int) -> None:
    await _status(conn, e, position, "bounced", "bounced_at")


@EMAILS.on(EmailSuppressed, StatusChange)
async def _suppressed(conn: Fold, e: StatusChange, position: int) -> None:
    await _status(conn, e, position, "suppressed", None)


@EMAILS.on(EmailFailed, StatusChange)
async def _failed(conn: Fold, e: StatusChange, position: int) -> None:
    await _status(conn, e, position, "failed", None)


@EMAILS.on(AddressSuppressed, SuppressionEvent)
async def _address_suppressed(conn: Fold, e: SuppressionEvent, position: int) -> None:
    await conn.execute(
        """INSERT INTO email_suppressions (account_id, address, reason, suppressed_at, position)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, address)
           DO UPDATE SET reason = $3, suppressed_at = $4, position = $5""",
        e.account_id, e.address, e.reason, e.occurred_at, position)


@EMAILS.on(SuppressionCleared, SuppressionEvent)
async def _cleared(conn: Fold, e: SuppressionEvent, position: int) -> None:
    await conn.execute("DELETE FROM email_suppressions WHERE account_id = $1 AND address = $2",
                       e.account_id, e.address)


# -- queries ---------------------------------------------------------------------------------------------

class EmailRow(msgspec.Struct, kw_only=True):
    email_id: str
    to: str
    template: str
    subject: str
    status: str
    queued_at: datetime
    sent_at: datetime | None
    bounced_at: datetime | None
    changed_at: datetime  # of the latest status
    reason: str | None


class AddressEmail(EmailRow, kw_only=True):
    account_id: UUID  # for staff: which account the e-mail concerns


class SuppressedAddress(msgspec.Struct, kw_only=True):
    address: str
    reason: str
    suppressed_at: datetime


COLUMNS = ("email_id, to_address AS to, template, subject, status, queued_at, sent_at, bounced_at, changed_at, "
           "reason")
NEWEST = {"queued_at": Sort("queued_at", "timestamptz", "queued_at")}
BY_ADDRESS = {"address": Sort("address", "text", "address")}


async def account_emails(pool: asyncpg.Pool, account_id: UUID, *, cursor: str | None,
                         limit: int) -> tuple[list[EmailRow], str | None]:
    """An account's e-mails, newest first, one keyset page at a time."""
    rows, next_cursor = await page(pool, select=f"SELECT {COLUMNS} FROM emails", where="account_id = $1",
                                   args=[account_id], sorts=NEWEST, sort="queued_at", descending=True,
                                   id_column="email_id", cursor=cursor, limit=limit)
    return [EmailRow(**dict(r)) for r in rows], next_cursor


async def emails_to(pool: asyncpg.Pool, address: str, limit: int = 20) -> list[AddressEmail]:
    """The latest e-mails to an address, newest first, whichever account they concern (staff only)."""
    rows = await pool.fetch(f"SELECT account_id, {COLUMNS} FROM emails WHERE to_address = $1 "
                            "ORDER BY queued_at DESC, email_id DESC LIMIT $2", address, limit)
    return [AddressEmail(**dict(r)) for r in rows]


async def suppressed_addresses(pool: asyncpg.Pool, platform: UUID, *, cursor: str | None,
                               limit: int) -> tuple[list[SuppressedAddress], str | None]:
    rows, next_cursor = await page(pool, select="SELECT address, reason, suppressed_at FROM email_suppressions",
                                   where="account_id = $1", args=[platform], sorts=BY_ADDRESS, sort="address",
                                   descending=False, id_column="address", cursor=cursor, limit=limit)
    return [SuppressedAddress(**dict(r)) for r in rows], next_cursor


async def is_listed(pool: asyncpg.Pool, platform: UUID, address: str) -> bool:
    return bool(await pool.fetchval("SELECT true FROM email_suppressions WHERE account_id = $1 AND address = $2",
                                    platform, address))


async def listed_among(pool: asyncpg.Pool, platform: UUID, addresses: list[str]) -> list[str]:
    """Which of the addresses are on the suppression list."""
    rows = await pool.fetch("SELECT address FROM email_suppressions WHERE account_id = $1 "
                            "AND address = any($2::text[]) ORDER BY address", platform, addresses)
    return [r["address"] for r in rows]
