"""Commands of the help desk: views of a customer recorded in its account, verification codes e-mailed to the
user being helped, and read-only sessions under the customer's consent (its owner allows or forbids them).

The gateway checks which customers a staff member may reach (gateway/managers.py); these commands check the
customer's own rules: its consent, the code's attempts and expiry, a user's send limit."""

from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.errors import NotFound
from domain.helpdesk_access import HelpDeskAccess
from domain.i18n import N_
from domain.impersonation import Impersonation
from domain.impersonation_commands import ImpersonationCommands
from domain.staff_view import VIEWS, StaffView
from domain.store import now
from domain.user import User
from domain.user_commands import PLATFORM_ACCOUNT, UserCommands
from domain.verification_code import VALID, VerificationCode


class HelpDeskCommands(UserCommands, ImpersonationCommands):
    def record_view(self, account_id: UUID, view: str, subject_id: UUID, staff_user_id: UUID) -> int:
        assert view in VIEWS, view  # the gateway's own constant, never input
        return self._transact(account_id, lambda: [StaffView(account_id=account_id, view_id=uuid4(), view=view,
                                                             subject_id=subject_id, staff_user_id=staff_user_id)])

    def customer_user(self, user_id: UUID) -> User:
        """A user of a customer account (staff logins are nobody's to help here)."""
        user = self.user(user_id)
        if user.account_id == PLATFORM_ACCOUNT:
            raise NotFound(N_("No such user"))
        return user

    # -- verification codes -------------------------------------------------------------------------------

    def _code_of(self, user_id: UUID, account_id: UUID) -> VerificationCode | None:
        try:
            return self._owned(VerificationCode, VerificationCode.id_for(user_id), account_id)
        except NotFound:
            return None

    def send_verification_code(self, user_id: UUID, staff_user_id: UUID) -> tuple[str, str, int]:
        """A new code for the user, and in the same save the e-mail carrying it (the code itself a secret
        parameter: it never enters the event store). Answers the code and e-mail id, for the outbox's secret
        store only, and the position."""
        user = self.customer_user(user_id)
        language = self.account(user.account_id).preferences["language"]
        email_id, sent = str(uuid4()), [""]

        def work() -> list[Aggregate]:
            code = self._code_of(user_id, user.account_id)
            if code is None:
                code, sent[0] = VerificationCode.first(user.account_id, user_id, staff_user_id, now())
            else:
                sent[0] = code.send(staff_user_id, now())
            mail = self._new_email(user.account_id, email_id, user.email, "verification_code",
                                   {"name": user.name, "expires_minutes": str(VALID.seconds // 60)}, ("code",),
                                   language=language)
            return [code, mail]
        position = self._transact(user.account_id, work)
        return sent[0], email_id, position

    def check_verification_code(self, user_id: UUID, code: str, staff_user_id: UUID) -> tuple[bool, int, int]:
        """Whether the caller read back the user's current code: (verified, attempts left, position)."""
        user = self.customer_user(user_id)
        answer = [(False, 0)]

        def work() -> list[Aggregate]:
            current = self._code_of(user_id, user.account_id)
            if current is None:  # no code was ever sent: nothing can match, and there is nothing to count
                return []
            answer[0] = current.check(code, staff_user_id, now())
            return [current]
        position = self._transact(user.account_id, work)
        return *answer[0], position

    # -- consent and read-only sessions ---------------------------------------------------------------------

    def helpdesk_access(self, account_id: UUID) -> HelpDeskAccess | None:
        try:
            return self._owned(HelpDeskAccess, HelpDeskAccess.id_for(account_id), account_id)
        except NotFound:
            return None

    def set_helpdesk_access(self, account_id: UUID, allowed: bool,
                            until: datetime | None) -> tuple[list[UUID], int]:
        """The owner allows (until a moment, or until further notice) or forbids read-only sessions; forbidding
        ends every open one in the same save. Answers the sessions ended and the position."""
        HelpDeskAccess.checked_until(until, now())
        self.account(account_id)  # a deleted or unknown account has no consent to give
        ended: list[UUID] = []

        def work() -> list[Aggregate]:
            access = self.helpdesk_access(account_id)
            if access is None:
                return [HelpDeskAccess(account_id=account_id, allowed=allowed, until=until)] if allowed else []
            ended[:] = access.change(allowed, until, now())
            return [access]
        return ended, self._transact(account_id, work)

    def start_read_only_session(self, account_id: UUID, staff_user_id: UUID, staff_name: str, reason: str,
                                minutes: int) -> tuple[UUID, datetime, int]:
        """Opens a session (refused without consent) and, in the same save, the e-mail telling the owner."""
        account = self.account(account_id)
        session_id, expires = uuid4(), [now()]

        def work() -> list[Aggregate]:
            access = self.helpdesk_access(account_id) or HelpDeskAccess(account_id=account_id, allowed=False,
                                                                         until=None)
            shown, expires[0] = access.start_session(session_id, staff_user_id, reason, minutes, now())
            return [access, self._access_email(account, "support_view", staff_name, shown, expires[0])]
        position = self._transact(account_id, work)
        return session_id, expires[0], position

    def end_read_only_session(self, account_id: UUID, session_id: UUID, by: str,
                              staff_user_id: UUID | None = None) -> int:
        """Ended by the customer, or (`staff_user_id` given) by the staff member who opened it."""
        def work() -> list[Aggregate]:
            access = self.helpdesk_access(account_id)
            opened_by = access and access.sessions.get(str(session_id), {}).get("staff_user_id")
            if access is None or (staff_user_id is not None and opened_by != staff_user_id):
                raise NotFound(N_("No such access"))
            access.end_session(session_id, now(), by)
            return [access]
        return self._transact(account_id, work)

    def end_access(self, account_id: UUID, access_id: UUID, by: str) -> int:
        """Ends whichever staff access of the account has this id: an impersonation or a read-only session."""
        if self._exists(Impersonation.id_for(account_id, access_id)):
            return self.end_impersonation(account_id, access_id, by)
        return self.end_read_only_session(account_id, access_id, by)
