"""A customer's consent to the help desk and the read-only sessions opened under it, in one aggregate: a
session starts only while consent holds, and withdrawing consent ends every open session in the same save, so
no session can slip in between (the version check orders the two). Forbidden until the owner allows it."""

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.errors import AccessEnded, InvalidValue, NotAllowed, NotFound
from domain.i18n import N_
from domain.staff_access import checked_reason, time_box
from domain.tenant import TenantAggregate

MAX_MINUTES = 8 * 60
DEFAULT_MINUTES = 60


class HelpDeskAccess(TenantAggregate):
    @staticmethod
    def id_for(account_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:helpdesk-access:{account_id}")

    @staticmethod
    def checked_until(until: datetime | None, now: datetime) -> datetime | None:
        if until is not None and until <= now:
            raise InvalidValue(N_("until: a moment in the future, with its time zone"), field="until")
        return until

    @event("Given")
    def __init__(self, account_id: UUID, allowed: bool, until: datetime | None) -> None:
        self.account_id = account_id
        self.allowed = allowed
        self.until = until
        # session id -> staff_user_id, started_at, expires_at, ended_at
        self.sessions: dict[str, dict[str, Any]] = {}

    def allows(self, now: datetime) -> bool:
        return self.allowed and (self.until is None or now < self.until)

    def change(self, allowed: bool, until: datetime | None, now: datetime) -> list[UUID]:
        """Answers the sessions it ended (their tokens must stop at once): all on a withdrawal, and those that
        would outlive a consent cut shorter."""
        ended = [UUID(s) for s, session in self.sessions.items() if self.session_active(s, now) and
                 (not allowed or (until is not None and session["expires_at"] > until))]
        for session_id in ended:
            self._session_ended(session_id=session_id, at=now, by="customer")
        if (allowed, until) != (self.allowed, self.until):
            self._changed(allowed=allowed, until=until)
        return ended

    @event("Changed")
    def _changed(self, allowed: bool, until: datetime | None) -> None:
        self.allowed = allowed
        self.until = until

    def session_active(self, session_id: str, now: datetime) -> bool:
        session = self.sessions[session_id]
        return session["ended_at"] is None and now < session["expires_at"]

    def start_session(self, session_id: UUID, staff_user_id: UUID, reason: str, minutes: int,
                      now: datetime) -> tuple[str, datetime]:
        """Answers the reason as recorded and the expiry (at the end of consent at the latest)."""
        reason = checked_reason(reason, minutes, MAX_MINUTES)
        if not self.allows(now):
            raise NotAllowed(N_("The customer has not allowed help-desk access; its owner can allow it under "
                                "PUT /v1/account/helpdesk-access"))
        started, expires = time_box(now, minutes, self.until)
        self._session_started(session_id=session_id, staff_user_id=staff_user_id, reason=reason,
                              started_at=started, expires_at=expires)
        return reason, expires

    @event("SessionStarted")
    def _session_started(self, session_id: UUID, staff_user_id: UUID, reason: str, started_at: datetime,
                         expires_at: datetime) -> None:
        self.sessions[str(session_id)] = {"staff_user_id": staff_user_id, "started_at": started_at,
                                          "expires_at": expires_at, "ended_at": None}

    def end_session(self, session_id: UUID, now: datetime, by: str) -> None:
        """`by`: "staff" or "customer". An expired session needs no end: it no longer reads."""
        if str(session_id) not in self.sessions:
            raise NotFound(N_("No such access"))
        if not self.session_active(str(session_id), now):
            raise AccessEnded(N_("This access has already ended"))
        self._session_ended(session_id=session_id, at=now, by=by)

    @event("SessionEnded")
    def _session_ended(self, session_id: UUID, at: datetime, by: str) -> None:
        self.sessions[str(session_id)]["ended_at"] = at
