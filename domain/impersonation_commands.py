"""Commands of impersonation: staff start acting as a customer's owner (the customer is e-mailed), either side
ends it. The owner's e-mail is shared with the help desk's read-only sessions (domain/helpdesk_commands.py)."""

from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.account import Account
from domain.email import Email
from domain.email_commands import EmailCommands
from domain.i18n import moment_in
from domain.impersonation import Impersonation
from domain.staff_access import time_box
from domain.store import now


class ImpersonationCommands(EmailCommands):
    def impersonation(self, account_id: UUID, impersonation_id: UUID) -> Impersonation:
        return self._owned(Impersonation, Impersonation.id_for(account_id, impersonation_id), account_id)

    def start_impersonation(self, account_id: UUID, staff_user_id: UUID, staff_name: str, reason: str,
                            minutes: int) -> tuple[Impersonation, int]:
        """Records the impersonation and, in the same save, the e-mail telling the owner; answers it and the
        position."""
        reason = Impersonation.checked(reason, minutes)
        account = self.account(account_id)
        impersonation_id, (started, expires) = uuid4(), time_box(now(), minutes)
        made: list[Impersonation] = []

        def work() -> list[Aggregate]:
            made[:] = [Impersonation(account_id=account_id, impersonation_id=impersonation_id,
                                     staff_user_id=staff_user_id, reason=reason, started_at=started,
                                     expires_at=expires)]
            return [made[0], self._access_email(account, "support_access", staff_name, reason,
                                                made[0].expires_at)]
        position = self._transact(account_id, work)
        return made[0], position

    def _access_email(self, account: Account, template: str, staff_name: str, reason: str,
                      until: datetime) -> Email:
        """The owner's e-mail that staff now access the account: who, why, until when in its own time zone."""
        return self._new_email(account.account_id, str(uuid4()), account.email, template,
                               {"staff": staff_name, "reason": reason,
                                "until": moment_in(account.preferences["language"], until,
                                                   account.preferences["time_zone"])},
                               language=account.preferences["language"])

    def end_impersonation(self, account_id: UUID, impersonation_id: UUID, by: str) -> int:
        return self._change(Impersonation, self.impersonation(account_id, impersonation_id).id, account_id,
                            lambda i: i.end(now(), by))
