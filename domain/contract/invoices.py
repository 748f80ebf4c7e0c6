"""Published events of invoices, credit notes and the yearly invoice-number sequences.

Every invoice event carries `invoice_id` and `number` (2026-000123). `holder` is personal (sealed with the
account's key, like every field whose name is in domain.personal.PERSONAL); the rest are facts.
"""

from datetime import datetime
from typing import Any, TypedDict
from uuid import UUID

from domain.contract.base import PortalEvent


class InvoiceLine(TypedDict):
    description: str
    quantity: int
    unit_cents: int
    total_cents: int


class InvoiceIssued(PortalEvent):
    aggregate = "invoice"
    invoice_id: UUID
    number: str
    kind: str  # "invoice" or "credit_note"
    cause: str  # "upgrade", "renewal", "namespace" or "credit"
    issued_at: datetime
    due_at: datetime
    currency: str
    lines: list[InvoiceLine]
    net_cents: int
    vat_cents: int
    total_cents: int
    vat_rate_bp: int  # basis points: 1900 is 19 %
    reverse_charge: bool
    holder: dict[str, Any]  # {name, street, postal_code, city, country, vat_id} as at issue; sealed on the stream
    credit_note_for: UUID | None
    next_attempt_at: datetime | None  # None: paid by bank transfer, nothing is collected automatically


class InvoicePaid(PortalEvent):
    aggregate = "invoice"
    invoice_id: UUID
    number: str
    paid_at: datetime
    reference: str  # the payment provider's id of the charge or refund


class InvoicePaymentFailed(PortalEvent):
    aggregate = "invoice"
    invoice_id: UUID
    number: str
    failed_at: datetime
    attempt: int
    failure: str  # card_declined, insufficient_funds, authentication_required, …
    next_attempt_at: datetime | None  # None: that was the last try


class InvoiceUncollectible(PortalEvent):
    aggregate = "invoice"
    invoice_id: UUID
    number: str
    at: datetime
    attempts: int


class InvoiceVoided(PortalEvent):
    aggregate = "invoice"
    invoice_id: UUID
    number: str
    voided_at: datetime
    reason: str  # personal (sealed)


class InvoiceSequenceStarted(PortalEvent):
    aggregate = "invoice_sequence"
    year: int


class InvoiceNumberTaken(PortalEvent):
    aggregate = "invoice_sequence"
    sequence: int  # the year's n-th number: 2026-000123 is sequence 123 of the 2026 sequence
    invoice_id: UUID


class AccountInvoiceOpened(PortalEvent):
    aggregate = "account"
    invoice_id: str
    number: str


class AccountInvoiceClosed(PortalEvent):
    """The invoice was paid, voided or written off: it no longer holds up the account's deletion."""
    aggregate = "account"
    invoice_id: str
