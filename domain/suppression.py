"""The platform's e-mail suppression list: one aggregate per address that bounced or was blocked by staff.

Not an account's data: the list is platform-wide, so its events carry the platform's account id (the account
staff users belong to). The id derives from the normalised address, so two bounces of one address meet on
the event store's version check instead of adding it twice.
"""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.tenant import TenantAggregate
from domain.user_commands import normalised_email


class Suppression(TenantAggregate):
    stamped = ("account_id", "address")

    class Event(TenantAggregate.Event):
        address: str

    class Created(Event, TenantAggregate.Created):
        pass

    @staticmethod
    def id_for(address: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:suppression:{normalised_email(address)}")

    @event("Added")
    def __init__(self, account_id: UUID, address: str, reason: str) -> None:
        self.account_id = account_id
        self.address = address
        self.reason = reason
        self.active = True

    def add(self, reason: str) -> None:
        """Suppress the address again after it was cleared; an address on the list stays as it was."""
        if not self.active:
            self._added_again(reason=reason)

    @event("AddedAgain")
    def _added_again(self, reason: str) -> None:
        self.active = True
        self.reason = reason

    def clear(self, by: str) -> None:
        if self.active:
            self._cleared(by=by)

    @event("Cleared")
    def _cleared(self, by: str) -> None:
        self.active = False
