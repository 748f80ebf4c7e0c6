"""The Invoices area: the account's invoices and credit notes (list, CSV, details, PDF), and administrators'
void and credit note."""

import re
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Stream

from domain.application import Portal
from domain.i18n import N_
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.csv_export import export
from gateway.fields import Cursor, Limit, Reason
from gateway.identity import Caller, customer, staff
from gateway.invoice_pdf import pdf_of
from gateway.problems import Problem
from projections.invoices import (INVOICES, InvoiceDetails, InvoiceFilter, InvoiceRow, account_of, invoice_details,
                                  invoice_page, invoice_rows)

Status = Literal["open", "paid", "payment_failed", "uncollectible", "void"]
Year = Annotated[int | None, Parameter(ge=2000, le=2100, description="Issued in this calendar year, e.g. 2026")]
DOCUMENT = re.compile(r"([0-9a-fA-F-]{36})(\.pdf)?")
CSV_HEADER = (N_("Number"), N_("Kind"), N_("Issued"), N_("Due"), N_("Status"), N_("Total (cents)"), N_("Currency"))


class InvoiceList(msgspec.Struct, kw_only=True):
    items: list[InvoiceRow]
    next_cursor: str | None


class InvoiceQuery(msgspec.Struct, frozen=True, kw_only=True):
    filter: InvoiceFilter
    cursor: str | None
    limit: int


async def invoice_query(caller: Caller, limit: Limit = 50, cursor: Cursor = None, status: Status | None = None,
                        year: Year = None) -> InvoiceQuery:
    # `caller` is only asked for so that the credentials are checked before these parameters.
    return InvoiceQuery(filter=InvoiceFilter(status=status, year=year), cursor=cursor, limit=limit)


def csv_cells(i: InvoiceRow) -> tuple[Any, ...]:
    return (i.number, i.kind, i.issued_at, i.due_at, i.status, i.total_cents, i.currency)


def document_id(document: str) -> tuple[UUID, bool]:
    """`<invoice id>` or `<invoice id>.pdf`; anything else names no invoice."""
    matched = DOCUMENT.fullmatch(document)
    try:
        return UUID(matched.group(1)) if matched else UUID(int=0), bool(matched and matched.group(2))
    except ValueError:
        raise Problem(404, "not-found", N_("No such invoice")) from None


class InvoicesController(Controller):
    path = "/v1"
    tags = ["invoices"]
    dependencies = {"caller": Provide(customer), "listing": Provide(invoice_query)}

    @get("/invoices", summary="The account's invoices and credit notes, newest first")
    async def list_invoices(self, caller: Caller, listing: InvoiceQuery, state: State, pool: asyncpg.Pool,
                            min_position: Annotated[int | None, MinPosition] = None) -> InvoiceList:
        await reach(state, INVOICES.name, min_position)
        items, next_cursor = await invoice_page(pool, caller.account_id, listing.filter, cursor=listing.cursor,
                                                limit=listing.limit)
        return InvoiceList(items=items, next_cursor=next_cursor)

    @get("/invoices.csv", summary="Export the invoices as CSV", media_type="text/csv")
    async def export_invoices(self, caller: Caller, listing: InvoiceQuery, state: State, pool: asyncpg.Pool,
                              min_position: Annotated[int | None, MinPosition] = None) -> Stream:
        await reach(state, INVOICES.name, min_position)
        async def page() -> list[InvoiceRow]:
            return (await invoice_page(pool, caller.account_id, listing.filter, cursor=listing.cursor,
                                       limit=listing.limit))[0]

        return await export(pool, caller.account_id, "invoices.csv", CSV_HEADER, csv_cells, page=page,
                            every=lambda: invoice_rows(pool, caller.account_id, listing.filter))

    @get("/invoices/{document:str}", summary="An invoice (`…/{invoice_id}`) or its PDF (`…/{invoice_id}.pdf`)",
         media_type="application/json")
    async def show_invoice(self, document: str, caller: Caller, state: State, pool: asyncpg.Pool, portal: Portal,
                           min_position: Annotated[int | None, MinPosition] = None) -> Response[Any]:
        invoice_id, as_pdf = document_id(document)
        if as_pdf:  # from the event store: the document itself, never a lagging view of it
            pdf = await off_loop(pdf_of, portal, caller.account_id, invoice_id)
            return Response(pdf, media_type="application/pdf",
                            headers={"Content-Disposition": f'inline; filename="{invoice_id}.pdf"'})
        await reach(state, INVOICES.name, min_position)
        details: InvoiceDetails | None = await invoice_details(pool, caller.account_id, invoice_id)
        if details is None:
            raise Problem(404, "not-found", N_("No such invoice"))
        return Response(details)


class CreditNote(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    amount_cents: Annotated[int, msgspec.Meta(ge=1, le=10 ** 12, description="The net amount to credit, in cents; "
                                              "leave out to credit the whole invoice")] | None = None


class Void(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason


class CreditNoteIssued(msgspec.Struct, kw_only=True):
    invoice_id: UUID
    position: int


async def owner_of(pool: asyncpg.Pool, invoice_id: UUID) -> UUID:
    account_id = await account_of(pool, invoice_id)
    if account_id is None:
        raise Problem(404, "not-found", N_("No such invoice"))
    return account_id


class InvoiceAdminController(Controller):
    path = "/v1/admin/invoices"
    tags = ["admin"]
    dependencies = {"caller": Provide(staff("administrator"))}

    @post("/{invoice_id:uuid}/void", status_code=200, summary="Void an unpaid invoice (its number stays taken)")
    async def void(self, invoice_id: UUID, data: Void, caller: Caller, pool: asyncpg.Pool,
                   portal: Portal) -> Response[Any]:
        account_id = await owner_of(pool, invoice_id)
        return accepted(await command(caller.actor, portal.void_invoice, account_id, invoice_id, data.reason))

    @post("/{invoice_id:uuid}/credit-note", status_code=201,
          summary="Issue a credit note for a paid invoice (all of it, or `amount_cents` of its net amount)")
    async def credit_note(self, invoice_id: UUID, data: CreditNote, caller: Caller, pool: asyncpg.Pool,
                          portal: Portal) -> Response[Any]:
        account_id = await owner_of(pool, invoice_id)
        credit_id, position = await command(caller.actor, portal.credit_invoice, account_id, invoice_id,
                                            data.amount_cents)
        return accepted(position, CreditNoteIssued(invoice_id=credit_id, position=position), status=201)
