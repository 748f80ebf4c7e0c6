"""Collecting invoices: the timers charge each invoice (and refund each credit note) whose next try is due,
through the payment provider, and record the answer; the domain schedules the retries and gives up after the
last.

Two timer replicas never charge one invoice at once: each holds a transaction-scoped advisory lock on the
invoice while it asks the provider and records. A crash after the provider charged but before the answer was
recorded tries again with the same idempotency key (invoice and try), which a provider answers with the first
charge's result instead of charging twice.
"""

from datetime import datetime
from uuid import UUID

import asyncpg

from domain.application import Portal
from domain.invoice import CREDIT_NOTE
from domain.payments import Outcome, PaymentProvider
from projections.invoices import due_for_collection

NO_METHOD = Outcome(succeeded=False, failure="no_payment_method")  # switched to bank transfer meanwhile


def collect(portal: Portal, provider: PaymentProvider, account_id: UUID, invoice_id: UUID, at: datetime) -> None:
    """One try, if the event store says it is due."""
    invoice = portal.invoice(account_id, invoice_id)
    if not invoice.collectable(at):
        return
    token, attempt = portal.account(account_id).payment_token, invoice.attempts + 1
    pay = provider.refund if invoice.kind == CREDIT_NOTE else provider.charge
    outcome = pay(token, abs(invoice.total_cents), invoice.currency, f"{invoice_id}-{attempt}") if token else NO_METHOD
    portal.record_payment(account_id, invoice_id, attempt, outcome)


async def candidates(pool: asyncpg.Pool, at: datetime, limit: int) -> list[tuple[UUID, UUID]]:
    # asyncpg's own UUID type would leak into events; the domain takes the standard library's.
    return [(UUID(bytes=r["account_id"].bytes), UUID(bytes=r["invoice_id"].bytes))
            for r in await due_for_collection(pool, at, limit)]


async def claimed(conn: asyncpg.Connection, invoice_id: UUID) -> bool:
    """Holds the invoice for this transaction; False when another replica holds it."""
    return bool(await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 7))", str(invoice_id)))
