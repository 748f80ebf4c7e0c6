"""One e-mail the portal sends: queued with its rendered text, then sent, bounced, suppressed or failed.

The body is stored as rendered, except for secrets (a reset link, a new password, a code): those stay
placeholders such as `{reset_url}` here and on NATS, and the mailer fills them in at send time from a store
outside the event log (projections/email_secrets.py), which forgets them right after sending.
"""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.errors import RuleViolation
from domain.tenant import TenantAggregate
from domain.i18n import N_

QUEUED, SENT, BOUNCED, SUPPRESSED, FAILED = "queued", "sent", "bounced", "suppressed", "failed"
# Which status each change may follow. A bounce may arrive after the mail was handed over (the provider's
# report comes later); everything else leaves `queued` only once.
ALLOWED_FROM = {SENT: {QUEUED}, BOUNCED: {QUEUED, SENT}, SUPPRESSED: {QUEUED}, FAILED: {QUEUED}}


class Email(TenantAggregate):
    stamped = ("account_id", "email_id")

    class Event(TenantAggregate.Event):
        email_id: str

    class Created(Event, TenantAggregate.Created):
        pass

    @staticmethod
    def id_for(email_id: str) -> UUID:
        return UUID(email_id)

    @event("Queued")
    def __init__(self, account_id: UUID, email_id: str, to: str, template: str, language: str, subject: str,
                 body: str, secret_params: list[str], queued_at: datetime, attachments: list[str] | None = None) -> None:
        self.account_id = account_id
        self.email_id = email_id
        self.to = to
        self.template = template
        self.language = language
        self.subject = subject
        self.body = body
        self.secret_params = secret_params  # names only: the values never enter the event store
        self.queued_at = queued_at
        # What the mailer attaches, by reference (`invoice:<id>`: the invoice's PDF, rendered at send time).
        self.attachments = attachments or []
        self.status = QUEUED
        self.reason = ""

    def _may_become(self, status: str) -> bool:
        """False when the e-mail already has this status (a repeated command records nothing)."""
        if self.status == status:
            return False
        if self.status not in ALLOWED_FROM[status]:
            raise RuleViolation(N_("The e-mail is {status}; it cannot become {wanted}"), status=self.status, wanted=status)
        return True

    def mark_sent(self, at: datetime) -> None:
        if self._may_become(SENT):
            self._sent(at=at)

    @event("Sent")
    def _sent(self, at: datetime) -> None:
        self.status = SENT

    def mark_bounced(self, reason: str, at: datetime) -> None:
        if self._may_become(BOUNCED):
            self._bounced(reason=reason, at=at)

    @event("Bounced")
    def _bounced(self, reason: str, at: datetime) -> None:
        self.status = BOUNCED
        self.reason = reason

    def mark_suppressed(self, at: datetime) -> None:
        if self._may_become(SUPPRESSED):
            self._suppressed(at=at)

    @event("Suppressed")
    def _suppressed(self, at: datetime) -> None:
        self.status = SUPPRESSED

    def mark_failed(self, reason: str, at: datetime) -> None:
        if self._may_become(FAILED):
            self._failed(reason=reason, at=at)

    @event("Failed")
    def _failed(self, reason: str, at: datetime) -> None:
        self.status = FAILED
        self.reason = reason
