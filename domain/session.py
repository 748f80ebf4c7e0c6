"""A remote session between two clients: who connected to whom, when, for how long, and a comment.

Its slot under the license's concurrency limits is taken and released in LicenseUsage, in the same save.
"""

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.errors import SessionNotActive
from domain.tenant import TenantAggregate
from domain.i18n import N_


class Session(TenantAggregate):
    stamped = ("account_id", "session_id")

    class Event(TenantAggregate.Event):
        session_id: str

    class Created(Event, TenantAggregate.Created):
        pass

    @staticmethod
    def id_for(account_id: UUID, session_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:session:{account_id}:{session_id}")

    @event("Started")
    def __init__(self, account_id: UUID, session_id: str, from_client_id: str, to_client_id: str,
                 started_at: datetime) -> None:
        self.account_id = account_id
        self.session_id = session_id
        self.from_client_id = from_client_id
        self.to_client_id = to_client_id
        self.started_at = started_at
        self.ended_at: datetime | None = None
        self.comment = ""

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def end(self, now: datetime, reason: str) -> None:
        if not self.active:
            raise SessionNotActive(N_("The session has already ended"), field="session_id")
        self._ended(ended_at=max(now, self.started_at), reason=reason)

    @event("Ended")
    def _ended(self, ended_at: datetime, reason: str) -> None:
        self.ended_at = ended_at

    def write_comment(self, comment: str) -> None:
        if comment != self.comment:
            self._commented(comment=comment)

    @event("Commented")
    def _commented(self, comment: str) -> None:
        self.comment = comment
