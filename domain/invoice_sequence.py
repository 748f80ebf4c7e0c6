"""The invoice numbers of one calendar year: 2026-000001, 2026-000002, … with no gap and no repeat.

Tax law in much of Europe wants every number used exactly once and in order. The next number is state of this
one aggregate, saved in the same transaction as the invoice that takes it: two concurrent issues collide on
the event store's version check and one of them retries with the next number, so no number is taken twice,
and none is lost (a refused command saves neither the invoice nor its number).
"""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.tenant import TenantAggregate


class InvoiceSequence(TenantAggregate):
    @staticmethod
    def id_for(year: int) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:invoice-sequence:{year}")

    @event("Started")
    def __init__(self, account_id: UUID, year: int) -> None:
        self.account_id = account_id  # the platform's: the numbers belong to no customer
        self.year = year
        self.last = 0

    def take(self, invoice_id: UUID) -> str:
        """The next number, recorded as taken by this invoice."""
        self._taken(sequence=self.last + 1, invoice_id=invoice_id)
        return f"{self.year}-{self.last:06d}"

    @event("NumberTaken")
    def _taken(self, sequence: int, invoice_id: UUID) -> None:
        self.last = sequence
