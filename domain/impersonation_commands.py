"""Commands of impersonation: staff start acting as a customer's owner (the customer is e-mailed), either side
ends it."""

from datetime import timedelta
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.account import local_time
from domain.email_commands import EmailCommands
from domain.impersonation import Impersonation
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
        impersonation_id, started = uuid4(), now().replace(microsecond=0)  # whole seconds: the expiry is exact
        made: list[Impersonation] = []

        def work() -> list[Aggregate]:
            made[:] = [Impersonation(account_id=account_id, impersonation_id=impersonation_id,
                                     staff_user_id=staff_user_id, reason=reason, started_at=started,
                                     expires_at=started + timedelta(minutes=minutes))]
            mail = self._new_email(account_id, str(uuid4()), account.email, "support_access",
                                   {"staff": staff_name, "reason": reason,
                                    "until": local_time(made[0].expires_at, account.preferences["time_zone"])},
                                   language=account.preferences["language"])
            return [made[0], mail]
        position = self._transact(account_id, work)
        return made[0], position

    def end_impersonation(self, account_id: UUID, impersonation_id: UUID, by: str) -> int:
        return self._change(Impersonation, self.impersonation(account_id, impersonation_id).id, account_id,
                            lambda i: i.end(now(), by))
