"""The numbers of an account's support requests: `<customer number>-<n>`, n counting 1, 2, 3… without gaps.

The customer number is what the License tab tells customers to give support, so a request's number says
whose it is at a glance. Two requests opened at once both save this aggregate: the loser of the version check
retries with the next n, so no number is ever taken twice.
"""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.tenant import TenantAggregate


class SupportCounter(TenantAggregate):
    @staticmethod
    def id_for(account_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:support-counter:{account_id}")

    @event("Started")
    def __init__(self, account_id: UUID) -> None:
        self.account_id = account_id
        self.taken = 0

    def take(self, customer_number: str) -> str:
        self._taken(sequence=self.taken + 1)
        return f"{customer_number}-{self.taken}"

    @event("NumberTaken")
    def _taken(self, sequence: int) -> None:
        self.taken = sequence
