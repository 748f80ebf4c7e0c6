"""The Invoices read model (projections.invoices) fed contract events: an invoice through its payment states,
filters and pages, "payment overdue", the payment sweep's work list, and erasure of a deleted account."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from domain.contract.customers import AccountDeleted
from domain.contract.invoices import (InvoiceIssued, InvoicePaid, InvoicePaymentFailed, InvoiceUncollectible,
                                      InvoiceVoided)
from projections.invoices import (INVOICES, InvoiceFilter, due_for_collection, invoice_details, invoice_page,
                                  OVERDUE_NUMBERS)
from tests.projections.conftest import START, Feed

HOLDER = {"name": "Ann Example", "street": "Main St 1", "postal_code": "10115", "city": "Berlin", "country": "DE",
          "vat_id": ""}


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, INVOICES)


async def issue(feed: Feed, number: str, days_ago: int = 0, collect: bool = True) -> UUID:
    invoice_id = uuid4()
    issued_at = START - timedelta(days=days_ago)
    await feed(InvoiceIssued, aggregate_id=invoice_id, invoice_id=invoice_id, number=number, kind="invoice",
               cause="upgrade", issued_at=issued_at, due_at=issued_at + timedelta(days=14), currency="EUR",
               lines=[{"description": "Lite", "quantity": 1, "unit_cents": 11_880, "total_cents": 11_880}],
               net_cents=11_880, vat_cents=2_257, total_cents=14_137, vat_rate_bp=1900, reverse_charge=False,
               holder=HOLDER, credit_note_for=None, next_attempt_at=issued_at if collect else None)
    return invoice_id


def number() -> str:
    return f"2026-{uuid4().int % 1_000_000:06d}"


async def overdue(feed) -> list[str]:
    return [r["number"] for r in await feed.conn.fetch(OVERDUE_NUMBERS, feed.account_id)]

async def test_an_issued_invoice_shows_its_lines_sums_and_holder(feed):
    invoice_id = await issue(feed, "2026-000001")

    details = await invoice_details(feed.conn, feed.account_id, invoice_id)

    assert details is not None
    assert (details.status, details.total_cents, details.holder.name, details.lines[0].total_cents) == (
        "open", 14_137, "Ann Example", 11_880)


async def test_failed_payments_then_uncollectible_are_overdue_and_leave_the_work_list(feed):
    invoice_id = await issue(feed, "2026-000002")
    fields = {"invoice_id": invoice_id, "number": "2026-000002", "aggregate_id": invoice_id}

    await feed(InvoicePaymentFailed, **fields, failed_at=START, attempt=1, failure="card_declined",
               next_attempt_at=START + timedelta(days=1))
    assert await overdue(feed) == ["2026-000002"]
    await feed(InvoiceUncollectible, **fields, at=START, attempts=4)

    assert (await invoice_details(feed.conn, feed.account_id, invoice_id)).status == "uncollectible"
    assert invoice_id not in [r["invoice_id"] for r in await due_for_collection(feed.conn, START + timedelta(days=9),
                                                                                 1_000)]


async def test_paid_and_void_invoices_are_not_overdue(feed):
    for event_type, at in ((InvoicePaid, {"paid_at": START, "reference": "ch_1"}),
                           (InvoiceVoided, {"voided_at": START, "reason": "mistake"})):
        invoice_id = await issue(feed, number(), days_ago=30)
        await feed(event_type, invoice_id=invoice_id, number="n", aggregate_id=invoice_id, **at)

    assert await overdue(feed) == []


async def test_an_open_invoice_past_its_due_date_is_overdue(feed):
    await issue(feed, "2026-000003", days_ago=30, collect=False)

    assert await overdue(feed) == ["2026-000003"]


async def test_pages_are_newest_first_and_filter_by_status_and_year(feed):
    ids = [await issue(feed, number(), days_ago=days) for days in (3, 2, 1)]

    first, cursor = await invoice_page(feed.conn, feed.account_id, InvoiceFilter(), cursor=None, limit=2)
    second, end = await invoice_page(feed.conn, feed.account_id, InvoiceFilter(), cursor=cursor, limit=2)

    assert ([i.invoice_id for i in first + second], end) == (ids[::-1], None)
    assert (await invoice_page(feed.conn, feed.account_id, InvoiceFilter(status="paid", year=2026), cursor=None,
                               limit=10))[0] == []


async def test_a_deleted_accounts_invoices_are_erased(feed):
    invoice_id = await issue(feed, number())

    await feed(AccountDeleted)

    assert await invoice_details(feed.conn, feed.account_id, invoice_id) is None
