"""A claim reserves a platform-wide unique value (an e-mail, a customer number, a namespace, a client id) for
one account.

Uniqueness is an invariant across accounts, so it lives in an aggregate of its own whose id is derived from
the value: two accounts claiming the same value collide on the event store's version check, not on a
projection that might lag.
"""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.tenant import TenantAggregate


class Claim(TenantAggregate):
    released = False  # claims recorded before values could be released hold theirs

    @staticmethod
    def id_for(kind: str, value: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:claim:{kind}:{value}")

    @event("Claimed")
    def __init__(self, account_id: UUID, kind: str, value: str) -> None:
        self.account_id = account_id
        self.kind = kind
        self.value = value

    def transfer(self, account_id: UUID) -> None:
        """Hand the value to another account (a client registered with another account's key moves there)."""
        if account_id != self.account_id:
            self._transferred(account_id=account_id, from_account_id=self.account_id, kind=self.kind,
                              value=self.value)

    @event("Transferred")
    def _transferred(self, account_id: UUID, from_account_id: UUID, kind: str, value: str) -> None:
        self.account_id = account_id  # from here on, this claim's events belong to the new account

    def release(self) -> None:
        """Free the value (a domain its account removed): another account may take it."""
        if not self.released:
            self._released(kind=self.kind, value=self.value)

    @event("Released")
    def _released(self, kind: str, value: str) -> None:
        self.released = True

    def take(self, account_id: UUID) -> None:
        """Hold a released value again (this account or another)."""
        self._taken(account_id=account_id, from_account_id=self.account_id, kind=self.kind, value=self.value)

    @event("Taken")
    def _taken(self, account_id: UUID, from_account_id: UUID, kind: str, value: str) -> None:
        self.account_id = account_id
        self.released = False
