"""An invoice or a credit note: its gapless number, the holder as they stood at issue, its lines and sums, and
its collection (open → paid, or payment failed → retries → paid or uncollectible; void).

An issued document never changes: a refund is a credit note of its own (`credit_note_for`), and only the
status moves afterwards.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.domain import event

from domain.errors import InvalidValue, RuleViolation
from domain.i18n import N_
from domain.tenant import TenantAggregate
from domain.vat import vat_of

OPEN, PAID, PAYMENT_FAILED, UNCOLLECTIBLE, VOID = "open", "paid", "payment_failed", "uncollectible", "void"
STATUSES = (OPEN, PAID, PAYMENT_FAILED, UNCOLLECTIBLE, VOID)
UNPAID = (OPEN, PAYMENT_FAILED)
INVOICE, CREDIT_NOTE = "invoice", "credit_note"
CURRENCY = "EUR"
PAYMENT_TERM = timedelta(days=14)
# After the first failed try, the next ones wait this long; after the last, the invoice is uncollectible.
RETRY_AFTER = (timedelta(days=1), timedelta(days=3), timedelta(days=5))
MAX_CENTS = 10 ** 12  # no line of a portal invoice comes near ten billion euros


def money(cents: int, currency: str) -> str:
    """An amount as invoices and e-mails write it: 1234.50 EUR, −12.00 EUR."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d} {currency}"


class Line(msgspec.Struct, frozen=True, kw_only=True):
    description: str
    quantity: int
    unit_cents: int

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_cents

    def stored(self) -> dict[str, Any]:
        return {"description": self.description, "quantity": self.quantity, "unit_cents": self.unit_cents,
                "total_cents": self.total_cents}


class Sums(msgspec.Struct, frozen=True, kw_only=True):
    net_cents: int
    vat_cents: int
    total_cents: int


def summed(lines: list[Line], rate_bp: int) -> Sums:
    """Net is the sum of the lines, VAT is the rate on the net (rounded once, not per line), total is both."""
    net = sum(line.total_cents for line in lines)
    vat = vat_of(net, rate_bp)
    return Sums(net_cents=net, vat_cents=vat, total_cents=net + vat)


def checked_lines(lines: list[Line], sign: int) -> list[Line]:
    """An invoice's lines are positive, a credit note's negative; every quantity is at least one."""
    if not lines:
        raise InvalidValue(N_("lines: an invoice has at least one line"), field="lines")
    for line in lines:
        if line.quantity < 1 or line.quantity > 10_000:
            raise InvalidValue(N_("quantity: a whole number from 1 to 10000"), field="quantity")
        if line.unit_cents * sign < 0 or abs(line.unit_cents) > MAX_CENTS:
            raise InvalidValue(N_("amount_cents: an amount of zero or more cents"), field="amount_cents")
    return lines


class Invoice(TenantAggregate):
    stamped = ("account_id", "invoice_id", "number")  # every event names its invoice (search by number)

    class Event(TenantAggregate.Event):
        invoice_id: UUID
        number: str

    class Created(Event, TenantAggregate.Created):
        pass

    @staticmethod
    def id_for(invoice_id: UUID) -> UUID:
        return invoice_id

    @event("Issued")
    def __init__(self, account_id: UUID, invoice_id: UUID, number: str, kind: str, cause: str,
                 issued_at: datetime, due_at: datetime, currency: str, lines: list[dict[str, Any]], net_cents: int,
                 vat_cents: int, total_cents: int, vat_rate_bp: int, reverse_charge: bool, holder: dict[str, str],
                 credit_note_for: UUID | None, next_attempt_at: datetime | None) -> None:
        self.account_id = account_id
        self.invoice_id = invoice_id
        self.number = number
        self.kind = kind
        self.cause = cause  # "upgrade", "renewal", "namespace" or "credit"
        self.issued_at = issued_at
        self.due_at = due_at
        self.currency = currency
        self.lines = lines
        self.net_cents = net_cents
        self.vat_cents = vat_cents
        self.total_cents = total_cents
        self.vat_rate_bp = vat_rate_bp
        self.reverse_charge = reverse_charge
        self.holder = holder  # name, street, postal_code, city, country, vat_id as they stood at issue
        self.credit_note_for = credit_note_for
        self.next_attempt_at = next_attempt_at  # None: nothing to collect automatically (bank transfer)
        self.status = OPEN
        self.attempts = 0

    @property
    def year(self) -> int:
        return int(self.number[:4])

    def collectable(self, now: datetime) -> bool:
        return self.status in UNPAID and self.next_attempt_at is not None and self.next_attempt_at <= now

    def settle(self, at: datetime, reference: str) -> None:
        """The money arrived (or a credit note was refunded); a repeat records nothing. A written-off invoice may
        still be paid late; a void one may not."""
        if self.status == VOID:
            raise RuleViolation(N_("The invoice {number} is void; it cannot be paid"), number=self.number)
        if self.status != PAID:
            self._paid(paid_at=at, reference=reference)

    @event("Paid")
    def _paid(self, paid_at: datetime, reference: str) -> None:
        self.status = PAID
        self.next_attempt_at = None

    def fail(self, at: datetime, attempt: int, failure: str) -> None:
        """Try `attempt` was refused (`failure`: card_declined, insufficient_funds, authentication_required, …).
        A repeat of the same try records nothing; after the last one the invoice is uncollectible."""
        if self.status not in UNPAID or attempt != self.attempts + 1:
            return
        retry = RETRY_AFTER[attempt - 1] if attempt <= len(RETRY_AFTER) else None
        self._payment_failed(failed_at=at, attempt=attempt, failure=failure,
                             next_attempt_at=at + retry if retry else None)
        if retry is None:
            self._uncollectible(at=at, attempts=attempt)

    @property
    def last_try(self) -> bool:
        return self.attempts > len(RETRY_AFTER)

    @event("PaymentFailed")
    def _payment_failed(self, failed_at: datetime, attempt: int, failure: str,
                        next_attempt_at: datetime | None) -> None:
        self.status = PAYMENT_FAILED
        self.attempts = attempt
        self.next_attempt_at = next_attempt_at

    @event("Uncollectible")
    def _uncollectible(self, at: datetime, attempts: int) -> None:
        self.status = UNCOLLECTIBLE
        self.next_attempt_at = None

    def void(self, at: datetime, reason: str) -> None:
        if self.status == PAID:
            raise RuleViolation(N_("The invoice {number} is paid; refund it with a credit note instead"),
                                number=self.number)
        if self.status != VOID:
            self._voided(voided_at=at, reason=reason)

    @event("Voided")
    def _voided(self, voided_at: datetime, reason: str) -> None:
        self.status = VOID
        self.next_attempt_at = None
