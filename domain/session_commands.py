"""Commands on remote sessions: start (within the license's limits), end, close by force, time out, comment."""

from datetime import timedelta
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.session import Session
from domain.client_commands import ClientCommands
from domain.store import now


class SessionCommands(ClientCommands):
    def session(self, account_id: UUID, session_id: str) -> Session:
        return self._owned(Session, Session.id_for(account_id, session_id), account_id)

    def start_session(self, account_id: UUID, from_client_id: str, to_client_id: str) -> tuple[str, int]:
        """Answers the new session's id and the position of its last event."""
        session_id = str(uuid4())

        def work() -> list[Aggregate]:
            usage = self.usage(account_id)
            usage.admit_session(session_id, from_client_id, to_client_id, self.tier_in_force(account_id))
            session = Session(account_id=account_id, session_id=session_id, from_client_id=from_client_id,
                              to_client_id=to_client_id, started_at=now())
            return [usage, session]
        return session_id, self._transact(account_id, work)

    def end_session(self, account_id: UUID, session_id: str) -> int:
        """A client reports the end. Idempotent, since devices retry: an ended session records nothing."""
        return self._finish(account_id, session_id, "ended", repeatable=True)

    def close_session(self, account_id: UUID, session_id: str) -> int:
        """Closed by force from the portal; the client side learns it from the SessionEnded event."""
        return self._finish(account_id, session_id, "closed", repeatable=False)

    def time_out_session(self, account_id: UUID, session_id: str) -> int:
        """Closes a session past the license's maximum duration; does nothing for any other session."""
        def work() -> list[Aggregate]:
            session = self.session(account_id, session_id)
            limit = timedelta(minutes=self.license(account_id).effective_tier(now()).max_session_minutes)
            if not session.active or session.started_at + limit >= now():  # only sessions longer than the limit
                return []
            return self._ended(account_id, session, "timed_out")
        return self._transact(account_id, work)

    def comment_session(self, account_id: UUID, session_id: str, comment: str) -> int:
        def work() -> list[Aggregate]:
            session = self.session(account_id, session_id)
            session.write_comment(comment)
            return [session]
        return self._transact(account_id, work)

    def _finish(self, account_id: UUID, session_id: str, reason: str, *, repeatable: bool) -> int:
        def work() -> list[Aggregate]:
            session = self.session(account_id, session_id)
            if repeatable and not session.active:
                return []
            return self._ended(account_id, session, reason)
        return self._transact(account_id, work)

    def _ended(self, account_id: UUID, session: Session, reason: str) -> list[Aggregate]:
        session.end(now(), reason)
        usage = self.usage(account_id)
        usage.release_session(session.session_id)
        return [session, usage]
