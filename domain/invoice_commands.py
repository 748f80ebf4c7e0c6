"""Commands on invoices: issue one with the license change that caused it (number, invoice, the account's note
of it and the announcing e-mail in one save), record what the payment provider answered, void, credit."""

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.account import Account
from domain.claim import Claim
from domain.email_commands import EmailCommands
from domain.errors import InvalidValue, RuleViolation
from domain.i18n import N_, day_in, moment_in, money_in, translated
from domain.invoice import (CREDIT_NOTE, CURRENCY, INVOICE, PAID, PAYMENT_TERM, UNCOLLECTIBLE, Invoice, Line,
                            checked_lines, money, summed)
from domain.invoice_sequence import InvoiceSequence
from domain.payments import Outcome
from domain.store import now
from domain.user_commands import PLATFORM_ACCOUNT
from domain.vat import rate_for, reverse_charge

# Issues in this process take turns on the year's sequence (it is one aggregate for every account); other
# processes meet its version check and retry.
NUMBERING = threading.Lock()


class InvoiceCommands(EmailCommands):
    def invoice(self, account_id: UUID, invoice_id: UUID) -> Invoice:
        return self._owned(Invoice, invoice_id, account_id)

    def _sequence(self, year: int) -> InvoiceSequence:
        try:
            sequence: InvoiceSequence = self.repository.get(InvoiceSequence.id_for(year))
        except AggregateNotFoundError:
            return InvoiceSequence(account_id=PLATFORM_ACCOUNT, year=year)
        return sequence

    def _billed(self, account_id: UUID, work: Callable[[], Sequence[Aggregate]]) -> int:
        """`_transact` for work that takes an invoice number."""
        with NUMBERING:
            return self._transact(account_id, work)

    def _bill(self, account: Account, cause: str, lines: list[Line], at: datetime, *,
              holder: dict[str, str] | None = None, credit_note_for: Invoice | None = None) -> list[Aggregate]:
        """A new invoice (or credit note) with its number, to save with the change that caused it: answers the
        sequence, the invoice, the account and the announcing e-mail."""
        kind = INVOICE if credit_note_for is None else CREDIT_NOTE
        sequence = self._sequence(at.year)
        invoice_id = uuid4()
        number = sequence.take(invoice_id)
        holder = holder or account.billing_address
        rate = credit_note_for.vat_rate_bp if credit_note_for else rate_for(holder["country"], holder["vat_id"])
        sums = summed(checked_lines(lines, 1 if kind == INVOICE else -1), rate)
        invoice = Invoice(
            account_id=account.account_id, invoice_id=invoice_id, number=number, kind=kind, cause=cause,
            issued_at=at, due_at=at + PAYMENT_TERM, currency=CURRENCY, lines=[li.stored() for li in lines],
            net_cents=sums.net_cents, vat_cents=sums.vat_cents, total_cents=sums.total_cents, vat_rate_bp=rate,
            reverse_charge=reverse_charge(holder["country"], holder["vat_id"]), holder=holder,
            credit_note_for=credit_note_for.invoice_id if credit_note_for else None,
            next_attempt_at=at if account.payment_token else None)
        if kind == INVOICE:
            account.invoice_opened(invoice_id=str(invoice_id), number=number)
        language, zone = account.preferences["language"], account.preferences["time_zone"]
        params = {"number": number, "total": money_in(language, sums.total_cents, CURRENCY),
                  "due": day_in(language, invoice.due_at, zone),
                  "original": credit_note_for.number if credit_note_for else ""}
        email = self._new_email(account.account_id, str(uuid4()), account.email,
                                "invoice_issued" if kind == INVOICE else "credit_note_issued", params,
                                language=account.preferences["language"], attachments=[f"invoice:{invoice_id}"])
        return [sequence, invoice, account, email]

    def record_payment(self, account_id: UUID, invoice_id: UUID, attempt: int, outcome: Outcome) -> int:
        """What the provider answered for try `attempt` (the payment sweep, or its webhook). A failure e-mails
        the holder; the last one makes the invoice uncollectible. Repeats record nothing."""
        def work() -> list[Aggregate]:
            invoice, account = self.invoice(account_id, invoice_id), self.account(account_id)
            if outcome.succeeded:
                invoice.settle(now(), outcome.reference)
                account.invoice_closed(str(invoice_id))
                return [invoice, account]
            invoice.fail(now(), attempt, outcome.failure)
            if not invoice.pending_events:
                return []
            if invoice.status == UNCOLLECTIBLE:
                account.invoice_closed(str(invoice_id))
            return [invoice, account, self._failure_email(account, invoice, outcome.failure)]
        return self._transact(account_id, work)

    def _failure_email(self, account: Account, invoice: Invoice, failure: str) -> Aggregate:
        last = invoice.status == UNCOLLECTIBLE
        language, zone = account.preferences["language"], account.preferences["time_zone"]
        params = {"number": invoice.number, "total": money_in(language, invoice.total_cents, invoice.currency),
                  "failure": failure.replace("_", " "), "attempts": str(invoice.attempts),
                  "next_attempt": "" if last or invoice.next_attempt_at is None else
                  moment_in(language, invoice.next_attempt_at, zone)}
        return self._new_email(account.account_id, str(uuid4()), account.email,
                               "payment_uncollectible" if last else "payment_failed", params,
                               language=account.preferences["language"])

    def void_invoice(self, account_id: UUID, invoice_id: UUID, reason: str) -> int:
        """Staff cancel an unpaid invoice; its number stays taken (and shown as void)."""
        def work() -> list[Aggregate]:
            invoice, account = self.invoice(account_id, invoice_id), self.account(account_id)
            if invoice.kind != INVOICE:
                raise RuleViolation(N_("Only an invoice is voided, not a credit note"))
            invoice.void(now(), reason)
            account.invoice_closed(str(invoice_id))
            return [invoice, account]
        return self._transact(account_id, work)

    def credit_invoice(self, account_id: UUID, invoice_id: UUID, net_cents: int | None = None) -> tuple[UUID, int]:
        """A credit note for a paid invoice: all of it (`net_cents` None) or that much of its net amount. The
        original stays as it was; a second credit note for it is refused. Answers (credit note id, position)."""
        if net_cents is not None and net_cents <= 0:
            raise InvalidValue(N_("amount_cents: an amount of one cent or more"), field="amount_cents")
        issued: list[UUID] = []

        def work() -> list[Aggregate]:
            original, account = self.invoice(account_id, invoice_id), self.account(account_id)
            if original.kind != INVOICE or original.status != PAID:
                raise RuleViolation(N_("Only a paid invoice gets a credit note; void an unpaid one instead"))
            if net_cents is not None and net_cents > original.net_cents:
                raise InvalidValue(N_("amount_cents: at most the invoice's net amount, {net}"),
                                   field="amount_cents", net=money(original.net_cents, original.currency))
            if self._exists(Claim.id_for("credit_note", str(invoice_id))):
                raise RuleViolation(N_("The invoice {number} already has a credit note"), number=original.number)
            lines = [Line(description=li["description"], quantity=li["quantity"], unit_cents=-li["unit_cents"])
                     for li in original.lines] if net_cents is None else [
                Line(description=translated(account.preferences["language"], N_("Credit for invoice {number}"))
                     .format(number=original.number), quantity=1, unit_cents=-net_cents)]
            billed = self._bill(account, "credit", lines, now(), holder=original.holder, credit_note_for=original)
            issued.append(billed[1].id)
            return [*billed, Claim(account_id=account_id, kind="credit_note", value=str(invoice_id))]
        position = self._billed(account_id, work)
        return issued[-1], position
