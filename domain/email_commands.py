"""Commands on e-mails and the suppression list: queue (rendered by the domain), then record what the
mailer did with each e-mail; staff add or clear suppressed addresses.

Every status change is idempotent (a repeat records nothing), so a mailer that crashed between sending and
recording can simply record again.
"""

import re
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.email import Email
from domain.email_templates import render
from domain.i18n import LANGUAGES, N_
from domain.errors import NotFound, RuleViolation
from domain.store import PortalStore, now
from domain.suppression import Suppression
from domain.text import is_plain
from domain.user_commands import PLATFORM_ACCOUNT, normalised_email

ADDRESS = re.compile(r"[^@\s<>\",;:()\[\]\\]+@[^@\s<>\",;:()\[\]\\]+")  # one plain address, no display name


def checked_address(address: str) -> str:
    address = normalised_email(address)
    if len(address) > 254 or not ADDRESS.fullmatch(address) or not is_plain(address):
        raise RuleViolation(N_("Not an e-mail address"), field="to")
    return address


class EmailCommands(PortalStore):
    def email(self, account_id: UUID, email_id: str) -> Email:
        try:
            aggregate_id = Email.id_for(email_id)
        except ValueError:
            raise NotFound(N_("No such e-mail")) from None
        return self._owned(Email, aggregate_id, account_id)

    def suppression(self, address: str) -> Suppression | None:
        try:
            return self._owned(Suppression, Suppression.id_for(address), PLATFORM_ACCOUNT)
        except NotFound:
            return None

    def is_suppressed(self, address: str) -> bool:
        entry = self.suppression(address)
        return entry is not None and entry.active

    def queue_email(self, account_id: UUID, to: str, template: str, params: dict[str, str],
                    secret_params: tuple[str, ...] = (), language: str = "en") -> tuple[str, int]:
        """Record an e-mail for the mailer; answers (email id, position). The values of `secret_params` are
        never read here: the caller hands them to projections.email_secrets.keep_secrets under the id."""
        email_id = str(uuid4())
        return email_id, self._transact(account_id, lambda: [
            self._new_email(account_id, email_id, to, template, params, secret_params, language)])

    @staticmethod
    def _new_email(account_id: UUID, email_id: str, to: str, template: str, params: dict[str, str],
                   secret_params: tuple[str, ...] = (), language: str = "en",
                   attachments: list[str] | None = None) -> Email:
        """An e-mail to queue in the same save as a command's other changes (built afresh on each attempt)."""
        to = checked_address(to)
        language = language if language in LANGUAGES else "en"
        subject, body = render(template, language, to, params, secret_params)
        return Email(account_id=account_id, email_id=email_id, to=to, template=template, language=language,
                     subject=subject, body=body, secret_params=list(secret_params), queued_at=now(),
                     attachments=attachments or [])

    def mark_sent(self, account_id: UUID, email_id: str) -> int:
        return self._change(Email, self.email(account_id, email_id).id, account_id,
                            lambda mail: mail.mark_sent(now()))

    def mark_failed(self, account_id: UUID, email_id: str, reason: str) -> int:
        """The e-mail can never be sent (its secrets were lost, or the server kept refusing for too long)."""
        return self._change(Email, self.email(account_id, email_id).id, account_id,
                            lambda mail: mail.mark_failed(reason, now()))

    def mark_bounced(self, account_id: UUID, email_id: str, reason: str) -> int:
        """The address refused the e-mail for good: it goes on the suppression list in the same save."""
        def work() -> list[Aggregate]:
            mail = self.email(account_id, email_id)
            mail.mark_bounced(reason, now())
            return [mail, self._suppressed(mail.to, reason)]
        return self._transact(account_id, work)

    def mark_suppressed(self, account_id: UUID, email_id: str) -> int:
        """Not sent because its address is on the suppression list (refused if it is not)."""
        def work() -> list[Aggregate]:
            mail = self.email(account_id, email_id)
            if mail.status == "queued" and not self.is_suppressed(mail.to):
                raise RuleViolation(N_("The address is not on the suppression list"), field="to")
            mail.mark_suppressed(now())
            return [mail]
        return self._transact(account_id, work)

    def suppress_address(self, address: str, reason: str) -> int:
        address = checked_address(address)
        return self._transact(PLATFORM_ACCOUNT, lambda: [self._suppressed(address, reason)])

    def clear_suppression(self, address: str, by: str) -> int:
        """Lets mail through to the address again (NotFound when it is not on the list)."""
        def work() -> list[Aggregate]:
            entry = self.suppression(address)
            if entry is None or not entry.active:
                raise NotFound(N_("The address is not on the suppression list"))
            entry.clear(by)
            return [entry]
        return self._transact(PLATFORM_ACCOUNT, work)

    def _suppressed(self, address: str, reason: str) -> Suppression:
        entry = self.suppression(address)
        if entry is None:
            return Suppression(account_id=PLATFORM_ACCOUNT, address=normalised_email(address), reason=reason)
        entry.add(reason)
        return entry
