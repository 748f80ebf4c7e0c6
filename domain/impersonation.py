"""Staff acting as a customer's owner ("log in as customer"): with a reason, for at most an hour, visible to
the customer, who may end it. The token that acts is the gateway's (gateway/impersonation.py); this aggregate
is the record the customer sees and the rule that an ended or expired impersonation acts no more."""

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.errors import AccessEnded
from domain.i18n import N_
from domain.staff_access import checked_reason
from domain.tenant import TenantAggregate

MAX_MINUTES = 60


class Impersonation(TenantAggregate):
    stamped = ("account_id", "impersonation_id")

    class Event(TenantAggregate.Event):
        impersonation_id: UUID

    class Created(Event, TenantAggregate.Created):
        pass

    @staticmethod
    def id_for(account_id: UUID, impersonation_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:impersonation:{account_id}:{impersonation_id}")

    @staticmethod
    def checked(reason: str, minutes: int) -> str:
        return checked_reason(reason, minutes, MAX_MINUTES)

    @event("Started")
    def __init__(self, account_id: UUID, impersonation_id: UUID, staff_user_id: UUID, reason: str,
                 started_at: datetime, expires_at: datetime) -> None:
        self.account_id = account_id
        self.impersonation_id = impersonation_id
        self.staff_user_id = staff_user_id
        self.reason = reason
        self.started_at = started_at
        self.expires_at = expires_at
        self.ended_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at

    def end(self, now: datetime, by: str) -> None:
        """`by`: "staff" or "customer". An expired impersonation needs no end: it no longer acts."""
        if not self.active(now):
            raise AccessEnded(N_("This access has already ended"))
        self._ended(at=now, by=by)

    @event("Ended")
    def _ended(self, at: datetime, by: str) -> None:
        self.ended_at = at
