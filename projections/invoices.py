"""The Invoices read model: every invoice and credit note of an account with its status, the payment sweep's
work list (`next_attempt_at`), and the License tab's "payment overdue"."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from domain.contract.invoices import (InvoiceIssued, InvoicePaid, InvoicePaymentFailed, InvoiceUncollectible,
                                      InvoiceVoided)
from projections.fold import Fold
from projections.erasure import erases_deleted_accounts
from projections.paging import Sort, page
from projections.readmodel import ReadModel, update_row

INVOICES = ReadModel("invoices", tables=("invoices",))
erases_deleted_accounts(INVOICES, "invoices")


class Issued(msgspec.Struct):
    account_id: UUID
    invoice_id: UUID
    number: str
    kind: str
    cause: str
    issued_at: datetime
    due_at: datetime
    currency: str
    lines: list[dict[str, Any]]
    net_cents: int
    vat_cents: int
    total_cents: int
    vat_rate_bp: int
    reverse_charge: bool
    holder: dict[str, Any]
    credit_note_for: UUID | None
    next_attempt_at: datetime | None


@INVOICES.on(InvoiceIssued, Issued)
async def _issued(conn: Fold, e: Issued, position: int) -> None:
    await conn.execute(
        """INSERT INTO invoices (account_id, invoice_id, number, year, kind, cause, issued_at, due_at, status,
                                 currency, net_cents, vat_cents, total_cents, vat_rate_bp, reverse_charge, lines,
                                 holder, credit_note_for, next_attempt_at, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17, $18,
                   $19)""",
        e.account_id, e.invoice_id, e.number, int(e.number[:4]), e.kind, e.cause, e.issued_at, e.due_at,
        e.currency, e.net_cents, e.vat_cents, e.total_cents, e.vat_rate_bp, e.reverse_charge,
        msgspec.json.encode(e.lines).decode(), msgspec.json.encode(e.holder).decode(), e.credit_note_for,
        e.next_attempt_at, position)


class Settled(msgspec.Struct):
    account_id: UUID
    invoice_id: UUID


@INVOICES.on(InvoicePaid, Settled)
async def _paid(conn: Fold, e: Settled, position: int) -> None:
    await update_row(conn, "invoices", {"account_id": e.account_id, "invoice_id": e.invoice_id}, position,
                     status="paid", next_attempt_at=None)


class Failed(msgspec.Struct):
    account_id: UUID
    invoice_id: UUID
    attempt: int
    next_attempt_at: datetime | None


@INVOICES.on(InvoicePaymentFailed, Failed)
async def _failed(conn: Fold, e: Failed, position: int) -> None:
    await update_row(conn, "invoices", {"account_id": e.account_id, "invoice_id": e.invoice_id}, position,
                     status="payment_failed", attempts=e.attempt, next_attempt_at=e.next_attempt_at)


@INVOICES.on(InvoiceUncollectible, Settled)
async def _uncollectible(conn: Fold, e: Settled, position: int) -> None:
    await update_row(conn, "invoices", {"account_id": e.account_id, "invoice_id": e.invoice_id}, position,
                     status="uncollectible", next_attempt_at=None)


@INVOICES.on(InvoiceVoided, Settled)
async def _voided(conn: Fold, e: Settled, position: int) -> None:
    await update_row(conn, "invoices", {"account_id": e.account_id, "invoice_id": e.invoice_id}, position,
                     status="void", next_attempt_at=None)


# -- queries ---------------------------------------------------------------------------------------------

class InvoiceLine(msgspec.Struct, kw_only=True):
    description: str
    quantity: int
    unit_cents: int
    total_cents: int


class Holder(msgspec.Struct, kw_only=True):
    name: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    vat_id: str = ""


class InvoiceRow(msgspec.Struct, kw_only=True):
    """What the list shows (and the CSV holds)."""
    invoice_id: UUID
    number: str
    kind: str
    issued_at: datetime
    due_at: datetime
    status: str
    currency: str
    total_cents: int


class InvoiceDetails(InvoiceRow, kw_only=True, omit_defaults=True):
    net_cents: int
    vat_cents: int
    vat_rate_bp: int
    reverse_charge: bool
    lines: list[InvoiceLine]
    holder: Holder
    credit_note_for: UUID | None = None


class InvoiceFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: str | None = None
    year: int | None = None


SORTS = {"issued_at": Sort("issued_at", "timestamptz", "issued_at")}
ROW = "SELECT invoice_id, number, kind, issued_at, due_at, status, currency, total_cents FROM invoices"


def _filters(account_id: UUID, f: InvoiceFilter) -> tuple[str, list[object]]:
    where: list[str] = ["account_id = $1"]
    args: list[object] = [account_id]
    if f.status is not None:
        args.append(f.status)
        where.append(f"status = ${len(args)}")
    if f.year is not None:
        args.append(f.year)
        where.append(f"year = ${len(args)}")
    return " AND ".join(where), args


def _row(r: asyncpg.Record) -> InvoiceRow:
    return InvoiceRow(invoice_id=r["invoice_id"], number=r["number"], kind=r["kind"], issued_at=r["issued_at"],
                      due_at=r["due_at"], status=r["status"], currency=r["currency"], total_cents=r["total_cents"])


async def invoice_page(pool: asyncpg.Pool, account_id: UUID, f: InvoiceFilter, *, cursor: str | None,
                       limit: int) -> tuple[list[InvoiceRow], str | None]:
    """Newest first."""
    where, args = _filters(account_id, f)
    rows, next_cursor = await page(pool, select=ROW, where=where, args=args, sorts=SORTS, sort="issued_at",
                                   descending=True, id_column="invoice_id", cursor=cursor, limit=limit)
    return [_row(r) for r in rows], next_cursor


async def invoice_rows(pool: asyncpg.Pool, account_id: UUID, f: InvoiceFilter) -> AsyncIterator[InvoiceRow]:
    where, args = _filters(account_id, f)
    async with pool.acquire() as conn, conn.transaction():
        async for r in conn.cursor(f"{ROW} WHERE {where} ORDER BY issued_at DESC, invoice_id DESC", *args):
            yield _row(r)


async def latest_invoices(pool: asyncpg.Pool, account_id: UUID, limit: int = 20) -> list[InvoiceRow]:
    """The account's last invoices and credit notes, newest first (what the help desk's customer view shows)."""
    rows = await pool.fetch(f"{ROW} WHERE account_id = $1 ORDER BY issued_at DESC, invoice_id DESC LIMIT $2",
                            account_id, limit)
    return [_row(r) for r in rows]


async def invoice_details(pool: asyncpg.Pool, account_id: UUID, invoice_id: UUID) -> InvoiceDetails | None:
    r = await pool.fetchrow("SELECT * FROM invoices WHERE account_id = $1 AND invoice_id = $2", account_id,
                            invoice_id)
    if r is None:
        return None
    return InvoiceDetails(
        invoice_id=r["invoice_id"], number=r["number"], kind=r["kind"], issued_at=r["issued_at"], due_at=r["due_at"],
        status=r["status"], currency=r["currency"], net_cents=r["net_cents"], vat_cents=r["vat_cents"],
        total_cents=r["total_cents"], vat_rate_bp=r["vat_rate_bp"], reverse_charge=r["reverse_charge"],
        lines=msgspec.json.decode(r["lines"], type=list[InvoiceLine]),
        holder=msgspec.json.decode(r["holder"], type=Holder), credit_note_for=r["credit_note_for"])


# Invoices whose payment failed or was written off, or that are open past their due date ($1: the account).
OVERDUE_NUMBERS = """SELECT number FROM invoices WHERE account_id = $1 AND kind = 'invoice'
    AND (status IN ('payment_failed', 'uncollectible') OR (status = 'open' AND due_at < now()))
    ORDER BY number"""


async def due_for_collection(pool: asyncpg.Pool, now: datetime, limit: int) -> list[asyncpg.Record]:
    """Invoices to charge and credit notes to refund now (the event store decides; this may lag)."""
    return await pool.fetch("SELECT account_id, invoice_id FROM invoices WHERE next_attempt_at <= $1 "
                            "ORDER BY next_attempt_at LIMIT $2", now, limit)


async def account_of(pool: asyncpg.Pool, invoice_id: UUID) -> UUID | None:
    """The account an invoice belongs to (for staff, who name only the invoice)."""
    found: UUID | None = await pool.fetchval("SELECT account_id FROM invoices WHERE invoice_id = $1", invoice_id)
    return UUID(bytes=found.bytes) if found else None
